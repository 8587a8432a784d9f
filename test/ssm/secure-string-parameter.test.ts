import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { CustomerManagedKey } from '../../src/kms/customer-managed-key';
import { ParameterPolicy, SecureStringParameter, SecureStringValue } from '../../src/ssm';
import { ACCOUNT, REGION, testApp, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { expectNoNagFindings } from '../util/nag';
import { evaluate, kms1Findings } from '../util/policy';

// Synthesis and policy simulation take seconds each on a loaded machine.
jest.setTimeout(60_000);

const PARAMETER_TYPE = 'Custom::SecureStringParameter';
const SSM_ENDPOINT = `ssm.${REGION}.amazonaws.com`;

/** The custom resource's properties, by construct id. */
function parameterProperties(stack: Stack): Record<string, any> {
  return Object.values(Template.fromStack(stack).findResources(PARAMETER_TYPE))[0].Properties;
}

/** The resolved statements of every IAM policy (inline or managed) attached to a role, or of those whose logical id passes `which`. */
function identityStatements(stack: Stack, roleLogicalId: string, which: (logicalId: string) => boolean = () => true): any[] {
  const intrinsics = new Intrinsics(stack);
  const template = Template.fromStack(stack);
  const policies = { ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') };
  return Object.entries(policies)
    .filter(([logicalId, policy]: [string, any]) => which(logicalId)
      && JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleLogicalId }]))
    .flatMap(([, policy]: [string, any]) => intrinsics.resolve(policy.Properties.PolicyDocument).Statement);
}

function keyPolicy(stack: Stack, keyLogicalId: string): any {
  return new Intrinsics(stack).resolve(Template.fromStack(stack).toJSON().Resources[keyLogicalId].Properties.KeyPolicy);
}

