import { Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { customerManagedKeyResult } from './cmk-rules';
import { ResolvedValue, UNKNOWN, literalText, resolveValue } from './resolve';
import { RuleResult, notChecked, violation } from './result';
import { isEveryone } from '../../private/public-principal';

/** The bucket's default encryption, in CloudFormation's terms, or undefined when it cannot be read. */
interface DefaultEncryption {
  readonly algorithm?: string;
  /** The unresolved `KMSMasterKeyID`, so references to keys in this app are kept. */
  readonly key?: unknown;
  readonly bucketKeyEnabled?: unknown;
}

const SSE_KMS = 'aws:kms';
const DSSE_KMS = 'aws:kms:dsse';
const KMS_FIX = 'Use EncryptedBucket, or set `encryption: BucketEncryption.KMS` with `encryptionKey` set to a CustomerManagedKey.';

/**
 * Default encryption with a customer-managed key: not SSE-S3 (`AES256`, also what S3 applies when no
 * encryption is configured), and not SSE-KMS with the AWS managed key `aws/s3`. A bucket that receives
 * server access logs is exempt from SSE-KMS: S3 delivers those logs only to SSE-S3 buckets.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshooting-server-access-logging.html
 */
export function s3BucketKmsCmk(bucket: s3.CfnBucket): RuleResult | undefined {
  const encryption = defaultEncryption(bucket);
  if (encryption === undefined || Token.isUnresolved(encryption.algorithm)) {
    return notChecked("the bucket's `BucketEncryption`");
  }
  if (encryption.algorithm !== SSE_KMS && encryption.algorithm !== DSSE_KMS) {
    if (receivesServerAccessLogs(bucket)) {
      return undefined;
    }
    return violation(`The bucket's default encryption is SSE-S3 (AES256), not a customer-managed KMS key. ${KMS_FIX}`);
  }
  return customerManagedKeyResult(bucket, encryption.key, {
    resource: 'bucket',
    property: 'KMSMasterKeyID',
    withoutKey: 'S3 uses the AWS managed key aws/s3',
    fix: KMS_FIX,
  });
}

/**
 * SSE-KMS buckets use an S3 Bucket Key, which cuts KMS requests (and their cost and throttling) by
 * up to 99 %. DSSE-KMS does not support bucket keys, and SSE-S3 does not need one.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
 */
export function s3BucketKey(bucket: s3.CfnBucket): RuleResult | undefined {
  const encryption = defaultEncryption(bucket);
  if (encryption === undefined) {
    return notChecked("the bucket's `BucketEncryption`");
  }
  if (encryption.algorithm !== SSE_KMS || encryption.bucketKeyEnabled === true) {
    return undefined;
  }
  if (Token.isUnresolved(encryption.bucketKeyEnabled)) {
    return notChecked("the bucket's `BucketKeyEnabled`");
  }
  return violation(
    "The bucket's SSE-KMS encryption does not use an S3 Bucket Key, so every object operation calls KMS. Use EncryptedBucket, or set `bucketKeyEnabled: true`.",
  );
}

/**
 * A bucket policy denies every S3 action over plain HTTP (`aws:SecureTransport` false).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
 * @see https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule
 */
export function s3BucketTlsDeny(bucket: s3.CfnBucket): RuleResult | undefined {
  const policies = bucket.node.root.node.findAll()
    .filter((construct): construct is s3.CfnBucketPolicy => construct instanceof s3.CfnBucketPolicy)
    .map((policy) => ({ policy, bucket: resolveValue(policy, policy.bucket) }));
  const forThisBucket = policies.filter((candidate) => appliesTo(candidate.bucket, bucket));
  if (forThisBucket.some(({ policy }) => deniesInsecureTransport(resolveValue(policy, policy.policyDocument).value))) {
    return undefined;
  }
  if (policies.some((candidate) => bucketUnknown(candidate.bucket))) {
    return notChecked('the bucket a bucket policy applies to');
  }
  return violation(
    'No bucket policy denies requests over plain HTTP. Use EncryptedBucket, or set `enforceSSL: true`, or add a statement that denies s3:* to everyone when aws:SecureTransport is false.',
  );
}

/**
 * Whether a resolved policy document has a statement that denies every S3 action to everyone when
 * the request is not sent over TLS, on the bucket and on its objects.
 */
export function deniesInsecureTransport(policy: any): boolean {
  const statements: any[] = Array.isArray(policy?.Statement) ? policy.Statement : [policy?.Statement];
  return statements.some((statement) =>
    statement?.Effect === 'Deny'
    && isEveryone(statement.Principal)
    && asList(statement.Action).some((action) => action === 's3:*' || action === '*')
    && coversBucketAndObjects(asList(statement.Resource))
    && ['Bool', 'BoolIfExists'].some((operator) => asList(statement.Condition?.[operator]?.['aws:SecureTransport']).some((v) => String(v) === 'false')),
  );
}

function defaultEncryption(bucket: s3.CfnBucket): DefaultEncryption | undefined {
  const configured = bucket.bucketEncryption;
  if (configured === undefined) {
    return { algorithm: 'AES256' };
  }
  if (Token.isUnresolved(configured)) {
    return undefined;
  }
  const rules = (configured as s3.CfnBucket.BucketEncryptionProperty).serverSideEncryptionConfiguration;
  if (Token.isUnresolved(rules) || !Array.isArray(rules) || rules.length === 0 || Token.isUnresolved(rules[0])) {
    return undefined;
  }
  const rule = rules[0] as s3.CfnBucket.ServerSideEncryptionRuleProperty;
  const byDefault = rule.serverSideEncryptionByDefault;
  if (Token.isUnresolved(byDefault)) {
    return undefined;
  }
  const settings = byDefault as s3.CfnBucket.ServerSideEncryptionByDefaultProperty | undefined;
  return {
    algorithm: settings?.sseAlgorithm ?? 'AES256',
    key: settings?.kmsMasterKeyId,
    bucketKeyEnabled: rule.bucketKeyEnabled,
  };
}

/** Whether a bucket in the app delivers its server access logs to this bucket (no destination: to itself). */
function receivesServerAccessLogs(bucket: s3.CfnBucket): boolean {
  return bucket.node.root.node.findAll()
    .filter((construct): construct is s3.CfnBucket => construct instanceof s3.CfnBucket)
    .some((source) => {
      const logging = source.loggingConfiguration;
      if (logging === undefined || Token.isUnresolved(logging)) {
        return false;
      }
      const destination = (logging as s3.CfnBucket.LoggingConfigurationProperty).destinationBucketName;
      return destination === undefined ? source === bucket : appliesTo(resolveValue(source, destination), bucket);
    });
}

/** A bucket name (of a policy, of a logging destination) refers to the bucket when it references it, or names it literally. */
function appliesTo(bucketName: ResolvedValue, bucket: s3.CfnBucket): boolean {
  return bucketName.targets.includes(bucket)
    || (typeof bucketName.value === 'string' && !Token.isUnresolved(bucket.bucketName) && bucketName.value === bucket.bucketName);
}

/** A policy's `Bucket` that neither names a bucket nor references one in this app (a parameter, an import). */
function bucketUnknown(policyBucket: ResolvedValue): boolean {
  return !policyBucket.targets.some((target) => target instanceof s3.CfnBucket) && literalText(policyBucket.value).includes(UNKNOWN);
}

function coversBucketAndObjects(resources: unknown[]): boolean {
  const texts = resources.map(literalText);
  return texts.includes('*') || (texts.some((text) => text.endsWith('/*')) && texts.some((text) => !text.endsWith('/*')));
}

function asList(value: unknown): unknown[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}
