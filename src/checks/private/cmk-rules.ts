import { Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { KeyKind, keyKind, resolveValue } from './resolve';
import { RuleResult, notChecked, violation } from './result';

/**
 * How a resource that names its key in one property is judged.
 * `withoutKey` says what protects the data when no key is named.
 */
interface KeyProperty {
  readonly resource: string;
  readonly property: string;
  readonly withoutKey: string;
  readonly fix: string;
}

/** The verdict on the key a resource names in one property. */
export function customerManagedKeyResult(scope: IConstruct, key: unknown, judged: KeyProperty): RuleResult | undefined {
  switch (keyKind(scope, key)) {
    case KeyKind.CUSTOMER_MANAGED:
      return undefined;
    case KeyKind.UNRESOLVED:
      return notChecked(`the ${judged.resource}'s \`${judged.property}\``);
    case KeyKind.AWS_MANAGED:
      return violation(`The ${judged.resource} is encrypted with an AWS managed key, not a customer-managed key. ${judged.fix}`);
    case KeyKind.NONE:
      return violation(`The ${judged.resource} is not encrypted with a customer-managed key: ${judged.withoutKey}. ${judged.fix}`);
  }
}

/** @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html */
export function logGroupKmsCmk(logGroup: logs.CfnLogGroup): RuleResult | undefined {
  return customerManagedKeyResult(logGroup, logGroup.kmsKeyId, {
    resource: 'log group',
    property: 'KmsKeyId',
    withoutKey: 'CloudWatch Logs encrypts it with a key the service owns',
    fix: 'Use EncryptedLogGroup, or set `encryptionKey` to a CustomerManagedKey whose policy lets the logs service use it.',
  });
}

/**
 * The secret and each of its replicas; a replica without a key uses `aws/secretsmanager` in its Region.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 */
export function secretKmsCmk(secret: secretsmanager.CfnSecret): RuleResult | undefined {
  const fix = 'Use RotatingSecret, or set `encryptionKey` (and a key for each replica Region) to a CustomerManagedKey.';
  const primary = customerManagedKeyResult(secret, secret.kmsKeyId, {
    resource: 'secret',
    property: 'KmsKeyId',
    withoutKey: 'Secrets Manager uses the AWS managed key aws/secretsmanager',
    fix,
  });
  if (primary) {
    return primary;
  }
  // Resolved, replicas keep the property names of the L1 class (`region`, `kmsKeyId`).
  const replicas = resolveValue(secret, secret.replicaRegions).value;
  if (replicas === undefined) {
    return undefined;
  }
  if (!Array.isArray(replicas)) {
    return notChecked("the secret's `ReplicaRegions`");
  }
  for (const replica of replicas) {
    const result = customerManagedKeyResult(secret, replica?.kmsKeyId, {
      resource: `secret's replica in ${typeof replica?.region === 'string' ? replica.region : 'a Region'}`,
      property: 'ReplicaRegions.KmsKeyId',
      withoutKey: 'Secrets Manager uses the AWS managed key aws/secretsmanager',
      fix,
    });
    if (result) {
      return result;
    }
  }
  return undefined;
}

/** @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html */
export function sqsQueueKmsCmk(queue: sqs.CfnQueue): RuleResult | undefined {
  return customerManagedKeyResult(queue, queue.kmsMasterKeyId, {
    resource: 'queue',
    property: 'KmsMasterKeyId',
    withoutKey: 'it uses SSE-SQS or no encryption',
    fix: 'Set `encryption: QueueEncryption.KMS` and `encryptionMasterKey` to a CustomerManagedKey.',
  });
}

/** @see https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html */
export function snsTopicKmsCmk(topic: sns.CfnTopic): RuleResult | undefined {
  return customerManagedKeyResult(topic, topic.kmsMasterKeyId, {
    resource: 'topic',
    property: 'KmsMasterKeyId',
    withoutKey: 'it has no server-side encryption',
    fix: 'Set `masterKey` to a CustomerManagedKey.',
  });
}

/**
 * Without `SSESpecification.SSEEnabled` a table uses a key DynamoDB owns; enabled without a key, `aws/dynamodb`.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html
 */
export function dynamoDbTableKmsCmk(table: dynamodb.CfnTable): RuleResult | undefined {
  const spec = table.sseSpecification;
  if (Token.isUnresolved(spec)) {
    return notChecked("the table's `SSESpecification`");
  }
  const settings = spec as dynamodb.CfnTable.SSESpecificationProperty | undefined;
  const enabled = resolveValue(table, settings?.sseEnabled).value;
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    return notChecked("the table's `SSESpecification.SSEEnabled`");
  }
  const fix = 'Set `encryption: TableEncryption.CUSTOMER_MANAGED` and `encryptionKey` to a CustomerManagedKey.';
  if (enabled !== true) {
    return violation(`The table is not encrypted with a customer-managed key: DynamoDB uses a key the service owns. ${fix}`);
  }
  return customerManagedKeyResult(table, settings?.kmsMasterKeyId, {
    resource: 'table',
    property: 'SSESpecification.KMSMasterKeyId',
    withoutKey: 'DynamoDB uses the AWS managed key aws/dynamodb',
    fix,
  });
}