describe('SecureStringParameter defaults', () => {
  test('a generated value under a new CustomerManagedKey, with a derived name, retained', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new SecureStringParameter(stack, 'Parameter');

    // THEN
    const template = Template.fromStack(stack);
    template.hasResource(PARAMETER_TYPE, {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecureStringParameterProviderFunction'), 'Arn'] },
        // CloudFormation fails the resource after 6 minutes without an answer, not its default hour.
        ServiceTimeout: '360',
        Name: '/cdk-kms-encryption/TestStack-Parameter-C3BC3C68',
        KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ParameterKey'), 'Arn'] },
        Tier: 'Standard',
        Value: { Kind: 'generated', Length: '32' },
        Retain: 'true',
        Description: Match.absent(),
        AllowedPattern: Match.absent(),
        Policies: Match.absent(),
        Tags: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Key', { Description: 'Encrypts the SecureString parameter TestStack/Parameter', EnableKeyRotation: true });
  });

  test('the derived name is the same on every synth', () => {
    const names = [1, 2].map(() => {
      const stack = testStack();
      new SecureStringParameter(stack, 'Parameter');
      return parameterProperties(stack).Name;
    });
    expect(names[0]).toEqual(names[1]);
  });

  test('pinned logical ids: renaming a construct would replace resources in users\' accounts', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new SecureStringParameter(stack, 'Parameter');

    // THEN
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources).sort()).toEqual([
      'CdkKmsEncryptionHandlerLogsKey44DCF2D6',
      'Parameter9E1B4FBA',
      'ParameterKey8511DEED',
      'SecureStringParameterProviderFunction4D7CF17E',
      'SecureStringParameterProviderLogGroup71B771D0',
      // Decryption with the keys of the previous template, while the parameters are updated.
      'SecureStringParameterProviderPreviousKeysPolicy529B39A5',
      'SecureStringParameterProviderRoleFB100A12',
      // The parameter and key ARNs' policy (issue 17); the first policy holds the handler's other permissions.
      'SecureStringParameterProviderRolePolicy2478BB7A5',
      'SecureStringParameterProviderRolePolicyAD536D0B',
    ]);
  });

  test('the handler: latest Node.js, no reserved concurrency, encrypted log group, waits for its policy', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new SecureStringParameter(stack, 'Parameter');

    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Lambda::Function', {
      Properties: {
        Runtime: 'nodejs24.x',
        ReservedConcurrentExecutions: Match.absent(),
        Timeout: 120,
        LoggingConfig: { LogGroup: { Ref: 'SecureStringParameterProviderLogGroup71B771D0' } },
        Environment: { Variables: { AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1' } },
      },
      DependsOn: Match.arrayWith(['SecureStringParameterProviderRolePolicyAD536D0B']),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), Policies: Match.absent() });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the handler role may touch only this stack\'s parameters, and the key only through SSM', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new SecureStringParameter(stack, 'Parameter', { parameterName: '/app/one' });
    new SecureStringParameter(stack, 'Other', { parameterName: 'two' });

    // THEN
    const statements = identityStatements(stack, 'SecureStringParameterProviderRoleFB100A12');
    const keys = [`arn:aws:kms:${REGION}:${ACCOUNT}:key/otherkey97a5e793`, `arn:aws:kms:${REGION}:${ACCOUNT}:key/parameterkey8511deed`];
    const keyConditions = {
      StringEquals: { 'kms:ViaService': SSM_ENDPOINT, 'kms:CallerAccount': ACCOUNT },
      StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/*` },
    };
    expect(statements).toEqual(expect.arrayContaining([
      {
        Effect: 'Allow',
        Action: ['ssm:AddTagsToResource', 'ssm:DeleteParameter', 'ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:LabelParameterVersion', 'ssm:ListTagsForResource', 'ssm:PutParameter', 'ssm:RemoveTagsFromResource'],
        Resource: [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/one`, `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/two`],
      },
      // The keys are named, beside the parameters (Security Hub KMS.1/KMS.2), and again for decryption only.
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: keys, Condition: keyConditions },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keys, Condition: keyConditions },
    ]));
    expect(statements.filter((statement) => JSON.stringify(statement.Action).includes('kms:'))).toHaveLength(2);
    expect(kms1Findings(statements)).toEqual([]);
    // No wildcard action and no `*` resource (the log group ARN's `:*` is its own log streams), except
    // the deletes confined by the ownership tag.
    const untagged = statements.filter((statement) => !statement.Condition?.StringEquals?.['aws:ResourceTag/cdk-kms-encryption:stack-id']);
    expect(JSON.stringify(untagged.map((statement) => [statement.Action, statement.Resource]))).not.toMatch(/"\*"|"[a-z]+:[A-Za-z]*\*"|\/\*"/);
  });

  test('parameters of a stack share one handler', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new SecureStringParameter(stack, 'A');
    new SecureStringParameter(stack, 'B');

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 1);
    Template.fromStack(stack).resourceCountIs(PARAMETER_TYPE, 2);
  });
});

describe('SecureStringParameter options', () => {
  test('name, tier, policies, description, pattern, removal policy and tags', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    const parameter = new SecureStringParameter(stack, 'Parameter', {
      parameterName: '/app/api-key',
      tier: ssm.ParameterTier.ADVANCED,
      policies: [
        ParameterPolicy.expiration(new Date('2030-01-02T03:04:05Z')),
        ParameterPolicy.expirationNotification(Duration.days(15)),
        ParameterPolicy.noChangeNotification(Duration.hours(36)),
      ],
      description: 'API key',
      allowedPattern: '^[A-Za-z0-9]+$',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Tags.of(parameter).add('team', 'payments');

    // THEN
    Template.fromStack(stack).hasResource(PARAMETER_TYPE, {
      Properties: {
        Name: '/app/api-key',
        Tier: 'Advanced',
        Description: 'API key',
        AllowedPattern: '^[A-Za-z0-9]+$',
        Policies: JSON.stringify([
          { Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: '2030-01-02T03:04:05.000Z' } },
          { Type: 'ExpirationNotification', Version: '1.0', Attributes: { Before: '15', Unit: 'Days' } },
          { Type: 'NoChangeNotification', Version: '1.0', Attributes: { After: '36', Unit: 'Hours' } },
        ]),
        Retain: 'false',
        Tags: [{ Key: 'team', Value: 'payments' }],
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('policies are accepted on the Intelligent-Tiering tier', () => {
    const stack = testStack();
    new SecureStringParameter(stack, 'Parameter', {
      tier: ssm.ParameterTier.INTELLIGENT_TIERING,
      policies: [ParameterPolicy.noChangeNotification(Duration.days(30))],
    });
    expect(parameterProperties(stack).Tier).toBe('Intelligent-Tiering');
  });

  test('a generated value with options', () => {
    const stack = testStack();
    new SecureStringParameter(stack, 'Parameter', { value: SecureStringValue.generated({ length: 64, excludeCharacters: '"\'\\' }) });
    expect(parameterProperties(stack).Value).toEqual({ Kind: 'generated', Length: '64', ExcludeCharacters: '"\'\\' });
  });

  test('a value from a secret: the handler may read that secret only, and decrypt it only through Secrets Manager', async () => {
    // GIVEN
    const stack = testStack();
    const secretKey = new CustomerManagedKey(stack, 'SecretKey');
    const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: secretKey });

    // WHEN
    new SecureStringParameter(stack, 'Parameter', { value: SecureStringValue.fromSecret(secret, 'password') });

    // THEN
    const intrinsics = new Intrinsics(stack);
    const handler = 'SecureStringParameterProviderRoleFB100A12';
    const secretKeyId = stack.getLogicalId(secretKey.node.defaultChild as kms.CfnKey);
    expect(parameterProperties(stack).Value).toEqual({ Kind: 'secret', SecretId: { Ref: 'SecretA720EF05' }, JsonField: 'password' });
    const statements = identityStatements(stack, handler);
    expect(statements.filter((statement) => JSON.stringify(statement).includes('secretsmanager:'))).toEqual([
      { Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: intrinsics.arn('SecretA720EF05') },
    ]);
    const decrypt = (service: string) => evaluate(keyPolicy(stack, secretKeyId), {
      principal: intrinsics.arn(handler),
      action: 'kms:Decrypt',
      resource: intrinsics.arn(secretKeyId),
      resourceAccount: ACCOUNT,
      context: { 'kms:ViaService': `${service}.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT },
      identityStatements: statements,
    });
    await expect(decrypt('secretsmanager')).resolves.toBe('Allowed');
    await expect(decrypt('ssm')).resolves.toBe('ImplicitlyDenied');
  });

  test('unsafePlainText puts the value in the template', () => {
    const stack = testStack();
    new SecureStringParameter(stack, 'Parameter', { value: SecureStringValue.unsafePlainText('visible') });
    expect(parameterProperties(stack).Value).toEqual({ Kind: 'plainText', PlainText: 'visible' });
  });

  test('a dynamic reference names the parameter through its Ref, so users wait for it', () => {
    // GIVEN
    const stack = testStack();
    const parameter = new SecureStringParameter(stack, 'Parameter', { parameterName: '/app/password' });

    // WHEN / THEN
    expect(stack.resolve(parameter.dynamicReference(3))).toEqual({
      'Fn::Join': ['', ['{{resolve:ssm-secure:', { Ref: 'Parameter9E1B4FBA' }, ':3}}']],
    });
    expect(new Intrinsics(stack).resolve(stack.resolve(parameter.dynamicReference()))).toBe('{{resolve:ssm-secure:/app/password}}');
  });

  test('attributes: name, ARN and type', () => {
    const stack = testStack();
    const parameter = new SecureStringParameter(stack, 'Parameter', { parameterName: '/app/password' });
    const simple = new SecureStringParameter(stack, 'Simple', { parameterName: 'password' });
    const intrinsics = new Intrinsics(stack);
    expect(intrinsics.resolve(stack.resolve(parameter.parameterArn))).toBe(`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/password`);
    expect(intrinsics.resolve(stack.resolve(simple.parameterArn))).toBe(`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/password`);
    const { parameterName, parameterArn } = parameter;
    expect(stack.resolve(parameter.parameterRef)).toEqual(stack.resolve({ parameterName, parameterArn }));
    expect(parameter.parameterType).toBe('SecureString');
  });
});

describe('SecureStringParameter keys', () => {
  test('a given key gets one Parameter Store statement however many parameters use it', () => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');

    // WHEN
    new SecureStringParameter(stack, 'A', { encryptionKey: key });
    new SecureStringParameter(stack, 'B', { encryptionKey: key });

    // THEN
    const statements = keyPolicy(stack, 'Key961B73FD').Statement;
    expect(statements.filter((statement: any) => statement.Sid === 'ParameterStoreUse')).toEqual([{
      Sid: 'ParameterStoreUse',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': SSM_ENDPOINT, 'kms:CallerAccount': ACCOUNT } },
    }]);
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 2); // the given key and the handler log group's
  });

  test('an imported key cannot be edited: a warning shows the statement to add', () => {
    // GIVEN
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);

    // WHEN
    new SecureStringParameter(stack, 'Parameter', { encryptionKey: key });

    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Parameter', Match.stringLikeRegexp(
      'cannot be edited in this app.*"kms:ViaService":"ssm\\.eu-west-1\\.amazonaws\\.com".*"Sid":"ParameterStoreUse".*keyPolicyNotEditable',
    ));
    expect(parameterProperties(stack).KeyId).toBe(key.keyArn);
  });
});

describe('SecureStringParameter grants and key policy behaviour', () => {
  /** A stack whose key policy alone decides (no account-root statement), so the statements under test matter. */
  function setup() {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', {
      trustAccountIdentities: false,
      administrators: [new iam.AccountPrincipal(ACCOUNT)],
    });
    const parameter = new SecureStringParameter(stack, 'Parameter', { encryptionKey: key, parameterName: '/app/password' });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
    parameter.grantRead(reader);
    parameter.grantWrite(writer);
    const intrinsics = new Intrinsics(stack);
    const logicalId = (role: iam.Role) => stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    return {
      stack,
      intrinsics,
      keyArn: intrinsics.arn('Key961B73FD'),
      parameterArn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/password`,
      roles: { reader: logicalId(reader), writer: logicalId(writer), handler: 'SecureStringParameterProviderRoleFB100A12' },
    };
  }

  const withoutViaService = (parameterArn: string) => ({ 'kms:CallerAccount': ACCOUNT, 'kms:EncryptionContext:PARAMETER_ARN': parameterArn });
  const ssmContext = (parameterArn: string) => ({ 'kms:ViaService': SSM_ENDPOINT, 'kms:CallerAccount': ACCOUNT, 'kms:EncryptionContext:PARAMETER_ARN': parameterArn });

  test('grantRead: GetParameter* on the parameter, Decrypt only through SSM for this parameter', () => {
    const { stack, keyArn, parameterArn, roles } = setup();
    expect(identityStatements(stack, roles.reader)).toEqual([
      { Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:GetParameters'], Resource: parameterArn },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn, Condition: { StringEquals: ssmContext(parameterArn) } },
    ]);
  });

  test('grantWrite: PutParameter on the parameter, Encrypt and GenerateDataKey only through SSM for this parameter', () => {
    const { stack, keyArn, parameterArn, roles } = setup();
    expect(identityStatements(stack, roles.writer)).toEqual([
      { Effect: 'Allow', Action: 'ssm:PutParameter', Resource: parameterArn },
      { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: keyArn, Condition: { StringEquals: ssmContext(parameterArn) } },
    ]);
  });

  test.each([
    ['reader decrypts this parameter through SSM', 'reader', 'kms:Decrypt', ssmContext, 'Allowed'],
    ['reader decrypts another parameter through SSM', 'reader', 'kms:Decrypt', (arn: string) => ssmContext(`${arn}-other`), 'ImplicitlyDenied'],
    ['reader decrypts directly, not through SSM', 'reader', 'kms:Decrypt', withoutViaService, 'ImplicitlyDenied'],
    ['reader encrypts through SSM', 'reader', 'kms:Encrypt', ssmContext, 'ImplicitlyDenied'],
    ['writer encrypts this parameter through SSM', 'writer', 'kms:Encrypt', ssmContext, 'Allowed'],
    ['writer generates a data key for this parameter through SSM', 'writer', 'kms:GenerateDataKey', ssmContext, 'Allowed'],
    ['writer decrypts through SSM', 'writer', 'kms:Decrypt', ssmContext, 'ImplicitlyDenied'],
    ['writer encrypts through S3', 'writer', 'kms:Encrypt', (arn: string) => ({ ...ssmContext(arn), 'kms:ViaService': `s3.${REGION}.amazonaws.com` }), 'ImplicitlyDenied'],
    ['handler encrypts through SSM', 'handler', 'kms:Encrypt', ssmContext, 'Allowed'],
    ['handler decrypts through SSM', 'handler', 'kms:Decrypt', ssmContext, 'Allowed'],
    ['handler decrypts directly', 'handler', 'kms:Decrypt', () => ({ 'kms:CallerAccount': ACCOUNT }), 'ImplicitlyDenied'],
  ] as const)('%s', async (_, role, action, context, expected) => {
    // GIVEN
    const { stack, intrinsics, keyArn, parameterArn, roles } = setup();
    const roleId = roles[role];

    // WHEN
    const decision = await evaluate(keyPolicy(stack, 'Key961B73FD'), {
      principal: intrinsics.arn(roleId),
      action,
      resource: keyArn,
      resourceAccount: ACCOUNT,
      context: context(parameterArn),
      identityStatements: identityStatements(stack, roleId),
    });

    // THEN
    expect(decision).toBe(expected);
  });
});

describe('SecureStringParameter key change', () => {
  /**
   * An update that moves a parameter to another key: CloudFormation rewrites the handler's parameter
   * policies first (the function depends on them), then the handler reads the value under the old key and
   * writes it under the new one, then the previous-keys policy (which depends on the parameter) is rewritten.
   */
  function keyChange() {
    const before = testStack();
    new SecureStringParameter(before, 'Parameter', { parameterName: '/app/password' });
    const after = testStack();
    new SecureStringParameter(after, 'Parameter', { parameterName: '/app/password', encryptionKey: new CustomerManagedKey(after, 'NewKey') });
    const oldKeyId = 'ParameterKey8511DEED';
    const role = 'SecureStringParameterProviderRoleFB100A12';
    const previousKeys = (logicalId: string) => logicalId.startsWith('SecureStringParameterProviderPreviousKeysPolicy');
    return {
      oldKeyPolicy: keyPolicy(before, oldKeyId),
      oldKeyArn: new Intrinsics(before).arn(oldKeyId),
      handler: new Intrinsics(after).arn(role),
      // In force: the new template's policies, except the previous-keys policy, which waits for the parameter.
      handlerStatements: [
        ...identityStatements(after, role, (logicalId) => !previousKeys(logicalId)),
        ...identityStatements(before, role, previousKeys),
      ],
    };
  }
  const PARAMETER_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/password`;

  test.each([
    ['decrypts the parameter under the old key through SSM', 'kms:Decrypt', { 'kms:ViaService': SSM_ENDPOINT, 'kms:EncryptionContext:PARAMETER_ARN': PARAMETER_ARN }, 'Allowed'],
    ['decrypts under the old key directly', 'kms:Decrypt', { 'kms:EncryptionContext:PARAMETER_ARN': PARAMETER_ARN }, 'ImplicitlyDenied'],
    ['decrypts under the old key through another service', 'kms:Decrypt', { 'kms:ViaService': `s3.${REGION}.amazonaws.com` }, 'ImplicitlyDenied'],
    // The previous-keys policy lets it decrypt only: the keys it encrypts with are the new template's.
    ['encrypts the parameter under the old key through SSM', 'kms:Encrypt', { 'kms:ViaService': SSM_ENDPOINT, 'kms:EncryptionContext:PARAMETER_ARN': PARAMETER_ARN }, 'ImplicitlyDenied'],
    ['encrypts under the old key through SSM, not for a parameter', 'kms:Encrypt', { 'kms:ViaService': SSM_ENDPOINT }, 'ImplicitlyDenied'],
  ] as const)('during the update, the handler %s', async (_, action, context, expected) => {
    // GIVEN
    const { oldKeyPolicy, oldKeyArn, handler, handlerStatements } = keyChange();

    // WHEN
    const decision = await evaluate(oldKeyPolicy, {
      principal: handler,
      action,
      resource: oldKeyArn,
      resourceAccount: ACCOUNT,
      context: { 'kms:CallerAccount': ACCOUNT, ...context },
      identityStatements: handlerStatements,
    });

    // THEN
    expect(decision).toBe(expected);
  });
});

