import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  GetParameterCommand,
  LabelParameterVersionCommand,
  ListTagsForResourceCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  ParameterPatternMismatchException,
  ParameterVersionNotFound,
  PutParameterCommand,
  RemoveTagsFromResourceCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { generatorAlphabet, OWNER_TAG_KEYS, ValueKind } from '../../src/ssm/private/secure-string-contract';
import { generatedLabel, generateValue, handleEvent, HttpPut, readSecret, redact, respond, run, tagChanges } from '../../src/ssm/private/secure-string-resource';

const ssmMock = mockClient(SSMClient);
const secretsMock = mockClient(SecretsManagerClient);
const clients = { ssm: new SSMClient({ region: 'eu-west-1' }), secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }) };

const NAME = '/app/db-password';
const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf';
const SECRET_TEXT = 'S3cret-From-Secrets-Manager-7f3a';
const CURRENT_VALUE = 'Current-Stored-Value-91bd';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Test/guid';
const OWNER_TAGS = [{ Key: OWNER_TAG_KEYS.stackId, Value: STACK_ID }, { Key: OWNER_TAG_KEYS.logicalId, Value: 'Parameter' }];
const noWait = () => Promise.resolve();

const generated = { Kind: ValueKind.GENERATED, Length: '40' };
const baseProps = { ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:handler', Name: NAME, KeyId: KEY_ARN, Tier: 'Standard', Retain: 'false', Value: generated };

function event(requestType: 'Create' | 'Update' | 'Delete', props: Record<string, any> = {}, old?: Record<string, any>, physicalId = NAME): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: baseProps.ServiceToken,
    ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/signed',
    StackId: STACK_ID,
    RequestId: 'request-1',
    LogicalResourceId: 'Parameter',
    ResourceType: 'Custom::SecureStringParameter',
    ResourceProperties: { ...baseProps, ...props },
  };
  if (requestType === 'Create') {
    return { ...common, RequestType: 'Create' };
  }
  if (requestType === 'Update') {
    return { ...common, RequestType: 'Update', PhysicalResourceId: physicalId, OldResourceProperties: { ...baseProps, ...old } };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: physicalId };
}

/** The value sent in the only PutParameter call. */
function putValue(): string {
  const calls = ssmMock.commandCalls(PutParameterCommand);
  expect(calls).toHaveLength(1);
  return calls[0].args[0].input.Value!;
}

let logged: string[];
beforeEach(() => {
  ssmMock.reset();
  secretsMock.reset();
  ssmMock.on(PutParameterCommand).resolves({ Version: 1 });
  ssmMock.on(ListTagsForResourceCommand).resolves({ TagList: OWNER_TAGS });
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: SECRET_TEXT });
  logged = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
});
afterEach(() => jest.restoreAllMocks());

