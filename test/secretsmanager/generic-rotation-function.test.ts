import { Template } from 'aws-cdk-lib/assertions';
import { RotatingSecret } from '../../src/secretsmanager';
import { ROTATION_SECRET_ACTIONS } from '../../src/secretsmanager/private/actions';
import { ACCOUNT, OTHER_ACCOUNT, REGION, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { evaluate } from '../util/policy';

/**
 * The permissions of a stack's generic rotation function, evaluated with the IAM engine: it reaches the
 * secrets whose rotation configuration names it and that carry its stack's ownership tag, and their keys
 * through Secrets Manager, and nothing else.
 */

jest.setTimeout(60_000); // the first synthesis of a test file loads aws-cdk-lib

const ROLE_ID = 'CdkKmsEncryptionGenericRotationServiceRole7869DA28';
const FUNCTION_ID = 'CdkKmsEncryptionGenericRotationFunctionB0EEB82C';
const POLICY_ID = 'CdkKmsEncryptionGenericRotationPolicyE83E1976';
const PERMISSION_ID = 'CdkKmsEncryptionGenericRotationInvokePermissionBA39F251';
/** The condition key Secrets Manager sets to the rotation function ARN of the secret a request is about. */
const ALLOW_ROTATION_LAMBDA_ARN = 'secretsmanager:resource/AllowRotationLambdaArn';
/** The condition key IAM sets to the value of the secret's ownership tag. */
const OWNERSHIP_TAG = 'aws:ResourceTag/cdk-kms-encryption:stack-id';

/** A deployed stack with two generic-rotation secrets: the role's statements, the function's ARN and a secret's. */
function deployed() {
  const stack = testStack();
  new RotatingSecret(stack, 'A', { secretName: 'app/a' });
  new RotatingSecret(stack, 'B', { secretName: 'app/b' });
  const template = Template.fromStack(stack).toJSON();
  const intrinsics = new Intrinsics(stack);
  const functionArn = intrinsics.arn(FUNCTION_ID);
  return {
    template,
    intrinsics,
    statements: intrinsics.resolve(template.Resources[POLICY_ID].Properties.PolicyDocument).Statement,
    functionArn,
    stackId: intrinsics.stackId(),
    secretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:app/a-AbCdEf`,
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
  test.each(ROTATION_SECRET_ACTIONS)('may call %s on a secret that names it and carries its stack\'s tag', async (action) => {
    const { statements, secretArn, ownSecret } = deployed();
    expect(await asFunction(statements, action, secretArn, ownSecret)).toBe('Allowed');
  });

  test.each<[string, (fn: string, stackId: string, secret: string) => [string, Record<string, string>]]>([
    // Anyone who may call RotateSecret on a secret can point it at the function: the tag stops them.
    ['a secret that names it but is not tagged', (fn, _, secret) => [secret, { [ALLOW_ROTATION_LAMBDA_ARN]: fn }]],
    ['a secret that names it, tagged with another stack\'s id', (fn, stackId, secret) =>
      [secret, { [ALLOW_ROTATION_LAMBDA_ARN]: fn, [OWNERSHIP_TAG]: stackId.replace('/TestStack/', '/OtherStack/') }]],
    ['a secret of this stack rotated by another function', (_, stackId, secret) =>
      [secret, { [ALLOW_ROTATION_LAMBDA_ARN]: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other`, [OWNERSHIP_TAG]: stackId }]],
    ['a secret tagged as this stack\'s, with no rotation', (_, stackId, secret) => [secret, { [OWNERSHIP_TAG]: stackId }]],
    ['a secret with neither', (_fn, _stackId, secret) => [secret, {}]],
    ['a secret of another account naming it and tagged', (fn, stackId) =>
      [`arn:aws:secretsmanager:${REGION}:${OTHER_ACCOUNT}:secret:x-AbCdEf`, { [ALLOW_ROTATION_LAMBDA_ARN]: fn, [OWNERSHIP_TAG]: stackId }]],
    ['a secret in another Region naming it and tagged', (fn, stackId) =>
      [`arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:x-AbCdEf`, { [ALLOW_ROTATION_LAMBDA_ARN]: fn, [OWNERSHIP_TAG]: stackId }]],
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
  const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const viaSecretsManager = (secretArn: string) => ({
    'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`,
    'kms:EncryptionContext:SecretARN': secretArn,
  });

  test.each(['kms:Decrypt', 'kms:GenerateDataKey'])('may call %s on a key of its account through Secrets Manager, for a secret', async (action) => {
    const { statements, secretArn } = deployed();
    expect(await asFunction(statements, action, key, viaSecretsManager(secretArn))).toBe('Allowed');
  });

  test.each<[string, string, Record<string, string>]>([
    ['through another service', key, { 'kms:ViaService': `ssm.${REGION}.amazonaws.com`, 'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:x-AbCdEf` }],
    ['through Secrets Manager in another Region', key, { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com', 'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:x-AbCdEf` }],
    ['directly, not through a service', key, { 'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:x-AbCdEf` }],
    ['for something that is not a secret', key, { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:EncryptionContext:PARAMETER_ARN': `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/x` }],
    ['for a secret of another account', key, viaSecretsManager(`arn:aws:secretsmanager:${REGION}:${OTHER_ACCOUNT}:secret:x-AbCdEf`)],
    ['on a key of another account', key.replace(ACCOUNT, OTHER_ACCOUNT), viaSecretsManager(`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:x-AbCdEf`)],
  ])('is denied use of a key %s', async (_name, resource, context) => {
    const { statements } = deployed();
    expect(await asFunction(statements, 'kms:Decrypt', resource, context)).toBe('ImplicitlyDenied');
  });

  test('is denied kms:Encrypt, which Secrets Manager does not call', async () => {
    const { statements, secretArn } = deployed();
    expect(await asFunction(statements, 'kms:Encrypt', key, viaSecretsManager(secretArn))).toBe('ImplicitlyDenied');
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

  test('every rotation schedule waits for it, as for the policy', () => {
    const { template } = deployed();
    const schedules = Object.values<any>(template.Resources).filter((resource) => resource.Type === 'AWS::SecretsManager::RotationSchedule');
    expect(schedules).toHaveLength(2);
    for (const schedule of schedules) {
      expect(schedule.DependsOn).toEqual(expect.arrayContaining([PERMISSION_ID, POLICY_ID]));
    }
  });
});

describe('the rotation function policy', () => {
  test('is the same for one secret and for many, each with its own key', () => {
    const policyWith = (count: number) => {
      const stack = testStack();
      for (let i = 0; i < count; i++) {
        new RotatingSecret(stack, `Secret${i}`);
      }
      return Template.fromStack(stack).toJSON().Resources[POLICY_ID].Properties.PolicyDocument;
    };
    expect(policyWith(30)).toEqual(policyWith(1));
  });

  test('names the function, which does not wait for it: no cycle, and every rotation schedule waits for it instead', () => {
    // GIVEN
    const { template } = deployed();

    // THEN the template synthesized (no cycle), and Secrets Manager invokes the function only once the policy exists
    expect(JSON.stringify(template.Resources[POLICY_ID])).toContain(FUNCTION_ID);
    expect(template.Resources[FUNCTION_ID].DependsOn ?? []).not.toContain(POLICY_ID);
    const schedules = Object.values<any>(template.Resources).filter((resource) => resource.Type === 'AWS::SecretsManager::RotationSchedule');
    expect(schedules).toHaveLength(2);
    for (const schedule of schedules) {
      expect(schedule.DependsOn).toContain(POLICY_ID);
    }
  });
});
