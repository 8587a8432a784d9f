import * as s3 from 'aws-cdk-lib/aws-s3';
import { RefusedProp, refusedPropProblems } from '../../private/refused-props';

const PUBLIC_ACCESS = 'an EncryptedBucket blocks all public access (BLOCK_ALL); grant named principals, or serve objects through CloudFront with an origin access control';
const WEBSITE = 'website hosting serves objects over plain HTTP to everyone, which an EncryptedBucket denies; serve them through CloudFront with an origin access control';
const ACLS = 'ACLs are disabled (ObjectOwnership BucketOwnerEnforced); grant access with policies';

/** Props of `s3.Bucket` that an EncryptedBucket does not take, with the values it accepts and why. */
export const REFUSED_BUCKET_PROPS: Record<string, RefusedProp> = {
  encryption: {
    accepts: (value) => value === s3.BucketEncryption.KMS || value === s3.BucketEncryption.DSSE,
    reason: 'objects are always encrypted with `encryptionKey`; choose SSE-KMS or DSSE-KMS with `encryptionType`',
  },
  bucketKeyEnabled: { reason: 'an S3 Bucket Key is always used with SSE-KMS (DSSE-KMS does not support one)' },
  blockedEncryptionTypes: { reason: 'SSE-C is always blocked' },
  enforceSSL: { accepts: (value) => value === true, reason: 'plain HTTP is always denied' },
  minimumTLSVersion: { reason: 'the prop is `minimumTlsVersion` (1.2 or 1.3)' },
  versioned: { accepts: (value) => value === true, reason: 'versioning is always on' },
  publicReadAccess: { accepts: (value) => value === false, reason: PUBLIC_ACCESS },
  blockPublicAccess: { accepts: (value) => value === s3.BlockPublicAccess.BLOCK_ALL, reason: PUBLIC_ACCESS },
  accessControl: { accepts: (value) => value === s3.BucketAccessControl.BUCKET_OWNER_FULL_CONTROL, reason: ACLS },
  objectOwnership: { accepts: (value) => value === s3.ObjectOwnership.BUCKET_OWNER_ENFORCED, reason: ACLS },
  websiteIndexDocument: { reason: WEBSITE },
  websiteErrorDocument: { reason: WEBSITE },
  websiteRedirect: { reason: WEBSITE },
  websiteRoutingRules: { reason: WEBSITE },
};

/** One problem per refused `s3.Bucket` prop passed with a value other than the accepted ones. */
export function refusedBucketPropProblems(props: object): string[] {
  return refusedPropProblems('an EncryptedBucket', props, REFUSED_BUCKET_PROPS);
}
