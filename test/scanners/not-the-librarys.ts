/**
 * Findings of checkov, cfn-lint and EncryptionChecks' KMS.1 / KMS.2 rule on resources the library does not define and cannot change: helpers
 * of aws-cdk-lib and of @aws-cdk/integ-tests-alpha in the integration snapshots, and resources an
 * integration test defines for itself. Each is data with its owner and reason; an entry that matches no
 * finding fails the test (scanners.test.ts), so the list cannot keep what no longer happens.
 */
export interface ForeignFinding {
  /** Who defines the resource. */
  readonly owner: string;
  /** Why the library cannot answer the finding. */
  readonly reason: string;
  /** The template, as a path relative to the repository (`integ/s3/….snapshot/X.template.json`). */
  readonly template: RegExp;
  /** The logical id of the resource. */
  readonly resource: RegExp;
  /** checkov and cfn-lint ids expected on it, and EncryptionChecks rule ids the same test judges. */
  readonly checks: readonly string[];
}

/** A Lambda function outside a VPC, with no reserved concurrency and no dead-letter queue. */
const LAMBDA_CHECKS = ['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117'];

export const NOT_THE_LIBRARYS: readonly ForeignFinding[] = [
  {
    owner: '@aws-cdk/integ-tests-alpha (the assertion provider of IntegTest)',
    reason: 'Deployed only by integration test runs. Its role may call the APIs the assertions name on any resource, and it derives IAM actions from SDK method names (s3:GetBucketEncryption, s3:HeadObject, lambda:Invoke), which IAM does not define (W3037).',
    template: /^integ\/.*\.snapshot\/.*(DeployAssert|Assertions).*\.template\.json$/,
    resource: /^SingletonFunction[0-9a-f]{32}(Handler|Role)/,
    checks: [...LAMBDA_CHECKS, 'CKV_AWS_108', 'CKV_AWS_111', 'W3037'],
  },
  {
    owner: '@aws-cdk/integ-tests-alpha (assertion calls)',
    reason: 'An assertion chained with next() or waiting with waitForAssertions() declares DependsOn a resource it already references.',
    template: /^integ\/.*\.snapshot\/.*(DeployAssert|Assertions).*\.template\.json$/,
    resource: /^AwsApiCall/,
    checks: ['W3005'],
  },
  {
    owner: 'aws-cdk-lib (crossRegionReferences: ExportWriter, ExportReader)',
    reason: 'A provider function aws-cdk-lib defines with no VPC, concurrency or dead-letter queue option, and with DependsOn its role.',
    template: /^integ\/kms\//,
    resource: /^CustomCrossRegionExport(Reader|Writer)CustomResourceProvider(Handler|Role)/,
    checks: [...LAMBDA_CHECKS, 'W3005'],
  },
  {
    owner: 'aws-cdk-lib (autoDeleteObjects on a bucket the test destroys)',
    reason: 'A provider function aws-cdk-lib defines with no VPC, concurrency or dead-letter queue option, and with DependsOn its role.',
    template: /^integ\/s3\//,
    resource: /^CustomS3AutoDeleteObjectsCustomResourceProvider(Handler|Role)/,
    checks: [...LAMBDA_CHECKS, 'W3005'],
  },
  {
    owner: 'integ/s3/integ.encrypted-bucket.ts (its upload function)',
    reason: 'A plain lambda.Function the test uses to put objects through the bucket policy; not part of the library.',
    template: /^integ\/s3\//,
    resource: /^Uploader/,
    checks: [...LAMBDA_CHECKS, 'W3005'],
  },
  {
    owner: 'integ/checks/integ.encryption-checks.ts (a plain s3.Bucket)',
    reason: 'The test defines a plain aws-cdk-lib bucket, configured only as EncryptionChecks asks, to show what the checks accept; logging, versioning, public access and notifications are not its subject.',
    template: /^integ\/checks\/.*EncryptionChecksInteg\.template\.json$/,
    resource: /^Bucket83908E77$/,
    checks: ['CKV_AWS_18', 'CKV_AWS_21', 'CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56'],
  },
  {
    owner: 'integ/sharing/integ.snapshot-sharing-grant.ts (the target account\'s policy, built from SnapshotSharingGrant\'s policy document)',
    reason: 'The target account creates this policy itself. Copying a shared snapshot or image needs the copy and describe actions on any snapshot (no narrower resource exists before the copy); the README says so where it shows the document. The test passes the shared key\'s ARN as a CloudFormation parameter (the key\'s id is only known once the sharing stack, in another account, is deployed, and a wildcard is refused): EncryptionChecks\' KMS.1 rule cannot read its value at synth and reports the statement, as it would to a user.',
    template: /^integ\/sharing\/.*SnapshotSharingTargetInteg\.template\.json$/,
    resource: /^CopyPolicy/,
    checks: ['CKV_AWS_111', 'cdk-kms-encryption::IamPolicyKmsDecryptAllKeys'],
  },
];
