import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addInvariantValidation, Invariant, synthesizedResource } from '../../private/invariants';

const ENCRYPTION_RULE = 'Properties.BucketEncryption.ServerSideEncryptionConfiguration.0';
const PUBLIC_ACCESS_BLOCK = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];

/** What an `EncryptedBucket` set on its resources, for the synth-time check of its invariants. */
export interface EncryptedBucketInvariants {
  readonly bucket: s3.Bucket;
  /** `aws:kms` or `aws:kms:dsse`. */
  readonly algorithm: string;
  readonly key: kms.IKey;
  /** The deny statements the bucket policy must keep. */
  readonly denyStatements: iam.PolicyStatement[];
}

/**
 * Fails synthesis when the bucket, as synthesized, is no longer encrypted with its key (and a bucket key
 * for SSE-KMS), no longer blocks SSE-C or public access, takes ACLs, is not versioned, or its bucket
 * policy lost a deny statement.
 */
export function addBucketInvariantValidation(expected: EncryptedBucketInvariants): void {
  const { bucket } = expected;
  addInvariantValidation(bucket, 'EncryptedBucket', bucket.node.defaultChild as s3.CfnBucket, () => [
    ...bucketInvariants(expected, Stack.of(bucket).resolve(expected.key.keyArn)),
    ...denyStatementInvariants(bucket, expected.denyStatements),
  ]);
}

function bucketInvariants(expected: EncryptedBucketInvariants, keyArn: unknown): Invariant[] {
  return [
    { name: `${expected.algorithm} default encryption`, path: `${ENCRYPTION_RULE}.ServerSideEncryptionByDefault.SSEAlgorithm`, expected: expected.algorithm, prop: 'encryption' },
    { name: 'its key as default encryption key', path: `${ENCRYPTION_RULE}.ServerSideEncryptionByDefault.KMSMasterKeyID`, expected: keyArn, prop: 'encryptionKey' },
    ...(expected.algorithm === 'aws:kms'
      ? [{ name: 'the S3 Bucket Key', path: `${ENCRYPTION_RULE}.BucketKeyEnabled`, expected: true, prop: 'bucketKeyEnabled' }]
      : []),
    {
      name: 'SSE-C blocked',
      path: `${ENCRYPTION_RULE}.BlockedEncryptionTypes.EncryptionType`,
      expected: ['SSE-C'],
      prop: 'blockedEncryptionTypes',
      holds: (found) => Array.isArray(found) && found.includes('SSE-C'),
    },
    ...PUBLIC_ACCESS_BLOCK.map((setting) => ({
      name: `Block Public Access ${setting}`,
      path: `Properties.PublicAccessBlockConfiguration.${setting}`,
      expected: true,
      prop: 'blockPublicAccess',
    })),
    { name: 'ACLs disabled', path: 'Properties.OwnershipControls.Rules.0.ObjectOwnership', expected: 'BucketOwnerEnforced', prop: 'objectOwnership' },
    { name: 'versioning enabled', path: 'Properties.VersioningConfiguration.Status', expected: 'Enabled', prop: 'versioned' },
  ];
}

/**
 * Each deny statement, found by its Sid in the synthesized bucket policy, still a Deny of the same actions
 * on the same condition keys. Its shape is compared without resolving it: a synth renders every bucket
 * policy of the app here.
 */
function denyStatementInvariants(bucket: s3.Bucket, denyStatements: iam.PolicyStatement[]): Invariant[] {
  const policy = bucket.policy?.node.defaultChild as s3.CfnBucketPolicy | undefined;
  const statements: Array<Record<string, any>> = policy ? [synthesizedResource(policy).Properties?.PolicyDocument?.Statement ?? []].flat() : [];
  return denyStatements.map((statement) => ({
    name: `the bucket-policy statement '${statement.sid}'`,
    path: `PolicyDocument statement '${statement.sid}' of ${policy?.node.path ?? 'its bucket policy'}`,
    expected: denyShape(statement.toStatementJson()),
    prop: 'policy',
    found: () => {
      const found = statements.find((candidate) => candidate.Sid === statement.sid);
      return found && denyShape(found);
    },
  }));
}

/**
 * What a deny statement denies, and on which condition keys, without the values (which hold tokens).
 * Sorted: aws-cdk-lib's policy minimization may reorder actions and keys.
 */
function denyShape(statement: Record<string, any>): Record<string, unknown> {
  return {
    Effect: statement.Effect,
    Action: [statement.Action].flat().sort(),
    Condition: Object.fromEntries(
      Object.entries<Record<string, unknown>>(statement.Condition ?? {}).sort(([a], [b]) => a.localeCompare(b))
        .map(([operator, values]) => [operator, Object.keys(values).sort()]),
    ),
  };
}
