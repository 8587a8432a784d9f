import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomerManagedKey } from '../../src/kms/customer-managed-key';
import { KEY_POLICY_SIZE_LIMIT, resolvedPolicySizeBytes } from '../../src/private/key-use/key-policy';
import { RotatingSecret } from '../../src/secretsmanager';
import { ACCOUNT, OTHER_ACCOUNT, REGION, testApp, testStack } from '../util/app';
import { grantSetup } from '../util/grants';
import { Intrinsics } from '../util/intrinsics';
import { expectNoNagFindings } from '../util/nag';
import { ALLOW_ALL_IDENTITY, evaluate } from '../util/policy';

/**
 * How many RotatingSecrets a stack and a key hold: the rotation function's policies grow by an ARN per
 * secret and key, spread over the role's managed policies, and the key policy not at all, so
 * CloudFormation's 500 resources per stack bind first.
 */

// Synthesizing hundreds of secrets takes seconds each on a loaded machine.
jest.setTimeout(300_000);

/** Realistic names, as a platform stack has them. */
const secretName = (i: number) => `/myapp/service/credentials/secret-${i}`;

/** The resources of the only stack of a synthesized app. */
function synthesizedResources(app: App, stack: Stack): Record<string, any> {
  return app.synth().getStackByName(stack.stackName).template.Resources;
}

/** The key policy of `key` as KMS receives it, in bytes. */
function keyPolicyBytes(key: CustomerManagedKey): number {
  return resolvedPolicySizeBytes(Stack.of(key).resolve((key.node.defaultChild as kms.CfnKey).keyPolicy));
}

describe('in one stack', () => {
  test('120 secrets with generic rotation, each with its own key, synthesize with no finding in any pack', () => {
    // GIVEN
    const app = testApp();
    const stack = testStack('Secrets', {}, app);

    // WHEN
    for (let i = 0; i < 120; i++) {
      new RotatingSecret(stack, `Secret${i}`, { secretName: secretName(i) });
    }

    // THEN synthesis runs every validation (policy sizes, the 500-resource limit), then the packs
    expectNoNagFindings(app);
    const resources = synthesizedResources(app, stack);
    expect(Object.values(resources).filter((resource) => resource.Type === 'AWS::KMS::Key')).toHaveLength(121); // and the log group's
  });

  test('CloudFormation\'s 500 resources bind first: 162 secrets with their own keys do not fit, 161 do, in the role\'s 10 managed policies', () => {
    const stackOf = (count: number) => {
      const app = testApp();
      const stack = testStack('Secrets', {}, app);
      for (let i = 0; i < count; i++) {
        new RotatingSecret(stack, `Secret${i}`, { secretName: secretName(i) });
      }
      return { app, stack };
    };
    // 3 resources a secret (the secret, its key, its rotation schedule), 6 for the stack's function and
    // the managed policies that name the secrets and keys by ARN (Security Hub KMS.1), 9 at 161 secrets
    const fits = stackOf(161);
    const resources = Object.values(synthesizedResources(fits.app, fits.stack));
    expect(resources).toHaveLength(498);
    expect(resources.filter((resource) => resource.Type === 'AWS::IAM::ManagedPolicy')).toHaveLength(10);
    expect(() => stackOf(162).app.synth()).toThrow(/Number of resources in stack 'Secrets': 501 is greater than allowed maximum of 500/);
  });

  test('200 secrets on one shared key synthesize with no finding in any pack', () => {
    // GIVEN
    const app = testApp();
    const stack = testStack('Secrets', {}, app);
    const key = new CustomerManagedKey(stack, 'Key');

    // WHEN
    for (let i = 0; i < 200; i++) {
      new RotatingSecret(stack, `Secret${i}`, { secretName: secretName(i), encryptionKey: key });
    }

    // THEN synthesis runs every validation, then the packs; one invoke permission serves them all
    expectNoNagFindings(app);
    const resources = Object.values(synthesizedResources(app, stack));
    expect(resources.filter((resource) => resource.Type === 'AWS::Lambda::Permission')).toHaveLength(1);
    expect(resources).toHaveLength(413); // the secrets and schedules, 2 keys, the function with its role, log group, permission and policies
  });

  test('243 secrets on one shared key synthesize; with a rotation schedule each, 244 exceed 500 resources', () => {
    const stackOf = (count: number) => {
      const app = testApp();
      const stack = testStack('Secrets', {}, app);
      const key = new CustomerManagedKey(stack, 'Key');
      for (let i = 0; i < count; i++) {
        new RotatingSecret(stack, `Secret${i}`, { secretName: secretName(i), encryptionKey: key });
      }
      return { app, stack };
    };
    const fits = stackOf(243);
    expect(Object.keys(synthesizedResources(fits.app, fits.stack))).toHaveLength(500);
    expect(() => stackOf(244).app.synth()).toThrow(/Number of resources in stack 'Secrets': 502 is greater than allowed maximum of 500/);
  });
});

