/**
 * How much cryptographic use of a key a policy intent allows.
 * Every level includes `kms:DescribeKey`, which SDKs and services call before using a key.
 */
export enum KeyAccess {
  /** Encrypt, decrypt, re-encrypt and generate data keys. */
  ENCRYPT_DECRYPT = 'ENCRYPT_DECRYPT',
  /** Encrypt, re-encrypt and generate data keys; no decryption. */
  ENCRYPT = 'ENCRYPT',
  /** Decrypt only. */
  DECRYPT = 'DECRYPT',
}
