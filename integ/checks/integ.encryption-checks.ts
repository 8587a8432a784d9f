/**
 * Deploys resources defined with plain aws-cdk-lib, configured the way EncryptionChecks asks (every rule
 * at error level, so any finding fails synthesis), and checks through the AWS APIs that what the checks
 * judged from the template holds in AWS: the bucket's default encryption is SSE-KMS with the key and a
 * bucket key, and the queue uses the key.
 * Run against an account with `npm run integ:update -- --force` (see README).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CheckLevel, CustomerManagedKey, EncryptionChecks } from '../../src';

const app = new App();
const stack = new Stack(app, 'EncryptionChecksInteg');
const key = new CustomerManagedKey(stack, 'Key', {
  // Test keys are scheduled for deletion (7 days) when the integ stack is destroyed.
  removalPolicy: RemovalPolicy.DESTROY,
  pendingWindow: Duration.days(7),
});
const bucket = new s3.Bucket(stack, 'Bucket', {
  encryptionKey: key,
  bucketKeyEnabled: true,
  enforceSSL: true,
  removalPolicy: RemovalPolicy.DESTROY,
});
const queue = new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key, enforceSSL: true });

// Added to the stack under test only: the assertion stack's handlers are not the app's.
Aspects.of(stack).add(new EncryptionChecks({ level: CheckLevel.ERROR }));

const integ = new IntegTest(app, 'EncryptionChecksTest', { testCases: [stack] });

const encryption = integ.assertions.awsApiCall('S3', 'getBucketEncryption', { Bucket: bucket.bucketName });
// The call grants s3:GetBucketEncryption, which is not an IAM action: GetBucketEncryption is authorized as
// s3:GetEncryptionConfiguration (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html).
encryption.provider.addToRolePolicy({ Effect: 'Allow', Action: ['s3:GetEncryptionConfiguration'], Resource: [bucket.bucketArn] });
encryption
  .expect(ExpectedResult.objectLike({
    ServerSideEncryptionConfiguration: {
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.keyArn }, BucketKeyEnabled: true }],
    },
  }));

integ.assertions
  .awsApiCall('SQS', 'getQueueAttributes', { QueueUrl: queue.queueUrl, AttributeNames: ['KmsMasterKeyId'] })
  .expect(ExpectedResult.objectLike({ Attributes: { KmsMasterKeyId: key.keyArn } }));

