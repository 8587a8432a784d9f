import { SynthesizedApp, TemplateResource } from './assembly';
import {
  dynamoDbGlobalTableKmsCmk,
  dynamoDbTableKmsCmk,
  ebsBlockDeviceKmsCmk,
  encryptedStorageRule,
  keyPropertyRule,
  kinesisStreamKmsCmk,
  lambdaEnvironmentKmsCmk,
  lambdaLogGroupKmsCmk,
  rdsClusterKmsCmk,
  rdsInstanceKmsCmk,
  secretKmsCmk,
} from './cmk-rules';
import { CONCERN_RULES } from './concern-rules';
import { firehoseKmsCmk } from './firehose-rules';
import { IDENTITY_POLICY_TYPES, iamPolicyKmsDecryptAllKeys } from './iam-kms-rules';
import { KEY_PROPERTY_ROWS } from './key-coverage/key-property-rows';
import { keyPropertyRowRule } from './key-coverage/key-rows';
import { kmsKeyPolicyPublic, kmsKeyPolicySize, kmsKeyRotation } from './kms-rules';
import { RuleResult } from './result';
import { s3BucketKey, s3BucketKmsCmk, s3BucketTlsDeny } from './s3-rules';
import { ssmParameterSecureString } from './ssm-rules';
import { CheckLevel } from '../check-level';

/** One rule of `EncryptionChecks`: the single source of its id, scope, level and check. */
export interface RuleDefinition {
  readonly id: string;
  /** The CloudFormation resource types the rule checks. */
  readonly resourceTypes: string[];
  readonly level: CheckLevel;
  readonly description: string;
  /** Judges one resource of the synthesized templates. */
  readonly check: (resource: TemplateResource, app: SynthesizedApp) => RuleResult | undefined;
}

/** The namespace of every rule id: `Validations.of(scope).acknowledge({ id: 'cdk-kms-encryption::S3BucketKey', ... })`. */
export const RULE_NAMESPACE = 'cdk-kms-encryption';

function rule(name: string, resourceTypes: string[], level: CheckLevel, description: string, check: RuleDefinition['check']): RuleDefinition {
  return { id: `${RULE_NAMESPACE}::${name}`, resourceTypes, level, description, check };
}

const KEY_FIX = (setting: string) => `Set \`${setting}\` to a CustomerManagedKey.`;

