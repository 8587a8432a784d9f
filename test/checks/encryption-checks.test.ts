import { Annotations, Aspects, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { check } from './findings';
import { CheckLevel, EncryptionChecks, EncryptionChecksProps } from '../../src/checks';
import { CustomerManagedKey } from '../../src/kms';
import { EncryptedLogGroup } from '../../src/logs';
import { EncryptedBucket } from '../../src/s3';
import { RotatingSecret } from '../../src/secretsmanager';
import { SecureStringParameter } from '../../src/ssm';
import { testStack } from '../util/app';

const P = 'cdk-kms-encryption:';

describe('EncryptionChecks', () => {
  test('lists every rule id', () => {
    expect(EncryptionChecks.RULE_IDS).toEqual([
      `${P}S3BucketKmsCmk`,
      `${P}S3BucketKey`,
      `${P}S3BucketTlsDeny`,
      `${P}LogGroupKmsCmk`,
      `${P}SecretKmsCmk`,
      `${P}SsmParameterSecureString`,
      `${P}KmsKeyRotation`,
      `${P}KmsKeyPolicyPublic`,
      `${P}KmsKeyPolicySize`,
      `${P}SqsQueueKmsCmk`,
      `${P}SnsTopicKmsCmk`,
      `${P}DynamoDbTableKmsCmk`,
      `${P}EbsVolumeKmsCmk`,
      `${P}RdsInstanceKmsCmk`,
      `${P}RdsClusterKmsCmk`,
    ]);
  });

  test('describes every rule: resource type and default level', () => {
    expect(EncryptionChecks.rules().map((rule) => [rule.ruleId.slice(P.length), rule.resourceType, rule.defaultLevel])).toEqual([
      ['S3BucketKmsCmk', 'AWS::S3::Bucket', CheckLevel.ERROR],
      ['S3BucketKey', 'AWS::S3::Bucket', CheckLevel.WARNING],
      ['S3BucketTlsDeny', 'AWS::S3::Bucket', CheckLevel.ERROR],
      ['LogGroupKmsCmk', 'AWS::Logs::LogGroup', CheckLevel.ERROR],
      ['SecretKmsCmk', 'AWS::SecretsManager::Secret', CheckLevel.ERROR],
      ['SsmParameterSecureString', 'AWS::SSM::Parameter', CheckLevel.ERROR],
      ['KmsKeyRotation', 'AWS::KMS::Key', CheckLevel.ERROR],
      ['KmsKeyPolicyPublic', 'AWS::KMS::Key', CheckLevel.ERROR],
      ['KmsKeyPolicySize', 'AWS::KMS::Key', CheckLevel.WARNING],
      ['SqsQueueKmsCmk', 'AWS::SQS::Queue', CheckLevel.ERROR],
      ['SnsTopicKmsCmk', 'AWS::SNS::Topic', CheckLevel.ERROR],
      ['DynamoDbTableKmsCmk', 'AWS::DynamoDB::Table', CheckLevel.ERROR],
      ['EbsVolumeKmsCmk', 'AWS::EC2::Volume', CheckLevel.ERROR],
      ['RdsInstanceKmsCmk', 'AWS::RDS::DBInstance', CheckLevel.ERROR],
      ['RdsClusterKmsCmk', 'AWS::RDS::DBCluster', CheckLevel.ERROR],
    ]);
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

    test('a warning is acknowledged on one resource with its rule id', () => {
      const findings = check((stack) => {
        const key = new CustomerManagedKey(stack, 'Key');
        const acknowledged = new s3.Bucket(stack, 'Acknowledged', { encryptionKey: key, enforceSSL: true });
        // Acknowledged on the bucket, which covers its L1 resource. (Before aws-cdk-lib 2.276 an
        // acknowledgement on the L1 itself did not cover warnings added to it later.)
        Annotations.of(acknowledged).acknowledgeWarning(`${P}S3BucketKey`, 'Few, large objects.');
        new s3.Bucket(stack, 'Other', { encryptionKey: key, enforceSSL: true });
      });
      expect(findings.map((finding) => [finding.ruleId.slice(P.length), finding.path])).toEqual([['S3BucketKey', 'Stack/Other/Resource']]);
    });
  });

  describe('bad configuration fails with one error naming the prop', () => {
    test.each<[string, EncryptionChecksProps, string]>([
      ['unknown disabled rule', { disabledRules: [{ ruleId: 'S3BucketKey', reason: 'cost' }] },
        "[EncryptionChecks] Invalid configuration: `disabledRules` names an unknown rule id 'S3BucketKey'. Use one of EncryptionChecks.RULE_IDS, e.g. 'cdk-kms-encryption:S3BucketKmsCmk'."],
      ['empty reason', { disabledRules: [{ ruleId: `${P}S3BucketKey`, reason: ' ' }] },
        "[EncryptionChecks] Invalid configuration: `disabledRules` must give a `reason` for 'cdk-kms-encryption:S3BucketKey', got ' '. Say why the rule does not apply, for whoever audits the app."],
      ['unknown rule level', { ruleLevels: [{ ruleId: `${P}Nope`, level: CheckLevel.WARNING }] },
        "[EncryptionChecks] Invalid configuration: `ruleLevels` names an unknown rule id 'cdk-kms-encryption:Nope'. Use one of EncryptionChecks.RULE_IDS, e.g. 'cdk-kms-encryption:S3BucketKmsCmk'."],
      ['every problem at once', { disabledRules: [{ ruleId: 'x', reason: '' }], ruleLevels: [{ ruleId: 'y', level: CheckLevel.ERROR }] },
        '[EncryptionChecks] Invalid configuration: '
        + "\n  - `disabledRules` names an unknown rule id 'x'. Use one of EncryptionChecks.RULE_IDS, e.g. 'cdk-kms-encryption:S3BucketKmsCmk'."
        + "\n  - `disabledRules` must give a `reason` for 'x', got ''. Say why the rule does not apply, for whoever audits the app."
        + "\n  - `ruleLevels` names an unknown rule id 'y'. Use one of EncryptionChecks.RULE_IDS, e.g. 'cdk-kms-encryption:S3BucketKmsCmk'."],
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

  test('a plain-L2 app with the usual defaults gives many findings', () => {
    // GIVEN the resources as most apps define them
    const findings = check((stack) => {
      new s3.Bucket(stack, 'Bucket');
      new logs.LogGroup(stack, 'LogGroup');
      new secretsmanager.Secret(stack, 'Secret');
      new sqs.Queue(stack, 'Queue');
      new sns.Topic(stack, 'Topic');
      new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
      new kms.Key(stack, 'Key');
      new ssm.StringParameter(stack, 'ApiToken', { stringValue: 'not-really' });
    });

    // THEN every resource is reported
    expect(findings.map((finding) => [finding.path, finding.ruleId.slice(P.length), finding.level])).toEqual([
      ['Stack/Bucket/Resource', 'S3BucketKmsCmk', 'error'],
      ['Stack/Bucket/Resource', 'S3BucketTlsDeny', 'error'],
      ['Stack/LogGroup/Resource', 'LogGroupKmsCmk', 'error'],
      ['Stack/Secret/Resource', 'SecretKmsCmk', 'error'],
      ['Stack/Queue/Resource', 'SqsQueueKmsCmk', 'error'],
      ['Stack/Topic/Resource', 'SnsTopicKmsCmk', 'error'],
      ['Stack/Table/Resource', 'DynamoDbTableKmsCmk', 'error'],
      ['Stack/Key/Resource', 'KmsKeyRotation', 'error'],
      ['Stack/ApiToken/Resource', 'SsmParameterSecureString', 'error'],
    ]);
  });

  test("the same resources made with this library's constructs (and a CustomerManagedKey elsewhere) give none", () => {
    const findings = check((stack) => {
      const key = new CustomerManagedKey(stack, 'Key');
      new EncryptedBucket(stack, 'Bucket');
      new EncryptedLogGroup(stack, 'LogGroup');
      new RotatingSecret(stack, 'Secret');
      new SecureStringParameter(stack, 'ApiToken');
      new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key, enforceSSL: true });
      new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
      new dynamodb.Table(stack, 'Table', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: key,
      });
    });
    expect(findings).toEqual([]);
  });
});
