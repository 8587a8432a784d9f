import { Aws, CfnParameter, NestedStack, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CustomerManagedKey, EncryptedLogGroup, LogGroupKeyPolicyScope } from '../../src';
import { ACCOUNT, OTHER_ACCOUNT, REGION, testApp, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { expectNoNagFindings } from '../util/nag';
import { evaluate } from '../util/policy';

// Synthesizing with cdk-nag and the first policy simulation (which loads the IAM action data) take seconds.
jest.setTimeout(60_000);

const LOGS_SERVICE = `logs.${REGION}.amazonaws.com`;
const CONTEXT_KEY = 'kms:EncryptionContext:aws:logs:arn';
const IMPORTED_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** The encryption-context ARN CloudWatch Logs sends for a log group name. */
function contextArn(name: string, account = ACCOUNT): string {
  return `arn:aws:logs:${REGION}:${account}:log-group:${name}`;
}

/** The synthesized key policy with intrinsics resolved, and the key's ARN. */
function keyPolicy(stack: Stack): { policy: any; keyArn: string } {
  const intrinsics = new Intrinsics(stack);
  const keyId = intrinsics.logicalIdOf('AWS::KMS::Key');
  const key = Template.fromStack(stack).toJSON().Resources[keyId];
  return { policy: intrinsics.resolve(key.Properties.KeyPolicy), keyArn: intrinsics.arn(keyId) };
}

function keyPolicyBytes(stack: Stack): number {
  return Buffer.byteLength(JSON.stringify(keyPolicy(stack).policy), 'utf8');
}

/** Asks the key policy whether CloudWatch Logs (or another service) may use the key for a log group. */
async function logsRequest(stack: Stack, action: string, logGroupArn: string, principal = LOGS_SERVICE) {
  const { policy, keyArn } = keyPolicy(stack);
  return evaluate(policy, {
    principal,
    action,
    resource: keyArn,
    resourceAccount: ACCOUNT,
    context: { [CONTEXT_KEY]: logGroupArn },
  });
}

describe('EncryptedLogGroup defaults', () => {
  test('a new CustomerManagedKey encrypts a log group with a derived name, one-year retention, retained', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    const logGroup = new EncryptedLogGroup(stack, 'Logs');

    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: '/TestStack/Logs',
        RetentionInDays: 365,
        KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(logGroup.encryptionKey.node.defaultChild as kms.CfnKey), 'Arn'] },
        LogGroupClass: Match.absent(),
        DataProtectionPolicy: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(logGroup.encryptionKey).toBeInstanceOf(CustomerManagedKey);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: 'Encrypts the CloudWatch Logs log group /TestStack/Logs' },
      DeletionPolicy: 'Retain',
    });
  });

  test.each([
    ['its own key', () => undefined],
    ['a key it is given', (stack: Stack) => new CustomerManagedKey(stack, 'Given')],
  ])('with %s, the log group is created after the key (its KmsKeyId references it), whose policy holds the logs service statement', (_, key) => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new EncryptedLogGroup(stack, 'Logs', { encryptionKey: key(stack) });

    // THEN
    const intrinsics = new Intrinsics(stack);
    const keyId = intrinsics.logicalIdOf('AWS::KMS::Key');
    // The key policy is a property of the key resource: the reference orders the log group after both.
    Template.fromStack(stack).hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      // cfn-lint W3005: a DependsOn that a Ref or Fn::GetAtt already implies fails users' lint steps.
      DependsOn: Match.absent(),
    });
    expect(keyPolicy(stack).policy.Statement).toContainEqual({
      Sid: 'AllowCloudWatchLogs',
      Effect: 'Allow',
      Principal: { Service: LOGS_SERVICE },
      Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      Resource: '*',
      Condition: { ArnLike: { [CONTEXT_KEY]: [contextArn('/TestStack/Logs')] } },
    });
  });

  test('a key in another stack is deployed first: the log group stack depends on the key stack', () => {
    // GIVEN
    const app = testApp();
    const keyStack = testStack('KeyStack', {}, app);
    const key = new CustomerManagedKey(keyStack, 'Key');

    // WHEN
    new EncryptedLogGroup(testStack('LogStack', {}, app), 'Logs', { encryptionKey: key });

    // THEN
    const assembly = app.synth();
    expect(assembly.getStackByName('LogStack').dependencies.map((artifact) => artifact.id)).toContain('KeyStack');
    expect(keyPolicy(keyStack).policy.Statement).toContainEqual(expect.objectContaining({
      Condition: { ArnLike: { [CONTEXT_KEY]: [contextArn('/LogStack/Logs')] } },
    }));
  });

  test('pins the logical ids of a default instance', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new EncryptedLogGroup(stack, 'Logs');

    // THEN
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources).sort()).toEqual(['Logs6819BB44', 'LogsKeyB5D1D597']);
  });

  test('derives the name from the top-level stack name and the construct path', () => {
    // GIVEN
    const stack = testStack('Stack', { stackName: 'my-service-prod' });
    const parent = new iam.Role(stack, 'Service Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // WHEN
    const logGroup = new EncryptedLogGroup(parent, 'Logs');

    // THEN
    expect(stack.resolve(logGroup.logGroupName)).toEqual({ Ref: stack.getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup) });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/my-service-prod/Service-Role/Logs-[0-9A-F]{8}$'),
    });
  });

  test('in a nested stack, derives the name from the top-level stack, whose name is known at synth time', () => {
    // GIVEN
    const stack = testStack();
    const nested = new NestedStack(stack, 'Nested');

    // WHEN
    new EncryptedLogGroup(nested, 'Logs');

    // THEN
    Template.fromStack(nested).hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/TestStack/Nested/Logs' });
  });
});