/** @see https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html */
export function ebsVolumeKmsCmk(volume: ec2.CfnVolume): RuleResult | undefined {
  return encryptedStorageResult(volume, volume.encrypted, volume.kmsKeyId, {
    resource: 'volume',
    flag: 'Encrypted',
    defaultKey: 'EBS uses the account\'s default EBS key (aws/ebs unless changed)',
    fix: 'Set `encrypted: true` and `encryptionKey` to a CustomerManagedKey.',
  });
}

/**
 * Aurora instances (`DBClusterIdentifier`) and read replicas take their encryption from the cluster
 * or the source instance, which are checked themselves.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
 */
export function rdsInstanceKmsCmk(instance: rds.CfnDBInstance): RuleResult | undefined {
  if (instance.dbClusterIdentifier !== undefined || instance.sourceDbInstanceIdentifier !== undefined) {
    return undefined;
  }
  return encryptedStorageResult(instance, instance.storageEncrypted, instance.kmsKeyId, {
    resource: 'database instance',
    flag: 'StorageEncrypted',
    defaultKey: 'RDS uses the AWS managed key aws/rds',
    fix: 'Set `storageEncrypted: true` and `storageEncryptionKey` to a CustomerManagedKey.',
  });
}

/** @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.html */
export function rdsClusterKmsCmk(cluster: rds.CfnDBCluster): RuleResult | undefined {
  return encryptedStorageResult(cluster, cluster.storageEncrypted, cluster.kmsKeyId, {
    resource: 'database cluster',
    flag: 'StorageEncrypted',
    defaultKey: 'RDS uses the AWS managed key aws/rds',
    fix: 'Set `storageEncrypted: true` and `storageEncryptionKey` to a CustomerManagedKey.',
  });
}

interface EncryptedStorage {
  readonly resource: string;
  readonly flag: string;
  readonly defaultKey: string;
  readonly fix: string;
}

/** Storage with an on/off encryption flag and an optional key (EBS, RDS). */
function encryptedStorageResult(scope: IConstruct, encrypted: unknown, key: unknown, judged: EncryptedStorage): RuleResult | undefined {
  const flag = resolveValue(scope, encrypted).value;
  if (flag !== undefined && typeof flag !== 'boolean') {
    return notChecked(`the ${judged.resource}'s \`${judged.flag}\``);
  }
  if (flag !== true) {
    return violation(`The ${judged.resource} is not encrypted (\`${judged.flag}\` is not true). ${judged.fix}`);
  }
  return customerManagedKeyResult(scope, key, {
    resource: judged.resource,
    property: 'KmsKeyId',
    withoutKey: judged.defaultKey,
    fix: judged.fix,
  });
}
