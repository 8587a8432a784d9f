import { App, Annotations as CoreAnnotations, Aws, Duration, Fn, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CustomerManagedKey } from '../../src/kms/customer-managed-key';
import { ReplicaKey } from '../../src/kms/replica-key';
import { RotatingSecret, RotatingSecretProps, SecretRotation, SecretRotationSchedule } from '../../src/secretsmanager';
import { secretNameDigest, settingsFor } from '../../src/secretsmanager/private/rotation-settings';
import { secretsManagerKeyStatement } from '../../src/secretsmanager/private/statements';
import { ACCOUNT, OTHER_ACCOUNT, REGION, testApp, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { expectNoNagFindings } from '../util/nag';
import { ALLOW_ALL_IDENTITY, evaluate } from '../util/policy';

const REPLICA_REGION = 'eu-central-1';
const REPLICA_KEY_ARN = `arn:aws:kms:${REPLICA_REGION}:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
const VIA_SECRETS_MANAGER = `secretsmanager.${REGION}.amazonaws.com`;

jest.setTimeout(60_000);

function template(stack: Stack) {
  return Template.fromStack(stack);
}

/** The generic rotation function's ROTATION_SETTINGS, parsed. */
function settingsEnvironment(stack: Stack): any {
  const fn = Object.values(template(stack).findResources('AWS::Lambda::Function'))
    .find((candidate) => String(candidate.Properties.Description).includes('generic rotation'))!;
  return JSON.parse(fn.Properties.Environment.Variables.ROTATION_SETTINGS);
}

/**
 * The rotation settings of the only secret in the stack, as its generic rotation function's environment
 * lists them. The secret itself carries none: no tag a principal with TagResource could change.
 */
function rotationSettings(stack: Stack): unknown {
  const secret = Object.values(template(stack).findResources('AWS::SecretsManager::Secret'))[0];
  expect(JSON.stringify(secret.Properties.Tags ?? [])).not.toContain('rotation');
  return settingsFor(secret.Properties.Name, JSON.stringify(settingsEnvironment(stack)));
}

function vpcWithSecurityGroup(stack: Stack) {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1234',
    availabilityZones: ['eu-west-1a'],
    privateSubnetIds: ['subnet-1234'],
  });
  return { vpc, securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1234') };
}

describe('defaults', () => {
  test('a generated value, encrypted with a new rotating customer-managed key, retained', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new RotatingSecret(stack, 'Secret');

    // THEN
    template(stack).hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Name: 'TestStackSecret51FC75B5',
        GenerateSecretString: {},
        KmsKeyId: { 'Fn::GetAtt': ['SecretKeyBCA64351', 'Arn'] },
        SecretString: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template(stack).hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: 'Encrypts the secret TestStack/Secret' });
    expect(rotationSettings(stack)).toEqual({});
  });

  test('rotates every 30 days, immediately, with the stack generic rotation function', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new RotatingSecret(stack, 'Secret');

    // THEN
    template(stack).hasResource('AWS::SecretsManager::RotationSchedule', {
      Properties: {
        SecretId: { Ref: 'SecretA720EF05' },
        RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CdkKmsEncryptionGenericRotationFunction'), 'Arn'] },
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
        RotateImmediatelyOnUpdate: true,
      },
      // Secrets Manager invokes the function as soon as the schedule exists: permissions first.
      DependsOn: Match.arrayWith([
        Match.stringLikeRegexp('^CdkKmsEncryptionGenericRotationInvokePermission'),
        Match.stringLikeRegexp('^CdkKmsEncryptionGenericRotationKeyPolicies'),
        Match.stringLikeRegexp('^CdkKmsEncryptionGenericRotationPolicy'),
        Match.stringLikeRegexp('^CdkKmsEncryptionGenericRotationPreviousKeyPolicies'),
        Match.stringLikeRegexp('^CdkKmsEncryptionGenericRotationSecretPolicies'),
      ]),
    });
  });

  test('Secrets Manager may invoke the rotation function for secrets of this account only; the secret carries the stack\'s ownership tag', () => {
    const stack = testStack();
    new RotatingSecret(stack, 'Secret');
    template(stack).resourceCountIs('AWS::Lambda::Permission', 1);
    template(stack).hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CdkKmsEncryptionGenericRotationFunction'), 'Arn'] },
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: ACCOUNT,
      SourceArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:*`,
    });
    template(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      Tags: [{ Key: 'cdk-kms-encryption:stack-id', Value: { Ref: 'AWS::StackId' } }],
    });
  });

  test('the rotation function logs to an encrypted log group and has no AWS managed or inline policy', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new RotatingSecret(stack, 'Secret');

    // THEN
    template(stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^CdkKmsEncryptionGenericRotationLogGroup') } },
    });
    template(stack).hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue() });
    template(stack).hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), Policies: Match.absent() });
    template(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('pins the logical IDs of a default instance', () => {
    const stack = testStack();
    new RotatingSecret(stack, 'Secret');
    expect(Object.keys(template(stack).toJSON().Resources).sort()).toEqual([
      'CdkKmsEncryptionGenericRotationFunctionB0EEB82C',
      'CdkKmsEncryptionGenericRotationInvokePermissionBA39F251',
      'CdkKmsEncryptionGenericRotationKeyPoliciesPolicy1708EA871',
      'CdkKmsEncryptionGenericRotationLogGroupC35D40FD',
      'CdkKmsEncryptionGenericRotationPolicyE83E1976',
      'CdkKmsEncryptionGenericRotationPreviousKeyPoliciesPolicy126F965C7',
      'CdkKmsEncryptionGenericRotationSecretPoliciesPolicy107D7F276',
      'CdkKmsEncryptionGenericRotationServiceRole7869DA28',
      'CdkKmsEncryptionHandlerLogsKey44DCF2D6',
      'SecretA720EF05',
      'SecretKeyBCA64351',
      'SecretRotationSchedule4642579F',
    ]);
  });
});

