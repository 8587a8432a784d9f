import { KEY_PROPERTY_ROWS } from './key-property-rows';
import { descriptionOf, ruleNameOf, switchText } from './key-rows';

/**
 * How EncryptionChecks covers one resource type of the CloudFormation specification that takes a KMS key.
 * The coverage test (test/checks/coverage-table.test.ts) derives the types and paths from the installed
 * `@aws-cdk/aws-service-spec` and fails when one is missing here; the README's table is written from it.
 */
export interface TypeCoverage {
  readonly resourceType: string;
  /** Every property path of the type that takes a KMS key (`Replicas[].KmsKeyId`). */
  readonly keyPaths: string[];
  /** How encryption is switched on where it is optional; empty where naming the key is what switches it on. */
  readonly switchedOnBy: string;
  /** What "encrypted with a customer-managed key" means for the type, and what the service uses otherwise. */
  readonly meaning: string;
  /** The rules that judge the type (names without the `cdk-kms-encryption::` namespace); empty when none can. */
  readonly rules: string[];
  /** Why no rule judges the type, or the key paths its rules do not read. */
  readonly notJudged?: string;
}

const KEY_ITSELF = 'The property names a KMS key to manage it, not to encrypt data with it; the key itself is judged by KmsKeyRotation, KmsKeyPolicyPublic and KmsKeyPolicySize.';
const SIGNING = 'The key signs (an asymmetric SIGN_VERIFY key), it encrypts no data: a customer-managed key is the only kind it can be.';

/** Types whose key no rule can judge at synth, with the reason. */
const EXPLAINED: readonly TypeCoverage[] = [
  explained('AWS::KMS::Alias', ['TargetKeyId'], KEY_ITSELF),
  explained('AWS::KMS::ReplicaKey', ['PrimaryKeyArn'], KEY_ITSELF),
  explained('AWS::LicenseManager::License', ['Issuer.SignKey'], SIGNING),
  explained('AWS::Route53::KeySigningKey', ['KeyManagementServiceArn'], SIGNING),
  explained('AWS::SupportAuthZ::SupportPermit', ['SigningKeyInfo.KmsKey'], SIGNING),
  explained('AWS::BedrockAgentCore::OAuth2CredentialProvider',
    ['Oauth2ProviderConfigInput.CustomOauth2ProviderConfig.PrivateKeyJwtConfig.PrivateKeySource.KmsKeySource.KmsKeyArn'], SIGNING),
  explained('AWS::Redshift::SnapshotCopyGrant', ['KmsKeyId'],
    'A grant that lets Redshift use a key in the destination Region: it encrypts nothing itself; the cluster that copies snapshots with it is judged by RedshiftClusterKmsCmk.'),
  explained('AWS::Serverless::Function', ['KmsKeyArn'],
    'A SAM resource, expanded into AWS::Lambda::Function by CloudFormation at deploy time: the synthesized template does not hold the function to judge. Define the function as AWS::Lambda::Function (lambda.Function) to have it checked.'),
];

