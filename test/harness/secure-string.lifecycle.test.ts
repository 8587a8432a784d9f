import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { installPolicies, StackVersion } from './deployment';
import { CloudFormationDriver, Handler, loadBundledHandler, STACK_ID } from './driver';
import { ACCOUNT, fakeAwsForThisFile, REGION } from './fake-aws';
import { CustomerManagedKey } from '../../src/kms';
import { SecureStringParameter, SecureStringValue } from '../../src/ssm';
import { TIER_DOWNGRADE_REASON } from '../../src/ssm/private/secure-string-resource';
import { OTHER_ACCOUNT, testStack } from '../util/app';

/**
 * Whole CloudFormation sequences against the bundled SecureStringParameter handler (assets/), over a
 * stateful Parameter Store that authorizes every call against the policies of a synthesized stack
 * defining both names and both keys: what a stack's life does to the parameter, not what one call sends.
 * CloudFormation's order, with policies changing between steps, is in secure-string.deployment.test.ts.
 */

// One synthesis; policy simulations on every call.
jest.setTimeout(60_000);

const NAME = '/app/db-password';
/** A secret the stack copies, which does not exist. */
const GONE_SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:gone-AbCdEf`;
const OTHER_NAME = '/app/db-password-v2';
const OWNER_TAGS = [
  { Key: 'cdk-kms-encryption:stack-id', Value: STACK_ID },
  { Key: 'cdk-kms-encryption:logical-id', Value: 'Parameter' },
];

/** The stack whose handler policies are in force: both names, each on its own key. */
function harnessStack(): { version: StackVersion; keyA: string; keyB: string; role: string } {
  const stack = testStack('HarnessStack');
  const a = new CustomerManagedKey(stack, 'KeyA');
  const b = new CustomerManagedKey(stack, 'KeyB');
  new SecureStringParameter(stack, 'Parameter', { parameterName: NAME, encryptionKey: a, tier: ssm.ParameterTier.ADVANCED, removalPolicy: RemovalPolicy.DESTROY });
  new SecureStringParameter(stack, 'Other', { parameterName: OTHER_NAME, encryptionKey: b, removalPolicy: RemovalPolicy.DESTROY });
  new SecureStringParameter(stack, 'Copy', { value: SecureStringValue.fromSecret(secretsmanager.Secret.fromSecretCompleteArn(stack, 'Gone', GONE_SECRET)) });
  const version = StackVersion.of(stack);
  const arn = (id: string) => version.intrinsics.arn(version.intrinsics.logicalIdOf(id));
  return {
    version,
    keyA: version.intrinsics.arn(stack.getLogicalId(a.node.defaultChild as any)),
    keyB: version.intrinsics.arn(stack.getLogicalId(b.node.defaultChild as any)),
    role: arn('AWS::IAM::Role'),
  };
}

const world = harnessStack();
const KEY_A = world.keyA;
const KEY_B = world.keyB;

const generated = { Kind: 'generated', Length: '40' };
const base = { ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:handler`, Name: NAME, KeyId: KEY_A, Tier: 'Standard', Retain: 'false', Value: generated };

const aws = fakeAwsForThisFile();
let handler: Handler;
let cfn: CloudFormationDriver;

