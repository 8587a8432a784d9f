/**
 * The mixin's rows beyond the six types of retrofits.ts (src/adoption/private/key-property-retrofits.ts), on
 * one plain aws-cdk-lib app with one default instance of each, synthesized without and with the mixin.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnResource, Mixins, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { CheckLevel, CustomerManagedEncryption, CustomerManagedKey, EncryptionChecks } from '../../src';
import { KEY_RETROFIT_ROWS } from '../../src/adoption/private/key-property-retrofits';
import { StackIndex } from '../../src/adoption/private/stack-index';
import { Finding, reportedBy } from '../checks/findings';
import { ACCOUNT, REGION, testApp } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { NagFinding, nagFindings } from '../util/nag';
import { evaluate } from '../util/policy';

jest.setTimeout(240_000);

const P = 'cdk-kms-encryption::';
/** The rules of the types the rows encrypt in place, and of the SNS subscription's dead-letter queue. */
const RETROFITTED_RULES = [
  'DynamoDbGlobalTableKmsCmk', 'KinesisStreamKmsCmk', 'FirehoseDeliveryStreamKmsCmk', 'CloudTrailKmsCmk', 'StepFunctionsStateMachineKmsCmk',
  'CodeBuildProjectKmsCmk', 'SqsQueueKmsCmk', 'EbsBlockDeviceKmsCmk',
];

/** One default instance of each type, as plain aws-cdk-lib apps define them, each used by one role. */
function plainApp(withMixin: boolean): { app: App; stack: Stack } {
  const app = testApp();
  const stack = new Stack(app, 'PlainStack', { env: { account: ACCOUNT, region: REGION } });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new dynamodb.TableV2(stack, 'TableV2', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } }).grantReadData(reader);
  const stream = new kinesis.Stream(stack, 'Stream');
  stream.grantRead(reader);
  new firehose.DeliveryStream(stack, 'DeliveryStream', {
    destination: new firehose.S3Bucket(new s3.Bucket(stack, 'Destination', { enforceSSL: true, removalPolicy: RemovalPolicy.RETAIN })),
  });
  new cloudtrail.Trail(stack, 'Trail');
  new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')) });
  new codebuild.Project(stack, 'Project', { buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2' }) });
  const deadLetterQueue = new sqs.Queue(stack, 'DeadLetterQueue', { enforceSSL: true });
  new sns.Topic(stack, 'Topic', { enforceSSL: true })
    .addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(stack, 'Subscriber', { enforceSSL: true }), { deadLetterQueue }));
  new backup.BackupVault(stack, 'Vault');
  new ecr.Repository(stack, 'Repository');
  new sfn.Activity(stack, 'Activity');
  new elasticache.CfnReplicationGroup(stack, 'Cache', { replicationGroupDescription: 'cache', atRestEncryptionEnabled: true });
  new ec2.LaunchTemplate(stack, 'LaunchTemplate', { blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8) }] });
  new ec2.LaunchTemplate(stack, 'WithoutBlockDevices', { machineImage: ec2.MachineImage.latestAmazonLinux2023() });
  const scaled = new ec2.CfnLaunchTemplate(stack, 'ScaledTemplate', { launchTemplateData: { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 8 } }] } });
  new autoscaling.CfnAutoScalingGroup(stack, 'Group', {
    minSize: '0', maxSize: '1', availabilityZones: [`${REGION}a`], launchTemplate: { launchTemplateId: scaled.ref, version: scaled.attrLatestVersionNumber },
  });
  if (withMixin) {
    // A key that does not trust the account's identities: only the statements the rows add let anyone use it.
    const key = new CustomerManagedKey(stack, 'AppKey', {
      trustAccountIdentities: false,
      administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)],
    });
    Mixins.of(app).apply(new CustomerManagedEncryption({ key }));
  }
  return { app, stack };
}

interface Synthesized {
  readonly findings: Finding[];
  /** cdk-nag's and cfn-guard's findings. */
  readonly nag: NagFinding[];
  readonly resources: Record<string, any>;
  /** The warnings of the stack's constructs, by construct path. */
  readonly warnings: Array<[string, string]>;
}
let before: Synthesized;
let after: Synthesized;

