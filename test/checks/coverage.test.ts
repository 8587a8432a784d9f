/**
 * Fixtures for the resource types beyond S3, logs, secrets, parameters, keys, SQS, SNS, DynamoDB
 * tables, EBS volumes and RDS (see rules.test.ts), and for how values are resolved across the
 * assembly: nested stacks, other stacks, parameters, imports and overrides.
 */
import { App, CfnParameter, Fn, NestedStack, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { findingsOf, findingsOfRule } from './findings';
import { CustomerManagedKey } from '../../src/kms';
import { EncryptedLogGroup } from '../../src/logs';
import { testApp, testStack } from '../util/app';

const P = 'cdk-kms-encryption::';
const NOT_CHECKED = (what: string) =>
  `Could not be checked: ${what} is only known at deploy time (a parameter, an import or another token). Make sure it complies, then acknowledge this finding.`;
const EBS_FIX = 'Set `encrypted: true` and `kmsKey` to a CustomerManagedKey on every EBS block device (`BlockDeviceVolume.ebs(size, { encrypted: true, kmsKey })`).';

type Build = (stack: Stack) => void;
const key = (stack: Stack) => new CustomerManagedKey(stack, 'Key');
const code = lambda.Code.fromInline('exports.handler = async () => {};');
const cfnFunction = (stack: Stack, props: Partial<lambda.CfnFunctionProps>) => new lambda.CfnFunction(stack, 'R', {
  role: 'arn:aws:iam::111111111111:role/handler', runtime: 'nodejs22.x', handler: 'index.handler', code: { zipFile: 'x' }, ...props,
});
const chain = (stack: Stack) => sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass'));

describe('non-compliant resources are reported with the fix', () => {
  test.each<[string, string, Build, string, string, string]>([
    ['DynamoDbGlobalTableKmsCmk', 'TableV2 with aws/dynamodb (awsManagedKey)', (s) => new dynamodb.TableV2(s, 'R', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    }), 'error', 'Stack/R/Resource',
    "The global table's replica in eu-west-1 is not encrypted with a customer-managed key: DynamoDB uses the AWS managed key aws/dynamodb. Set `encryption: TableEncryptionV2.customerManagedKey(key)` with a CustomerManagedKey (and a key for each replica Region)."],
    ['KinesisStreamKmsCmk', 'unencrypted L1 stream', (s) => new kinesis.CfnStream(s, 'R', { shardCount: 1 }), 'error', 'Stack/R',
      'The stream is not encrypted with a customer-managed key: it has no server-side encryption. Set `encryption: StreamEncryption.KMS` and `encryptionKey` to a CustomerManagedKey.'],
    ['KinesisStreamKmsCmk', 'alias/aws/kinesis (MANAGED)', (s) => new kinesis.Stream(s, 'R', { encryption: kinesis.StreamEncryption.MANAGED }), 'error', 'Stack/R/Resource',
      'The stream is encrypted with an AWS managed key, not a customer-managed key. Set `encryption: StreamEncryption.KMS` and `encryptionKey` to a CustomerManagedKey.'],
    ['FirehoseDeliveryStreamKmsCmk', 'Direct PUT with an AWS owned key', (s) => new firehose.DeliveryStream(s, 'R', {
      destination: new firehose.S3Bucket(s3.Bucket.fromBucketName(s, 'B', 'destination')), encryption: firehose.StreamEncryption.awsOwnedKey(),
    }), 'error', 'Stack/R/Resource',
    'The delivery stream is not encrypted with a customer-managed key: Firehose uses a key AWS owns. Set `encryption: StreamEncryption.customerManagedKey(key)` with a CustomerManagedKey.'],
    ['EbsBlockDeviceKmsCmk', 'launch template without block devices', (s) => new ec2.CfnLaunchTemplate(s, 'R', { launchTemplateData: { imageId: 'ami-12345678' } }),
      'error', 'Stack/R', `The launch template has no EBS block device mapping, so its root volume is encrypted (or not) as the AMI or the account's EBS default says. ${EBS_FIX}`],
    ['EbsBlockDeviceKmsCmk', 'an unencrypted instance volume', (s) => new ec2.CfnInstance(s, 'R', {
      imageId: 'ami-12345678', blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 8 } }],
    }), 'error', 'Stack/R', `The instance's EBS block device is not encrypted (\`BlockDeviceMappings.Ebs.Encrypted\` is not true). ${EBS_FIX}`],
    ['EbsBlockDeviceKmsCmk', 'launch configuration', (s) => new autoscaling.CfnLaunchConfiguration(s, 'R', {
      imageId: 'ami-12345678', instanceType: 't4g.micro', blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { encrypted: true } }],
    }), 'error', 'Stack/R',
    "The launch configuration's volumes cannot name a KMS key: encrypted, they use the account's default EBS key. Use a launch template, and set `encrypted: true` and `kmsKey` to a CustomerManagedKey on every EBS block device (`BlockDeviceVolume.ebs(size, { encrypted: true, kmsKey })`)."],
    ['LambdaEnvironmentKmsCmk', 'a secret-looking variable without a key', (s) => cfnFunction(s, { environment: { variables: { DB_PASSWORD: 'x' } } }), 'error', 'Stack/R',
      'The function\'s environment (variable DB_PASSWORD) is not encrypted with a customer-managed key: Lambda uses the AWS managed key aws/lambda. Set `environmentEncryption` to a CustomerManagedKey, or keep the value in a RotatingSecret and pass its ARN.'],
    ['LambdaLogGroupKmsCmk', 'a named function whose log group is not in the app', (s) => cfnFunction(s, { functionName: 'orders' }), 'warning', 'Stack/R',
      "The function has no log group, so Lambda writes to '/aws/lambda/<function name>', which it creates without a customer-managed key. Set `logGroup` to an EncryptedLogGroup."],
    ['EfsFileSystemKmsCmk', 'an unencrypted L1 file system', (s) => new efs.CfnFileSystem(s, 'R', {}), 'error', 'Stack/R',
      'The file system is not encrypted (`Encrypted` is not true). Set `encrypted: true` and `kmsKey` to a CustomerManagedKey.'],
    ['EfsFileSystemKmsCmk', 'efs.FileSystem with aws/elasticfilesystem', (s) => new efs.FileSystem(s, 'R', { vpc: new ec2.Vpc(s, 'Vpc', { natGateways: 0 }) }),
      'error', 'Stack/R/Resource',
      'The file system is not encrypted with a customer-managed key: EFS uses the AWS managed key aws/elasticfilesystem. Set `encrypted: true` and `kmsKey` to a CustomerManagedKey.'],
    ['ElastiCacheReplicationGroupKmsCmk', 'at-rest encryption off', (s) => new elasticache.CfnReplicationGroup(s, 'R', { replicationGroupDescription: 'cache' }), 'error', 'Stack/R',
      'The replication group is not encrypted (`AtRestEncryptionEnabled` is not true). Set `atRestEncryptionEnabled: true` and `kmsKeyId` to a CustomerManagedKey.'],
    ['ElastiCacheServerlessKmsCmk', 'no key', (s) => new elasticache.CfnServerlessCache(s, 'R', { engine: 'valkey', serverlessCacheName: 'cache' }), 'error', 'Stack/R',
      'The serverless cache is not encrypted with a customer-managed key: ElastiCache uses a key AWS owns. Set `kmsKeyId` to a CustomerManagedKey.'],
    ['OpenSearchDomainKmsCmk', 'encryption at rest with aws/es', (s) => new opensearch.Domain(s, 'R', {
      version: opensearch.EngineVersion.OPENSEARCH_2_17, encryptionAtRest: { enabled: true },
    }), 'error', 'Stack/R/Resource',
    'The domain is not encrypted with a customer-managed key: OpenSearch uses the AWS managed key aws/es. Set `encryptionAtRest: { enabled: true, kmsKey }` with a CustomerManagedKey.'],
    ['BackupVaultKmsCmk', 'default vault (aws/backup)', (s) => new backup.BackupVault(s, 'R'), 'error', 'Stack/R/Resource',
      'The backup vault is not encrypted with a customer-managed key: AWS Backup uses the AWS managed key aws/backup. Set `encryptionKey` to a CustomerManagedKey.'],
    ['CloudTrailKmsCmk', 'trail without a key (SSE-S3)', (s) => new cloudtrail.CfnTrail(s, 'R', { isLogging: true, s3BucketName: 'trail-bucket' }), 'error', 'Stack/R',
      'The trail is not encrypted with a customer-managed key: its log files are encrypted with SSE-S3. Set `encryptionKey` to a CustomerManagedKey.'],
    ['StepFunctionsStateMachineKmsCmk', 'default state machine (AWS owned key)', (s) => new sfn.StateMachine(s, 'R', { definitionBody: chain(s) }), 'error', 'Stack/R/Resource',
      'The state machine is not encrypted with a customer-managed key: Step Functions uses a key AWS owns. Set `encryptionConfiguration` to a `CustomerManagedEncryptionConfiguration` with a CustomerManagedKey.'],
  ])('%s: %s', (ruleId, _case, build, level, path, message) => {
    expect(findingsOfRule(ruleId, build)).toEqual([[level, path, message]]);
  });
});

