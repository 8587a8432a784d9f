import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { BaseClass } from './base-api';
import { CustomerManagedKey, EncryptedBucket, EncryptedLogGroup, RotatingSecret } from '../../src';

/*
 * The contract of each subclass with its aws-cdk-lib base class: every public member and prop of the base,
 * as the installed aws-cdk-lib declares it, is one row. contract.test.ts fails on a member or prop without a
 * row, and tests each row by its kind.
 */

/** A synthesized template, as `Template.toJSON()` gives it. */
type TemplateJson = { Resources: Record<string, any> };

/**
 * - `same`: works as in the base class. A member: the subclass does not override it. A prop: `sample` given
 *   to both classes synthesizes the same `compare` result.
 * - `documented`: works with a difference the README states (`readme`, an excerpt of it).
 * - `refused`: a `ValidationError` naming the member or prop. A prop: `sample` fails; a member: `call` fails.
 */
export interface Contract {
  readonly kind: 'same' | 'documented' | 'refused';
  readonly readme?: string;
  readonly sample?: (scope: Construct) => Record<string, unknown>;
  readonly compare?: (template: TemplateJson) => unknown;
  readonly call?: (subject: any) => unknown;
}

export interface SubclassContract {
  readonly base: BaseClass;
  /** Defines the base class or the subclass as `Subject` with the given props. */
  readonly defineBase: (scope: Construct, props: Record<string, unknown>) => Construct;
  readonly defineOurs: (scope: Construct, props: Record<string, unknown>) => Construct;
  readonly members: Record<string, Contract>;
  readonly props: Record<string, Contract>;
}

const same: Contract = { kind: 'same' };
const documented = (readme: string): Contract => ({ kind: 'documented', readme });
const refused = (sample: Contract['sample']): Contract => ({ kind: 'refused', sample });
const refusedCall = (call: Contract['call']): Contract => ({ kind: 'refused', call });

/** A prop that synthesizes as in the base class: `compare` picks what it sets. */
function sameProp(sample: Contract['sample'], compare: Contract['compare']): Contract {
  return { kind: 'same', sample, compare };
}

/** The properties of the main resource (logical id `Subject…`) of a type. */
function subject(template: TemplateJson, type: string): Record<string, any> {
  const [resource] = Object.entries(template.Resources).filter(([id, r]) => id.startsWith('Subject') && r.Type === type).map(([, r]) => r);
  return resource ?? {};
}
const bucketProperty = (...names: string[]) => (template: TemplateJson) =>
  names.map((name) => subject(template, 'AWS::S3::Bucket').Properties?.[name]);
const ofType = (type: string, pick: (resource: any) => unknown) => (template: TemplateJson) =>
  Object.values(template.Resources).filter((resource) => resource.Type === type).map(pick);

/** Members every construct has, from `Resource` and `Construct`. */
const RESOURCE_MEMBERS: Record<string, Contract> = {
  stack: same, env: same, with: same, applyRemovalPolicy: same, applyCrossStackReferenceStrength: same, node: same, toString: same,
};

const BUCKET_GRANTS = documented('`grantRead`, `grantWrite`, `grantPut`, `grantReadWrite` and `grants.*` add `kms:Decrypt` (read)');