describe('create', () => {
  test('puts a SecureString under the key with tier, attributes and tags, without overwriting', async () => {
    // GIVEN
    const props = { Description: 'db', AllowedPattern: '^.+$', Policies: '[{"Type":"Expiration"}]', Tier: 'Advanced', Tags: [{ Key: 'team', Value: 'a' }] };

    // WHEN
    const outcome = await handleEvent(event('Create', props), clients);

    // THEN
    expect(ssmMock).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: NAME,
      Type: 'SecureString',
      KeyId: KEY_ARN,
      Tier: 'Advanced',
      Description: 'db',
      AllowedPattern: '^.+$',
      Policies: '[{"Type":"Expiration"}]',
      Overwrite: false,
      Tags: [{ Key: 'team', Value: 'a' }, ...OWNER_TAGS],
    });
    expect(outcome).toEqual({ physicalResourceId: NAME, data: { Version: '1' } });
  });

  test('a generated value has the requested length and characters, and is never logged or returned', async () => {
    // GIVEN
    const put = jest.fn<ReturnType<HttpPut>, Parameters<HttpPut>>().mockResolvedValue({ ok: true, status: 200 });

    // WHEN
    await run(event('Create', { Value: { Kind: ValueKind.GENERATED, Length: '40', ExcludeCharacters: 'abc' } }), clients, put, 60_000, noWait);

    // THEN
    const value = putValue();
    expect(value).toHaveLength(40);
    expect(value).not.toMatch(/[abc ]/);
    const response = JSON.parse(put.mock.calls[0][1].body);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: NAME, Data: { Version: '1' } });
    expect(put.mock.calls[0][1].body).not.toContain(value);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain(value);
  });

  test('a value from a secret is read at deploy time, whole or one JSON field', async () => {
    // WHEN
    await handleEvent(event('Create', { Value: { Kind: ValueKind.SECRET, SecretId: SECRET_ARN } }), clients);

    // THEN
    expect(secretsMock).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
    expect(putValue()).toBe(SECRET_TEXT);

    // WHEN a field of a JSON secret
    ssmMock.resetHistory();
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'app', password: SECRET_TEXT }) });
    await handleEvent(event('Create', { Value: { Kind: ValueKind.SECRET, SecretId: SECRET_ARN, JsonField: 'password' } }), clients);

    // THEN
    expect(putValue()).toBe(SECRET_TEXT);
  });

  test('a plain-text value is put as given', async () => {
    await handleEvent(event('Create', { Value: { Kind: ValueKind.PLAIN_TEXT, PlainText: 'not-secret' } }), clients);
    expect(putValue()).toBe('not-secret');
  });

  test('a failed create reports FAILED with a physical id that a later Delete will not act on', async () => {
    // GIVEN a parameter of that name, not tagged as this resource's, exists already
    ssmMock.on(PutParameterCommand).rejects(new ParameterAlreadyExists({ message: 'The parameter already exists.', $metadata: {} }));
    ssmMock.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'team', Value: 'other' }] });
    const put = jest.fn<ReturnType<HttpPut>, Parameters<HttpPut>>().mockResolvedValue({ ok: true, status: 200 });

    // WHEN
    await run(event('Create'), clients, put, 60_000, noWait);

    // THEN
    const response = JSON.parse(put.mock.calls[0][1].body);
    expect(response).toEqual({
      Status: 'FAILED',
      Reason: `parameter ${NAME} already exists and was not created by this stack`,
      PhysicalResourceId: 'Parameter-not-created-request-1',
      StackId: STACK_ID,
      RequestId: 'request-1',
      LogicalResourceId: 'Parameter',
    });

    // WHEN CloudFormation then deletes the failed resource
    await handleEvent(event('Delete', {}, undefined, response.PhysicalResourceId), clients);

    // THEN the existing parameter is left alone
    expect(ssmMock).not.toHaveReceivedCommand(DeleteParameterCommand);
  });

  test('a create that finds its own parameter (a retry) adopts it, keeping the generated value', async () => {
    // GIVEN
    ssmMock.on(PutParameterCommand, { Overwrite: false }).rejects(new ParameterAlreadyExists({ message: 'exists', $metadata: {} }));
    ssmMock.on(PutParameterCommand, { Overwrite: true }).resolves({ Version: 2 });
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: CURRENT_VALUE } });

    // WHEN
    const outcome = await handleEvent(event('Create'), clients);

    // THEN
    expect(ssmMock).toHaveReceivedCommandWith(PutParameterCommand, { Name: NAME, Value: CURRENT_VALUE, Overwrite: true, Description: '', Policies: '[]' });
    expect(outcome).toEqual({ physicalResourceId: NAME, data: { Version: '2' } });
  });

  test('an SSM error quoting the value is redacted in the response and the logs', async () => {
    // GIVEN
    ssmMock.on(PutParameterCommand).callsFake((input) => {
      throw new ParameterPatternMismatchException({ message: `Parameter value ${input.Value} failed to satisfy constraint`, $metadata: {} });
    });
    const put = jest.fn<ReturnType<HttpPut>, Parameters<HttpPut>>().mockResolvedValue({ ok: true, status: 200 });

    // WHEN
    await run(event('Create', { Value: { Kind: ValueKind.SECRET, SecretId: SECRET_ARN } }), clients, put, 60_000, noWait);

    // THEN
    const body = put.mock.calls[0][1].body;
    expect(JSON.parse(body).Reason).toBe('ParameterPatternMismatchException: Parameter value ***** failed to satisfy constraint');
    expect(body).not.toContain(SECRET_TEXT);
    expect(logged.join('\n')).not.toContain(SECRET_TEXT);
  });
});