describe('compliant resources are not reported', () => {
  test.each<[string, string, Build]>([
    ['DynamoDbGlobalTableKmsCmk', 'TableV2 with a CustomerManagedKey', (s) => new dynamodb.TableV2(s, 'R', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, encryption: dynamodb.TableEncryptionV2.customerManagedKey(key(s)),
    })],
    ['KinesisStreamKmsCmk', 'a CustomerManagedKey', (s) => new kinesis.Stream(s, 'R', { encryption: kinesis.StreamEncryption.KMS, encryptionKey: key(s) })],
    ['FirehoseDeliveryStreamKmsCmk', 'a CustomerManagedKey', (s) => new firehose.DeliveryStream(s, 'R', {
      destination: new firehose.S3Bucket(s3.Bucket.fromBucketName(s, 'B', 'destination')), encryption: firehose.StreamEncryption.customerManagedKey(key(s)),
    })],
    ['FirehoseDeliveryStreamKmsCmk', 'a Kinesis stream source, judged by the stream', (s) => new firehose.DeliveryStream(s, 'R', {
      source: new firehose.KinesisStreamSource(new kinesis.Stream(s, 'Source', { encryption: kinesis.StreamEncryption.KMS, encryptionKey: key(s) })),
      destination: new firehose.S3Bucket(s3.Bucket.fromBucketName(s, 'B', 'destination')),
    })],
    ['EbsBlockDeviceKmsCmk', 'a launch template volume with a CustomerManagedKey', (s) => new ec2.LaunchTemplate(s, 'R', {
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, kmsKey: key(s) }) }],
    })],
    ['LambdaEnvironmentKmsCmk', 'a variable that names a secret (a reference)', (s) => cfnFunction(s, { environment: { variables: { DB_SECRET_ARN: 'arn' } } })],
    ['LambdaEnvironmentKmsCmk', 'a secret-looking variable with a CustomerManagedKey', (s) => new lambda.Function(s, 'R', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code, environment: { API_TOKEN: 'x' }, environmentEncryption: key(s),
    })],
    ['LambdaLogGroupKmsCmk', 'logGroup set', (s) => new lambda.Function(s, 'R', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code, logGroup: new EncryptedLogGroup(s, 'Logs'),
    })],
    ['LambdaLogGroupKmsCmk', 'a log group named /aws/lambda/<function name> in the app', (s) => {
      const fn = cfnFunction(s, {});
      new logs.LogGroup(s, 'Logs', { logGroupName: `/aws/lambda/${fn.ref}`, encryptionKey: key(s) });
    }],
    ['LambdaLogGroupKmsCmk', 'a literal name, with the log group of that name in the app', (s) => {
      cfnFunction(s, { functionName: 'orders' });
      new logs.LogGroup(s, 'Logs', { logGroupName: '/aws/lambda/orders', encryptionKey: key(s) });
    }],
    ['EfsFileSystemKmsCmk', 'a CustomerManagedKey', (s) => new efs.FileSystem(s, 'R', { vpc: new ec2.Vpc(s, 'Vpc', { natGateways: 0 }), kmsKey: key(s) })],
    ['ElastiCacheReplicationGroupKmsCmk', 'a CustomerManagedKey', (s) => new elasticache.CfnReplicationGroup(s, 'R', {
      replicationGroupDescription: 'cache', atRestEncryptionEnabled: true, kmsKeyId: key(s).keyId,
    })],
    ['OpenSearchDomainKmsCmk', 'a CustomerManagedKey', (s) => new opensearch.Domain(s, 'R', {
      version: opensearch.EngineVersion.OPENSEARCH_2_17, encryptionAtRest: { enabled: true, kmsKey: key(s) },
    })],
    ['BackupVaultKmsCmk', 'a CustomerManagedKey', (s) => new backup.BackupVault(s, 'R', { encryptionKey: key(s) })],
    ['CloudTrailKmsCmk', 'a CustomerManagedKey', (s) => new cloudtrail.CfnTrail(s, 'R', { isLogging: true, s3BucketName: 'trail-bucket', kmsKeyId: key(s).keyArn })],
    ['StepFunctionsStateMachineKmsCmk', 'a CustomerManagedKey', (s) => new sfn.StateMachine(s, 'R', {
      definitionBody: chain(s), encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(key(s)),
    })],
  ])('%s: %s', (ruleId, _case, build) => {
    expect(findingsOfRule(ruleId, build)).toEqual([]);
  });
});