/** Types the hand-written rules of rules.ts judge. */
const HAND_WRITTEN: readonly TypeCoverage[] = [
  judged('AWS::S3::Bucket', ['BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault.KMSMasterKeyID'],
    '`SSEAlgorithm` `aws:kms` or `aws:kms:dsse`', 'SSE-KMS or DSSE-KMS with a customer-managed key; otherwise SSE-S3 or aws/s3', ['S3BucketKmsCmk', 'S3BucketKey', 'S3BucketTlsDeny'],
    ['ReplicationConfiguration.Rules[].Destination.EncryptionConfiguration.ReplicaKmsKeyID', 'MetadataConfiguration.AnnotationTableConfiguration.EncryptionConfiguration.KmsKeyArn',
      'MetadataConfiguration.InventoryTableConfiguration.EncryptionConfiguration.KmsKeyArn', 'MetadataConfiguration.JournalTableConfiguration.EncryptionConfiguration.KmsKeyArn'],
    'the replica key is the destination bucket\'s (judged there when it is in the app); metadata tables are S3 Tables'),
  judged('AWS::Logs::LogGroup', ['KmsKeyId'], '', 'a customer-managed key; otherwise a key CloudWatch Logs owns', ['LogGroupKmsCmk']),
  judged('AWS::Lambda::Function', ['KmsKeyArn'], '', 'environment variables that look secret under a customer-managed key; otherwise aws/lambda', ['LambdaEnvironmentKmsCmk', 'LambdaLogGroupKmsCmk'],
    ['Code.SourceKMSKeyArn', 'DurableConfig.KMSKeyArn'], 'the code archive and durable execution payloads are not judged'),
  judged('AWS::SecretsManager::Secret', ['KmsKeyId', 'ReplicaRegions[].KmsKeyId'], '', 'the secret and every replica under a customer-managed key; otherwise aws/secretsmanager',
    ['SecretKmsCmk', 'SecretRotation']),
  judged('AWS::SQS::Queue', ['KmsMasterKeyId'], '', 'a customer-managed key; otherwise SSE-SQS, aws/sqs or none', ['SqsQueueKmsCmk', 'SqsQueueTlsDeny']),
  judged('AWS::SNS::Topic', ['KmsMasterKeyId'], '', 'a customer-managed key; otherwise none or aws/sns', ['SnsTopicKmsCmk', 'SnsTopicTlsDeny']),
  judged('AWS::DynamoDB::Table', ['SSESpecification.KMSMasterKeyId'], '`SSESpecification.SSEEnabled` true', 'a customer-managed key; otherwise a key DynamoDB owns or aws/dynamodb', ['DynamoDbTableKmsCmk']),
  judged('AWS::DynamoDB::GlobalTable', ['Replicas[].SSESpecification.KMSMasterKeyId'], '`SSESpecification.SSEEnabled` true',
    'every replica under a customer-managed key; otherwise a key DynamoDB owns or aws/dynamodb', ['DynamoDbGlobalTableKmsCmk']),
  judged('AWS::Kinesis::Stream', ['StreamEncryption.KeyId'], '`StreamEncryption.EncryptionType` `KMS`', 'a customer-managed key; otherwise none or aws/kinesis', ['KinesisStreamKmsCmk']),
  judged('AWS::KinesisFirehose::DeliveryStream', ['DeliveryStreamEncryptionConfigurationInput.KeyARN'], '`KeyType` `CUSTOMER_MANAGED_CMK`',
    'a customer-managed key for a Direct PUT stream; otherwise none or a key AWS owns', ['FirehoseDeliveryStreamKmsCmk'],
    firehoseDestinationKeys(), 'the S3 destinations\' keys are the buckets\' (judged by S3BucketKmsCmk where the bucket is in the app)'),
  judged('AWS::EC2::Volume', ['KmsKeyId'], '`Encrypted` true', 'a customer-managed key; otherwise unencrypted or the account\'s default EBS key', ['EbsVolumeKmsCmk']),
  judged('AWS::EC2::Instance', ['BlockDeviceMappings[].Ebs.KmsKeyId'], '`Ebs.Encrypted` true', 'every EBS block device under a customer-managed key', ['EbsBlockDeviceKmsCmk']),
  judged('AWS::EC2::LaunchTemplate', ['LaunchTemplateData.BlockDeviceMappings[].Ebs.KmsKeyId'], '`Ebs.Encrypted` true', 'every EBS block device under a customer-managed key', ['EbsBlockDeviceKmsCmk']),
  judged('AWS::RDS::DBInstance', ['KmsKeyId'], '`StorageEncrypted` true', 'storage under a customer-managed key; otherwise unencrypted or aws/rds', ['RdsInstanceKmsCmk'],
    ['AutomaticBackupReplicationKmsKeyId', 'MasterUserSecret.KmsKeyId', 'PerformanceInsightsKMSKeyId'], 'Performance Insights, the managed master secret and replicated backups are not judged'),
  judged('AWS::RDS::DBCluster', ['KmsKeyId'], '`StorageEncrypted` true', 'storage under a customer-managed key; otherwise unencrypted or aws/rds', ['RdsClusterKmsCmk'],
    ['MasterUserSecret.KmsKeyId', 'PerformanceInsightsKmsKeyId'], 'Performance Insights and the managed master secret are not judged'),
  judged('AWS::EFS::FileSystem', ['KmsKeyId'], '`Encrypted` true', 'a customer-managed key; otherwise unencrypted or aws/elasticfilesystem', ['EfsFileSystemKmsCmk'],
    ['ReplicationConfiguration.Destinations[].KmsKeyId'], 'replicas are file systems of their own Region'),
  judged('AWS::ElastiCache::ReplicationGroup', ['KmsKeyId'], '`AtRestEncryptionEnabled` true', 'a customer-managed key; otherwise none or the service\'s key', ['ElastiCacheReplicationGroupKmsCmk']),
  judged('AWS::ElastiCache::ServerlessCache', ['KmsKeyId'], '', 'a customer-managed key; otherwise a key AWS owns', ['ElastiCacheServerlessKmsCmk']),
  judged('AWS::OpenSearchService::Domain', ['EncryptionAtRestOptions.KmsKeyId'], '`EncryptionAtRestOptions.Enabled` true', 'a customer-managed key; otherwise none or aws/es', ['OpenSearchDomainKmsCmk']),
  judged('AWS::Elasticsearch::Domain', ['EncryptionAtRestOptions.KmsKeyId'], '`EncryptionAtRestOptions.Enabled` true', 'a customer-managed key; otherwise none or aws/es', ['OpenSearchDomainKmsCmk']),
  judged('AWS::Backup::BackupVault', ['EncryptionKeyArn'], '', 'a customer-managed key; otherwise aws/backup', ['BackupVaultKmsCmk']),
  judged('AWS::CloudTrail::Trail', ['KMSKeyId'], '', 'a customer-managed key; otherwise SSE-S3 log files', ['CloudTrailKmsCmk']),
  judged('AWS::StepFunctions::StateMachine', ['EncryptionConfiguration.KmsKeyId'], '`EncryptionConfiguration.Type` `CUSTOMER_MANAGED_KMS_KEY`',
    'a customer-managed key; otherwise a key AWS owns', ['StepFunctionsStateMachineKmsCmk']),
];

