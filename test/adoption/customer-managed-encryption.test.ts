import { App, Aspects, AspectPriority, Mixins, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CheckLevel, CustomerManagedEncryption, CustomerManagedKey, EncryptionChecks } from '../../src';
import { ACCOUNT, REGION, testApp } from '../util/app';
import { nagFindings } from '../util/nag';

jest.setTimeout(240_000);

/** A plain aws-cdk-lib app: one of each supported resource, each read by one role. */
function plainApp(withMixin: boolean): { app: App; stack: Stack } {
  const app = testApp();
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
  // Findings as warnings, so the app without the mixin synthesizes and can be compared.
  Aspects.of(app).add(new EncryptionChecks({ level: CheckLevel.WARNING }), { priority: AspectPriority.READONLY });
  return { app, stack };
}

describe('CustomerManagedEncryption on a plain aws-cdk-lib app', () => {
  test('EncryptionChecks reports nothing for what it fixed, and logical ids stay', () => {
    const before = plainApp(false).stack;
    const { stack } = plainApp(true);
    const warnings = (s: Stack) => Annotations.fromStack(s).findWarning('*', Match.anyValue()).map((w) => `${w.id} ${w.entry.data}`);
    expect(warnings(before).length).toBeGreaterThan(5);
    expect(warnings(stack)).toEqual([]);
    const beforeIds = Object.keys(Template.fromStack(before).toJSON().Resources);
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources)).toEqual(expect.arrayContaining(beforeIds));
  });
});
void kms; void CustomerManagedKey; void nagFindings;
