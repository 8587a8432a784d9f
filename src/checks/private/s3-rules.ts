import { Located, SynthesizedApp, TemplateResource } from './assembly';
import { customerManagedKeyResult } from './cmk-rules';
import { ReferenceText, UNKNOWN, isIntrinsic, literalText, property, referencedResources, templateBoolean } from './resolve';
import { RuleResult, notChecked, violation } from './result';
import { isEveryone } from '../../private/public-principal';

const SSE_KMS = 'aws:kms';
const DSSE_KMS = 'aws:kms:dsse';
const KMS_FIX = 'Use EncryptedBucket, or set `encryption: BucketEncryption.KMS` with `encryptionKey` set to a CustomerManagedKey.';
/** Stands for a bucket name only known at deploy time, in ARNs compared by the TLS rule. */
const GENERATED_NAME = '\u0001bucket\u0001';
const S3_ARN_PREFIX = 'arn:aws:s3:::';

/**
 * Default encryption with a customer-managed key. A bucket that receives the server access logs of
 * another bucket may use SSE-S3: S3 delivers those logs only to SSE-S3 buckets. A bucket that only
 * logs to itself is a data bucket and gets no exemption.
 *
 * | default encryption (`SSEAlgorithm`) | `KMSMasterKeyID` | result |
 * |---|---|---|
 * | none, or `AES256` (SSE-S3) | - | violation, unless another bucket of the app logs to it |
 * | `aws:kms` or `aws:kms:dsse` | customer-managed | pass |
 * | `aws:kms` or `aws:kms:dsse` | none (`aws/s3`) or AWS managed | violation |
 * | only known at deploy time | only known at deploy time | could not be checked |
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshooting-server-access-logging.html
 */
export function s3BucketKmsCmk(bucket: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const encryption = defaultEncryption(bucket);
  if (encryption === undefined) {
    return notChecked("the bucket's `BucketEncryption`");
  }
  if (encryption.algorithm !== SSE_KMS && encryption.algorithm !== DSSE_KMS) {
    if (receivesServerAccessLogs(bucket, app)) {
      return undefined;
    }
    return violation(`The bucket's default encryption is SSE-S3 (AES256), not a customer-managed KMS key. ${KMS_FIX}`);
  }
  return customerManagedKeyResult(app, bucket, encryption.key, {
    resource: 'bucket',
    property: 'KMSMasterKeyID',
    withoutKey: 'S3 uses the AWS managed key aws/s3',
    fix: KMS_FIX,
  });
}

/**
 * SSE-KMS buckets use an S3 Bucket Key, which cuts KMS requests (and their cost and throttling) by
 * up to 99 %. DSSE-KMS does not support bucket keys, and SSE-S3 does not need one.
 *
 * | default encryption | `BucketKeyEnabled` | result |
 * |---|---|---|
 * | `aws:kms` | true | pass |
 * | `aws:kms` | absent or false | violation |
 * | `aws:kms` | only known at deploy time | could not be checked |
 * | anything else | - | pass |
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
 */
export function s3BucketKey(bucket: TemplateResource): RuleResult | undefined {
  const encryption = defaultEncryption(bucket);
  if (encryption === undefined) {
    return notChecked("the bucket's `BucketEncryption`");
  }
  const bucketKey = templateBoolean(encryption.bucketKeyEnabled);
  if (encryption.algorithm !== SSE_KMS || bucketKey === true) {
    return undefined;
  }
  if (bucketKey === UNKNOWN) {
    return notChecked("the bucket's `BucketKeyEnabled`");
  }
  return violation(
    "The bucket's SSE-KMS encryption does not use an S3 Bucket Key, so every object operation calls KMS. Use EncryptedBucket, or set `bucketKeyEnabled: true`.",
  );
}