/** Every resource type of the specification that takes a KMS key, sorted by type. */
export const COVERAGE: readonly TypeCoverage[] = [
  ...EXPLAINED,
  ...HAND_WRITTEN,
  ...KEY_PROPERTY_ROWS.map((row): TypeCoverage => ({
    resourceType: row.resourceType,
    keyPaths: [...(row.key ? [row.key] : []), ...(row.also ?? [])].sort(),
    switchedOnBy: switchText(row),
    meaning: descriptionOf(row),
    rules: [ruleNameOf(row.resourceType)],
  })),
].sort((a, b) => a.resourceType.localeCompare(b.resourceType));

function explained(resourceType: string, keyPaths: string[], reason: string): TypeCoverage {
  return { resourceType, keyPaths, switchedOnBy: '', meaning: '-', rules: [], notJudged: reason };
}

function judged(
  resourceType: string, judgedPaths: string[], switchedOnBy: string, meaning: string, rules: string[], otherPaths: string[] = [], notJudged?: string,
): TypeCoverage {
  return { resourceType, keyPaths: [...judgedPaths, ...otherPaths].sort(), switchedOnBy, meaning, rules, notJudged: notJudged && `Not judged: ${notJudged}.` };
}

/** The S3 destinations of a delivery stream, each with its bucket's key. */
function firehoseDestinationKeys(): string[] {
  const s3Configuration = 'S3Configuration.EncryptionConfiguration.KMSEncryptionConfig.AWSKMSKeyARN';
  return [
    ...['AmazonOpenSearchServerless', 'Amazonopensearchservice', 'Elasticsearch', 'HttpEndpoint', 'Iceberg', 'Redshift', 'Snowflake', 'Splunk']
      .map((destination) => `${destination}DestinationConfiguration.${s3Configuration}`),
    'ExtendedS3DestinationConfiguration.EncryptionConfiguration.KMSEncryptionConfig.AWSKMSKeyARN',
    'ExtendedS3DestinationConfiguration.S3BackupConfiguration.EncryptionConfiguration.KMSEncryptionConfig.AWSKMSKeyARN',
    'RedshiftDestinationConfiguration.S3BackupConfiguration.EncryptionConfiguration.KMSEncryptionConfig.AWSKMSKeyARN',
    'S3DestinationConfiguration.EncryptionConfiguration.KMSEncryptionConfig.AWSKMSKeyARN',
  ];
}
