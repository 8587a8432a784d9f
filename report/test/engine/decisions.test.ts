import { Decisions } from '../../src/decisions';
import { isAllowed } from '../../src/simulate';

const ACCOUNT = '111111111111';
const KEY_A = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/a`;
const KEY_B = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/b`;
const keyPolicy = { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] };
const identityStatements = [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: KEY_A }];
const request = (action: string, keyArn: string) => ({
  principal: `arn:aws:iam::${ACCOUNT}:role/app`, action, keyArn, keyAccount: ACCOUNT, context: {}, identityStatements,
});

test.each([
  ['kms:Decrypt', KEY_A],
  ['kms:Encrypt', KEY_A],
  ['kms:GenerateDataKey', KEY_A],
  ['kms:Decrypt', KEY_B],
  ['kms:Encrypt', KEY_B],
])('a decision reused for a request decided alike is the engine\'s own decision: %s on %s', async (action, keyArn) => {
  // GIVEN: every request of the table decided first, in order
  const decisions = new Decisions();
  for (const [otherAction, otherKey] of [['kms:Decrypt', KEY_A], ['kms:Decrypt', KEY_B], ['kms:GenerateDataKey', KEY_A]]) {
    await decisions.isAllowed(keyPolicy, request(otherAction, otherKey));
  }

  // THEN
  expect(await decisions.isAllowed(keyPolicy, request(action, keyArn))).toBe(await isAllowed(keyPolicy, request(action, keyArn)));
});
