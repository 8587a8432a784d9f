import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { CfnElement, RemovalPolicy } from 'aws-cdk-lib';
import { installPolicies, StackVersion } from './deployment';
import { CloudFormationDriver, Handler, loadBundledHandler } from './driver';
import { ACCOUNT, fakeAwsForThisFile, REGION } from './fake-aws';
import { SDK_CLIENT_OPTIONS } from '../../src/private/handler-runtime';
import { SecureStringParameter } from '../../src/ssm';
import { SecureStringProvider } from '../../src/ssm/private/secure-string-provider';
import { ANSWER_MARGIN_MILLIS, run } from '../../src/ssm/private/secure-string-resource';
import { testStack } from '../util/app';

/**
 * Calls that never return, in a file of their own: an attempt the clients give up on, or a call the handler
 * abandons at its deadline, must not reach another test's state.
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

const aws = fakeAwsForThisFile();
let handler: Handler;
beforeAll(() => {
  installPolicies(aws.iam, version);
  aws.iam.caller = version.intrinsics.arn(version.intrinsics.logicalIdOf('AWS::IAM::Role'));
  handler = loadBundledHandler('ssm/private/secure-string.lambda');
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterAll(() => jest.restoreAllMocks());

test('a call that never returns is given up after the request timeout and retried: the retry answers, so the create succeeds', async () => {
  // GIVEN the function's own timeout, and the first PutParameter hangs
  const cfn = new CloudFormationDriver(aws, handler, 'Parameter', SecureStringProvider.TIMEOUT.toMilliseconds());
  aws.hangOnce('PutParameter');
  const started = Date.now();

  // WHEN
  const created = await cfn.create(base);

  // THEN the hung attempt ended at the clients' requestTimeout, not at the handler's deadline
  expect(created.Status).toEqual('SUCCESS');
  expect(aws.callCount('PutParameter')).toEqual(2);
  expect(Date.now() - started).toBeLessThan(SDK_CLIENT_OPTIONS.requestHandler.requestTimeout + 5_000);
}, 30_000);

test('every attempt hangs: each ends at the request timeout, the SDK retries up to maxAttempts, and CloudFormation gets FAILED with the SDK\'s TimeoutError', async () => {
  // GIVEN the handler's clients, with a request timeout and attempts a test can wait for
  const options = { ...SDK_CLIENT_OPTIONS, maxAttempts: 3, requestHandler: { ...SDK_CLIENT_OPTIONS.requestHandler, requestTimeout: 500 } };
  const clients = { ssm: new SSMClient(options), secretsManager: new SecretsManagerClient(options) };
  const cfn = new CloudFormationDriver(aws, (event, context) => run(event, clients, fetch, context.getRemainingTimeInMillis()), 'Parameter',
    SecureStringProvider.TIMEOUT.toMilliseconds());
  for (let call = 0; call < options.maxAttempts; call++) {
    aws.hangOnce('PutParameter');
  }

  // WHEN
  const created = await cfn.create(base);

  // THEN the SDK gave up after its attempts, long before the handler's deadline
  expect(created.Status).toEqual('FAILED');
  expect(created.Reason).toMatch(/^TimeoutError: .*exceeded the configured 500 ms requestTimeout/);
  expect(aws.callCount('PutParameter')).toEqual(options.maxAttempts);
  expect(cfn.invocations).toEqual(1);
}, 30_000);

// Last: the call it abandons would go on in the background (Lambda would freeze it); the fake's stop() ends it.
test('a call that never returns within the function\'s time: FAILED before the function times out, so CloudFormation does not wait', async () => {
  // GIVEN a function with 25 s left: its deadline comes before the first attempt's request timeout
  const functionMillis = 25_000;
  expect(functionMillis - ANSWER_MARGIN_MILLIS).toBeLessThan(SDK_CLIENT_OPTIONS.requestHandler.requestTimeout);
  const cfn = new CloudFormationDriver(aws, handler, 'Parameter', functionMillis);
  aws.hangOnce('PutParameter');

  // WHEN
  const created = await cfn.create(base);

  // THEN
  expect(created.Status).toEqual('FAILED');
  expect(created.Reason).toMatch(/^TimeoutError: the function's time was nearly up/);
  expect(created.PhysicalResourceId).not.toEqual(NAME);
}, 40_000);
