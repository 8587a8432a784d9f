import { isAllowed } from '../../src/simulate';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/k';
const keyPolicy = (condition: Record<string, unknown>) => ({
  Statement: [{ Effect: 'Allow', Principal: { Service: 'logs.eu-west-1.amazonaws.com' }, Action: 'kms:Decrypt', Resource: '*', Condition: condition }],
});
const decryptWith = (policy: any, context: Record<string, string>) => isAllowed(policy, {
  principal: 'logs.eu-west-1.amazonaws.com', action: 'kms:Decrypt', keyArn: KEY_ARN, keyAccount: '111111111111', context, identityStatements: [],
});

test.each([
  ['ArnLike', 'arn:aws:logs:eu-west-1:111111111111:log-group:app', true],
  ['ArnLike', 'arn:aws:logs:eu-west-1:111111111111:log-group:other', false],
  ['StringEquals', 'arn:aws:logs:eu-west-1:111111111111:log-group:app', true],
  ['StringEquals', 'arn:aws:logs:eu-west-1:111111111111:log-group:other', false],
])('an encryption-context condition (%s) is evaluated, not ignored: %s → %s', async (operator, value, allowed) => {
  const policy = keyPolicy({ [operator]: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111111111111:log-group:app' } });
  expect(await decryptWith(policy, { 'kms:EncryptionContext:aws:logs:arn': value })).toBe(allowed);
});

test('a request without the encryption context a condition names is denied', async () => {
  const policy = keyPolicy({ ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111111111111:log-group:*' } });
  expect(await decryptWith(policy, {})).toBe(false);
});

test('identity statements are evaluated with the key policy: a key that trusts its account needs an identity policy', async () => {
  const policy = { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }] };
  const request = { principal: 'arn:aws:iam::111111111111:role/app', action: 'kms:Decrypt', keyArn: KEY_ARN, keyAccount: '111111111111', context: {} };
  const allowDecrypt = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN, Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'test' } } };
  expect(await isAllowed(policy, { ...request, identityStatements: [] })).toBe(false);
  expect(await isAllowed(policy, { ...request, identityStatements: [allowDecrypt] })).toBe(false);
  expect(await isAllowed(policy, { ...request, context: { 'kms:EncryptionContext:purpose': 'test' }, identityStatements: [allowDecrypt] })).toBe(true);
});