export const ENCRYPTED_BUCKET: SubclassContract = {
  base: { file: 'aws-s3/lib/bucket.d.ts', className: 'Bucket', propsName: 'BucketProps' },
  defineBase: (scope, props) => new s3.Bucket(scope, 'Subject', props),
  defineOurs: (scope, props) => new EncryptedBucket(scope, 'Subject', props),
  members: {
    ...RESOURCE_MEMBERS,
    bucketArn: same,
    bucketName: same,
    bucketDomainName: same,
    bucketWebsiteUrl: same,
    bucketWebsiteDomainName: same,
    bucketDualStackDomainName: same,
    bucketRegionalDomainName: same,
    encryptionKey: same,
    isWebsite: same,
    policy: same,
    replicationRoleArn: same,
    disallowPublicAccess: same,
    bucketRef: same,
    addLifecycleRule: same,
    addMetric: same,
    addCorsRule: same,
    addInventory: same,
    onCloudTrailEvent: same,
    onCloudTrailPutObject: same,
    onCloudTrailWriteObject: same,
    urlForObject: same,
    transferAccelerationUrlForObject: same,
    virtualHostedUrlForObject: same,
    s3UrlForObject: same,
    arnForObjects: same,
    grants: same,
    grantPutAcl: same,
    grantDelete: same,
    grantReplicationPermission: same,
    addEventNotification: same,
    addObjectCreatedNotification: same,
    addObjectRemovedNotification: same,
    enableEventBridgeNotification: same,
    addReplicationPolicy: same,
    grantOnKey: BUCKET_GRANTS,
    grantRead: BUCKET_GRANTS,
    grantWrite: BUCKET_GRANTS,
    grantPut: BUCKET_GRANTS,
    grantReadWrite: BUCKET_GRANTS,
    addToResourcePolicy: documented('`addToResourcePolicy()` with an `Allow` for everyone (`*`, `AnyPrincipal`) fails'),
    grantPublicAccess: refusedCall((bucket) => bucket.grantPublicAccess()),
  },
  props: {
    bucketName: sameProp(() => ({ bucketName: 'data-111111111111' }), bucketProperty('BucketName')),
    bucketNamePrefix: sameProp(() => ({ bucketNamePrefix: 'data', bucketNamespace: s3.BucketNamespace.ACCOUNT_REGIONAL }), bucketProperty('BucketName', 'BucketNamespace')),
    bucketNamespace: sameProp(() => ({ bucketNamespace: s3.BucketNamespace.GLOBAL }), bucketProperty('BucketNamespace')),
    removalPolicy: sameProp(() => ({ removalPolicy: RemovalPolicy.DESTROY }), (t) => subject(t, 'AWS::S3::Bucket').DeletionPolicy),
    autoDeleteObjects: sameProp(() => ({ autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY }),
      // The companion logs bucket's objects are deleted too (README: it follows the bucket's removal policy).
      (t) => ofType('Custom::S3AutoDeleteObjects', (r) => r.Properties.BucketName)(t).filter((name: any) => !String(name.Ref).includes('AccessLogs'))),
    objectLockEnabled: sameProp(() => ({ objectLockEnabled: true }), bucketProperty('ObjectLockEnabled')),
    objectLockDefaultRetention: sameProp(() => ({ objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(30)) }),
      bucketProperty('ObjectLockEnabled', 'ObjectLockConfiguration')),
    abacStatus: sameProp(() => ({ abacStatus: true }), bucketProperty('AbacStatus')),
    eventBridgeEnabled: sameProp(() => ({ eventBridgeEnabled: true }), ofType('Custom::S3BucketNotifications', (r) => r.Properties.NotificationConfiguration)),
    lifecycleRules: sameProp(() => ({ lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }] }), bucketProperty('LifecycleConfiguration')),
    transitionDefaultMinimumObjectSize: sameProp(() => ({
      transitionDefaultMinimumObjectSize: s3.TransitionDefaultMinimumObjectSize.VARIES_BY_STORAGE_CLASS,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
    }), bucketProperty('LifecycleConfiguration')),
    metrics: sameProp(() => ({ metrics: [{ id: 'All' }] }), bucketProperty('MetricsConfigurations')),
    cors: sameProp(() => ({ cors: [{ allowedMethods: [s3.HttpMethods.GET], allowedOrigins: ['https://example.com'] }] }), bucketProperty('CorsConfiguration')),
    inventories: sameProp((scope) => ({ inventories: [{ destination: { bucket: s3.Bucket.fromBucketName(scope, 'Inventory', 'inventory-bucket') } }] }),
      bucketProperty('InventoryConfigurations')),
    intelligentTieringConfigurations: sameProp(() => ({ intelligentTieringConfigurations: [{ name: 'archive', archiveAccessTierTime: Duration.days(90) }] }),
      bucketProperty('IntelligentTieringConfigurations')),
    transferAcceleration: sameProp(() => ({ transferAcceleration: true }), bucketProperty('AccelerateConfiguration')),
    notificationsHandlerRole: sameProp((scope) => ({
      eventBridgeEnabled: true, notificationsHandlerRole: iam.Role.fromRoleArn(scope, 'HandlerRole', 'arn:aws:iam::111111111111:role/notifications'),
    }), ofType('AWS::Lambda::Function', (r) => r.Properties.Role)),
    notificationsSkipDestinationValidation: sameProp(() => ({ eventBridgeEnabled: true, notificationsSkipDestinationValidation: true }),
      ofType('Custom::S3BucketNotifications', (r) => r.Properties.SkipDestinationValidation)),
    targetObjectKeyFormat: sameProp(() => ({
      targetObjectKeyFormat: s3.TargetObjectKeyFormat.partitionedPrefix(s3.PartitionDateSource.EVENT_TIME), serverAccessLogsPrefix: 'logs/',
    }),
    (t) => subject(t, 'AWS::S3::Bucket').Properties?.LoggingConfiguration?.TargetObjectKeyFormat),
    encryptionKey: documented('Any `kms.IKey` imported by key ARN'),
    serverAccessLogsBucket: documented('A companion bucket `<id>/AccessLogs` with SSE-S3'),
    serverAccessLogsPrefix: documented('A companion bucket `<id>/AccessLogs` with SSE-S3'),
    encryption: refused(() => ({ encryption: s3.BucketEncryption.S3_MANAGED })),
    bucketKeyEnabled: refused(() => ({ bucketKeyEnabled: false })),
    blockedEncryptionTypes: refused(() => ({ blockedEncryptionTypes: [s3.BlockedEncryptionType.NONE] })),
    enforceSSL: refused(() => ({ enforceSSL: false })),
    minimumTLSVersion: refused(() => ({ minimumTLSVersion: 1.2 })),
    versioned: refused(() => ({ versioned: false })),
    publicReadAccess: refused(() => ({ publicReadAccess: true })),
    blockPublicAccess: refused(() => ({ blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY })),
    accessControl: refused(() => ({ accessControl: s3.BucketAccessControl.PUBLIC_READ })),
    objectOwnership: refused(() => ({ objectOwnership: s3.ObjectOwnership.OBJECT_WRITER })),
    websiteIndexDocument: refused(() => ({ websiteIndexDocument: 'index.html' })),
    websiteErrorDocument: refused(() => ({ websiteErrorDocument: 'error.html' })),
    websiteRedirect: refused(() => ({ websiteRedirect: { hostName: 'example.com' } })),
    websiteRoutingRules: refused(() => ({ websiteRoutingRules: [{ hostName: 'example.com' }] })),
    replicationRules: documented('`replicationRules` (every option of `s3.ReplicationRule`'),
    replicationRole: documented('`replicationRole` replaces the role, which then gets the managed policy.'),
  },
};