describe('on one key', () => {
  /** A key in its own stack and `count` secrets on it, in stacks of at most 100 (as a platform would spread them). */
  function secretsOnOneKey(count: number, props: ConstructorParameters<typeof CustomerManagedKey>[2] = {}) {
    const app = testApp();
    const key = new CustomerManagedKey(testStack('KeyStack', {}, app), 'Key', props);
    const stacks = Array.from({ length: Math.ceil(count / 100) }, (_, i) => testStack(`Secrets${i}`, {}, app));
    const secrets = Array.from({ length: count }, (_, i) =>
      new RotatingSecret(stacks[Math.floor(i / 100)], `Secret${i}`, { secretName: secretName(i), encryptionKey: key }));
    return { app, key, secrets };
  }

  test('400 secrets keep the key policy as small as one does, far under 32 KB', () => {
    // GIVEN
    const one = secretsOnOneKey(1);
    const many = secretsOnOneKey(400);

    // THEN
    expect(keyPolicyBytes(many.key)).toEqual(keyPolicyBytes(one.key));
    expect(keyPolicyBytes(many.key)).toBeLessThan(KEY_POLICY_SIZE_LIMIT / 8);
    expect(many.key.node.validate()).toEqual([]);
  });

  test('a principal of another account granted many secrets is named once in the key policy', () => {
    // GIVEN
    const one = secretsOnOneKey(1);
    const many = secretsOnOneKey(50);
    const readerIn = (app: App) => iam.Role.fromRoleArn(testStack('Consumer', { env: { account: OTHER_ACCOUNT, region: REGION } }, app), 'Reader', `arn:aws:iam::${OTHER_ACCOUNT}:role/reader`);

    // WHEN
    one.secrets[0].grantRead(readerIn(one.app));
    const reader = readerIn(many.app);
    many.secrets.forEach((secret) => {
      secret.grantRead(reader);
      secret.grantWrite(reader);
    });

    // THEN one statement, with the write action, for 50 secrets read and written
    const statementsNaming = (key: CustomerManagedKey) => Stack.of(key).resolve((key.node.defaultChild as kms.CfnKey).keyPolicy).Statement
      .filter((statement: any) => JSON.stringify(statement.Principal).includes(OTHER_ACCOUNT));
    expect(statementsNaming(one.key)).toHaveLength(1);
    expect(statementsNaming(many.key)).toHaveLength(1);
    expect(statementsNaming(many.key)[0].Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  test('that principal uses the key through Secrets Manager for secrets of this account only', async () => {
    // GIVEN
    const { app, key, secrets } = secretsOnOneKey(2);
    secrets[0].grantRead(iam.Role.fromRoleArn(testStack('Consumer', { env: { account: OTHER_ACCOUNT, region: REGION } }, app), 'Reader', `arn:aws:iam::${OTHER_ACCOUNT}:role/reader`));
    const keyPolicy = new Intrinsics(Stack.of(key)).resolve(Stack.of(key).resolve((key.node.defaultChild as kms.CfnKey).keyPolicy));
    const decrypt = (context: Record<string, string>) => evaluate(keyPolicy, {
      principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/reader`,
      action: 'kms:Decrypt',
      resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      resourceAccount: ACCOUNT,
      context: { 'kms:CallerAccount': OTHER_ACCOUNT, ...context },
      identityStatements: [ALLOW_ALL_IDENTITY],
    });
    const secretArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${secretName(0)}-AbCdEf`;

    // THEN which of this account's secrets it reaches, their resource policies decide (Secrets Manager uses the key for the secret of the request)
    expect(await decrypt({ 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:EncryptionContext:SecretARN': secretArn })).toBe('Allowed');
    expect(await decrypt({ 'kms:ViaService': `ssm.${REGION}.amazonaws.com`, 'kms:EncryptionContext:SecretARN': secretArn })).toBe('ImplicitlyDenied');
    expect(await decrypt({ 'kms:EncryptionContext:SecretARN': secretArn })).toBe('ImplicitlyDenied');
    expect(await decrypt({
      'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`,
      'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${REGION}:${OTHER_ACCOUNT}:secret:theirs-AbCdEf`,
    })).toBe('ImplicitlyDenied');
  });

  test('a reader granted one secret on a key that does not trust account identities still cannot use it for another', async () => {
    // GIVEN secrets sharing one statement in the key policy
    const app = testApp();
    const stack = testStack('Secrets', {}, app);
    const key = new CustomerManagedKey(stack, 'Key', { trustAccountIdentities: false, administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/admin`)] });
    const secrets = Array.from({ length: 3 }, (_, i) => new RotatingSecret(stack, `Secret${i}`, { secretName: secretName(i), encryptionKey: key }));
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'reader' });

    // WHEN
    secrets[1].grantRead(reader);

    // THEN
    const setup = grantSetup(stack, key, reader);
    const decrypt = (i: number) => evaluate(setup.keyPolicy, {
      principal: `arn:aws:iam::${ACCOUNT}:role/reader`,
      action: 'kms:Decrypt',
      resource: setup.keyArn,
      resourceAccount: ACCOUNT,
      context: {
        'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`,
        'kms:CallerAccount': ACCOUNT,
        'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${secretName(i)}-AbCdEf`,
      },
      identityStatements: setup.identityStatements,
    });
    expect(await decrypt(1)).toBe('Allowed');
    expect(await decrypt(0)).toBe('ImplicitlyDenied');
    expect(await decrypt(2)).toBe('ImplicitlyDenied');
  });
});