describe('EncryptedLogGroup options', () => {
  test('uses the given key, name, retention, class, data protection and removal policy', () => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');

    // WHEN
    const logGroup = new EncryptedLogGroup(stack, 'Logs', {
      encryptionKey: key,
      logGroupName: '/app/audit#1',
      retention: logs.RetentionDays.TEN_YEARS,
      logGroupClass: logs.LogGroupClass.INFREQUENT_ACCESS,
      dataProtectionPolicy: new logs.DataProtectionPolicy({ identifiers: [logs.DataIdentifier.EMAILADDRESS] }),
      fieldIndexPolicies: [new logs.FieldIndexPolicy({ fields: ['requestId'] })],
      deletionProtectionEnabled: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // THEN
    expect(logGroup.encryptionKey).toBe(key);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: '/app/audit#1',
        RetentionInDays: 3653,
        LogGroupClass: 'INFREQUENT_ACCESS',
        KmsKeyId: { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] },
        DataProtectionPolicy: Match.objectLike({ Statement: Match.anyValue() }),
        FieldIndexPolicies: [{ Fields: ['requestId'] }],
        DeletionProtectionEnabled: true,
      },
      DeletionPolicy: 'Delete',
    });
    expect(keyPolicy(stack).policy.Statement).toContainEqual(expect.objectContaining({
      Condition: { ArnLike: { [CONTEXT_KEY]: [contextArn('/app/audit#1')] } },
    }));
  });

  test('keeps events forever only when RetentionDays.INFINITE is asked for', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new EncryptedLogGroup(stack, 'Logs', { retention: logs.RetentionDays.INFINITE });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.absent() });
  });

  test('a retention that is a token (a CfnParameter) synthesizes as a reference to it', () => {
    // GIVEN
    const stack = testStack();
    const retention = new CfnParameter(stack, 'Retention', { type: 'Number', default: 30 });

    // WHEN
    new EncryptedLogGroup(stack, 'Logs', { retention: retention.valueAsNumber });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: { Ref: 'Retention' } });
  });

  test('accepts a name that is a token, and uses it in the key policy', () => {
    // GIVEN
    const stack = testStack();
    const name = Token.asString({ 'Fn::Sub': '/app/${AWS::StackName}' });

    // WHEN
    new EncryptedLogGroup(stack, 'Logs', { logGroupName: name });

    // THEN
    const statement = Template.fromStack(stack).toJSON().Resources.LogsKeyB5D1D597.Properties.KeyPolicy.Statement[2];
    expect(JSON.stringify(statement.Condition)).toContain('/app/${AWS::StackName}');
  });

  test('the account-wide scope names every log group of the account and Region', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new EncryptedLogGroup(stack, 'Logs', { keyPolicyScope: LogGroupKeyPolicyScope.ACCOUNT });

    // THEN
    expect(keyPolicy(stack).policy.Statement).toContainEqual(expect.objectContaining({
      Condition: { ArnLike: { [CONTEXT_KEY]: [contextArn('*')] } },
    }));
  });
});

