import { CfnDeletionPolicy, CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ebsKeyStatements } from './key-property-retrofits';
import { viaServiceKeyStatement } from './statements';
import { DECRYPT_ACTIONS, DESCRIBE_ACTIONS, ENCRYPT_ACTIONS } from '../../private/key-use/actions';
import { viaServiceConditions } from '../../private/key-use/conditions';

/** What a deployed resource goes through when its key changes. */
export enum KeyChange {
  /** CloudFormation replaces it: a new, empty resource, and the old one as its `UpdateReplacePolicy` says. */
  REPLACES = 'REPLACES',
  /** The service cannot change it, and CloudFormation does not replace it: the update fails and rolls back. */
  FAILS = 'FAILS',
  /** An update in place. */
  IN_PLACE = 'IN_PLACE',
}

/**
 * One resource type whose key is set at creation: the property overrides that encrypt it with the key, the
 * key-policy statements of its service, and what a deployed one goes through. The mixin sets them where that is an
 * update in place, and otherwise only with `allowReplacement` (each property's `causesReplacement` in the
 * CloudFormation specification is checked by test/adoption/replacement-retrofits.test.ts).
 */
export interface ReplacementRow {
  readonly resourceType: string;
  /** The resource in a message: `file system`. */
  readonly noun: string;
  readonly encryption: (key: kms.IKey) => Record<string, unknown>;
  readonly keyPolicy: (stack: Stack) => iam.PolicyStatement[];
  /** What a deployed resource goes through, from its properties as synthesized. */
  readonly keyChange: (properties: Record<string, any>) => KeyChange;
  /** The property that names the resource: set, CloudFormation cannot replace a deployed one without a new name. */
  readonly nameProperty?: string;
}

const ENCRYPT_DECRYPT = [...ENCRYPT_ACTIONS, ...DECRYPT_ACTIONS, ...DESCRIBE_ACTIONS];

/**
 * The key policy of a service that encrypts with grants, as its AWS managed key's: the account's principals use
 * the key through the service, which creates grants only for AWS resources.
 */