describe('update', () => {
  test('keeps a generated value when its options do not change, and applies the new attributes', async () => {
    // GIVEN
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: CURRENT_VALUE } });

    // WHEN
    const outcome = await handleEvent(event('Update', { Description: 'new' }, { Description: 'old' }), clients);

    // THEN
    expect(ssmMock).toHaveReceivedCommandWith(GetParameterCommand, { Name: NAME, WithDecryption: true });
    expect(ssmMock).toHaveReceivedCommandWith(PutParameterCommand, { Name: NAME, Value: CURRENT_VALUE, Description: 'new', Overwrite: true });
    expect(ssmMock.commandCalls(PutParameterCommand)[0].args[0].input.Tags).toBeUndefined();
    expect(outcome.physicalResourceId).toBe(NAME);
  });

  test('generates a new value when the generator options change and no version holds one generated with them', async () => {
    // GIVEN
    ssmMock.on(GetParameterCommand).rejects(new ParameterVersionNotFound({ message: 'no such label', $metadata: {} }));

    // WHEN
    await handleEvent(event('Update', { Value: { Kind: ValueKind.GENERATED, Length: '64' } }), clients);

    // THEN the current value is not read: only the version labelled with the new options is looked for
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssmMock).toHaveReceivedCommandWith(GetParameterCommand, { Name: `${NAME}:${generatedLabel({ Kind: ValueKind.GENERATED, Length: '64' })}` });
    expect(putValue()).toHaveLength(64);
    expect(ssmMock).toHaveReceivedCommandWith(LabelParameterVersionCommand, { Name: NAME, ParameterVersion: 1, Labels: [generatedLabel({ Kind: ValueKind.GENERATED, Length: '64' })] });
  });

  test('takes back the value last generated with the same options (a rollback, or a change undone)', async () => {
    // GIVEN
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: CURRENT_VALUE } });

    // WHEN
    await handleEvent(event('Update', {}, { Value: { Kind: ValueKind.SECRET, SecretId: SECRET_ARN } }), clients);

    // THEN
    expect(putValue()).toBe(CURRENT_VALUE);
  });

  test('labels are what Parameter Store accepts: at most 100 characters of letters, digits, . - _, not starting with a digit, aws or ssm', () => {
    const label = generatedLabel({ Kind: ValueKind.GENERATED, Length: '4096', ExcludeCharacters: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' });
    expect(label).toMatch(/^(?!aws|ssm|[0-9])[A-Za-z0-9._-]{1,100}$/i);
  });

  test('re-reads the secret when the source is a secret', async () => {
    const secret = { Kind: ValueKind.SECRET, SecretId: SECRET_ARN };
    await handleEvent(event('Update', { Value: secret }, { Value: secret }), clients);
    expect(putValue()).toBe(SECRET_TEXT);
  });

  test('clears policies, description and pattern that were removed', async () => {
    // GIVEN
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: CURRENT_VALUE } });

    // WHEN
    await handleEvent(event('Update', { Tier: 'Advanced' }, { Tier: 'Advanced', Policies: '[{"Type":"Expiration"}]', Description: 'd', AllowedPattern: '.*' }), clients);

    // THEN
    expect(ssmMock).toHaveReceivedCommandWith(PutParameterCommand, { Policies: '[]', Description: '', AllowedPattern: '' });
  });

  test('adds new and changed tags and removes dropped ones', async () => {
    // GIVEN
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: CURRENT_VALUE } });
    const before = [{ Key: 'keep', Value: '1' }, { Key: 'change', Value: 'a' }, { Key: 'drop', Value: 'x' }];
    const after = [{ Key: 'keep', Value: '1' }, { Key: 'change', Value: 'b' }, { Key: 'new', Value: 'n' }];

    // WHEN
    await handleEvent(event('Update', { Tags: after }, { Tags: before }), clients);

    // THEN
    expect(ssmMock).toHaveReceivedCommandWith(AddTagsToResourceCommand, {
      ResourceType: 'Parameter',
      ResourceId: NAME,
      Tags: [{ Key: 'change', Value: 'b' }, { Key: 'new', Value: 'n' }],
    });
    expect(ssmMock).toHaveReceivedCommandWith(RemoveTagsFromResourceCommand, { ResourceType: 'Parameter', ResourceId: NAME, TagKeys: ['drop'] });
  });

  test('a rename creates a new parameter under the new name and reports it as the new physical id', async () => {
    // WHEN
    const outcome = await handleEvent(event('Update', { Name: '/app/renamed', Tags: [{ Key: 't', Value: 'v' }] }), clients);

    // THEN a new parameter, with tags and without overwriting; CloudFormation deletes the old one next
    expect(ssmMock).toHaveReceivedCommandWith(PutParameterCommand, { Name: '/app/renamed', Overwrite: false, Tags: [{ Key: 't', Value: 'v' }, ...OWNER_TAGS] });
    expect(ssmMock).not.toHaveReceivedCommand(GetParameterCommand);
    expect(ssmMock).not.toHaveReceivedCommand(DeleteParameterCommand);
    expect(outcome.physicalResourceId).toBe('/app/renamed');
  });
});

