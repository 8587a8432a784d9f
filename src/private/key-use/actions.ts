/**
 * KMS action lists used in key policies and IAM policies across the library.
 * Each list follows the AWS page linked above it; change a list only together with that page.
 */

/**
 * What key administrators may do: manage the key, never use it for cryptography directly. `kms:Put*`
 * includes `PutKeyPolicy`, so an administrator can give itself any other permission. AWS's list has
 * `kms:Delete*`; only `DeleteAlias` is kept, so deleting imported key material is never implied.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
 */
export const ADMINISTRATION_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:DeleteAlias',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:RotateKeyOnDemand',
] as const;

/**
 * Scheduling (and cancelling) the deletion of a key, which administrators get unless told otherwise.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html#deleting-keys-scheduling-key-deletion
 */
export const KEY_DELETION_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'] as const;

/**
 * Importing key material into a key with `Origin: EXTERNAL`, including new material for on-demand rotation
 * (`GetParametersForImport` is in `kms:Get*`).
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-import-key-material.html
 */
export const IMPORT_KEY_MATERIAL_ACTIONS = ['kms:ImportKeyMaterial'] as const;

/**
 * Creating replicas of a multi-Region primary key.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-auth.html
 */
export const REPLICATE_KEY_ACTIONS = ['kms:ReplicateKey'] as const;

/**
 * Cryptographic use of a symmetric encryption key, split by direction. The AWS default policy's
 * wildcards (`kms:ReEncrypt*`, `kms:GenerateDataKey*`) are spelled out: they would also allow data key
 * pairs, and wildcard actions are findings under cdk-nag's AwsSolutions-IAM5.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-users
 */
export const ENCRYPT_ACTIONS = [
  'kms:Encrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
] as const;
export const DECRYPT_ACTIONS = ['kms:Decrypt'] as const;
/** Lets a caller inspect the key it uses (SDKs and services call it before encrypting). */
export const DESCRIBE_ACTIONS = ['kms:DescribeKey'] as const;

/**
 * What AWS services integrated with KMS need on a key used on a principal's behalf.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-service-integration
 */
export const SERVICE_GRANT_ACTIONS = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'] as const;

/**
 * What CloudWatch Logs needs to encrypt and decrypt a log group's events.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html#cmk-permissions
 */
export const LOGS_SERVICE_ACTIONS = [
  'kms:Encrypt*',
  'kms:Decrypt*',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:Describe*',
] as const;

/**
 * What another account needs to copy, restore or launch from a snapshot or AMI encrypted with the key,
 * besides `kms:CreateGrant` (which is only allowed for AWS resources, see SNAPSHOT_SHARING_GRANT_ACTIONS).
 * Spelled out rather than `kms:ReEncrypt*` / `kms:GenerateDataKey*`, which would also allow data key pairs.
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/share-kms-key.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/share-encrypted-snapshot.html
 */
export const SNAPSHOT_SHARING_ACTIONS = [
  'kms:DescribeKey',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
] as const;

/**
 * Lets EC2 or RDS create the grants a copied snapshot, volume or DB instance needs; key policies pair it
 * with `kms:GrantIsForAWSResource`.
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/share-kms-key.html
 */
export const SNAPSHOT_SHARING_GRANT_ACTIONS = ['kms:CreateGrant'] as const;

/**
 * Grant operations the EC2 Auto Scaling service-linked role of another account needs to launch instances
 * from an AMI encrypted with the key. AWS's example also lists `Encrypt`, which EBS never calls (it
 * generates data keys), so it is left out.
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html#policy-example-cmk-cross-account-access
 */
export const AUTO_SCALING_GRANT_OPERATIONS = [
  'Decrypt',
  'ReEncryptFrom',
  'ReEncryptTo',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'DescribeKey',
  'CreateGrant',
] as const;

/**
 * What a caller needs on the key to read SSE-KMS objects through S3.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#aws-managed-customer-managed-keys
 */
export const S3_OBJECT_READ_KEY_ACTIONS = ['kms:Decrypt'] as const;

/**
 * What a caller needs on the key to write SSE-KMS objects through S3: a data key for every upload, and
 * `kms:Decrypt` to complete a multipart upload.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
 */
export const S3_OBJECT_WRITE_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/**
 * What the S3 replication role needs: decrypt source objects, encrypt their replicas with the replica key.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
 */
export const S3_REPLICATION_SOURCE_KEY_ACTIONS = ['kms:Decrypt'] as const;
export const S3_REPLICATION_REPLICA_KEY_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'] as const;

/**
 * What Parameter Store calls on the key for a caller that writes a SecureString parameter: standard
 * parameters are encrypted with `kms:Encrypt`, advanced ones with a data key (`kms:GenerateDataKey`).
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html
 */
export const PARAMETER_STORE_WRITE_KEY_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'] as const;
/**
 * What Parameter Store calls on the key for a caller that reads a SecureString parameter with decryption.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html
 */
export const PARAMETER_STORE_READ_KEY_ACTIONS = ['kms:Decrypt'] as const;

/**
 * What Secrets Manager calls on a secret's key for the caller: a new data key for every new secret version,
 * decryption to read one.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz
 */
export const SECRETS_MANAGER_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/**
 * Downloading the public key of an asymmetric key.
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_GetPublicKey.html
 */
export const PUBLIC_KEY_ACTIONS = ['kms:GetPublicKey', 'kms:DescribeKey'] as const;

/**
 * Asymmetric signing and HMAC use.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
 */
export const SIGN_ACTIONS = ['kms:Sign'] as const;
export const VERIFY_ACTIONS = ['kms:Verify'] as const;
export const GENERATE_MAC_ACTIONS = ['kms:GenerateMac'] as const;
export const VERIFY_MAC_ACTIONS = ['kms:VerifyMac'] as const;