describe('EncryptedLogGroup key policy behaviour', () => {
  test.each(['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:DescribeKey'])(
    'CloudWatch Logs may call %s with this log group\'s encryption context',
    async (action) => {
      // GIVEN
      const stack = testStack();

      // WHEN
      new EncryptedLogGroup(stack, 'Logs');

      // THEN
      expect(await logsRequest(stack, action, contextArn('/TestStack/Logs'))).toBe('Allowed');
    },
  );

  test.each([
    ['another log group', LOGS_SERVICE, contextArn('/TestStack/Other')],
    ['the log stream ARN form with :*', LOGS_SERVICE, `${contextArn('/TestStack/Logs')}:*`],
    ['the same name in another account', LOGS_SERVICE, contextArn('/TestStack/Logs', OTHER_ACCOUNT)],
    ['CloudWatch Logs in another Region', 'logs.us-east-1.amazonaws.com', contextArn('/TestStack/Logs')],
    ['another service', 'sns.amazonaws.com', contextArn('/TestStack/Logs')],
  ])('denies %s', async (_case, principal, arn) => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new EncryptedLogGroup(stack, 'Logs');

    // THEN the same policy allows the log group's own request, so the denial is about the difference
    expect(await logsRequest(stack, 'kms:GenerateDataKey', contextArn('/TestStack/Logs'))).toBe('Allowed');
    expect(await logsRequest(stack, 'kms:GenerateDataKey', arn, principal)).toBe('ImplicitlyDenied');
  });

  test('denies CloudWatch Logs without an encryption context', async () => {
    // GIVEN
    const stack = testStack();
    new EncryptedLogGroup(stack, 'Logs');

    // WHEN
    const { policy, keyArn } = keyPolicy(stack);
    const decision = await evaluate(policy, { principal: LOGS_SERVICE, action: 'kms:GenerateDataKey', resource: keyArn, resourceAccount: ACCOUNT });

    // THEN
    expect(decision).toBe('ImplicitlyDenied');
  });

  test('log groups on one key share one statement: each is allowed, others are not', async () => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');

    // WHEN
    new EncryptedLogGroup(stack, 'A', { encryptionKey: key });
    new EncryptedLogGroup(stack, 'B', { encryptionKey: key });

    // THEN
    const statements = keyPolicy(stack).policy.Statement;
    expect(statements.filter((statement: any) => statement.Sid === 'AllowCloudWatchLogs')).toHaveLength(1);
    expect(await logsRequest(stack, 'kms:Decrypt', contextArn('/TestStack/A'))).toBe('Allowed');
    expect(await logsRequest(stack, 'kms:Decrypt', contextArn('/TestStack/B'))).toBe('Allowed');
    expect(await logsRequest(stack, 'kms:Decrypt', contextArn('/TestStack/C'))).toBe('ImplicitlyDenied');
  });

  test('the account-wide scope allows any log group of the account and Region, not of another account', async () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new EncryptedLogGroup(stack, 'Logs', { keyPolicyScope: LogGroupKeyPolicyScope.ACCOUNT });

    // THEN
    expect(await logsRequest(stack, 'kms:GenerateDataKey', contextArn('/any/other/group'))).toBe('Allowed');
    expect(await logsRequest(stack, 'kms:GenerateDataKey', contextArn('/any/other/group', OTHER_ACCOUNT))).toBe('ImplicitlyDenied');
    expect(await logsRequest(stack, 'kms:GenerateDataKey', contextArn('/any/other/group'), 'sns.amazonaws.com')).toBe('ImplicitlyDenied');
  });

  test('100 log groups on one key keep the key policy under the 32 KB limit', () => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');

    // WHEN
    for (let i = 0; i < 100; i++) {
      new EncryptedLogGroup(stack, `LogGroupNumber${i}`, { encryptionKey: key });
    }

    // THEN
    const { policy } = keyPolicy(stack);
    expect(policy.Statement).toHaveLength(3);
    expect(policy.Statement[2].Condition.ArnLike[CONTEXT_KEY]).toHaveLength(100);
    expect(keyPolicyBytes(stack)).toBeLessThan(32_768 * 0.8);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('the account-wide scope keeps the key policy the same size for 1 or 100 log groups', () => {
    // GIVEN
    const sizes = [1, 100].map((count) => {
      const stack = testStack();
      const key = new CustomerManagedKey(stack, 'Key');

      // WHEN
      for (let i = 0; i < count; i++) {
        new EncryptedLogGroup(stack, `LogGroupNumber${i}`, { encryptionKey: key, keyPolicyScope: LogGroupKeyPolicyScope.ACCOUNT });
      }
      return keyPolicyBytes(stack);
    });

    // THEN
    expect(sizes[1]).toBe(sizes[0]);
  });

  test('an account-wide log group absorbs the exact ARNs of the others on the same key', () => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');
    new EncryptedLogGroup(stack, 'Exact', { encryptionKey: key });

    // WHEN
    new EncryptedLogGroup(stack, 'Wide', { encryptionKey: key, keyPolicyScope: LogGroupKeyPolicyScope.ACCOUNT });

    // THEN
    expect(keyPolicy(stack).policy.Statement[2].Condition).toEqual({ ArnLike: { [CONTEXT_KEY]: [contextArn('*')] } });
  });

  test('a log group added after the key policy was resolved once still gets into it', () => {
    // GIVEN a key policy already resolved with one log group
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');
    new EncryptedLogGroup(stack, 'First', { encryptionKey: key, logGroupName: 'first' });
    stack.resolve((key.node.defaultChild as kms.CfnKey).keyPolicy);

    // WHEN
    new EncryptedLogGroup(stack, 'Second', { encryptionKey: key, logGroupName: 'second' });

    // THEN
    expect(keyPolicy(stack).policy.Statement[2].Condition).toEqual({ ArnLike: { [CONTEXT_KEY]: [contextArn('first'), contextArn('second')] } });
  });
});

