import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DYNAMODB_KEY_ACTIONS } from './actions';
import { existingGrants } from './existing-grants';
import { needsKey } from './retrofits';
import { StackIndex } from './stack-index';
import { keyViaServiceStatement } from './statements';
import { asTemplateResource } from './template-resource';
import { property } from '../../checks/private/resolve';
import { DECRYPT_ACTIONS, DESCRIBE_ACTIONS, ENCRYPT_ACTIONS } from '../../private/key-use/actions';
import { viaServiceConditions } from '../../private/key-use/conditions';
import { addToKeyPolicyOrWarn } from '../../private/key-use/key-policy';

/**
 * One resource type the mixin brings under the key in place: the properties it sets (CloudFormation names,
 * each an update without replacement in the CloudFormation specification, see
 * test/adoption/key-property-retrofits.test.ts), the key-policy statements its service needs, and the KMS
 * actions for principals already granted on the resource.
 */
export interface KeyRetrofitRow {
  readonly resourceType: string;
  /** Where the resource names its key now: an AWS managed key or none is replaced, another customer-managed key kept. */
  readonly keyPath: string;
  /** The property overrides that encrypt the resource with the key; undefined when this resource cannot be (a warning says why). */
  readonly encryption: (
    key: kms.IKey, properties: Record<string, any>, stack: Stack, index: StackIndex, resource: CfnResource,
  ) => Record<string, unknown> | string;
  /** The key-policy statements of the service. */
  readonly keyPolicy: (stack: Stack) => iam.PolicyStatement[];
  /** The service whose `kms:ViaService` confines the KMS actions of principals granted on the resource, and those actions. */
  readonly grants?: { readonly service: string; readonly actions: (granted: string[]) => readonly string[] };
  /** What to tidy in the stack once the resource is encrypted. */
  readonly afterwards?: (stack: Stack, index: StackIndex) => void;
  /** The property naming the role the service acts with (`RoleArn`), and the statement its policy gets. */
  readonly role?: {
    readonly property: string;
    /** Whether the statement goes into the key policy (naming the role) rather than into the role's policy. */
    readonly inKeyPolicy: boolean;
    readonly statement: (key: kms.IKey, stack: Stack, role: iam.IRole) => iam.PolicyStatement;
  };
}

/**
 * Producers generate data keys, consumers decrypt, through Kinesis.
 * @see https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
 */
export const KINESIS_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/**
 * Firehose creates a grant for the delivery stream with the permissions of the caller of CreateDeliveryStream /
 * StartDeliveryStreamEncryption (CloudFormation), through the Firehose endpoint.
 * @see https://docs.aws.amazon.com/firehose/latest/dev/encryption.html#sse-with-cmk
 */
export const FIREHOSE_KEY_ACTIONS = ['kms:CreateGrant', 'kms:DescribeKey'] as const;

/**
 * The execution role (and callers of StartExecution) generate data keys, readers of executions decrypt, each
 * with the state machine's ARN as encryption context.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 */
export const STEP_FUNCTIONS_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

/**
 * CodeBuild reads and writes artifacts, caches and reports under the key through S3.
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-kms.html
 */
export const CODEBUILD_KEY_ACTIONS = [...ENCRYPT_ACTIONS, ...DECRYPT_ACTIONS, ...DESCRIBE_ACTIONS] as const;

/**
 * CloudTrail encrypts each log file for trails of the account (the trail's ARN in the encryption context) and
 * describes the key; principals of the account decrypt log files with IAM permission. `aws:SourceAccount`
 * instead of the trail's ARN: naming it would make the key depend on the trail, which depends on the key.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 */
export function cloudTrailKeyStatements(stack: Stack): iam.PolicyStatement[] {
  const trails = `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`;
  return [
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogs',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trails } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeKey',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: [...DESCRIBE_ACTIONS],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowAccountToDecryptTrailLogs',
      principals: [new iam.AccountPrincipal(stack.account)],
      actions: [...DECRYPT_ACTIONS],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:CallerAccount': stack.account }, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trails } },
    }),
  ];
}