beforeAll(() => {
  installPolicies(aws.iam, world.version);
  handler = loadBundledHandler('ssm/private/secure-string.lambda');
});
beforeEach(() => {
  aws.iam.caller = world.role;
  cfn = new CloudFormationDriver(aws, handler);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

/** Props after a change, for the update and its rollback. */
function withChange(change: object): object {
  return { ...base, ...change };
}

describe('Create → Update (each kind of change) → rollback → Delete', () => {
  test.each([
    ['key of a generated value', { KeyId: KEY_B }, (before: string, after: string) => expect(after).toEqual(before)],
    ['key of a plain-text value', { KeyId: KEY_B, Value: { Kind: 'plainText', PlainText: 'not-secret-1' } }, undefined],
    ['tier Standard → Advanced', { Tier: 'Advanced' }, (before: string, after: string) => expect(after).toEqual(before)],
    ['policies added', { Tier: 'Advanced', Policies: '[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2030-01-01T00:00:00.000Z"}}]' }, undefined],
    ['description added', { Description: 'database password' }, (before: string, after: string) => expect(after).toEqual(before)],
    ['generated length', { Value: { Kind: 'generated', Length: '48' } }, (_before: string, after: string) => expect(after).toHaveLength(48)],
    ['tags', { Tags: [{ Key: 'team', Value: 'payments' }] }, undefined],
  ])('%s: the update applies and its rollback restores the attributes', async (_, change, valueCheck) => {
    // GIVEN
    const created = await cfn.create(base);
    const first = aws.parameters.get(NAME)!.value;

    // WHEN
    const updated = await cfn.update(NAME, withChange(change), base);
    const afterUpdate = { ...aws.parameters.get(NAME)! };
    const rolledBack = await cfn.update(NAME, base, withChange(change));
    const deleted = await cfn.delete(NAME, base);

    // THEN
    expect([created.Status, updated.Status, rolledBack.Status, deleted.Status]).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect([created.PhysicalResourceId, updated.PhysicalResourceId, rolledBack.PhysicalResourceId]).toEqual([NAME, NAME, NAME]);
    for (const [key, value] of Object.entries(change)) {
      const attribute: Record<string, unknown> = {
        KeyId: afterUpdate.keyId,
        Tier: afterUpdate.tier,
        Description: afterUpdate.description,
        Policies: afterUpdate.policies,
      };
      if (key in attribute) {
        expect(attribute[key]).toEqual(value);
      }
    }
    valueCheck?.(first, afterUpdate.value);
    expect(aws.parameters.has(NAME)).toBe(false);
  });

  test('description and policies removed: the attributes are cleared, not kept', async () => {
    // GIVEN
    const withBoth = withChange({ Tier: 'Advanced', Description: 'db', Policies: '[{"Type":"NoChangeNotification"}]' });
    await cfn.create(withBoth);

    // WHEN
    const updated = await cfn.update(NAME, withChange({ Tier: 'Advanced' }), withBoth);

    // THEN
    expect(updated.Status).toEqual('SUCCESS');
    expect(aws.parameters.get(NAME)).toMatchObject({ description: '', policies: '[]' });
  });

  test('tier Advanced → Standard: FAILED with the reason, and the parameter is left as it was (no delete, no new value)', async () => {
    // GIVEN
    const advanced = withChange({ Tier: 'Advanced', Tags: [{ Key: 'team', Value: 'a' }] });
    await cfn.create(advanced);
    const before = { ...aws.parameters.get(NAME)! };

    // WHEN
    const updated = await cfn.update(NAME, withChange({ Tags: [{ Key: 'team', Value: 'a' }] }), advanced);

    // THEN
    expect(updated).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NAME, Reason: TIER_DOWNGRADE_REASON });
    expect(aws.parameters.get(NAME)).toEqual(before);
    expect(aws.callCount('DeleteParameter')).toEqual(0);
  });

  test('tier Standard → Advanced rolled back: the parameter stays Advanced (Parameter Store cannot go back), with its value, and the rollback succeeds', async () => {
    // GIVEN
    await cfn.create(base);
    const value = aws.parameters.get(NAME)!.value;
    await cfn.update(NAME, withChange({ Tier: 'Advanced' }), base);

    // WHEN
    const rolledBack = await cfn.update(NAME, base, withChange({ Tier: 'Advanced' }));
    const again = await cfn.update(NAME, withChange({ Description: 'x' }), base);

    // THEN the undo keeps Advanced; a later downgrade (the undo is no longer the last write) is refused
    expect(rolledBack.Status).toEqual('SUCCESS');
    expect(aws.parameters.get(NAME)).toMatchObject({ tier: 'Advanced', value, version: 3 });
    expect(again).toMatchObject({ Status: 'FAILED', Reason: TIER_DOWNGRADE_REASON });
  });

  test('name change: the new parameter exists before the old one is deleted, and rollback keeps the old one', async () => {
    // GIVEN
    await cfn.create(base);
    const oldValue = aws.parameters.get(NAME)!.value;
    const renamed = withChange({ Name: OTHER_NAME });

    // WHEN the update succeeds, a later resource fails and CloudFormation rolls back
    const updated = await cfn.update(NAME, renamed, base);
    const bothExist = aws.parameters.has(NAME) && aws.parameters.has(OTHER_NAME);
    const rolledBack = await cfn.update(OTHER_NAME, base, renamed);
    const cleanup = await cfn.delete(OTHER_NAME, renamed);

    // THEN
    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: OTHER_NAME });
    expect(bothExist).toBe(true);
    expect(rolledBack).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: NAME });
    expect(cleanup.Status).toEqual('SUCCESS');
    expect([...aws.parameters.keys()]).toEqual([NAME]);
    expect(aws.parameters.get(NAME)!.value).toEqual(oldValue);
  });

  test('name change that completes: CloudFormation deletes the old parameter', async () => {
    // GIVEN
    await cfn.create(base);

    // WHEN
    await cfn.update(NAME, withChange({ Name: OTHER_NAME }), base);
    const cleanup = await cfn.delete(NAME, base);

    // THEN
    expect(cleanup.Status).toEqual('SUCCESS');
    expect([...aws.parameters.keys()]).toEqual([OTHER_NAME]);
  });

  test('key change of a generated value: the value is read under the old key before it is written under the new one', async () => {
    // GIVEN
    await cfn.create(base);
    const value = aws.parameters.get(NAME)!.value;

    // WHEN
    const updated = await cfn.update(NAME, withChange({ KeyId: KEY_B }), base);

    // THEN
    expect(updated.Status).toEqual('SUCCESS');
    expect(aws.parameters.get(NAME)).toMatchObject({ keyId: KEY_B, value, version: 2 });
  });
});

