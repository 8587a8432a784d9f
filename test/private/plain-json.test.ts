import { App, Aws, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { plainValue } from '../../src/private/key-use/plain-json';
import { ACCOUNT, testStack } from '../util/app';

describe('plainValue (the statement a keyPolicyNotEditable warning shows)', () => {
  test('pseudo parameters of a stack with an environment become their values, joins are joined', () => {
    const stack = testStack();
    const statement = new iam.PolicyStatement({
      principals: [new iam.AccountPrincipal(stack.account)],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.${stack.urlSuffix}` } },
    });
    expect(plainValue(stack.resolve(statement.toStatementJson()), stack)).toEqual({
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Resource: '*',
    });
  });

  test('what is only known at deploy time becomes a <placeholder> naming it', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const key = new kms.CfnKey(stack, 'Key', {});
    const name = new CfnParameter(stack, 'Name');
    const value = stack.resolve({
      account: Aws.ACCOUNT_ID,
      partition: `arn:${Aws.PARTITION}:s3`,
      key: key.attrArn,
      parameter: name.valueAsString,
      split: Fn.select(0, Fn.split(',', name.valueAsString)),
    });
    expect(plainValue(value, stack)).toEqual({
      account: '<AWS::AccountId>',
      partition: 'arn:<AWS::Partition>:s3',
      key: '<Agnostic/Key.Arn>',
      parameter: '<Agnostic/Name>',
      split: '<Fn::Select>',
    });
  });
});
