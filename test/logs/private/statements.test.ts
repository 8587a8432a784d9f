import { Stack } from 'aws-cdk-lib';
import { accountEncryptionContextArn, encryptionContextArn, logsServiceStatement } from '../../../src/logs/private/statements';
import { REGION, testStack } from '../../util/app';

describe('logsServiceStatement', () => {
  test('lets the regional CloudWatch Logs principal use the key only for the listed encryption contexts', () => {
    // GIVEN
    const stack = testStack();
    const arns = ['arn:aws:logs:eu-west-1:111111111111:log-group:/a', 'arn:aws:logs:eu-west-1:111111111111:log-group:/b'];

    // WHEN
    const statement = logsServiceStatement(arns, stack);

    // THEN
    expect(stack.resolve(statement.toStatementJson())).toEqual({
      Sid: 'AllowCloudWatchLogs',
      Effect: 'Allow',
      Principal: { Service: { 'Fn::Join': ['', [`logs.${REGION}.`, { Ref: 'AWS::URLSuffix' }]] } },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': arns } },
    });
  });
});

describe('encryptionContextArn', () => {
  test('is the log group ARN without the trailing :*, built from the name alone', () => {
    const stack = testStack();
    expect(stack.resolve(encryptionContextArn('/app/logs', stack))).toEqual('arn:aws:logs:eu-west-1:111111111111:log-group:/app/logs');
  });

  test('follows the stack environment when it is not known at synth time', () => {
    const stack = new Stack();
    expect(stack.resolve(encryptionContextArn('/app/logs', stack))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:/app/logs']],
    });
  });

  test('the account-wide form matches every log group of the account and Region', () => {
    const stack = testStack();
    expect(stack.resolve(accountEncryptionContextArn(stack))).toEqual('arn:aws:logs:eu-west-1:111111111111:log-group:*');
  });
});
