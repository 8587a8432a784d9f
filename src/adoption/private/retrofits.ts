import { Annotations, CfnResource, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { DYNAMODB_KEY_ACTIONS, SNS_KEY_ACTIONS, SQS_KEY_ACTIONS } from './actions';
import { existingGrants, servicesAllowedOn } from './existing-grants';
import { sseS3LogProducerOf } from './log-producers';
import { StackIndex } from './stack-index';
import { keyViaServiceStatement, viaServiceKeyStatement } from './statements';
import { asTemplateResource } from './template-resource';
import { KeyKind, keyKind } from '../../checks/private/resolve';
import { allowLogsService } from '../../logs/private/key-policy';
import { accountEncryptionContextArn, encryptionContextArn } from '../../logs/private/statements';
import {
  DECRYPT_ACTIONS,
  DESCRIBE_ACTIONS,
  ENCRYPT_ACTIONS,
  S3_OBJECT_READ_KEY_ACTIONS,
  S3_OBJECT_WRITE_KEY_ACTIONS,
  SECRETS_MANAGER_KEY_ACTIONS,
} from '../../private/key-use/actions';
import { serviceEndpoint } from '../../private/key-use/conditions';
import { addToKeyPolicyOrWarn } from '../../private/key-use/key-policy';
import { enforcementStatements } from '../../s3/private/bucket-policy';
import { keyIdentifiers, s3KeyUseConditions } from '../../s3/private/key-use';
import { accountSecretsArnPattern, keyViaSecretsManagerStatement, secretsManagerKeyStatement } from '../../secretsmanager/private/statements';

/** Brings one resource under `key`; the resource types of {@link RETROFITS} only. */
type Retrofit = (resource: CfnResource, key: kms.IKey, index: StackIndex) => void;

/** The resource types the mixin brings under a customer-managed key, in place (no replacement). */
export const RETROFITS: Record<string, Retrofit> = {
  [s3.CfnBucket.CFN_RESOURCE_TYPE_NAME]: (resource, key, index) => retrofitBucket(resource as s3.CfnBucket, key, index),
  [logs.CfnLogGroup.CFN_RESOURCE_TYPE_NAME]: (resource, key) => retrofitLogGroup(resource as logs.CfnLogGroup, key),
  [secretsmanager.CfnSecret.CFN_RESOURCE_TYPE_NAME]: (resource, key, index) => retrofitSecret(resource as secretsmanager.CfnSecret, key, index),
  [sqs.CfnQueue.CFN_RESOURCE_TYPE_NAME]: (resource, key, index) => retrofitQueue(resource as sqs.CfnQueue, key, index),
  [sns.CfnTopic.CFN_RESOURCE_TYPE_NAME]: (resource, key, index) => retrofitTopic(resource as sns.CfnTopic, key, index),
  [dynamodb.CfnTable.CFN_RESOURCE_TYPE_NAME]: (resource, key, index) => retrofitTable(resource as dynamodb.CfnTable, key, index),
};

/**
 * SSE-KMS with the key and an S3 Bucket Key, SSE-C blocked, EncryptedBucket's default-mode bucket policy,
 * and the KMS actions S3 needs for principals that were granted object access. A bucket that receives logs
 * AWS delivers only to SSE-S3 buckets (S3 server access logs, Application and Classic Load Balancer logs,
 * CloudFront standard logs) stays SSE-S3.
 */
function retrofitBucket(bucket: s3.CfnBucket, key: kms.IKey, index: StackIndex): void {
  const logProducer = sseS3LogProducerOf(bucket, index);
  if (logProducer) {
    Annotations.of(bucket).addWarningV2('cdk-kms-encryption:accessLogsTargetNotRetrofitted',
      `${bucket.node.path} receives ${logProducer}, which AWS delivers only to SSE-S3 buckets, so it keeps SSE-S3. Acknowledge this warning on it.`);
    return;
  }
  const stack = Stack.of(bucket);
  // Resolved L1 properties keep their aws-cdk-lib (camelCase) names.
  const rules = stack.resolve(bucket.bucketEncryption)?.serverSideEncryptionConfiguration ?? [];
  if (!needsKey(bucket, key, rules[0]?.serverSideEncryptionByDefault?.kmsMasterKeyId)) {
    return;
  }
  bucket.bucketEncryption = {
    serverSideEncryptionConfiguration: [{
      serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.keyArn },
      bucketKeyEnabled: true,
      blockedEncryptionTypes: { encryptionType: ['SSE-C'] },
    }],
  };
  const l2 = l2Of(bucket, s3.Bucket) ?? s3.Bucket.fromCfnBucket(bucket);
  enforcementStatements(bucket.attrArn, { algorithm: 'aws:kms', allowedKeyIdentifiers: Lazy.uncachedList({ produce: () => keyIdentifiers(key) }) }).forEach((statement) => l2.addToResourcePolicy(statement));
  const conditions = s3KeyUseConditions(serviceEndpoint('s3', stack), bucket.attrArn);
  for (const { policy, actions } of existingGrants(bucket, index)) {
    const keyActions = s3ObjectKeyActions(actions);
    if (keyActions.length > 0) {
      policy.addStatements(new iam.PolicyStatement({ actions: [...keyActions], resources: [key.keyArn], conditions }));
    }
  }
}

