import { CfnResource } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  dynamoDbTableKmsCmk,
  ebsVolumeKmsCmk,
  logGroupKmsCmk,
  rdsClusterKmsCmk,
  rdsInstanceKmsCmk,
  secretKmsCmk,
  snsTopicKmsCmk,
  sqsQueueKmsCmk,
} from './cmk-rules';
import { kmsKeyPolicyPublic, kmsKeyPolicySize, kmsKeyRotation } from './kms-rules';
import { RuleResult } from './result';
import { s3BucketKey, s3BucketKmsCmk, s3BucketTlsDeny } from './s3-rules';
import { ssmParameterSecureString } from './ssm-rules';
import { CheckLevel } from '../check-level';

/** One rule of `EncryptionChecks`: the single source of its id, scope, level and check. */
export interface RuleDefinition {
  readonly id: string;
  /** The CloudFormation resource type the rule checks. */
  readonly resourceType: string;
  readonly level: CheckLevel;
  readonly description: string;
  /** Runs the check when the resource is of the rule's L1 class. */
  readonly check: (resource: CfnResource) => RuleResult | undefined;
}

const PREFIX = 'cdk-kms-encryption:';

function rule<T extends CfnResource>(
  name: string,
  resourceClass: { readonly CFN_RESOURCE_TYPE_NAME: string; new (...args: any[]): T },
  level: CheckLevel,
  description: string,
  check: (resource: T) => RuleResult | undefined,
): RuleDefinition {
  return {
    id: `${PREFIX}${name}`,
    resourceType: resourceClass.CFN_RESOURCE_TYPE_NAME,
    level,
    description,
    check: (resource) => (resource instanceof resourceClass ? check(resource) : undefined),
  };
}

/** Every rule, in the order the README lists them. */
export const RULES: readonly RuleDefinition[] = [
  rule('S3BucketKmsCmk', s3.CfnBucket, CheckLevel.ERROR,
    'Default encryption is SSE-KMS with a customer-managed key (not SSE-S3, not aws/s3).', s3BucketKmsCmk),
  rule('S3BucketKey', s3.CfnBucket, CheckLevel.WARNING,
    'SSE-KMS default encryption uses an S3 Bucket Key.', s3BucketKey),
  rule('S3BucketTlsDeny', s3.CfnBucket, CheckLevel.ERROR,
    'A bucket policy denies every S3 action over plain HTTP (aws:SecureTransport false).', s3BucketTlsDeny),
  rule('LogGroupKmsCmk', logs.CfnLogGroup, CheckLevel.ERROR,
    'The log group is encrypted with a customer-managed key.', logGroupKmsCmk),
  rule('SecretKmsCmk', secretsmanager.CfnSecret, CheckLevel.ERROR,
    'The secret and its replicas are encrypted with a customer-managed key (not aws/secretsmanager).', secretKmsCmk),
  rule('SsmParameterSecureString', ssm.CfnParameter, CheckLevel.ERROR,
    'A plain-text (String, StringList) parameter has no name that looks secret (password, secret, token, API key, private key).', ssmParameterSecureString),
  rule('KmsKeyRotation', kms.CfnKey, CheckLevel.ERROR,
    'Automatic rotation is on for symmetric encryption keys with KMS-generated key material.', kmsKeyRotation),
  rule('KmsKeyPolicyPublic', kms.CfnKey, CheckLevel.ERROR,
    'No key policy statement allows everyone (*) without a condition that narrows the principal.', kmsKeyPolicyPublic),
  rule('KmsKeyPolicySize', kms.CfnKey, CheckLevel.WARNING,
    'The key policy is at most 80 % of the 32,768-byte KMS limit.', kmsKeyPolicySize),
  rule('SqsQueueKmsCmk', sqs.CfnQueue, CheckLevel.ERROR,
    'The queue is encrypted with a customer-managed key (not SSE-SQS, not aws/sqs).', sqsQueueKmsCmk),
  rule('SnsTopicKmsCmk', sns.CfnTopic, CheckLevel.ERROR,
    'The topic is encrypted with a customer-managed key (not aws/sns).', snsTopicKmsCmk),
  rule('DynamoDbTableKmsCmk', dynamodb.CfnTable, CheckLevel.ERROR,
    'The table is encrypted with a customer-managed key (not an AWS owned key, not aws/dynamodb).', dynamoDbTableKmsCmk),
  rule('EbsVolumeKmsCmk', ec2.CfnVolume, CheckLevel.ERROR,
    'The volume is encrypted with a customer-managed key (not unencrypted, not the default EBS key).', ebsVolumeKmsCmk),
  rule('RdsInstanceKmsCmk', rds.CfnDBInstance, CheckLevel.ERROR,
    'The database instance storage is encrypted with a customer-managed key (not aws/rds); Aurora instances and read replicas are judged by their cluster or source.', rdsInstanceKmsCmk),
  rule('RdsClusterKmsCmk', rds.CfnDBCluster, CheckLevel.ERROR,
    'The database cluster storage is encrypted with a customer-managed key (not aws/rds).', rdsClusterKmsCmk),
];