const KEY_GRANTS = documented('Grants spell out `kms:GenerateDataKey`, `kms:ReEncryptFrom`, … instead of wildcards.');
const KEY_USAGE_GRANTS = documented('a grant the\nkey\'s usage cannot serve (`grantSign` on an encryption key)');
const keyProperty = (name: string) => (template: TemplateJson) => subject(template, 'AWS::KMS::Key').Properties?.[name];

export const CUSTOMER_MANAGED_KEY: SubclassContract = {
  base: { file: 'aws-kms/lib/key.d.ts', className: 'Key', propsName: 'KeyProps' },
  defineBase: (scope, props) => new kms.Key(scope, 'Subject', props),
  defineOurs: (scope, props) => new CustomerManagedKey(scope, 'Subject', props),
  members: {
    ...RESOURCE_MEMBERS,
    keyArn: same,
    keyId: same,
    keyRef: same,
    addAlias: same,
    grants: documented('With `trustAccountIdentities: false` the key\npolicy alone decides: grants name the principal in the key policy'),
    addToResourcePolicy: documented('Statements with the same principal and conditions are merged.'),
    grant: KEY_GRANTS,
    grantDecrypt: KEY_GRANTS,
    grantEncrypt: documented('`grantEncrypt` and `grantEncryptDecrypt` leave out `kms:GenerateDataKeyPair`'),
    grantEncryptDecrypt: documented('`grantEncrypt` and `grantEncryptDecrypt` leave out `kms:GenerateDataKeyPair`'),
    grantAdmin: documented('**What administrators may do.**'),
    grantSign: KEY_USAGE_GRANTS,
    grantVerify: KEY_USAGE_GRANTS,
    grantSignVerify: KEY_USAGE_GRANTS,
    grantGenerateMac: KEY_USAGE_GRANTS,
    grantVerifyMac: KEY_USAGE_GRANTS,
  },
  props: {
    description: sameProp(() => ({ description: 'Orders' }), keyProperty('Description')),
    alias: sameProp(() => ({ alias: 'alias/orders' }), ofType('AWS::KMS::Alias', (r) => r.Properties.AliasName)),
    rotationPeriod: sameProp(() => ({ rotationPeriod: Duration.days(180), enableKeyRotation: true }), keyProperty('RotationPeriodInDays')),
    enabled: sameProp(() => ({ enabled: false }), keyProperty('Enabled')),
    keySpec: sameProp(() => ({ keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY }), keyProperty('KeySpec')),
    keyUsage: sameProp(() => ({ keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC }), keyProperty('KeyUsage')),
    multiRegion: sameProp(() => ({ multiRegion: true }), keyProperty('MultiRegion')),
    pendingWindow: sameProp(() => ({ pendingWindow: Duration.days(7) }), keyProperty('PendingWindowInDays')),
    removalPolicy: sameProp(() => ({ removalPolicy: RemovalPolicy.DESTROY }), (t) => subject(t, 'AWS::KMS::Key').DeletionPolicy),
    enableKeyRotation: refused(() => ({ enableKeyRotation: false })),
    policy: refused(() => ({ policy: new iam.PolicyDocument() })),
    admins: refused(() => ({ admins: [new iam.AccountRootPrincipal()] })),
  },
};

const logGroupProperty = (name: string) => (template: TemplateJson) => subject(template, 'AWS::Logs::LogGroup').Properties?.[name];

