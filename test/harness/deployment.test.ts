import { CloudFormationStack, Step, StackVersion, TemplateResource } from './deployment';
import { Handler } from './driver';
import { FakeAws } from './fake-aws';
import { PoliciesInForce } from './policies-in-force';
import { ACCOUNT, REGION } from '../util/app';

/**
 * The deployment model itself, on small hand-written templates: the order of its steps, replacements,
 * cleanup, rollbacks and the policies in force when a custom resource's handler runs.
 */

const STACK = { stackName: 'ModelStack', account: ACCOUNT, region: REGION };
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/handlerrole`;

/** What a handler saw: the request, and the statements of its role in force at that moment. */
interface Seen {
  readonly event: any;
  readonly statements: any[];
}

let aws: FakeAws;
let seen: Seen[];
/** The physical id the custom resource answers: its `Name`, so a new name is a replacement. */
const handler: Handler = async (event) => {
  seen.push({ event, statements: aws.iam.statementsOf(ROLE_ARN) });
  const failing = event.RequestType !== 'Delete' && event.ResourceProperties.Fail === 'true';
  const body = JSON.stringify({
    Status: failing ? 'FAILED' : 'SUCCESS',
    Reason: failing ? 'asked to fail' : undefined,
    PhysicalResourceId: event.RequestType === 'Delete' || failing ? event.PhysicalResourceId ?? 'not-created' : event.ResourceProperties.Name,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  await fetch(event.ResponseURL, { method: 'PUT', body });
  return undefined;
};

beforeAll(async () => {
  aws = new FakeAws(new PoliciesInForce());
  await aws.start();
});
afterAll(() => aws.stop());
beforeEach(() => {
  aws.reset();
  seen = [];
});

/** A stack: a role, a managed policy with one statement, a function, and a custom resource using it. */
interface VersionOptions {
  readonly statement?: string;
  readonly name?: string;
  readonly fail?: boolean;
  readonly code?: string;
  readonly memory?: number;
  readonly extra?: Record<string, TemplateResource>;
}

function version(options: VersionOptions = {}): StackVersion {
  return new StackVersion({
    Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'handlerrole' } },
      Policy: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: options.statement ?? 'v1' }] } },
      },
      Function: {
        Type: 'AWS::Lambda::Function',
        DependsOn: ['Policy'],
        Properties: { FunctionName: 'handler', Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Code: { ZipFile: options.code ?? 'v1' }, MemorySize: options.memory ?? 128 },
      },
      Resource: {
        Type: 'Custom::Thing',
        Properties: { ServiceToken: { 'Fn::GetAtt': ['Function', 'Arn'] }, Name: options.name ?? 'thing-1', Fail: String(options.fail ?? false) },
      },
      ...options.extra,
    },
  }, STACK);
}

/** A resource that depends on the custom resource and changes in every version, so it can fail when told to. */
const later = (marker: string): Record<string, TemplateResource> => ({ Later: { Type: 'AWS::SNS::Topic', DependsOn: 'Resource', Properties: { DisplayName: marker } } });

const describeStep = (step: Step) => `${step.phase} ${step.action} ${step.logicalId} ${step.physicalId}`;

function stackOver(): CloudFormationStack {
  return new CloudFormationStack(aws, (functionLogicalId) => {
    expect(functionLogicalId).toEqual('Function');
    return handler;
  });
}

test('creation runs in dependency order, with the function\'s role as the caller', async () => {
  // WHEN
  const result = await stackOver().deploy(version());

  // THEN
  expect(result.status).toEqual('CREATE_COMPLETE');
  expect(result.steps.map(describeStep)).toEqual([
    'update create Role handlerrole',
    'update create Policy policy',
    'update create Function handler',
    'update create Resource thing-1',
  ]);
  expect(seen[0].statements).toEqual([{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: 'v1' }]);
  expect(aws.iam.caller).toEqual(ROLE_ARN);
});

test('an update rewrites the policies before the custom resource; code and configuration are two steps', async () => {
  // GIVEN
  const stack = stackOver();
  await stack.deploy(version());

  // WHEN
  const result = await stack.deploy(version({ statement: 'v2', code: 'v2', memory: 256 }));

  // THEN
  expect(result.status).toEqual('UPDATE_COMPLETE');
  expect(result.steps.map(describeStep)).toEqual([
    'update update Policy policy',
    'update update-code Function handler',
    'update update-configuration Function handler',
  ]);
});

test('a replacement: the new resource first, the old one deleted in the cleanup with its old properties, under the new policies', async () => {
  // GIVEN
  const stack = stackOver();
  await stack.deploy(version());
  seen = [];

  // WHEN
  const result = await stack.deploy(version({ statement: 'v2', name: 'thing-2' }));

  // THEN
  expect(result.steps.map(describeStep)).toEqual([
    'update update Policy policy',
    'update update Resource thing-2',
    'cleanup delete Resource thing-1',
  ]);
  expect(seen.map(({ event }) => [event.RequestType, event.PhysicalResourceId, event.ResourceProperties.Name])).toEqual([
    ['Update', 'thing-1', 'thing-2'],
    ['Delete', 'thing-1', 'thing-1'],
  ]);
  expect(seen[1].statements[0].Resource).toEqual('v2');
  expect(stack.physicalId('Resource')).toEqual('thing-2');
});

test('a later resource fails: the policies return to the old version before the custom resource gets its old properties back', async () => {
  // GIVEN
  const stack = stackOver();
  await stack.deploy(version({ extra: later('v1') }));
  seen = [];

  // WHEN
  const result = await stack.deploy(version({ statement: 'v2', fail: false, code: 'v2', extra: later('v2') }), { failing: ['Later'] });

  // THEN
  expect(result.status).toEqual('UPDATE_ROLLBACK_COMPLETE');
  expect(result.failures).toEqual(['Later: the resource failed to update (injected)']);
  expect(result.steps.map(describeStep)).toEqual([
    'update update Policy policy',
    'update update-code Function handler',
    'update update-configuration Function handler',
    'rollback update Policy policy',
    'rollback update-code Function handler',
    'rollback update-configuration Function handler',
    'rollback update Later later',
  ]);
});

test('the custom resource fails: its rollback Update carries the old properties, and the new ones as old, under the old policies', async () => {
  // GIVEN
  const stack = stackOver();
  await stack.deploy(version());
  seen = [];

  // WHEN
  const result = await stack.deploy(version({ statement: 'v2', fail: true }));

  // THEN
  expect(result.status).toEqual('UPDATE_ROLLBACK_COMPLETE');
  expect(result.failures).toEqual(['Resource: asked to fail']);
  const requests = seen.map(({ event, statements }) =>
    [event.RequestType, event.ResourceProperties.Fail, event.OldResourceProperties.Fail, statements[0].Resource]);
  expect(requests).toEqual([
    ['Update', 'true', 'false', 'v2'],
    ['Update', 'false', 'true', 'v1'],
  ]);
});

test('the rollback of a replacement keeps the old resource and deletes the new one in the rollback cleanup, under the old policies', async () => {
  // GIVEN
  const stack = stackOver();
  await stack.deploy(version({ extra: later('v1') }));
  seen = [];

  // WHEN
  const result = await stack.deploy(version({ statement: 'v2', name: 'thing-2', extra: later('v2') }), { failing: ['Later'] });

  // THEN
  expect(result.status).toEqual('UPDATE_ROLLBACK_COMPLETE');
  expect(result.steps.map(describeStep)).toEqual([
    'update update Policy policy',
    'update update Resource thing-2',
    'rollback update Policy policy',
    'rollback update Later later',
    'rollback-cleanup delete Resource thing-2',
  ]);
  expect(seen.map(({ event, statements }) => [event.RequestType, event.PhysicalResourceId, statements[0].Resource])).toEqual([
    ['Update', 'thing-1', 'v2'],
    ['Delete', 'thing-2', 'v1'],
  ]);
  expect(stack.physicalId('Resource')).toEqual('thing-1');
});

test('a removed resource is deleted in the cleanup unless its DeletionPolicy retains it; a failed create is deleted in the rollback', async () => {
  // GIVEN
  const stack = stackOver();
  const retained = { Type: 'Custom::Thing', DeletionPolicy: 'Retain', Properties: { ServiceToken: { 'Fn::GetAtt': ['Function', 'Arn'] }, Name: 'kept' } };
  await stack.deploy(version({ extra: { Retained: retained } }));
  const failingNew = { Type: 'Custom::Thing', Properties: { ServiceToken: { 'Fn::GetAtt': ['Function', 'Arn'] }, Name: 'new', Fail: 'true' } };
  seen = [];

  // WHEN
  const removed = await stack.deploy(version());
  const failed = await stack.deploy(version({ extra: { New: failingNew } }));
  const deleted = await stack.delete();

  // THEN
  expect(removed.steps.map(describeStep)).toEqual([]);
  expect(failed.status).toEqual('UPDATE_ROLLBACK_COMPLETE');
  expect(failed.steps.map(describeStep)).toEqual(['rollback-cleanup delete New not-created']);
  expect(deleted.steps.map(describeStep)).toEqual([
    'delete delete Resource thing-1',
    'delete delete Function handler',
    'delete delete Policy policy',
    'delete delete Role handlerrole',
  ]);
  expect(aws.iam.statementsOf(ROLE_ARN)).toEqual([]);
});

test('the hook runs after every step', async () => {
  // GIVEN
  const stack = stackOver();
  const hooked: string[] = [];

  // WHEN
  await stack.deploy(version(), { between: (step) => void hooked.push(step.logicalId) });

  // THEN
  expect(hooked).toEqual(['Role', 'Policy', 'Function', 'Resource']);
});