/** Firehose's grant for the delivery streams of the account, only for AWS resources. */
export function firehoseKeyStatement(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal(stack.account)],
    actions: [...FIREHOSE_KEY_ACTIONS],
    resources: ['*'],
    conditions: { StringEquals: viaServiceConditions('firehose', stack), Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  });
}

const viaService = (service: string, actions: readonly string[]) => (stack: Stack) => [new iam.PolicyStatement({
  principals: [new iam.AccountPrincipal(stack.account)],
  actions: [...actions],
  resources: ['*'],
  conditions: { StringEquals: viaServiceConditions(service, stack) },
})];

/** The resource types the mixin encrypts in place, beyond those of retrofits.ts. */
export const KEY_RETROFIT_ROWS: readonly KeyRetrofitRow[] = [
  {
    resourceType: 'AWS::DynamoDB::GlobalTable',
    keyPath: 'Replicas.0.SSESpecification.KMSMasterKeyId',
    encryption: (key, properties, stack) => {
      const replicas: any[] = Array.isArray(properties.Replicas) ? properties.Replicas : [];
      const elsewhere = replicas.map((replica) => replica?.Region).filter((region) => region !== stack.region);
      if (elsewhere.length > 0) {
        return `its replicas in ${elsewhere.join(', ')} need keys of their own Regions: set \`encryption: TableEncryptionV2.customerManagedKey(key, { '<region>': '<key ARN>' })\``;
      }
      return {
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: replicas.map((replica) => ({ ...replica, SSESpecification: { KMSMasterKeyId: key.keyArn } })),
      };
    },
    keyPolicy: viaService('dynamodb', DYNAMODB_KEY_ACTIONS),
    grants: {
      service: 'dynamodb',
      actions: (granted) => granted.some((action) => /^dynamodb:(\*|PutItem|UpdateItem|BatchWriteItem)/.test(action))
        ? [...ENCRYPT_ACTIONS, ...DECRYPT_ACTIONS, ...DESCRIBE_ACTIONS] : [...DECRYPT_ACTIONS, ...DESCRIBE_ACTIONS],
    },
  },
  {
    resourceType: 'AWS::Kinesis::Stream',
    keyPath: 'StreamEncryption.KeyId',
    encryption: (key, properties, stack) => ({ StreamEncryption: unlessUnsupported(properties.StreamEncryption, { EncryptionType: 'KMS', KeyId: key.keyArn }, stack) }),
    afterwards: dropUnusedKinesisCondition,
    keyPolicy: viaService('kinesis', KINESIS_KEY_ACTIONS),
    grants: {
      service: 'kinesis',
      actions: (granted) => granted.some((action) => /^kinesis:(\*|PutRecord)/.test(action)) ? KINESIS_KEY_ACTIONS : DECRYPT_ACTIONS,
    },
  },
  {
    resourceType: 'AWS::KinesisFirehose::DeliveryStream',
    keyPath: 'DeliveryStreamEncryptionConfigurationInput.KeyARN',
    encryption: (key, properties) => properties.KinesisStreamSourceConfiguration !== undefined
      ? 'it reads a Kinesis stream, whose encryption applies (CloudFormation refuses server-side encryption on it): the mixin encrypts the stream'
      : { DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: key.keyArn } },
    keyPolicy: (stack) => [firehoseKeyStatement(stack)],
  },
  {
    resourceType: 'AWS::CloudTrail::Trail',
    keyPath: 'KMSKeyId',
    encryption: (key) => ({ KMSKeyId: key.keyArn }),
    keyPolicy: cloudTrailKeyStatements,
  },
  {
    resourceType: 'AWS::StepFunctions::StateMachine',
    keyPath: 'EncryptionConfiguration.KmsKeyId',
    encryption: (key) => ({ EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: key.keyArn, KmsDataKeyReusePeriodSeconds: 300 } }),
    keyPolicy: () => [],
    role: {
      property: 'RoleArn',
      // The key policy names the role: an IAM statement would give a state machine without policies an inline policy.
      inKeyPolicy: true,
      statement: (_key, stack, role) => new iam.PolicyStatement({
        principals: [role],
        actions: [...STEP_FUNCTIONS_KEY_ACTIONS],
        resources: ['*'],
        conditions: { StringLike: { 'kms:EncryptionContext:aws:states:stateMachineArn': stateMachinesOf(stack) } },
      }),
    },
  },
  {
    resourceType: 'AWS::CodeBuild::Project',
    keyPath: 'EncryptionKey',
    encryption: (key) => ({ EncryptionKey: key.keyArn }),
    keyPolicy: viaService('s3', CODEBUILD_KEY_ACTIONS),
    role: { property: 'ServiceRole', inKeyPolicy: false, statement: (key, stack) => keyViaServiceStatement(key.keyArn, 's3', CODEBUILD_KEY_ACTIONS, stack) },
  },
  {
    resourceType: 'AWS::EC2::LaunchTemplate',
    keyPath: 'LaunchTemplateData.BlockDeviceMappings.0.Ebs.KmsKeyId',
    encryption: launchTemplateEncryption,
    keyPolicy: ebsKeyStatements,
  },
];

