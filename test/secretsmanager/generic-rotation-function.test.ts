import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RotatingSecret } from '../../src/secretsmanager';
import { ROTATION_SECRET_ACTIONS } from '../../src/secretsmanager/private/actions';
import { ACCOUNT, OTHER_ACCOUNT, REGION, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { evaluate } from '../util/policy';

/**
 * The permissions of a stack's generic rotation function, evaluated with the IAM engine over every managed
 * policy of its role: it reaches its stack's secrets (by ARN) while they name it, and their keys (by ARN)
 * through Secrets Manager, and nothing else, whatever tags anyone writes.
 */

jest.setTimeout(60_000); // the first synthesis of a test file loads aws-cdk-lib

const ROLE_ID = 'CdkKmsEncryptionGenericRotationServiceRole7869DA28';
const FUNCTION_ID = 'CdkKmsEncryptionGenericRotationFunctionB0EEB82C';
const POLICY_ID = 'CdkKmsEncryptionGenericRotationPolicyE83E1976';
const PERMISSION_ID = 'CdkKmsEncryptionGenericRotationInvokePermissionBA39F251';
/** The condition key Secrets Manager sets to the rotation function ARN of the secret a request is about. */
const ALLOW_ROTATION_LAMBDA_ARN = 'secretsmanager:resource/AllowRotationLambdaArn';
/** The condition key IAM sets to the value of the secret's ownership tag, which anyone with TagResource writes. */
const OWNERSHIP_TAG = 'aws:ResourceTag/cdk-kms-encryption:stack-id';

/** Every statement of the managed policies attached to `roleId`. */
function roleStatements(template: any, intrinsics: Intrinsics, roleId: string): any[] {
  return Object.values<any>(template.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(resource.Properties.Roles).includes(roleId))
    .flatMap((resource) => intrinsics.resolve(resource.Properties.PolicyDocument).Statement);
}

/** A deployed stack with two generic-rotation secrets on their own keys: the role's statements, the function's ARN, the secrets and keys. */
function deployed() {
  const stack = testStack();
  const a = new RotatingSecret(stack, 'A', { secretName: 'app/a' });
  new RotatingSecret(stack, 'B', { secretName: 'app/b' });
  const template = Template.fromStack(stack).toJSON();
  const intrinsics = new Intrinsics(stack);
  const functionArn = intrinsics.arn(FUNCTION_ID);
  const keyArn = intrinsics.arn(stack.resolve((a.encryptionKey!.node.defaultChild as CfnResource).logicalId));
  return {
    template,
    intrinsics,
    statements: roleStatements(template, intrinsics, ROLE_ID),
    functionArn,
    stackId: intrinsics.stackId(),
    secretArn: intrinsics.arn(stack.resolve((a.node.defaultChild as CfnResource).logicalId)),
    keyArn,
    /** What IAM knows of a secret of this stack: it names the function and carries the stack's tag. */
    ownSecret: { [ALLOW_ROTATION_LAMBDA_ARN]: functionArn, [OWNERSHIP_TAG]: intrinsics.stackId() },
  };
}

/**
 * A key policy that leaves every decision to IAM policies of the function's account, as a default key's
 * does (KMS needs a key policy that delegates: IAM policies alone never allow use of a key).
 */
const DELEGATING_KEY_POLICY = { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] };

/** The decision on a request of the function's role, on its IAM policy (secrets have no resource policy here). */
function asFunction(statements: any[], action: string, resource: string, context: Record<string, string> = {}) {
  return evaluate(action.startsWith('kms:') ? DELEGATING_KEY_POLICY : undefined, {
    principal: `arn:aws:iam::${ACCOUNT}:role/${ROLE_ID.toLowerCase()}`, // what Intrinsics gives the role
    action,
    resource,
    resourceAccount: resource.split(':')[4],
    context,
    identityStatements: statements,
  });
}

