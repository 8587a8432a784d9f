import { DescribeSecretCommand, GetRandomPasswordCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ARN, FakeSecret, fullRotation, step, TOKEN } from './fake-secret';

/**
 * The generic rotation function whatever configuration it runs with: its stack's secrets only, and never a
 * value from settings it does not know. CloudFormation updates a function's code and its configuration in
 * two calls, and the secrets in their own resources, so the code of this release meets the environment of
 * an earlier one (or none), and secrets that still carry an earlier release's settings tag.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html
 */

const LEGACY_SETTINGS_TAG = 'cdk-kms-encryption:generic-rotation';
const JSON_SECRET = JSON.stringify({ username: 'app', password: 'first-password-0123456789abcdef' });
/** What the releases that listed settings by name wrote: here, another secret only. */
const EARLIER_ENVIRONMENT = JSON.stringify([[['other'], { passwordLength: 40 }]]);

function legacyTag(settings: Record<string, unknown>) {
  return { Key: LEGACY_SETTINGS_TAG, Value: Buffer.from(JSON.stringify(settings)).toString('base64') };
}

beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

describe('a secret that is not its stack\'s', () => {
  test('is refused before any call, whatever its tags: nothing is read or changed', async () => {
    // GIVEN a secret of another team, pointed at this stack's function, which lists other secrets
    const secret = new FakeSecret(JSON_SECRET, {}, JSON.stringify({ format: 2, groups: [[{}, 'AAAAAAAAAAA']] }));
    secret.tags = [{ Key: 'cdk-kms-encryption:stack-id', Value: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/TestStack/guid' }];
    secret.startRotation(TOKEN);

    // WHEN
    const rotation = step(secret, 'createSecret');

    // THEN
    await expect(rotation).rejects.toThrow(`Secret ${ARN} is not a secret of this function's stack: its generic rotation function rotates only those. Nothing was read or changed; point the secret's rotation at its own function.`);
    expect(secret.mock.calls()).toHaveLength(0);
    expect(secret.valueAt('AWSCURRENT')).toEqual(JSON_SECRET);
  });
});

describe('new code, before CloudFormation updates its configuration', () => {
  test('with no settings variable (the releases that kept settings in a tag), the secret\'s tag gives them', async () => {
    // GIVEN
    const secret = new FakeSecret(JSON_SECRET, {}, null);
    secret.tags = [legacyTag({ jsonField: 'password', passwordLength: 40, excludePunctuation: true })];
    secret.mock.on(GetRandomPasswordCommand).callsFake((input) => ({ RandomPassword: 'A1b2'.repeat(10).slice(0, input.PasswordLength) }));

    // WHEN
    await fullRotation(secret);

    // THEN the other fields are kept, the field rotated with the tag's settings
    const value = JSON.parse(secret.valueAt('AWSCURRENT')!);
    expect(value.username).toEqual('app');
    expect(value.password).toHaveLength(40);
    expect(secret.mock.commandCalls(GetRandomPasswordCommand)[0].args[0].input).toEqual({ PasswordLength: 40, ExcludePunctuation: true });
  });

  test('with no settings variable and no tag, the rotation fails: nothing stored, AWSCURRENT unchanged', async () => {
    // GIVEN
    const secret = new FakeSecret(JSON_SECRET, {}, null);
    secret.startRotation(TOKEN);

    // WHEN / THEN
    await expect(step(secret, 'createSecret')).rejects.toThrow('The function has no ROTATION_SETTINGS environment variable (CloudFormation has not yet updated its configuration) and secret api-key has no cdk-kms-encryption:generic-rotation tag: its rotation settings are unknown.');
    expect(secret.mock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(secret.valueAt('AWSCURRENT')).toEqual(JSON_SECRET);
  });

  test('with an earlier release\'s environment that does not list a JSON secret, createSecret refuses to replace the whole value', async () => {
    // GIVEN
    const secret = new FakeSecret(JSON_SECRET, {}, EARLIER_ENVIRONMENT);
    secret.startRotation(TOKEN);

    // WHEN / THEN
    await expect(step(secret, 'createSecret')).rejects.toThrow(`createSecret: secret ${ARN} holds a JSON object, but its rotation settings name no field to rotate: the whole value would be replaced. Nothing was stored.`);
    expect(secret.mock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(secret.mock.commandCalls(DescribeSecretCommand)).toHaveLength(1);
  });

  test('testSecret rejects a plain pending value for a JSON secret: AWSCURRENT never moves to it', async () => {
    // GIVEN a pending version that earlier code (or anyone with PutSecretValue) stored as a bare string
    const secret = new FakeSecret(JSON_SECRET, {}, EARLIER_ENVIRONMENT);
    secret.startRotation(TOKEN);
    secret.mock.on(GetRandomPasswordCommand).resolves({ RandomPassword: 'x' });
    await secret.client.send(new PutSecretValueCommand({ SecretId: ARN, ClientRequestToken: TOKEN, SecretString: 'Aa1!'.repeat(8), VersionStages: ['AWSPENDING'] }));

    // WHEN / THEN
    await expect(step(secret, 'testSecret')).rejects.toThrow(`testSecret: version ${TOKEN} of ${ARN} would replace a JSON object with a plain value.`);
    expect(secret.valueAt('AWSCURRENT')).toEqual(JSON_SECRET);
  });
});
