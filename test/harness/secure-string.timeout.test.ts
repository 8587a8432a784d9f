import { CfnElement, RemovalPolicy } from 'aws-cdk-lib';
import { installPolicies, StackVersion } from './deployment';
import { CloudFormationDriver, Handler, loadBundledHandler } from './driver';
import { ACCOUNT, FakeAws, REGION } from './fake-aws';
import { PoliciesInForce } from './policies-in-force';
import { SecureStringParameter } from '../../src/ssm';
import { testStack } from '../util/app';

/**
 * A call that never returns, in a file of its own: the handler answers and the abandoned call goes on
 * retrying in the background (Lambda would freeze it), so it must not reach another test's state.
 */

const NAME = '/app/db-password';
const stack = testStack('HarnessStack');
const parameter = new SecureStringParameter(stack, 'Parameter', { parameterName: NAME, removalPolicy: RemovalPolicy.DESTROY });
const version = StackVersion.of(stack);
const keyLogicalId = stack.getLogicalId(parameter.encryptionKey.node.defaultChild as CfnElement);
const base = {
  ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:handler`,
  Name: NAME,
  KeyId: version.intrinsics.arn(keyLogicalId),
  Tier: 'Standard',
  Retain: 'false',
  Value: { Kind: 'generated', Length: '40' },
};

let aws: FakeAws;
let handler: Handler;
beforeAll(async () => {
  aws = new FakeAws(new PoliciesInForce());
  installPolicies(aws.iam, version);
  aws.iam.caller = version.intrinsics.arn(version.intrinsics.logicalIdOf('AWS::IAM::Role'));
  await aws.start();
  handler = loadBundledHandler('ssm/private/secure-string.lambda');
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterAll(async () => {
  jest.restoreAllMocks();
  await aws.stop();
});

test('a call that never returns: FAILED before the function times out, so CloudFormation does not wait', async () => {
  // GIVEN a function with 30 s left
  const cfn = new CloudFormationDriver(aws, handler, 'Parameter', 30_000);
  for (let call = 0; call < 20; call++) {
    aws.hangOnce('PutParameter');
  }

  // WHEN
  const created = await cfn.create(base);

  // THEN
  expect(created.Status).toEqual('FAILED');
  expect(created.Reason).toMatch(/^TimeoutError: /);
  expect(created.PhysicalResourceId).not.toEqual(NAME);
}, 40_000);