describe('delete', () => {
  test('deletes the parameter', async () => {
    await handleEvent(event('Delete'), clients);
    expect(ssmMock).toHaveReceivedCommandWith(DeleteParameterCommand, { Name: NAME });
  });

  test('succeeds when the parameter is already gone', async () => {
    // GIVEN
    ssmMock.on(DeleteParameterCommand).rejects(new ParameterNotFound({ message: 'gone', $metadata: {} }));

    // WHEN / THEN
    await expect(handleEvent(event('Delete'), clients)).resolves.toEqual({ physicalResourceId: NAME, data: { Version: '' } });
  });

  test('fails on other errors', async () => {
    ssmMock.on(DeleteParameterCommand).rejects(new Error('AccessDenied'));
    await expect(handleEvent(event('Delete'), clients)).rejects.toThrow('AccessDenied');
  });

  test('keeps a parameter tagged for another stack', async () => {
    ssmMock.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: OWNER_TAG_KEYS.stackId, Value: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Other/guid' }] });
    await handleEvent(event('Delete'), clients);
    expect(ssmMock).not.toHaveReceivedCommand(DeleteParameterCommand);
  });

  test('deletes a parameter created before the ownership tags, whose physical id is its name', async () => {
    ssmMock.on(ListTagsForResourceCommand).resolves({ TagList: [] });
    await handleEvent(event('Delete'), clients);
    expect(ssmMock).toHaveReceivedCommandWith(DeleteParameterCommand, { Name: NAME });
  });

  test('keeps a retained parameter', async () => {
    await handleEvent(event('Delete', { Retain: 'true' }), clients);
    expect(ssmMock).not.toHaveReceivedCommand(DeleteParameterCommand);
  });
});

