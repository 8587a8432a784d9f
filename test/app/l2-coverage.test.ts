/**
 * Issue 28's "Done when": an app with one default instance of each L2 construct aws-cdk-lib offers for the resource
 * types of the coverage table, synthesized once without and once with CustomerManagedEncryption (`allowReplacement`:
 * the app is not deployed). EncryptionChecks reports every resource without a customer-managed key before, and none
 * of the types issue 28 item 3 lists after; logical ids stay; cdk-nag's AwsSolutions pack and cfn-guard's Control
 * Tower rules report nothing new.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Duration, Mixins, SecretValue, Size, Stack, Validations } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elasticsearch from 'aws-cdk-lib/aws-elasticsearch';
import * as events from 'aws-cdk-lib/aws-events';
import * as fsx from 'aws-cdk-lib/aws-fsx';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CheckLevel, CustomerManagedEncryption, EncryptionChecks } from '../../src';
import { COVERAGE } from '../../src/checks/private/key-coverage/coverage';
import { Finding, reportedBy } from '../checks/findings';
import { ACCOUNT, REGION, testApp } from '../util/app';

jest.setTimeout(300_000);

/** Coverage types with an L2 in aws-cdk-lib that the app does not define, each with the reason. */
const NOT_IN_APP: Record<string, string> = {
  'AWS::Glue::Connection': 'aws-cdk-lib\'s glue.Connection names a key only for the connection\'s secret (`also` in the coverage table): a default instance has none, so there is nothing to report',
};

/** Glue's L2s are in aws-cdk-lib after the floor (2.269.0). */
const GLUE_L2 = 'SecurityConfiguration' in glue;
const ifGlue = (...findings: string[]) => (GLUE_L2 ? findings : []);

/** The installed aws-cdk-lib (the floor's in the floor run). */
const AWS_CDK_LIB = path.dirname(require.resolve('aws-cdk-lib'));

/**
 * The L1 classes the L2 constructs of the installed aws-cdk-lib instantiate, as `<service>.Cfn<Name>`: every
 * non-generated file of a module's `lib` that calls `<accessor>().Cfn<Name>(`, its accessor being the lazy `require`
 * of a module's generated L1s (`./eks.generated`: `aws-eks-v2` has its own copy of EKS's) or of another module
 * (`../../aws-logs`).
 */
