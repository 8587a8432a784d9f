/**
 * The misses issue 20 lists: each case failed on the aspect that read L1 properties (before the
 * validation plugin). Findings are compared by rule name (the part after the prefix) and level.
 */
import { Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { check } from './findings';
import { CustomerManagedKey } from '../../src/kms';

/** [rule name, level, path] of every finding on the stack `Stack`. */
function reported(build: (stack: Stack) => void): Array<[string, string, string]> {
  return check(build).map((finding) => [finding.ruleId.split(':').pop()!, finding.level, finding.path]);
}

/** A TLS-only deny on exactly the resources given, for a bucket named `foo`. */
function fooWithTlsDenyOn(stack: Stack, resources: string[]): void {
  new s3.CfnBucket(stack, 'Foo', {
    bucketName: 'foo',
    bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: new CustomerManagedKey(stack, 'Key').keyArn }, bucketKeyEnabled: true }] },
  });
  new s3.CfnBucketPolicy(stack, 'Policy', {
    bucket: 'foo',
    policyDocument: {
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
    },
  });
}

const VPC = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });

describe('S3 TLS deny must cover exactly this bucket and its objects', () => {
  test.each<[string, string[]]>([
    ['object ARN of another bucket (food/*)', ['arn:aws:s3:::foo', 'arn:aws:s3:::food/*']],
    ['object ARN under a prefix only (foo/path/*)', ['arn:aws:s3:::foo', 'arn:aws:s3:::foo/path/*']],
    ['bucket ARN of another bucket', ['arn:aws:s3:::bar', 'arn:aws:s3:::foo/*']],
  ])('%s is reported', (_case, resources) => {
    expect(reported((s) => fooWithTlsDenyOn(s, resources))).toEqual([['S3BucketTlsDeny', 'error', 'Stack/Foo']]);
  });

  test('an L2 deny on `<bucketArn>/path/*` is reported', () => {
    expect(reported((s) => {
      const bucket = new s3.Bucket(s, 'R', { encryptionKey: new CustomerManagedKey(s, 'Key'), bucketKeyEnabled: true });
      bucket.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:*'],
        resources: [bucket.bucketArn, bucket.arnForObjects('path/*')],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    })).toEqual([['S3BucketTlsDeny', 'error', 'Stack/R/Resource']]);
  });
});

describe('the synthesized template is judged, after overrides', () => {
  test("SSE-KMS with the app's key set only by addPropertyOverride passes", () => {
    expect(reported((s) => {
      const bucket = new s3.Bucket(s, 'R', { enforceSSL: true });
      const key = new CustomerManagedKey(s, 'Key');
      (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride('BucketEncryption.ServerSideEncryptionConfiguration', [{
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.keyArn },
        BucketKeyEnabled: true,
      }]);
    })).toEqual([]);
  });

  test('SSE-KMS overridden to AES256 is reported', () => {
    expect(reported((s) => {
      const bucket = new s3.Bucket(s, 'R', { encryptionKey: new CustomerManagedKey(s, 'Key'), bucketKeyEnabled: true, enforceSSL: true });
      const cfn = bucket.node.defaultChild as s3.CfnBucket;
      cfn.addPropertyOverride('BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault', { SSEAlgorithm: 'AES256' });
    })).toEqual([['S3BucketKmsCmk', 'error', 'Stack/R/Resource']]);
  });
});

describe('resource types that were not seen', () => {
  test('a TableV2 with the default AWS owned key is reported', () => {
    expect(reported((s) => new dynamodb.TableV2(s, 'R', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } })))
      .toEqual([['DynamoDbGlobalTableKmsCmk', 'error', 'Stack/R/Resource']]);
  });

  test('an instance without encrypted block devices is reported', () => {
    expect(reported((s) => new ec2.Instance(s, 'R', {
      vpc: VPC(s),
      instanceType: new ec2.InstanceType('t4g.micro'),
      machineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-12345678' }),
    })).filter(([rule]) => rule === 'EbsBlockDeviceKmsCmk')).toEqual([['EbsBlockDeviceKmsCmk', 'error', 'Stack/R/Resource']]);
  });

  test('a launch template whose volume uses the default EBS key is reported', () => {
    expect(reported((s) => new ec2.LaunchTemplate(s, 'R', {
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true }) }],
    }))).toEqual([['EbsBlockDeviceKmsCmk', 'error', 'Stack/R/Resource']]);
  });

  test('a launch configuration, which cannot name a KMS key, is reported', () => {
    expect(reported((s) => new autoscaling.CfnLaunchConfiguration(s, 'R', {
      imageId: 'ami-12345678',
      instanceType: 't4g.micro',
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { encrypted: true, volumeSize: 8 } }],
    }))).toEqual([['EbsBlockDeviceKmsCmk', 'error', 'Stack/R']]);
  });

  test('a Lambda function without a log group is reported: its implicit log group is not CMK-encrypted', () => {
    // aws-cdk-lib's lambda.Function defines a log group under the recommended flags; the L1 does not.
    expect(reported((s) => new lambda.CfnFunction(s, 'R', {
      role: 'arn:aws:iam::111111111111:role/handler',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      code: { zipFile: 'exports.handler = async () => {};' },
    }))).toEqual([['LambdaLogGroupKmsCmk', 'warning', 'Stack/R']]);
  });
});

describe('false errors and misses found by review', () => {
  test('DatabaseInstanceFromSnapshot is "could not be checked", not an error', () => {
    expect(reported((s) => new rds.DatabaseInstanceFromSnapshot(s, 'R', {
      snapshotIdentifier: 'my-snapshot',
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc: VPC(s),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    })).filter(([rule]) => rule.startsWith('Rds'))).toEqual([['RdsInstanceKmsCmk', 'warning', 'Stack/R/Resource']]);
  });

  test('DatabaseClusterFromSnapshot is "could not be checked", not an error', () => {
    expect(reported((s) => new rds.DatabaseClusterFromSnapshot(s, 'R', {
      snapshotIdentifier: 'my-snapshot',
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      vpc: VPC(s),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    })).filter(([rule]) => rule.startsWith('Rds'))).toEqual([['RdsClusterKmsCmk', 'warning', 'Stack/R/Resource']]);
  });

  test('a read replica of a source outside the app with alias/aws/rds is reported', () => {
    expect(reported((s) => new rds.CfnDBInstance(s, 'R', {
      dbInstanceClass: 'db.t4g.micro',
      sourceDbInstanceIdentifier: 'arn:aws:rds:eu-central-1:111111111111:db:source',
      kmsKeyId: 'alias/aws/rds',
    }))).toEqual([['RdsInstanceKmsCmk', 'error', 'Stack/R']]);
  });

  test('an SSE-S3 data bucket that logs to itself is not exempt as a log bucket', () => {
    expect(reported((s) => new s3.Bucket(s, 'R', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' })))
      .toEqual([['S3BucketKmsCmk', 'error', 'Stack/R/Resource']]);
  });

  test('a CfnReplicaKey policy that allows everyone is reported', () => {
    expect(reported((s) => new kms.CfnReplicaKey(s, 'R', {
      primaryKeyArn: 'arn:aws:kms:eu-central-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab',
      keyPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }] },
    }))).toEqual([['KmsKeyPolicyPublic', 'error', 'Stack/R']]);
  });
});