/**
 * An `AWS::S3::BucketPolicy` of this bucket denies every S3 action to everyone over plain HTTP, on
 * this bucket's ARN and on all of its objects. A TLS-version deny alone (`NumericLessThan
 * s3:TlsVersion`) does not count: a plain-HTTP request has no TLS version, and the condition does
 * not match an absent key.
 *
 * | bucket policy | result |
 * |---|---|
 * | two or more policies for this bucket | violation: a bucket keeps one policy, the one deployed last, so a deny in either may not be in force |
 * | a policy for this bucket (`Bucket` references it, or names it) with a statement as `deniesInsecureTransport` requires | pass |
 * | no such policy; a policy whose `Bucket` is only known at deploy time | could not be checked |
 * | no such policy | violation |
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
 * @see https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule
 */
export function s3BucketTlsDeny(bucket: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const policies = app.resourcesOfType('AWS::S3::BucketPolicy');
  const name = literalText(app, { stack: bucket.stack, value: bucket.properties.BucketName ?? UNKNOWN });
  const bucketArn = `${S3_ARN_PREFIX}${name.includes(UNKNOWN) ? GENERATED_NAME : name}`;
  const forThisBucket = policies.filter((policy) => namesBucket(app, { stack: policy.stack, value: policy.properties.Bucket }, bucket));
  const rendered = (policy: TemplateResource) => renderArns(app, { stack: policy.stack, value: policy.properties.PolicyDocument }, bucket, bucketArn);
  if (forThisBucket.length > 1) {
    const paths = forThisBucket.map((policy) => policy.constructPath ?? policy.logicalId).join(', ');
    return violation(
      `The bucket has ${forThisBucket.length} bucket policies (${paths}), but a bucket keeps one: the one deployed last replaces the other, so the deny of plain HTTP in one of them may not be in force. Keep one bucket policy that denies s3:* to everyone on the bucket's ARN and \`<bucket ARN>/*\` when aws:SecureTransport is false (add statements with \`addToResourcePolicy()\`).`,
    );
  }
  if (forThisBucket.some((policy) => deniesInsecureTransport(rendered(policy), bucketArn))) {
    return undefined;
  }
  const unknownBucket = policies.some((policy) => {
    const target = { stack: policy.stack, value: policy.properties.Bucket };
    return !referencedResources(app, target).some((resource) => resource.type === 'AWS::S3::Bucket') && literalText(app, target).includes(UNKNOWN);
  });
  if (unknownBucket) {
    return notChecked('the bucket a bucket policy applies to');
  }
  return violation(
    "No bucket policy denies requests over plain HTTP on this bucket and all its objects. Use EncryptedBucket, or set `enforceSSL: true`, or add a statement that denies s3:* to everyone on the bucket's ARN and `<bucket ARN>/*` when aws:SecureTransport is false.",
  );
}

/**
 * Whether a policy document, with its `Resource` entries rendered to text, denies plain HTTP on the
 * bucket and all its objects.
 *
 * | statement | counts when |
 * |---|---|
 * | `Effect` | `Deny` |
 * | `Principal` | everyone (`*` or `{ AWS: '*' }`) |
 * | `Action` | includes `s3:*` or `*` |
 * | `Condition` | `Bool` or `BoolIfExists` with `aws:SecureTransport` false |
 * | `Resource` | the statements that count cover the bucket ARN (a pattern matching it) and every object (`<bucket ARN>/*`, `<bucket ARN>*`, `arn:aws:s3:::*` or `*`; not `<bucket ARN>/prefix/*`, not another bucket) |
 */
export function deniesInsecureTransport(policy: any, bucketArn: string): boolean {
  const statements: any[] = Array.isArray(policy?.Statement) ? policy.Statement : [policy?.Statement];
  const resources = statements
    .filter((statement) => statement?.Effect === 'Deny'
      && isEveryone(statement.Principal)
      && asList(statement.Action).some((action) => action === 's3:*' || action === '*')
      && ['Bool', 'BoolIfExists'].some((operator) => asList(statement.Condition?.[operator]?.['aws:SecureTransport']).some((v) => String(v) === 'false')))
    .flatMap((statement) => asList(statement.Resource))
    .filter((resource): resource is string => typeof resource === 'string')
    .map(withoutPartition);
  const arn = withoutPartition(bucketArn);
  return resources.some((pattern) => globMatches(pattern, arn)) && resources.some((pattern) => coversEveryObject(pattern, arn));
}