/** The key plus the CloudFormation-generated name's account-wide, or the given name's, logs-service statement. */
function retrofitLogGroup(logGroup: logs.CfnLogGroup, key: kms.IKey): void {
  if (!needsKey(logGroup, key, logGroup.kmsKeyId)) {
    return;
  }
  const stack = Stack.of(logGroup);
  logGroup.kmsKeyId = key.keyArn;
  const name = logGroup.logGroupName;
  const contextArn = name === undefined || Token.isUnresolved(name) ? accountEncryptionContextArn(stack) : encryptionContextArn(name, stack);
  allowLogsService(logGroup, key, contextArn);
}

/** The key, Secrets Manager's statement for the account's secrets, and `kms:Decrypt` through Secrets Manager for its readers. */
function retrofitSecret(secret: secretsmanager.CfnSecret, key: kms.IKey, index: StackIndex): void {
  if (!needsKey(secret, key, secret.kmsKeyId)) {
    return;
  }
  const stack = Stack.of(secret);
  secret.kmsKeyId = key.keyArn;
  // The same statement for every secret on the key, as RotatingSecret's: readers' IAM policies name each secret.
  addToKeyPolicyOrWarn(secret, key, secretsManagerKeyStatement(accountSecretsArnPattern(stack.region, stack), stack.region, stack));
  for (const { policy, actions } of existingGrants(secret, index)) {
    const writes = actions.some((action) => /^secretsmanager:(\*|PutSecretValue|UpdateSecret)/.test(action));
    policy.addStatements(keyViaSecretsManagerStatement([key.keyArn], [secret.ref], writes ? SECRETS_MANAGER_KEY_ACTIONS : DECRYPT_ACTIONS, stack));
  }
  followHostedRotation(secret, key, index);
}

/**
 * A hosted rotation function gets the key of the secret it rotates (`HostedRotationLambda.KmsKeyArn`), which its
 * role is then allowed to use; left at the old value, it could not read or write the secret under the new key.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-secretsmanager-rotationschedule-hostedrotationlambda.html
 */
function followHostedRotation(secret: secretsmanager.CfnSecret, key: kms.IKey, index: StackIndex): void {
  const stack = Stack.of(secret);
  const secretRef = JSON.stringify(stack.resolve(secret.ref));
  for (const schedule of index.ofType<secretsmanager.CfnRotationSchedule>((c) => c instanceof secretsmanager.CfnRotationSchedule)) {
    const hosted = stack.resolve(schedule.hostedRotationLambda);
    if (hosted !== undefined && JSON.stringify(stack.resolve(schedule.secretId)) === secretRef) {
      schedule.hostedRotationLambda = { ...hosted, kmsKeyArn: key.keyArn };
    }
  }
}

function retrofitQueue(queue: sqs.CfnQueue, key: kms.IKey, index: StackIndex): void {
  if (!needsKey(queue, key, queue.kmsMasterKeyId)) {
    return;
  }
  queue.kmsMasterKeyId = key.keyArn;
  // SSE-SQS and a KMS key exclude each other.
  queue.sqsManagedSseEnabled = undefined;
  const sends = (actions: string[]) => actions.some((action) => /^sqs:(\*|SendMessage)/.test(action));
  allowThroughService(queue, key, index, 'sqs', SQS_KEY_ACTIONS, (actions) => sends(actions) ? SQS_KEY_ACTIONS : DECRYPT_ACTIONS);
  const senders = servicesAllowedOn(queue, index, sqs.CfnQueuePolicy, (policy) => policy.queues, (policy) => policy.policyDocument);
  allowServices(queue, key, senders, SQS_KEY_ACTIONS);
}

function retrofitTopic(topic: sns.CfnTopic, key: kms.IKey, index: StackIndex): void {
  if (!needsKey(topic, key, topic.kmsMasterKeyId)) {
    return;
  }
  topic.kmsMasterKeyId = key.keyArn;
  allowThroughService(topic, key, index, 'sns', SNS_KEY_ACTIONS, () => SNS_KEY_ACTIONS);
  const publishers = servicesAllowedOn(topic, index, sns.CfnTopicPolicy, (policy) => policy.topics, (policy) => policy.policyDocument);
  allowServices(topic, key, publishers, SNS_KEY_ACTIONS);
}

