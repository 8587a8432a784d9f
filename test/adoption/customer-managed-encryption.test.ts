import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Mixins, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elb from 'aws-cdk-lib/aws-elasticloadbalancing';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CheckLevel, CustomerManagedEncryption, CustomerManagedKey, EncryptedBucket } from '../../src';
import { findingsOf } from '../checks/findings';
import { ACCOUNT, REGION, testApp } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { nagFindings } from '../util/nag';
import { evaluate } from '../util/policy';

jest.setTimeout(240_000);

/** A plain aws-cdk-lib app: one of each supported resource, each read by one role. */
function plainApp(withMixin: boolean, app: App = testApp()): { app: App; stack: Stack } {
  const stack = new Stack(app, 'PlainStack', { env: { account: ACCOUNT, region: REGION } });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true, removalPolicy: RemovalPolicy.RETAIN });
  bucket.grantReadWrite(reader);
  new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
  new secretsmanager.Secret(stack, 'Secret').grantRead(reader);
  const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true });
  queue.grantSendMessages(reader);
  new sns.Topic(stack, 'Topic', { enforceSSL: true }).grantPublish(reader);
  new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } }).grantReadData(reader);
  if (withMixin) {
    Mixins.of(app).apply(new CustomerManagedEncryption());
  }
  return { app, stack };
}

describe('CustomerManagedEncryption on a plain aws-cdk-lib app', () => {
  test('EncryptionChecks reports nothing for what it fixed, and logical ids stay', () => {
    const before = plainApp(false).stack;
    const { stack } = plainApp(true);
    // Findings as warnings, so the app without the mixin synthesizes and can be compared.
    // The mixin brings keys, not rotation: SecretRotation still reports the plain secret.
    const findings = (withMixin: boolean) => findingsOf(plainApp(withMixin).app, {
      level: CheckLevel.WARNING,
      disabledRules: [{ ruleId: 'cdk-kms-encryption::SecretRotation', reason: 'CustomerManagedEncryption does not add rotation.' }],
    }).map((f) => `${f.ruleId} ${f.path}`);
    expect(findings(false).length).toBeGreaterThan(5);
    expect(findings(true)).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    const beforeIds = Object.keys(Template.fromStack(before).toJSON().Resources);
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources)).toEqual(expect.arrayContaining(beforeIds));
  });

  test('the four cdk-nag packs and the Control Tower controls (cfn-guard) report nothing new', () => {
    const withValidators = () => {
      const app = testApp();
      Validations.of(app).addPlugins(new CfnGuardValidator());
      return app;
    };
    const finding = (f: { pack: string; rule: string; path: string }) => `${f.pack} ${f.rule} ${f.path}`;
    const before = nagFindings(plainApp(false, withValidators()).app).map(finding);
    const after = nagFindings(plainApp(true, withValidators()).app).map(finding);
    expect(after.filter((f) => !before.includes(f))).toEqual([]);
    expect(before.filter((f) => !after.includes(f))).toEqual(expect.arrayContaining([
      'cdk-validator-cfnguard s3_bucket_default_encryption_kms_check PlainStack/Bucket/Resource',
      'cdk-validator-cfnguard sqs_queue_encrypted_check PlainStack/Queue/Resource',
      'NIST.800.53.R5 NIST.800.53.R5-CloudWatchLogGroupEncrypted PlainStack/Logs/Resource',
      'NIST.800.53.R5 NIST.800.53.R5-SecretsManagerUsingKMSKey PlainStack/Secret/Resource',
      'NIST.800.53.R5 NIST.800.53.R5-SNSEncryptedKMS PlainStack/Topic/Resource',
      'cdk-validator-cfnguard dynamodb_table_encrypted_kms_check PlainStack/Table/Resource',
    ]));
  });
});

/** A stack in the test environment of a fresh app. */
function stackOf(id = 'AppStack'): Stack {
  return new Stack(testApp(), id, { env: { account: ACCOUNT, region: REGION } });
}

