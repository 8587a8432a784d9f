/**
 * Shares a CustomerManagedKey with a second account for EBS snapshots, AMIs (with the Auto Scaling
 * service-linked role grant) and RDS/Aurora snapshots, and gives a role in that account the policy that
 * copies shared snapshots and re-encrypts them with the account's own key.
 *
 * Two accounts take part:
 * - the sharing account (`CDK_INTEG_ACCOUNT`, placeholder 111111111111) holds the key and the assertions;
 * - the target account (`CDK_INTEG_TARGET_ACCOUNT`, placeholder 222222222222) holds its own key and the
 *   copy role. Bootstrap it to trust the sharing account (`cdk bootstrap --trust <sharing account>`) so
 *   one integ-runner run deploys both stacks.
 * Both stacks are in `CDK_INTEG_REGION` (placeholder eu-west-1). The committed snapshot uses the
 * placeholders; `npx projen integ` verifies it without any account.
 *
 * The assertions read the deployed key policy through the KMS API and check that the sharing statements
 * are there: scoped to the services (`kms:ViaService`), grants only for AWS resources, and the grant for
 * the target account's Auto Scaling role, which the key's deny of other direct grants exempts.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomerManagedKey, SnapshotService, SnapshotSharingGrant } from '../../src';

const sharingAccount = process.env.CDK_INTEG_ACCOUNT ?? '111111111111';
const targetAccount = process.env.CDK_INTEG_TARGET_ACCOUNT ?? '222222222222';
const region = process.env.CDK_INTEG_REGION ?? 'eu-west-1';
const alias = 'cdk-kms-encryption/integ/snapshot-sharing';
const services = [SnapshotService.EBS, SnapshotService.AMI, SnapshotService.RDS];

const app = new App();

const sharing = new Stack(app, 'SnapshotSharingInteg', { env: { account: sharingAccount, region } });
const key = new CustomerManagedKey(sharing, 'Key', {
  alias,
  // Test keys are scheduled for deletion (7 days) when the integ stack is destroyed.
  removalPolicy: RemovalPolicy.DESTROY,
  pendingWindow: Duration.days(7),
});
new SnapshotSharingGrant(sharing, 'Share', { key, accounts: [targetAccount], services, autoScalingServiceLinkedRole: true });

const target = new Stack(app, 'SnapshotSharingTargetInteg', { env: { account: targetAccount, region } });
const copyKey = new CustomerManagedKey(target, 'CopyKey', { removalPolicy: RemovalPolicy.DESTROY, pendingWindow: Duration.days(7) });
// The key's id is known only once the sharing stack is deployed, and the policy must name that one key (a
// wildcard is refused): a parameter, set to the key's ARN to copy a snapshot by hand. Its default names no key.
const sharedKeyArn = new CfnParameter(target, 'SharedKeyArn', {
  description: `The ARN of the key behind alias/${alias} in account ${sharingAccount}`,
  default: `arn:aws:kms:${region}:${sharingAccount}:key/00000000-0000-0000-0000-000000000000`,
});
const sharedKey = kms.Key.fromKeyArn(target, 'SharedKey', sharedKeyArn.valueAsString);
const copyRole = new iam.Role(target, 'CopyRole', { assumedBy: new iam.AccountRootPrincipal() });
new iam.ManagedPolicy(target, 'CopyPolicy', {
  document: SnapshotSharingGrant.targetAccountPolicy({ sharedKey, copyKey, services, autoScalingServiceLinkedRole: true }),
  roles: [copyRole],
});

const integ = new IntegTest(app, 'SnapshotSharingTest', { testCases: [sharing, target] });

const described = integ.assertions.awsApiCall('KMS', 'describeKey', { KeyId: `alias/${alias}` });
const policy = integ.assertions.awsApiCall('KMS', 'getKeyPolicy', {
  KeyId: described.getAttString('KeyMetadata.KeyId'),
  PolicyName: 'default',
});
policy.expect(ExpectedResult.objectLike({
  Policy: Match.stringLikeRegexp([
    `ec2\\.${region}\\.amazonaws\\.com`,
    'kms:GrantIsForAWSResource',
    '\\$\\{aws:PrincipalAccount\\}:role/aws-service-role/autoscaling\\.amazonaws\\.com/AWSServiceRoleForAutoScaling',
  ].join('[\\s\\S]*')),
}));
