import { CfnElement, CfnResource, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { CloudFormationStack, OperationResult, StackVersion } from './deployment';
import { loadBundledHandler, STACK_ID } from './driver';
import { ACCOUNT, fakeAwsForThisFile, Parameter, REGION } from './fake-aws';
import { CustomerManagedKey } from '../../src/kms';
import { ParameterPolicy, SecureStringParameter, SecureStringValue } from '../../src/ssm';
import { testStack } from '../util/app';

/**
 * SecureStringParameter through CloudFormation's order (deployment.ts) under the IAM policies in force at
 * each step: every prop that can change × (the update succeeds; the handler fails and the stack rolls back;
 * a later resource fails and the stack rolls back), then the stack's deletion. Each row asserts what
 * exists afterwards, the stored value, tags, key, tier and version.
 */

// About 30 deployments of a small stack, each request simulated by the IAM engine.
jest.setTimeout(120_000);

const NAME = '/app/p1';
const NEW_NAME = '/app/p2';
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:source-AbCdEf`;
const SECRET_VALUE = 'copied-from-the-secret';
const EXPIRATION = ParameterPolicy.expiration(new Date('2030-01-01T00:00:00.000Z'));

/** One version of the app: the parameter as the row shapes it, and a later resource that depends on it. */
interface Shape {
  readonly logicalId?: string;
  readonly name?: string;
  readonly sharedKey?: boolean;
  readonly advanced?: boolean;
  readonly value?: 'generated' | 'longer' | 'secret';
  readonly description?: string;
  readonly pattern?: string;
  readonly policies?: boolean;
  readonly tags?: boolean;
  readonly retain?: boolean;
  /** Changes the later resource, so that it is updated (and can fail) after the parameter. */
  readonly marker: string;
}

/** What a version's parameter is, as the fake should hold it. */
interface Expected {
  readonly name: string;
  readonly keyId: string;
  readonly tier: string;
  readonly description?: string;
  readonly allowedPattern?: string;
  readonly policies?: string;
  readonly userTags: Array<{ Key: string; Value: string }>;
  readonly logicalId: string;
}

function synthesize(shape: Shape): { version: StackVersion; expected: Expected } {
  const stack = testStack('HarnessStack');
  const shared = new CustomerManagedKey(stack, 'SharedKey');
  const source = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Source', SECRET_ARN);
  const value = {
    generated: SecureStringValue.generated(),
    longer: SecureStringValue.generated({ length: 48 }),
    secret: SecureStringValue.fromSecret(source),
  }[shape.value ?? 'generated'];
  const logicalId = shape.logicalId ?? 'Parameter';
  const parameter = new SecureStringParameter(stack, logicalId, {
    parameterName: shape.name ?? NAME,
    encryptionKey: shape.sharedKey ? shared : undefined,
    tier: shape.advanced ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
    value,
    description: shape.description,
    allowedPattern: shape.pattern,
    policies: shape.policies ? [EXPIRATION] : undefined,
    removalPolicy: shape.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  if (shape.tags) {
    Tags.of(parameter).add('team', 'payments');
  }
  const later = new CfnResource(stack, 'Later', { type: 'AWS::SNS::Topic', properties: { DisplayName: shape.marker } });
  later.node.addDependency(parameter);
  const synthesized = StackVersion.of(stack);
  const resource = stack.getLogicalId(parameter.node.findChild('Resource').node.defaultChild as CfnElement);
  const properties = synthesized.intrinsics.resolve(synthesized.resources[resource].Properties);
  return {
    version: synthesized,
    expected: {
      name: properties.Name,
      keyId: properties.KeyId,
      tier: properties.Tier,
      description: properties.Description,
      allowedPattern: properties.AllowedPattern,
      policies: properties.Policies,
      userTags: properties.Tags ?? [],
      logicalId: resource,
    },
  };
}

type Outcome = 'succeeds' | 'the handler fails' | 'a later resource fails';
const OUTCOMES: Outcome[] = ['succeeds', 'the handler fails', 'a later resource fails'];

/**
 * A change of one prop: from → to. Parameter Store cannot move a parameter back to the standard tier, so
 * the rollback of a change to Advanced that was applied leaves it Advanced.
 */
const CHANGES: Array<[string, Omit<Shape, 'marker'>, Omit<Shape, 'marker'>]> = [
  ['name', {}, { name: NEW_NAME }],
  ['key (own → shared)', {}, { sharedKey: true }],
  ['key (shared → own)', { sharedKey: true }, {}],
  ['tier Standard → Advanced', {}, { advanced: true }],
  ['tier Advanced → Standard', { advanced: true }, {}],
  ['value source generated → secret', {}, { value: 'secret' }],
  ['value source secret → generated', { value: 'secret' }, {}],
  ['generated length', {}, { value: 'longer' }],
  ['description', {}, { description: 'the database password' }],
  ['allowed pattern', {}, { pattern: '^[\\x21-\\x7e]+$' }],
  ['policies', { advanced: true }, { advanced: true, policies: true }],
  ['tags', {}, { tags: true }],
  ['logical id and name', {}, { logicalId: 'Renamed', name: NEW_NAME }],
];

const aws = fakeAwsForThisFile();
const handler = loadBundledHandler('ssm/private/secure-string.lambda');

beforeEach(() => {
  aws.secrets.set(SECRET_ARN, { arn: SECRET_ARN, name: 'source', rotationEnabled: false, versions: new Map([['v1', { value: SECRET_VALUE, stages: ['AWSCURRENT'] }]]), tags: [] });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

/** Each version is synthesized once for the file. */
const versions = new Map<string, ReturnType<typeof synthesize>>();
function version(shape: Shape): ReturnType<typeof synthesize> {
  const key = JSON.stringify(shape);
  if (!versions.has(key)) {
    versions.set(key, synthesize(shape));
  }
  return versions.get(key)!;
}

function stackOver(): CloudFormationStack {
  return new CloudFormationStack(aws, () => handler);
}

/** The parameter as the template describes it, with its ownership tags. */
function expectParameter(parameter: Parameter | undefined, expected: Expected): void {
  expect(parameter).toBeDefined();
  expect(parameter).toMatchObject({ name: expected.name, keyId: expected.keyId, tier: expected.tier });
  expect(parameter!.description || undefined).toEqual(expected.description);
  expect(parameter!.allowedPattern || undefined).toEqual(expected.allowedPattern);
  expect(parameter!.policies === '[]' ? undefined : parameter!.policies).toEqual(expected.policies);
  expect(parameter!.tags).toEqual(expect.arrayContaining([
    ...expected.userTags,
    { Key: 'cdk-kms-encryption:stack-id', Value: STACK_ID },
    { Key: 'cdk-kms-encryption:logical-id', Value: expected.logicalId },
  ]));
  expect(parameter!.tags).toHaveLength(expected.userTags.length + 2);
}

/** The stored value of a version's parameter: kept, copied from the secret, or newly generated. */
function expectValue(parameter: Parameter, shape: Shape, initial: string, initialShape: Shape): void {
  if (shape.value === 'secret') {
    expect(parameter.value).toEqual(SECRET_VALUE);
  } else if ((shape.value ?? 'generated') === (initialShape.value ?? 'generated') && (shape.name ?? NAME) === (initialShape.name ?? NAME)) {
    expect(parameter.value).toEqual(initial);
  } else {
    expect(parameter.value).toHaveLength(shape.value === 'longer' ? 48 : 32);
    expect(parameter.value).not.toEqual(initial);
  }
}

describe.each(CHANGES)('%s', (_, from, to) => {
  test.each(OUTCOMES)('the update %s; then the stack is deleted', async (outcome) => {
    // GIVEN
    const before = version({ ...from, marker: 'v1' });
    const after = version({ ...to, marker: 'v2' });
    const stack = stackOver();
    expect((await stack.deploy(before.version)).status).toEqual('CREATE_COMPLETE');
    const initial = aws.parameters.get(before.expected.name)!.value;

    // WHEN
    if (outcome === 'the handler fails') {
      aws.failOnce('PutParameter', 'ParameterLimitExceeded');
    }
    const updated = await stack.deploy(after.version, {
      failing: outcome === 'a later resource fails' ? ['Later'] : [],
      between: (step) => step.phase === 'rollback' ? aws.clearFaults() : undefined,
    });

    // THEN
    const succeeded = outcome === 'succeeds' && !refused(from, to);
    expectStatus(updated, succeeded ? 'UPDATE_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE');
    const final = succeeded ? after : before;
    expect([...aws.parameters.keys()]).toEqual([final.expected.name]);
    const parameter = aws.parameters.get(final.expected.name)!;
    const raisedThenRolledBack = outcome === 'a later resource fails' && !from.advanced && to.advanced;
    expectParameter(parameter, { ...final.expected, tier: raisedThenRolledBack ? 'Advanced' : final.expected.tier });
    expectValue(parameter, succeeded ? { ...to, marker: 'v2' } : { ...from, marker: 'v1' }, initial, { ...from, marker: 'v1' });
    expect(parameter.version).toEqual(expectedVersion(outcome, from, to));
    // The only refusal: the rollback of a key change tries the key it leaves, before the version under the old one.
    const keyChangeRolledBack = outcome === 'a later resource fails' && before.expected.name === after.expected.name
      && before.expected.keyId !== after.expected.keyId;
    expect(aws.iam.denials.map((denial) => `${denial.request.action} ${denial.request.resource}`))
      .toEqual(keyChangeRolledBack ? [`kms:Decrypt ${after.expected.keyId}`] : []);

    // WHEN the stack is deleted
    const deleted = await stack.delete();

    // THEN
    expectStatus(deleted, 'DELETE_COMPLETE');
    expect([...aws.parameters.keys()]).toEqual([]);
  });
});

/**
 * The version afterwards: the create wrote 1, an applied update one more, and a rollback Update one
 * more again. A new name is a new parameter (1), and the rollback of a replacement leaves the old one
 * untouched.
 */
function expectedVersion(outcome: Outcome, from: Omit<Shape, 'marker'>, to: Omit<Shape, 'marker'>): number {
  const replaced = (from.name ?? NAME) !== (to.name ?? NAME);
  // A failed rename's rollback Update writes the old parameter again; a new logical id never updates it.
  if (replaced && (outcome !== 'the handler fails' || from.logicalId !== to.logicalId)) {
    return 1;
  }
  return outcome === 'a later resource fails' && !refused(from, to) ? 3 : 2;
}

/** A change the handler refuses: the stack rolls back whatever comes after. */
function refused(from: Omit<Shape, 'marker'>, to: Omit<Shape, 'marker'>): boolean {
  return Boolean(from.advanced) && !to.advanced;
}

function expectStatus(result: OperationResult, status: string): void {
  expect({ status: result.status, failures: result.failures }).toEqual({ status, failures: expect.any(Array) });
}

describe('every request delivered twice', () => {
  test.each([
    ['name', { name: NEW_NAME }],
    ['key', { sharedKey: true }],
    ['value source', { value: 'secret' as const }],
  ])('%s changes, a later resource fails, the stack rolls back and is deleted: the same state as with one delivery', async (_, to) => {
    // GIVEN
    const stack = stackOver();
    const before = version({ marker: 'v1' });
    await stack.deploy(before.version, { duplicateDeliveries: true });
    const initial = { ...aws.parameters.get(NAME)! };

    // WHEN
    const updated = await stack.deploy(version({ ...to, marker: 'v2' }).version, { failing: ['Later'], duplicateDeliveries: true });

    // THEN
    expect({ status: updated.status, failures: updated.failures }).toEqual({ status: 'UPDATE_ROLLBACK_COMPLETE', failures: ['Later: the resource failed to update (injected)'] });
    expect([...aws.parameters.keys()]).toEqual([NAME]);
    const parameter = aws.parameters.get(NAME)!;
    expectParameter(parameter, before.expected);
    expect(parameter.value).toEqual(initial.value);
    expect((await stack.delete({ duplicateDeliveries: true })).status).toEqual('DELETE_COMPLETE');
    expect([...aws.parameters.keys()]).toEqual([]);
  });
});

describe('removal', () => {
  test('a parameter removed from the stack with DESTROY is deleted in the cleanup, under the policies that no longer list it', async () => {
    // GIVEN
    const stack = stackOver();
    await stack.deploy(version({ marker: 'v1' }).version);
    const without = testStack('HarnessStack');
    new CfnResource(without, 'Later', { type: 'AWS::SNS::Topic', properties: { DisplayName: 'v2' } });
    new SecureStringParameter(without, 'Other', { parameterName: NEW_NAME, removalPolicy: RemovalPolicy.DESTROY });

    // WHEN
    const result = await stack.deploy(StackVersion.of(without));

    // THEN
    expect(result).toMatchObject({ status: 'UPDATE_COMPLETE', failures: [] });
    expect([...aws.parameters.keys()]).toEqual([NEW_NAME]);
  });

  test('RETAIN: the stack\'s deletion keeps the parameter, and the handler is not asked', async () => {
    // GIVEN
    const stack = stackOver();
    await stack.deploy(version({ retain: true, marker: 'v1' }).version);

    // WHEN
    const result = await stack.delete();

    // THEN
    expect(result.status).toEqual('DELETE_COMPLETE');
    expect(result.steps.filter((step) => step.type === 'Custom::SecureStringParameter')).toEqual([]);
    expect([...aws.parameters.keys()]).toEqual([NAME]);
  });

  test('a logical id change that keeps the name: FAILED, since the name is taken, and the rollback leaves the parameter as it was', async () => {
    // GIVEN
    const stack = stackOver();
    await stack.deploy(version({ marker: 'v1' }).version);
    const before = { ...aws.parameters.get(NAME)! };

    // WHEN
    const renamed = version({ logicalId: 'Renamed', marker: 'v2' });
    const result = await stack.deploy(renamed.version);

    // THEN
    expect(result.status).toEqual('UPDATE_ROLLBACK_COMPLETE');
    const [oldId, newId] = [version({ marker: 'v1' }).expected.logicalId, renamed.expected.logicalId];
    expect(result.failures).toEqual([`${newId}: parameter ${NAME} already exists and was created by another resource of this stack (${oldId})`]);
    expect(aws.parameters.get(NAME)).toEqual(before);
  });
});