describe('SecureStringParameter validation', () => {
  test.each([
    ['my param', "`parameterName` may contain only letters, digits, '_', '.', '-' and '/', got 'my param'."],
    ['app/x', "`parameterName` must begin with '/' when it contains '/' (a hierarchy), got 'app/x'. Use '/app/x'."],
    ['/app//x', "`parameterName` must not have empty levels ('//', a trailing '/' or '/' alone), got '/app//x'."],
    ['/app/', "`parameterName` must not have empty levels ('//', a trailing '/' or '/' alone), got '/app/'."],
    ['/AWS/x', "`parameterName` must not begin with 'aws' or 'ssm' (in any case), which AWS reserves, got '/AWS/x'. Choose another first level."],
    ['ssmThing', "`parameterName` must not begin with 'aws' or 'ssm' (in any case), which AWS reserves, got 'ssmThing'. Choose another first level."],
    ['/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16', "`parameterName` may have at most 15 levels, got 16 in '/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16'."],
    [`/${'a'.repeat(970)}`, `\`parameterName\` is too long: with its ARN it is 1015 characters, above SSM's limit of 1011, got '/${'a'.repeat(970)}'. Shorten the name.`],
  ])('parameterName #%#', (parameterName, message) => {
    const stack = testStack();
    expect(() => new SecureStringParameter(stack, 'Parameter', { parameterName })).toThrow(`[TestStack/Parameter] Invalid configuration: ${message}`);
  });

  test.each([
    [{ length: 0 }, '`length` of a generated value must be a whole number between 1 and 4096, got 0.'],
    [{ length: 4097 }, '`length` of a generated value must be a whole number between 1 and 4096, got 4097.'],
    [{ length: 12.5 }, '`length` of a generated value must be a whole number between 1 and 4096, got 12.5.'],
    [
      { excludeCharacters: String.fromCharCode(...Array.from({ length: 94 }, (_, i) => 0x21 + i)) },
      `\`excludeCharacters\` leaves no character to generate a value from, got '${String.fromCharCode(...Array.from({ length: 94 }, (_, i) => 0x21 + i))}'. Values use printable ASCII without the space; exclude fewer characters.`,
    ],
  ])('generated %j', (options, message) => {
    const stack = testStack();
    expect(() => new SecureStringParameter(stack, 'Parameter', { value: SecureStringValue.generated(options) }))
      .toThrow(`[TestStack/Parameter] Invalid configuration: ${message}`);
  });

  test.each([
    [{ policies: [ParameterPolicy.expiration(new Date('2030-01-01'))] }, '`policies` need the Advanced or Intelligent-Tiering tier, got tier Standard. Set `tier` to ParameterTier.ADVANCED, or remove `policies`.'],
    [{ tier: ssm.ParameterTier.ADVANCED, policies: [ParameterPolicy.expiration(new Date('nope'))] }, '`expiration` must be a valid date, got an invalid Date.'],
    [{ tier: ssm.ParameterTier.ADVANCED, policies: [ParameterPolicy.expirationNotification(Duration.minutes(90))] }, '`expirationNotification` must be a whole number of hours or days, got 90 minutes.'],
    [{ tier: ssm.ParameterTier.ADVANCED, policies: [ParameterPolicy.noChangeNotification(Duration.minutes(30))] }, '`noChangeNotification` must be a whole number of hours or days, got 30 minutes.'],
    [{ description: 'd'.repeat(1025) }, '`description` may be at most 1024 characters, got 1025.'],
  ])('props %#', (props, message) => {
    const stack = testStack();
    expect(() => new SecureStringParameter(stack, 'Parameter', props)).toThrow(`[TestStack/Parameter] Invalid configuration: ${message}`);
  });

  test('a key that is not symmetric', () => {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY });
    expect(() => new SecureStringParameter(stack, 'Parameter', { encryptionKey: key })).toThrow(
      '[TestStack/Parameter] Invalid configuration: `encryptionKey` must be a symmetric encryption key (SYMMETRIC_DEFAULT), got a RSA_2048 key. Use a CustomerManagedKey with the default keySpec.',
    );
  });

  test('every problem in one error', () => {
    const stack = testStack();
    expect(() => new SecureStringParameter(stack, 'Parameter', {
      parameterName: 'aws x',
      policies: [ParameterPolicy.noChangeNotification(Duration.days(1))],
    })).toThrow(
      "[TestStack/Parameter] Invalid configuration: \n  - `parameterName` may contain only letters, digits, '_', '.', '-' and '/', got 'aws x'."
      + "\n  - `parameterName` must not begin with 'aws' or 'ssm' (in any case), which AWS reserves, got 'aws x'. Choose another first level."
      + '\n  - `policies` need the Advanced or Intelligent-Tiering tier, got tier Standard. Set `tier` to ParameterTier.ADVANCED, or remove `policies`.',
    );
  });

  test.each([0, -1, 1.5])('dynamicReference version %d', (version) => {
    const stack = testStack();
    const parameter = new SecureStringParameter(stack, 'Parameter');
    expect(() => parameter.dynamicReference(version)).toThrow(
      `[TestStack/Parameter] Invalid configuration: \`version\` must be a whole number from 1, got ${version}. Omit it for the latest version.`,
    );
  });

  test('tokens are not validated', () => {
    const stack = testStack();
    const name = new ssm.StringParameter(stack, 'Name', { stringValue: '/x' }).stringValue;
    expect(() => new SecureStringParameter(stack, 'Parameter', { parameterName: name })).not.toThrow();
  });
});

describe('SecureStringParameter compliance', () => {
  test('a default instance has no cdk-nag findings', () => {
    const app = testApp();
    new SecureStringParameter(testStack('Default', {}, app), 'Parameter');
    expectNoNagFindings(app);
  });

  test('a fully configured instance has no cdk-nag findings', () => {
    // GIVEN
    const app = testApp();
    const stack = testStack('Full', {}, app);
    const key = new CustomerManagedKey(stack, 'Key');
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'app/db');

    // WHEN
    new SecureStringParameter(stack, 'Parameter', {
      encryptionKey: key,
      parameterName: '/app/db-password',
      value: SecureStringValue.fromSecret(secret, 'password'),
      tier: ssm.ParameterTier.ADVANCED,
      policies: [ParameterPolicy.expiration(new Date('2030-01-01')), ParameterPolicy.expirationNotification(Duration.days(7))],
      description: 'database password',
      allowedPattern: '^.{8,}$',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new SecureStringParameter(stack, 'Generated', { encryptionKey: key, value: SecureStringValue.generated({ length: 48 }) });

    // THEN
    expectNoNagFindings(app);
  });
});
