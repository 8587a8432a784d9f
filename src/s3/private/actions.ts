/**
 * S3 action lists of the bucket policy and the replication role. Each list follows the AWS page linked
 * above it; change a list only together with that page (test/s3/request-catalogue.test.ts checks the
 * encryption lists against the Service Authorization Reference data).
 */

/**
 * Actions whose requests S3 authorizes with `s3:x-amz-server-side-encryption` and
 * `s3:x-amz-server-side-encryption-aws-kms-key-id`. PutObject also authorizes CopyObject, POST uploads
 * and every step of a multipart upload; UpdateObjectEncryption re-encrypts an existing object.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export const ENCRYPTION_HEADER_ACTIONS = ['s3:PutObject', 's3:ReplicateObject', 's3:UpdateObjectEncryption', 's3:BypassGovernanceRetention'];

/**
 * Actions whose requests S3 authorizes with `s3:x-amz-server-side-encryption-customer-algorithm` (SSE-C).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export const SSE_C_HEADER_ACTIONS = ['s3:PutObject', 's3:ReplicateObject', 's3:BypassGovernanceRetention'];

/**
 * What a client's upload is authorized as: PutObject, CopyObject, POST and all multipart steps.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 */
export const UPLOAD_ACTIONS = ['s3:PutObject'];

/**
 * S3 actions of the replication role, on the source bucket, its objects and the destination objects.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
 */
export const REPLICATION_SOURCE_BUCKET_ACTIONS = ['s3:GetReplicationConfiguration', 's3:ListBucket'];
export const REPLICATION_SOURCE_OBJECT_ACTIONS = [
  's3:GetObjectVersionForReplication',
  's3:GetObjectVersionAcl',
  's3:GetObjectVersionTagging',
];
export const REPLICATION_DESTINATION_OBJECT_ACTIONS = [
  's3:ReplicateObject',
  's3:ReplicateDelete',
  's3:ReplicateTags',
  's3:ObjectOwnerOverrideToBucketOwner',
];
/**
 * What the destination bucket's policy must allow the replication role when the bucket is in another
 * account, besides the object actions.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html
 */
export const REPLICATION_DESTINATION_BUCKET_ACTIONS = ['s3:List*', 's3:GetBucketVersioning', 's3:PutBucketVersioning'];