/** One synthesis with every validation plugin; templates and warnings are read from the cloud assembly. */
function synthesize(withMixin: boolean): Synthesized {
  const { app } = plainApp(withMixin);
  // Every rule at warning level, so that both apps synthesize.
  const checks = new EncryptionChecks({ level: CheckLevel.WARNING });
  Validations.of(app).addPlugins(checks, new CfnGuardValidator());
  const nag = nagFindings(app).filter((finding) => finding.pack !== checks.name);
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
  const warnings = report.pluginReports.filter((plugin: any) => plugin.pluginName === 'Construct Annotations')
    .flatMap((plugin: any) => plugin.violations)
    .filter((violation: any) => violation.ruleName === 'Annotation::cdk-kms-encryption:encryptionNotRetrofitted')
    .flatMap((violation: any) => violation.violatingConstructs
      .map((construct: any): [string, string] => [construct.constructPath, violation.description]));
  return {
    findings: reportedBy(app.outdir, checks.name),
    nag,
    resources: JSON.parse(fs.readFileSync(path.join(app.outdir, 'PlainStack.template.json'), 'utf8')).Resources,
    warnings,
  };
}

beforeAll(() => {
  before = synthesize(false);
  after = synthesize(true);
});

afterAll(() => {
  before = after = undefined as any;
});

const ofRules = (findings: Finding[], rules: string[]) => findings.filter((f) => rules.some((rule) => f.ruleId === `${P}${rule}`)).map((f) => `${f.ruleId.slice(P.length)} ${f.path}`);

test('EncryptionChecks reports each default instance before, and none of those the mixin encrypts in place after', () => {
  expect(ofRules(before.findings, RETROFITTED_RULES).sort()).toEqual([
    'CloudTrailKmsCmk PlainStack/Trail/Resource',
    'CodeBuildProjectKmsCmk PlainStack/Project/Resource',
    'DynamoDbGlobalTableKmsCmk PlainStack/TableV2/Resource',
    'EbsBlockDeviceKmsCmk PlainStack/LaunchTemplate/Resource',
    'EbsBlockDeviceKmsCmk PlainStack/ScaledTemplate',
    'EbsBlockDeviceKmsCmk PlainStack/WithoutBlockDevices/Resource',
    'FirehoseDeliveryStreamKmsCmk PlainStack/DeliveryStream/Resource',
    'KinesisStreamKmsCmk PlainStack/Stream/Resource',
    'SqsQueueKmsCmk PlainStack/DeadLetterQueue/Resource',
    'SqsQueueKmsCmk PlainStack/Subscriber/Resource',
    'StepFunctionsStateMachineKmsCmk PlainStack/StateMachine/Resource',
  ]);
  // Launch templates without block devices, or launched by Auto Scaling, cannot be: the warnings below say why.
  expect(ofRules(after.findings, RETROFITTED_RULES).sort())
    .toEqual(['EbsBlockDeviceKmsCmk PlainStack/ScaledTemplate', 'EbsBlockDeviceKmsCmk PlainStack/WithoutBlockDevices/Resource']);
});

test('what only a replacement could encrypt is a warning that names it, and stays as it was', () => {
  const warnings = after.warnings.filter(([, message]) => message.includes('cannot bring') || message.includes('leaves'));
  expect(warnings.map(([id]) => id).sort()).toEqual([
    'PlainStack/Activity/Resource', 'PlainStack/Cache', 'PlainStack/Repository/Resource', 'PlainStack/ScaledTemplate', 'PlainStack/Vault/Resource',
    'PlainStack/WithoutBlockDevices/Resource',
  ]);
  expect(warnings.find(([id]) => id === 'PlainStack/ScaledTemplate')![1]).toEqual(
    'CustomerManagedEncryption leaves PlainStack/ScaledTemplate (AWS::EC2::LaunchTemplate) as it is: an Auto Scaling group launches from it with the service-linked role AWSServiceRoleForAutoScaling, which the key policy must name once it exists (https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html): add that statement, then set `encrypted: true` and `kmsKey` on its block devices.',
  );
  expect(warnings.find(([id]) => id === 'PlainStack/WithoutBlockDevices/Resource')![1]).toEqual(
    "CustomerManagedEncryption leaves PlainStack/WithoutBlockDevices/Resource (AWS::EC2::LaunchTemplate) as it is: it has no EBS block device mapping, and the name of the root device is the AMI's: add `blockDevices` with the AMI's root device name.",
  );
  expect(warnings.find(([id]) => id === 'PlainStack/Repository/Resource')![1]).toEqual(
    'CustomerManagedEncryption cannot bring PlainStack/Repository/Resource (AWS::ECR::Repository) under a customer-managed key in place: its key is set at creation, and a new key replaces the resource. '
    + 'The repository is not encrypted with a KMS key (`EncryptionConfiguration.EncryptionType` is not set). Set `encryption: RepositoryEncryption.KMS` and `encryptionKey` to a CustomerManagedKey. '
    + 'For a repository not deployed yet, apply CustomerManagedEncryption with `allowReplacement: true`.',
  );
  const ids = Object.keys(before.resources).filter((id) => ['AWS::ECR::Repository', 'AWS::Backup::BackupVault', 'AWS::ElastiCache::ReplicationGroup', 'AWS::StepFunctions::Activity'].includes(before.resources[id].Type));
  expect(ids).toHaveLength(4);
  for (const id of ids) {
    expect(after.resources[id]).toEqual(before.resources[id]);
  }
});

