/**
 * KMS action lists used in key policies and IAM policies across the library.
 * Each list follows the AWS page linked above it; change a list only together with that page.
 */

/**
 * What key administrators may do: manage the key, never use it for cryptography.
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
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
] as const;

/**
 * Cryptographic use of a symmetric encryption key, split by direction.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-users
 */
export const ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] as const;
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
 * What another account needs to copy, restore or launch from a snapshot or AMI encrypted with the key.
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html#share-kms-key
 */
export const SNAPSHOT_SHARING_ACTIONS = [
  'kms:DescribeKey',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
] as const;