describe('values are resolved across the assembly', () => {
  const queueFindings = (app: App) => findingsOf(app).filter((finding) => finding.ruleId === `${P}SqsQueueKmsCmk`).map((finding) => [finding.level, finding.path]);

  test('a key of the parent passed to a nested stack is customer-managed', () => {
    const app = testApp();
    const parent = testStack('Stack', {}, app);
    const parentKey = key(parent);
    new sqs.Queue(new NestedStack(parent, 'Nested'), 'Queue', { encryptionMasterKey: parentKey, enforceSSL: true });
    expect(queueFindings(app)).toEqual([]);
  });

  test('a queue in a nested stack without a key is reported with its construct path', () => {
    const app = testApp();
    new sqs.Queue(new NestedStack(testStack('Stack', {}, app), 'Nested'), 'Queue', { encryption: sqs.QueueEncryption.SQS_MANAGED });
    expect(queueFindings(app)).toEqual([['error', 'Stack/Nested/Queue/Resource']]);
  });

  test('a key in another stack, through a strong reference (Fn::ImportValue), is customer-managed', () => {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS, '@aws-cdk/core:defaultCrossStackReferences': 'strong' } });
    const producer = testStack('Producer', {}, app);
    new sqs.Queue(testStack('Stack', {}, app), 'Queue', { encryptionMasterKey: key(producer), enforceSSL: true });
    expect(queueFindings(app)).toEqual([]);
    expect(JSON.stringify(app.synth().getStackByName('Stack').template)).toContain('Fn::ImportValue');
  });

  test.each<[string, (stack: Stack) => kms.IKey]>([
    ['a CfnParameter', (s) => kms.Key.fromKeyArn(s, 'K', new CfnParameter(s, 'KeyArn').valueAsString)],
    ['an import from outside the app', (s) => kms.Key.fromKeyArn(s, 'K', Fn.importValue('SharedKeyArn'))],
  ])('a key from %s could not be checked (a warning, never a pass)', (_case, imported) => {
    const app = testApp();
    const stack = testStack('Stack', {}, app);
    new sqs.Queue(stack, 'Queue', { encryptionMasterKey: imported(stack) });
    expect(findingsOf(app).filter((finding) => finding.ruleId === `${P}SqsQueueKmsCmk`).map((finding) => [finding.level, finding.message]))
      .toEqual([['warning', NOT_CHECKED("the queue's `KmsMasterKeyId`")]]);
  });

  test('an override that removes the key is seen', () => {
    expect(findingsOfRule('SqsQueueKmsCmk', (s) => {
      const queue = new sqs.Queue(s, 'R', { encryptionMasterKey: key(s) });
      (queue.node.defaultChild as sqs.CfnQueue).addPropertyDeletionOverride('KmsMasterKeyId');
    }).map(([level, path]) => [level, path])).toEqual([['error', 'Stack/R/Resource']]);
  });
});