describe('options', () => {
  test('name, description and removal policy; the key policy serves any secret of the account, not only this one', () => {
    const stack = testStack();
    new RotatingSecret(stack, 'Secret', { secretName: 'prod/api-key', description: 'Partner API key', removalPolicy: RemovalPolicy.DESTROY });
    template(stack).hasResource('AWS::SecretsManager::Secret', {
      Properties: { Name: 'prod/api-key', Description: 'Partner API key' },
      DeletionPolicy: 'Delete',
    });
    template(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Condition: Match.objectLike({ StringLike: { 'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:*` } }),
        })]),
      },
    });
  });

  test('a JSON secret rotates the generated field with the generation options of the first value', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new RotatingSecret(stack, 'Secret', {
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'app' }),
        generateStringKey: 'password',
        passwordLength: 40,
        excludeCharacters: '"@/\\',
      },
    });

    // THEN
    expect(rotationSettings(stack)).toEqual({ jsonField: 'password', passwordLength: 40, excludeCharacters: '"@/\\' });
  });

  test('an explicit jsonField equal to the generated field', () => {
    const stack = testStack();
    new RotatingSecret(stack, 'Secret', {
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'token' },
      rotation: SecretRotation.generic({ jsonField: 'token' }),
    });
    expect(rotationSettings(stack)).toEqual({ jsonField: 'token' });
  });

  test.each([
    [SecretRotationSchedule.rate(Duration.hours(4)), 'rate(4 hours)'],
    [SecretRotationSchedule.rate(Duration.days(1)), 'rate(1 day)'],
    [SecretRotationSchedule.rate(Duration.days(1000)), 'rate(1000 days)'],
    [SecretRotationSchedule.expression('cron(0 4 ? * SUN *)'), 'cron(0 4 ? * SUN *)'],
    [SecretRotationSchedule.expression('rate(12 hours)'), 'rate(12 hours)'],
  ])('schedule %#', (rotationSchedule, expression) => {
    const stack = testStack();
    new RotatingSecret(stack, 'Secret', { rotationSchedule, rotateImmediately: false });
    template(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: expression },
      RotateImmediatelyOnUpdate: false,
    });
  });

  test('replicas use their own key, whose policy cannot be edited here: a warning shows the statement', () => {
    // GIVEN
    const stack = testStack();
    const replicaKey = kms.Key.fromKeyArn(stack, 'ReplicaKey', REPLICA_KEY_ARN);

    // WHEN
    new RotatingSecret(stack, 'Secret', { replicaRegions: [{ region: REPLICA_REGION, encryptionKey: replicaKey }] });

    // THEN
    template(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      ReplicaRegions: [{ Region: REPLICA_REGION, KmsKeyId: REPLICA_KEY_ARN }],
    });
    const statement = {
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${REPLICA_REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT },
        StringLike: { 'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:*:${ACCOUNT}:secret:*` },
      },
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Resource: '*',
    };
    Annotations.fromStack(stack).hasWarning('/TestStack/Secret', [
      'The key policy of TestStack/ReplicaKey cannot be edited in this app (the key is imported).',
      `Add this statement to it, or the service will be denied use of the key: ${JSON.stringify(statement)}.`,
      'Once added, acknowledge this warning on TestStack/Secret. [ack: cdk-kms-encryption:keyPolicyNotEditable]',
    ].join(' '));
  });

  test('the keyPolicyNotEditable warning is acknowledged on the secret that emits it', () => {
    // GIVEN
    const stack = testStack();
    const secret = new RotatingSecret(stack, 'Secret', {
      replicaRegions: [{ region: REPLICA_REGION, encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicaKey', REPLICA_KEY_ARN) }],
    });

    // WHEN
    CoreAnnotations.of(secret).acknowledgeWarning('cdk-kms-encryption:keyPolicyNotEditable', 'The statement is in the replica key policy.');

    // THEN
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('a given key gets the Secrets Manager statement; an imported key gets a warning instead', () => {
    // GIVEN
    const stack = testStack();
    const shared = new CustomerManagedKey(stack, 'Shared');
    const imported = kms.Key.fromKeyArn(stack, 'Imported', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);

    // WHEN
    new RotatingSecret(stack, 'A', { encryptionKey: shared });
    new RotatingSecret(stack, 'B', { encryptionKey: imported });

    // THEN
    template(stack).resourceCountIs('AWS::KMS::Key', 2); // the shared key and the log group's
    template(stack).hasResourceProperties('AWS::SecretsManager::Secret', { Name: Match.stringLikeRegexp('^TestStackA'), KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Shared'), 'Arn'] } });
    template(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Condition: Match.objectLike({ StringLike: { 'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:*` } }),
        })]),
      },
    });
    template(stack).hasResourceProperties('AWS::SecretsManager::Secret', { Name: Match.stringLikeRegexp('^TestStackB'), KmsKeyId: imported.keyArn });
    Annotations.fromStack(stack).hasWarning('/TestStack/B', Match.stringLikeRegexp('TestStack/Imported cannot be edited.*kms:EncryptionContext:SecretARN.*secret:\\*'));
    Annotations.fromStack(stack).hasNoWarning('/TestStack/A', Match.anyValue());
  });

  test('one generic rotation function per stack, with one invoke permission for all its secrets, each tagged', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new RotatingSecret(stack, 'A');
    new RotatingSecret(stack, 'B');

    // THEN (what the function may do to secrets: generic-rotation-function.test.ts)
    template(stack).resourceCountIs('AWS::Lambda::Function', 1);
    template(stack).resourceCountIs('AWS::Lambda::Permission', 1);
    const tags = Object.values(template(stack).findResources('AWS::SecretsManager::Secret')).map((secret) => secret.Properties.Tags);
    expect(tags).toEqual([0, 1].map(() => [{ Key: 'cdk-kms-encryption:stack-id', Value: { Ref: 'AWS::StackId' } }]));
  });

  test('hosted rotation: Secrets Manager creates the function from its transform, with the key and network settings', () => {
    // GIVEN
    const stack = testStack();
    const { vpc, securityGroup } = vpcWithSecurityGroup(stack);
    const master = new RotatingSecret(stack, 'Master');

    // WHEN
    new RotatingSecret(stack, 'Secret', {
      generateSecretString: { secretStringTemplate: '{"username":"app"}', generateStringKey: 'password', excludeCharacters: '"@/\\' },
      rotation: SecretRotation.hosted({
        rotationType: secretsmanager.HostedRotationType.POSTGRESQL_MULTI_USER,
        vpc,
        securityGroups: [securityGroup],
        masterSecret: master,
        functionName: 'rotate-app',
      }),
    });

    // THEN
    expect(template(stack).toJSON().Transform).toEqual('AWS::SecretsManager-2024-09-16');
    template(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: 'SecretA720EF05' },
      RotationLambdaARN: Match.absent(),
      HostedRotationLambda: {
        RotationType: 'PostgreSQLMultiUser',
        KmsKeyArn: { 'Fn::GetAtt': ['SecretKeyBCA64351', 'Arn'] },
        MasterSecretArn: { Ref: Match.stringLikeRegexp('^Master') },
        MasterSecretKmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MasterKey'), 'Arn'] },
        RotationLambdaName: 'rotate-app',
        VpcSecurityGroupIds: 'sg-1234',
        VpcSubnetIds: 'subnet-1234',
        ExcludeCharacters: '"@/\\',
      },
    });
    // Only the master secret uses the generic function; no tag tells it to rotate the hosted one.
    template(stack).resourceCountIs('AWS::Lambda::Permission', 1);
    expect(template(stack).toJSON().Resources.SecretA720EF05.Properties.Tags).toBeUndefined();
  });

  test('your own function gets this secret, its key through Secrets Manager, and the invoke permission', () => {
    // GIVEN
    const stack = testStack();
    const fn = new lambda.Function(stack, 'MyRotation', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });

    // WHEN
    new RotatingSecret(stack, 'Secret', { rotation: SecretRotation.fromFunction(fn) });

    // THEN
    template(stack).resourceCountIs('AWS::Lambda::Function', 1);
    template(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyRotation'), 'Arn'] } });
    template(stack).resourceCountIs('AWS::Lambda::Permission', 1);
    template(stack).hasResourceProperties('AWS::Lambda::Permission', { SourceArn: { Ref: 'SecretA720EF05' }, SourceAccount: ACCOUNT });
    // The ownership tag is for the generic function only.
    expect(template(stack).toJSON().Resources.SecretA720EF05.Properties.Tags).toBeUndefined();
    template(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['secretsmanager:PutSecretValue']), Resource: { Ref: 'SecretA720EF05' } }),
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'kms:ViaService': Match.anyValue(), 'kms:EncryptionContext:SecretARN': { Ref: 'SecretA720EF05' } } },
          }),
        ]),
      },
    });
  });
});

