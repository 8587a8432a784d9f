import { CloudFormationDriver, Handler, loadBundledHandler } from './driver';
import { ACCOUNT, FakeAws, REGION } from './fake-aws';

/**
 * A call that never returns, in a file of its own: the handler answers and the abandoned call goes on
 * retrying in the background (Lambda would freeze it), so it must not reach another test's state.
 */

const NAME = '/app/db-password';
const base = {
  ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:handler`,
  Name: NAME,
  KeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/aaaaaaaa-0000-0000-0000-000000000000`,
  Tier: 'Standard',
  Retain: 'false',
  Value: { Kind: 'generated', Length: '40' },
};

let aws: FakeAws;
let handler: Handler;
beforeAll(async () => {
  aws = new FakeAws();
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