export const ENCRYPTED_LOG_GROUP: SubclassContract = {
  base: { file: 'aws-logs/lib/log-group.d.ts', className: 'LogGroup', propsName: 'LogGroupProps' },
  defineBase: (scope, props) => new logs.LogGroup(scope, 'Subject', props),
  defineOurs: (scope, props) => new EncryptedLogGroup(scope, 'Subject', props),
  members: {
    ...RESOURCE_MEMBERS,
    logGroupArn: same,
    logGroupName: same,
    grants: same,
    addStream: same,
    logGroupRef: same,
    addSubscriptionFilter: same,
    addMetricFilter: same,
    addTransformer: same,
    extractMetric: same,
    grant: same,
    logGroupPhysicalName: same,
    addToResourcePolicy: same,
    metricIncomingLogEvents: same,
    metricIncomingBytes: same,
    metric: same,
    // Overridden for their doc comments only; they call the base class.
    grantRead: documented('CloudWatch Logs needs, limited by `kms:EncryptionContext:aws:logs:arn` to this log group'),
    grantWrite: documented('CloudWatch Logs needs, limited by `kms:EncryptionContext:aws:logs:arn` to this log group'),
  },
  props: {
    logGroupName: sameProp(() => ({ logGroupName: '/app/orders' }), logGroupProperty('LogGroupName')),
    dataProtectionPolicy: sameProp(
      () => ({ dataProtectionPolicy: new logs.DataProtectionPolicy({ identifiers: [logs.DataIdentifier.EMAILADDRESS] }) }),
      logGroupProperty('DataProtectionPolicy')),
    deletionProtectionEnabled: sameProp(() => ({ deletionProtectionEnabled: true }), logGroupProperty('DeletionProtectionEnabled')),
    fieldIndexPolicies: sameProp(() => ({ fieldIndexPolicies: [new logs.FieldIndexPolicy({ fields: ['requestId'] })] }), logGroupProperty('FieldIndexPolicies')),
    retention: sameProp(() => ({ retention: logs.RetentionDays.ONE_MONTH }), logGroupProperty('RetentionInDays')),
    logGroupClass: sameProp(() => ({ logGroupClass: logs.LogGroupClass.INFREQUENT_ACCESS }), logGroupProperty('LogGroupClass')),
    removalPolicy: sameProp(() => ({ removalPolicy: RemovalPolicy.DESTROY }), (t) => subject(t, 'AWS::Logs::LogGroup').DeletionPolicy),
    encryptionKey: documented('The key policy gets a statement for `logs.<region>.amazonaws.com`'),
  },
};

const SECRET_GRANTS = documented('`grantRead` and `grantWrite` name the secret\'s `SecretARN`');
const secretProperty = (name: string) => (template: TemplateJson) => subject(template, 'AWS::SecretsManager::Secret').Properties?.[name];

export const ROTATING_SECRET: SubclassContract = {
  base: { file: 'aws-secretsmanager/lib/secret.d.ts', className: 'Secret', propsName: 'SecretProps' },
  defineBase: (scope, props) => new secretsmanager.Secret(scope, 'Subject', props),
  defineOurs: (scope, props) => new RotatingSecret(scope, 'Subject', props),
  members: {
    ...RESOURCE_MEMBERS,
    encryptionKey: same,
    secretArn: same,
    secretName: same,
    excludeCharacters: same,
    addReplicaRegion: same,
    secretRef: same,
    cfnDynamicReferenceKey: same,
    secretFullArn: same,
    secretValue: same,
    secretValueFromJson: same,
    addRotationSchedule: same,
    denyAccountRootDelete: same,
    attach: same,
    grantRead: SECRET_GRANTS,
    grantWrite: SECRET_GRANTS,
    addToResourcePolicy: documented('Any resource policy (for example from `grantRead` to another account) has `BlockPublicPolicy` on.'),
  },
  props: {
    description: sameProp(() => ({ description: 'Orders database' }), secretProperty('Description')),
    secretName: sameProp(() => ({ secretName: 'orders/db' }), secretProperty('Name')),
    removalPolicy: sameProp(() => ({ removalPolicy: RemovalPolicy.DESTROY }), (t) => subject(t, 'AWS::SecretsManager::Secret').DeletionPolicy),
    encryptionKey: documented('**Key policy**: one statement, whatever the number of secrets on the key'),
    generateSecretString: documented('`jsonField` that is not the'),
    replicaRegions: documented('**Replicas** (`replicaRegions`): each Region with its own key.'),
    secretStringValue: refused(() => ({ secretStringValue: { toString: () => 'x' } })),
    secretObjectValue: refused(() => ({ secretObjectValue: {} })),
    secretStringBeta1: refused(() => ({ secretStringBeta1: {} })),
  },
};

export const CONTRACTS = [ENCRYPTED_BUCKET, CUSTOMER_MANAGED_KEY, ENCRYPTED_LOG_GROUP, ROTATING_SECRET];