describe('EncryptedLogGroup with an imported key', () => {
  test('warns with the exact statement to add, and still encrypts with the key', () => {
    // GIVEN
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', IMPORTED_KEY_ARN);

    // WHEN
    new EncryptedLogGroup(stack, 'Logs', { encryptionKey: key });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: IMPORTED_KEY_ARN });
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 0);
    const expected = JSON.stringify({
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Condition: { ArnLike: { [CONTEXT_KEY]: [contextArn('/TestStack/Logs')] } },
      Effect: 'Allow',
      Principal: { Service: `logs.${REGION}.amazonaws.com` },
      Resource: '*',
      Sid: 'AllowCloudWatchLogs',
    });
    Annotations.fromStack(stack).hasWarning('/TestStack/Logs', [
      'The key policy of TestStack/Imported cannot be edited in this app (the key is imported).',
      `Add this statement to it, or the service will be denied use of the key: ${expected}.`,
      'Once added, acknowledge this warning on TestStack/Logs. [ack: cdk-kms-encryption:keyPolicyNotEditable]',
    ].join(' '));
  });

  test('each log group on an imported key warns with its own log group', () => {
    // GIVEN
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', IMPORTED_KEY_ARN);

    // WHEN
    new EncryptedLogGroup(stack, 'A', { encryptionKey: key });
    new EncryptedLogGroup(stack, 'B', { encryptionKey: key });

    // THEN
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/TestStack/A', Match.stringLikeRegexp('log-group:/TestStack/A"\\]'));
    annotations.hasWarning('/TestStack/B', Match.stringLikeRegexp('log-group:/TestStack/B"\\]'));
  });
});

describe('EncryptedLogGroup grants', () => {
  test('grantWrite lets a principal create streams and put events in this log group', () => {
    // GIVEN
    const stack = testStack();
    const logGroup = new EncryptedLogGroup(stack, 'Logs');
    const role = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // WHEN
    logGroup.grantWrite(role);

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': ['Logs6819BB44', 'Arn'] },
        }],
      },
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }],
    });
  });

  test('grantRead lets a principal read and search this log group', () => {
    // GIVEN
    const stack = testStack();
    const logGroup = new EncryptedLogGroup(stack, 'Logs');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    logGroup.grantRead(role);

    // THEN (aws-cdk-lib 2.276 adds the log streams' ARN, so Resource is the ARN or a list holding it)
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    const [statement] = policy.Properties.PolicyDocument.Statement;
    expect(statement).toEqual(expect.objectContaining({
      Action: expect.arrayContaining(['logs:FilterLogEvents', 'logs:GetLogEvents']),
      Effect: 'Allow',
    }));
    expect([statement.Resource].flat()).toContainEqual({ 'Fn::GetAtt': ['Logs6819BB44', 'Arn'] });
  });
});

