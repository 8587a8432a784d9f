import * as iam from 'aws-cdk-lib/aws-iam';
import { ENCRYPTION_HEADER_ACTIONS, SSE_C_HEADER_ACTIONS, UPLOAD_ACTIONS } from './actions';

/*
 * Deny statements of the EncryptedBucket policy. Each denies one kind of request for everyone, on every
 * action whose requests S3 authorizes with the header it checks (the request catalogue in the README).
 *
 * Policy-language trap: a negated operator (`StringNotEquals`) and every `...IfExists` operator match when
 * the key is absent, so in a Deny they would also reject header-less uploads that rely on default
 * encryption. Where an absent header must pass, the comparison is paired with `Null: {key: false}`
 * (the header is present) in the same statement.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html
 */

const SSE_HEADER = 's3:x-amz-server-side-encryption';
const SSE_KEY_ID_HEADER = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const SSE_C_HEADER = 's3:x-amz-server-side-encryption-customer-algorithm';

/** The bucket and every object in it. */
function bucketAndObjects(bucketArn: string): string[] {
  return [bucketArn, `${bucketArn}/*`];
}

function deny(sid: string, actions: string[], resources: string[], conditions: Record<string, Record<string, unknown>>) {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions,
    resources,
    conditions,
  });
}

/**
 * Every action over plain HTTP.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
 */
export function denyInsecureTransport(bucketArn: string): iam.PolicyStatement {
  return deny('DenyInsecureTransport', ['s3:*'], bucketAndObjects(bucketArn), {
    Bool: { 'aws:SecureTransport': 'false' },
  });
}

/**
 * Every action over TLS older than `minimumTlsVersion`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html#example-object-tls-version
 */
export function denyOutdatedTls(bucketArn: string, minimumTlsVersion: number): iam.PolicyStatement {
  return deny('DenyOutdatedTls', ['s3:*'], bucketAndObjects(bucketArn), {
    NumericLessThan: { 's3:TlsVersion': minimumTlsVersion },
  });
}

/** Writes that ask for another algorithm (AES256, or the other KMS mode); header-less uploads pass. */
export function denyWrongEncryptionAlgorithm(bucketArn: string, algorithm: string): iam.PolicyStatement {
  return deny('DenyWrongEncryptionAlgorithm', ENCRYPTION_HEADER_ACTIONS, [`${bucketArn}/*`], {
    StringNotEquals: { [SSE_HEADER]: algorithm },
    Null: { [SSE_HEADER]: 'false' },
  });
}

/**
 * Uploads without `x-amz-server-side-encryption`, for buckets that require the headers. UploadPart and
 * CompleteMultipartUpload are authorized as `s3:PutObject` and carry no encryption headers, so this also
 * denies every multipart upload (docs/decisions/0011-s3-request-catalogue.md).
 */
export function denyMissingEncryptionHeader(bucketArn: string): iam.PolicyStatement {
  return deny('DenyMissingEncryptionHeader', UPLOAD_ACTIONS, [`${bucketArn}/*`], {
    Null: { [SSE_HEADER]: 'true' },
  });
}

/**
 * Writes that name a key other than the allowed ones. The condition key holds the header as the client sent
 * it, and S3 accepts a key ARN, key id, alias name or alias ARN there, so every form of each allowed key is
 * listed.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_RequestSyntax
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms
 */
export function denyWrongEncryptionKey(bucketArn: string, allowedKeyIdentifiers: string[]): iam.PolicyStatement {
  return deny('DenyWrongEncryptionKey', ENCRYPTION_HEADER_ACTIONS, [`${bucketArn}/*`], {
    StringNotEquals: { [SSE_KEY_ID_HEADER]: allowedKeyIdentifiers },
    Null: { [SSE_KEY_ID_HEADER]: 'false' },
  });
}

/**
 * Writes that ask for KMS encryption without a key id: S3 would then use the AWS managed key `aws/s3`,
 * not the bucket's key.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_RequestSyntax
 */
export function denyKmsWithoutKeyId(bucketArn: string, algorithm: string): iam.PolicyStatement {
  return deny('DenyKmsWithoutKeyId', ENCRYPTION_HEADER_ACTIONS, [`${bucketArn}/*`], {
    StringEquals: { [SSE_HEADER]: algorithm },
    Null: { [SSE_KEY_ID_HEADER]: 'true' },
  });
}

/**
 * Writes with customer-provided keys (SSE-C), which KMS never sees.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
 */
export function denySseC(bucketArn: string): iam.PolicyStatement {
  return deny('DenySseC', SSE_C_HEADER_ACTIONS, [`${bucketArn}/*`], {
    Null: { [SSE_C_HEADER]: 'false' },
  });
}

/** How an EncryptedBucket's policy enforces its encryption. */
export interface EnforcementOptions {
  /** `aws:kms` or `aws:kms:dsse`. */
  readonly algorithm: string;
  /** Every form (ARN, id, alias name, alias ARN) of the bucket's key, then of any keys uploads may also name. */
  readonly allowedKeyIdentifiers: string[];
  /** @default 1.2 */
  readonly minimumTlsVersion?: number;
  /** @default false */
  readonly requireEncryptionHeaders?: boolean;
}

/**
 * Every deny statement of an EncryptedBucket policy: TLS only, and no write under another algorithm, key or
 * SSE-C. With the defaults, header-less uploads (and so multipart uploads) get the bucket's default encryption.
 */
export function enforcementStatements(bucketArn: string, options: EnforcementOptions): iam.PolicyStatement[] {
  return [
    denyInsecureTransport(bucketArn),
    denyOutdatedTls(bucketArn, options.minimumTlsVersion ?? 1.2),
    denyWrongEncryptionAlgorithm(bucketArn, options.algorithm),
    ...(options.requireEncryptionHeaders ? [denyMissingEncryptionHeader(bucketArn)] : []),
    denyWrongEncryptionKey(bucketArn, options.allowedKeyIdentifiers),
    denyKmsWithoutKeyId(bucketArn, options.algorithm),
    denySseC(bucketArn),
  ];
}

/**
 * Lets S3 deliver server access logs of one source bucket into a logs bucket, under a prefix.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general
 */
export function allowLogDelivery(logsBucketArn: string, prefix: string, sourceBucketArn: string, sourceAccount: string): iam.PolicyStatement {
  // No Sid: several source buckets may log into one logs bucket, and Sids must be unique in a policy.
  return new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [`${logsBucketArn}/${prefix}*`],
    conditions: {
      ArnLike: { 'aws:SourceArn': sourceBucketArn },
      StringEquals: { 'aws:SourceAccount': sourceAccount },
    },
  });
}
