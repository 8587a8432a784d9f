import { App, Aws, CfnParameter, Stack, Token, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomerManagedKey, ReplicaKey } from '../../src/kms';
import { SnapshotService, SnapshotSharingGrant, SnapshotSharingOptions } from '../../src/sharing';
import { copyKeyUseStatement } from '../../src/sharing/private/statements';
import { ACCOUNT, OTHER_ACCOUNT, REGION, testApp, testStack, THIRD_ACCOUNT } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { expectNoNagFindings } from '../util/nag';
import { ALLOW_ALL_IDENTITY, Decision, evaluate } from '../util/policy';

// The policy simulator loads its IAM data on first use.
jest.setTimeout(60_000);

const ORGANIZATION = 'o-abcdefghij';
const EC2 = `ec2.${REGION}.amazonaws.com`;
const RDS = `rds.${REGION}.amazonaws.com`;
/** The ARN the test helpers give the shared key (`Key`) of the sharing account's stack. */
const SHARED_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/key961b73fd`;
const autoScalingRole = (account: string) =>
  `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;

/** A stack with a CustomerManagedKey shared with the options. */
function sharedKeyStack(options: SnapshotSharingOptions, app?: App): Stack {
  const stack = testStack('TestStack', {}, app);
  const key = new CustomerManagedKey(stack, 'Key');
  new SnapshotSharingGrant(stack, 'Share', { key, ...options });
  return stack;
}

function resolvedKeyPolicy(stack: Stack): any {
  const intrinsics = new Intrinsics(stack);
  return intrinsics.resolve(Template.fromStack(stack).toJSON().Resources.Key961B73FD.Properties.KeyPolicy);
}

/**
 * Evaluates a call on the shared key by a role of another account. By default the role's IAM policies allow
 * everything, so the key policy alone decides; `identity` replaces them.
 */
async function callFrom(
  stack: Stack,
  account: string,
  action: string,
  context: Record<string, string | string[]>,
  identity: any[] = [ALLOW_ALL_IDENTITY],
): Promise<Decision> {
  return evaluate(resolvedKeyPolicy(stack), {
    principal: `arn:aws:iam::${account}:role/copyrole`,
    action,
    resource: new Intrinsics(stack).arn('Key961B73FD'),
    resourceAccount: ACCOUNT,
    context: { 'aws:PrincipalAccount': account, 'kms:CallerAccount': account, ...context },
    identityStatements: identity,
  });
}

/** A stack of the target account's app. */
function targetAccountStack(app?: App): Stack {
  return new Stack(app ?? testApp(), 'TargetStack', { env: { account: OTHER_ACCOUNT, region: REGION } });
}

/** The target account's app: its own key, and a role with the copy policy. */
function targetStack(options: { services: SnapshotService[]; autoScalingServiceLinkedRole?: boolean; additionalRegions?: string[] }, app?: App) {
  const stack = targetAccountStack(app);
  const copyKey = new CustomerManagedKey(stack, 'CopyKey');
  const sharedKey = kms.Key.fromKeyArn(stack, 'SharedKey', SHARED_KEY_ARN);
  const document = SnapshotSharingGrant.targetAccountPolicy({ sharedKey, copyKey, ...options });
  const role = new iam.Role(stack, 'CopyRole', { assumedBy: new iam.AccountRootPrincipal() });
  const policy = new iam.ManagedPolicy(stack, 'CopyPolicy', { document, roles: [role] });
  return { stack, document, policy };
}

function identityStatements(stack: Stack): any[] {
  const intrinsics = new Intrinsics(stack);
  const policyId = intrinsics.logicalIdOf('AWS::IAM::ManagedPolicy');
  return intrinsics.resolve(Template.fromStack(stack).toJSON().Resources[policyId].Properties.PolicyDocument).Statement;
}

const viaEc2ForAwsResource = { 'kms:ViaService': EC2, 'kms:GrantIsForAWSResource': 'true' };

/** Options of a grant, and whether its key lets principals create grants themselves. */
type InvalidOptions = Partial<SnapshotSharingOptions> & { keyAllowsDirectGrants?: boolean };