describe('readSecret', () => {
  test.each([
    ['that is not JSON', SECRET_TEXT, `Property Value.JsonField: secret ${SECRET_ARN} is not JSON, so its field 'password' cannot be read`],
    ['without the field', JSON.stringify({ user: SECRET_TEXT }), `Property Value.JsonField: secret ${SECRET_ARN} has no string field 'password'`],
    ['with an object in the field', JSON.stringify({ password: { nested: SECRET_TEXT } }), `Property Value.JsonField: secret ${SECRET_ARN} has no string field 'password'`],
  ])('a secret %s fails without quoting the secret', async (_, secretString, message) => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: secretString });
    await expect(readSecret(clients.secretsManager, SECRET_ARN, 'password')).rejects.toThrow(new Error(message));
  });

  test('a binary secret fails', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1]) });
    await expect(readSecret(clients.secretsManager, SECRET_ARN)).rejects.toThrow(
      `Property Value.SecretId: secret ${SECRET_ARN} has no SecretString; binary secrets cannot be copied into a parameter`,
    );
  });
});

describe('generateValue', () => {
  test('maps random bytes onto the alphabet, dropping bytes that would bias it', () => {
    // GIVEN 93 characters: bytes 186 and above are dropped (186 = 2 * 93)
    const alphabet = generatorAlphabet('!');
    const bytes = [0, 185, 186, 255, 93, 1];
    const random = (size: number) => Buffer.from(bytes.splice(0, size));

    // WHEN
    const value = generateValue(4, '!', random);

    // THEN
    expect(value).toBe(alphabet[0] + alphabet[185 % 93] + alphabet[0] + alphabet[1]);
  });

  test('uses every allowed character and no excluded one', () => {
    const value = generateValue(4096, '"\'\\');
    expect(new Set(value).size).toBe(generatorAlphabet('"\'\\').length);
    expect(value).not.toMatch(/["'\\ ]/);
  });

  test('fails when no character is allowed', () => {
    expect(() => generateValue(8, generatorAlphabet(''))).toThrow('Cannot generate 8 characters from 0 allowed characters');
  });
});

describe('respond', () => {
  const response = { Status: 'SUCCESS' as const, PhysicalResourceId: NAME, StackId: 's', RequestId: 'r', LogicalResourceId: 'l' };

  test('PUTs the response to the pre-signed URL without a content type', async () => {
    // GIVEN
    const put = jest.fn<ReturnType<HttpPut>, Parameters<HttpPut>>().mockResolvedValue({ ok: true, status: 200 });

    // WHEN
    await respond('https://example.com/signed', response, put, noWait);

    // THEN
    const body = JSON.stringify(response);
    expect(put).toHaveBeenCalledWith('https://example.com/signed', {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': String(body.length) },
      body,
      signal: expect.any(AbortSignal),
    });
  });

  test('retries a rejected or failed PUT with growing waits', async () => {
    // GIVEN
    const put = jest.fn<ReturnType<HttpPut>, Parameters<HttpPut>>()
      .mockResolvedValueOnce({ ok: false, status: 503 })
      .mockRejectedValueOnce(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))
      .mockResolvedValueOnce({ ok: true, status: 200 });
    const waits: number[] = [];

    // WHEN
    await respond('https://example.com/signed', response, put, async (millis) => void waits.push(millis));

    // THEN
    expect(put).toHaveBeenCalledTimes(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeLessThan(500);
    expect(waits[1]).toBeLessThan(1000);
  });

  test('fails after the last attempt, so Lambda retries the invocation', async () => {
    const put = jest.fn<ReturnType<HttpPut>, Parameters<HttpPut>>().mockResolvedValue({ ok: false, status: 403 });
    await expect(respond('https://example.com/signed', response, put, noWait)).rejects.toThrow(
      'CloudFormation did not accept the response after 4 attempts (last: HTTP 403)',
    );
    expect(put).toHaveBeenCalledTimes(4);
  });
});

test('redact replaces every occurrence of the value', () => {
  expect(redact('a secret and the secret', 'secret')).toBe('a ***** and the *****');
  expect(redact('nothing', '')).toBe('nothing');
});

test('tagChanges', () => {
  expect(tagChanges(undefined, [{ Key: 'a', Value: '1' }])).toEqual({ add: [{ Key: 'a', Value: '1' }], remove: [] });
  expect(tagChanges([{ Key: 'a', Value: '1' }], undefined)).toEqual({ add: [], remove: ['a'] });
});