function instantiatedL1s(): Set<string> {
  const instantiated = new Set<string>();
  for (const module of fs.readdirSync(AWS_CDK_LIB)) {
    const lib = path.join(AWS_CDK_LIB, module, 'lib');
    if (!fs.existsSync(lib)) {
      continue;
    }
    const files = (fs.readdirSync(lib, { recursive: true }) as string[]).filter((file) => file.endsWith('.js') && !file.endsWith('.generated.js'));
    for (const file of files) {
      const text = fs.readFileSync(path.join(lib, file), 'utf8');
      const services = new Map([...text.matchAll(/(\w+)=\(\)=>\{var tmp=(?:__importStar\()?require\("([^"]+)"\)/g)].map(([, accessor, required]) =>
        [accessor, required.endsWith('.generated') ? path.basename(required, '.generated') : path.basename(required).replace(/^aws-/, '')]));
      for (const [, accessor, l1] of text.matchAll(/(\w+)\(\)\)?\.(Cfn\w+)\(/g)) {
        if (services.has(accessor)) {
          instantiated.add(`${services.get(accessor)}.${l1}`);
        }
      }
    }
  }
  return instantiated;
}

/** The judged coverage types whose L1 (`Cfn<Name>` of `AWS::<Service>::<Name>`) an L2 construct of aws-cdk-lib instantiates. */
function typesWithL2(): string[] {
  const instantiated = instantiatedL1s();
  return COVERAGE.filter((coverage) => coverage.rules.length > 0).map((coverage) => coverage.resourceType).filter((type) => {
    const [, service, name] = type.split('::');
    return instantiated.has(`${service.toLowerCase()}.Cfn${name}`);
  });
}

/** One default instance of each L2 (non-default only where a default instance has no resource of the type), and L1s where item 3 lists a type without an L2. */
function l2App(withMixin: boolean): App {
  const app = testApp();
  const s = new Stack(app, 'L2Stack', { env: { account: ACCOUNT, region: REGION } });
  const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  const image = ec2.MachineImage.genericLinux({ [REGION]: 'ami-12345678' });
  const bucket = new s3.Bucket(s, 'Bucket', { enforceSSL: true });
  const fn = new lambda.Function(s, 'Function', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
  const queue = new sqs.Queue(s, 'Queue', { enforceSSL: true, deadLetterQueue: { queue: new sqs.Queue(s, 'QueueDlq', { enforceSSL: true }), maxReceiveCount: 3 } });
  fn.addEventSourceMapping('Mapping', { eventSourceArn: queue.queueArn });

  const application = new appconfig.Application(s, 'AppConfig');
  new appconfig.HostedConfiguration(s, 'AppConfigProfile', {
    application, content: appconfig.ConfigurationContent.fromInlineText('{}'), deployTo: [new appconfig.Environment(s, 'AppConfigEnv', { application })],
  });
  new backup.BackupVault(s, 'Vault');
  new agentcore.Memory(s, 'Memory');
  new agentcore.PolicyEngine(s, 'PolicyEngine');
  new agentcore.Gateway(s, 'Gateway');
  new agentcore.Evaluator(s, 'Evaluator', {
    evaluatorName: 'judge',
    level: agentcore.EvaluationLevel.SESSION,
    evaluatorConfig: agentcore.EvaluatorConfig.codeBased({ lambdaFunction: fn }),
  });
  new cloudtrail.Trail(s, 'Trail');
  new codebuild.Project(s, 'Project', { buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2' }) });
  new codebuild.ReportGroup(s, 'ReportGroup');
  new codecommit.Repository(s, 'Repository', { repositoryName: 'app' });
  const source = new codepipeline.Artifact();
  new codepipeline.Pipeline(s, 'Pipeline', {
    stages: [
      { stageName: 'Source', actions: [new actions.S3SourceAction({ actionName: 'Source', bucket, bucketKey: 'source.zip', output: source })] },
      { stageName: 'Approve', actions: [new actions.ManualApprovalAction({ actionName: 'Approve' })] },
    ],
  });
  new cognito.UserPool(s, 'UserPool');
  new docdb.DatabaseCluster(s, 'DocDb', { masterUser: { username: 'docdbadmin' }, instanceType: ec2.InstanceType.of(ec2.InstanceClass.R5, ec2.InstanceSize.LARGE), vpc, vpcSubnets });
  new dynamodb.Table(s, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
  new dynamodb.TableV2(s, 'TableV2', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
  new ec2.Instance(s, 'Instance', { vpc, vpcSubnets, instanceType: new ec2.InstanceType('t3.micro'), machineImage: image });
  // With a block device: the root device's name is the AMI's, which a launch template without one does not tell.
  new ec2.LaunchTemplate(s, 'LaunchTemplate', { blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8) }] });
  new ec2.Volume(s, 'Volume', { availabilityZone: `${REGION}a`, size: Size.gibibytes(8) });
  new ecr.Repository(s, 'Images');
  const cluster = new ecs.Cluster(s, 'Cluster', { vpc });
  const task = new ecs.FargateTaskDefinition(s, 'Task');
  task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:latest') });
  new ecs.FargateService(s, 'Service', { cluster, taskDefinition: task, vpcSubnets });
  new efs.FileSystem(s, 'FileSystem', { vpc, vpcSubnets });
  new eks.Cluster(s, 'Eks', { version: eks.KubernetesVersion.V1_34, vpc, vpcSubnets: [vpcSubnets] });
  new elasticsearch.Domain(s, 'EsDomain', { version: elasticsearch.ElasticsearchVersion.V7_10 });
  const eventBus = new events.EventBus(s, 'EventBus');
  eventBus.archive('Archive', { eventPattern: { source: ['app'] } });
  new events.Connection(s, 'Connection', {
    authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager(`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:api-key`)),
  });
  new fsx.LustreFileSystem(s, 'Lustre', {
    vpc, vpcSubnet: vpc.isolatedSubnets[0], storageCapacityGiB: 1200, lustreConfiguration: { deploymentType: fsx.LustreDeploymentType.SCRATCH_2 },
  });
  if (GLUE_L2) {
    new glue.SecurityConfiguration(s, 'GlueSecurity', { s3Encryption: glue.S3Encryption.s3Managed() });
    new glue.Catalog(s, 'GlueCatalog', { catalogName: 'app', encryptionAtRest: glue.DataCatalogEncryptionAtRest.kms() });
  }
  new kinesis.Stream(s, 'Stream');
  new firehose.DeliveryStream(s, 'DeliveryStream', { destination: new firehose.S3Bucket(bucket) });
  new lambda.CapacityProvider(s, 'CapacityProvider', { subnets: vpc.isolatedSubnets, securityGroups: [new ec2.SecurityGroup(s, 'CapacitySg', { vpc })] });
  new logs.LogGroup(s, 'LogGroup');
  new opensearch.Domain(s, 'Domain', { version: opensearch.EngineVersion.OPENSEARCH_2_19 });
  new rds.DatabaseInstance(s, 'Database', { vpc, vpcSubnets, engine: rds.DatabaseInstanceEngine.POSTGRES });
  new rds.DatabaseCluster(s, 'Aurora', {
    vpc, vpcSubnets, engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }), writer: rds.ClusterInstance.provisioned('Writer'),
  });
  new rds.ServerlessCluster(s, 'Serverless', { vpc, vpcSubnets, engine: rds.DatabaseClusterEngine.AURORA_MYSQL });
  new scheduler.Schedule(s, 'Schedule', { schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)), target: new schedulerTargets.LambdaInvoke(fn) });
  new secretsmanager.Secret(s, 'Secret').addRotationSchedule('Rotation', { hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser() });
  new ses.ReceiptRuleSet(s, 'RuleSet', { rules: [{ actions: [new sesActions.S3({ bucket })] }] });
  new sns.Topic(s, 'Topic', { enforceSSL: true }).addSubscription(new subscriptions.SqsSubscription(new sqs.Queue(s, 'Subscriber', { enforceSSL: true }), {
    deadLetterQueue: new sqs.Queue(s, 'SubscriptionDlq', { enforceSSL: true }),
  }));
  new sfn.Activity(s, 'Activity');
  new sfn.StateMachine(s, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(s, 'Pass')) });
  new synthetics.Canary(s, 'Canary', {
    runtime: synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_9_1,
    test: synthetics.Test.custom({ code: synthetics.Code.fromInline('exports.handler = async () => {};'), handler: 'index.handler' }),
  });
  // ElastiCache has no L2 in aws-cdk-lib; item 3 lists it.
  new elasticache.CfnReplicationGroup(s, 'Cache', { replicationGroupDescription: 'cache', atRestEncryptionEnabled: true, cacheNodeType: 'cache.t4g.micro', engine: 'valkey' });
  new elasticache.CfnServerlessCache(s, 'ServerlessCache', { serverlessCacheName: 'cache', engine: 'valkey' });
  if (withMixin) {
    Mixins.of(app).apply(new CustomerManagedEncryption({ allowReplacement: true }));
  }
  return app;
}