describe('grants and resource policy', () => {
  test('grantRead adds kms:Decrypt through Secrets Manager for this secret on the reader side', () => {
    // GIVEN
    const stack = testStack();
    const secret = new RotatingSecret(stack, 'Secret');
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    secret.grantRead(reader);

    // THEN
    template(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'kms:Decrypt',
          Resource: { 'Fn::GetAtt': ['SecretKeyBCA64351', 'Arn'] },
          Condition: { StringEquals: { 'kms:ViaService': Match.anyValue(), 'kms:EncryptionContext:SecretARN': { Ref: 'SecretA720EF05' } } },
        })]),
      },
    });
  });

  test('a resource policy always blocks public policies', () => {
    // GIVEN
    const stack = testStack();
    const secret = new RotatingSecret(stack, 'Secret');

    // WHEN
    secret.grantRead(new iam.AccountPrincipal(OTHER_ACCOUNT));

    // THEN
    template(stack).hasResourceProperties('AWS::SecretsManager::ResourcePolicy', { BlockPublicPolicy: true });
  });
});

describe('behaviour of the synthesized policies', () => {
  /** A key that trusts only its policy, so the Secrets Manager statement alone decides. */
  function keyPolicyOnlySetup() {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', {
      trustAccountIdentities: false,
      administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/admin`)],
    });
    new RotatingSecret(stack, 'Secret', { encryptionKey: key });
    const intrinsics = new Intrinsics(stack);
    const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
    const keyPolicy = intrinsics.resolve(template(stack).toJSON().Resources[keyId].Properties.KeyPolicy);
    const secretArn = intrinsics.arn('SecretA720EF05');
    const keyArn = intrinsics.arn(keyId);
    return { keyPolicy, secretArn, keyArn };
  }

  const role = `arn:aws:iam::${ACCOUNT}:role/app`;
  const context = (secretArn: string, via = VIA_SECRETS_MANAGER, callerAccount = ACCOUNT) => ({
    'kms:ViaService': via,
    'kms:CallerAccount': callerAccount,
    'kms:EncryptionContext:SecretARN': secretArn,
  });

  test.each(['kms:Decrypt', 'kms:GenerateDataKey'])('Secrets Manager acting for this account on this secret may call %s', async (action) => {
    const { keyPolicy, secretArn, keyArn } = keyPolicyOnlySetup();
    expect(await evaluate(keyPolicy, {
      principal: role,
      action,
      resource: keyArn,
      resourceAccount: ACCOUNT,
      context: context(secretArn),
      identityStatements: [ALLOW_ALL_IDENTITY],
    })).toEqual('Allowed');
  });

  test.each([
    ['direct use, not through Secrets Manager', (arn: string) => ({ 'kms:CallerAccount': ACCOUNT, 'kms:EncryptionContext:SecretARN': arn })],
    ['use through another service', (arn: string) => context(arn, `ssm.${REGION}.amazonaws.com`)],
    ['Secrets Manager in another Region', (arn: string) => context(arn, `secretsmanager.${REPLICA_REGION}.amazonaws.com`)],
    ['a secret of another account', () => context(`arn:aws:secretsmanager:${REGION}:${OTHER_ACCOUNT}:secret:other-AbCdEf`)],
    ['something that is not a secret', () => context(`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/other`)],
  ])('is denied: %s', async (_, contextFor) => {
    const { keyPolicy, secretArn, keyArn } = keyPolicyOnlySetup();
    expect(await evaluate(keyPolicy, {
      principal: role,
      action: 'kms:Decrypt',
      resource: keyArn,
      resourceAccount: ACCOUNT,
      context: contextFor(secretArn),
      identityStatements: [ALLOW_ALL_IDENTITY],
    })).toEqual('ImplicitlyDenied');
  });

  test('is denied: a caller from another account', async () => {
    const { keyPolicy, secretArn, keyArn } = keyPolicyOnlySetup();
    expect(await evaluate(keyPolicy, {
      principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/app`,
      action: 'kms:Decrypt',
      resource: keyArn,
      resourceAccount: ACCOUNT,
      context: context(secretArn, VIA_SECRETS_MANAGER, OTHER_ACCOUNT),
      identityStatements: [ALLOW_ALL_IDENTITY],
    })).toEqual('ImplicitlyDenied');
  });

  test('is denied: a principal whose IAM policies do not allow the key (the account principal delegates to IAM)', async () => {
    const { keyPolicy, secretArn, keyArn } = keyPolicyOnlySetup();
    expect(await evaluate(keyPolicy, {
      principal: role, action: 'kms:Decrypt', resource: keyArn, resourceAccount: ACCOUNT, context: context(secretArn),
    })).toEqual('ImplicitlyDenied');
  });

  /** The IAM statements of a role in the stack, resolved. */
  function identityStatements(stack: Stack, intrinsics: Intrinsics, roleLogicalId: string, type: string): any[] {
    return Object.values(template(stack).findResources(type))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleLogicalId))
      .flatMap((policy) => intrinsics.resolve(policy.Properties.PolicyDocument.Statement));
  }

  test('a reader granted with grantRead decrypts through Secrets Manager only, with the default key', async () => {
    // GIVEN
    const stack = testStack();
    const secret = new RotatingSecret(stack, 'Secret');
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    secret.grantRead(reader);
    const intrinsics = new Intrinsics(stack);
    const keyPolicy = intrinsics.resolve(template(stack).toJSON().Resources.SecretKeyBCA64351.Properties.KeyPolicy);
    const readerStatements = identityStatements(stack, intrinsics, stack.getLogicalId(reader.node.defaultChild as iam.CfnRole), 'AWS::IAM::Policy');
    const request = (ctx: Record<string, string>) => ({
      principal: intrinsics.arn(stack.getLogicalId(reader.node.defaultChild as iam.CfnRole)),
      action: 'kms:Decrypt',
      resource: intrinsics.arn('SecretKeyBCA64351'),
      resourceAccount: ACCOUNT,
      context: ctx,
      identityStatements: readerStatements,
    });
    const secretArn = intrinsics.arn('SecretA720EF05');

    // THEN
    expect(await evaluate(keyPolicy, request(context(secretArn)))).toEqual('Allowed');
    expect(await evaluate(keyPolicy, request({ 'kms:CallerAccount': ACCOUNT, 'kms:EncryptionContext:SecretARN': secretArn }))).toEqual('ImplicitlyDenied');
  });

  test('the rotation function uses a secret\'s key through Secrets Manager only, under the key policy as synthesized', async () => {
    // GIVEN
    const stack = testStack();
    new RotatingSecret(stack, 'Secret');
    const intrinsics = new Intrinsics(stack);
    const roleId = 'CdkKmsEncryptionGenericRotationServiceRole7869DA28';
    const statements = identityStatements(stack, intrinsics, roleId, 'AWS::IAM::ManagedPolicy');
    const keyPolicy = intrinsics.resolve(template(stack).toJSON().Resources.SecretKeyBCA64351.Properties.KeyPolicy);
    const request = (action: string, ctx: Record<string, string>) => ({
      principal: intrinsics.arn(roleId),
      action,
      resource: intrinsics.arn('SecretKeyBCA64351'),
      resourceAccount: ACCOUNT,
      context: ctx,
      identityStatements: statements,
    });
    const secretArn = intrinsics.arn('SecretA720EF05');

    // THEN
    expect(await evaluate(keyPolicy, request('kms:GenerateDataKey', context(secretArn)))).toEqual('Allowed');
    expect(await evaluate(keyPolicy, request('kms:Decrypt', context(secretArn)))).toEqual('Allowed');
    expect(await evaluate(keyPolicy, request('kms:Decrypt', context(`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/other`)))).toEqual('ImplicitlyDenied');
    expect(await evaluate(keyPolicy, request('kms:Decrypt', { 'kms:CallerAccount': ACCOUNT, 'kms:EncryptionContext:SecretARN': secretArn }))).toEqual('ImplicitlyDenied');
    expect(await evaluate(keyPolicy, request('kms:Encrypt', context(secretArn)))).toEqual('ImplicitlyDenied');
  });
});