/**
 * EBS creates volumes for the account's principals (RunInstances) through EC2: data keys without plaintext,
 * decrypt and re-encrypt, and grants for the instance.
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html#ebs-encryption-permissions
 */
export const EBS_KEY_ACTIONS = [
  'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo',
] as const;

/** The account's principals through EC2, and EC2's grants for the instances' volumes. */
export function ebsKeyStatements(stack: Stack): iam.PolicyStatement[] {
  return [
    ...viaService('ec2', EBS_KEY_ACTIONS)(stack),
    new iam.PolicyStatement({
      principals: [new iam.AccountPrincipal(stack.account)],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { StringEquals: viaServiceConditions('ec2', stack), Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  ];
}

/**
 * Every EBS block device of a launch template encrypted with the key, or why not: without an EBS mapping the
 * root device's name is the AMI's, which the template does not tell; an Auto Scaling group launches with its
 * service-linked role, which the key policy must name and which may not exist before the group.
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
 */
function launchTemplateEncryption(
  key: kms.IKey, properties: Record<string, any>, stack: Stack, index: StackIndex, launchTemplate: CfnResource,
): Record<string, unknown> | string {
  const data = properties.LaunchTemplateData ?? {};
  const mappings: any[] = Array.isArray(data.BlockDeviceMappings) ? data.BlockDeviceMappings : [];
  if (!mappings.some((mapping) => mapping?.Ebs !== undefined)) {
    return 'it has no EBS block device mapping, and the name of the root device is the AMI\'s: add `blockDevices` with the AMI\'s root device name';
  }
  const reference = JSON.stringify({ Ref: stack.resolve(launchTemplate.logicalId) });
  const autoScalingGroups = index.ofType<CfnResource>((construct) =>
    CfnResource.isCfnResource(construct) && construct.cfnResourceType === 'AWS::AutoScaling::AutoScalingGroup');
  const launchedByAutoScaling = autoScalingGroups
    .some((group) => JSON.stringify(asTemplateResource(group).resource.properties).includes(reference));
  if (launchedByAutoScaling) {
    return 'an Auto Scaling group launches from it with the service-linked role AWSServiceRoleForAutoScaling, which the key policy must name once it exists (https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html): add that statement, then set `encrypted: true` and `kmsKey` on its block devices';
  }
  return {
    LaunchTemplateData: {
      ...data,
      BlockDeviceMappings: mappings.map((mapping) => (mapping?.Ebs === undefined
        ? mapping : { ...mapping, Ebs: { ...mapping.Ebs, Encrypted: true, KmsKeyId: key.keyArn } })),
    },
  };
}

/** The retrofit of each row, by resource type, in the form of retrofits.ts. */
export const KEY_PROPERTY_RETROFITS: Record<string, (resource: CfnResource, key: kms.IKey, index: StackIndex) => void> =
  Object.fromEntries(KEY_RETROFIT_ROWS.map((row) => [
    row.resourceType,
    (resource: CfnResource, key: kms.IKey, index: StackIndex) => retrofit(row, resource, key, index),
  ]));

function retrofit(row: KeyRetrofitRow, resource: CfnResource, key: kms.IKey, index: StackIndex): void {
  const stack = Stack.of(resource);
  const { properties } = asTemplateResource(resource).resource;
  if (!needsKey(resource, key, property(properties, row.keyPath))) {
    return;
  }
  const encryption = row.encryption(key, properties, stack, index, resource);
  if (typeof encryption === 'string') {
    Annotations.of(resource).addWarningV2('cdk-kms-encryption:encryptionNotRetrofitted',
      `CustomerManagedEncryption leaves ${resource.node.path} (${resource.cfnResourceType}) as it is: ${encryption}.`);
    return;
  }
  for (const [name, value] of Object.entries(encryption)) {
    resource.addPropertyOverride(name, value);
  }
  row.keyPolicy(stack).forEach((statement) => addToKeyPolicyOrWarn(resource, key, statement));
  row.afterwards?.(stack, index);
  for (const { policy, actions } of row.grants ? existingGrants(resource, index) : []) {
    policy.addStatements(keyViaServiceStatement(key.keyArn, row.grants!.service, row.grants!.actions(actions), stack));
  }
  if (row.role) {
    const roleArn = JSON.stringify(properties[row.role.property]);
    const roles = index.ofType<iam.Role>((construct) => construct instanceof iam.Role)
      .filter((role) => JSON.stringify(stack.resolve(role.roleArn)) === roleArn);
    for (const role of roles) {
      const statement = row.role.statement(key, stack, role);
      if (row.role.inKeyPolicy) {
        addToKeyPolicyOrWarn(resource, key, statement);
      } else {
        role.addToPrincipalPolicy(statement);
      }
    }
  }
}

/** The condition aws-cdk-lib's `kinesis.Stream` puts on its default encryption (China Regions had no Kinesis SSE). */
const KINESIS_UNSUPPORTED_REGIONS = 'AwsCdkKinesisEncryptedStreamsUnsupportedRegions';

/**
 * The encryption, under the condition the resource's was under (`Fn::If [<condition>, AWS::NoValue, …]`) unless the
 * stack's Region is known and not one the condition names: there the condition is always false.
 */
function unlessUnsupported(current: unknown, encryption: Record<string, unknown>, stack: Stack): unknown {
  const conditional = (current as { 'Fn::If'?: unknown[] } | undefined)?.['Fn::If'];
  if (!Array.isArray(conditional) || conditional[0] !== KINESIS_UNSUPPORTED_REGIONS || (!Token.isUnresolved(stack.region) && !stack.region.startsWith('cn-'))) {
    return encryption;
  }
  return { 'Fn::If': [conditional[0], conditional[1], encryption] };
}

/** The Kinesis condition, once no stream of the stack uses it: CloudFormation linters report unused conditions. */
function dropUnusedKinesisCondition(stack: Stack, index: StackIndex): void {
  const inUse = index.ofType<CfnResource>((construct) => CfnResource.isCfnResource(construct) && construct.cfnResourceType === 'AWS::Kinesis::Stream')
    .some((stream) => JSON.stringify(asTemplateResource(stream).resource.properties).includes(KINESIS_UNSUPPORTED_REGIONS));
  if (!inUse) {
    stack.node.tryRemoveChild(KINESIS_UNSUPPORTED_REGIONS);
  }
}

/** The ARNs of the account's state machines in the stack's Region: naming this one would be a dependency cycle. */
function stateMachinesOf(stack: Stack): string {
  return `arn:${stack.partition}:states:${stack.region}:${stack.account}:stateMachine:*`;
}