describe('idempotent and always answering', () => {
  test('the response PUT fails once: retried inside the invocation, one SUCCESS, no orphan', async () => {
    // GIVEN
    aws.failResponses(1);

    // WHEN
    const created = await cfn.create(base);

    // THEN
    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: NAME });
    expect(cfn.invocations).toEqual(1);
    expect(aws.parameters.get(NAME)!.version).toEqual(1);
  });

  test('the response PUT fails until Lambda retries the invocation: the retry adopts its own parameter', async () => {
    // GIVEN every PUT of the first invocation fails
    aws.failResponses(4);

    // WHEN
    const created = await cfn.create(base);
    const invocations = cfn.invocations;
    const deleted = await cfn.delete(created.PhysicalResourceId, base);

    // THEN
    expect(invocations).toEqual(2);
    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: NAME });
    expect(deleted.Status).toEqual('SUCCESS');
    expect(aws.parameters.has(NAME)).toBe(false);
  }, 30_000);

  test('a Create delivered twice: SUCCESS with the same physical id, and the generated value is kept', async () => {
    // WHEN
    const created = await cfn.send({ RequestType: 'Create', ResourceProperties: base }, { duplicate: true });

    // THEN
    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: NAME });
    const responses = [...aws.responses.values()].at(-1)!;
    expect(responses.map((response) => [response.Status, response.PhysicalResourceId])).toEqual([['SUCCESS', NAME], ['SUCCESS', NAME]]);
  });

  test('ownership is recorded on the parameter: the stack id and logical id', async () => {
    // WHEN
    await cfn.create(withChange({ Tags: [{ Key: 'team', Value: 'a' }] }));

    // THEN
    expect(aws.parameters.get(NAME)!.tags).toEqual([{ Key: 'team', Value: 'a' }, ...OWNER_TAGS]);
  });

  test('a parameter the stack did not create: FAILED with the reason, never overwritten; the Delete after it leaves it alone', async () => {
    // GIVEN
    aws.parameters.set(NAME, { name: NAME, value: 'someone-else', version: 7, keyId: KEY_A, tier: 'Standard', tags: [] });

    // WHEN
    const created = await cfn.create(base);
    const deleted = await cfn.delete(created.PhysicalResourceId, base);

    // THEN
    expect(created.Status).toEqual('FAILED');
    expect(created.Reason).toEqual(`parameter ${NAME} already exists and was not created by this stack`);
    expect(deleted.Status).toEqual('SUCCESS');
    expect(aws.parameters.get(NAME)).toMatchObject({ value: 'someone-else', version: 7 });
  });

  test('a parameter created by another stack under the same name is not deleted by this one', async () => {
    // GIVEN this stack created it; then it was deleted by hand and another stack created one of the same name
    await cfn.create(base);
    aws.parameters.set(NAME, { name: NAME, value: 'theirs', version: 1, keyId: KEY_A, tier: 'Standard', tags: [{ Key: 'cdk-kms-encryption:stack-id', Value: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Other/1' }] });

    // WHEN
    const deleted = await cfn.delete(NAME, base);

    // THEN
    expect(deleted.Status).toEqual('SUCCESS');
    expect(aws.parameters.get(NAME)!.value).toEqual('theirs');
  });

  test('renaming onto a parameter the stack did not create: FAILED; the rollback keeps the old parameter', async () => {
    // GIVEN
    await cfn.create(base);
    aws.parameters.set(OTHER_NAME, { name: OTHER_NAME, value: 'theirs', version: 3, keyId: KEY_A, tier: 'Standard', tags: [] });
    const renamed = withChange({ Name: OTHER_NAME });

    // WHEN
    const updated = await cfn.update(NAME, renamed, base);
    const rolledBack = await cfn.update(updated.PhysicalResourceId, base, renamed);

    // THEN
    expect(updated).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NAME, Reason: `parameter ${OTHER_NAME} already exists and was not created by this stack` });
    expect(rolledBack).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: NAME });
    expect(aws.parameters.get(OTHER_NAME)).toMatchObject({ value: 'theirs', version: 3 });
  });

  test('RETAIN: the Delete keeps the parameter', async () => {
    // GIVEN
    const retained = withChange({ Retain: 'true' });
    await cfn.create(retained);

    // WHEN
    const deleted = await cfn.delete(NAME, retained);

    // THEN
    expect(deleted.Status).toEqual('SUCCESS');
    expect(aws.parameters.has(NAME)).toBe(true);
  });
});