test('the key-policy statement builder scopes by endpoint, caller account and secret ARN', () => {
  const stack = testStack();
  expect(stack.resolve(secretsManagerKeyStatement('arn:x', REPLICA_REGION, stack).toStatementJson())).toEqual({
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Resource: '*',
    Condition: {
      StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`secretsmanager.${REPLICA_REGION}.`, { Ref: 'AWS::URLSuffix' }]] }, 'kms:CallerAccount': ACCOUNT },
      StringLike: { 'kms:EncryptionContext:SecretARN': 'arn:x' },
    },
  });
});

describe('rotation settings in the function environment', () => {
  test('settings that would exceed Lambda\'s 4 KB of environment variables fail at synth, with the fix', () => {
    // GIVEN 25 secrets with 150 or more excluded characters each, all different: one group each
    const stack = testStack();
    const excludeCharacters = (i: number) => 'x'.repeat(150 + i);
    for (let i = 0; i < 25; i++) {
      new RotatingSecret(stack, `Secret${i}`, { secretName: `s${i}`, generateSecretString: { excludeCharacters: excludeCharacters(i) } });
    }
    const environment = { format: 2, groups: Array.from({ length: 25 }, (_, i) => [{ excludeCharacters: excludeCharacters(i) }, 'x'.repeat(11)]) };

    // WHEN
    const problems = stack.node.findChild('CdkKmsEncryptionGenericRotation').node.validate();

    // THEN
    expect(problems).toEqual([
      `This stack's generic rotation function lists 25 secrets (25 distinct settings) in its environment, ${JSON.stringify(environment).length} characters, above the 4000 that Lambda's 4 KB of environment variables leave. Define some of these secrets in another stack, or give more of them the same \`generateSecretString\`.`,
    ]);
  });

  test('secrets with the same settings share one group, by an 11-character digest of each name, so 120 with realistic names fit', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    for (let i = 0; i < 120; i++) {
      new RotatingSecret(stack, `Secret${i}`, { secretName: `/myapp/service/credentials/secret-${i}`, generateSecretString: { passwordLength: 40 } });
    }

    // THEN
    expect(stack.node.findChild('CdkKmsEncryptionGenericRotation').node.validate()).toEqual([]);
    const environment = settingsEnvironment(stack);
    expect(environment.format).toEqual(2);
    expect(environment.groups).toHaveLength(1);
    expect(environment.groups[0][0]).toEqual({ passwordLength: 40 });
    expect(environment.groups[0][1]).toHaveLength(120 * 11);
  });

  test('secrets with default settings are listed too: the function rotates no secret it does not list', () => {
    const stack = testStack();
    new RotatingSecret(stack, 'Secret', { secretName: 'db' });
    expect(rotationSettings(stack)).toEqual({});
    expect(settingsEnvironment(stack)).toEqual({ format: 2, groups: [[{}, secretNameDigest('db')]] });
  });

  test('a name known only at deployment is listed in full', () => {
    const stack = testStack();
    new RotatingSecret(stack, 'Secret', { secretName: Fn.join('-', [Aws.STACK_NAME, 'db']) });
    const fn = Object.values(template(stack).findResources('AWS::Lambda::Function'))
      .find((candidate) => String(candidate.Properties.Description).includes('generic rotation'))!;
    expect(JSON.stringify(fn.Properties.Environment.Variables.ROTATION_SETTINGS)).toContain('AWS::StackName');
  });
});

