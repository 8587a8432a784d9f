/**
 * Deploys the key types beyond the default symmetric key and checks them through the KMS API:
 * - a multi-Region primary in us-east-1 with a ReplicaKey in eu-west-2 (the replica imports the
 *   primary by ARN; `crossRegionReferences` carries the ARN across Regions), checked from the primary's
 *   side: its multi-Region configuration lists the replica's Region;
 * - an ExternalKeyRing, whose alias names a key with imported material still waiting for it
 *   (KeyState PendingImport until you import material, see README);
 * - an asymmetric signing key.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomerManagedKey, ExternalKeyRing, ReplicaKey } from '../../src';

const app = new App();
const account = process.env.CDK_INTEG_ACCOUNT ?? process.env.CDK_DEFAULT_ACCOUNT;
const primaryStack = new Stack(app, 'KeyTypesPrimary', { env: { account, region: 'us-east-1' }, crossRegionReferences: true });
const replicaStack = new Stack(app, 'KeyTypesReplica', { env: { account, region: 'eu-west-2' }, crossRegionReferences: true });

const primary = new CustomerManagedKey(primaryStack, 'Primary', { multiRegion: true, removalPolicy: RemovalPolicy.DESTROY });
new ReplicaKey(replicaStack, 'Replica', {
  primaryKey: CustomerManagedKey.fromKeyArn(replicaStack, 'PrimaryKey', primary.keyArn),
  alias: 'cdk-kms-encryption/integ/replica',
  removalPolicy: RemovalPolicy.DESTROY,
});
new ExternalKeyRing(primaryStack, 'Ring', { alias: 'cdk-kms-encryption/integ/external', generations: ['v1'] });
const signing = new CustomerManagedKey(primaryStack, 'Signing', {
  keySpec: kms.KeySpec.ECC_NIST_P256,
  keyUsage: kms.KeyUsage.SIGN_VERIFY,
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'KeyTypesTest', {
  testCases: [primaryStack, replicaStack],
  // The assertions read the primary's Region.
  assertionStack: new Stack(app, 'KeyTypesAssertions', { env: { account, region: 'us-east-1' } }),
});

integ.assertions
  .awsApiCall('KMS', 'describeKey', { KeyId: primary.keyId })
  .expect(ExpectedResult.objectLike({
    KeyMetadata: {
      MultiRegion: true,
      MultiRegionConfiguration: { ReplicaKeys: Match.arrayWith([Match.objectLike({ Region: 'eu-west-2' })]) },
    },
  }));

integ.assertions
  .awsApiCall('KMS', 'describeKey', { KeyId: 'alias/cdk-kms-encryption/integ/external' })
  .expect(ExpectedResult.objectLike({ KeyMetadata: { Origin: 'EXTERNAL', KeyState: 'PendingImport' } }));

integ.assertions
  .awsApiCall('KMS', 'describeKey', { KeyId: signing.keyId })
  .expect(ExpectedResult.objectLike({ KeyMetadata: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' } }));