/** Every rule, in the order the README lists them. */
export const RULES: readonly RuleDefinition[] = [
  rule('S3BucketKmsCmk', ['AWS::S3::Bucket'], CheckLevel.ERROR,
    'Default encryption is SSE-KMS or DSSE-KMS with a customer-managed key (not SSE-S3, not aws/s3); SSE-S3 only on a bucket that receives another bucket\'s server access logs.', s3BucketKmsCmk),
  rule('S3BucketKey', ['AWS::S3::Bucket'], CheckLevel.WARNING,
    'SSE-KMS default encryption uses an S3 Bucket Key.', s3BucketKey),
  rule('S3BucketTlsDeny', ['AWS::S3::Bucket'], CheckLevel.ERROR,
    'The bucket policy denies s3:* to everyone on the bucket ARN and <bucket ARN>/* when aws:SecureTransport is false.', s3BucketTlsDeny),
  rule('LogGroupKmsCmk', ['AWS::Logs::LogGroup'], CheckLevel.ERROR,
    'The log group is encrypted with a customer-managed key.', keyPropertyRule('KmsKeyId', {
      resource: 'log group',
      withoutKey: 'CloudWatch Logs encrypts it with a key the service owns',
      fix: 'Use EncryptedLogGroup, or set `encryptionKey` to a CustomerManagedKey whose policy lets the logs service use it.',
    })),
  rule('LambdaLogGroupKmsCmk', ['AWS::Lambda::Function'], CheckLevel.WARNING,
    'The function logs to a log group of the app (LoggingConfig.LogGroup, or one named /aws/lambda/<function name>), not to one Lambda creates without a customer-managed key.', lambdaLogGroupKmsCmk),
  rule('LambdaEnvironmentKmsCmk', ['AWS::Lambda::Function'], CheckLevel.ERROR,
    'A function with a secret-looking environment variable (password, secret, token, API key, private key) encrypts it with a customer-managed key (KmsKeyArn), not aws/lambda.', lambdaEnvironmentKmsCmk),
  rule('SecretKmsCmk', ['AWS::SecretsManager::Secret'], CheckLevel.ERROR,
    'The secret and its replicas are encrypted with a customer-managed key (not aws/secretsmanager).', secretKmsCmk),
  rule('SsmParameterSecureString', ['AWS::SSM::Parameter'], CheckLevel.ERROR,
    'A plain-text (String, StringList) parameter has no name that looks secret (password, secret, token, API key, private key).', ssmParameterSecureString),
  rule('KmsKeyRotation', ['AWS::KMS::Key'], CheckLevel.ERROR,
    'Automatic rotation is on for symmetric encryption keys with KMS-generated key material.', kmsKeyRotation),
  rule('KmsKeyPolicyPublic', ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'], CheckLevel.ERROR,
    'No key policy statement allows everyone (*) without a condition that narrows the principal.', kmsKeyPolicyPublic),
  rule('KmsKeyPolicySize', ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'], CheckLevel.WARNING,
    'The key policy is at most 80 % of the 32,768-byte KMS limit.', kmsKeyPolicySize),
  rule('IamPolicyKmsDecryptAllKeys', IDENTITY_POLICY_TYPES, CheckLevel.WARNING,
    'No identity policy (managed, inline, or a role\'s, user\'s or group\'s Policies) allows kms:Decrypt or kms:ReEncryptFrom on all keys (a resource with a wildcard or policy variable), whatever its conditions: Security Hub KMS.1 and KMS.2.', iamPolicyKmsDecryptAllKeys),
  rule('SqsQueueKmsCmk', ['AWS::SQS::Queue'], CheckLevel.ERROR,
    'The queue is encrypted with a customer-managed key (not SSE-SQS, not aws/sqs).', keyPropertyRule('KmsMasterKeyId', {
      resource: 'queue',
      withoutKey: 'it uses SSE-SQS or no encryption',
      fix: 'Set `encryption: QueueEncryption.KMS` and `encryptionMasterKey` to a CustomerManagedKey.',
    })),
  rule('SnsTopicKmsCmk', ['AWS::SNS::Topic'], CheckLevel.ERROR,
    'The topic is encrypted with a customer-managed key (not aws/sns).', keyPropertyRule('KmsMasterKeyId', {
      resource: 'topic', withoutKey: 'it has no server-side encryption', fix: KEY_FIX('masterKey'),
    })),
  rule('DynamoDbTableKmsCmk', ['AWS::DynamoDB::Table'], CheckLevel.ERROR,
    'The table is encrypted with a customer-managed key (not an AWS owned key, not aws/dynamodb).', dynamoDbTableKmsCmk),
  rule('DynamoDbGlobalTableKmsCmk', ['AWS::DynamoDB::GlobalTable'], CheckLevel.ERROR,
    'Every replica of the global table (TableV2) is encrypted with a customer-managed key (not an AWS owned key, not aws/dynamodb).', dynamoDbGlobalTableKmsCmk),
  rule('KinesisStreamKmsCmk', ['AWS::Kinesis::Stream'], CheckLevel.ERROR,
    'The stream is encrypted with a customer-managed key (not unencrypted, not aws/kinesis).', kinesisStreamKmsCmk),
  rule('FirehoseDeliveryStreamKmsCmk', ['AWS::KinesisFirehose::DeliveryStream'], CheckLevel.ERROR,
    'A delivery stream with a Direct PUT source is encrypted with a customer-managed key (CUSTOMER_MANAGED_CMK); one reading a Kinesis stream is judged by the stream.', firehoseKmsCmk),
  rule('EbsVolumeKmsCmk', ['AWS::EC2::Volume'], CheckLevel.ERROR,
    'The volume is encrypted with a customer-managed key (not unencrypted, not the default EBS key).', encryptedStorageRule({
      resource: 'volume',
      flag: 'Encrypted',
      keyProperty: 'KmsKeyId',
      defaultKey: 'EBS uses the account\'s default EBS key (aws/ebs unless changed)',
      fix: 'Set `encrypted: true` and `encryptionKey` to a CustomerManagedKey.',
    })),
  rule('EbsBlockDeviceKmsCmk', ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', 'AWS::AutoScaling::LaunchConfiguration'], CheckLevel.ERROR,
    'Every EBS block device of an instance or launch template is encrypted with a customer-managed key, and the root volume has a mapping; launch configurations cannot name a key.', ebsBlockDeviceKmsCmk),
  rule('RdsInstanceKmsCmk', ['AWS::RDS::DBInstance'], CheckLevel.ERROR,
    'The database instance storage is encrypted with a customer-managed key (not aws/rds); Aurora instances are judged by their cluster, read replicas by their source, restores from snapshots cannot be checked.', rdsInstanceKmsCmk),
  rule('RdsClusterKmsCmk', ['AWS::RDS::DBCluster'], CheckLevel.ERROR,
    'The database cluster storage is encrypted with a customer-managed key (not aws/rds); restores from snapshots cannot be checked.', rdsClusterKmsCmk),
  rule('EfsFileSystemKmsCmk', ['AWS::EFS::FileSystem'], CheckLevel.ERROR,
    'The file system is encrypted with a customer-managed key (not unencrypted, not aws/elasticfilesystem).', encryptedStorageRule({
      resource: 'file system',
      flag: 'Encrypted',
      keyProperty: 'KmsKeyId',
      defaultKey: 'EFS uses the AWS managed key aws/elasticfilesystem',
      fix: 'Set `encrypted: true` and `kmsKey` to a CustomerManagedKey.',
    })),
  rule('ElastiCacheReplicationGroupKmsCmk', ['AWS::ElastiCache::ReplicationGroup'], CheckLevel.ERROR,
    'The replication group is encrypted at rest with a customer-managed key.', encryptedStorageRule({
      resource: 'replication group',
      flag: 'AtRestEncryptionEnabled',
      keyProperty: 'KmsKeyId',
      defaultKey: 'ElastiCache uses a key the service manages',
      fix: 'Set `atRestEncryptionEnabled: true` and `kmsKeyId` to a CustomerManagedKey.',
    })),
  rule('ElastiCacheServerlessKmsCmk', ['AWS::ElastiCache::ServerlessCache'], CheckLevel.ERROR,
    'The serverless cache is encrypted with a customer-managed key.', keyPropertyRule('KmsKeyId', {
      resource: 'serverless cache', withoutKey: 'ElastiCache uses a key AWS owns', fix: KEY_FIX('kmsKeyId'),
    })),
  rule('OpenSearchDomainKmsCmk', ['AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain'], CheckLevel.ERROR,
    'The domain is encrypted at rest with a customer-managed key (not aws/es).', encryptedStorageRule({
      resource: 'domain',
      flag: 'EncryptionAtRestOptions.Enabled',
      keyProperty: 'EncryptionAtRestOptions.KmsKeyId',
      defaultKey: 'OpenSearch uses the AWS managed key aws/es',
      fix: 'Set `encryptionAtRest: { enabled: true, kmsKey }` with a CustomerManagedKey.',
    })),
  rule('BackupVaultKmsCmk', ['AWS::Backup::BackupVault'], CheckLevel.ERROR,
    'The backup vault is encrypted with a customer-managed key (not aws/backup).', keyPropertyRule('EncryptionKeyArn', {
      resource: 'backup vault', withoutKey: 'AWS Backup uses the AWS managed key aws/backup', fix: KEY_FIX('encryptionKey'),
    })),
  rule('CloudTrailKmsCmk', ['AWS::CloudTrail::Trail'], CheckLevel.ERROR,
    'The trail encrypts its log files with a customer-managed key (not SSE-S3).', keyPropertyRule('KMSKeyId', {
      resource: 'trail', withoutKey: 'its log files are encrypted with SSE-S3', fix: KEY_FIX('encryptionKey'),
    })),
  rule('StepFunctionsStateMachineKmsCmk', ['AWS::StepFunctions::StateMachine'], CheckLevel.ERROR,
    'The state machine is encrypted with a customer-managed key (CUSTOMER_MANAGED_KMS_KEY), not an AWS owned key.', keyPropertyRule('EncryptionConfiguration.KmsKeyId', {
      resource: 'state machine', withoutKey: 'Step Functions uses a key AWS owns', fix: 'Set `encryptionConfiguration` to a `CustomerManagedEncryptionConfiguration` with a CustomerManagedKey.',
    })),
  ...CONCERN_RULES.map(({ name, resourceTypes, level, description, check }) => rule(name, resourceTypes, level, description, check)),
  // Every other resource type of the CloudFormation specification that takes a KMS key: one data row each.
  ...KEY_PROPERTY_ROWS.map(keyPropertyRowRule)
    .map(({ name, resourceTypes, level, description, check }) => rule(name, resourceTypes, level, description, check)),
];