/**
 * The rules of the types issue 28 item 3 lists: DynamoDB TableV2, Kinesis, Firehose, EFS, RDS instances and clusters,
 * ElastiCache, OpenSearch, EBS volumes and launch templates, Backup vaults, CloudTrail, Step Functions, ECR, CodeBuild,
 * and the dead-letter queues of SNS and SQS subscriptions; with the six types of the mixin before issue 28.
 */
const ITEM_3_RULES = [
  'DynamoDbGlobalTableKmsCmk', 'KinesisStreamKmsCmk', 'FirehoseDeliveryStreamKmsCmk', 'EfsFileSystemKmsCmk', 'RdsInstanceKmsCmk', 'RdsClusterKmsCmk',
  'ElastiCacheReplicationGroupKmsCmk', 'ElastiCacheServerlessKmsCmk', 'OpenSearchDomainKmsCmk', 'EbsVolumeKmsCmk', 'BackupVaultKmsCmk', 'CloudTrailKmsCmk',
  'StepFunctionsStateMachineKmsCmk', 'StepFunctionsActivityKmsCmk', 'ECRRepositoryKmsCmk', 'CodeBuildProjectKmsCmk',
  'S3BucketKmsCmk', 'LogGroupKmsCmk', 'SecretKmsCmk', 'SqsQueueKmsCmk', 'SnsTopicKmsCmk', 'DynamoDbTableKmsCmk',
];

