import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomerManagedKey, KeyAccess, ReplicaKey, ReplicaKeyProps } from '../../src/kms';
import { ACCOUNT, OTHER_ACCOUNT, testApp } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { expectNoNagFindings } from '../util/nag';
import { evaluate } from '../util/policy';

const PRIMARY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;

function replicaStack(app = testApp()): Stack {
  return new Stack(app, 'ReplicaStack', { env: { account: ACCOUNT, region: 'eu-west-2' } });
}

function importedPrimary(stack: Stack, arn = PRIMARY_ARN): kms.IKey {
  return CustomerManagedKey.fromKeyArn(stack, 'Primary', arn);
}

describe('ReplicaKey', () => {
  test('defaults: replicates the primary, retained, 30-day window, account root statement', () => {
    const stack = replicaStack();
    new ReplicaKey(stack, 'Replica', { primaryKey: importedPrimary(stack) });

    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::ReplicaKey', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        PrimaryKeyArn: PRIMARY_ARN,
        PendingWindowInDays: 30,
        KeyPolicy: {
          Statement: [
            { Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
            Match.objectLike({ Sid: 'LimitGrantsToAwsServices', Effect: 'Deny', Action: 'kms:CreateGrant' }),
          ],
        },
      },
    });
    expect(Object.keys(template.toJSON().Resources)).toEqual(['ReplicaDDFB2A87']);
  });

  test('alias, and the same typed intents as the primary', async () => {
    const stack = replicaStack();
    const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    const replica = new ReplicaKey(stack, 'Replica', {
      primaryKey: importedPrimary(stack),
      alias: 'app/data',
      trustAccountIdentities: false,
      administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)],
    });
    replica.grantViaService(app, 'secretsmanager', KeyAccess.DECRYPT);
    replica.allowAccount(OTHER_ACCOUNT);

    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/app/data' });
    const intrinsics = new Intrinsics(stack);
    const keyId = intrinsics.logicalIdOf('AWS::KMS::ReplicaKey');
    const policy = intrinsics.resolve(Template.fromStack(stack).toJSON().Resources[keyId].Properties.KeyPolicy);
    const request = (viaService: string) => ({
      principal: intrinsics.arn(intrinsics.logicalIdOf('AWS::IAM::Role')),
      action: 'kms:Decrypt',
      resource: intrinsics.arn(keyId),
      resourceAccount: ACCOUNT,
      context: { 'kms:ViaService': viaService, 'kms:CallerAccount': ACCOUNT },
    });
    await expect(evaluate(policy, request('secretsmanager.eu-west-2.amazonaws.com'))).resolves.toBe('Allowed');
    await expect(evaluate(policy, request('s3.eu-west-2.amazonaws.com'))).resolves.toBe('ImplicitlyDenied');
    expect(policy.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` } }),
    ]));
  });

  test('grants without account trust land in the key policy', () => {
    const stack = replicaStack();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const replica = new ReplicaKey(stack, 'Replica', {
      primaryKey: importedPrimary(stack),
      trustAccountIdentities: false,
      administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)],
    });
    replica.grantDecrypt(reader);
    const statements = Template.fromStack(stack).toJSON().Resources.ReplicaDDFB2A87.Properties.KeyPolicy.Statement;
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['kms:Decrypt', 'kms:DescribeKey'], Principal: { AWS: { 'Fn::GetAtt': ['ReaderF7BF189D', 'Arn'] } } }),
    ]));
  });

  test.each<[string, (stack: Stack) => ReplicaKeyProps, string]>([
    ['a primary that is not multi-Region', (stack) => ({ primaryKey: importedPrimary(stack, `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`) }),
      "`primaryKey` must be a multi-Region key (its id starts with 'mrk-'), got 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'. Replicate a key created with `multiRegion: true`."],
    ['a primary in the replica\'s Region', (stack) => ({ primaryKey: importedPrimary(stack, `arn:aws:kms:eu-west-2:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`) }),
      "`primaryKey` must be in another Region than the replica, got 'arn:aws:kms:eu-west-2:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab' for a replica in eu-west-2. Put the ReplicaKey in a stack for another Region."],
    ['a single-Region CustomerManagedKey', (stack) => ({ primaryKey: new CustomerManagedKey(stack, 'Single') }),
      '`primaryKey` must be a multi-Region key, got ReplicaStack/Single, which is single-Region. Set `multiRegion: true` on it (this replaces the key).'],
    ['a multi-Region key in the same Region', (stack) => ({ primaryKey: new CustomerManagedKey(stack, 'Primary', { multiRegion: true }) }),
      '`primaryKey` must be in another Region than the replica, got ReplicaStack/Primary in eu-west-2. Put the ReplicaKey in a stack for another Region.'],
    ['a primary of another Region\'s stack without crossRegionReferences on the replica\'s', (stack) => ({
      primaryKey: new CustomerManagedKey(new Stack(stack.node.root, 'PrimaryStack', { env: { account: ACCOUNT, region: 'us-east-1' }, crossRegionReferences: true }), 'Primary', { multiRegion: true }),
    }), "`primaryKey` PrimaryStack/Primary is in us-east-1 and reaches the replica's stack ReplicaStack only through a cross-Region reference, which that stack does not enable. Set `crossRegionReferences: true` on ReplicaStack, or import the primary with CustomerManagedKey.fromKeyArn()."],
    ['a primary of another account', (stack) => ({
      primaryKey: new CustomerManagedKey(new Stack(stack.node.root, 'PrimaryStack', { env: { account: OTHER_ACCOUNT, region: 'us-east-1' } }), 'Primary', { multiRegion: true }),
    }), "`primaryKey` must be in the replica's account 111111111111, got PrimaryStack/Primary in account 222222222222. KMS replicates keys within one account only; put the ReplicaKey in a stack of account 222222222222."],
    ['a primary of a stack without a Region', (stack) => ({
      primaryKey: new CustomerManagedKey(new Stack(stack.node.root, 'PrimaryStack'), 'Primary', { multiRegion: true }),
    }), '`primaryKey` PrimaryStack/Primary and the replica must be in stacks with explicit Regions, got PrimaryStack and ReplicaStack without `env.region`. Set `env.region` on both stacks.'],
  ])('rejects %s', (_name, props, message) => {
    const stack = replicaStack();
    expect(() => new ReplicaKey(stack, 'Replica', props(stack))).toThrow(`[ReplicaStack/Replica] Invalid configuration: ${message}`);
  });

  test('a primary of another Region\'s stack of the app reaches the replica through a cross-Region reference', () => {
    // GIVEN
    const app = testApp();
    const primaryStack = new Stack(app, 'PrimaryStack', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const primary = new CustomerManagedKey(primaryStack, 'Primary', { multiRegion: true });
    const stack = new Stack(app, 'ReplicaStack', { env: { account: ACCOUNT, region: 'eu-west-2' }, crossRegionReferences: true });

    // WHEN
    const replica = new ReplicaKey(stack, 'Replica', { primaryKey: primary });

    // THEN
    expect(replica.primaryKey).toBe(primary);
    // The recommended flags make the reference weak (an output of the primary's stack); strong ones read an SSM parameter.
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::ReplicaKey', {
      PrimaryKeyArn: { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('Primary.*Arn') }) },
    });
    expect(stack.dependencies).toEqual([primaryStack]);
  });

  test('a grantee in another stack, with a replica that does not trust account identities, fails with the fix', () => {
    const app = testApp();
    const stack = replicaStack(app);
    const replica = new ReplicaKey(stack, 'Replica', {
      primaryKey: importedPrimary(stack),
      trustAccountIdentities: false,
      administrators: [new iam.AccountRootPrincipal()],
    });
    const role = new iam.Role(new Stack(app, 'AppStack', { env: { account: ACCOUNT, region: 'eu-west-2' } }), 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    expect(() => replica.grantDecrypt(role)).toThrow(new Error(
      '[ReplicaStack/Replica] Invalid configuration: `grantee` must be in the stack of ReplicaStack/Replica, whose key policy names every grantee because the key does not trust account identities, got AppStack/Role in stack AppStack: each stack would depend on the other. Define the grantee in the key\'s stack, or create the key with trustAccountIdentities: true.',
    ));
  });

  test('cdk-nag: a replica with intents has no findings', () => {
    const app = testApp();
    const stack = replicaStack(app);
    const replica = new ReplicaKey(stack, 'Replica', { primaryKey: importedPrimary(stack), alias: 'app/data' });
    replica.grantViaService(new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/App`), 'secretsmanager');
    expectNoNagFindings(app);
  });
});