describe('the other side of truth-table rows', () => {
  const cfnInstance = (stack: Stack, props: Partial<rds.CfnDBInstanceProps>) => new rds.CfnDBInstance(stack, 'R', { dbInstanceClass: 'db.t4g.micro', ...props });

  test.each<[string, string, Build, Array<[string, string, string]>]>([
    ['RdsInstanceKmsCmk', 'a read replica of a source in the app, without a key, is judged by its source', (s) => {
      const source = new rds.CfnDBInstance(s, 'Source', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', storageEncrypted: true, kmsKeyId: key(s).keyArn });
      cfnInstance(s, { sourceDbInstanceIdentifier: source.ref });
    }, []],
    ['RdsInstanceKmsCmk', 'a read replica of a source outside the app, without a key', (s) => cfnInstance(s, { sourceDbInstanceIdentifier: 'arn:aws:rds:eu-central-1:111111111111:db:source' }),
      [['warning', 'Stack/R', NOT_CHECKED("the read replica's source (`SourceDBInstanceIdentifier`) encryption")]]],
    ['RdsInstanceKmsCmk', 'a read replica of a source outside the app, with a CustomerManagedKey', (s) => cfnInstance(s, {
      sourceDbInstanceIdentifier: 'arn:aws:rds:eu-central-1:111111111111:db:source', kmsKeyId: key(s).keyArn,
    }), []],
    ['S3BucketTlsDeny', 'a policy for another bucket does not count, even when its resources name this one', (s) => {
      const bucket = new s3.Bucket(s, 'R', { encryptionKey: key(s), bucketKeyEnabled: true });
      new s3.CfnBucketPolicy(s, 'Policy', {
        bucket: new s3.Bucket(s, 'Other', { enforceSSL: true }).bucketName,
        policyDocument: {
          Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucket.bucketArn, bucket.arnForObjects('*')], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
        },
      });
    }, [
      // The other bucket now has two policies (its enforceSSL one and this one): a bucket keeps one.
      ['error', 'Stack/R/Resource', "No bucket policy denies requests over plain HTTP on this bucket and all its objects. Use EncryptedBucket, or set `enforceSSL: true`, or add a statement that denies s3:* to everyone on the bucket's ARN and `<bucket ARN>/*` when aws:SecureTransport is false."],
      ['error', 'Stack/Other/Resource', "The bucket has 2 bucket policies (Stack/Other/Policy/Resource, Stack/Policy), but a bucket keeps one: the one deployed last replaces the other, so the deny of plain HTTP in one of them may not be in force. Keep one bucket policy that denies s3:* to everyone on the bucket's ARN and `<bucket ARN>/*` when aws:SecureTransport is false (add statements with `addToResourcePolicy()`)."],
    ]],
    ['S3BucketKey', 'BucketKeyEnabled from a parameter', (s) => new s3.CfnBucket(s, 'R', {
      bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key(s).keyArn }, bucketKeyEnabled: new CfnParameter(s, 'BucketKey').valueAsString as any }] },
    }), [['warning', 'Stack/R', NOT_CHECKED("the bucket's `BucketKeyEnabled`")]]],
    ['KmsKeyRotation', 'EnableKeyRotation from a parameter', (s) => new kms.CfnKey(s, 'R', { enableKeyRotation: new CfnParameter(s, 'Rotate').valueAsString as any }),
      [['warning', 'Stack/R', NOT_CHECKED("the key's `EnableKeyRotation`")]]],
    ['KmsKeyPolicyPublic', 'a replica key whose policy names principals', (s) => new kms.CfnReplicaKey(s, 'R', {
      primaryKeyArn: 'arn:aws:kms:eu-central-1:111111111111:key/mrk-1',
      keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }] },
    }), []],
    ['SecretKmsCmk', 'ReplicaRegions from a parameter', (s) => new secretsmanager.CfnSecret(s, 'R', {
      kmsKeyId: key(s).keyArn, replicaRegions: Fn.split(',', new CfnParameter(s, 'Regions').valueAsString) as any,
    }), [['warning', 'Stack/R', NOT_CHECKED("the secret's `ReplicaRegions`")]]],
  ])('%s: %s', (ruleId, _case, build, expected) => {
    expect(findingsOfRule(ruleId, build)).toEqual(expected);
  });
});