interface Synthesized {
  /** The KmsCmk findings of EncryptionChecks, as `<rule> <construct path>`. */
  readonly findings: string[];
  /** AwsSolutions' and cfn-guard's findings, as `<pack> <rule> <construct path>`. */
  readonly scanners: string[];
  readonly resources: Record<string, { Type: string }>;
  /** The construct paths the mixin's `encryptedByReplacement` warnings name. */
  readonly replaced: string[];
}

/** One synthesis with EncryptionChecks (every rule at warning level, so both apps synthesize), cdk-nag's AwsSolutions and cfn-guard. */
function synthesize(withMixin: boolean): Synthesized {
  const app = l2App(withMixin);
  const checks = new EncryptionChecks({ level: CheckLevel.WARNING });
  const nag = new AwsSolutionsChecks(app);
  const guard = new CfnGuardValidator();
  Validations.of(app).addPlugins(checks, nag, guard);
  const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    app.synth({ force: true });
  } catch (error) {
    if (!fs.existsSync(path.join(app.outdir, 'validation-report.json'))) {
      throw error;
    }
  } finally {
    log.mockRestore();
  }
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
  const replaced = report.pluginReports.flatMap((plugin: any) => plugin.violations)
    .filter((violation: any) => violation.ruleName === 'Annotation::cdk-kms-encryption:encryptedByReplacement')
    .flatMap((violation: any) => violation.violatingConstructs.map((construct: any) => construct.constructPath));
  const scanners = [nag.name, guard.name].flatMap((name) => reportedBy(app.outdir, name).map((f) => `${name} ${f.ruleId} ${f.path}`));
  return {
    findings: reportedBy(app.outdir, checks.name).filter((f: Finding) => f.ruleId.endsWith('KmsCmk')).map((f) => `${f.ruleId.replace('cdk-kms-encryption::', '')} ${f.path}`).sort(),
    scanners,
    resources: JSON.parse(fs.readFileSync(path.join(app.outdir, 'L2Stack.template.json'), 'utf8')).Resources,
    replaced: replaced.sort(),
  };
}

let before: Synthesized;
let after: Synthesized;

beforeAll(() => {
  before = synthesize(false);
  after = synthesize(true);
});

afterAll(() => {
  before = after = undefined as any;
});

test('the app has a resource of every coverage type an L2 of aws-cdk-lib defines, or says why not', () => {
  const inApp = new Set(Object.values(before.resources).map((resource) => resource.Type));
  const withL2 = typesWithL2();
  expect(withL2.filter((type) => !inApp.has(type) && NOT_IN_APP[type] === undefined)).toEqual([]);
  // Every reason is about a type of the coverage table the app still lacks.
  expect(Object.keys(NOT_IN_APP).filter((type) => inApp.has(type) || !COVERAGE.some((coverage) => coverage.resourceType === type))).toEqual([]);
});