test('logical ids stay', () => {
  expect(Object.keys(after.resources)).toEqual(expect.arrayContaining(Object.keys(before.resources)));
});

test('the four cdk-nag packs and the Control Tower controls (cfn-guard) report nothing new', () => {
  const finding = (f: NagFinding) => `${f.pack} ${f.rule} ${f.path}`;
  const [was, is] = [before.nag.map(finding), after.nag.map(finding)];
  // The warnings of what only a replacement could encrypt are asserted above.
  expect(is.filter((f) => !was.includes(f) && !f.includes('encryptionNotRetrofitted'))).toEqual([]);
  expect(was.filter((f) => !is.includes(f)).length).toBeGreaterThan(0);
});

test('each row sets only properties the specification updates in place', () => {
  const db = loadAwsServiceSpecSync();
  const replacement = (type: string, name: string) => (db.all('resource').find((r) => r.cloudFormationType === type)!.properties[name]?.causesReplacement ?? 'no');
  const stack = new Stack();
  const key = { keyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k' } as any;
  // Properties with which every row encrypts (a global table in the stack's Region, a launch template with an EBS device).
  const properties = { Replicas: [{ Region: stack.region }], LaunchTemplateData: { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: {} }] } };
  const set = KEY_RETROFIT_ROWS.map((row) => {
    const resource = new CfnResource(stack, row.resourceType, { type: row.resourceType });
    const encryption = row.encryption(key, properties, stack, new StackIndex(stack), resource);
    expect(typeof encryption).toEqual('object');
    return `${row.resourceType}: ${Object.keys(encryption).map((name) => `${name}=${replacement(row.resourceType, name)}`).join(', ')}`;
  });
  expect(set).toEqual([
    'AWS::DynamoDB::GlobalTable: SSESpecification=no, Replicas=no',
    'AWS::Kinesis::Stream: StreamEncryption=no',
    'AWS::KinesisFirehose::DeliveryStream: DeliveryStreamEncryptionConfigurationInput=no',
    'AWS::CloudTrail::Trail: KMSKeyId=no',
    'AWS::StepFunctions::StateMachine: EncryptionConfiguration=no',
    'AWS::CodeBuild::Project: EncryptionKey=no',
    'AWS::EC2::LaunchTemplate: LaunchTemplateData=no',
  ]);
});