interface DefaultEncryption {
  readonly algorithm: unknown;
  /** `KMSMasterKeyID` as synthesized, so references to keys in this app are kept. */
  readonly key?: unknown;
  readonly bucketKeyEnabled?: unknown;
}

/** The bucket's default encryption (none means SSE-S3), or undefined when it is only known at deploy time. */
function defaultEncryption(bucket: TemplateResource): DefaultEncryption | undefined {
  const configured = bucket.properties.BucketEncryption;
  if (configured === undefined) {
    return { algorithm: 'AES256' };
  }
  const rule = property(configured, 'ServerSideEncryptionConfiguration.0');
  const byDefault = rule?.ServerSideEncryptionByDefault;
  if (isIntrinsic(configured) || rule === undefined || isIntrinsic(rule) || isIntrinsic(byDefault) || isIntrinsic(byDefault?.SSEAlgorithm)) {
    return undefined;
  }
  return { algorithm: byDefault?.SSEAlgorithm ?? 'AES256', key: byDefault?.KMSMasterKeyID, bucketKeyEnabled: rule.BucketKeyEnabled };
}

/** Whether another bucket of the app delivers its server access logs to this bucket. */
function receivesServerAccessLogs(bucket: TemplateResource, app: SynthesizedApp): boolean {
  return app.resourcesOfType('AWS::S3::Bucket')
    .filter((source) => source !== bucket)
    .some((source) => {
      const destination = property(source.properties, 'LoggingConfiguration.DestinationBucketName');
      return destination !== undefined && namesBucket(app, { stack: source.stack, value: destination }, bucket);
    });
}

/** A bucket name (of a policy, of a logging destination) names the bucket when it references it, or names it literally. */
function namesBucket(app: SynthesizedApp, bucketName: Located, bucket: TemplateResource): boolean {
  if (referencedResources(app, bucketName).includes(bucket)) {
    return true;
  }
  const literal = literalText(app, bucketName);
  return !literal.includes(UNKNOWN) && literal === literalText(app, { stack: bucket.stack, value: bucket.properties.BucketName ?? UNKNOWN });
}

/** The policy with each `Resource` as text, this bucket's `Ref` and `Fn::GetAtt ... Arn` as its name and ARN. */
function renderArns(app: SynthesizedApp, policy: Located, bucket: TemplateResource, bucketArn: string): any {
  const document = policy.value as any;
  const statements: any[] = Array.isArray(document?.Statement) ? document.Statement : [document?.Statement];
  const bucketText: ReferenceText = (target, attribute) =>
    target !== bucket ? undefined : attribute === 'Arn' ? bucketArn : attribute === undefined ? bucketArn.slice(S3_ARN_PREFIX.length) : undefined;
  const render = (value: unknown) => literalText(app, { stack: policy.stack, value }, bucketText);
  return { Statement: statements.map((statement) => ({ ...statement, Resource: asList(statement?.Resource).map(render) })) };
}

/** `arn:aws:`, `arn:aws-cn:` or `arn:${AWS::Partition}:` as one partition. */
function withoutPartition(arn: string): string {
  return arn.replace(/^arn:(aws|aws-cn|aws-us-gov|\$\{AWS::Partition\}):/, 'arn:*:');
}

/** IAM wildcard matching: `*` any run of characters, `?` any one. */
function globMatches(pattern: string, text: string): boolean {
  const expression = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${expression}$`, 's').test(text);
}

/** A pattern matches every object key when it is a literal prefix of `<bucket ARN>/` and one final `*`. */
function coversEveryObject(pattern: string, bucketArn: string): boolean {
  const prefix = pattern.slice(0, -1);
  return pattern.endsWith('*') && !/[*?]/.test(prefix.replace(/^arn:\*:/, '')) && `${bucketArn}/`.startsWith(prefix);
}

function asList(value: unknown): unknown[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}