describe('throttling', () => {
  test('a burst of throttling on every call is retried with backoff, not reported as FAILED', async () => {
    // GIVEN
    aws.throttle('PutParameter', 4);
    aws.throttle('GetParameter', 3);

    // WHEN
    const created = await cfn.create(base);
    const updated = await cfn.update(NAME, withChange({ Description: 'x' }), base);

    // THEN
    expect([created.Status, updated.Status]).toEqual(['SUCCESS', 'SUCCESS']);
    expect(cfn.invocations).toEqual(1);
  }, 60_000);
});

describe('bad input', () => {
  test.each([
    ['an unknown RequestType', { RequestType: 'Replace', ResourceProperties: base }, 'Unknown RequestType \'Replace\''],
    ['no Name', { RequestType: 'Create', ResourceProperties: { ...base, Name: undefined } }, 'Property Name is missing or not a string'],
    ['no Value', { RequestType: 'Create', ResourceProperties: { ...base, Value: undefined } }, 'Property Value is missing or not an object'],
    ['no KeyId', { RequestType: 'Create', ResourceProperties: { ...base, KeyId: undefined } }, 'Property KeyId is missing or not a string'],
    ['an unknown value source', { RequestType: 'Create', ResourceProperties: { ...base, Value: { Kind: 'guess' } } }, 'Property Value.Kind is unknown: \'guess\''],
    ['a malformed Length', { RequestType: 'Create', ResourceProperties: { ...base, Value: { Kind: 'generated', Length: 'many' } } }, 'Property Value.Length must be a whole number from 1 to 4096'],
    ['a secret that does not exist', { RequestType: 'Create', ResourceProperties: { ...base, Value: { Kind: 'secret', SecretId: GONE_SECRET } } },
      'ResourceNotFoundException: Property Value.SecretId: secret arn:aws:secretsmanager:eu-west-1:111111111111:secret:gone-AbCdEf cannot be read'],
  ])('%s: FAILED, naming the property', async (_, request, reason) => {
    // WHEN
    const response = await cfn.send(request);

    // THEN
    expect(response.Status).toEqual('FAILED');
    expect(response.Reason).toEqual(reason);
  });

  test('the Delete after a Create that failed on bad input succeeds and touches nothing', async () => {
    // GIVEN
    aws.parameters.set(NAME, { name: NAME, value: 'someone-else', version: 1, keyId: KEY_A, tier: 'Standard', tags: [] });
    const bad = { ...base, Value: { Kind: 'generated', Length: '0' } };
    const created = await cfn.create(bad);

    // WHEN
    const deleted = await cfn.delete(created.PhysicalResourceId, bad);

    // THEN
    expect(created.Status).toEqual('FAILED');
    expect(deleted.Status).toEqual('SUCCESS');
    expect(aws.parameters.get(NAME)!.value).toEqual('someone-else');
  });

  test('a key the handler may not use: FAILED naming KeyId, and no value in the reason', async () => {
    // GIVEN a key of another account, whose (default) key policy trusts only that account
    const foreignKey = `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/cccccccc-0000-0000-0000-000000000000`;

    // WHEN
    const response = await cfn.create(withChange({ KeyId: foreignKey, Value: { Kind: 'plainText', PlainText: 'visible-value' } }));

    // THEN
    expect(response.Status).toEqual('FAILED');
    expect(response.Reason).toEqual(`AccessDeniedException: Property KeyId: the handler may not use key ${foreignKey} through Parameter Store (kms:Encrypt / kms:Decrypt)`);
    expect(aws.iam.denials.map((denial) => denial.request.action)).toEqual(['kms:Encrypt']);
  });
});