function retrofitTable(table: dynamodb.CfnTable, key: kms.IKey, index: StackIndex): void {
  const settings = Stack.of(table).resolve(table.sseSpecification);
  if (!needsKey(table, key, settings?.sseEnabled === true ? settings.kmsMasterKeyId : undefined)) {
    return;
  }
  table.sseSpecification = { sseEnabled: true, sseType: 'KMS', kmsMasterKeyId: key.keyArn };
  // What aws-cdk-lib's table grants give on a customer-managed key: read decrypts, write also encrypts.
  allowThroughService(table, key, index, 'dynamodb', DYNAMODB_KEY_ACTIONS, (actions) =>
    actions.some((action) => /^dynamodb:(\*|PutItem|UpdateItem|BatchWriteItem)/.test(action))
      ? [...ENCRYPT_ACTIONS, ...DECRYPT_ACTIONS, ...DESCRIBE_ACTIONS]
      : [...DECRYPT_ACTIONS, ...DESCRIBE_ACTIONS]);
}

/** The service's key-policy statement, and for each principal already granted on the resource its KMS actions through the service. */
function allowThroughService(
  resource: CfnResource,
  key: kms.IKey,
  index: StackIndex,
  service: string,
  serviceActions: readonly string[],
  grantedKeyActions: (actions: string[]) => readonly string[],
): void {
  const stack = Stack.of(resource);
  addToKeyPolicyOrWarn(resource, key, viaServiceKeyStatement(service, serviceActions, stack));
  for (const { policy, actions } of existingGrants(resource, index)) {
    policy.addStatements(keyViaServiceStatement(key.keyArn, service, grantedKeyActions(actions), stack));
  }
}

/**
 * AWS services that deliver to the resource (SNS to a queue, EventBridge or CloudWatch alarms to a topic)
 * encrypt with its key themselves: the key policy names each, with the conditions of its resource-policy statement.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html#compatibility-with-aws-services
 */
function allowServices(
  resource: CfnResource,
  key: kms.IKey,
  services: Array<{ service: string; conditions?: Record<string, Record<string, unknown>> }>,
  actions: readonly string[],
): void {
  const account = Stack.of(resource).account;
  for (const { service, conditions } of services) {
    addToKeyPolicyOrWarn(resource, key, new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(service)],
      actions: [...actions],
      resources: ['*'],
      // A condition naming a resource of the stack (a topic's ARN) would make the key depend on it: a cycle.
      conditions: conditions && !/"(Ref|Fn::GetAtt)"/.test(JSON.stringify(conditions)) ? conditions : { StringEquals: { 'aws:SourceAccount': account } },
    }));
  }
}

/**
 * Whether the resource still needs the key: it has none, or an AWS managed one. One already encrypted
 * with this key is done; one with another customer-managed key (or a deploy-time value) is left as it is.
 */
export function needsKey(resource: CfnResource, key: kms.IKey, currentKey: unknown): boolean {
  const stack = Stack.of(resource);
  const { resource: synthesized, app } = asTemplateResource(resource);
  const kind = keyKind(app, synthesized, stack.resolve(currentKey));
  if (kind === KeyKind.NONE || kind === KeyKind.AWS_MANAGED) {
    return true;
  }
  const current = JSON.stringify(stack.resolve(currentKey));
  if (current !== JSON.stringify(stack.resolve(key.keyArn)) && current !== JSON.stringify(stack.resolve(key.keyId))) {
    Annotations.of(resource).addWarningV2('cdk-kms-encryption:otherCustomerManagedKey',
      `${resource.node.path} is already encrypted with another customer-managed key (or one only known at deploy time), so CustomerManagedEncryption leaves it as it is. Acknowledge this warning on it, or remove its key to use the mixin's.`);
  }
  return false;
}

/** S3 authorizes uploads (and multipart parts) as `s3:PutObject` and downloads as `s3:GetObject`. */
function s3ObjectKeyActions(actions: string[]): readonly string[] {
  if (actions.some((action) => /^s3:(\*|PutObject|Abort)/.test(action))) {
    return S3_OBJECT_WRITE_KEY_ACTIONS;
  }
  return actions.some((action) => /^s3:(\*|GetObject)/.test(action)) ? S3_OBJECT_READ_KEY_ACTIONS : [];
}

/** The L2 construct of type `type` whose main resource is `resource`, if there is one. */
function l2Of<T extends IConstruct>(resource: CfnResource, type: new (...args: any[]) => T): T | undefined {
  const parent = resource.node.scope;
  return parent instanceof type && parent.node.defaultChild === resource ? parent : undefined;
}
