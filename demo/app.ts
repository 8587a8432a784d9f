/**
 * The example app `npm run demo` synthesizes with the cdk CLI: the showcase (every construct, default and
 * fully configured) and a two-Region key estate. Nothing here is deployed by the demo.
 */
import { App, Stack } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { addShowcaseStacks, SHOWCASE_ENV } from './showcase';
import { CustomerManagedKey, ReplicaKey, RotatingSecret } from '../src';

const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
addShowcaseStacks(app);

// Two Regions: a multi-Region primary key, a replica in the second Region, and a secret replicated
// there under the replica. A multi-Region key keeps its id in every Region, so the replica's ARN is
// the primary's with the other Region; the replica stack imports the primary by ARN (no cross-Region
// reference). Deploy the primary stack first and pass its key ARN as context `primaryKeyArn`.
const primaryStack = new Stack(app, 'TwoRegionPrimary', { env: SHOWCASE_ENV });
const primary = new CustomerManagedKey(primaryStack, 'Key', { multiRegion: true, alias: 'demo/two-region' });
const replicaRegion = 'eu-central-1';
const primaryKeyArn = app.node.tryGetContext('primaryKeyArn')
  ?? `arn:aws:kms:${SHOWCASE_ENV.region}:${SHOWCASE_ENV.account}:key/mrk-00000000000000000000000000000000`;

const replicaStack = new Stack(app, 'TwoRegionReplica', { env: { ...SHOWCASE_ENV, region: replicaRegion } });
new ReplicaKey(replicaStack, 'Key', {
  primaryKey: CustomerManagedKey.fromKeyArn(replicaStack, 'PrimaryKey', primaryKeyArn),
  alias: 'demo/two-region',
});

new RotatingSecret(primaryStack, 'ApiToken', {
  encryptionKey: primary,
  replicaRegions: [{
    region: replicaRegion,
    encryptionKey: CustomerManagedKey.fromKeyArn(primaryStack, 'ReplicaKey', primaryStack.formatArn({
      service: 'kms', region: replicaRegion, resource: 'key', resourceName: primary.keyId,
    })),
  }],
});

app.synth();
