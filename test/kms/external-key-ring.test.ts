import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CustomerManagedKey, ExternalKeyRing, ExternalKeyRingProps } from '../../src/kms';
import { EncryptedLogGroup } from '../../src/logs';
import { EncryptedBucket } from '../../src/s3';
import { RotatingSecret } from '../../src/secretsmanager';
import { SecureStringParameter } from '../../src/ssm';
import { ACCOUNT, REGION, testApp, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { expectNoNagFindings } from '../util/nag';
import { evaluate } from '../util/policy';

// The policy simulator loads its IAM data on first use.
jest.setTimeout(60_000);

/**
 * One version of an app: a ring whose current key encrypts a log group and a bucket that a role reads.
 * Moving the ring's generation is a change of `generations` / `currentGeneration` between versions.
 */
function appVersion(ring: Pick<ExternalKeyRingProps, 'generations' | 'currentGeneration'>) {
  const stack = testStack();
  const keyRing = new ExternalKeyRing(stack, 'Ring', { alias: 'payments', ...ring });
  new EncryptedLogGroup(stack, 'Logs', { encryptionKey: keyRing.currentKey, logGroupName: '/app/payments' });
  const bucket = new EncryptedBucket(stack, 'Bucket', { encryptionKey: keyRing.currentKey, bucketName: 'payments-data' });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  bucket.grantRead(reader);
  return { stack, keyRing, intrinsics: new Intrinsics(stack) };
}

/** The resolved key policy and ARN of a ring generation. */
function generation(stack: Stack, intrinsics: Intrinsics, keyRing: ExternalKeyRing, index: number) {
  const logicalId = stack.getLogicalId(keyRing.keys[index].node.defaultChild as any);
  return {
    policy: intrinsics.resolve(Template.fromStack(stack).toJSON().Resources[logicalId].Properties.KeyPolicy),
    arn: intrinsics.arn(logicalId),
  };
}

/** The bucket reader decrypting an object through S3: its role's ARN and IAM statements, resolved. */
function readerRequest(stack: Stack, intrinsics: Intrinsics, keyArn: string) {
  const identityStatements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((policy: any) => JSON.stringify(policy.Properties.Roles).includes('Reader'))
    .flatMap((policy: any) => intrinsics.resolve(policy.Properties.PolicyDocument.Statement));
  return {
    principal: intrinsics.arn(stack.getLogicalId(stack.node.findChild('Reader').node.defaultChild as iam.CfnRole)),
    action: 'kms:Decrypt',
    resource: keyArn,
    resourceAccount: ACCOUNT,
    context: {
      'kms:ViaService': `s3.${REGION}.amazonaws.com`,
      'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::payments-data',
    },
    identityStatements,
  };
}

describe('ExternalKeyRing', () => {
  test('one retained EXTERNAL key per generation; the alias names the last one', () => {
    const stack = testStack();
    const ring = new ExternalKeyRing(stack, 'Ring', { alias: 'payments', generations: ['v1', 'v2'] });

    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::KMS::Key', { Origin: 'EXTERNAL', EnableKeyRotation: false }, 2);
    template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/payments',
      TargetKeyId: { 'Fn::GetAtt': [stack.getLogicalId(ring.keys[1].node.defaultChild as any), 'Arn'] },
    });
    expect(ring.currentKey).toBe(ring.keys[1]);
    expect(Object.keys(template.toJSON().Resources)).toEqual(['RingGenerationv10A4A11D3', 'RingGenerationv232DD9891', 'RingAlias222F267A']);
  });

  test('the alias stays on the named current generation until its material is imported', () => {
    const stack = testStack();
    const ring = new ExternalKeyRing(stack, 'Ring', { alias: 'alias/payments', generations: ['v1', 'v2'], currentGeneration: 'v1' });
    expect(ring.currentKey).toBe(ring.keys[0]);
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/payments',
      TargetKeyId: { 'Fn::GetAtt': [stack.getLogicalId(ring.keys[0].node.defaultChild as any), 'Arn'] },
    });
  });

  test('grantEncryptDecrypt: encrypt with the current key, decrypt with every generation', () => {
    const stack = testStack();
    const ring = new ExternalKeyRing(stack, 'Ring', { alias: 'payments', generations: ['v1', 'v2'] });
    const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    ring.grantEncryptDecrypt(app);

    const statements: any[] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    const keyArn = (index: number) => ({ 'Fn::GetAtt': [stack.getLogicalId(ring.keys[index].node.defaultChild as any), 'Arn'] });
    const actionsOn = (index: number) => statements
      .filter((statement) => JSON.stringify(statement.Resource).includes(JSON.stringify(keyArn(index))))
      .flatMap((statement) => statement.Action);
    expect(actionsOn(1)).toEqual(expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt']));
    expect(actionsOn(0)).toContain('kms:Decrypt');
    expect(actionsOn(0)).not.toContain('kms:Encrypt');
  });

  describe('after the ring moves to a new generation, data under the old one stays readable', () => {
    const logsRequest = (keyArn: string, action: string) => ({
      principal: `logs.${REGION}.amazonaws.com`,
      action,
      resource: keyArn,
      resourceAccount: ACCOUNT,
      context: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/payments` },
    });

    test('version 1: v1 is current; CloudWatch Logs and the bucket reader use it', async () => {
      const { stack, keyRing, intrinsics } = appVersion({ generations: ['v1'] });
      const v1 = generation(stack, intrinsics, keyRing, 0);
      await expect(evaluate(v1.policy, logsRequest(v1.arn, 'kms:GenerateDataKey'))).resolves.toBe('Allowed');
      await expect(evaluate(v1.policy, readerRequest(stack, intrinsics, v1.arn))).resolves.toBe('Allowed');
    });

    test('version 2: v2 is current; CloudWatch Logs and the reader still decrypt under v1, and encrypt only under v2', async () => {
      // GIVEN the next version of the app
      const { stack, keyRing, intrinsics } = appVersion({ generations: ['v1', 'v2'] });
      const [v1, v2] = [generation(stack, intrinsics, keyRing, 0), generation(stack, intrinsics, keyRing, 1)];

      // THEN
      await expect(evaluate(v1.policy, logsRequest(v1.arn, 'kms:Decrypt'))).resolves.toBe('Allowed');
      await expect(evaluate(v1.policy, logsRequest(v1.arn, 'kms:GenerateDataKey'))).resolves.toBe('ImplicitlyDenied');
      await expect(evaluate(v2.policy, logsRequest(v2.arn, 'kms:GenerateDataKey'))).resolves.toBe('Allowed');
      await expect(evaluate(v1.policy, readerRequest(stack, intrinsics, v1.arn))).resolves.toBe('Allowed');
      await expect(evaluate(v2.policy, readerRequest(stack, intrinsics, v2.arn))).resolves.toBe('Allowed');
    });
  });

  test.each<[string, (stack: Stack, key: CustomerManagedKey) => { grantRead(grantee: iam.IGrantable): iam.Grant }]>([
    ['SecureStringParameter', (stack, key) => new SecureStringParameter(stack, 'Parameter', { encryptionKey: key })],
    ['RotatingSecret', (stack, key) => new RotatingSecret(stack, 'Secret', { encryptionKey: key })],
  ])('a %s reader may decrypt under every generation, with the same conditions', (_name, define) => {
    // GIVEN
    const stack = testStack();
    const ring = new ExternalKeyRing(stack, 'Ring', { alias: 'payments', generations: ['v1', 'v2'] });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    define(stack, ring.currentKey).grantRead(reader);

    // THEN
    const intrinsics = new Intrinsics(stack);
    const decrypting = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .filter((policy: any) => JSON.stringify(policy.Properties.Roles).includes('Reader'))
      .flatMap((policy: any) => intrinsics.resolve(policy.Properties.PolicyDocument.Statement))
      .filter((statement: any) => [statement.Action].flat().includes('kms:Decrypt'));
    // One statement per set of conditions: the same conditions on every generation merge into one.
    expect(decrypting).toHaveLength(1);
    expect([decrypting[0].Resource].flat().sort()).toEqual([0, 1].map((index) => generation(stack, intrinsics, ring, index).arn).sort());
  });

  test('only the reading side of a statement is repeated on other generations, under a Sid naming its generation', () => {
    // GIVEN
    const stack = testStack();
    const ring = new ExternalKeyRing(stack, 'Ring', { alias: 'payments', generations: ['v1', 'v2'] });
    const service = new iam.ServicePrincipal('example.amazonaws.com');

    // WHEN
    ring.currentKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'Example', principals: [service], actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:Describe*', 'kms:CreateGrant'], resources: ['*'],
    }));
    ring.currentKey.addToResourcePolicy(new iam.PolicyStatement({
      principals: [service], actions: ['kms:CreateGrant'], resources: ['*'], conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }));
    ring.currentKey.addToResourcePolicy(new iam.PolicyStatement({ principals: [service], actions: ['kms:DescribeKey', 'kms:PutKeyPolicy'], resources: ['*'] }));

    // THEN
    const intrinsics = new Intrinsics(stack);
    const v1 = generation(stack, intrinsics, ring, 0).policy.Statement.filter((statement: any) => statement.Principal.Service);
    expect(v1).toEqual([
      expect.objectContaining({ Sid: 'ExampleForGenerationv2', Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:ReEncryptFrom'] }),
      expect.objectContaining({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
    ]);
  });

  test.each<[string, ExternalKeyRingProps, string]>([
    ['no generation', { alias: 'a', generations: [] },
      "`generations` must name at least one generation, got none. Start with one, e.g. ['v1']."],
    ['a generation name with other characters', { alias: 'a', generations: ['v-1'] },
      "`generations` entries must be 1 to 32 letters or digits, got 'v-1'."],
    ['a repeated generation', { alias: 'a', generations: ['v1', 'v1'] },
      "`generations` must not repeat a name, got 'v1' twice. Give each generation its own name."],
    ['an unknown current generation', { alias: 'a', generations: ['v1'], currentGeneration: 'v2' },
      "`currentGeneration` must be one of `generations` (v1), got 'v2'."],
  ])('rejects %s', (_name, props, message) => {
    expect(() => new ExternalKeyRing(testStack(), 'Ring', props)).toThrow(`[TestStack/Ring] Invalid configuration: ${message}`);
  });

  test('cdk-nag: no findings (manual rotation is acknowledged on each key, with the reason)', () => {
    const app = testApp();
    new ExternalKeyRing(testStack('Ring', {}, app), 'Ring', {
      alias: 'payments',
      generations: ['v1', 'v2'],
      administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)],
    });
    expectNoNagFindings(app);
  });
});