describe('the key policy lets each service, and the principals already granted, use the key only as the service needs', () => {
  const keyPolicyAndIdentity = () => {
    const intrinsics = new Intrinsics(plainApp(true).stack);
    const resources = after.resources;
    const keyId = Object.keys(resources).find((id) => resources[id].Type === 'AWS::KMS::Key')!;
    // The statements the mixin added: the others name resources Intrinsics has no ARN convention for.
    const identity = (policyId: string) => [resources[policyId].Properties.PolicyDocument.Statement].flat()
      .filter((statement: any) => [statement.Action].flat().every((action: string) => action.startsWith('kms:')))
      .map((statement: any) => intrinsics.resolve(statement));
    const policyOf = (prefix: string) => Object.keys(resources).find((id) => id.startsWith(prefix) && resources[id].Type === 'AWS::IAM::Policy')!;
    const arn = (id: string) => intrinsics.arn(id);
    return { keyPolicy: intrinsics.resolve(resources[keyId].Properties.KeyPolicy), keyArn: arn(keyId), identity, policyOf, arn };
  };

  test('a reader of the stream decrypts through Kinesis only', async () => {
    const { keyPolicy, keyArn, identity, policyOf } = keyPolicyAndIdentity();
    const decrypt = (viaService: string) => evaluate(keyPolicy, {
      principal: `arn:aws:iam::${ACCOUNT}:role/reader`,
      action: 'kms:Decrypt',
      resource: keyArn,
      resourceAccount: ACCOUNT,
      context: { 'kms:ViaService': viaService, 'kms:CallerAccount': ACCOUNT },
      identityStatements: identity(policyOf('ReaderDefaultPolicy')),
    });
    expect(await decrypt(`kinesis.${REGION}.amazonaws.com`)).toEqual('Allowed');
    expect(await decrypt(`sqs.${REGION}.amazonaws.com`)).toEqual('ImplicitlyDenied');
  });

  test('CloudTrail encrypts log files of the account\'s trails, and nothing else', async () => {
    const { keyPolicy, keyArn } = keyPolicyAndIdentity();
    const generate = (trail: string, sourceAccount: string) => evaluate(keyPolicy, {
      principal: 'cloudtrail.amazonaws.com',
      action: 'kms:GenerateDataKey',
      resource: keyArn,
      resourceAccount: ACCOUNT,
      context: { 'aws:SourceAccount': sourceAccount, 'kms:EncryptionContext:aws:cloudtrail:arn': trail },
    });
    expect(await generate(`arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/any`, ACCOUNT)).toEqual('Allowed');
    expect(await generate(`arn:aws:cloudtrail:${REGION}:222222222222:trail/any`, '222222222222')).toEqual('ImplicitlyDenied');
  });

  test('the state machine\'s role generates data keys for the account\'s state machines only, without an IAM policy', async () => {
    const { keyPolicy, keyArn, arn } = keyPolicyAndIdentity();
    const role = Object.keys(after.resources).find((id) => id.startsWith('StateMachineRole') && after.resources[id].Type === 'AWS::IAM::Role')!;
    expect(Object.keys(after.resources).filter((id) => id.startsWith('StateMachineRoleDefaultPolicy'))).toEqual([]);
    const generate = (stateMachine: string) => evaluate(keyPolicy, {
      principal: arn(role),
      action: 'kms:GenerateDataKey',
      resource: keyArn,
      resourceAccount: ACCOUNT,
      context: { 'kms:EncryptionContext:aws:states:stateMachineArn': stateMachine },
    });
    expect(await generate(`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:StateMachine`)).toEqual('Allowed');
    expect(await generate(`arn:aws:states:${REGION}:222222222222:stateMachine:StateMachine`)).toEqual('ImplicitlyDenied');
  });

  test('EC2 creates the volumes of a launch template\'s instances, and grants only for them', async () => {
    const { keyPolicy, keyArn } = keyPolicyAndIdentity();
    const request = (action: string, context: Record<string, string>) => evaluate(keyPolicy, {
      principal: `arn:aws:iam::${ACCOUNT}:role/launcher`,
      action,
      resource: keyArn,
      resourceAccount: ACCOUNT,
      context: { 'kms:CallerAccount': ACCOUNT, ...context },
      identityStatements: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
    });
    const viaEc2 = { 'kms:ViaService': `ec2.${REGION}.amazonaws.com` };
    expect(await request('kms:GenerateDataKeyWithoutPlaintext', viaEc2)).toEqual('Allowed');
    expect(await request('kms:CreateGrant', { ...viaEc2, 'kms:GrantIsForAWSResource': 'true' })).toEqual('Allowed');
    expect(await request('kms:CreateGrant', { ...viaEc2, 'kms:GrantIsForAWSResource': 'false' })).toEqual('ExplicitlyDenied');
    // No row lets RDS use the key.
    expect(await request('kms:GenerateDataKeyWithoutPlaintext', { 'kms:ViaService': `rds.${REGION}.amazonaws.com` })).toEqual('ImplicitlyDenied');
  });

  test('Firehose creates grants for AWS resources only', async () => {
    const { keyPolicy, keyArn } = keyPolicyAndIdentity();
    const grant = (forAwsResource: string) => evaluate(keyPolicy, {
      principal: `arn:aws:iam::${ACCOUNT}:role/cfn-exec`,
      action: 'kms:CreateGrant',
      resource: keyArn,
      resourceAccount: ACCOUNT,
      context: { 'kms:ViaService': `firehose.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT, 'kms:GrantIsForAWSResource': forAwsResource },
      identityStatements: [{ Effect: 'Allow', Action: 'kms:CreateGrant', Resource: '*' }],
    });
    expect(await grant('true')).toEqual('Allowed');
    expect(await grant('false')).toEqual('ExplicitlyDenied');
  });
});