describe('EncryptedLogGroup across stacks and Regions', () => {
  test('the logs principal is CloudWatch Logs of the key\'s Region, even when the first log group is in another stack', async () => {
    // GIVEN a key whose first log group is in another stack of the same Region
    const app = testApp();
    const keyStack = testStack('KeyStack', {}, app);
    const key = new CustomerManagedKey(keyStack, 'Key');
    new EncryptedLogGroup(testStack('LogStack', {}, app), 'Logs', { encryptionKey: key, logGroupName: '/app/first' });

    // WHEN
    new EncryptedLogGroup(keyStack, 'Own', { encryptionKey: key, logGroupName: '/app/own' });

    // THEN
    expect(await logsRequest(keyStack, 'kms:GenerateDataKey', contextArn('/app/own'))).toBe('Allowed');
    expect(await logsRequest(keyStack, 'kms:GenerateDataKey', contextArn('/app/first'))).toBe('Allowed');
  });

  test('a log group in another Region than its key fails at synth with the fix', () => {
    // GIVEN
    const app = testApp();
    const key = new CustomerManagedKey(testStack('KeyStack', { crossRegionReferences: true }, app), 'Key');
    const logStack = new Stack(app, 'LogStack', { env: { account: ACCOUNT, region: 'us-east-1' }, crossRegionReferences: true });

    // WHEN / THEN
    expect(() => new EncryptedLogGroup(logStack, 'Logs', { encryptionKey: key })).toThrow(new Error(
      `[LogStack/Logs] Invalid configuration: \`encryptionKey\` must be in the log group's Region us-east-1, got KeyStack/Key in ${REGION}: CloudWatch Logs uses only keys of its own Region. Use a key defined in us-east-1, for example a ReplicaKey of a multi-Region key.`,
    ));
  });

  test('an imported key of another Region fails at synth too', () => {
    const stack = new Stack(testApp(), 'LogStack', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const key = kms.Key.fromKeyArn(stack, 'Key', IMPORTED_KEY_ARN);
    expect(() => new EncryptedLogGroup(stack, 'Logs', { encryptionKey: key })).toThrow(/`encryptionKey` must be in the log group's Region us-east-1, got LogStack\/Key in eu-west-1/);
  });

  test('a token log group name with a key in another stack fails at synth: the key\'s stack would resolve it differently', () => {
    // GIVEN
    const app = testApp();
    const key = new CustomerManagedKey(testStack('KeyStack', {}, app), 'Key');
    const logStack = testStack('LogStack', {}, app);

    // WHEN / THEN
    expect(() => new EncryptedLogGroup(logStack, 'Logs', { encryptionKey: key, logGroupName: `/${Aws.STACK_NAME}/app` })).toThrow(new Error(
      '[LogStack/Logs] Invalid configuration: `logGroupName` must be known at synth time when `encryptionKey` is in another stack (KeyStack), got {"Fn::Join":["",["/",{"Ref":"AWS::StackName"},"/app"]]}: the key policy would resolve it in the key\'s stack, to another name or a cross-stack reference. Give a literal name, or define the key in the log group\'s stack.',
    ));
  });
});

describe('EncryptedLogGroup.keepKeyAccess', () => {
  test('a retained log group that left the app, or a former name, keeps CloudWatch Logs\' use of the key', async () => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');
    new EncryptedLogGroup(stack, 'Logs', { encryptionKey: key, logGroupName: '/app/current' });

    // WHEN
    EncryptedLogGroup.keepKeyAccess(key, ['/app/dropped', '/app/former-name']);

    // THEN
    for (const name of ['/app/current', '/app/dropped', '/app/former-name']) {
      expect(await logsRequest(stack, 'kms:Decrypt', contextArn(name))).toBe('Allowed');
    }
    expect(await logsRequest(stack, 'kms:Decrypt', contextArn('/app/other'))).toBe('ImplicitlyDenied');
  });

  test('rejects a name CloudWatch Logs would not accept', () => {
    const key = new CustomerManagedKey(testStack(), 'Key');
    expect(() => EncryptedLogGroup.keepKeyAccess(key, ['/my app'])).toThrow(
      "[TestStack/Key] Invalid configuration: `logGroupName` may contain only a-z, A-Z, 0-9, '_', '-', '/', '.' and '#', got '/my app'. Replace the other characters.",
    );
  });
});

describe('EncryptedLogGroup validation', () => {
  const longName = `/${'a'.repeat(512)}`;
  test.each([
    [
      'a retention CloudWatch does not accept',
      { retention: 31 as logs.RetentionDays },
      '`retention` must be one of the periods CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days), got 31 days. Use a logs.RetentionDays value, or RetentionDays.INFINITE to keep events forever.',
    ],
    [
      'a name that is too long',
      { logGroupName: longName },
      "`logGroupName` must be 1 to 512 characters long, got 513 characters ('/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'). Shorten it, or leave it out to get a derived name.",
    ],
    [
      'an empty name',
      { logGroupName: '' },
      "`logGroupName` must be 1 to 512 characters long, got 0 characters (''). Shorten it, or leave it out to get a derived name.",
    ],
    [
      'a name with characters CloudWatch rejects',
      { logGroupName: '/my app/logs:1' },
      "`logGroupName` may contain only a-z, A-Z, 0-9, '_', '-', '/', '.' and '#', got '/my app/logs:1'. Replace the other characters.",
    ],
    [
      'a name in the reserved aws/ namespace',
      { logGroupName: 'aws/lambda/fn' },
      "`logGroupName` must not start with 'aws/', which CloudWatch Logs reserves, got 'aws/lambda/fn'. Start it with '/aws/' or another prefix.",
    ],
    [
      'the DELIVERY log class',
      { logGroupClass: logs.LogGroupClass.DELIVERY },
      '`logGroupClass` must be STANDARD or INFREQUENT_ACCESS, got DELIVERY: a DELIVERY log group only forwards events and keeps them one day, without retention or data protection. Use logs.LogGroupClass.STANDARD or INFREQUENT_ACCESS.',
    ],
  ])('rejects %s', (_case, props, message) => {
    // GIVEN
    const stack = testStack();

    // WHEN / THEN
    expect(() => new EncryptedLogGroup(stack, 'Logs', props)).toThrow(`[TestStack/Logs] Invalid configuration: ${message}`);
  });

  test('rejects a key that is not symmetric', () => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY });

    // WHEN / THEN
    expect(() => new EncryptedLogGroup(stack, 'Logs', { encryptionKey: key })).toThrow(
      '[TestStack/Logs] Invalid configuration: `encryptionKey` must be a symmetric encryption key (SYMMETRIC_DEFAULT), got a RSA_2048 key. Use a CustomerManagedKey with the default keySpec.',
    );
  });

  test('lists every problem in one error', () => {
    // GIVEN
    const stack = testStack();

    // WHEN / THEN
    expect(() => new EncryptedLogGroup(stack, 'Logs', { logGroupName: 'aws/bad name', retention: 2 as logs.RetentionDays })).toThrow(
      /Invalid configuration: \n {2}- `logGroupName` may contain only.*\n {2}- `logGroupName` must not start with 'aws\/'.*\n {2}- `retention` must be one of/,
    );
  });

  test('skips values that are unresolved tokens', () => {
    // GIVEN
    const stack = testStack();

    // WHEN / THEN
    expect(() => new EncryptedLogGroup(stack, 'Logs', {
      logGroupName: Token.asString({ Ref: 'NameParameter' }),
      retention: Token.asNumber({ Ref: 'RetentionParameter' }),
    })).not.toThrow();
  });
});

describe('EncryptedLogGroup compliance', () => {
  test('a default instance has no cdk-nag findings', () => {
    // GIVEN
    const app = testApp();

    // WHEN
    new EncryptedLogGroup(testStack('Default', {}, app), 'Logs');

    // THEN
    expectNoNagFindings(app);
  });

  test('a fully configured instance has no cdk-nag findings', () => {
    // GIVEN
    const app = testApp();
    const stack = testStack('Configured', {}, app);
    const key = new CustomerManagedKey(stack, 'Key', { alias: 'logs' });

    // WHEN
    new EncryptedLogGroup(stack, 'Logs', {
      encryptionKey: key,
      logGroupName: '/app/audit',
      retention: logs.RetentionDays.SEVEN_YEARS,
      logGroupClass: logs.LogGroupClass.INFREQUENT_ACCESS,
      dataProtectionPolicy: new logs.DataProtectionPolicy({ identifiers: [logs.DataIdentifier.EMAILADDRESS] }),
      keyPolicyScope: LogGroupKeyPolicyScope.ACCOUNT,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // THEN
    expectNoNagFindings(app);
  });
});