describe('the rotation function on secrets', () => {
  test.each(ROTATION_SECRET_ACTIONS)('may call %s on a secret of its stack that names it', async (action) => {
    const { statements, secretArn, ownSecret } = deployed();
    expect(await asFunction(statements, action, secretArn, ownSecret)).toBe('Allowed');
  });

  test.each<[string, (fn: string, stackId: string, secret: string) => [string, Record<string, string>]]>([
    // The confused deputy: anyone with TagResource and RotateSecret on another team's secret tags it with
    // this stack's id and points its rotation at the function. Only the ARN, which no one writes, stops them.
    ['another team\'s secret that names it and carries this stack\'s tag', (fn, stackId) =>
      [`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:team-b/credentials-XyZ123`, { [ALLOW_ROTATION_LAMBDA_ARN]: fn, [OWNERSHIP_TAG]: stackId }]],
    ['a secret of this stack rotated by another function', (_, stackId, secret) =>
      [secret, { [ALLOW_ROTATION_LAMBDA_ARN]: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other`, [OWNERSHIP_TAG]: stackId }]],
    ['a secret of this stack with no rotation', (_, stackId, secret) => [secret, { [OWNERSHIP_TAG]: stackId }]],
    ['a secret of another account with the same name, naming it and tagged', (fn, stackId, secret) =>
      [secret.replace(ACCOUNT, OTHER_ACCOUNT), { [ALLOW_ROTATION_LAMBDA_ARN]: fn, [OWNERSHIP_TAG]: stackId }]],
    ['a secret in another Region with the same name, naming it and tagged', (fn, stackId, secret) =>
      [secret.replace(REGION, 'eu-central-1'), { [ALLOW_ROTATION_LAMBDA_ARN]: fn, [OWNERSHIP_TAG]: stackId }]],
  ])('is denied %s', async (_name, requestFor) => {
    const { statements, functionArn, stackId, secretArn } = deployed();
    const [resource, context] = requestFor(functionArn, stackId, secretArn);
    for (const action of ROTATION_SECRET_ACTIONS) {
      expect(await asFunction(statements, action, resource, context)).toBe('ImplicitlyDenied');
    }
  });

  test.each(['secretsmanager:DeleteSecret', 'secretsmanager:PutResourcePolicy', 'secretsmanager:RotateSecret', 'secretsmanager:UpdateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'])(
    'is denied %s even on a secret of its stack that names it', async (action) => {
      const { statements, secretArn, ownSecret } = deployed();
      expect(await asFunction(statements, action, secretArn, ownSecret)).toBe('ImplicitlyDenied');
    });
});

describe('the rotation function on keys', () => {
  const viaSecretsManager = (secretArn: string) => ({
    'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`,
    'kms:EncryptionContext:SecretARN': secretArn,
  });

  test.each(['kms:Decrypt', 'kms:GenerateDataKey'])('may call %s on its secrets\' keys through Secrets Manager, for a secret', async (action) => {
    const { statements, secretArn, keyArn } = deployed();
    expect(await asFunction(statements, action, keyArn, viaSecretsManager(secretArn))).toBe('Allowed');
  });

  test.each<[string, (key: string) => string, Record<string, string>]>([
    ['another key of its account (Security Hub KMS.1: no key is named by a pattern)', (key) => key.replace(/key\/.*/, 'key/1234abcd-12ab-34cd-56ef-1234567890ab'), viaSecretsManager(`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:x-AbCdEf`)],
    ['through another service', (key) => key, { 'kms:ViaService': `ssm.${REGION}.amazonaws.com`, 'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:x-AbCdEf` }],
    ['through Secrets Manager in another Region', (key) => key, { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com', 'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:x-AbCdEf` }],
    ['directly, not through a service', (key) => key, { 'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:x-AbCdEf` }],
    ['for something that is not a secret', (key) => key, { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:EncryptionContext:PARAMETER_ARN': `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/x` }],
    ['for a secret of another account', (key) => key, viaSecretsManager(`arn:aws:secretsmanager:${REGION}:${OTHER_ACCOUNT}:secret:x-AbCdEf`)],
  ])('is denied use of %s', async (_name, resource, context) => {
    const { statements, keyArn } = deployed();
    expect(await asFunction(statements, 'kms:Decrypt', resource(keyArn), context)).toBe('ImplicitlyDenied');
  });

  test('is denied kms:Encrypt, which Secrets Manager does not call', async () => {
    const { statements, secretArn, keyArn } = deployed();
    expect(await asFunction(statements, 'kms:Encrypt', keyArn, viaSecretsManager(secretArn))).toBe('ImplicitlyDenied');
  });

  test('may use a key of another account that a secret is encrypted with, by its ARN', async () => {
    // GIVEN
    const stack = testStack();
    const foreignKey = `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    new RotatingSecret(stack, 'A', { secretName: 'app/a', encryptionKey: kms.Key.fromKeyArn(stack, 'Foreign', foreignKey) });
    const intrinsics = new Intrinsics(stack);
    const statements = roleStatements(Template.fromStack(stack).toJSON(), intrinsics, ROLE_ID);

    // WHEN / THEN
    const context = viaSecretsManager(`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:app/a-AbCdEf`);
    expect(await asFunction(statements, 'kms:Decrypt', foreignKey, context)).toBe('Allowed');
    expect(await asFunction(statements, 'kms:Decrypt', foreignKey.replace('1234abcd', 'ffffabcd'), context)).toBe('ImplicitlyDenied');
  });
});

describe('no policy of the rotation function allows kms:Decrypt or kms:ReEncryptFrom on a pattern (Security Hub KMS.1)', () => {
  test('every KMS statement names keys, never a wildcard or a policy variable', () => {
    const { statements } = deployed();
    const kmsStatements = statements.filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('kms:')));
    expect(kmsStatements.length).toBeGreaterThan(0);
    for (const statement of kmsStatements) {
      for (const resource of [statement.Resource].flat()) {
        expect(resource).toMatch(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[^*?$]+$/);
      }
    }
  });
});

describe('Secrets Manager\'s permission to invoke the function', () => {
  /** The template's Lambda permissions, for `count` secrets with generic rotation. */
  const permissionsFor = (count: number) => {
    const stack = testStack();
    for (let i = 0; i < count; i++) {
      new RotatingSecret(stack, `Secret${i}`);
    }
    return Object.entries<any>(Template.fromStack(stack).toJSON().Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Permission');
  };

  test('is one per stack, whatever the number of secrets, for the account\'s secrets only', () => {
    expect(permissionsFor(1)).toEqual(permissionsFor(20));
    expect(permissionsFor(20)).toEqual([[PERMISSION_ID, {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [FUNCTION_ID, 'Arn'] },
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: ACCOUNT,
        SourceArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:*`,
      },
    }]]);
  });

  test('every rotation schedule waits for it and for every policy of the role', () => {
    const { template } = deployed();
    const policies = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::IAM::ManagedPolicy' && id.startsWith('CdkKmsEncryptionGenericRotation'));
    expect(policies).toHaveLength(4);
    const schedules = Object.values<any>(template.Resources).filter((resource) => resource.Type === 'AWS::SecretsManager::RotationSchedule');
    expect(schedules).toHaveLength(2);
    for (const schedule of schedules) {
      expect(schedule.DependsOn).toEqual(expect.arrayContaining([PERMISSION_ID, ...policies]));
    }
  });
});

describe('the rotation function policies', () => {
  test('`Policy` is the same for one secret and for many; the others list one ARN more per secret and key', () => {
    const policiesWith = (count: number) => {
      const stack = testStack();
      for (let i = 0; i < count; i++) {
        new RotatingSecret(stack, `Secret${i}`);
      }
      const resources = Template.fromStack(stack).toJSON().Resources;
      const listed = Object.values<any>(resources).filter((resource) => resource.Type === 'AWS::IAM::ManagedPolicy' && resource !== resources[POLICY_ID])
        .flatMap((resource) => resource.Properties.PolicyDocument.Statement.flatMap((statement: any) => [statement.Resource].flat()));
      return { policy: resources[POLICY_ID].Properties.PolicyDocument, listed: listed.length };
    };
    const one = policiesWith(1);
    const thirty = policiesWith(30);
    expect(thirty.policy).toEqual(one.policy);
    expect(one.listed).toEqual(3); // the secret, its key as the secrets are to be, its key as they were
    expect(thirty.listed).toEqual(90);
  });

  test('name the function, which does not wait for them: no cycle', () => {
    const { template } = deployed();
    const secretPolicies = Object.keys(template.Resources).filter((id) => id.startsWith('CdkKmsEncryptionGenericRotationSecretPolicies'));
    expect(secretPolicies).toHaveLength(1);
    expect(JSON.stringify(template.Resources[secretPolicies[0]])).toContain(FUNCTION_ID);
    expect(template.Resources[FUNCTION_ID].DependsOn).toEqual([ROLE_ID]);
  });

  test('while a secret\'s key changes, forwards or back, one of them names each key the secret is under', () => {
    // CloudFormation updates a resource after those it depends on, and rolls back in the same order or its
    // reverse: `KeyPolicies` (new key) before the secret, `PreviousKeyPolicies` (old key) after it.
    const { template } = deployed();
    const ids = Object.keys(template.Resources);
    const keyPolicies = ids.find((id) => id.startsWith('CdkKmsEncryptionGenericRotationKeyPolicies'))!;
    const previousKeyPolicies = ids.find((id) => id.startsWith('CdkKmsEncryptionGenericRotationPreviousKeyPolicies'))!;
    const secrets = ids.filter((id) => template.Resources[id].Type === 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) {
      expect(template.Resources[secret].DependsOn).toEqual(expect.arrayContaining([keyPolicies, FUNCTION_ID]));
      expect(template.Resources[previousKeyPolicies].DependsOn).toContain(secret);
    }
    expect(template.Resources[keyPolicies].Properties.PolicyDocument).toEqual(template.Resources[previousKeyPolicies].Properties.PolicyDocument);
  });
});
