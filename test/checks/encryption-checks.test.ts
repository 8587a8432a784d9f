import * as fs from 'fs';
import * as path from 'path';
import { Aspects, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { version as CDK_VERSION } from 'aws-cdk-lib/package.json';
import { check, findingsOf } from './findings';
import { CheckLevel, EncryptionChecks, EncryptionChecksProps } from '../../src/checks';
import { KEY_PROPERTY_ROWS } from '../../src/checks/private/key-coverage/key-property-rows';
import { ruleNameOf } from '../../src/checks/private/key-coverage/key-rows';
import { CustomerManagedKey } from '../../src/kms';
import { EncryptedLogGroup } from '../../src/logs';
import { EncryptedBucket } from '../../src/s3';
import { RotatingSecret } from '../../src/secretsmanager';
import { SecureStringParameter } from '../../src/ssm';
import { testApp, testStack } from '../util/app';

const P = 'cdk-kms-encryption::';

/** Every rule: name, resource types, default level. */
const RULES: Array<[string, string[], CheckLevel]> = [
  ['S3BucketKmsCmk', ['AWS::S3::Bucket'], CheckLevel.ERROR],
  ['S3BucketKey', ['AWS::S3::Bucket'], CheckLevel.WARNING],
  ['S3BucketTlsDeny', ['AWS::S3::Bucket'], CheckLevel.ERROR],
  ['LogGroupKmsCmk', ['AWS::Logs::LogGroup'], CheckLevel.ERROR],
  ['LambdaLogGroupKmsCmk', ['AWS::Lambda::Function'], CheckLevel.WARNING],
  ['LambdaEnvironmentKmsCmk', ['AWS::Lambda::Function'], CheckLevel.ERROR],
  ['SecretKmsCmk', ['AWS::SecretsManager::Secret'], CheckLevel.ERROR],
  ['SsmParameterSecureString', ['AWS::SSM::Parameter'], CheckLevel.ERROR],
  ['KmsKeyRotation', ['AWS::KMS::Key'], CheckLevel.ERROR],
  ['KmsKeyPolicyPublic', ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'], CheckLevel.ERROR],
  ['KmsKeyPolicySize', ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'], CheckLevel.WARNING],
  ['IamPolicyKmsDecryptAllKeys', ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::GroupPolicy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'], CheckLevel.WARNING],
  ['SqsQueueKmsCmk', ['AWS::SQS::Queue'], CheckLevel.ERROR],
  ['SnsTopicKmsCmk', ['AWS::SNS::Topic'], CheckLevel.ERROR],
  ['DynamoDbTableKmsCmk', ['AWS::DynamoDB::Table'], CheckLevel.ERROR],
  ['DynamoDbGlobalTableKmsCmk', ['AWS::DynamoDB::GlobalTable'], CheckLevel.ERROR],
  ['KinesisStreamKmsCmk', ['AWS::Kinesis::Stream'], CheckLevel.ERROR],
  ['FirehoseDeliveryStreamKmsCmk', ['AWS::KinesisFirehose::DeliveryStream'], CheckLevel.ERROR],
  ['EbsVolumeKmsCmk', ['AWS::EC2::Volume'], CheckLevel.ERROR],
  ['EbsBlockDeviceKmsCmk', ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', 'AWS::AutoScaling::LaunchConfiguration'], CheckLevel.ERROR],
  ['RdsInstanceKmsCmk', ['AWS::RDS::DBInstance'], CheckLevel.ERROR],
  ['RdsClusterKmsCmk', ['AWS::RDS::DBCluster'], CheckLevel.ERROR],
  ['EfsFileSystemKmsCmk', ['AWS::EFS::FileSystem'], CheckLevel.ERROR],
  ['ElastiCacheReplicationGroupKmsCmk', ['AWS::ElastiCache::ReplicationGroup'], CheckLevel.ERROR],
  ['ElastiCacheServerlessKmsCmk', ['AWS::ElastiCache::ServerlessCache'], CheckLevel.ERROR],
  ['OpenSearchDomainKmsCmk', ['AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain'], CheckLevel.ERROR],
  ['BackupVaultKmsCmk', ['AWS::Backup::BackupVault'], CheckLevel.ERROR],
  ['CloudTrailKmsCmk', ['AWS::CloudTrail::Trail'], CheckLevel.ERROR],
  ['StepFunctionsStateMachineKmsCmk', ['AWS::StepFunctions::StateMachine'], CheckLevel.ERROR],
  ['SecretRotation', ['AWS::SecretsManager::Secret'], CheckLevel.ERROR],
  ['SqsQueueTlsDeny', ['AWS::SQS::Queue'], CheckLevel.ERROR],
  ['SnsTopicTlsDeny', ['AWS::SNS::Topic'], CheckLevel.ERROR],
  ['KmsKeyRsaLength', ['AWS::KMS::Key'], CheckLevel.ERROR],
  ['KmsKeyGrantsForAwsServices', ['AWS::KMS::Key'], CheckLevel.ERROR],
  // One rule per data row of the coverage (test/checks/coverage-rules.test.ts).
  ...KEY_PROPERTY_ROWS.map((row): [string, string[], CheckLevel] => [ruleNameOf(row.resourceType), [row.resourceType], CheckLevel.ERROR]),
];

describe('EncryptionChecks', () => {
  test('lists every rule id, in the namespace acknowledgements use', () => {
    expect(EncryptionChecks.RULE_IDS).toEqual(RULES.map(([name]) => `${P}${name}`));
    expect(new EncryptionChecks().ruleIds).toEqual(EncryptionChecks.RULE_IDS);
  });

  test('describes every rule: resource types and default level', () => {
    expect(EncryptionChecks.rules().map((rule) => [rule.ruleId.slice(P.length), rule.resourceTypes, rule.defaultLevel])).toEqual(RULES);
    expect(EncryptionChecks.rules().every((rule) => rule.description.length > 0)).toBe(true);
  });

  describe('levels and disabled rules', () => {
    // GIVEN a plain bucket: SSE-S3 and no TLS deny (two error rules)
    const plainBucket = (props?: EncryptionChecksProps) => check((stack) => new s3.Bucket(stack, 'Bucket'), props)
      .map((finding) => [finding.ruleId.slice(P.length), finding.level]);

    test('defaults: each rule reports at its own level', () => {
      expect(plainBucket()).toEqual([['S3BucketKmsCmk', 'error'], ['S3BucketTlsDeny', 'error']]);
    });

    test('`level` sets every rule', () => {
      expect(plainBucket({ level: CheckLevel.WARNING })).toEqual([['S3BucketKmsCmk', 'warning'], ['S3BucketTlsDeny', 'warning']]);
    });

    test('`ruleLevels` sets one rule, and wins over `level`', () => {
      expect(plainBucket({ level: CheckLevel.WARNING, ruleLevels: [{ ruleId: `${P}S3BucketTlsDeny`, level: CheckLevel.ERROR }] }))
        .toEqual([['S3BucketKmsCmk', 'warning'], ['S3BucketTlsDeny', 'error']]);
    });

    test('`disabledRules` switches a rule off', () => {
      expect(plainBucket({ disabledRules: [{ ruleId: `${P}S3BucketTlsDeny`, reason: 'Served through CloudFront with an OAC only.' }] }))
        .toEqual([['S3BucketKmsCmk', 'error']]);
    });

    // aws-cdk-lib before 2.276 applies an acknowledgement of a plugin's finding to that rule's findings
    // everywhere in the app (seen on the 2.269 floor: Stack/Other acknowledged at Stack/Acknowledged).
    const scopedAcknowledgements = Number(CDK_VERSION.split('.')[1]) >= 276;
    (scopedAcknowledgements ? test : test.skip)('a finding is acknowledged on one resource (or a scope above it) with its rule id', () => {
      const findings = check((stack) => {
        const key = new CustomerManagedKey(stack, 'Key');
        const acknowledged = new s3.Bucket(stack, 'Acknowledged', { encryptionKey: key, enforceSSL: true });
        Validations.of(acknowledged).acknowledge({ id: `${P}S3BucketKey`, reason: 'Few, large objects.' });
        new s3.Bucket(stack, 'Other', { encryptionKey: key, enforceSSL: true });
      });
      expect(findings.map((finding) => [finding.ruleId.slice(P.length), finding.path])).toEqual([['S3BucketKey', 'Stack/Other/Resource']]);
    });

    test('an error is acknowledged too, and synthesis then succeeds', () => {
      const app = testApp();
      const stack = testStack('Stack', {}, app);
      new sqs.Queue(stack, 'Queue', { enforceSSL: true });
      Validations.of(stack).acknowledge({ id: `${P}SqsQueueKmsCmk`, reason: 'Holds only public events.' });
      Validations.of(app).addPlugins(new EncryptionChecks());
      expect(() => app.synth()).not.toThrow();

      // THEN the report keeps it, with the reason, for whoever audits the app
      const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
      expect(report.pluginReports[0].suppressedViolations.map((violation: any) => [violation.ruleName, violation.reason, violation.acknowledgedAt]))
        .toEqual([[`${P}SqsQueueKmsCmk`, 'Holds only public events.', 'Stack']]);
    });
  });

  describe('bad configuration fails with one error naming the prop', () => {
    test.each<[string, EncryptionChecksProps, string]>([
      ['unknown disabled rule', { disabledRules: [{ ruleId: 'S3BucketKey', reason: 'cost' }] },
        "[EncryptionChecks] Invalid configuration: `disabledRules` names an unknown rule id 'S3BucketKey'. Use one of EncryptionChecks.RULE_IDS, e.g. 'cdk-kms-encryption::S3BucketKmsCmk'."],
      ['empty reason', { disabledRules: [{ ruleId: `${P}S3BucketKey`, reason: ' ' }] },
        "[EncryptionChecks] Invalid configuration: `disabledRules` must give a `reason` for 'cdk-kms-encryption::S3BucketKey', got ' '. Say why the rule does not apply, for whoever audits the app."],
      ['unknown rule level', { ruleLevels: [{ ruleId: `${P}Nope`, level: CheckLevel.WARNING }] },
        "[EncryptionChecks] Invalid configuration: `ruleLevels` names an unknown rule id 'cdk-kms-encryption::Nope'. Use one of EncryptionChecks.RULE_IDS, e.g. 'cdk-kms-encryption::S3BucketKmsCmk'."],
      ['a rule id of the aspect (one colon)', { disabledRules: [{ ruleId: 'cdk-kms-encryption:S3BucketKey', reason: 'cost' }] },
        "[EncryptionChecks] Invalid configuration: `disabledRules` names an unknown rule id 'cdk-kms-encryption:S3BucketKey'. Use 'cdk-kms-encryption::S3BucketKey'."],
      ['every problem at once', { disabledRules: [{ ruleId: 'x', reason: '' }], ruleLevels: [{ ruleId: 'y', level: CheckLevel.ERROR }] },
        '[EncryptionChecks] Invalid configuration: '
        + "\n  - `disabledRules` names an unknown rule id 'x'. Use one of EncryptionChecks.RULE_IDS, e.g. 'cdk-kms-encryption::S3BucketKmsCmk'."
        + "\n  - `disabledRules` must give a `reason` for 'x', got ''. Say why the rule does not apply, for whoever audits the app."
        + "\n  - `ruleLevels` names an unknown rule id 'y'. Use one of EncryptionChecks.RULE_IDS, e.g. 'cdk-kms-encryption::S3BucketKmsCmk'."],
    ])('%s', (_case, props, message) => {
      expect(() => new EncryptionChecks(props)).toThrow(message);
      expect(() => new EncryptionChecks(props)).toThrow(expect.objectContaining({ message }));
    });
  });

  test('only reads: the template is the same with and without the checks', () => {
    // GIVEN two identical compliant stacks
    const build = (stack: Stack) => {
      const key = new CustomerManagedKey(stack, 'Key');
      new s3.Bucket(stack, 'Bucket', { encryptionKey: key, bucketKeyEnabled: true, enforceSSL: true });
    };
    const plain = testStack();
    build(plain);
    const checked = testStack();
    build(checked);

    // WHEN
    Aspects.of(checked).add(new EncryptionChecks());

    // THEN
    expect(Template.fromStack(checked).toJSON()).toEqual(Template.fromStack(plain).toJSON());
  });

  describe('a plain aws-cdk-lib app against the same resources built with this library', () => {
    const partitionKey = { name: 'id', type: dynamodb.AttributeType.STRING };
    // Without the default security group's custom resource, whose handler logs to an implicit log group.
    const vpc = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', {
      natGateways: 0, restrictDefaultSecurityGroup: false, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
    });
    const instanceProps = (stack: Stack) => ({
      vpc: vpc(stack),
      instanceType: new ec2.InstanceType('t4g.micro'),
      machineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-12345678' }),
    });
    const code = lambda.Code.fromInline('exports.handler = async () => {};');

    test('every unencrypted resource is in validation-report.json', () => {
      // GIVEN the resources as most apps define them
      const findings = check((stack) => {
        new s3.Bucket(stack, 'Bucket');
        new logs.LogGroup(stack, 'LogGroup');
        new secretsmanager.Secret(stack, 'Secret');
        new sqs.Queue(stack, 'Queue');
        new sns.Topic(stack, 'Topic');
        new dynamodb.Table(stack, 'Table', { partitionKey });
        new dynamodb.TableV2(stack, 'TableV2', { partitionKey });
        new ec2.Instance(stack, 'Instance', instanceProps(stack));
        new lambda.Function(stack, 'Function', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code, environment: { API_TOKEN: 'not-really' } });
        new kms.Key(stack, 'Key');
        new ssm.StringParameter(stack, 'ApiToken', { stringValue: 'not-really' });
      });

      // THEN every resource is reported, at the level of its rule
      expect(findings.map((finding) => [finding.path, finding.ruleId.slice(P.length), finding.level]).sort(byPathAndRule)).toEqual([
        ['Stack/Bucket/Resource', 'S3BucketKmsCmk', 'error'],
        ['Stack/Bucket/Resource', 'S3BucketTlsDeny', 'error'],
        ['Stack/LogGroup/Resource', 'LogGroupKmsCmk', 'error'],
        ['Stack/Secret/Resource', 'SecretKmsCmk', 'error'],
        ['Stack/Secret/Resource', 'SecretRotation', 'error'],
        ['Stack/Queue/Resource', 'SqsQueueKmsCmk', 'error'],
        ['Stack/Queue/Resource', 'SqsQueueTlsDeny', 'error'],
        ['Stack/Topic/Resource', 'SnsTopicKmsCmk', 'error'],
        ['Stack/Topic/Resource', 'SnsTopicTlsDeny', 'error'],
        ['Stack/Table/Resource', 'DynamoDbTableKmsCmk', 'error'],
        ['Stack/TableV2/Resource', 'DynamoDbGlobalTableKmsCmk', 'error'],
        ['Stack/Instance/Resource', 'EbsBlockDeviceKmsCmk', 'error'],
        // Under the recommended flags, lambda.Function defines its log group, without a key.
        ['Stack/Function/Resource', 'LambdaEnvironmentKmsCmk', 'error'],
        ['Stack/Function/LogGroup/Resource', 'LogGroupKmsCmk', 'error'],
        ['Stack/Key/Resource', 'KmsKeyRotation', 'error'],
        ['Stack/Key/Resource', 'KmsKeyGrantsForAwsServices', 'error'],
        ['Stack/ApiToken/Resource', 'SsmParameterSecureString', 'error'],
      ].sort(byPathAndRule));
    });

    test("built with this library's constructs and a CustomerManagedKey, they give none", () => {
      const findings = check((stack) => {
        const key = new CustomerManagedKey(stack, 'Key');
        new EncryptedBucket(stack, 'Bucket');
        new EncryptedLogGroup(stack, 'LogGroup');
        new RotatingSecret(stack, 'Secret');
        new SecureStringParameter(stack, 'ApiToken');
        new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key, enforceSSL: true });
        new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
        new dynamodb.Table(stack, 'Table', { partitionKey, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key });
        new dynamodb.TableV2(stack, 'TableV2', { partitionKey, encryption: dynamodb.TableEncryptionV2.customerManagedKey(key) });
        new ec2.Instance(stack, 'Instance', {
          ...instanceProps(stack),
          blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, kmsKey: key }) }],
        });
        new lambda.Function(stack, 'Function', {
          runtime: lambda.Runtime.NODEJS_22_X,
          handler: 'index.handler',
          code,
          environment: { API_TOKEN: 'not-really' },
          environmentEncryption: key,
          logGroup: new EncryptedLogGroup(stack, 'FunctionLogs', { encryptionKey: key }),
        });
      });
      expect(findings).toEqual([]);
    });
  });

  describe('the aspect form', () => {
    test('registers the plugin once and judges only the scopes it was added to', () => {
      // GIVEN two stacks with an SSE-S3 bucket each, and a third left alone
      const app = testApp();
      const stacks = ['First', 'Second', 'Unchecked'].map((id) => testStack(id, {}, app));
      stacks.forEach((stack) => new s3.Bucket(stack, 'Bucket', { enforceSSL: true }));

      // WHEN
      const findings = findingsOf(app, {}, (checks) => stacks.slice(0, 2).forEach((stack) => Aspects.of(stack).add(checks)));

      // THEN
      expect(findings.map((finding) => [finding.path, finding.ruleId.slice(P.length)])).toEqual([
        ['First/Bucket/Resource', 'S3BucketKmsCmk'],
        ['Second/Bucket/Resource', 'S3BucketKmsCmk'],
      ]);
    });
  });
});

function byPathAndRule(a: string[], b: string[]): number {
  return `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`);
}