describe('SnapshotSharingGrant', () => {
  test('defaults: use and AWS-resource grants for the target account, through the service in the key\'s Region', () => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');

    // WHEN
    const share = new SnapshotSharingGrant(stack, 'Share', { key, accounts: [OTHER_ACCOUNT], services: [SnapshotService.EBS] });

    // THEN
    expect(share.key).toBe(key);
    expect(stack.resolve(share.viaServiceEndpoints)).toEqual([
      { 'Fn::Join': ['', ['ec2.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
    ]);
    expect(resolvedKeyPolicy(stack).Statement.slice(2)).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
        Action: [
          'kms:Decrypt',
          'kms:DescribeKey',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
        ],
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': [EC2], 'kms:CallerAccount': [OTHER_ACCOUNT] } },
      },
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:ViaService': [EC2], 'kms:CallerAccount': [OTHER_ACCOUNT] },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      },
    ]);
  });

  test('logical IDs: the grant defines no resource of its own, only key-policy statements', () => {
    const stack = sharedKeyStack({ accounts: [OTHER_ACCOUNT], services: [SnapshotService.EBS] });
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources)).toEqual(['Key961B73FD']);
  });

  test('services: EBS and AMI share the ec2 endpoint, RDS adds rds; additional Regions add their endpoints', () => {
    // WHEN
    const stack = sharedKeyStack({
      accounts: [OTHER_ACCOUNT, THIRD_ACCOUNT, OTHER_ACCOUNT],
      services: [SnapshotService.EBS, SnapshotService.AMI, SnapshotService.RDS],
      additionalRegions: ['eu-central-1'],
    });

    // THEN
    const [, , use] = resolvedKeyPolicy(stack).Statement;
    expect(use.Principal).toEqual({ AWS: [`arn:aws:iam::${OTHER_ACCOUNT}:root`, `arn:aws:iam::${THIRD_ACCOUNT}:root`] });
    expect(use.Condition.StringEquals).toEqual({
      'kms:ViaService': [EC2, 'ec2.eu-central-1.amazonaws.com', RDS, 'rds.eu-central-1.amazonaws.com'],
      'kms:CallerAccount': [OTHER_ACCOUNT, THIRD_ACCOUNT],
    });
  });

  test('organization: its own statements, for everyone in the organization', () => {
    // WHEN
    const stack = sharedKeyStack({ organizationId: ORGANIZATION, services: [SnapshotService.RDS] });

    // THEN
    const statements = resolvedKeyPolicy(stack).Statement.slice(2);
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      expect(statement.Principal).toEqual({ AWS: '*' });
      expect(statement.Condition.StringEquals).toEqual({ 'kms:ViaService': [RDS], 'aws:PrincipalOrgID': ORGANIZATION });
      expect(statement.Condition.StringNotEquals).toEqual({ 'aws:PrincipalAccount': ACCOUNT });
    }
  });

  test('a ReplicaKey defined in the app can be shared: its own key policy gets the statements', async () => {
    // GIVEN
    const stack = testStack();
    const primary = kms.Key.fromKeyArn(stack, 'Primary', `arn:aws:kms:us-east-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`);
    const replica = new ReplicaKey(stack, 'Replica', { primaryKey: primary });

    // WHEN
    new SnapshotSharingGrant(stack, 'Share', { key: replica, accounts: [OTHER_ACCOUNT], services: [SnapshotService.EBS] });

    // THEN
    const intrinsics = new Intrinsics(stack);
    const replicaId = intrinsics.logicalIdOf('AWS::KMS::ReplicaKey');
    const policy = intrinsics.resolve(Template.fromStack(stack).toJSON().Resources[replicaId].Properties.KeyPolicy);
    expect(await evaluate(policy, {
      principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/copyrole`,
      action: 'kms:Decrypt',
      resource: intrinsics.arn(replicaId),
      resourceAccount: ACCOUNT,
      context: { 'kms:ViaService': EC2, 'kms:CallerAccount': OTHER_ACCOUNT },
      identityStatements: [ALLOW_ALL_IDENTITY],
    })).toBe('Allowed');
  });

  test('a custom service: its endpoint prefix in kms:ViaService', () => {
    const stack = sharedKeyStack({ accounts: [OTHER_ACCOUNT], services: [SnapshotService.of('redshift')] });
    expect(resolvedKeyPolicy(stack).Statement[2].Condition.StringEquals['kms:ViaService']).toEqual([`redshift.${REGION}.amazonaws.com`]);
  });

  test('an alias defined in this app shares the key it points at', () => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', { alias: 'snapshots' });

    // WHEN
    new SnapshotSharingGrant(stack, 'Share', { key: key.addAlias('alias/shared'), accounts: [OTHER_ACCOUNT], services: [SnapshotService.EBS] });

    // THEN
    expect(resolvedKeyPolicy(stack).Statement).toHaveLength(4);
  });

  test('unresolved tokens are not validated', () => {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');
    expect(() => new SnapshotSharingGrant(stack, 'Share', {
      key,
      accounts: [Token.asString({ Ref: 'TargetAccount' })],
      organizationId: Token.asString({ Ref: 'Organization' }),
      services: [SnapshotService.EBS],
      additionalRegions: [Token.asString({ Ref: 'CopyRegion' })],
    })).not.toThrow();
  });

  describe('bad input fails at synth time with one error', () => {
    test.each<[string, InvalidOptions, string]>([
      [
        'account id that is not 12 digits',
        { accounts: ['2222-2222-2222'] },
        "`accounts` must be a 12-digit AWS account id, got '2222-2222-2222'. Use the account id, not an alias or ARN.",
      ],
      [
        'the key\'s own account',
        { accounts: [ACCOUNT] },
        `\`accounts\` must not contain the key's own account, got '${ACCOUNT}': snapshots are shared with other accounts, and this account already uses the key through its own IAM policies. Remove it.`,
      ],
      [
        'no target',
        { accounts: [] },
        '`accounts` or `organizationId` must name who the snapshots are shared with, got neither. Name the target account ids, or the organization id.',
      ],
      [
        'an organization id that is not o- and 10 to 32 lowercase letters or digits',
        { organizationId: 'o-ABC' },
        "`organizationId` must be 'o-' followed by 10 to 32 lowercase letters or digits, got 'o-ABC'. Copy it from the AWS Organizations console.",
      ],
      [
        'an empty services list',
        { services: [] },
        '`services` must name at least one service, got none. Use SnapshotService.EBS, SnapshotService.RDS or SnapshotService.AMI.',
      ],
      [
        'a custom service that is not an endpoint prefix',
        { services: [SnapshotService.of('ec2.eu-west-1.amazonaws.com')] },
        "`service` must be a service endpoint prefix such as 's3' or 'secretsmanager', got 'ec2.eu-west-1.amazonaws.com'. Leave out the Region and '.amazonaws.com'.",
      ],
      [
        'an additional Region that is not a Region name',
        { additionalRegions: ['Frankfurt'] },
        "`additionalRegions` must contain Region names such as 'eu-central-1', got 'Frankfurt'.",
      ],
      [
        'the Auto Scaling option without AMIs',
        { autoScalingServiceLinkedRole: true },
        '`autoScalingServiceLinkedRole` applies to shared AMIs, got services without SnapshotService.AMI. Add SnapshotService.AMI to `services`, or leave `autoScalingServiceLinkedRole` unset.',
      ],
    ])('%s', (_name, options, message) => {
      // GIVEN
      const stack = testStack();
      const key = new CustomerManagedKey(stack, 'Key');

      // THEN
      expect(() => new SnapshotSharingGrant(stack, 'Share', {
        key,
        accounts: [OTHER_ACCOUNT],
        services: [SnapshotService.EBS],
        ...options,
      })).toThrow(new Error(`[TestStack/Share] Invalid configuration: ${message}`));
    });

    test.each<[string, (stack: Stack) => kms.IKey, string]>([
      [
        'an imported key',
        (stack) => kms.Key.fromKeyArn(stack, 'Imported', SHARED_KEY_ARN),
        '`key` must be a key defined in this app, got the imported key TestStack/Imported: its key policy cannot be edited here, so the target accounts would be denied use of the key and could not copy the shared snapshots. Use SnapshotSharingGrant in the app that defines the key.',
      ],
      [
        'an AWS managed key by alias',
        (stack) => kms.Alias.fromAliasName(stack, 'Ebs', 'alias/aws/ebs'),
        "`key` must be a customer managed key, got the AWS managed key 'alias/aws/ebs': AWS managed keys cannot be shared with other accounts, so neither can snapshots encrypted with them. Copy the snapshot with a CustomerManagedKey and share the copy.",
      ],
      [
        'an AWS managed key by alias ARN',
        (stack) => kms.Key.fromKeyArn(stack, 'Rds', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/aws/rds`),
        "`key` must be a customer managed key, got the AWS managed key 'alias/aws/rds': AWS managed keys cannot be shared with other accounts, so neither can snapshots encrypted with them. Copy the snapshot with a CustomerManagedKey and share the copy.",
      ],
      [
        'an asymmetric key',
        (stack) => new CustomerManagedKey(stack, 'Rsa', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT }),
        '`key` must be a symmetric encryption key (SYMMETRIC_DEFAULT), got a RSA_2048 key. Use a CustomerManagedKey with the default keySpec.',
      ],
    ])('%s', (_name, keyIn, message) => {
      // GIVEN
      const stack = testStack();

      // THEN
      expect(() => new SnapshotSharingGrant(stack, 'Share', { key: keyIn(stack), accounts: [OTHER_ACCOUNT], services: [SnapshotService.EBS] }))
        .toThrow(new Error(`[TestStack/Share] Invalid configuration: ${message}`));
    });

    test('every problem in one error', () => {
      const stack = testStack();
      const key = new CustomerManagedKey(stack, 'Key');
      expect(() => new SnapshotSharingGrant(stack, 'Share', { key, accounts: ['123', ACCOUNT], services: [] })).toThrow(
        new Error([
          '[TestStack/Share] Invalid configuration: ',
          "\n  - `accounts` must be a 12-digit AWS account id, got '123'. Use the account id, not an alias or ARN.",
          `\n  - \`accounts\` must not contain the key's own account, got '${ACCOUNT}': snapshots are shared with other accounts, and this account already uses the key through its own IAM policies. Remove it.`,
          '\n  - `services` must name at least one service, got none. Use SnapshotService.EBS, SnapshotService.RDS or SnapshotService.AMI.',
        ].join('')),
      );
    });
  });

  describe('behaviour of the key policy, evaluated with AWS policy logic', () => {
    const ebsShare = () => sharedKeyStack({ accounts: [OTHER_ACCOUNT], services: [SnapshotService.EBS] });

    test('the target account creates a grant for an AWS resource through EC2 in the Region: allowed', async () => {
      expect(await callFrom(ebsShare(), OTHER_ACCOUNT, 'kms:CreateGrant', viaEc2ForAwsResource)).toBe('Allowed');
    });

    test.each<[string, Record<string, string>]>([
      ['without kms:GrantIsForAWSResource', { 'kms:ViaService': EC2 }],
      ['with kms:GrantIsForAWSResource false', { 'kms:ViaService': EC2, 'kms:GrantIsForAWSResource': 'false' }],
      ['not through a service', { 'kms:GrantIsForAWSResource': 'true' }],
      ['through a service that is not shared', { 'kms:ViaService': RDS, 'kms:GrantIsForAWSResource': 'true' }],
      ['through EC2 in another Region', { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com', 'kms:GrantIsForAWSResource': 'true' }],
    ])('the target account creates a grant %s: denied', async (_name, context) => {
      expect(await callFrom(ebsShare(), OTHER_ACCOUNT, 'kms:CreateGrant', context)).not.toBe('Allowed');
    });

    test('a third account creates a grant for an AWS resource through EC2: denied', async () => {
      expect(await callFrom(ebsShare(), THIRD_ACCOUNT, 'kms:CreateGrant', viaEc2ForAwsResource)).toBe('ImplicitlyDenied');
    });

    test.each(['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'])(
      'the target account calls %s through EC2: allowed, directly: denied',
      async (action) => {
        const stack = ebsShare();
        expect(await callFrom(stack, OTHER_ACCOUNT, action, { 'kms:ViaService': EC2 })).toBe('Allowed');
        expect(await callFrom(stack, OTHER_ACCOUNT, action, {})).toBe('ImplicitlyDenied');
      },
    );

    test.each([
      'kms:Encrypt',
      'kms:GenerateDataKeyPair',
      'kms:PutKeyPolicy',
      'kms:ScheduleKeyDeletion',
      'kms:DisableKey',
      'kms:RevokeGrant',
      'kms:TagResource',
    ])('the target account cannot %s, even through EC2', async (action) => {
      expect(await callFrom(ebsShare(), OTHER_ACCOUNT, action, { 'kms:ViaService': EC2 })).toBe('ImplicitlyDenied');
    });

    test('the target account needs its own IAM policy too: with none, denied', async () => {
      expect(await callFrom(ebsShare(), OTHER_ACCOUNT, 'kms:CreateGrant', viaEc2ForAwsResource, [])).toBe('ImplicitlyDenied');
    });

    test('RDS: allowed through RDS, not through EC2', async () => {
      const stack = sharedKeyStack({ accounts: [OTHER_ACCOUNT], services: [SnapshotService.RDS] });
      expect(await callFrom(stack, OTHER_ACCOUNT, 'kms:CreateGrant', { 'kms:ViaService': RDS, 'kms:GrantIsForAWSResource': 'true' })).toBe('Allowed');
      expect(await callFrom(stack, OTHER_ACCOUNT, 'kms:CreateGrant', viaEc2ForAwsResource)).toBe('ImplicitlyDenied');
    });

    test('additional Regions: a copy into a named Region is allowed, into another Region denied', async () => {
      const stack = sharedKeyStack({ accounts: [OTHER_ACCOUNT], services: [SnapshotService.EBS], additionalRegions: ['eu-central-1'] });
      expect(await callFrom(stack, OTHER_ACCOUNT, 'kms:Decrypt', { 'kms:ViaService': 'ec2.eu-central-1.amazonaws.com' })).toBe('Allowed');
      expect(await callFrom(stack, OTHER_ACCOUNT, 'kms:Decrypt', { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' })).toBe('ImplicitlyDenied');
    });

    test('organization: an account of the organization is allowed, an account of another organization denied', async () => {
      const stack = sharedKeyStack({ organizationId: ORGANIZATION, services: [SnapshotService.EBS] });
      const member = { ...viaEc2ForAwsResource, 'aws:PrincipalOrgID': ORGANIZATION };
      const outsider = { ...viaEc2ForAwsResource, 'aws:PrincipalOrgID': 'o-zyxwvutsrq' };
      expect(await callFrom(stack, THIRD_ACCOUNT, 'kms:CreateGrant', member)).toBe('Allowed');
      expect(await callFrom(stack, THIRD_ACCOUNT, 'kms:CreateGrant', outsider)).toBe('ImplicitlyDenied');
      expect(await callFrom(stack, THIRD_ACCOUNT, 'kms:Encrypt', { 'kms:ViaService': EC2, 'aws:PrincipalOrgID': ORGANIZATION })).toBe('ImplicitlyDenied');
    });

    test('organization: a role of the key\'s own account without IAM permissions is denied, so its IAM policies still decide', async () => {
      const stack = sharedKeyStack({ organizationId: ORGANIZATION, services: [SnapshotService.EBS] });
      const member = { ...viaEc2ForAwsResource, 'aws:PrincipalOrgID': ORGANIZATION };
      expect(await callFrom(stack, ACCOUNT, 'kms:Decrypt', member, [])).toBe('ImplicitlyDenied');
      expect(await callFrom(stack, ACCOUNT, 'kms:CreateGrant', member, [])).toBe('ImplicitlyDenied');
      expect(await callFrom(stack, ACCOUNT, 'kms:Decrypt', member)).toBe('Allowed');
    });

    describe('the Auto Scaling service-linked role grant', () => {
      const amiShare = (autoScalingServiceLinkedRole: boolean) =>
        sharedKeyStack({ accounts: [OTHER_ACCOUNT, THIRD_ACCOUNT], services: [SnapshotService.AMI], autoScalingServiceLinkedRole });
      const grantFor = (grantee: string, operations: string[]) => ({ 'kms:GranteePrincipal': grantee, 'kms:GrantOperations': operations });
      const operations = ['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'DescribeKey', 'CreateGrant'];

      test('the target account grants its own service-linked role the EBS operations: allowed', async () => {
        expect(await callFrom(amiShare(true), OTHER_ACCOUNT, 'kms:CreateGrant', grantFor(autoScalingRole(OTHER_ACCOUNT), operations))).toBe('Allowed');
      });

      test.each<[string, Record<string, string | string[]>, Decision]>([
        ['another target account\'s role', grantFor(autoScalingRole(THIRD_ACCOUNT), operations), 'ExplicitlyDenied'],
        ['another role of its own', grantFor(`arn:aws:iam::${OTHER_ACCOUNT}:role/copyrole`, operations), 'ExplicitlyDenied'],
        ['Encrypt', grantFor(autoScalingRole(OTHER_ACCOUNT), [...operations, 'Encrypt']), 'ImplicitlyDenied'],
        ['RetireGrant', grantFor(autoScalingRole(OTHER_ACCOUNT), ['Decrypt', 'RetireGrant']), 'ImplicitlyDenied'],
        ['no operations', { 'kms:GranteePrincipal': autoScalingRole(OTHER_ACCOUNT) }, 'ImplicitlyDenied'],
      ])('a grant for %s: denied', async (_name, context, decision) => {
        expect(await callFrom(amiShare(true), OTHER_ACCOUNT, 'kms:CreateGrant', context)).toBe(decision);
      });

      test('the key keeps denying grants outside AWS services for any other grantee, even to its own account\'s roles with IAM kms:*', async () => {
        // GIVEN the key's own account, whose IAM policies the key trusts
        const outsider = grantFor(`arn:aws:iam::${THIRD_ACCOUNT}:role/outsider`, ['Decrypt']);

        // THEN
        expect(await callFrom(amiShare(true), ACCOUNT, 'kms:CreateGrant', { ...outsider, 'kms:GrantIsForAWSResource': 'false' })).toBe('ExplicitlyDenied');
        expect(await callFrom(amiShare(true), ACCOUNT, 'kms:CreateGrant', outsider)).toBe('ExplicitlyDenied');
        expect(resolvedKeyPolicy(amiShare(true)).Statement.find((s: any) => s.Sid === 'LimitGrantsToAwsServices').Condition.StringNotEquals)
          .toEqual({ 'kms:GranteePrincipal': 'arn:aws:iam::${aws:PrincipalAccount}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling' });
      });

      test('without the option, the grant is denied', async () => {
        expect(await callFrom(amiShare(false), OTHER_ACCOUNT, 'kms:CreateGrant', grantFor(autoScalingRole(OTHER_ACCOUNT), operations))).toBe('ExplicitlyDenied');
      });
    });
  });

  describe('the target account\'s policy', () => {
    test('use of both keys through the services, grants for AWS resources, the services\' copy actions', () => {
      // WHEN
      const { stack } = targetStack({ services: [SnapshotService.EBS, SnapshotService.RDS] });

      // THEN
      const intrinsics = new Intrinsics(stack);
      const copyKeyArn = intrinsics.arn(intrinsics.logicalIdOf('AWS::KMS::Key'));
      const viaServices = { 'kms:ViaService': [EC2, RDS] };
      expect(identityStatements(stack)).toEqual([
        {
          Effect: 'Allow',
          Action: [
            'kms:Decrypt',
            'kms:DescribeKey',
            'kms:GenerateDataKey',
            'kms:GenerateDataKeyWithoutPlaintext',
            'kms:ReEncryptFrom',
            'kms:ReEncryptTo',
          ],
          Resource: [SHARED_KEY_ARN, copyKeyArn],
          Condition: { StringEquals: viaServices },
        },
        {
          Effect: 'Allow',
          Action: 'kms:CreateGrant',
          Resource: [SHARED_KEY_ARN, copyKeyArn],
          Condition: { StringEquals: viaServices, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        },
        {
          Effect: 'Allow',
          Action: [
            'ec2:CopySnapshot',
            'ec2:DescribeSnapshots',
            'rds:CopyDBClusterSnapshot',
            'rds:CopyDBSnapshot',
            'rds:DescribeDBClusterSnapshots',
            'rds:DescribeDBSnapshots',
          ],
          Resource: '*',
        },
      ]);
    });

    test('with the shared key policy: the role copies through EC2, and nothing else', async () => {
      // GIVEN the key policy of the sharing account and the role's policy in the target account
      const source = sharedKeyStack({ accounts: [OTHER_ACCOUNT], services: [SnapshotService.EBS] });
      const { stack } = targetStack({ services: [SnapshotService.EBS] });
      const statements = identityStatements(stack);

      // THEN
      expect(await callFrom(source, OTHER_ACCOUNT, 'kms:CreateGrant', viaEc2ForAwsResource, statements)).toBe('Allowed');
      expect(await callFrom(source, OTHER_ACCOUNT, 'kms:ReEncryptFrom', { 'kms:ViaService': EC2 }, statements)).toBe('Allowed');
      expect(await callFrom(source, OTHER_ACCOUNT, 'kms:CreateGrant', { 'kms:ViaService': EC2 }, statements)).toBe('ExplicitlyDenied');
      expect(await callFrom(source, OTHER_ACCOUNT, 'kms:Decrypt', {}, statements)).toBe('ImplicitlyDenied');
    });

    test('with the own key\'s policy: the role re-encrypts the copy with its own key through EC2', async () => {
      // GIVEN
      const { stack } = targetStack({ services: [SnapshotService.EBS] });
      const intrinsics = new Intrinsics(stack);
      const copyKeyId = intrinsics.logicalIdOf('AWS::KMS::Key');
      const request = (action: string, context: Record<string, string>) => evaluate(
        intrinsics.resolve(Template.fromStack(stack).toJSON().Resources[copyKeyId].Properties.KeyPolicy),
        {
          principal: intrinsics.arn(intrinsics.logicalIdOf('AWS::IAM::Role')),
          action,
          resource: intrinsics.arn(copyKeyId),
          resourceAccount: OTHER_ACCOUNT,
          context: { 'kms:CallerAccount': OTHER_ACCOUNT, ...context },
          identityStatements: identityStatements(stack),
        },
      );

      // THEN
      expect(await request('kms:ReEncryptTo', { 'kms:ViaService': EC2 })).toBe('Allowed');
      expect(await request('kms:CreateGrant', viaEc2ForAwsResource)).toBe('Allowed');
      expect(await request('kms:GenerateDataKey', {})).toBe('ImplicitlyDenied');
      expect(await request('kms:Encrypt', { 'kms:ViaService': EC2 })).toBe('ImplicitlyDenied');
    });

    test('Auto Scaling: the role creates the grant for the account\'s service-linked role, and only that grant', async () => {
      // GIVEN
      const source = sharedKeyStack({ accounts: [OTHER_ACCOUNT], services: [SnapshotService.AMI], autoScalingServiceLinkedRole: true });
      const { stack } = targetStack({ services: [SnapshotService.AMI], autoScalingServiceLinkedRole: true });
      const statements = identityStatements(stack);
      const operations = ['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'DescribeKey', 'CreateGrant'];

      // THEN
      expect(statements[3]).toEqual({
        Effect: 'Allow',
        Action: 'kms:CreateGrant',
        Resource: SHARED_KEY_ARN,
        Condition: {
          'StringEquals': { 'kms:GranteePrincipal': autoScalingRole(OTHER_ACCOUNT) },
          'ForAllValues:StringEquals': {
            'kms:GrantOperations': ['Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'DescribeKey', 'CreateGrant'],
          },
          'Null': { 'kms:GrantOperations': 'false' },
        },
      });
      const grant = (grantee: string) => ({ 'kms:GranteePrincipal': grantee, 'kms:GrantOperations': operations });
      expect(await callFrom(source, OTHER_ACCOUNT, 'kms:CreateGrant', grant(autoScalingRole(OTHER_ACCOUNT)), statements)).toBe('Allowed');
      expect(await callFrom(source, OTHER_ACCOUNT, 'kms:CreateGrant', grant(`arn:aws:iam::${OTHER_ACCOUNT}:role/copyrole`), statements)).toBe('ExplicitlyDenied');
    });

    test('additional Regions: both keys through the services there too', () => {
      const { stack } = targetStack({ services: [SnapshotService.AMI], additionalRegions: ['eu-central-1'] });
      expect(identityStatements(stack)[0].Condition.StringEquals['kms:ViaService']).toEqual([EC2, 'ec2.eu-central-1.amazonaws.com']);
    });

    test('why a key ARN with a wildcard is refused: the role could use every key of its account through the services', async () => {
      // GIVEN the use statement as a wildcard shared key would make it, and a key of the target account
      // that has nothing to do with sharing, with the default key policy
      const statement = copyKeyUseStatement([`arn:aws:kms:${REGION}:${ACCOUNT}:key/*`, `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/*`], [EC2]);
      const defaultKeyPolicy = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
      };

      // THEN the role decrypts with it through EC2
      expect(await evaluate(defaultKeyPolicy, {
        principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/copyrole`,
        action: 'kms:Decrypt',
        resource: `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/0f1e2d3c-unrelated-key`,
        resourceAccount: OTHER_ACCOUNT,
        context: { 'kms:ViaService': EC2, 'kms:CallerAccount': OTHER_ACCOUNT },
        identityStatements: [new Stack().resolve(statement.toStatementJson())],
      })).toBe('Allowed');
    });

    test.each<[string, string, string]>([
      ['every key of the account', `arn:aws:kms:${REGION}:${ACCOUNT}:key/*`, `arn:aws:kms:${REGION}:${ACCOUNT}:key/*`],
      ['a key id in every Region', `arn:aws:kms:*:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, `arn:aws:kms:*:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
      ['a one-character wildcard', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890a?`, `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890a?`],
      ['a wildcard beside a token', `arn:aws:kms:${Aws.REGION}:${ACCOUNT}:key/*`, `arn:aws:kms:<AWS.Region>:${ACCOUNT}:key/*`],
    ])('a shared key ARN with a wildcard is refused: %s', (_name, arn, echoed) => {
      // GIVEN
      const stack = targetAccountStack();
      const copyKey = new CustomerManagedKey(stack, 'CopyKey');

      // THEN
      expect(() => SnapshotSharingGrant.targetAccountPolicy({ sharedKey: kms.Key.fromKeyArn(stack, 'SharedKey', arn), copyKey, services: [SnapshotService.EBS] }))
        .toThrow(new Error(`[TargetStack/CopyKey] Invalid configuration: \`sharedKey\` must be one key, got the key ARN '${echoed}', whose wildcard would let the role use every key it matches. Import the key with kms.Key.fromKeyArn and its full key ARN (arn:aws:kms:<region>:<account>:key/<key-id>).`));
    });

    test('a copy key ARN with a wildcard is refused too', () => {
      // GIVEN
      const stack = targetAccountStack();
      const copyKey = kms.Key.fromKeyArn(stack, 'CopyKey', `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/*`);

      // THEN
      expect(() => SnapshotSharingGrant.targetAccountPolicy({ sharedKey: kms.Key.fromKeyArn(stack, 'SharedKey', SHARED_KEY_ARN), copyKey, services: [SnapshotService.EBS] }))
        .toThrow(new Error(`[TargetStack/CopyKey] Invalid configuration: \`copyKey\` must be one key, got the key ARN 'arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/*', whose wildcard would let the role use every key it matches. Import the key with kms.Key.fromKeyArn and its full key ARN (arn:aws:kms:<region>:<account>:key/<key-id>).`));
    });

    test('a shared key ARN from a parameter is taken as the one key it names at deployment', () => {
      // GIVEN
      const stack = targetAccountStack();
      const copyKey = new CustomerManagedKey(stack, 'CopyKey');
      const sharedKeyArn = new CfnParameter(stack, 'SharedKeyArn');

      // WHEN
      const document = SnapshotSharingGrant.targetAccountPolicy({ sharedKey: kms.Key.fromKeyArn(stack, 'SharedKey', sharedKeyArn.valueAsString), copyKey, services: [SnapshotService.EBS] });

      // THEN
      expect(stack.resolve(document.toJSON()).Statement[0].Resource[0]).toEqual({ Ref: 'SharedKeyArn' });
    });

    test.each<[string, { services: SnapshotService[]; autoScalingServiceLinkedRole?: boolean; additionalRegions?: string[] }, string]>([
      [
        'an empty services list',
        { services: [] },
        '`services` must name at least one service, got none. Use SnapshotService.EBS, SnapshotService.RDS or SnapshotService.AMI.',
      ],
      [
        'an additional Region that is not a Region name',
        { services: [SnapshotService.EBS], additionalRegions: ['eu_west_2'] },
        "`additionalRegions` must contain Region names such as 'eu-central-1', got 'eu_west_2'.",
      ],
      [
        'the Auto Scaling option without AMIs',
        { services: [SnapshotService.RDS], autoScalingServiceLinkedRole: true },
        '`autoScalingServiceLinkedRole` applies to shared AMIs, got services without SnapshotService.AMI. Add SnapshotService.AMI to `services`, or leave `autoScalingServiceLinkedRole` unset.',
      ],
    ])('bad input: %s', (_name, options, message) => {
      expect(() => targetStack(options)).toThrow(new Error(`[TargetStack/CopyKey] Invalid configuration: ${message}`));
    });
  });

  describe('cdk-nag', () => {
    test('a default instance: no findings', () => {
      const app = testApp();
      sharedKeyStack({ accounts: [OTHER_ACCOUNT], services: [SnapshotService.EBS] }, app);
      expectNoNagFindings(app);
    });

    test('a fully configured instance and the target account\'s role: no findings beyond the acknowledged copy actions', () => {
      // GIVEN
      const app = testApp();
      sharedKeyStack({
        accounts: [OTHER_ACCOUNT, THIRD_ACCOUNT],
        organizationId: ORGANIZATION,
        services: [SnapshotService.EBS, SnapshotService.RDS, SnapshotService.AMI],
        additionalRegions: ['eu-central-1'],
        autoScalingServiceLinkedRole: true,
      }, app);
      const { policy } = targetStack({
        services: [SnapshotService.EBS, SnapshotService.RDS, SnapshotService.AMI],
        additionalRegions: ['eu-central-1'],
        autoScalingServiceLinkedRole: true,
      }, app);

      // WHEN the user acknowledges what the README tells them to
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'Copying a shared snapshot or AMI needs its copy and describe actions on any snapshot: the source belongs to the sharing account and the copy does not exist yet. KMS use is limited to the two keys.',
      });

      // THEN
      expectNoNagFindings(app);
    });
  });
});