test('EncryptionChecks reports every resource without a customer-managed key', () => {
  // Types whose rows judge keys only where set (Cognito, CodePipeline, ECS, AppConfig deployments, SES actions,
  // canaries, rotation schedules, event source mappings, report groups) have none by default: nothing to report.
  expect(before.findings).toEqual([
    'AppConfigConfigurationProfileKmsCmk L2Stack/AppConfigProfile/ConfigurationProfile',
    'BackupVaultKmsCmk L2Stack/Vault/Resource',
    'BedrockAgentCoreEvaluatorKmsCmk L2Stack/Evaluator/Resource',
    'BedrockAgentCoreGatewayKmsCmk L2Stack/Gateway/Resource',
    'BedrockAgentCoreMemoryKmsCmk L2Stack/Memory/Memory',
    'BedrockAgentCorePolicyEngineKmsCmk L2Stack/PolicyEngine/Resource',
    'CloudTrailKmsCmk L2Stack/Trail/Resource',
    'CodeBuildProjectKmsCmk L2Stack/Project/Resource',
    'CodeCommitRepositoryKmsCmk L2Stack/Repository/Resource',
    'DocDBDBClusterKmsCmk L2Stack/DocDb/Resource',
    'DynamoDbGlobalTableKmsCmk L2Stack/TableV2/Resource',
    'DynamoDbTableKmsCmk L2Stack/Table/Resource',
    'ECRRepositoryKmsCmk L2Stack/Images/Resource',
    'EKSClusterKmsCmk L2Stack/Eks/Resource',
    'EbsBlockDeviceKmsCmk L2Stack/Instance/Resource',
    'EbsBlockDeviceKmsCmk L2Stack/LaunchTemplate/Resource',
    'EbsVolumeKmsCmk L2Stack/Volume/Resource',
    'EfsFileSystemKmsCmk L2Stack/FileSystem/Resource',
    'ElastiCacheReplicationGroupKmsCmk L2Stack/Cache',
    'ElastiCacheServerlessKmsCmk L2Stack/ServerlessCache',
    'EventsArchiveKmsCmk L2Stack/EventBus/Archive/Archive',
    'EventsConnectionKmsCmk L2Stack/Connection/Connection',
    'EventsEventBusKmsCmk L2Stack/EventBus/Resource',
    'FSxFileSystemKmsCmk L2Stack/Lustre/Resource',
    'FirehoseDeliveryStreamKmsCmk L2Stack/DeliveryStream/Resource',
    ...ifGlue('GlueDataCatalogEncryptionSettingsKmsCmk L2Stack/GlueCatalog/EncryptionSettings', 'GlueSecurityConfigurationKmsCmk L2Stack/GlueSecurity/Resource'),
    'KinesisStreamKmsCmk L2Stack/Stream/Resource',
    'LambdaCapacityProviderKmsCmk L2Stack/CapacityProvider/Resource',
    'LambdaLogGroupKmsCmk L2Stack/Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler',
    'LogGroupKmsCmk L2Stack/DeliveryStream/LogGroup/Resource',
    'LogGroupKmsCmk L2Stack/Function/LogGroup/Resource',
    'LogGroupKmsCmk L2Stack/LogGroup/Resource',
    'OpenSearchDomainKmsCmk L2Stack/Domain/Resource',
    'OpenSearchDomainKmsCmk L2Stack/EsDomain/Resource',
    'RdsClusterKmsCmk L2Stack/Aurora/Resource',
    'RdsClusterKmsCmk L2Stack/Serverless/Resource',
    'RdsInstanceKmsCmk L2Stack/Database/Resource',
    'S3BucketKmsCmk L2Stack/Bucket/Resource',
    'S3BucketKmsCmk L2Stack/Canary/ArtifactsBucket/Resource',
    'S3BucketKmsCmk L2Stack/Pipeline/ArtifactsBucket/Resource',
    'S3BucketKmsCmk L2Stack/Trail/S3/Resource',
    'SchedulerScheduleKmsCmk L2Stack/Schedule/Resource',
    'SecretKmsCmk L2Stack/Aurora/Secret/Resource',
    'SecretKmsCmk L2Stack/Database/Secret/Resource',
    'SecretKmsCmk L2Stack/DocDb/Secret/Resource',
    'SecretKmsCmk L2Stack/Secret/Resource',
    'SecretKmsCmk L2Stack/Serverless/Secret/Resource',
    'SnsTopicKmsCmk L2Stack/Topic/Resource',
    'SqsQueueKmsCmk L2Stack/Queue/Resource',
    'SqsQueueKmsCmk L2Stack/QueueDlq/Resource',
    'SqsQueueKmsCmk L2Stack/Subscriber/Resource',
    'SqsQueueKmsCmk L2Stack/SubscriptionDlq/Resource',
    'StepFunctionsActivityKmsCmk L2Stack/Activity/Resource',
    'StepFunctionsStateMachineKmsCmk L2Stack/StateMachine/Resource',
  ]);
});

