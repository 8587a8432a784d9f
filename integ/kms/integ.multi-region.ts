/**
 * A multi-Region key in one deployment (`cdk deploy --all`), passing constructs, never copied ARNs:
 * - a multi-Region primary in us-east-1, shared with a second account for snapshot copies into us-west-2;
 * - its ReplicaKey in us-west-2, given the primary construct: CDK carries the primary's ARN to the
 *   replica's Region through an SSM parameter (`crossRegionReferences`) and deploys the primary first;
 * - a RotatingSecret in a third stack, encrypted with the primary and replicated to us-west-2 with the same
 *   primary construct: it is encrypted there with the ReplicaKey, whose policy gets the Secrets Manager
 *   statement, and its stack deploys after the replica's.
 * The assertions check, through the KMS and Secrets Manager APIs, that the replica exists and that the
 * secret's replica is in sync. Cross-stack references are set to `strong` explicitly (the default since
 * they exist), which also keeps `cdk synth --strict` free of warnings.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CustomerManagedKey, ReplicaKey, RotatingSecret, SnapshotService, SnapshotSharingGrant } from '../../src';

const account = process.env.CDK_INTEG_ACCOUNT ?? '111111111111';
const targetAccount = process.env.CDK_INTEG_TARGET_ACCOUNT ?? '222222222222';
const primaryRegion = 'us-east-1';
const replicaRegion = 'us-west-2';

const app = new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong' } });
// Test keys are scheduled for deletion (7 days) and secrets deleted when the integ stacks are destroyed.
const disposable = { removalPolicy: RemovalPolicy.DESTROY, pendingWindow: Duration.days(7) };

const primaryStack = new Stack(app, 'MultiRegionPrimary', { env: { account, region: primaryRegion } });
const primary = new CustomerManagedKey(primaryStack, 'Primary', { multiRegion: true, ...disposable });
new SnapshotSharingGrant(primaryStack, 'SnapshotCopies', {
  key: primary,
  accounts: [targetAccount],
  services: [SnapshotService.EBS, SnapshotService.RDS],
  additionalRegions: [replicaRegion],
});

const replicaStack = new Stack(app, 'MultiRegionReplica', { env: { account, region: replicaRegion }, crossRegionReferences: true });
new ReplicaKey(replicaStack, 'Replica', { primaryKey: primary, alias: 'cdk-kms-encryption/integ/multi-region', ...disposable });

const appStack = new Stack(app, 'MultiRegionApp', { env: { account, region: primaryRegion }, crossRegionReferences: true });
const secret = new RotatingSecret(appStack, 'Secret', {
  encryptionKey: primary,
  replicaRegions: [{ region: replicaRegion, encryptionKey: primary }],
  removalPolicy: RemovalPolicy.DESTROY,
  rotateImmediately: false,
});

const integ = new IntegTest(app, 'MultiRegionTest', {
  testCases: [primaryStack, replicaStack, appStack],
  assertionStack: new Stack(app, 'MultiRegionAssertions', { env: { account, region: primaryRegion } }),
});

integ.assertions
  .awsApiCall('KMS', 'describeKey', { KeyId: primary.keyId })
  .expect(ExpectedResult.objectLike({
    KeyMetadata: { MultiRegionConfiguration: { ReplicaKeys: Match.arrayWith([Match.objectLike({ Region: replicaRegion })]) } },
  }));

integ.assertions
  .awsApiCall('SecretsManager', 'describeSecret', { SecretId: secret.secretArn })
  .expect(ExpectedResult.objectLike({
    ReplicationStatus: [Match.objectLike({ Region: replicaRegion, KmsKeyId: Match.stringLikeRegexp('mrk-'), Status: 'InSync' })],
  }))
  .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) });

/** test/kms/multi-region.test.ts synthesizes this same app and expects no warnings. */
export { app };
