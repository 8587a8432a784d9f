import { resourceRefOf } from './inventory';
import { UnprotectedData } from './model';
import { Resolver, StackResource, unknownsOf } from './values';
import { COVERAGE } from '../../src/checks/private/key-coverage/coverage';
import { KEY_PROPERTY_ROWS } from '../../src/checks/private/key-coverage/key-property-rows';
import { WithoutKey, fixOf, valuesAt } from '../../src/checks/private/key-coverage/key-rows';

/** The key a key property names. */
export type KeyTarget =
  | { readonly kind: 'created'; readonly key: StackResource }
  | { readonly kind: 'referenced'; readonly arn: string }
  | { readonly kind: 'unknown'; readonly from: string }
  | { readonly kind: 'aws-managed'; readonly name: string };

/** A key property of a resource that is set, and the key it names. */
export interface KeyUse {
  readonly resource: StackResource;
  /** The property path, as the coverage data writes it (`Replicas[].KmsKeyId`). */
  readonly property: string;
  readonly key: KeyTarget;
}

/**
 * The library's own resource types that take a key and are not in the CloudFormation specification.
 * The SecureString custom resource encrypts its parameter with `KeyId`.
 */
const LIBRARY_KEY_PATHS: Record<string, string[]> = { 'Custom::SecureStringParameter': ['KeyId'] };

/** Types whose key property manages the key rather than encrypting data with it. */
const NOT_DATA = ['AWS::KMS::Alias', 'AWS::KMS::ReplicaKey'];

const KEY_PATHS: ReadonlyMap<string, string[]> = new Map([
  ...COVERAGE.filter((row) => !NOT_DATA.includes(row.resourceType)).map((row): [string, string[]] => [row.resourceType, row.keyPaths]),
  ...Object.entries(LIBRARY_KEY_PATHS),
]);

/** Every key property of the app that is set, with the key it names. */
export function keyUses(resolver: Resolver): KeyUse[] {
  return resolver.all().flatMap((resource) => (KEY_PATHS.get(resource.json.Type) ?? []).flatMap((property) => {
    const { values } = valuesAt(resource.json.Properties ?? {}, property);
    return values.filter((value) => value !== undefined && value !== '')
      .map((value): KeyUse => ({ resource, property, key: keyTarget(resolver, resource, value) }));
  }));
}

/** `aws/s3`, `alias/aws/s3` or an alias ARN ending in `:alias/aws/s3`. @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key */
const AWS_MANAGED_KEY_NAME = /^(alias\/)?aws\/|:alias\/aws\//;

/** The key a key property's value names: a key of the app (directly or by an alias of the app), another key by ARN or alias, or an unknown. */
export function keyTarget(resolver: Resolver, resource: StackResource, value: unknown): KeyTarget {
  const referenced = resolver.referenced(resource.stack, value);
  if (referenced && (referenced.json.Type === 'AWS::KMS::Key' || referenced.json.Type === 'AWS::KMS::ReplicaKey')) {
    return { kind: 'created', key: referenced };
  }
  if (referenced?.json.Type === 'AWS::KMS::Alias') {
    return keyTarget(resolver, referenced, referenced.json.Properties?.TargetKeyId);
  }
  const text = resolver.text(resource.stack, value);
  const unknowns = unknownsOf(text);
  if (unknowns.length > 0) {
    return { kind: 'unknown', from: unknowns.join(', ') };
  }
  if (AWS_MANAGED_KEY_NAME.test(text)) {
    return { kind: 'aws-managed', name: text };
  }
  const aliasName = /(^|:)(alias\/.+)$/.exec(text)?.[2];
  const alias = aliasName && resolver.ofType('AWS::KMS::Alias')
    .find((candidate) => resolver.text(candidate.stack, candidate.json.Properties?.AliasName) === aliasName);
  if (alias) {
    return keyTarget(resolver, alias, alias.json.Properties?.TargetKeyId);
  }
  // A key of the app by its ARN or id as text (`Fn::Sub`, a literal of the same stand-in).
  const created = [...resolver.ofType('AWS::KMS::Key'), ...resolver.ofType('AWS::KMS::ReplicaKey')]
    .find((key) => resolver.arnOf(key) === text || (key.stack === resource.stack && resolver.refOf(key) === text));
  if (created) {
    return { kind: 'created', key: created };
  }
  if (text.startsWith('arn:')) {
    return { kind: 'referenced', arn: text };
  }
  const region = resolver.regionOf(resource.stack);
  const account = resolver.accountOf(resource.stack);
  return { kind: 'referenced', arn: `arn:aws:kms:${region}:${account}:${aliasName ?? `key/${text}`}` };
}

