/**
 * Deploys an EncryptedBucket and checks the bucket policy in AWS: an upload over TLS without encryption
 * headers succeeds and is encrypted with the bucket's key (with a bucket key); an upload asking for
 * AES256 is denied. Run against an account with `npm run integ:update -- --force` (see README).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EncryptedBucket } from '../../src';

const app = new App();
const stack = new Stack(app, 'EncryptedBucketInteg');
const bucket = new EncryptedBucket(stack, 'Bucket', {
  // Test data: the bucket, its key and its logs bucket are deleted with the stack.
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
});

// An uploader whose IAM policy allows the upload and the key, so that only the bucket policy decides.
// It returns the S3 error name, because a failing SDK call would fail the assertion itself.
const uploader = new lambda.Function(stack, 'Uploader', {
  runtime: lambda.Runtime.NODEJS_24_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline(`
const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
exports.handler = async (event) => {
  try {
    await new S3Client({}).send(new PutObjectCommand({ Bucket: event.bucket, Key: event.key, Body: 'test', ServerSideEncryption: event.sse }));
    return 'Uploaded';
  } catch (error) {
    return error.name;
  }
};`),
});
bucket.grantPut(uploader);

const integ = new IntegTest(app, 'EncryptedBucketTest', { testCases: [stack] });

const put = integ.assertions.awsApiCall('S3', 'putObject', { Bucket: bucket.bucketName, Key: 'default-encryption.txt', Body: 'test' });
put.provider.addToRolePolicy({ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: [bucket.arnForObjects('*')] });
put.provider.addToRolePolicy({ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [bucket.encryptionKey!.keyArn] });
put.next(
  integ.assertions
    .awsApiCall('S3', 'headObject', { Bucket: bucket.bucketName, Key: 'default-encryption.txt' })
    .expect(ExpectedResult.objectLike({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: bucket.encryptionKey!.keyArn, BucketKeyEnabled: true })),
);

integ.assertions
  .invokeFunction({
    functionName: uploader.functionName,
    payload: JSON.stringify({ bucket: bucket.bucketName, key: 'aes256.txt', sse: 'AES256' }),
  })
  .expect(ExpectedResult.objectLike({ Payload: '"AccessDenied"' }));
