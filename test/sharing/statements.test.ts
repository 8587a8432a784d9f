import { Stack } from 'aws-cdk-lib';
import {
  accountsAudience,
  autoScalingGrantCreationStatement,
  autoScalingGrantStatement,
  copyKeyGrantStatement,
  copyKeyUseStatement,
  organizationAudience,
  snapshotGrantStatement,
  snapshotUseStatement,
  viaServiceEndpoints,
} from '../../src/sharing/private/statements';
import { ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT } from '../util/app';

const EC2 = 'ec2.eu-west-1.amazonaws.com';
const SHARING_ACTIONS = [
  'kms:DescribeKey',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];
const AUTO_SCALING_OPERATIONS = [
  'Decrypt',
  'ReEncryptFrom',
  'ReEncryptTo',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'DescribeKey',
  'CreateGrant',
];

/** Statement JSON with the principals' partition tokens resolved. */
function json(statement: { toStatementJson(): any }): any {
  return new Stack().resolve(statement.toStatementJson());
}

const rootOf = (account: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] });

describe('snapshot sharing statements', () => {
  test('use: describe, decrypt, re-encrypt and data keys, through the services, for the target accounts only', () => {
    // WHEN
    const statement = snapshotUseStatement(accountsAudience([OTHER_ACCOUNT, THIRD_ACCOUNT]), [EC2]);

    // THEN
    expect(json(statement)).toEqual({
      Effect: 'Allow',
      Principal: { AWS: [rootOf(OTHER_ACCOUNT), rootOf(THIRD_ACCOUNT)] },
      Action: SHARING_ACTIONS,
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': [EC2], 'kms:CallerAccount': [OTHER_ACCOUNT, THIRD_ACCOUNT] } },
    });
  });

  test('grant: CreateGrant only for AWS resources, through the services', () => {
    // WHEN
    const statement = snapshotGrantStatement(accountsAudience([OTHER_ACCOUNT]), [EC2]);

    // THEN
    expect(json(statement)).toEqual({
      Effect: 'Allow',
      Principal: { AWS: rootOf(OTHER_ACCOUNT) },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:ViaService': [EC2], 'kms:CallerAccount': [OTHER_ACCOUNT] },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      },
    });
  });

  test('organization: everyone, narrowed by aws:PrincipalOrgID, except the key\'s own account', () => {
    // WHEN
    const statement = snapshotUseStatement(organizationAudience('o-abcdefghij', ACCOUNT), [EC2]);

    // THEN
    expect(json(statement)).toMatchObject({
      Principal: { AWS: '*' },
      Condition: {
        StringEquals: { 'kms:ViaService': [EC2], 'aws:PrincipalOrgID': 'o-abcdefghij' },
        StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT },
      },
    });
  });

  test('organization: grants for AWS resources keep their own conditions next to the audience\'s', () => {
    const statement = snapshotGrantStatement(organizationAudience('o-abcdefghij', ACCOUNT), [EC2]);
    expect(json(statement).Condition).toEqual({
      StringEquals: { 'kms:ViaService': [EC2], 'aws:PrincipalOrgID': 'o-abcdefghij' },
      StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    });
  });

  test('auto scaling: a grant for the caller account\'s own service-linked role, with named operations', () => {
    // WHEN
    const statement = autoScalingGrantStatement(accountsAudience([OTHER_ACCOUNT]), 'aws');

    // THEN
    expect(json(statement)).toEqual({
      Effect: 'Allow',
      Principal: { AWS: rootOf(OTHER_ACCOUNT) },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: {
        'StringEquals': {
          'kms:GranteePrincipal': 'arn:aws:iam::${aws:PrincipalAccount}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
          'kms:CallerAccount': [OTHER_ACCOUNT],
        },
        'ForAllValues:StringEquals': { 'kms:GrantOperations': AUTO_SCALING_OPERATIONS },
        'Null': { 'kms:GrantOperations': 'false' },
      },
    });
  });

  test('target account: both keys through the services, grants for AWS resources, the Auto Scaling grant for its role', () => {
    // GIVEN
    const keys = ['arn:aws:kms:eu-west-1:111111111111:key/shared', 'arn:aws:kms:eu-west-1:222222222222:key/own'];
    const role = 'arn:aws:iam::222222222222:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';

    // THEN
    expect(json(copyKeyUseStatement(keys, [EC2]))).toEqual({
      Effect: 'Allow',
      Action: SHARING_ACTIONS,
      Resource: keys,
      Condition: { StringEquals: { 'kms:ViaService': [EC2] } },
    });
    expect(json(copyKeyGrantStatement(keys, [EC2]))).toEqual({
      Effect: 'Allow',
      Action: 'kms:CreateGrant',
      Resource: keys,
      Condition: { StringEquals: { 'kms:ViaService': [EC2] }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
    expect(json(autoScalingGrantCreationStatement(keys[0], role))).toEqual({
      Effect: 'Allow',
      Action: 'kms:CreateGrant',
      Resource: keys[0],
      Condition: {
        'StringEquals': { 'kms:GranteePrincipal': role },
        'ForAllValues:StringEquals': { 'kms:GrantOperations': AUTO_SCALING_OPERATIONS },
        'Null': { 'kms:GrantOperations': 'false' },
      },
    });
  });

  test('endpoints: every service in every Region, without repeats', () => {
    expect(viaServiceEndpoints(['ec2', 'ec2', 'rds'], ['eu-west-1', 'eu-central-1', 'eu-west-1'], 'amazonaws.com')).toEqual([
      'ec2.eu-west-1.amazonaws.com',
      'ec2.eu-central-1.amazonaws.com',
      'rds.eu-west-1.amazonaws.com',
      'rds.eu-central-1.amazonaws.com',
    ]);
  });
});