/** How a hand-judged type protects its data without a key, read from its properties. */
type Protection = UnprotectedData['protection'] | undefined;

interface DataWithoutKey {
  /** The property path of the key of the resource's data. */
  readonly key: string;
  /** How the data is protected when `key` is absent; undefined: the resource holds no data to report. */
  readonly protection: (properties: Record<string, any>) => Protection;
  readonly fix: string;
}

const encryptedWhen = (flag: (properties: Record<string, any>) => unknown, otherwise: Protection = 'aws-managed') =>
  (properties: Record<string, any>): Protection => (String(flag(properties)) === 'true' ? otherwise : 'unencrypted');

/**
 * The types the hand-written rules judge, with what protects their data without a key (the coverage data's
 * `meaning`) and the fix in the user's terms.
 */
const HAND_JUDGED: Record<string, DataWithoutKey> = {
  'AWS::S3::Bucket': {
    key: 'BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault.KMSMasterKeyID',
    protection: (p) => (/^aws:kms/.test(String(p.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm)) ? 'aws-managed' : 'aws-owned'),
    fix: 'Use an EncryptedBucket, or set `encryption: BucketEncryption.KMS` and `encryptionKey` to a CustomerManagedKey.',
  },
  'AWS::Logs::LogGroup': { key: 'KmsKeyId', protection: () => 'aws-owned', fix: 'Use an EncryptedLogGroup, or set `encryptionKey` to a CustomerManagedKey.' },
  'AWS::Lambda::Function': {
    key: 'KmsKeyArn',
    protection: (p) => (p.Environment?.Variables ? 'aws-managed' : undefined),
    fix: 'Set `environmentEncryption` to a CustomerManagedKey.',
  },
  'AWS::SecretsManager::Secret': { key: 'KmsKeyId', protection: () => 'aws-managed', fix: 'Use a RotatingSecret, or set `encryptionKey` to a CustomerManagedKey.' },
  'AWS::SQS::Queue': {
    key: 'KmsMasterKeyId',
    protection: (p) => (String(p.SqsManagedSseEnabled) === 'false' ? 'unencrypted' : 'aws-owned'),
    fix: 'Set `encryption: QueueEncryption.KMS` and `encryptionMasterKey` to a CustomerManagedKey.',
  },
  'AWS::SNS::Topic': { key: 'KmsMasterKeyId', protection: () => 'unencrypted', fix: 'Set `masterKey` to a CustomerManagedKey.' },
  'AWS::DynamoDB::Table': {
    key: 'SSESpecification.KMSMasterKeyId',
    protection: (p) => (String(p.SSESpecification?.SSEEnabled) === 'true' ? 'aws-managed' : 'aws-owned'),
    fix: 'Set `encryption: TableEncryption.CUSTOMER_MANAGED` and `encryptionKey` to a CustomerManagedKey.',
  },
  'AWS::Kinesis::Stream': {
    key: 'StreamEncryption.KeyId',
    protection: encryptedWhen((p) => p.StreamEncryption?.EncryptionType === 'KMS'),
    fix: 'Set `encryption: StreamEncryption.KMS` and `encryptionKey` to a CustomerManagedKey.',
  },
  'AWS::EC2::Volume': { key: 'KmsKeyId', protection: encryptedWhen((p) => p.Encrypted), fix: 'Set `encrypted: true` and `encryptionKey` to a CustomerManagedKey.' },
  'AWS::RDS::DBInstance': { key: 'KmsKeyId', protection: encryptedWhen((p) => p.StorageEncrypted), fix: 'Set `storageEncrypted: true` and `storageEncryptionKey` to a CustomerManagedKey.' },
  'AWS::RDS::DBCluster': { key: 'KmsKeyId', protection: encryptedWhen((p) => p.StorageEncrypted), fix: 'Set `storageEncrypted: true` and `storageEncryptionKey` to a CustomerManagedKey.' },
  'AWS::EFS::FileSystem': { key: 'KmsKeyId', protection: encryptedWhen((p) => p.Encrypted), fix: 'Set `encrypted: true` and `kmsKey` to a CustomerManagedKey.' },
  'AWS::Backup::BackupVault': { key: 'EncryptionKeyArn', protection: () => 'aws-managed', fix: 'Set `encryptionKey` to a CustomerManagedKey.' },
  'AWS::CloudTrail::Trail': { key: 'KMSKeyId', protection: () => 'aws-owned', fix: 'Set `encryptionKey` to a CustomerManagedKey.' },
  'AWS::StepFunctions::StateMachine': {
    key: 'EncryptionConfiguration.KmsKeyId',
    protection: () => 'aws-owned',
    fix: 'Set `encryptionConfiguration` to a CustomerManagedKeyEncryptionConfiguration with a CustomerManagedKey.',
  },
};