describe('validation', () => {
  const vpcProps = (stack: Stack) => vpcWithSecurityGroup(stack);
  test.each<[string, (stack: Stack) => Record<string, unknown>, string]>([
    ['an interval below 4 hours', () => ({ rotationSchedule: SecretRotationSchedule.rate(Duration.hours(2)) }),
      '`rotationSchedule` must be between 4 hours and 1000 days, got 2 hours.'],
    ['an interval above 1000 days', () => ({ rotationSchedule: SecretRotationSchedule.rate(Duration.days(1001)) }),
      '`rotationSchedule` must be between 4 hours and 1000 days, got 1001 days.'],
    ['an interval of days and hours', () => ({ rotationSchedule: SecretRotationSchedule.rate(Duration.hours(36)) }),
      '`rotationSchedule` must be a whole number of hours below 1 day, or of days, got 36 hours. Secrets Manager schedules take rate(N hours) or rate(N days).'],
    ['a rate expression below 4 hours', () => ({ rotationSchedule: SecretRotationSchedule.expression('rate(3 hours)') }),
      "`rotationSchedule` must be between 4 hours and 1000 days, got 'rate(3 hours)'."],
    ['an expression that is neither rate nor cron', () => ({ rotationSchedule: SecretRotationSchedule.expression('every day') }),
      "`rotationSchedule` must be a rate() or cron() expression, got 'every day'. Examples: 'rate(30 days)', 'cron(0 4 ? * SUN *)'."],
    ['a cron expression with 5 fields', () => ({ rotationSchedule: SecretRotationSchedule.expression('cron(0 4 * * ?)') }),
      "`rotationSchedule` cron expressions have 6 fields (minutes hours day-of-month month day-of-week year), got 'cron(0 4 * * ?)'."],
    ['a cron expression off the hour', () => ({ rotationSchedule: SecretRotationSchedule.expression('cron(30 4 ? * SUN *)') }),
      "`rotationSchedule` cron expressions must have 0 in the minutes field (rotation windows open on the hour), got 'cron(30 4 ? * SUN *)'."],
    ['a cron expression for one year', () => ({ rotationSchedule: SecretRotationSchedule.expression('cron(0 4 ? * SUN 2027)') }),
      "`rotationSchedule` cron expressions must have * in the year field, got 'cron(0 4 ? * SUN 2027)'."],
    ['a replica in the stack Region', (stack) => ({ replicaRegions: [{ region: REGION, encryptionKey: kms.Key.fromKeyArn(stack, 'R', REPLICA_KEY_ARN) }] }),
      "`replicaRegions[0].region` must differ from the stack's Region, got 'eu-west-1'. The primary secret already lives there; remove this replica."],
    // secretsmanager.Secret takes `replicaRegions: [{ region }]` (the aws/secretsmanager key); JavaScript passes it as is.
    ['a replica without a key', () => ({ replicaRegions: [{ region: REPLICA_REGION } as unknown as { region: string; encryptionKey: kms.IKey }] }),
      "`replicaRegions[0].encryptionKey` is required, got none for 'eu-central-1'. Pass the key that encrypts the replica there: a ReplicaKey of a multi-Region CustomerManagedKey, or a key imported with kms.Key.fromKeyArn()."],
    ['a replica Region listed twice', (stack) => ({ replicaRegions: [0, 1].map((i) => ({ region: REPLICA_REGION, encryptionKey: kms.Key.fromKeyArn(stack, `R${i}`, REPLICA_KEY_ARN) })) }),
      "`replicaRegions[1].region` 'eu-central-1' is listed twice. Keep one replica per Region."],
    ['an asymmetric key', (stack) => ({ encryptionKey: new CustomerManagedKey(stack, 'Rsa', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY }) }),
      '`encryptionKey` must be a symmetric encryption key (SYMMETRIC_DEFAULT), got a RSA_2048 key. Use a CustomerManagedKey with the default keySpec.'],
    ['a jsonField on a plain secret', () => ({ rotation: SecretRotation.generic({ jsonField: 'password' }) }),
      "`jsonField` 'password' needs a JSON secret, but `generateSecretString` generates a plain string. Set `secretStringTemplate` and `generateStringKey: 'password'`, or remove `jsonField`."],
    ['a jsonField other than the generated one', () => ({
      rotation: SecretRotation.generic({ jsonField: 'token' }),
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'password' },
    }), "`jsonField` 'token' differs from `generateSecretString.generateStringKey` 'password'. Rotate the generated field: remove `jsonField` or make them equal."],
    ['a length below the floor of generic rotation', () => ({ generateSecretString: { passwordLength: 12 } }),
      '`generateSecretString.passwordLength` must be at least 16 for generic rotation, got 12.'],
    ['every character class excluded', () => ({ generateSecretString: { excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true } }),
      '`generateSecretString` excludes every character class (lowercase, uppercase, numbers, punctuation), so no value can be generated. Include at least one.'],
    ['hosted rotation with security groups but no VPC', (stack) => ({
      rotation: SecretRotation.hosted({
        rotationType: secretsmanager.HostedRotationType.MYSQL_SINGLE_USER, securityGroups: [vpcProps(stack).securityGroup],
      }),
    }), '`vpc` must be set for hosted rotation MySQLSingleUser when `vpcSubnets` or `securityGroups` are, got none. Give the VPC of the database.'],
    ['hosted rotation in a VPC without security groups', (stack) => ({
      rotation: SecretRotation.hosted({
        rotationType: secretsmanager.HostedRotationType.MYSQL_SINGLE_USER, vpc: vpcProps(stack).vpc,
      }),
    }), '`securityGroups` must be set for hosted rotation MySQLSingleUser in a VPC, got none. Give security groups your database accepts connections from.'],
    ['multi-user hosted rotation without a master secret', () => ({
      rotation: SecretRotation.hosted({
        rotationType: secretsmanager.HostedRotationType.REDSHIFT_MULTI_USER,
      }),
    }), '`masterSecret` must be set for multi-user hosted rotation RedshiftMultiUser, got none. Give the secret of the user that changes passwords.'],
    ['single-user hosted rotation with a master secret', (stack) => ({
      rotation: SecretRotation.hosted({
        rotationType: secretsmanager.HostedRotationType.MONGODB_SINGLE_USER,
        masterSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'M', 'master'),
      }),
    }), '`masterSecret` is only used by multi-user hosted rotation, got it for MongoDBSingleUser. Remove it, or use the multi-user rotation type.'],
  ])('rejects %s', (_, props, message) => {
    const stack = testStack();
    expect(() => new RotatingSecret(stack, 'Secret', props(stack))).toThrow(`[TestStack/Secret] Invalid configuration: ${message}`);
  });

  test('lists every problem in one error', () => {
    const stack = testStack();
    expect(() => new RotatingSecret(stack, 'Secret', {
      rotationSchedule: SecretRotationSchedule.rate(Duration.hours(1)),
      replicaRegions: [{ region: REGION, encryptionKey: kms.Key.fromKeyArn(stack, 'R', REPLICA_KEY_ARN) }],
    })).toThrow(/Invalid configuration: \n {2}- `rotationSchedule` must be .*\n {2}- `replicaRegions\[0\]\.region` must differ/);
  });

  test('skips unresolved tokens', () => {
    // GIVEN an environment-agnostic stack: its Region is a token
    const stack = new Stack(testApp(), 'Agnostic');

    // THEN
    expect(() => new RotatingSecret(stack, 'Secret', {
      rotationSchedule: SecretRotationSchedule.expression(Lazy.string({ produce: () => 'rate(1 hour)' })),
      replicaRegions: [{ region: stack.region, encryptionKey: kms.Key.fromKeyArn(stack, 'R', REPLICA_KEY_ARN) }],
    })).not.toThrow();
  });
});

