import { CfnCondition, Fn, Mixins, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { findingsOf, findingsOfRule } from './findings';
import { CustomerManagedEncryption } from '../../src/adoption';
import { CustomerManagedKey } from '../../src/kms';
import { testApp } from '../util/app';

/*
 * The four verdicts issue 26 found wrong (each a row of its rule's truth table in src/checks/private).
 */

const VPC = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
const IMAGE = ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-12345678' });
const cmkDevices = (stack: Stack): ec2.BlockDevice[] => [{
  deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, kmsKey: new CustomerManagedKey(stack, 'Key') }),
}];
const EBS_FIX = 'Set `encrypted: true` and `kmsKey` to a CustomerManagedKey on every EBS block device (`BlockDeviceVolume.ebs(size, { encrypted: true, kmsKey })`).';

describe('EbsBlockDeviceKmsCmk', () => {
  test('the launch template the Instance L2 adds for requireImdsv2 is not reported: the instance\'s own devices are judged', () => {
    expect(findingsOfRule('EbsBlockDeviceKmsCmk', (s) => new ec2.Instance(s, 'R', {
      vpc: VPC(s), instanceType: new ec2.InstanceType('t4g.micro'), machineImage: IMAGE, requireImdsv2: true, blockDevices: cmkDevices(s),
    }))).toEqual([]);
  });

  test('an instance launched from a launch template whose devices use the app\'s key is not reported', () => {
    expect(findingsOfRule('EbsBlockDeviceKmsCmk', (s) => {
      const template = new ec2.LaunchTemplate(s, 'Template', { blockDevices: cmkDevices(s) });
      new ec2.CfnInstance(s, 'R', {
        imageId: 'ami-12345678',
        launchTemplate: { launchTemplateId: template.launchTemplateId, version: template.latestVersionNumber },
      });
    })).toEqual([]);
  });

  test('when that launch template is at fault, the template is reported, not the instance', () => {
    expect(findingsOfRule('EbsBlockDeviceKmsCmk', (s) => {
      const template = new ec2.LaunchTemplate(s, 'Template', { blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true }) }] });
      new ec2.CfnInstance(s, 'R', {
        imageId: 'ami-12345678',
        launchTemplate: { launchTemplateId: template.launchTemplateId, version: template.latestVersionNumber },
      });
    }).map(([level, path]) => [level, path])).toEqual([['error', 'Stack/Template/Resource']]);
  });

  test('an Instance L2 without block devices is reported on the instance (where `blockDevices` is set), not on its IMDSv2 template', () => {
    expect(findingsOfRule('EbsBlockDeviceKmsCmk', (s) => new ec2.Instance(s, 'R', {
      vpc: VPC(s), instanceType: new ec2.InstanceType('t4g.micro'), machineImage: IMAGE, requireImdsv2: true,
    }))).toEqual([['error', 'Stack/R/Resource',
      `The instance has no EBS block device mapping, so its root volume is encrypted (or not) as the AMI or the account's EBS default says. ${EBS_FIX}`]]);
  });
});

describe('S3BucketTlsDeny', () => {
  test('a TLS deny in a second AWS::S3::BucketPolicy of the same bucket is reported: a bucket keeps one policy', () => {
    expect(findingsOfRule('S3BucketTlsDeny', (s) => {
      const bucket = new s3.Bucket(s, 'R');
      bucket.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));
      new s3.CfnBucketPolicy(s, 'Second', {
        bucket: bucket.bucketName,
        policyDocument: {
          Statement: [{
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Resource: [bucket.bucketArn, bucket.arnForObjects('*')],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }],
        },
      });
    })).toEqual([['error', 'Stack/R/Resource',
      'The bucket has 2 bucket policies (Stack/R/Policy/Resource, Stack/Second), but a bucket keeps one: the one deployed last replaces the other, so the deny of plain HTTP in one of them may not be in force. Keep one bucket policy that denies s3:* to everyone on the bucket\'s ARN and `<bucket ARN>/*` when aws:SecureTransport is false (add statements with `addToResourcePolicy()`).']]);
  });
});

describe('LambdaLogGroupKmsCmk', () => {
  const ACK = (path: string, helper: string) =>
    `The function is aws-cdk-lib's ${helper} handler, which offers no \`logGroup\`: Lambda writes to '/aws/lambda/<function name>', which it creates without a customer-managed key. Acknowledge this finding on ${path} with the id cdk-kms-encryption::LambdaLogGroupKmsCmk.`;

  test.each<[string, (stack: Stack) => void, string, string]>([
    ['log retention', (s) => new logs.LogRetention(s, 'Retention', { logGroupName: '/app', retention: logs.RetentionDays.ONE_YEAR }),
      'Stack/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/Resource', 'log retention (LogRetention)'],
    ['auto-delete objects', (s) => new s3.Bucket(s, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }),
      'Stack/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler', 'custom resource provider (Custom::S3AutoDeleteObjectsCustomResourceProvider)'],
  ])('aws-cdk-lib\'s %s function: the message says to acknowledge, with the id', (_name, build, path, helper) => {
    expect(findingsOfRule('LambdaLogGroupKmsCmk', build)).toEqual([['warning', path, ACK(path, helper)]]);
  });
});

describe('KinesisStreamKmsCmk in a stack whose Region is only known at deploy time', () => {
  const KINESIS_FIX = 'Set `encryption: StreamEncryption.KMS` and `encryptionKey` to a CustomerManagedKey.';
  /** The rule's findings on a region-agnostic stack, where aws-cdk-lib puts a stream's encryption under `Fn::If`. */
  const findings = (build: (stack: Stack) => void) => {
    const app = testApp();
    build(new Stack(app, 'Agnostic'));
    return findingsOf(app).filter((finding) => finding.ruleId === 'cdk-kms-encryption::KinesisStreamKmsCmk')
      .map((finding) => [finding.level, finding.path, finding.message]);
  };

  test('the default stream is judged by its encryption outside the China Regions: aws/kinesis', () => {
    expect(findings((s) => new kinesis.Stream(s, 'R'))).toEqual([['error', 'Agnostic/R/Resource',
      `The stream is encrypted with an AWS managed key, not a customer-managed key. ${KINESIS_FIX}`]]);
  });

  test('the stream CustomerManagedEncryption brought under the key (in the branch) is not reported', () => {
    expect(findings((s) => {
      new kinesis.Stream(s, 'R');
      Mixins.of(s).apply(new CustomerManagedEncryption());
    })).toEqual([]);
  });

  test('a condition of the user\'s with no encryption in one branch is reported as before', () => {
    expect(findings((s) => {
      const condition = new CfnCondition(s, 'Production', { expression: Fn.conditionEquals(Fn.ref('AWS::AccountId'), '111111111111') });
      new kinesis.CfnStream(s, 'R', {
        shardCount: 1,
        streamEncryption: Fn.conditionIf(condition.logicalId, Fn.ref('AWS::NoValue'), { EncryptionType: 'KMS', KeyId: new CustomerManagedKey(s, 'Key').keyArn }) as any,
      });
    })).toEqual([['error', 'Agnostic/R',
      `The stream is not encrypted with a customer-managed key: it has no server-side encryption. ${KINESIS_FIX}`]]);
  });
});