test('after CustomerManagedEncryption, none of the types issue 28 item 3 lists is reported', () => {
  expect(after.findings.filter((finding) => ITEM_3_RULES.includes(finding.split(' ')[0]))).toEqual([]);
  // EbsBlockDeviceKmsCmk also judges instances, which item 3 does not list: the launch template is not reported.
  expect(after.findings.filter((finding) => finding.includes('LaunchTemplate'))).toEqual([]);
  // What the mixin does not retrofit stays reported.
  expect(after.findings).toEqual([
    'AppConfigConfigurationProfileKmsCmk L2Stack/AppConfigProfile/ConfigurationProfile',
    'BedrockAgentCoreEvaluatorKmsCmk L2Stack/Evaluator/Resource',
    'BedrockAgentCoreGatewayKmsCmk L2Stack/Gateway/Resource',
    'BedrockAgentCoreMemoryKmsCmk L2Stack/Memory/Memory',
    'BedrockAgentCorePolicyEngineKmsCmk L2Stack/PolicyEngine/Resource',
    'CodeCommitRepositoryKmsCmk L2Stack/Repository/Resource',
    'EKSClusterKmsCmk L2Stack/Eks/Resource',
    'EbsBlockDeviceKmsCmk L2Stack/Instance/Resource',
    'EventsArchiveKmsCmk L2Stack/EventBus/Archive/Archive',
    'EventsConnectionKmsCmk L2Stack/Connection/Connection',
    'EventsEventBusKmsCmk L2Stack/EventBus/Resource',
    'FSxFileSystemKmsCmk L2Stack/Lustre/Resource',
    ...ifGlue('GlueDataCatalogEncryptionSettingsKmsCmk L2Stack/GlueCatalog/EncryptionSettings', 'GlueSecurityConfigurationKmsCmk L2Stack/GlueSecurity/Resource'),
    'LambdaCapacityProviderKmsCmk L2Stack/CapacityProvider/Resource',
    'LambdaLogGroupKmsCmk L2Stack/Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler',
    'SchedulerScheduleKmsCmk L2Stack/Schedule/Resource',
  ]);
});

test('a warning names each resource the key replaces (if deployed)', () => {
  expect(before.replaced).toEqual([]);
  expect(after.replaced).toEqual([
    'L2Stack/Activity/Resource', 'L2Stack/Aurora/Resource', 'L2Stack/Cache', 'L2Stack/Database/Resource', 'L2Stack/DocDb/Resource',
    'L2Stack/Domain/Resource', 'L2Stack/EsDomain/Resource', 'L2Stack/FileSystem/Resource', 'L2Stack/Images/Resource', 'L2Stack/Serverless/Resource',
    'L2Stack/ServerlessCache', 'L2Stack/Vault/Resource', 'L2Stack/Volume/Resource',
  ]);
});

test('logical ids stay', () => {
  expect(Object.keys(after.resources)).toEqual(expect.arrayContaining(Object.keys(before.resources)));
});

test('cdk-nag\'s AwsSolutions pack and cfn-guard report nothing new', () => {
  // Both ran: each reports the plain app.
  expect(new Set(before.scanners.map((finding) => finding.split(' ')[0])).size).toEqual(2);
  expect(after.scanners.filter((finding) => !before.scanners.includes(finding))).toEqual([]);
});