describe('cdk-nag', () => {
  test('a default instance has no findings in any pack', () => {
    const app = testApp();
    new RotatingSecret(testStack('Default', {}, app), 'Secret');
    expectNoNagFindings(app);
  });

  test('a fully configured instance has no findings in any pack', () => {
    // GIVEN
    const app = testApp();
    const stack = testStack('Full', {}, app);
    const key = new CustomerManagedKey(stack, 'Key', { alias: 'secrets' });

    // WHEN
    const secret = new RotatingSecret(stack, 'Secret', {
      secretName: 'full/api-key',
      description: 'A fully configured secret',
      encryptionKey: key,
      generateSecretString: { secretStringTemplate: '{"user":"app"}', generateStringKey: 'password', passwordLength: 40 },
      rotation: SecretRotation.generic({ jsonField: 'password' }),
      rotationSchedule: SecretRotationSchedule.expression('cron(0 4 ? * SUN *)'),
      rotateImmediately: false,
      replicaRegions: [{ region: REPLICA_REGION, encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicaKey', REPLICA_KEY_ARN) }],
    });
    // The replica key's policy lives in the replica Region's stack, where the warned statement was added.
    Validations.of(secret).acknowledge({ id: 'Annotation::cdk-kms-encryption:keyPolicyNotEditable', reason: 'added in the replica Region' });
    new RotatingSecret(stack, 'Second');

    // THEN
    expectNoNagFindings(app);
  });
});

describe('RotatingSecret replicas encrypted with keys of the app', () => {
  /** A primary in the test Region, its stack, and a stack for the replica Region with crossRegionReferences. */
  function multiRegionApp(app: App = testApp()) {
    const primaryStack = testStack('PrimaryStack', {}, app);
    const primary = new CustomerManagedKey(primaryStack, 'Primary', { multiRegion: true });
    const replicaStack = new Stack(app, 'ReplicaStack', { env: { account: ACCOUNT, region: REPLICA_REGION }, crossRegionReferences: true });
    return { app, primary, primaryStack, replicaStack };
  }

  test.each([
    ['the ReplicaKey', (_primary: CustomerManagedKey, replica: ReplicaKey) => replica],
    ['the multi-Region primary', (primary: CustomerManagedKey) => primary],
  ])('%s: the replica is encrypted with the ReplicaKey, whose policy gets the statement, without a warning', async (_name, keyFor) => {
    // GIVEN
    const { app, primary, replicaStack } = multiRegionApp();
    // Without account trust, only the statement for the secret lets the account's principals use the replica.
    const replica = new ReplicaKey(replicaStack, 'Replica', { primaryKey: primary, trustAccountIdentities: false, administrators: [new iam.AccountRootPrincipal()] });
    const stack = testStack('AppStack', { crossRegionReferences: true }, app);

    // WHEN
    new RotatingSecret(stack, 'Secret', { encryptionKey: primary, replicaRegions: [{ region: REPLICA_REGION, encryptionKey: keyFor(primary, replica) }] });

    // THEN
    const { ReplicaRegions: [replicaRegion], Name: secretName } = Object.values(template(stack).findResources('AWS::SecretsManager::Secret'))[0].Properties;
    expect(replicaRegion.Region).toBe(REPLICA_REGION);
    expect(JSON.stringify(replicaRegion.KmsKeyId)).toMatch(/ReplicaStack.*Replica.*Arn/);
    expect(stack.dependencies).toContain(replicaStack);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    const replicaIntrinsics = new Intrinsics(replicaStack);
    const keyPolicy = replicaIntrinsics.resolve(Template.fromStack(replicaStack).toJSON().Resources.ReplicaDDFB2A87.Properties.KeyPolicy);
    const decryptVia = (endpoint: string) => evaluate(keyPolicy, {
      principal: `arn:aws:iam::${ACCOUNT}:role/app`,
      action: 'kms:Decrypt',
      resource: replicaIntrinsics.arn('ReplicaDDFB2A87'),
      resourceAccount: ACCOUNT,
      context: {
        'kms:ViaService': endpoint,
        'kms:CallerAccount': ACCOUNT,
        'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${REPLICA_REGION}:${ACCOUNT}:secret:${secretName}-AbCdEf`,
      },
      identityStatements: [ALLOW_ALL_IDENTITY],
    });
    expect(await decryptVia(`secretsmanager.${REPLICA_REGION}.amazonaws.com`)).toEqual('Allowed');
    expect(await decryptVia(`ssm.${REPLICA_REGION}.amazonaws.com`)).toEqual('ImplicitlyDenied');
  });

  test.each<[string, (parts: ReturnType<typeof multiRegionApp>) => { stack: Stack; props: RotatingSecretProps }, string]>([
    ['a multi-Region primary without a ReplicaKey in the replica Region', ({ primary, primaryStack }) => ({
      stack: primaryStack,
      props: { replicaRegions: [{ region: REPLICA_REGION, encryptionKey: primary }] },
    }), '`replicaRegions[0].encryptionKey` must be a key in eu-central-1, got the multi-Region key PrimaryStack/Primary in eu-west-1, which has no ReplicaKey in eu-central-1 in this app. Define a ReplicaKey of its primary in a stack for eu-central-1 before the secret, or import the replica with kms.Key.fromKeyArn().'],
    ['a single-Region key of another Region', ({ primaryStack }) => ({
      stack: primaryStack,
      props: { replicaRegions: [{ region: REPLICA_REGION, encryptionKey: new CustomerManagedKey(primaryStack, 'Single') }] },
    }), '`replicaRegions[0].encryptionKey` must be a key in eu-central-1, got PrimaryStack/Single in eu-west-1. Pass a key of eu-central-1: a ReplicaKey of a multi-Region key, or a key imported with kms.Key.fromKeyArn().'],
    ['a ReplicaKey of a primary in the secret\'s own stack', ({ primary, primaryStack, replicaStack }) => ({
      stack: primaryStack,
      props: { replicaRegions: [{ region: REPLICA_REGION, encryptionKey: new ReplicaKey(replicaStack, 'Replica', { primaryKey: primary }) }] },
    }), "`replicaRegions[0].encryptionKey` resolves to ReplicaStack/Replica, a replica of PrimaryStack/Primary in this secret's stack PrimaryStack: the replica must exist before the secret replicates, and its stack deploys after this one. Define the RotatingSecret in another stack (it then deploys after ReplicaStack)."],
    ['a ReplicaKey of another Region, without crossRegionReferences on the secret\'s stack', ({ app, primary, replicaStack }) => ({
      stack: testStack('AppStack', {}, app),
      props: { replicaRegions: [{ region: REPLICA_REGION, encryptionKey: new ReplicaKey(replicaStack, 'Replica', { primaryKey: primary }) }] },
    }), "`replicaRegions[0].encryptionKey` ReplicaStack/Replica is in eu-central-1 and reaches the secret's stack AppStack only through a cross-Region reference, which that stack does not enable. Set `crossRegionReferences: true` on AppStack, or import the key with kms.Key.fromKeyArn()."],
  ])('rejects %s', (_name, setup, message) => {
    const { stack, props } = setup(multiRegionApp());
    expect(() => new RotatingSecret(stack, 'Secret', props)).toThrow(`[${stack.stackName}/Secret] Invalid configuration: ${message}`);
  });
});