function throughServiceWithGrants(service: string, actions: readonly string[], grantActions: readonly string[] = ['kms:CreateGrant']) {
  return (stack: Stack) => [
    viaServiceKeyStatement(service, actions, stack),
    new iam.PolicyStatement({
      principals: [new iam.AccountPrincipal(stack.account)],
      actions: [...grantActions],
      resources: ['*'],
      conditions: { StringEquals: viaServiceConditions(service, stack), Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  ];
}

const replaces = () => KeyChange.REPLACES;

/**
 * Step Functions encrypts an activity's tasks with the activity's ARN as encryption context: principals of the
 * account (the workers, with IAM permission) through Step Functions, for the account's activities. Naming this
 * activity would make the key depend on it, a cycle.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 */
function activityKeyStatements(stack: Stack): iam.PolicyStatement[] {
  return [new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal(stack.account)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: ['*'],
    conditions: {
      StringEquals: viaServiceConditions('states', stack),
      StringLike: { 'kms:EncryptionContext:aws:states:activityArn': `arn:${stack.partition}:states:${stack.region}:${stack.account}:activity:*` },
    },
  })];
}

/** The resource types whose key only changes by replacement, or not at all. */
export const REPLACEMENT_ROWS: readonly ReplacementRow[] = [
  {
    resourceType: 'AWS::EFS::FileSystem',
    noun: 'file system',
    encryption: (key) => ({ Encrypted: true, KmsKeyId: key.keyArn }),
    /** @see https://docs.aws.amazon.com/efs/latest/ug/EFSKMS.html */
    keyPolicy: throughServiceWithGrants('elasticfilesystem', ENCRYPT_DECRYPT),
    keyChange: replaces,
  },
  {
    resourceType: 'AWS::ElastiCache::ReplicationGroup',
    noun: 'replication group',
    encryption: (key) => ({ AtRestEncryptionEnabled: true, KmsKeyId: key.keyArn }),
    /** @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html#using-customer-managed-keys-for-elasticache-security */
    keyPolicy: throughServiceWithGrants('elasticache', ENCRYPT_DECRYPT),
    keyChange: replaces,
    nameProperty: 'ReplicationGroupId',
  },
  {
    resourceType: 'AWS::ElastiCache::ServerlessCache',
    noun: 'serverless cache',
    encryption: (key) => ({ KmsKeyId: key.keyArn }),
    keyPolicy: throughServiceWithGrants('elasticache', ENCRYPT_DECRYPT),
    keyChange: replaces,
    nameProperty: 'ServerlessCacheName',
  },
  {
    resourceType: 'AWS::Backup::BackupVault',
    noun: 'backup vault',
    encryption: (key) => ({ EncryptionKeyArn: key.keyArn }),
    /** @see https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html */
    keyPolicy: throughServiceWithGrants('backup', ENCRYPT_DECRYPT, ['kms:CreateGrant', 'kms:RetireGrant']),
    keyChange: replaces,
    nameProperty: 'BackupVaultName',
  },
  {
    resourceType: 'AWS::ECR::Repository',
    noun: 'repository',
    encryption: (key) => ({ EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: key.keyArn } }),
    /** @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html */
    keyPolicy: throughServiceWithGrants('ecr', ENCRYPT_DECRYPT, ['kms:CreateGrant', 'kms:RetireGrant']),
    keyChange: replaces,
    nameProperty: 'RepositoryName',
  },
  {
    resourceType: 'AWS::StepFunctions::Activity',
    noun: 'activity',
    encryption: (key) => ({ EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: key.keyArn, KmsDataKeyReusePeriodSeconds: 300 } }),
    keyPolicy: activityKeyStatements,
    keyChange: replaces,
    nameProperty: 'Name',
  },
  {
    resourceType: 'AWS::EC2::Volume',
    noun: 'volume',
    encryption: (key) => ({ Encrypted: true, KmsKeyId: key.keyArn }),
    keyPolicy: ebsKeyStatements,
    /**
     * EBS cannot encrypt an existing volume or change its key, and the specification updates these properties
     * without replacement: the update of a deployed volume fails.
     * @see https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
     */
    keyChange: () => KeyChange.FAILS,
  },
  {
    resourceType: 'AWS::RDS::DBInstance',
    noun: 'database instance',
    encryption: (key) => ({ StorageEncrypted: true, KmsKeyId: key.keyArn }),
    /** @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html */
    keyPolicy: throughServiceWithGrants('rds', ENCRYPT_DECRYPT, ['kms:CreateGrant', 'kms:ListGrants']),
    keyChange: replaces,
    nameProperty: 'DBInstanceIdentifier',
  },
  {
    resourceType: 'AWS::RDS::DBCluster',
    noun: 'database cluster',
    encryption: (key) => ({ StorageEncrypted: true, KmsKeyId: key.keyArn }),
    keyPolicy: throughServiceWithGrants('rds', ENCRYPT_DECRYPT, ['kms:CreateGrant', 'kms:ListGrants']),
    keyChange: replaces,
    nameProperty: 'DBClusterIdentifier',
  },
  /**
   * DocumentDB and Neptune encrypt through the RDS endpoints, as RDS does.
   * @see https://docs.aws.amazon.com/documentdb/latest/developerguide/encryption-at-rest.html
   * @see https://docs.aws.amazon.com/neptune/latest/userguide/encrypt.html
   */
  ...['AWS::DocDB::DBCluster', 'AWS::Neptune::DBCluster'].map((resourceType): ReplacementRow => ({
    resourceType,
    noun: 'database cluster',
    encryption: (key) => ({ StorageEncrypted: true, KmsKeyId: key.keyArn }),
    keyPolicy: throughServiceWithGrants('rds', ENCRYPT_DECRYPT, ['kms:CreateGrant', 'kms:ListGrants']),
    keyChange: replaces,
    nameProperty: 'DBClusterIdentifier',
  })),
  ...['AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain'].map((resourceType): ReplacementRow => ({
    resourceType,
    noun: 'domain',
    encryption: (key) => ({ EncryptionAtRestOptions: { Enabled: true, KmsKeyId: key.keyArn } }),
    /** @see https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html */
    keyPolicy: throughServiceWithGrants('es', ENCRYPT_DECRYPT),
    /**
     * Encryption at rest can be switched on once for a domain that has none; CloudFormation adds options a
     * template did not have without interruption, but deletes and recreates the domain to change options it had
     * (aws-cdk-lib's `Domain` always renders them, `Enabled: false` by default).
     * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-opensearchservice-domain-encryptionatrestoptions.html
     * @see https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_EncryptionAtRestOptions.html
     */
    keyChange: (properties) => (properties.EncryptionAtRestOptions === undefined ? KeyChange.IN_PLACE : KeyChange.REPLACES),
    nameProperty: 'DomainName',
  })),
];

/** What CloudFormation does with the replaced resource, by its `UpdateReplacePolicy` (absent: Delete). */
export function fateOfReplaced(resource: CfnResource): string {
  switch (resource.cfnOptions.updateReplacePolicy) {
    case CfnDeletionPolicy.RETAIN:
    case CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE:
      return `keeps the old one, with its data, outside the stack (UpdateReplacePolicy ${resource.cfnOptions.updateReplacePolicy})`;
    case CfnDeletionPolicy.SNAPSHOT:
      return 'deletes the old one after a final snapshot (UpdateReplacePolicy Snapshot)';
    default:
      return 'deletes the old one with its data (UpdateReplacePolicy Delete)';
  }
}
