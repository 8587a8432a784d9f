import { readFileSync } from 'fs';
import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CustomerManagedKey } from '../../src/kms';
import { EncryptedBucket, EncryptedBucketProps, KmsEncryptionType } from '../../src/s3';
import { ACCOUNT, OTHER_ACCOUNT, REGION, THIRD_ACCOUNT, testApp, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { expectNoNagFindings } from '../util/nag';
import { ALLOW_ALL_IDENTITY, evaluate } from '../util/policy';

const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
const OLD_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const WRITER = `arn:aws:iam::${ACCOUNT}:role/writer`;

/** A synthesized stack with one EncryptedBucket, and what tests need to evaluate its policies. */
function synth(props: EncryptedBucketProps = {}, configure?: (bucket: EncryptedBucket, stack: Stack) => void) {
  const stack = testStack();
  const bucket = new EncryptedBucket(stack, 'Bucket', props);
  configure?.(bucket, stack);
  const intrinsics = new Intrinsics(stack);
  const resources = Template.fromStack(stack).toJSON().Resources;
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  const policyId = stack.getLogicalId(bucket.policy!.node.defaultChild as s3.CfnBucketPolicy);
  return {
    stack,
    bucket,
    intrinsics,
    resources,
    bucketArn: intrinsics.arn(bucketId),
    keyArn: props.encryptionKey?.keyArn ?? intrinsics.arn(stack.getLogicalId(bucket.encryptionKey!.node.defaultChild as kms.CfnKey)),
    bucketPolicy: intrinsics.resolve(resources[policyId].Properties.PolicyDocument),
  };
}

/** Evaluates a request of a same-account principal whose IAM policy allows everything: only the bucket policy decides. */
function decide(bucketPolicy: any, resource: string, action: string, context: Record<string, string>) {
  return evaluate(bucketPolicy, {
    principal: WRITER,
    action,
    resource,
    resourceAccount: ACCOUNT,
    context,
    identityStatements: [ALLOW_ALL_IDENTITY],
  });
}

const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.2' };

describe('EncryptedBucket', () => {
  test('defaults: SSE-KMS with a new CustomerManagedKey and a bucket key, SSE-C blocked, private, ACLs off, versioned, retained, logged', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    const bucket = new EncryptedBucket(stack, 'Bucket');

    // THEN
    expect(bucket.encryptionKey).toBeInstanceOf(CustomerManagedKey);
    expect(bucket.encryptionType).toBe(KmsEncryptionType.SSE_KMS);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            BucketKeyEnabled: true,
            BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['BucketKey7092080A', 'Arn'] } },
          }],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: 'BucketAccessLogs0AA7ED48' } },
        ReplicationConfiguration: Match.absent(),
      },
    });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });

  test('the companion logs bucket uses SSE-S3, is TLS only, private, versioned and retained, and lets S3 deliver this bucket\'s logs', async () => {
    const { resources, intrinsics, bucketArn } = synth();
    const logs = resources.BucketAccessLogs0AA7ED48;
    expect(logs.DeletionPolicy).toBe('Retain');
    expect(logs.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
    });

    const logsPolicy = intrinsics.resolve(resources.BucketAccessLogsPolicy6EEF3369.Properties.PolicyDocument);
    const logsArn = intrinsics.arn('BucketAccessLogs0AA7ED48');
    const delivery = (sourceArn: string, secure: string) => evaluate(logsPolicy, {
      principal: 'logging.s3.amazonaws.com',
      action: 's3:PutObject',
      resource: `${logsArn}/2026-01-01-log`,
      resourceAccount: ACCOUNT,
      context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': ACCOUNT, 'aws:SecureTransport': secure, 's3:TlsVersion': '1.2' },
    });
    await expect(delivery(bucketArn, 'true')).resolves.toBe('Allowed');
    await expect(delivery('arn:aws:s3:::another-bucket', 'true')).resolves.toBe('ImplicitlyDenied');
    await expect(delivery(bucketArn, 'false')).resolves.toBe('ExplicitlyDenied');
  });

  test('logical IDs of a default bucket are stable', () => {
    const stack = testStack();
    new EncryptedBucket(stack, 'Bucket');
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources)).toEqual([
      'BucketKey7092080A',
      'Bucket83908E77',
      'BucketAccessLogs0AA7ED48',
      'BucketAccessLogsPolicy6EEF3369',
      'BucketPolicyE9A3008A',
    ]);
  });

  describe('bucket policy: the "Required S3 behaviour" table of DESIGN.md', () => {
    // [request, context, default mode, requireEncryptionHeaders]; `KEY` stands for this bucket's key ARN.
    const rows: Array<[string, Record<string, string>, string, string]> = [
      ['plain HTTP', { 'aws:SecureTransport': 'false' }, 'ExplicitlyDenied', 'ExplicitlyDenied'],
      ['TLS below the minimum', { ...TLS, 's3:TlsVersion': '1.1' }, 'ExplicitlyDenied', 'ExplicitlyDenied'],
      ['no encryption headers', TLS, 'Allowed', 'ExplicitlyDenied'],
      ['AES256', { ...TLS, 's3:x-amz-server-side-encryption': 'AES256' }, 'ExplicitlyDenied', 'ExplicitlyDenied'],
      ['aws:kms with this bucket\'s key ARN', { ...TLS, 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': 'KEY' }, 'Allowed', 'Allowed'],
      ['aws:kms with another key', { ...TLS, 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': OTHER_KEY_ARN }, 'ExplicitlyDenied', 'ExplicitlyDenied'],
      ['aws:kms without a key id', { ...TLS, 's3:x-amz-server-side-encryption': 'aws:kms' }, 'ExplicitlyDenied', 'ExplicitlyDenied'],
      ['SSE-C headers', { ...TLS, 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' }, 'ExplicitlyDenied', 'ExplicitlyDenied'],
    ];
    const cases = rows.flatMap(([request, context, defaultMode, headersRequired]) => [
      { request, context, mode: 'default mode', requireEncryptionHeaders: false, expected: defaultMode },
      { request, context, mode: 'requireEncryptionHeaders', requireEncryptionHeaders: true, expected: headersRequired },
    ]);
    const modes = { false: synth(), true: synth({ requireEncryptionHeaders: true }) };

    test.each(cases)('PutObject with $request, $mode: $expected', async ({ context, requireEncryptionHeaders, expected }) => {
      const { bucketPolicy, bucketArn, keyArn } = modes[`${requireEncryptionHeaders}`];
      const resolved = Object.fromEntries(Object.entries(context).map(([k, v]) => [k, v === 'KEY' ? keyArn : v]));
      await expect(decide(bucketPolicy, `${bucketArn}/data.csv`, 's3:PutObject', resolved)).resolves.toBe(expected);
    });

    test.each([false, true])('plain HTTP is denied for reads and listings too (requireEncryptionHeaders %s); TLS reads pass', async (requireEncryptionHeaders) => {
      const { bucketPolicy, bucketArn } = modes[`${requireEncryptionHeaders}`];
      await expect(decide(bucketPolicy, `${bucketArn}/data.csv`, 's3:GetObject', { 'aws:SecureTransport': 'false' })).resolves.toBe('ExplicitlyDenied');
      await expect(decide(bucketPolicy, bucketArn, 's3:ListBucket', { 'aws:SecureTransport': 'false' })).resolves.toBe('ExplicitlyDenied');
      await expect(decide(bucketPolicy, `${bucketArn}/data.csv`, 's3:GetObject', TLS)).resolves.toBe('Allowed');
      await expect(decide(bucketPolicy, bucketArn, 's3:ListBucket', { ...TLS, 's3:TlsVersion': '1.0' })).resolves.toBe('ExplicitlyDenied');
    });
  });

  test.each([
    ['1.2 is denied', '1.2', 'ExplicitlyDenied'],
    ['1.3 is allowed', '1.3', 'Allowed'],
  ])('minimumTlsVersion 1.3: TLS %s', async (_name, version, expected) => {
    const { bucketPolicy, bucketArn } = synth({ minimumTlsVersion: 1.3 });
    await expect(decide(bucketPolicy, `${bucketArn}/data.csv`, 's3:PutObject', { ...TLS, 's3:TlsVersion': version })).resolves.toBe(expected);
  });

  test('requireEncryptionHeaders warns that multipart uploads are denied, with what the default mode still enforces', () => {
    const stack = testStack();
    new EncryptedBucket(stack, 'Bucket', { requireEncryptionHeaders: true });
    new EncryptedBucket(stack, 'Default');
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/TestStack/Bucket', Match.stringLikeRegexp(
      '^`requireEncryptionHeaders` denies every multipart upload: .*every write naming another algorithm, key or SSE-C is still denied.*cdk-kms-encryption:requireEncryptionHeadersDeniesMultipartUploads',
    ));
    annotations.hasNoWarning('/TestStack/Default', Match.anyValue());
  });

  describe('DSSE-KMS', () => {
    const dsse = synth({ encryptionType: KmsEncryptionType.DSSE_KMS });

    test('uses aws:kms:dsse as default encryption, without a bucket key (DSSE-KMS does not support one)', () => {
      Template.fromStack(dsse.stack).hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            BucketKeyEnabled: false,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms:dsse', KMSMasterKeyID: Match.anyValue() },
          }],
        },
      });
    });

    test.each([
      ['no encryption headers', {}, 'Allowed'],
      ['aws:kms:dsse with the key', { 's3:x-amz-server-side-encryption': 'aws:kms:dsse', 's3:x-amz-server-side-encryption-aws-kms-key-id': 'KEY' }, 'Allowed'],
      ['single-layer aws:kms with the key', { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': 'KEY' }, 'ExplicitlyDenied'],
      ['aws:kms:dsse without a key id', { 's3:x-amz-server-side-encryption': 'aws:kms:dsse' }, 'ExplicitlyDenied'],
      ['AES256', { 's3:x-amz-server-side-encryption': 'AES256' }, 'ExplicitlyDenied'],
    ])('PutObject with %s: %s', async (_name, context: Record<string, string>, expected) => {
      const resolved = Object.fromEntries(Object.entries(context).map(([k, v]) => [k, v === 'KEY' ? dsse.keyArn : v]));
      await expect(decide(dsse.bucketPolicy, `${dsse.bucketArn}/data.csv`, 's3:PutObject', { ...TLS, ...resolved })).resolves.toBe(expected);
    });
  });

  test('additionalAllowedKeys: uploads may name a migration key; any other key is still denied', async () => {
    const stack = testStack();
    const oldKey = kms.Key.fromKeyArn(stack, 'OldKey', `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`);
    const { bucketPolicy, bucketArn } = synth({ additionalAllowedKeys: [oldKey] });
    const put = (keyId: string) => decide(bucketPolicy, `${bucketArn}/data.csv`, 's3:PutObject', {
      ...TLS, 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': keyId,
    });
    await expect(put(oldKey.keyArn)).resolves.toBe('Allowed');
    await expect(put(OTHER_KEY_ARN)).resolves.toBe('ExplicitlyDenied');
  });

  test('an imported key (by key ARN) encrypts the bucket and is the key the policy allows; no key is created', async () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', OTHER_KEY_ARN);
    const { bucketPolicy, bucketArn, resources } = synth({ encryptionKey: key });
    expect(Object.values(resources).filter((r: any) => r.Type === 'AWS::KMS::Key')).toHaveLength(0);
    await expect(decide(bucketPolicy, `${bucketArn}/data.csv`, 's3:PutObject', {
      ...TLS, 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': OTHER_KEY_ARN,
    })).resolves.toBe('Allowed');
  });

  describe('grants', () => {
    function grantAndEvaluate(grant: (bucket: EncryptedBucket, role: iam.Role) => void) {
      let role!: iam.Role;
      const synthesized = synth({}, (bucket, stack) => {
        role = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
        grant(bucket, role);
      });
      const { resources, intrinsics, stack, keyArn, bucketArn } = synthesized;
      const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
      const identity = intrinsics.resolve(resources[stack.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy)].Properties.PolicyDocument);
      const keyId = stack.getLogicalId(synthesized.bucket.encryptionKey!.node.defaultChild as kms.CfnKey);
      const keyPolicy = intrinsics.resolve(resources[keyId].Properties.KeyPolicy);
      const kmsRequest = (action: string, context: Record<string, string>) => evaluate(keyPolicy, {
        principal: intrinsics.arn(roleId),
        action,
        resource: keyArn,
        resourceAccount: ACCOUNT,
        context,
        identityStatements: identity.Statement,
      });
      return { kmsRequest, bucketArn };
    }
    const viaS3 = (arn: string) => ({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': arn, 'kms:CallerAccount': ACCOUNT });

    test('grantRead: kms:Decrypt only through S3 and for this bucket\'s encryption context', async () => {
      const { kmsRequest, bucketArn } = grantAndEvaluate((bucket, role) => bucket.grantRead(role));
      await expect(kmsRequest('kms:Decrypt', viaS3(bucketArn))).resolves.toBe('Allowed');
      await expect(kmsRequest('kms:Decrypt', viaS3(`${bucketArn}/data.csv`))).resolves.toBe('Allowed');
      await expect(kmsRequest('kms:GenerateDataKey', viaS3(bucketArn))).resolves.toBe('ImplicitlyDenied');
      await expect(kmsRequest('kms:Decrypt', viaS3('arn:aws:s3:::another-bucket'))).resolves.toBe('ImplicitlyDenied');
      await expect(kmsRequest('kms:Decrypt', { 'kms:ViaService': `ssm.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketArn })).resolves.toBe('ImplicitlyDenied');
      await expect(kmsRequest('kms:Decrypt', {})).resolves.toBe('ImplicitlyDenied');
    });

    test.each([
      ['grantWrite', (bucket: EncryptedBucket, role: iam.Role) => bucket.grantWrite(role)],
      ['grantPut', (bucket: EncryptedBucket, role: iam.Role) => bucket.grantPut(role)],
      ['grantReadWrite', (bucket: EncryptedBucket, role: iam.Role) => bucket.grantReadWrite(role)],
      ['grants.readWrite', (bucket: EncryptedBucket, role: iam.Role) => bucket.grants.readWrite(role)],
    ])('%s: kms:GenerateDataKey and kms:Decrypt only through S3 for this bucket', async (_name, grant) => {
      const { kmsRequest, bucketArn } = grantAndEvaluate(grant);
      await expect(kmsRequest('kms:GenerateDataKey', viaS3(bucketArn))).resolves.toBe('Allowed');
      await expect(kmsRequest('kms:Decrypt', viaS3(bucketArn))).resolves.toBe('Allowed');
      await expect(kmsRequest('kms:GenerateDataKey', viaS3('arn:aws:s3:::another-bucket'))).resolves.toBe('ImplicitlyDenied');
      await expect(kmsRequest('kms:GenerateDataKey', { 'kms:EncryptionContext:aws:s3:arn': bucketArn })).resolves.toBe('ImplicitlyDenied');
      await expect(kmsRequest('kms:Encrypt', viaS3(bucketArn))).resolves.toBe('ImplicitlyDenied');
    });

    test('grantDelete grants no KMS actions', () => {
      const stack = testStack();
      const bucket = new EncryptedBucket(stack, 'Bucket');
      const role = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
      expect(bucket.grantOnKey(role, 's3:DeleteObject*')).toEqual({});
      bucket.grantDelete(role);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [Match.objectLike({ Action: 's3:DeleteObject*' })] },
      });
    });

    test('with a key that does not trust account identities, the key policy names the grantee, through S3 and for this bucket', async () => {
      // GIVEN a key policy that alone decides, and a bucket whose name is known at synth time
      const stack = testStack();
      const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      const key = new CustomerManagedKey(stack, 'Key', { trustAccountIdentities: false, administrators: [admin] });
      const bucket = new EncryptedBucket(stack, 'Bucket', { encryptionKey: key, bucketName: 'app-data' });
      const role = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });

      // WHEN
      bucket.grantRead(role);

      // THEN the key policy alone (no IAM policy) allows the grantee through S3, for this bucket only
      const intrinsics = new Intrinsics(stack);
      const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
      const keyPolicy = intrinsics.resolve(Template.fromStack(stack).toJSON().Resources[keyId].Properties.KeyPolicy);
      const decrypt = (context: Record<string, string>) => evaluate(keyPolicy, {
        principal: intrinsics.arn(stack.getLogicalId(role.node.defaultChild as iam.CfnRole)),
        action: 'kms:Decrypt',
        resource: intrinsics.arn(keyId),
        resourceAccount: ACCOUNT,
        context,
      });
      await expect(decrypt(viaS3('arn:aws:s3:::app-data'))).resolves.toBe('Allowed');
      await expect(decrypt(viaS3('arn:aws:s3:::another-bucket'))).resolves.toBe('ImplicitlyDenied');
      await expect(decrypt({ 'kms:ViaService': `ssm.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::app-data' })).resolves.toBe('ImplicitlyDenied');
    });

    test('with a generated bucket name, the key policy statement is limited to S3 (naming the bucket ARN would be a dependency cycle)', () => {
      const stack = testStack();
      const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      const key = new CustomerManagedKey(stack, 'Key', { trustAccountIdentities: false, administrators: [admin] });
      const bucket = new EncryptedBucket(stack, 'Bucket', { encryptionKey: key });
      bucket.grantRead(new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() }));
      Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Action: 'kms:Decrypt',
            Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } },
          })]),
        },
      });
    });

    test('an imported key cannot name a grantee of another account: a keyPolicyNotEditable warning shows the statement', () => {
      const stack = testStack();
      const key = kms.Key.fromKeyArn(stack, 'Imported', OTHER_KEY_ARN);
      const bucket = new EncryptedBucket(stack, 'Bucket', { encryptionKey: key });
      bucket.grantRead(new iam.AccountPrincipal(OTHER_ACCOUNT));
      Annotations.fromStack(stack).hasWarning('/TestStack/Bucket', Match.stringLikeRegexp(
        `kms:Decrypt.*kms:EncryptionContext:aws:s3:arn.*arn:aws:iam::${OTHER_ACCOUNT}:root.*cdk-kms-encryption:keyPolicyNotEditable`,
      ));
    });

    test('a grantee in another stack, with a key that does not trust account identities, fails with the fix', () => {
      const app = testApp();
      const keyStack = testStack('KeyStack', {}, app);
      const key = new CustomerManagedKey(keyStack, 'Key', { trustAccountIdentities: false, administrators: [new iam.AccountRootPrincipal()] });
      const bucket = new EncryptedBucket(keyStack, 'Bucket', { encryptionKey: key });
      const role = new iam.Role(testStack('AppStack', {}, app), 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

      expect(() => bucket.grantRead(role)).toThrow(new Error('[KeyStack/Bucket] Invalid configuration: `grantee` must be in the stack of KeyStack/Key, whose key policy names every grantee because the key does not trust account identities, got AppStack/Role in stack AppStack: each stack would depend on the other. Define the grantee in the key\'s stack, or create the key with trustAccountIdentities: true.'));
    });
  });

  describe('server access logs into a bucket you pass', () => {
    test('the bucket gets the log delivery statement and no companion is created', () => {
      const stack = testStack();
      const logs = new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.S3_MANAGED });
      new EncryptedBucket(stack, 'Bucket', { serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'app/' });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::S3::Bucket', 2);
      template.hasResourceProperties('AWS::S3::Bucket', {
        LoggingConfiguration: { DestinationBucketName: { Ref: stack.getLogicalId(logs.node.defaultChild as s3.CfnBucket) }, LogFilePrefix: 'app/' },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })] },
      });
    });

    test('an imported logs bucket cannot be edited: a warning shows the statement to add', () => {
      const stack = testStack();
      new EncryptedBucket(stack, 'Bucket', { serverAccessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'central-logs') });
      Annotations.fromStack(stack).hasWarning('/TestStack/Bucket', Match.stringLikeRegexp('logging.s3.amazonaws.com.*cdk-kms-encryption:accessLogsPolicyNotEditable'));
    });
  });

  describe('replicationRules and replicationRole', () => {
    test('every field of s3.ReplicationRule, with a custom role that gets the KMS-aware permissions replicateTo gives its own', async () => {
      // GIVEN
      const stack = testStack();
      const destination = new EncryptedBucket(stack, 'Destination');
      const role = new iam.Role(stack, 'CustomRole', { assumedBy: new iam.ServicePrincipal('s3.amazonaws.com') });

      // WHEN
      const source = new EncryptedBucket(stack, 'Source', {
        replicationRole: role,
        replicationRules: [{
          destination,
          id: 'ToDr',
          priority: 7,
          filter: { prefix: 'reports/', tags: [{ key: 'class', value: 'gold' }] },
          storageClass: s3.StorageClass.GLACIER,
          replicationTimeControl: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
          metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
          replicaModifications: true,
        }],
      });

      // THEN
      const template = Template.fromStack(stack);
      const intrinsics = new Intrinsics(stack);
      const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
      const destinationId = stack.getLogicalId(destination.node.defaultChild as s3.CfnBucket);
      const replicaKeyId = stack.getLogicalId(destination.encryptionKey!.node.defaultChild as kms.CfnKey);
      expect(source.replicationRoleArn).toBe(role.roleArn);
      template.resourceCountIs('AWS::IAM::Role', 1);
      template.hasResourceProperties('AWS::S3::Bucket', {
        ReplicationConfiguration: {
          Role: { 'Fn::GetAtt': [roleId, 'Arn'] },
          Rules: [{
            Id: 'ToDr',
            Priority: 7,
            Status: 'Enabled',
            Filter: { And: { Prefix: 'reports/', TagFilters: [{ Key: 'class', Value: 'gold' }] } },
            DeleteMarkerReplication: { Status: 'Disabled' },
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' }, ReplicaModifications: { Status: 'Enabled' } },
            Destination: {
              Bucket: { 'Fn::GetAtt': [destinationId, 'Arn'] },
              EncryptionConfiguration: { ReplicaKmsKeyID: { 'Fn::GetAtt': [replicaKeyId, 'Arn'] } },
              StorageClass: 'GLACIER',
              ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
              Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
            },
          }],
        },
      });
      const resources = template.toJSON().Resources;
      const policyId = Object.keys(resources).find((id) => resources[id].Type === 'AWS::IAM::ManagedPolicy')!;
      expect(resources[policyId].Properties.Roles).toEqual([{ Ref: roleId }]);
      const identity = intrinsics.resolve(resources[policyId].Properties.PolicyDocument).Statement;
      const encryptReplica = (service: string) => evaluate(intrinsics.resolve(resources[replicaKeyId].Properties.KeyPolicy), {
        principal: intrinsics.arn(roleId),
        action: 'kms:Encrypt',
        resource: intrinsics.arn(replicaKeyId),
        resourceAccount: ACCOUNT,
        context: { 'kms:ViaService': `${service}.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': intrinsics.arn(destinationId) },
        identityStatements: identity,
      });
      await expect(encryptReplica('s3')).resolves.toBe('Allowed');
      await expect(encryptReplica('ssm')).resolves.toBe('ImplicitlyDenied');
    });

    test.each<[string, Partial<s3.ReplicationRule>, string]>([
      ['sseKmsEncryptedObjects: false', { sseKmsEncryptedObjects: false },
        '`replicationRules[0].sseKmsEncryptedObjects` must be true, got false: every object of an EncryptedBucket is KMS-encrypted, so the rule would replicate nothing. Remove it.'],
      ['delete marker replication with a tag filter', { deleteMarkerReplication: true, filter: { tags: [{ key: 'a', value: 'b' }] } },
        '`replicationRules[0].deleteMarkerReplication` cannot be true with a tag filter: S3 does not replicate delete markers for tag-based rules. Remove the tags or deleteMarkerReplication.'],
    ])('rejects %s', (_name, rule, message) => {
      const stack = testStack();
      const destination = new EncryptedBucket(stack, 'Destination');
      expect(() => new EncryptedBucket(stack, 'Source', { replicationRules: [{ destination, ...rule }] }))
        .toThrow(`[TestStack/Source] Invalid configuration: ${message}`);
    });
  });

  describe('replicateTo', () => {
    test('same account: SSE-KMS objects replicate with the replica key; the role may decrypt the source and encrypt replicas only through S3', async () => {
      const stack = testStack();
      const source = new EncryptedBucket(stack, 'Source');
      const destination = new EncryptedBucket(stack, 'Destination');
      const result = source.replicateTo(destination, { prefix: 'reports/', storageClass: s3.StorageClass.INFREQUENT_ACCESS });

      expect(result.destinationBucketPolicyStatements).toEqual([]);
      expect(result.replicaKeyPolicyStatements).toEqual([]);
      const template = Template.fromStack(stack);
      const intrinsics = new Intrinsics(stack);
      const sourceId = stack.getLogicalId(source.node.defaultChild as s3.CfnBucket);
      const destinationId = stack.getLogicalId(destination.node.defaultChild as s3.CfnBucket);
      const roleId = stack.getLogicalId(result.role.node.defaultChild as iam.CfnRole);
      const sourceKeyId = stack.getLogicalId(source.encryptionKey!.node.defaultChild as kms.CfnKey);
      const replicaKeyId = stack.getLogicalId(destination.encryptionKey!.node.defaultChild as kms.CfnKey);
      template.hasResourceProperties('AWS::S3::Bucket', {
        ReplicationConfiguration: {
          Role: { 'Fn::GetAtt': [roleId, 'Arn'] },
          Rules: [{
            Id: 'ReplicateTo0',
            Priority: 0,
            Status: 'Enabled',
            Filter: { Prefix: 'reports/' },
            DeleteMarkerReplication: { Status: 'Disabled' },
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
            Destination: {
              Bucket: { 'Fn::GetAtt': [destinationId, 'Arn'] },
              EncryptionConfiguration: { ReplicaKmsKeyID: { 'Fn::GetAtt': [replicaKeyId, 'Arn'] } },
              StorageClass: 'STANDARD_IA',
            },
          }],
        },
      });

      const resources = template.toJSON().Resources;
      const policyId = Object.keys(resources).find((id) => resources[id].Type === 'AWS::IAM::ManagedPolicy')!;
      const identity = intrinsics.resolve(resources[policyId].Properties.PolicyDocument).Statement;
      const kmsRequest = (keyId: string, action: string, bucketId: string, service = 's3') => evaluate(
        intrinsics.resolve(resources[keyId].Properties.KeyPolicy),
        {
          principal: intrinsics.arn(roleId),
          action,
          resource: intrinsics.arn(keyId),
          resourceAccount: ACCOUNT,
          context: { 'kms:ViaService': `${service}.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': intrinsics.arn(bucketId) },
          identityStatements: identity,
        },
      );
      await expect(kmsRequest(sourceKeyId, 'kms:Decrypt', sourceId)).resolves.toBe('Allowed');
      await expect(kmsRequest(sourceKeyId, 'kms:Decrypt', sourceId, 'ssm')).resolves.toBe('ImplicitlyDenied');
      await expect(kmsRequest(sourceKeyId, 'kms:Encrypt', sourceId)).resolves.toBe('ImplicitlyDenied');
      await expect(kmsRequest(replicaKeyId, 'kms:Encrypt', destinationId)).resolves.toBe('Allowed');
      await expect(kmsRequest(replicaKeyId, 'kms:GenerateDataKey', destinationId)).resolves.toBe('Allowed');
      await expect(kmsRequest(replicaKeyId, 'kms:Encrypt', sourceId)).resolves.toBe('ImplicitlyDenied');
      await expect(kmsRequest(replicaKeyId, 'kms:Decrypt', destinationId)).resolves.toBe('ImplicitlyDenied');
    });

    test('another account: the destination account and the replica owner are set; the statements that account must add are returned and shown', () => {
      const stack = testStack();
      const source = new EncryptedBucket(stack, 'Source');
      const destination = s3.Bucket.fromBucketAttributes(stack, 'Destination', {
        bucketArn: 'arn:aws:s3:::dr-copy',
        account: OTHER_ACCOUNT,
        region: 'eu-central-1',
        encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicaKey', `arn:aws:kms:eu-central-1:${OTHER_ACCOUNT}:key/22222222-2222-2222-2222-222222222222`),
      });

      const result = source.replicateTo(destination);

      Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
        ReplicationConfiguration: {
          Rules: [Match.objectLike({
            Destination: {
              Bucket: 'arn:aws:s3:::dr-copy',
              Account: OTHER_ACCOUNT,
              AccessControlTranslation: { Owner: 'Destination' },
              EncryptionConfiguration: { ReplicaKmsKeyID: `arn:aws:kms:eu-central-1:${OTHER_ACCOUNT}:key/22222222-2222-2222-2222-222222222222` },
            },
          })],
        },
      });
      const resolved = (statements: iam.PolicyStatement[]) => statements.map((s) => stack.resolve(s.toStatementJson()));
      expect(resolved(result.destinationBucketPolicyStatements)).toEqual([
        expect.objectContaining({ Action: expect.arrayContaining(['s3:ReplicateObject', 's3:ReplicateDelete']), Resource: 'arn:aws:s3:::dr-copy/*' }),
        expect.objectContaining({ Action: expect.arrayContaining(['s3:GetBucketVersioning']), Resource: 'arn:aws:s3:::dr-copy' }),
      ]);
      expect(resolved(result.replicaKeyPolicyStatements)).toEqual([expect.objectContaining({
        Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
        Condition: {
          StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.eu-central-1.', { Ref: 'AWS::URLSuffix' }]] } },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::dr-copy', 'arn:aws:s3:::dr-copy/*'] },
        },
      })]);
      const annotations = Annotations.fromStack(stack);
      annotations.hasWarning('/TestStack/Source', Match.stringLikeRegexp('s3:ReplicateObject.*cdk-kms-encryption:replicationDestinationPolicyNotEditable'));
      annotations.hasWarning('/TestStack/Source', Match.stringLikeRegexp('TestStack/ReplicaKey.*kms:GenerateDataKey.*cdk-kms-encryption:keyPolicyNotEditable'));
    });

    test('a second destination reuses the role and gets the next priority', () => {
      const stack = testStack();
      const source = new EncryptedBucket(stack, 'Source');
      const first = source.replicateTo(new EncryptedBucket(stack, 'First'));
      const second = source.replicateTo(new EncryptedBucket(stack, 'Second'));
      expect(second.role).toBe(first.role);
      Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
        ReplicationConfiguration: { Rules: [Match.objectLike({ Id: 'ReplicateTo0', Priority: 0 }), Match.objectLike({ Id: 'ReplicateTo1', Priority: 1 })] },
      });
    });
  });

  describe('one bucket policy', () => {
    const secondPolicy = (policyPath: string, target: string, id: string, method = 'addToResourcePolicy()') =>
      `AWS::S3::BucketPolicy ${policyPath} also targets ${target}: a bucket has one policy, and the one deployed last replaces the other with all its deny statements. Remove ${id} and add its statements with ${method}.`;
    const statement = () => new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], actions: ['s3:GetObject'], resources: ['*'] });
    const document = () => new iam.PolicyDocument({ statements: [statement()] });

    test('an s3.BucketPolicy on the bucket fails synthesis', () => {
      const stack = testStack();
      const bucket = new EncryptedBucket(stack, 'Bucket');
      new s3.BucketPolicy(stack, 'Extra', { bucket }).document.addStatements(statement());
      expect(() => Template.fromStack(stack)).toThrow(`[TestStack/Bucket] ${secondPolicy('TestStack/Extra', 'this bucket (TestStack/Bucket)', 'Extra')}`);
    });

    test('a CfnBucketPolicy in another stack, defined after the bucket, fails synthesis', () => {
      const app = testApp();
      const bucket = new EncryptedBucket(testStack('Data', {}, app), 'Bucket');
      new s3.CfnBucketPolicy(testStack('Other', {}, app), 'Policy', { bucket: bucket.bucketName, policyDocument: document() });
      expect(() => app.synth()).toThrow(`[Data/Bucket] ${secondPolicy('Other/Policy', 'this bucket (Data/Bucket)', 'Policy')}`);
    });

    test('a CfnBucketPolicy naming the bucket by its physical name, or by the L1 Ref, fails synthesis', () => {
      const stack = testStack();
      const bucket = new EncryptedBucket(stack, 'Bucket', { bucketName: 'app-data' });
      new s3.CfnBucketPolicy(stack, 'ByName', { bucket: 'app-data', policyDocument: document() });
      new s3.CfnBucketPolicy(stack, 'ByRef', { bucket: (bucket.node.defaultChild as s3.CfnBucket).ref, policyDocument: document() });
      expect(() => Template.fromStack(stack)).toThrow(expect.objectContaining({
        message: expect.stringContaining(`[TestStack/Bucket] ${secondPolicy('TestStack/ByName', 'this bucket (TestStack/Bucket)', 'ByName')}`),
      }));
      expect(() => Template.fromStack(stack)).toThrow(`[TestStack/Bucket] ${secondPolicy('TestStack/ByRef', 'this bucket (TestStack/Bucket)', 'ByRef')}`);
    });

    test('a second policy on the access-logs bucket fails synthesis', () => {
      const stack = testStack();
      const bucket = new EncryptedBucket(stack, 'Bucket');
      new s3.BucketPolicy(stack, 'LogsPolicy', { bucket: bucket.serverAccessLogsBucket }).document.addStatements(statement());
      expect(() => Template.fromStack(stack)).toThrow(`[TestStack/Bucket] ${secondPolicy(
        'TestStack/LogsPolicy', 'its access-logs bucket TestStack/Bucket/AccessLogs', 'LogsPolicy', 'serverAccessLogsBucket.addToResourcePolicy()',
      )}`);
    });

    test('statements added with addToResourcePolicy, and policies of other buckets, are fine', () => {
      const stack = testStack();
      const logs = new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.S3_MANAGED });
      const bucket = new EncryptedBucket(stack, 'Bucket', { serverAccessLogsBucket: logs });
      bucket.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));
      logs.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], actions: ['s3:GetObject'], resources: [logs.arnForObjects('*')] }));
      new s3.BucketPolicy(stack, 'Unrelated', { bucket: new s3.Bucket(stack, 'UnrelatedBucket') }).document.addStatements(statement());
      expect(() => Template.fromStack(stack)).not.toThrow();
    });
  });

  describe('public statements', () => {
    const KEYS = 'aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceOrgID, aws:userid';
    const readByEveryone = (conditions?: Record<string, Record<string, unknown>>) =>
      new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'], conditions });

    test.each<[string, iam.PolicyStatement, string]>([
      ['AnyPrincipal without a condition', readByEveryone(), 'no condition'],
      ['AnyPrincipal with only aws:SecureTransport', readByEveryone({ Bool: { 'aws:SecureTransport': 'true' } }), 'a condition only on aws:SecureTransport'],
      ['AnyPrincipal with a negated organization condition', readByEveryone({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }), 'a condition only on aws:PrincipalOrgID'],
    ])('%s fails with the accepted keys', (_name, statement, found) => {
      const bucket = new EncryptedBucket(testStack(), 'Bucket');
      expect(() => bucket.addToResourcePolicy(statement)).toThrow(
        `[TestStack/Bucket] Invalid configuration: \`addToResourcePolicy\` must not allow everyone ('*') without narrowing the principal, got a statement allowing s3:GetObject with ${found}. Add a condition with a fixed value on one of ${KEYS}, or name the principals.`,
      );
    });

    test('everyone in the organization may read; callers of other organizations may not', async () => {
      const { bucketPolicy, bucketArn } = synth({}, (bucket) => bucket.addToResourcePolicy(
        readByEveryone({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }).copy({ resources: [bucket.arnForObjects('*')] }),
      ));
      const read = (orgId: string) => evaluate(bucketPolicy, {
        principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/reader`,
        action: 's3:GetObject',
        resource: `${bucketArn}/data.csv`,
        resourceAccount: ACCOUNT,
        context: { ...TLS, 'aws:PrincipalOrgID': orgId },
        identityStatements: [ALLOW_ALL_IDENTITY],
      });
      await expect(read('o-a1b2c3d4e5')).resolves.toBe('Allowed');
      await expect(read('o-9999999999')).resolves.toBe('ImplicitlyDenied');
    });
  });

  describe('removal', () => {
    test('removalPolicy DESTROY with autoDeleteObjects applies to the bucket, its key and its logs bucket', () => {
      const stack = testStack();
      new EncryptedBucket(stack, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
      const template = Template.fromStack(stack);
      template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
      template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    });
  });

  describe('bad input fails at synth time with one error', () => {
    const stack = testStack();
    const aliasKey = kms.Alias.fromAliasName(stack, 'Alias', 'alias/app');
    const aliasArnKey = kms.Key.fromKeyArn(stack, 'AliasArn', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/app`);
    const kmsLogs = new s3.Bucket(stack, 'KmsLogs', { encryption: s3.BucketEncryption.KMS });
    const rsaKey = new CustomerManagedKey(stack, 'Rsa', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY });

    test.each<[string, EncryptedBucketProps, string]>([
      ['an alias as encryptionKey', { encryptionKey: aliasKey },
        '`encryptionKey` must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got an alias ARN of key app. An alias or key id never matches the key ARN S3 checks; import the key with kms.Key.fromKeyArn and its key ARN.'],
      ['an alias ARN in additionalAllowedKeys', { additionalAllowedKeys: [aliasArnKey] },
        '`additionalAllowedKeys[0]` must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got an alias ARN of key app. An alias or key id never matches the key ARN S3 checks; import the key with kms.Key.fromKeyArn and its key ARN.'],
      ['an asymmetric key', { encryptionKey: rsaKey },
        '`encryptionKey` must be a symmetric encryption key (SYMMETRIC_DEFAULT), got a RSA_2048 key. Use a CustomerManagedKey with the default keySpec.'],
      ['minimumTlsVersion 1.1', { minimumTlsVersion: 1.1 },
        '`minimumTlsVersion` must be 1.2 or 1.3, got 1.1. Use 1.2 (the default) unless every client supports TLS 1.3.'],
      ['autoDeleteObjects without DESTROY', { autoDeleteObjects: true },
        '`autoDeleteObjects` requires `removalPolicy: RemovalPolicy.DESTROY`, got removalPolicy RETAIN (the default). Set removalPolicy to DESTROY, or remove autoDeleteObjects so the bucket and its objects are kept.'],
      ['autoDeleteObjects with SNAPSHOT', { autoDeleteObjects: true, removalPolicy: RemovalPolicy.SNAPSHOT },
        '`autoDeleteObjects` requires `removalPolicy: RemovalPolicy.DESTROY`, got removalPolicy snapshot. Set removalPolicy to DESTROY, or remove autoDeleteObjects so the bucket and its objects are kept.'],
      ['an SSE-KMS logs bucket', { serverAccessLogsBucket: kmsLogs },
        '`serverAccessLogsBucket` must use SSE-S3, got TestStack/KmsLogs, encrypted with a KMS key: S3 cannot deliver server access logs to an SSE-KMS bucket. Pass a bucket with BucketEncryption.S3_MANAGED, or leave it out to get a companion logs bucket.'],
    ])('%s', (_name, props, message) => {
      expect(() => new EncryptedBucket(stack, 'Bad', props)).toThrow(`[TestStack/Bad] Invalid configuration: ${message}`);
    });

    test('every problem is listed in one error', () => {
      expect(() => new EncryptedBucket(stack, 'Bad', { minimumTlsVersion: 1, autoDeleteObjects: true })).toThrow(
        /Invalid configuration: \n {2}- `minimumTlsVersion` must be 1\.2 or 1\.3, got 1\..*\n {2}- `autoDeleteObjects` requires/,
      );
    });

    test('replicateTo a bucket without a key', () => {
      const source = new EncryptedBucket(testStack(), 'Source');
      const plain = s3.Bucket.fromBucketName(source, 'Plain', 'plain-bucket');
      expect(() => source.replicateTo(plain)).toThrow(
        '[TestStack/Source] Invalid configuration: `destination` of replicateTo must be encrypted with a KMS key, got bucket TestStack/Source/Plain without an encryptionKey. Pass `replicaKey` (the key the destination bucket uses), or import the destination bucket with its encryptionKey.',
      );
    });

    test('replicateTo an EncryptedBucket under a key its policy denies', () => {
      const scope = testStack();
      const source = new EncryptedBucket(scope, 'Source');
      const destination = new EncryptedBucket(scope, 'Destination', { additionalAllowedKeys: [kms.Key.fromKeyArn(scope, 'OldKey', OLD_KEY_ARN)] });
      expect(() => source.replicateTo(destination, { replicaKey: kms.Key.fromKeyArn(scope, 'Other', OTHER_KEY_ARN) })).toThrow(
        `[TestStack/Source] Invalid configuration: \`replicaKey\` of replicateTo must be a key the bucket policy of TestStack/Destination allows (TestStack/DestinationKey, ${OLD_KEY_ARN}), got ${OTHER_KEY_ARN}: that policy denies every replica under another key. Leave replicaKey out to use the destination's encryptionKey, or add the key to the destination's additionalAllowedKeys.`,
      );
    });

    test('replicateTo an EncryptedBucket under one of its additionalAllowedKeys, imported again by ARN', () => {
      const scope = testStack();
      const source = new EncryptedBucket(scope, 'Source');
      const destination = new EncryptedBucket(scope, 'Destination', { additionalAllowedKeys: [kms.Key.fromKeyArn(scope, 'OldKey', OLD_KEY_ARN)] });
      expect(() => source.replicateTo(destination, { replicaKey: kms.Key.fromKeyArn(scope, 'SameOldKey', OLD_KEY_ARN) })).not.toThrow();
    });

    test('replicateTo an EncryptedBucket of the other encryption type', () => {
      const scope = testStack();
      const source = new EncryptedBucket(scope, 'Source');
      const destination = new EncryptedBucket(scope, 'Destination', { encryptionType: KmsEncryptionType.DSSE_KMS });
      expect(() => source.replicateTo(destination)).toThrow(
        '[TestStack/Source] Invalid configuration: `destination` of replicateTo must use this bucket\'s encryptionType (aws:kms), got TestStack/Destination with aws:kms:dsse: replicas keep the source\'s encryption type, which the destination\'s policy denies. Give both buckets the same encryptionType.',
      );
    });

    test('replicateTo with an alias as replicaKey', () => {
      const source = new EncryptedBucket(testStack(), 'Source');
      const destination = new EncryptedBucket(source, 'Destination');
      expect(() => source.replicateTo(destination, { replicaKey: kms.Key.fromKeyArn(source, 'A', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/dr`) })).toThrow(
        '[TestStack/Source] Invalid configuration: `replicaKey` must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got an alias ARN of key dr. An alias or key id never matches the key ARN S3 checks; import the key with kms.Key.fromKeyArn and its key ARN.',
      );
    });
  });

  describe('cdk-nag', () => {
    test('a default bucket has no findings in the four packs', () => {
      const app = testApp();
      new EncryptedBucket(testStack('Default', {}, app), 'Bucket');
      expectNoNagFindings(app);
    });

    test('a fully configured bucket, replicating to another, has no findings in the four packs', () => {
      const app = testApp();
      const stack = testStack('Full', {}, app);
      const oldKey = kms.Key.fromKeyArn(stack, 'OldKey', OTHER_KEY_ARN);
      const logs = new EncryptedBucket(stack, 'Source', {
        encryptionKey: new CustomerManagedKey(stack, 'Key', { alias: 'app/data' }),
        additionalAllowedKeys: [oldKey],
        encryptionType: KmsEncryptionType.DSSE_KMS,
        requireEncryptionHeaders: true,
        minimumTlsVersion: 1.3,
        serverAccessLogsPrefix: 'source/',
        lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      });
      Validations.of(logs).acknowledge({ id: 'Annotation::cdk-kms-encryption:requireEncryptionHeadersDeniesMultipartUploads', reason: 'Clients write each object with one PutObject.' });
      logs.replicateTo(new EncryptedBucket(stack, 'Replica', { encryptionType: KmsEncryptionType.DSSE_KMS }), { prefix: 'reports/' });
      expectNoNagFindings(app);
    });
  });
});

describe('a grant to a principal of another account', () => {
  const READER = `arn:aws:iam::${OTHER_ACCOUNT}:role/reader`;
  const CROSS_ACCOUNT_README = 'For a bucket with a generated name, that statement is scoped to S3 in the bucket\'s Region and the grantee\'s';
  const VIA_S3 = `s3.${REGION}.amazonaws.com`;

  /** What the reader's own account allows: reading the bucket and using the key, nothing narrower. */
  const READER_IDENTITY = [ALLOW_ALL_IDENTITY];

  // A generated name is only known after deployment: the key policy can then scope to S3 and the caller's account only.
  describe.each<[string, (stack: Stack) => EncryptedBucketProps, boolean]>([
    ['the default key and a generated name', () => ({}), false],
    ['the default key and a bucketName', () => ({ bucketName: 'data-bucket-111111111111' }), true],
    ['a CustomerManagedKey of the app', (stack) => ({ encryptionKey: new CustomerManagedKey(stack, 'AppKey') }), false],
    ['an aws-cdk-lib kms.Key and a bucketName', (stack) => ({ encryptionKey: new kms.Key(stack, 'CdkKey'), bucketName: 'data-bucket-111111111111' }), true],
  ])('with %s', (_name, props, scopedToBucket) => {
    let parts: { stack: Stack; keyPolicy: any; bucketPolicy: any; bucketArn: string; keyArn: string };

    beforeAll(() => {
      const stack = testStack();
      const bucket = new EncryptedBucket(stack, 'Bucket', props(stack));
      bucket.grantRead(iam.Role.fromRoleArn(stack, 'Reader', READER));
      const intrinsics = new Intrinsics(stack);
      // aws-cdk-lib throws "Template is undeployable" on a dependency cycle.
      const resources = Template.fromStack(stack).toJSON().Resources;
      const keyId = stack.getLogicalId(bucket.encryptionKey!.node.defaultChild as kms.CfnKey);
      parts = {
        stack,
        keyPolicy: intrinsics.resolve(resources[keyId].Properties.KeyPolicy),
        bucketPolicy: intrinsics.resolve(
          resources[stack.getLogicalId(bucket.policy!.node.defaultChild as s3.CfnBucketPolicy)].Properties.PolicyDocument,
        ),
        bucketArn: intrinsics.arn(stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)),
        keyArn: intrinsics.arn(keyId),
      };
    });

    const useKey = (action: string, context: Record<string, string>) => evaluate(parts.keyPolicy, {
      principal: READER, action, resource: parts.keyArn, resourceAccount: ACCOUNT, context, identityStatements: READER_IDENTITY,
    });
    const s3Request = (action: string, resource: string) => evaluate(parts.bucketPolicy, {
      principal: READER, action, resource, resourceAccount: ACCOUNT, context: TLS, identityStatements: READER_IDENTITY,
    });

    test('the reader may read objects and decrypt them through S3', async () => {
      await expect(s3Request('s3:GetObject', `${parts.bucketArn}/data.csv`)).resolves.toBe('Allowed');
      await expect(useKey('kms:Decrypt', {
        'kms:ViaService': VIA_S3, 'kms:CallerAccount': OTHER_ACCOUNT, 'kms:EncryptionContext:aws:s3:arn': parts.bucketArn,
      })).resolves.toBe('Allowed');
    });

    test('and nothing else: no write, no direct key use, no other service, no encryption', async () => {
      await expect(s3Request('s3:PutObject', `${parts.bucketArn}/data.csv`)).resolves.not.toBe('Allowed');
      await expect(s3Request('s3:DeleteObject', `${parts.bucketArn}/data.csv`)).resolves.not.toBe('Allowed');
      await expect(useKey('kms:Decrypt', { 'kms:CallerAccount': OTHER_ACCOUNT })).resolves.not.toBe('Allowed');
      await expect(useKey('kms:Decrypt', {
        'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:CallerAccount': OTHER_ACCOUNT, 'kms:EncryptionContext:aws:s3:arn': parts.bucketArn,
      })).resolves.not.toBe('Allowed');
      await expect(useKey('kms:GenerateDataKey', {
        'kms:ViaService': VIA_S3, 'kms:CallerAccount': OTHER_ACCOUNT, 'kms:EncryptionContext:aws:s3:arn': parts.bucketArn,
      })).resolves.not.toBe('Allowed');
      await expect(useKey('kms:Decrypt', {
        'kms:ViaService': VIA_S3, 'kms:CallerAccount': THIRD_ACCOUNT, 'kms:EncryptionContext:aws:s3:arn': parts.bucketArn,
      })).resolves.not.toBe('Allowed');
    });

    test(`objects of another bucket on the key: ${scopedToBucket ? 'denied' : 'allowed by the key policy, as the README says'}`, async () => {
      const otherBucket = useKey('kms:Decrypt', {
        'kms:ViaService': VIA_S3, 'kms:CallerAccount': OTHER_ACCOUNT, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::another-bucket-on-the-key',
      });
      await expect(otherBucket).resolves.toBe(scopedToBucket ? 'ImplicitlyDenied' : 'Allowed');
      if (!scopedToBucket) {
        expect(readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8')).toContain(CROSS_ACCOUNT_README);
      }
    });
  });

  test('a key-policy statement that references the bucket it encrypts is a synth error, not aws-cdk-lib\'s warning', () => {
    // GIVEN
    const stack = testStack();
    const bucket = new EncryptedBucket(stack, 'Bucket');

    // WHEN
    bucket.encryptionKey!.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.AccountPrincipal(OTHER_ACCOUNT)],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:EncryptionContext:aws:s3:arn': bucket.bucketArn } },
    }));

    // THEN
    expect(() => (stack.node.root as App).synth()).toThrow(
      'EncryptedBucket must not be referenced by the policy of its own key TestStack/BucketKey: the key would depend on the bucket, which depends on the key, and CloudFormation cannot deploy the cycle. Name the bucket by a literal `bucketName` (its ARN is then built without a reference), or scope the statement with kms:ViaService and kms:CallerAccount.',
    );
  });
});
