/**
 * Deploys an EncryptedLogGroup with a derived name on a CustomerManagedKey and checks, through the
 * CloudWatch Logs API, that it deploys the first time and works: the log group is encrypted with the key
 * and keeps events a year, and an event written into it can be read back (CloudWatch Logs could use the key).
 * Run against an account with `npx integ-runner` (see README).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CustomerManagedKey, EncryptedLogGroup } from '../../src';

const app = new App();
const stack = new Stack(app, 'EncryptedLogGroupInteg');
const key = new CustomerManagedKey(stack, 'Key', {
  // Test keys are scheduled for deletion (7 days) when the integ stack is destroyed.
  removalPolicy: RemovalPolicy.DESTROY,
  pendingWindow: Duration.days(7),
});
const logGroup = new EncryptedLogGroup(stack, 'Logs', { encryptionKey: key, removalPolicy: RemovalPolicy.DESTROY });

const integ = new IntegTest(app, 'EncryptedLogGroupTest', { testCases: [stack] });
const logGroupName = logGroup.logGroupName;
const logStreamName = 'integ';
const message = 'written into a KMS-encrypted log group';

integ.assertions
  .awsApiCall('CloudWatchLogs', 'describeLogGroups', { logGroupNamePrefix: logGroupName })
  .expect(ExpectedResult.objectLike({ logGroups: [{ logGroupName, kmsKeyId: key.keyArn, retentionInDays: 365 }] }));

const createStream = integ.assertions.awsApiCall('CloudWatchLogs', 'createLogStream', { logGroupName, logStreamName });
// putLogEvents rejects events older than 14 days: the stream's creation time is a timestamp from this deployment.
const describeStream = integ.assertions.awsApiCall('CloudWatchLogs', 'describeLogStreams', { logGroupName, logStreamNamePrefix: logStreamName });
const putEvent = integ.assertions.awsApiCall('CloudWatchLogs', 'putLogEvents', {
  logGroupName,
  logStreamName,
  logEvents: [{ timestamp: describeStream.getAttString('logStreams.0.creationTime'), message }],
});
const readEvent = integ.assertions.awsApiCall('CloudWatchLogs', 'getLogEvents', { logGroupName, logStreamName, startFromHead: true });
readEvent
  .expect(ExpectedResult.objectLike({ events: [{ message }] }))
  .waitForAssertions({ totalTimeout: Duration.minutes(2), interval: Duration.seconds(10) });

createStream.next(describeStream).next(putEvent).next(readEvent);