const WITHOUT_KEY: Record<WithoutKey, UnprotectedData['protection']> = {
  [WithoutKey.AWS_OWNED]: 'aws-owned',
  [WithoutKey.AWS_MANAGED]: 'aws-managed',
  [WithoutKey.SERVICE_KEY]: 'aws-owned',
};

/** The data of each type, without a key: rows of the coverage data, then the hand-judged types. */
const DATA_WITHOUT_KEY: ReadonlyMap<string, DataWithoutKey> = new Map([
  ...KEY_PROPERTY_ROWS.filter((row) => row.key).map((row): [string, DataWithoutKey] => [row.resourceType, {
    key: row.key!,
    protection: (properties) => {
      if (row.switchedOnBy) {
        const { values } = valuesAt(properties, row.switchedOnBy.path);
        if (values.length === 0 || values.some((value) => !row.switchedOnBy!.on.includes(String(value)))) {
          return 'unencrypted';
        }
      }
      return WITHOUT_KEY[row.withoutKey];
    },
    fix: fixOf(row),
  }]),
  ...Object.entries(HAND_JUDGED),
]);

/**
 * Resources whose data is not under a customer-managed key: its key property absent (the service's own key,
 * or none), or naming an AWS managed key. Values only known at deploy time are reported as unknowns, not here.
 */
export function unprotectedData(resolver: Resolver, uses: readonly KeyUse[]): UnprotectedData[] {
  const usesByResource = new Map<StackResource, KeyUse[]>();
  uses.forEach((use) => usesByResource.set(use.resource, [...(usesByResource.get(use.resource) ?? []), use]));
  return resolver.all().flatMap((resource): UnprotectedData[] => {
    const data = DATA_WITHOUT_KEY.get(resource.json.Type);
    if (!data) {
      return [];
    }
    const keyUse = usesByResource.get(resource)?.find((use) => use.property === data.key);
    if (keyUse) {
      return keyUse.key.kind === 'aws-managed' ? [{ resource: resourceRefOf(resource), protection: 'aws-managed', fix: data.fix }] : [];
    }
    const protection = data.protection(resolver.resolve(resource.stack, resource.json.Properties ?? {}));
    return protection ? [{ resource: resourceRefOf(resource), protection, fix: data.fix }] : [];
  });
}

