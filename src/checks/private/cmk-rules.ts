import { SynthesizedApp, TemplateResource } from './assembly';
import { KeyKind, UNKNOWN, isIntrinsic, keyKind, literalText, property, referencedResources, templateBoolean } from './resolve';
import { RuleResult, notChecked, violation } from './result';
import { secretWord } from './ssm-rules';

/**
 * How a resource that names its key in one property is judged.
 * `withoutKey` says what protects the data when no key is named.
 */
export interface KeyProperty {
  readonly resource: string;
  readonly property: string;
  readonly withoutKey: string;
  readonly fix: string;
}

/**
 * The verdict on the key a resource names in one property.
 *
 * | key (see `keyKind`) | result |
 * |---|---|
 * | customer-managed | pass |
 * | AWS managed | violation |
 * | none | violation, saying what the service uses instead |
 * | only known at deploy time | could not be checked |
 */
export function customerManagedKeyResult(app: SynthesizedApp, resource: TemplateResource, key: unknown, judged: KeyProperty): RuleResult | undefined {
  switch (keyKind(app, resource, key)) {
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

/** A rule that only looks at one key property of a resource. */
export function keyPropertyRule(propertyPath: string, judged: Omit<KeyProperty, 'property'>) {
  return (resource: TemplateResource, app: SynthesizedApp) =>
    customerManagedKeyResult(app, resource, property(resource.properties, propertyPath), { ...judged, property: propertyPath });
}

/** Storage with an on/off encryption flag and an optional key (EBS, RDS, EFS, OpenSearch). */
export interface EncryptedStorage {
  readonly resource: string;
  readonly flag: string;
  readonly keyProperty: string;
  readonly defaultKey: string;
  readonly fix: string;
}

/**
 * | flag | key | result |
 * |---|---|---|
 * | not true (absent, false) | any | violation: not encrypted |
 * | only known at deploy time | any | could not be checked |
 * | true | as `customerManagedKeyResult` | as `customerManagedKeyResult` |
 */
export function encryptedStorageResult(
  app: SynthesizedApp, resource: TemplateResource, on: unknown, key: unknown, judged: EncryptedStorage,
): RuleResult | undefined {
  const flag = templateBoolean(on);
  if (flag === UNKNOWN) {
    return notChecked(`the ${judged.resource}'s \`${judged.flag}\``);
  }
  if (flag !== true) {
    return violation(`The ${judged.resource} is not encrypted (\`${judged.flag}\` is not true). ${judged.fix}`);
  }
  return customerManagedKeyResult(app, resource, key, {
    resource: judged.resource,
    property: judged.keyProperty,
    withoutKey: judged.defaultKey,
    fix: judged.fix,
  });
}

/** A rule for storage whose flag and key sit at two property paths. */
export function encryptedStorageRule(judged: EncryptedStorage) {
  return (resource: TemplateResource, app: SynthesizedApp) =>
    encryptedStorageResult(app, resource, property(resource.properties, judged.flag), property(resource.properties, judged.keyProperty), judged);
}

const KINESIS_FIX = 'Set `encryption: StreamEncryption.KMS` and `encryptionKey` to a CustomerManagedKey.';

/**
 * aws-cdk-lib's `kinesis.Stream` in a stack whose Region is only known at deploy time puts its encryption under
 * `Fn::If [<condition>, AWS::NoValue, <encryption>]`, the condition being true only in the China Regions, where it
 * takes Kinesis to lack server-side encryption. Such a stream is judged by its encryption everywhere else; any other
 * `Fn::If` is judged as a value without a key, as before.
 *
 * | `StreamEncryption` | result |
 * |---|---|
 * | `Fn::If` on a condition true only in `cn-*` Regions, `AWS::NoValue` when true | the other branch, as below |
 * | `KeyId` as `customerManagedKeyResult` (absent: no server-side encryption) | as `customerManagedKeyResult` |
 *
 * @see https://docs.aws.amazon.com/streams/latest/dev/what-is-sse.html
 * @see https://github.com/aws/aws-cdk/pull/7102
 */
export function kinesisStreamKmsCmk(stream: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const encryption = outsideChinaRegions(stream.stack.template, stream.properties.StreamEncryption);
  return customerManagedKeyResult(app, stream, property(encryption, 'KeyId'), {
    resource: 'stream', property: 'StreamEncryption.KeyId', withoutKey: 'it has no server-side encryption', fix: KINESIS_FIX,
  });
}

/** The value outside the China Regions of `Fn::If [<true only in cn-* Regions>, AWS::NoValue, value]`; any other value as it is. */
function outsideChinaRegions(template: { Conditions?: Record<string, unknown> }, value: unknown): unknown {
  const conditional = (value as { 'Fn::If'?: unknown } | undefined)?.['Fn::If'];
  if (!Array.isArray(conditional) || conditional.length !== 3 || typeof conditional[0] !== 'string') {
    return value;
  }
  const [condition, whenTrue, otherwise] = conditional;
  const noValue = (whenTrue as { Ref?: unknown } | null)?.Ref === 'AWS::NoValue';
  return noValue && trueOnlyInChinaRegions(template.Conditions?.[condition]) ? otherwise : value;
}

/** `Fn::Equals [Ref AWS::Region, 'cn-…']`, or `Fn::Or` of such comparisons. */
function trueOnlyInChinaRegions(condition: unknown): boolean {
  const record = (condition ?? {}) as Record<string, unknown>;
  const any = record['Fn::Or'];
  if (Array.isArray(any)) {
    return any.length > 0 && any.every(trueOnlyInChinaRegions);
  }
  const equals = record['Fn::Equals'];
  if (!Array.isArray(equals) || equals.length !== 2) {
    return false;
  }
  const region = equals.findIndex((operand) => (operand as { Ref?: unknown } | null)?.Ref === 'AWS::Region');
  const other = equals[1 - region];
  return region >= 0 && typeof other === 'string' && other.startsWith('cn-');
}

const SECRET_FIX = 'Use RotatingSecret, or set `encryptionKey` (and a key for each replica Region) to a CustomerManagedKey.';

/**
 * The secret and each of its replicas; a replica without a key uses `aws/secretsmanager` in its Region.
 *
 * | `KmsKeyId`, each `ReplicaRegions[].KmsKeyId` | result |
 * |---|---|
 * | all customer-managed | pass |
 * | any other | the first that is not, as `customerManagedKeyResult` |
 * | `ReplicaRegions` only known at deploy time | could not be checked |
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 */
export function secretKmsCmk(secret: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const withoutKey = 'Secrets Manager uses the AWS managed key aws/secretsmanager';
  const primary = customerManagedKeyResult(app, secret, secret.properties.KmsKeyId, { resource: 'secret', property: 'KmsKeyId', withoutKey, fix: SECRET_FIX });
  if (primary) {
    return primary;
  }
  const replicas = secret.properties.ReplicaRegions;
  if (replicas !== undefined && !Array.isArray(replicas)) {
    return notChecked("the secret's `ReplicaRegions`");
  }
  return firstResult((replicas ?? []).map((replica: any) => () => customerManagedKeyResult(app, secret, replica?.KmsKeyId, {
    resource: `secret's replica in ${typeof replica?.Region === 'string' ? replica.Region : 'a Region'}`,
    property: 'ReplicaRegions.KmsKeyId',
    withoutKey,
    fix: SECRET_FIX,
  })));
}

const TABLE_FIX = 'Set `encryption: TableEncryption.CUSTOMER_MANAGED` and `encryptionKey` to a CustomerManagedKey.';
const TABLE_V2_FIX = 'Set `encryption: TableEncryptionV2.customerManagedKey(key)` with a CustomerManagedKey (and a key for each replica Region).';

/**
 * | `SSESpecification.SSEEnabled` | `KMSMasterKeyId` | result |
 * |---|---|---|
 * | not true | any | violation: a key DynamoDB owns |
 * | only known at deploy time | any | could not be checked |
 * | true | as `customerManagedKeyResult` (none: `aws/dynamodb`) | as `customerManagedKeyResult` |
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html
 */
export function dynamoDbTableKmsCmk(table: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const spec = table.properties.SSESpecification;
  return awsOwnedUnlessEnabled(spec, TABLE_FIX) ?? customerManagedKeyResult(app, table, spec?.KMSMasterKeyId, {
    resource: 'table',
    property: 'SSESpecification.KMSMasterKeyId',
    withoutKey: 'DynamoDB uses the AWS managed key aws/dynamodb',
    fix: TABLE_FIX,
  });
}

/**
 * A global table (`TableV2`) names its key per replica.
 *
 * | `SSESpecification.SSEEnabled` | each `Replicas[].SSESpecification.KMSMasterKeyId` | result |
 * |---|---|---|
 * | not true | any | violation: a key DynamoDB owns |
 * | only known at deploy time | any | could not be checked |
 * | true | all customer-managed | pass |
 * | true | any other (none: `aws/dynamodb`) | the first that is not, as `customerManagedKeyResult` |
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-dynamodb-globaltable-ssespecification.html
 */
export function dynamoDbGlobalTableKmsCmk(table: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const unencrypted = awsOwnedUnlessEnabled(table.properties.SSESpecification, TABLE_V2_FIX);
  if (unencrypted) {
    return unencrypted;
  }
  const replicas = table.properties.Replicas;
  if (!Array.isArray(replicas)) {
    return notChecked("the global table's `Replicas`");
  }
  return firstResult(replicas.map((replica: any) => () => customerManagedKeyResult(app, table, replica?.SSESpecification?.KMSMasterKeyId, {
    resource: `global table's replica in ${typeof replica?.Region === 'string' ? replica.Region : 'a Region'}`,
    property: 'Replicas.SSESpecification.KMSMasterKeyId',
    withoutKey: 'DynamoDB uses the AWS managed key aws/dynamodb',
    fix: TABLE_V2_FIX,
  })));
}

function awsOwnedUnlessEnabled(spec: any, fix: string): RuleResult | undefined {
  const enabled = templateBoolean(spec?.SSEEnabled);
  if (enabled === UNKNOWN || isIntrinsic(spec)) {
    return notChecked("the table's `SSESpecification.SSEEnabled`");
  }
  return enabled === true ? undefined : violation(`The table is not encrypted with a customer-managed key: DynamoDB uses a key the service owns. ${fix}`);
}

const RDS_FIX = 'Set `storageEncrypted: true` and `storageEncryptionKey` to a CustomerManagedKey.';

/**
 * | instance | result |
 * |---|---|
 * | Aurora (`DBClusterIdentifier`) | pass: judged by its cluster |
 * | restored from a snapshot (`DBSnapshotIdentifier`, `DBClusterSnapshotIdentifier`) | could not be checked: the snapshot's encryption applies |
 * | read replica (`SourceDBInstanceIdentifier`) with `KmsKeyId` | as `customerManagedKeyResult` |
 * | read replica without `KmsKeyId`, source in the app | pass: judged by its source |
 * | read replica without `KmsKeyId`, source outside the app | could not be checked |
 * | any other | as `encryptedStorageResult` (`StorageEncrypted`, `KmsKeyId`; no key: `aws/rds`) |
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html
 */
export function rdsInstanceKmsCmk(instance: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const props = instance.properties;
  if (props.DBClusterIdentifier !== undefined) {
    return undefined;
  }
  const snapshot = props.DBSnapshotIdentifier !== undefined ? 'DBSnapshotIdentifier' : props.DBClusterSnapshotIdentifier !== undefined ? 'DBClusterSnapshotIdentifier' : undefined;
  if (snapshot) {
    return restoredFromSnapshot('database instance', snapshot);
  }
  const judged = { resource: 'database instance', property: 'KmsKeyId', withoutKey: 'RDS uses the AWS managed key aws/rds', fix: RDS_FIX };
  if (props.SourceDBInstanceIdentifier !== undefined) {
    if (props.KmsKeyId !== undefined) {
      return customerManagedKeyResult(app, instance, props.KmsKeyId, judged);
    }
    const sourceInApp = referencedResources(app, { stack: instance.stack, value: props.SourceDBInstanceIdentifier }).some((source) => source.type === 'AWS::RDS::DBInstance');
    return sourceInApp ? undefined : notChecked("the read replica's source (`SourceDBInstanceIdentifier`) encryption");
  }
  return encryptedStorageResult(app, instance, props.StorageEncrypted, props.KmsKeyId, { ...judged, flag: 'StorageEncrypted', keyProperty: 'KmsKeyId', defaultKey: judged.withoutKey });
}

/**
 * | cluster | result |
 * |---|---|
 * | restored from a snapshot (`SnapshotIdentifier`) | could not be checked: the snapshot's encryption applies |
 * | any other | as `encryptedStorageResult` (`StorageEncrypted`, `KmsKeyId`; no key: `aws/rds`) |
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html
 */
export function rdsClusterKmsCmk(cluster: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  if (cluster.properties.SnapshotIdentifier !== undefined) {
    return restoredFromSnapshot('database cluster', 'SnapshotIdentifier');
  }
  return encryptedStorageResult(app, cluster, cluster.properties.StorageEncrypted, cluster.properties.KmsKeyId, {
    resource: 'database cluster', flag: 'StorageEncrypted', keyProperty: 'KmsKeyId', defaultKey: 'RDS uses the AWS managed key aws/rds', fix: RDS_FIX,
  });
}

function restoredFromSnapshot(resource: string, snapshotProperty: string): RuleResult {
  return {
    checked: false,
    message: `Could not be checked: the ${resource} is restored from a snapshot (\`${snapshotProperty}\`) and takes its encryption from it, which only the snapshot shows. Make sure the snapshot is encrypted with a customer-managed key, then acknowledge this finding.`,
  };
}

const EBS_FIX = 'Set `encrypted: true` and `kmsKey` to a CustomerManagedKey on every EBS block device (`BlockDeviceVolume.ebs(size, { encrypted: true, kmsKey })`).';

/**
 * Block devices of instances, launch templates and launch configurations. A device without an EBS
 * mapping for the root volume takes the AMI's encryption, which the template does not show.
 *
 * | block device mappings | result |
 * |---|---|
 * | launch configuration with an encrypted EBS device | violation: it cannot name a KMS key, so the default EBS key applies |
 * | an instance with no EBS device, launched from a launch template of the app that has EBS devices | pass: judged on the template (at fault there, the template is reported) |
 * | a launch template with no EBS device that instances of the app launch from (the Instance L2's `requireImdsv2` template) | pass: judged on each instance, whose `blockDevices` the user sets |
 * | no EBS device | violation: the root volume is encrypted as the AMI or the account default says |
 * | an EBS device not encrypted | violation |
 * | an EBS device encrypted with a key that is not customer-managed | as `customerManagedKeyResult` |
 * | every EBS device encrypted with a customer-managed key | pass |
 * | `BlockDeviceMappings` only known at deploy time | could not be checked |
 *
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-autoscaling-launchconfiguration-blockdevice.html
 */
export function ebsBlockDeviceKmsCmk(resource: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const launchConfiguration = resource.type === 'AWS::AutoScaling::LaunchConfiguration';
  const what = launchConfiguration ? 'launch configuration' : resource.type === 'AWS::EC2::Instance' ? 'instance' : 'launch template';
  const mappings = resource.type === 'AWS::EC2::LaunchTemplate'
    ? property(resource.properties, 'LaunchTemplateData.BlockDeviceMappings')
    : resource.properties.BlockDeviceMappings;
  if (mappings !== undefined && !Array.isArray(mappings)) {
    return notChecked(`the ${what}'s \`BlockDeviceMappings\``);
  }
  const ebs = ebsDevices(mappings);
  if (ebs.length === 0) {
    if (judgedElsewhere(resource, app)) {
      return undefined;
    }
    return violation(`The ${what} has no EBS block device mapping, so its root volume is encrypted (or not) as the AMI or the account's EBS default says. ${EBS_FIX}`);
  }
  if (launchConfiguration) {
    return violation(`The launch configuration's volumes cannot name a KMS key: encrypted, they use the account's default EBS key. Use a launch template, and ${EBS_FIX.charAt(0).toLowerCase()}${EBS_FIX.slice(1)}`);
  }
  return firstResult(ebs.map((device: any) => () => encryptedStorageResult(app, resource, device.Encrypted, device.KmsKeyId, {
    resource: `${what}'s EBS block device`,
    flag: 'BlockDeviceMappings.Ebs.Encrypted',
    keyProperty: 'BlockDeviceMappings.Ebs.KmsKeyId',
    defaultKey: "EBS uses the account's default EBS key (aws/ebs unless changed)",
    fix: EBS_FIX,
  })));
}

function ebsDevices(mappings: unknown): any[] {
  return Array.isArray(mappings) ? mappings.map((mapping: any) => mapping?.Ebs).filter((device: unknown) => device !== undefined) : [];
}

/** The launch template of the app an instance is launched from (`LaunchTemplate`), if any. */
function launchTemplateOf(instance: TemplateResource, app: SynthesizedApp): TemplateResource | undefined {
  return referencedResources(app, { stack: instance.stack, value: instance.properties.LaunchTemplate })
    .find((referenced) => referenced.type === 'AWS::EC2::LaunchTemplate');
}

/**
 * Whether block devices missing here are judged on another resource: an instance's on the launch template it
 * launches from, when that has EBS devices; a launch template's on the instances launched from it.
 */
function judgedElsewhere(resource: TemplateResource, app: SynthesizedApp): boolean {
  if (resource.type === 'AWS::EC2::Instance') {
    const template = launchTemplateOf(resource, app);
    return template !== undefined && ebsDevices(property(template.properties, 'LaunchTemplateData.BlockDeviceMappings')).length > 0;
  }
  return resource.type === 'AWS::EC2::LaunchTemplate' && app.resourcesOfType('AWS::EC2::Instance').some((instance) => {
    const template = launchTemplateOf(instance, app);
    return template?.stack === resource.stack && template.logicalId === resource.logicalId;
  });
}

/**
 * A function whose environment holds a secret-looking variable encrypts it with a customer-managed
 * key (`KmsKeyArn`); without one, Lambda uses `aws/lambda`, which every principal allowed to read the
 * function's configuration can decrypt through. Variables that name a secret (`DB_SECRET_ARN`) are references, not secrets.
 *
 * | `Environment.Variables` | `KmsKeyArn` | result |
 * |---|---|---|
 * | no name with a secret word (`secretWord`) | any | pass |
 * | a name with a secret word | as `customerManagedKeyResult` | as `customerManagedKeyResult` |
 * | only known at deploy time | any | could not be checked |
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html
 */
export function lambdaEnvironmentKmsCmk(fn: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const variables = property(fn.properties, 'Environment.Variables');
  if (isIntrinsic(variables)) {
    return notChecked("the function's `Environment.Variables`");
  }
  const secret = Object.keys(variables ?? {}).find((name) => secretWord(name) !== undefined);
  return secret === undefined ? undefined : customerManagedKeyResult(app, fn, fn.properties.KmsKeyArn, {
    resource: `function's environment (variable ${secret})`,
    property: 'KmsKeyArn',
    withoutKey: 'Lambda uses the AWS managed key aws/lambda',
    fix: 'Set `environmentEncryption` to a CustomerManagedKey, or keep the value in a RotatingSecret and pass its ARN.',
  });
}

/**
 * Lambda writes to the log group named in `LoggingConfig.LogGroup`, or else to `/aws/lambda/<name>`,
 * which it creates at run time without a customer-managed key unless the app defines it.
 *
 * | function | result |
 * |---|---|
 * | `LoggingConfig.LogGroup` set | pass: the log group is judged by `LogGroupKmsCmk` where the app defines it |
 * | an `AWS::Logs::LogGroup` of the app is named `/aws/lambda/<the function's name>` | pass (judged by `LogGroupKmsCmk`) |
 * | a handler aws-cdk-lib defines for its own helpers (`AWS_CDK_HANDLERS`), which offer no `logGroup` | violation that says to acknowledge it, with the id |
 * | any other | violation: the implicit log group is not CMK-encrypted |
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html
 */
export function lambdaLogGroupKmsCmk(fn: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  if (property(fn.properties, 'LoggingConfig.LogGroup') !== undefined) {
    return undefined;
  }
  const implicitName = `/aws/lambda/${fn.properties.FunctionName === undefined ? `${UNKNOWN}${fn.logicalId}` : literalText(app, { stack: fn.stack, value: fn.properties.FunctionName })}`;
  const definedInApp = app.resourcesOfType('AWS::Logs::LogGroup').some((logGroup) => {
    const name = logGroup.properties.LogGroupName;
    const namesThisFunction = referencedResources(app, { stack: logGroup.stack, value: name }).includes(fn);
    return namesThisFunction || (!implicitName.includes(UNKNOWN) && literalText(app, { stack: logGroup.stack, value: name }) === implicitName);
  });
  if (definedInApp) {
    return undefined;
  }
  const handler = awsCdkHandlerOf(fn.constructPath);
  return violation(handler === undefined
    ? "The function has no log group, so Lambda writes to '/aws/lambda/<function name>', which it creates without a customer-managed key. Set `logGroup` to an EncryptedLogGroup."
    : `The function is aws-cdk-lib's ${handler} handler, which offers no \`logGroup\`: Lambda writes to '/aws/lambda/<function name>', which it creates without a customer-managed key. Acknowledge this finding on ${fn.constructPath} with the id cdk-kms-encryption::LambdaLogGroupKmsCmk.`);
}

/**
 * Functions aws-cdk-lib defines for its own helpers, by the construct id it gives them: none lets the app
 * set their log group. Each row is the id pattern and how the message names the helper.
 */
const AWS_CDK_HANDLERS: Array<[RegExp, (match: RegExpExecArray) => string]> = [
  [/(?:^|\/)LogRetention[0-9a-f]{32}\//, () => 'log retention (LogRetention)'],
  [/(?:^|\/)BucketNotificationsHandler[0-9a-f]{32}\//, () => 'bucket notifications (BucketNotificationsHandler)'],
  [/(?:^|\/)AWS[0-9a-f]{32}\//, () => 'AwsCustomResource'],
  // CustomResourceProvider, e.g. the auto-delete-objects handler of s3.Bucket.
  [/(?:^|\/)(Custom::[A-Za-z0-9]+)\//, (match) => `custom resource provider (${match[1]})`],
];

function awsCdkHandlerOf(constructPath: string | undefined): string | undefined {
  for (const [pattern, name] of AWS_CDK_HANDLERS) {
    const match = constructPath === undefined ? null : pattern.exec(constructPath);
    if (match) {
      return name(match);
    }
  }
  return undefined;
}

/** The first result of the checks, run in order until one reports. */
export function firstResult(checks: Array<() => RuleResult | undefined>): RuleResult | undefined {
  for (const check of checks) {
    const result = check();
    if (result) {
      return result;
    }
  }
  return undefined;
}