/** The only resource of a type in the stack's template. */
function onlyResource(stack: Stack, type: string): any {
  return Object.values(Template.fromStack(stack).findResources(type))[0];
}

describe('CustomerManagedEncryption on each resource type', () => {
  test('a bucket: SSE-KMS with the key and a bucket key, SSE-C blocked, EncryptedBucket\'s default-mode bucket policy', () => {
    // GIVEN
    const stack = stackOf();
    new s3.Bucket(stack, 'Bucket');

    // WHEN
    stack.with(new CustomerManagedEncryption());

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['CustomerManagedEncryptionKey05F0B060', 'Arn'] } },
          BucketKeyEnabled: true,
          BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
        }],
      },
    });
    const sids = onlyResource(stack, 'AWS::S3::BucketPolicy').Properties.PolicyDocument.Statement.map((statement: any) => statement.Sid);
    expect(sids).toEqual(['DenyInsecureTransport', 'DenyOutdatedTls', 'DenyWrongEncryptionAlgorithm', 'DenyWrongEncryptionKey', 'DenyKmsWithoutKeyId', 'DenySseC']);
  });

  test('one key per stack, with a stable id, however often the mixin is applied', () => {
    // GIVEN
    const stack = stackOf();
    new s3.Bucket(stack, 'First');
    new sqs.Queue(stack, 'Queue');

    // WHEN
    Mixins.of(stack).apply(new CustomerManagedEncryption());
    new s3.Bucket(stack, 'Second');
    Mixins.of(stack).apply(new CustomerManagedEncryption());

    // THEN
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::KMS::Key'))).toEqual(['CustomerManagedEncryptionKey05F0B060']);
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::S3::Bucket', { BucketEncryption: Match.objectLike({}) }, 2);
  });

  test('a reader granted before the mixin may decrypt through S3, for this bucket only', async () => {
    // GIVEN
    const stack = stackOf();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    new s3.Bucket(stack, 'Bucket', { bucketName: 'app-data' }).grantRead(reader);

    // WHEN
    stack.with(new CustomerManagedEncryption());

    // THEN
    const intrinsics = new Intrinsics(stack);
    const keyPolicy = intrinsics.resolve(onlyResource(stack, 'AWS::KMS::Key').Properties.KeyPolicy);
    const identityStatements = [intrinsics.resolve(onlyResource(stack, 'AWS::IAM::Policy').Properties.PolicyDocument.Statement)].flat();
    const decrypt = (endpoint: string, context: string) => evaluate(keyPolicy, {
      principal: `arn:aws:iam::${ACCOUNT}:role/reader`,
      action: 'kms:Decrypt',
      resource: intrinsics.arn('CustomerManagedEncryptionKey05F0B060'),
      resourceAccount: ACCOUNT,
      context: { 'kms:ViaService': endpoint, 'kms:CallerAccount': ACCOUNT, 'kms:EncryptionContext:aws:s3:arn': context },
      identityStatements,
    });
    expect(await decrypt(`s3.${REGION}.amazonaws.com`, 'arn:aws:s3:::app-data')).toEqual('Allowed');
    expect(await decrypt(`s3.${REGION}.amazonaws.com`, 'arn:aws:s3:::other')).toEqual('ImplicitlyDenied');
    expect(await decrypt(`sqs.${REGION}.amazonaws.com`, 'arn:aws:s3:::app-data')).toEqual('ImplicitlyDenied');
  });

  test('a log group: the key, and the logs service statement for it', () => {
    // GIVEN
    const stack = stackOf();
    new logs.LogGroup(stack, 'Logs', { logGroupName: 'app' });

    // WHEN
    stack.with(new CustomerManagedEncryption());

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': ['CustomerManagedEncryptionKey05F0B060', 'Arn'] } });
    const statements = new Intrinsics(stack).resolve(onlyResource(stack, 'AWS::KMS::Key').Properties.KeyPolicy.Statement);
    expect(statements).toContainEqual(expect.objectContaining({
      Sid: 'AllowCloudWatchLogs',
      Principal: { Service: `logs.${REGION}.amazonaws.com` },
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:app`] } },
    }));
  });

  test.each([
    ['a queue', (stack: Stack) => new sqs.Queue(stack, 'Resource'), 'AWS::SQS::Queue', 'KmsMasterKeyId', 'sqs'],
    ['a topic', (stack: Stack) => new sns.Topic(stack, 'Resource'), 'AWS::SNS::Topic', 'KmsMasterKeyId', 'sns'],
    ['a secret', (stack: Stack) => new secretsmanager.Secret(stack, 'Resource'), 'AWS::SecretsManager::Secret', 'KmsKeyId', 'secretsmanager'],
  ])('%s: the key, and a key-policy statement for the account through the service', (_name, define, type, property, service) => {
    // GIVEN
    const stack = stackOf();
    define(stack);

    // WHEN
    stack.with(new CustomerManagedEncryption());

    // THEN
    expect(onlyResource(stack, type).Properties[property]).toEqual({ 'Fn::GetAtt': ['CustomerManagedEncryptionKey05F0B060', 'Arn'] });
    const statements = new Intrinsics(stack).resolve(onlyResource(stack, 'AWS::KMS::Key').Properties.KeyPolicy.Statement);
    expect(statements).toContainEqual(expect.objectContaining({
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Condition: expect.objectContaining({ StringEquals: { 'kms:ViaService': `${service}.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT } }),
    }));
  });

  test('a table: SSE with the key', () => {
    const stack = stackOf();
    new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    stack.with(new CustomerManagedEncryption());
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': ['CustomerManagedEncryptionKey05F0B060', 'Arn'] } },
    });
  });

  test('a given key is used in every stack of its Region, and no key is defined', () => {
    const stack = stackOf();
    const key = new CustomerManagedKey(stack, 'Shared');
    new sqs.Queue(stack, 'Queue');
    stack.with(new CustomerManagedEncryption({ key }));
    expect(onlyResource(stack, 'AWS::SQS::Queue').Properties.KmsMasterKeyId).toEqual(stack.resolve(key.keyArn));
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::KMS::Key'))).toEqual([expect.stringMatching(/^Shared/)]);
  });

  test('an SNS subscription of a queue keeps working: SNS may use the queue\'s key for this account', () => {
    // GIVEN
    const stack = stackOf();
    const topic = new sns.Topic(stack, 'Topic');
    topic.addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Queue')));

    // WHEN
    stack.with(new CustomerManagedEncryption());

    // THEN
    const statements = new Intrinsics(stack).resolve(onlyResource(stack, 'AWS::KMS::Key').Properties.KeyPolicy.Statement);
    expect(statements).toContainEqual({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      // The topic's ARN would make the key depend on the topic, which depends on the key.
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Resource: '*',
    });
  });

  test('a secret with hosted rotation: the rotation function is told the secret\'s new key (HostedRotationLambda.KmsKeyArn)', () => {
    const stack = stackOf();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    secret.addRotationSchedule('Rotation', { hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser() });
    stack.with(new CustomerManagedEncryption());
    const secretKey = onlyResource(stack, 'AWS::SecretsManager::Secret').Properties.KmsKeyId;
    expect(secretKey).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CustomerManagedEncryptionKey/), 'Arn'] });
    expect(onlyResource(stack, 'AWS::SecretsManager::RotationSchedule').Properties.HostedRotationLambda).toEqual(expect.objectContaining({
      RotationType: 'MySQLSingleUser',
      KmsKeyArn: secretKey,
    }));
  });

  test('constructs of this library are left alone', () => {
    const stack = stackOf();
    new EncryptedBucket(stack, 'Encrypted');
    stack.with(new CustomerManagedEncryption());
    expect(Template.fromStack(stack).findResources('AWS::KMS::Key')).not.toHaveProperty('CustomerManagedEncryptionKey05F0B060');
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('CustomerManagedEncryption: what it cannot fix', () => {
  test.each([
    ['an asymmetric key', (stack: Stack) => new CustomerManagedKey(stack, 'Rsa', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT }),
      '[CustomerManagedEncryption] Invalid configuration: `key` must be a symmetric encryption key (SYMMETRIC_DEFAULT), got a RSA_2048 key. Use a CustomerManagedKey with the default keySpec.'],
    ['an HMAC key', (stack: Stack) => new CustomerManagedKey(stack, 'Hmac', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC }),
      '[CustomerManagedEncryption] Invalid configuration: `key` must be a symmetric encryption key (SYMMETRIC_DEFAULT), got a HMAC_256 key. Use a CustomerManagedKey with the default keySpec.'],
  ])('rejects %s', (_name, keyOf, message) => {
    const stack = stackOf();
    expect(() => new CustomerManagedEncryption({ key: keyOf(stack) })).toThrow(message);
  });

  test('rejects a key of another Region than a resource', () => {
    const stack = stackOf();
    new sqs.Queue(stack, 'Queue');
    const key = kms.Key.fromKeyArn(stack, 'Other', `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    expect(() => stack.with(new CustomerManagedEncryption({ key }))).toThrow(
      '[AppStack/Queue/Resource] Invalid configuration: `key` must be in the Region of the resource (eu-west-1), got a key in us-east-1. Pass a key of eu-west-1, or apply CustomerManagedEncryption without `key` to define one per stack.');
  });

  test('leaves a resource encrypted with another customer-managed key, and warns with its path', () => {
    const stack = stackOf();
    new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: new CustomerManagedKey(stack, 'Own') });
    stack.with(new CustomerManagedEncryption());
    expect(JSON.stringify(onlyResource(stack, 'AWS::SQS::Queue').Properties.KmsMasterKeyId)).toMatch(/Own/);
    Annotations.fromStack(stack).hasWarning('/AppStack/Queue/Resource',
      'AppStack/Queue/Resource is already encrypted with another customer-managed key (or one only known at deploy time), so CustomerManagedEncryption leaves it as it is. Acknowledge this warning on it, or remove its key to use the mixin\'s. [ack: cdk-kms-encryption:otherCustomerManagedKey]');
  });

  test('keeps a bucket that receives server access logs on SSE-S3, with the reason', () => {
    const stack = stackOf();
    const logsBucket = new s3.Bucket(stack, 'AccessLogs');
    new s3.Bucket(stack, 'Data', { serverAccessLogsBucket: logsBucket });
    stack.with(new CustomerManagedEncryption());
    Annotations.fromStack(stack).hasWarning('/AppStack/AccessLogs/Resource',
      'AppStack/AccessLogs/Resource receives S3 server access logs of AppStack/Data/Resource, which AWS delivers only to SSE-S3 buckets, so it keeps SSE-S3. Acknowledge this warning on it. [ack: cdk-kms-encryption:accessLogsTargetNotRetrofitted]');
    const logsTemplate = Object.entries(Template.fromStack(stack).findResources('AWS::S3::Bucket')).find(([id]) => id.startsWith('AccessLogs'))?.[1];
    expect(JSON.stringify(logsTemplate)).not.toMatch(/aws:kms/);
  });

  /** The only bucket whose logical id starts with `prefix`, as synthesized. */
  const bucketNamed = (stack: Stack, prefix: string) =>
    Object.entries(Template.fromStack(stack).findResources('AWS::S3::Bucket')).find(([id]) => id.startsWith(prefix))![1];

  test.each<[string, (stack: Stack, bucket: s3.Bucket) => void, string]>([
    ['an Application Load Balancer\'s access logs (logAccessLogs)', (stack, bucket) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
      new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc }).logAccessLogs(bucket);
    }, 'Elastic Load Balancing access logs of AppStack/Alb/Resource (Application Load Balancer)'],
    ['an Application Load Balancer\'s connection logs (logConnectionLogs)', (stack, bucket) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
      new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc }).logConnectionLogs(bucket);
    }, 'Elastic Load Balancing connection logs of AppStack/Alb/Resource (Application Load Balancer)'],
    ['a Classic Load Balancer\'s access logs', (stack, bucket) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
      new elb.LoadBalancer(stack, 'Clb', { vpc, internetFacing: true, accessLoggingPolicy: { enabled: true, s3BucketName: bucket.bucketName } });
    }, 'Elastic Load Balancing access logs of AppStack/Clb/Resource (Classic Load Balancer)'],
    ['a CloudFront distribution\'s standard logs', (stack, bucket) => {
      new cloudfront.CfnDistribution(stack, 'Distribution', {
        distributionConfig: {
          enabled: true,
          defaultCacheBehavior: { targetOriginId: 'o', viewerProtocolPolicy: 'https-only', forwardedValues: { queryString: false } },
          origins: [{ id: 'o', domainName: 'example.com', customOriginConfig: { originProtocolPolicy: 'https-only' } }],
          logging: { bucket: bucket.bucketRegionalDomainName },
        },
      });
    }, 'CloudFront standard logs of AppStack/Distribution'],
  ])('a bucket receiving %s keeps SSE-S3, with a warning naming the producer', (_name, produce, producer) => {
    const stack = stackOf();
    const logsBucket = new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.S3_MANAGED });
    produce(stack, logsBucket);
    stack.with(new CustomerManagedEncryption());
    Annotations.fromStack(stack).hasWarning('/AppStack/Logs/Resource',
      `AppStack/Logs/Resource receives ${producer}, which AWS delivers only to SSE-S3 buckets, so it keeps SSE-S3. Acknowledge this warning on it. [ack: cdk-kms-encryption:accessLogsTargetNotRetrofitted]`);
    expect(JSON.stringify(bucketNamed(stack, 'Logs'))).not.toMatch(/aws:kms/);
  });

  test('a Network Load Balancer\'s access-logs bucket takes the key: NLB access logs support SSE-KMS', () => {
    const stack = stackOf();
    const logsBucket = new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.S3_MANAGED });
    new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 0 }) }).logAccessLogs(logsBucket);
    stack.with(new CustomerManagedEncryption());
    expect(JSON.stringify(bucketNamed(stack, 'Logs'))).toMatch(/aws:kms/);
  });

  test('warns on a resource type whose key is set at creation (an EBS volume)', () => {
    const stack = stackOf();
    new ec2.Volume(stack, 'Volume', { availabilityZone: `${REGION}a`, size: Size.gibibytes(8) });
    stack.with(new CustomerManagedEncryption());
    Annotations.fromStack(stack).hasWarning('/AppStack/Volume/Resource', Match.stringLikeRegexp(
      '^CustomerManagedEncryption cannot bring AppStack/Volume/Resource \\(AWS::EC2::Volume\\) under a customer-managed key in place: its key is set at creation, and a deployed volume can neither change it nor be replaced by CloudFormation for it\\. .*cdk-kms-encryption:encryptionNotRetrofitted'));
  });

  test('an imported key: the resources use it, and each warns with the statement its key policy needs', () => {
    const stack = stackOf();
    new sqs.Queue(stack, 'Queue');
    const key = kms.Key.fromKeyArn(stack, 'Imported', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    stack.with(new CustomerManagedEncryption({ key }));
    expect(onlyResource(stack, 'AWS::SQS::Queue').Properties.KmsMasterKeyId).toEqual(key.keyArn);
    Annotations.fromStack(stack).hasWarning('/AppStack/Queue/Resource', Match.stringLikeRegexp(
      `The key policy of AppStack/Imported cannot be edited.*"kms:ViaService":"sqs\\.${REGION}\\.amazonaws\\.com".*cdk-kms-encryption:keyPolicyNotEditable`));
  });
});
