import { GetRandomPasswordCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { ARN, FakeSecret, fullRotation, random, SECRET_NAME, step, TOKEN } from './fake-secret';
import { nextValue, pendingValueProblem, secretNameOf } from '../../src/secretsmanager/private/rotation';
import { RotationSettings, secretNameDigest, settingsFor, settingsGroup, settingsProblems, valueProblem } from '../../src/secretsmanager/private/rotation-settings';

let logs: string[];
beforeEach(() => {
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.join(' '));
  });
});
afterEach(() => jest.restoreAllMocks());

describe('the four rotation steps', () => {
  test('a plain secret gets a new random value, made AWSCURRENT by finishSecret; the old one becomes AWSPREVIOUS', async () => {
    // GIVEN
    const secret = new FakeSecret('old-value');

    // WHEN
    await fullRotation(secret);

    // THEN
    expect(secret.versionAt('AWSCURRENT')).toEqual(TOKEN);
    expect(secret.valueAt('AWSCURRENT')).toEqual(random(1));
    expect(secret.valueAt('AWSPREVIOUS')).toEqual('old-value');
    expect(secret.versionAt('AWSPENDING')).toBeUndefined();
  });

  test('createSecret stores the pending value under the request token, with stage AWSPENDING only', async () => {
    // GIVEN
    const secret = new FakeSecret('old-value');
    secret.startRotation(TOKEN);

    // WHEN
    await step(secret, 'createSecret');

    // THEN
    expect(secret.mock.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: ARN, ClientRequestToken: TOKEN, SecretString: random(1), VersionStages: ['AWSPENDING'] },
    ]);
  });

  test('a retried createSecret keeps the pending value it created: one random value, one PutSecretValue', async () => {
    // GIVEN
    const secret = new FakeSecret('old-value');
    secret.startRotation(TOKEN);
    await step(secret, 'createSecret');

    // WHEN
    await step(secret, 'createSecret');

    // THEN
    expect(secret.mock.commandCalls(GetRandomPasswordCommand)).toHaveLength(1);
    expect(secret.mock.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect(secret.valueAt('AWSPENDING')).toEqual(random(1));
  });

  test('AWSCURRENT does not move before finishSecret', async () => {
    // GIVEN
    const secret = new FakeSecret('old-value');
    secret.startRotation(TOKEN);

    // WHEN
    for (const name of ['createSecret', 'setSecret', 'testSecret']) {
      await step(secret, name);
    }

    // THEN
    expect(secret.valueAt('AWSCURRENT')).toEqual('old-value');
    expect(secret.versionAt('AWSCURRENT')).toEqual('token-1');
    expect(secret.mock.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  test('finishSecret moves AWSCURRENT from the current version to the token', async () => {
    // GIVEN
    const secret = new FakeSecret('old-value');
    secret.startRotation(TOKEN);
    await step(secret, 'createSecret');

    // WHEN
    await step(secret, 'finishSecret');

    // THEN
    expect(secret.mock.commandCalls(UpdateSecretVersionStageCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN, RemoveFromVersionId: 'token-1' },
    ]);
  });

  test('any step retried after the rotation finished does nothing', async () => {
    // GIVEN
    const secret = new FakeSecret('old-value');
    await fullRotation(secret);
    secret.mock.resetHistory();

    // WHEN
    for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
      await step(secret, name);
    }

    // THEN
    expect(secret.mock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(secret.mock.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
    expect(secret.valueAt('AWSCURRENT')).toEqual(random(1));
  });

  test('a second rotation replaces the value again', async () => {
    // GIVEN
    const secret = new FakeSecret('old-value');
    await fullRotation(secret);

    // WHEN
    await fullRotation(secret, 'token-3');

    // THEN
    expect(secret.valueAt('AWSCURRENT')).toEqual(random(2));
    expect(secret.valueAt('AWSPREVIOUS')).toEqual(random(1));
  });
});

describe('JSON secrets', () => {
  test('rotate the configured field and keep every other field', async () => {
    // GIVEN
    const secret = new FakeSecret(JSON.stringify({ username: 'app', password: 'old', host: 'db.example.com' }), { jsonField: 'password' });

    // WHEN
    await fullRotation(secret);

    // THEN
    expect(JSON.parse(secret.valueAt('AWSCURRENT')!)).toEqual({ username: 'app', password: random(1), host: 'db.example.com' });
  });

  test('a current value that is not a JSON object fails createSecret without quoting the value', async () => {
    // GIVEN
    const secret = new FakeSecret('not-json-s3cr3t', { jsonField: 'password' });
    secret.startRotation(TOKEN);

    // WHEN
    const result = step(secret, 'createSecret');

    // THEN
    await expect(result).rejects.toThrow('The current value is not a JSON object, but generic rotation is configured to rotate one of its fields.');
    await expect(result).rejects.not.toThrow(/s3cr3t/);
    expect(secret.mock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });
});

describe('the entry point checks the version before any step', () => {
  test('a secret without rotation enabled', async () => {
    const secret = new FakeSecret('old-value');
    secret.rotationEnabled = false;
    secret.startRotation(TOKEN);
    await expect(step(secret, 'createSecret')).rejects.toThrow(`Secret ${ARN} is not enabled for rotation.`);
  });

  test('a token that is not a version of the secret', async () => {
    const secret = new FakeSecret('old-value');
    await expect(step(secret, 'createSecret')).rejects.toThrow(`Secret version ${TOKEN} has no stage for rotation of secret ${ARN}.`);
  });

  test('a token that is neither AWSCURRENT nor AWSPENDING', async () => {
    // GIVEN a finished rotation: token-1 is now AWSPREVIOUS
    const secret = new FakeSecret('old-value');
    await fullRotation(secret);

    // THEN
    await expect(step(secret, 'finishSecret', 'token-1')).rejects.toThrow(`Secret version token-1 is not AWSPENDING for rotation of secret ${ARN}.`);
  });

  test('an unknown step', async () => {
    const secret = new FakeSecret('old-value');
    secret.startRotation(TOKEN);
    await expect(step(secret, 'dropSecret')).rejects.toThrow(`Unknown rotation step dropSecret for secret ${ARN}.`);
  });

  test('a binary secret', async () => {
    const secret = new FakeSecret('old-value');
    secret.binary = true;
    secret.startRotation(TOKEN);
    await expect(step(secret, 'createSecret')).rejects.toThrow(`Secret ${ARN} has no string value: generic rotation rotates string and JSON secrets only.`);
  });
});

describe('testSecret', () => {
  test.each([
    ['a pending value equal to the current one', 'same', 'same', undefined, 'equals the current value.'],
    ['an empty pending value', 'old', '', undefined, 'is empty.'],
    ['a pending JSON value without the field', '{"password":"a"}', '{"pass":"b"}', 'password', "has no new value in field 'password'."],
    ['a pending JSON value with the old field value', '{"password":"a"}', '{"password":"a"}', 'password', "has the current value in field 'password'."],
    ['a pending JSON value that changes other fields', '{"password":"a","user":"x","host":"h"}', '{"password":"b","user":"y"}', 'password', "changes fields other than 'password': host, user."],
  ])('rejects %s', (_, current, pending, jsonField, problem) => {
    expect(pendingValueProblem(current, pending, jsonField)).toEqual(problem);
  });

  test('accepts a new value that keeps the other fields', () => {
    expect(pendingValueProblem('{"password":"a","user":"x"}', '{"user":"x","password":"b"}', 'password')).toBeUndefined();
  });

  test('fails the rotation on a bad pending value, so AWSCURRENT never moves to it', async () => {
    // GIVEN a pending version someone else wrote with the same value
    const secret = new FakeSecret('old-value');
    secret.startRotation(TOKEN);
    await secret.client.send(new PutSecretValueCommand({ SecretId: ARN, ClientRequestToken: TOKEN, SecretString: 'old-value', VersionStages: ['AWSPENDING'] }));

    // THEN
    await expect(step(secret, 'testSecret')).rejects.toThrow(`testSecret: version ${TOKEN} of ${ARN} equals the current value.`);
    expect(secret.valueAt('AWSCURRENT')).toEqual('old-value');
  });
});

describe('values are never logged', () => {
  test('a full rotation logs the secret, steps and versions but no value', async () => {
    // GIVEN
    const secret = new FakeSecret(JSON.stringify({ password: 'old-s3cr3t' }), { jsonField: 'password' });

    // WHEN
    await fullRotation(secret);

    // THEN
    expect(logs.length).toBeGreaterThanOrEqual(3);
    expect(logs.join('\n')).not.toMatch(/s3cr3t|Rand0m/);
    expect(logs.join('\n')).toContain(ARN);
  });
});

describe('per-secret settings', () => {
  test('are passed to GetRandomPassword', async () => {
    // GIVEN
    const secret = new FakeSecret('old-value', { passwordLength: 32, excludeCharacters: '"@/\\', requireEachIncludedType: true });

    // WHEN
    await fullRotation(secret);

    // THEN
    expect(secret.mock.commandCalls(GetRandomPasswordCommand)[0].args[0].input).toEqual({
      PasswordLength: 32,
      ExcludeCharacters: '"@/\\',
      RequireEachIncludedType: true,
    });
  });

  test('come from the function\'s environment by secret name, in every form a release wrote it', () => {
    // This release: every secret, by digest, or by name when the name is known only at deployment.
    const current = JSON.stringify({ format: 2, groups: [settingsGroup({ passwordLength: 40 }, ['api', 'db'], []), settingsGroup({}, ['x'], ['deploy-time'])] });
    expect(settingsFor('db', current)).toEqual({ passwordLength: 40 });
    expect(settingsFor('api', current)).toEqual({ passwordLength: 40 });
    expect(settingsFor('x', current)).toEqual({});
    expect(settingsFor('deploy-time', current)).toEqual({});
    expect(() => settingsFor('other', current)).toThrow('The function\'s ROTATION_SETTINGS environment variable does not list secret other.');
    // The releases that listed only secrets with other than the default settings, one or several names an entry.
    const earlier = JSON.stringify([[['api', 'db'], { passwordLength: 40 }], [['other-db'], { passwordLength: 20 }]]);
    expect(settingsFor('db', earlier)).toEqual({ passwordLength: 40 });
    expect(settingsFor('other-db', earlier)).toEqual({ passwordLength: 20 });
    expect(settingsFor('db', JSON.stringify([['db', { passwordLength: 40 }]]))).toEqual({ passwordLength: 40 });
    expect(settingsFor('other', earlier)).toEqual({});
  });

  test('digests are SHA-256 of the name, base64url, 11 characters, concatenated in a group', () => {
    expect(secretNameDigest('db')).toEqual('e9wl0WlO-YR');
    expect(settingsGroup({ passwordLength: 40, jsonField: undefined }, ['db', 'db'], [])).toEqual([{ passwordLength: 40 }, 'e9wl0WlO-YRe9wl0WlO-YR']);
  });

  test('the name of a secret is its ARN without the six characters Secrets Manager appends', () => {
    expect(secretNameOf(ARN)).toEqual(SECRET_NAME);
    expect(secretNameOf('arn:aws:secretsmanager:eu-west-1:111111111111:secret:app/db-creds-a1B2c3')).toEqual('app/db-creds');
  });

  test.each([
    ['not JSON', '%%%', 'The function\'s ROTATION_SETTINGS environment variable is not JSON.'],
    ['an object of another format', '{"format":3,"groups":[]}', 'The function\'s ROTATION_SETTINGS environment variable has a form this code does not know (format 2 expected).'],
  ])('reject an environment that is %s', (_, environment, message) => {
    expect(() => settingsFor('db', environment)).toThrow(message);
  });

  test.each([
    ['not base64 JSON', '%%%', 'The cdk-kms-encryption:generic-rotation tag of secret db is not base64-encoded JSON of an object.'],
    ['mistyped', Buffer.from('{"passwordLength":"40","x":1}').toString('base64'), 'The cdk-kms-encryption:generic-rotation tag of secret db has unknown or mistyped settings: passwordLength, x.'],
  ])('reject a legacy tag that is %s, without an environment', (_, value, message) => {
    expect(() => settingsFor('db', undefined, [{ Key: 'cdk-kms-encryption:generic-rotation', Value: value }])).toThrow(message);
  });

  test('a generated value below the settings is never stored', async () => {
    // GIVEN GetRandomPassword returns fewer characters than asked for
    const secret = new FakeSecret('old-value', { passwordLength: 40 });
    secret.startRotation(TOKEN);

    // WHEN / THEN
    await expect(step(secret, 'createSecret')).rejects.toThrow(
      `createSecret: the generated value for ${ARN} is shorter than the 40 characters the rotation settings require.`,
    );
    expect(secret.mock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });
});

describe('the floor', () => {
  test.each([
    ['long enough with every class', 'aB3!'.repeat(8), {}, undefined],
    ['below the default 32', 'aB3!'.repeat(7), {}, 'is shorter than the 32 characters the rotation settings require.'],
    ['below 16 whatever the settings say', 'aB3!'.repeat(3), { passwordLength: 1 }, 'is shorter than the 16 characters the rotation settings require.'],
    ['an excluded class', 'aB3!'.repeat(8), { excludePunctuation: true }, 'contains characters the rotation settings exclude.'],
    ['an excluded character', 'aB3!'.repeat(8), { excludeCharacters: '!' }, 'contains characters the rotation settings exclude.'],
    ['a missing class', 'aB3'.repeat(11), {}, 'lacks a character of a class the rotation settings require (punctuation).'],
    ['a missing class that need not appear', 'aB3'.repeat(11), { requireEachIncludedType: false }, undefined],
    ['a space when spaces are included', 'aB3! '.repeat(7), { includeSpace: true }, undefined],
  ])('%s', (_, value, settings: RotationSettings, problem) => {
    expect(valueProblem(value, settings)).toEqual(problem);
  });

  test('settings no value can satisfy', () => {
    const nothingLeft = { excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true };
    expect(settingsProblems({ passwordLength: 8, ...nothingLeft })).toEqual([
      '`generateSecretString.passwordLength` must be at least 16 for generic rotation, got 8.',
      '`generateSecretString` excludes every character class (lowercase, uppercase, numbers, punctuation), so no value can be generated. Include at least one.',
    ]);
    expect(settingsProblems({ excludeNumbers: true, excludeCharacters: 'abcdefghijklmnopqrstuvwxyz' })).toEqual([]);
  });
});

test('nextValue replaces only the field of a JSON secret', () => {
  expect(nextValue('{"a":1,"password":"x"}', 'new', 'password')).toEqual('{"a":1,"password":"new"}');
  expect(nextValue('anything', 'new')).toEqual('new');
});
