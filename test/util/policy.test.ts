import { evaluate, kms1Findings } from './policy';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/1234';
const ROLE = 'arn:aws:iam::111111111111:role/App';

function keyPolicy(condition: Record<string, Record<string, string>>) {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*', Condition: condition }],
  };
}

describe('evaluate', () => {
  test.each([
    ['StringEquals', 'SecretARN', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:app-AbCdEf',
      'arn:aws:secretsmanager:eu-west-1:111111111111:secret:app-AbCdEf', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:other-AbCdEf'],
    ['ArnLike', 'aws:logs:arn', 'arn:aws:logs:eu-west-1:111111111111:log-group:/app/*',
      'arn:aws:logs:eu-west-1:111111111111:log-group:/app/service', 'arn:aws:logs:eu-west-1:111111111111:log-group:/other/service'],
  ])('evaluates kms:EncryptionContext conditions (%s on %s): matching context allowed, other context or none denied', async (operator, contextKey, pattern, matching, other) => {
    const policy = keyPolicy({ [operator]: { [`kms:EncryptionContext:${contextKey}`]: pattern } });
    const request = (context: Record<string, string>) => ({ principal: ROLE, action: 'kms:Decrypt', resource: KEY_ARN, resourceAccount: '111111111111', context });

    await expect(evaluate(policy, request({ [`kms:EncryptionContext:${contextKey}`]: matching }))).resolves.toBe('Allowed');
    await expect(evaluate(policy, request({ [`kms:EncryptionContext:${contextKey}`]: other }))).resolves.toBe('ImplicitlyDenied');
    await expect(evaluate(policy, request({ [`kms:EncryptionContext:Other${contextKey}`]: matching }))).resolves.toBe('ImplicitlyDenied');
    await expect(evaluate(policy, request({}))).resolves.toBe('ImplicitlyDenied');
  });

  test('a negated operator matches an absent key, as in AWS', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: ROLE }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } },
      ],
    };
    const request = (context: Record<string, string>) => ({ principal: ROLE, action: 's3:PutObject', resource: 'arn:aws:s3:::b/o', resourceAccount: '111111111111', context });
    await expect(evaluate(policy, request({}))).resolves.toBe('ExplicitlyDenied');
    await expect(evaluate(policy, request({ 's3:x-amz-server-side-encryption': 'aws:kms' }))).resolves.toBe('Allowed');
  });
});

describe('kms1Findings (Security Hub KMS.1 / KMS.2 logic)', () => {
  test.each([
    ['kms:Decrypt on *', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }, 1],
    ['kms:Decrypt on key/*', { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: 'arn:aws:kms:eu-west-1:111111111111:key/*' }, 1],
    ['kms:* on a variable', { Effect: 'Allow', Action: 'kms:*', Resource: 'arn:aws:kms:eu-west-1:111111111111:key/${aws:PrincipalTag/key}' }, 1],
    ['kms:Re* on key/*', { Effect: 'Allow', Action: 'kms:Re*', Resource: 'arn:aws:kms:eu-west-1:111111111111:key/*' }, 1],
    ['kms:Decrypt on key/* with conditions (not read)', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' } } }, 1],
    ['kms:Decrypt on a key ARN', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:111111111111:key/1234' }, 0],
    ['kms:Encrypt on key/*', { Effect: 'Allow', Action: 'kms:Encrypt', Resource: 'arn:aws:kms:eu-west-1:111111111111:key/*' }, 0],
    ['a Deny of kms:Decrypt on *', { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }, 0],
  ])('%s', (_, statement, findings) => {
    expect(kms1Findings([statement])).toHaveLength(findings);
  });
});
