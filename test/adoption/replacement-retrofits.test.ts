/**
 * The resource types whose key is set at creation (src/adoption/private/replacement-retrofits.ts): warned about by
 * default, encrypted with `allowReplacement`, each with a warning that names what happens to a deployed one.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { CfnResource, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { CustomerManagedEncryption, CustomerManagedKey } from '../../src';
import { KeyChange, REPLACEMENT_ROWS } from '../../src/adoption/private/replacement-retrofits';
import { ACCOUNT, REGION, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { evaluate } from '../util/policy';

const VPC = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
const ISOLATED = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

/** The warnings of the mixin on the stack, as [construct path, message] (without the id suffix). */
function warningsOf(stack: Stack, id: string): Array<[string, string]> {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`\\[ack: cdk-kms-encryption:${id}\\]`))
    .map((warning) => [warning.id, String(warning.entry.data).replace(/ \[ack: .*\]$/, '')]);
}

function onlyResource(stack: Stack, type: string): any {
  return Object.values(Template.fromStack(stack).findResources(type))[0];
}

test('each row sets properties the specification replaces the resource for; the EBS volume\'s and an unset OpenSearch option update in place', () => {
  const db = loadAwsServiceSpecSync();
  const replacement = (type: string, name: string) => db.all('resource').find((r) => r.cloudFormationType === type)!.properties[name]?.causesReplacement ?? 'no';
  const key = { keyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k' } as any;
  expect(REPLACEMENT_ROWS.map((row) => `${row.resourceType} ${row.keyChange({ EncryptionAtRestOptions: {} })}: `
    + Object.keys(row.encryption(key)).map((name) => `${name}=${replacement(row.resourceType, name)}`).join(', '))).toEqual([
    'AWS::EFS::FileSystem REPLACES: Encrypted=yes, KmsKeyId=yes',
    'AWS::ElastiCache::ReplicationGroup REPLACES: AtRestEncryptionEnabled=yes, KmsKeyId=yes',
    'AWS::ElastiCache::ServerlessCache REPLACES: KmsKeyId=yes',
    'AWS::Backup::BackupVault REPLACES: EncryptionKeyArn=yes',
    'AWS::ECR::Repository REPLACES: EncryptionConfiguration=yes',
    'AWS::StepFunctions::Activity REPLACES: EncryptionConfiguration=yes',
    // The specification updates a volume's encryption in place; EBS refuses it (KeyChange.FAILS).
    'AWS::EC2::Volume FAILS: Encrypted=no, KmsKeyId=no',
    'AWS::RDS::DBInstance REPLACES: StorageEncrypted=yes, KmsKeyId=yes',
    'AWS::RDS::DBCluster REPLACES: StorageEncrypted=yes, KmsKeyId=yes',
    'AWS::DocDB::DBCluster REPLACES: StorageEncrypted=yes, KmsKeyId=yes',
    'AWS::Neptune::DBCluster REPLACES: StorageEncrypted=yes, KmsKeyId=yes',
    // Options already in the template: the domain is deleted and recreated, which the specification does not say.
    'AWS::OpenSearchService::Domain REPLACES: EncryptionAtRestOptions=no',
    'AWS::Elasticsearch::Domain REPLACES: EncryptionAtRestOptions=maybe',
  ]);
  expect(REPLACEMENT_ROWS.filter((row) => row.keyChange({}) === KeyChange.IN_PLACE).map((row) => row.resourceType))
    .toEqual(['AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain']);
});

describe('each row\'s key policy lets the account\'s principals use the key through its service only', () => {
  const SERVICES: Record<string, string> = {
    'AWS::EFS::FileSystem': 'elasticfilesystem',
    'AWS::ElastiCache::ReplicationGroup': 'elasticache',
    'AWS::ElastiCache::ServerlessCache': 'elasticache',
    'AWS::Backup::BackupVault': 'backup',
    'AWS::ECR::Repository': 'ecr',
    'AWS::StepFunctions::Activity': 'states',
    'AWS::EC2::Volume': 'ec2',
    'AWS::RDS::DBInstance': 'rds',
    'AWS::RDS::DBCluster': 'rds',
    'AWS::DocDB::DBCluster': 'rds',
    'AWS::Neptune::DBCluster': 'rds',
    'AWS::OpenSearchService::Domain': 'es',
    'AWS::Elasticsearch::Domain': 'es',
  };
  const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

  test.each(REPLACEMENT_ROWS.map((row) => [row.resourceType, row] as const))('%s', async (type, row) => {
    const stack = testStack('AppStack');
    const document = new iam.PolicyDocument({ statements: row.keyPolicy(stack) });
    const policy = new Intrinsics(stack, { Resources: {} }).resolve(stack.resolve(document.toJSON()));
    // Step Functions names the activity in the encryption context.
    const activity = { 'kms:EncryptionContext:aws:states:activityArn': `arn:aws:states:${REGION}:${ACCOUNT}:activity:work` };
    const request = (action: string, service: string, context: Record<string, string> = {}) => evaluate(policy, {
      principal: `arn:aws:iam::${ACCOUNT}:role/app`,
      action,
      resource: KEY_ARN,
      resourceAccount: ACCOUNT,
      context: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': `${service}.${REGION}.amazonaws.com`, ...activity, ...context },
      identityStatements: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
    });
    expect(await request('kms:Decrypt', SERVICES[type])).toEqual('Allowed');
    expect(await request('kms:Decrypt', 'sqs')).toEqual('ImplicitlyDenied');
    expect(await request('kms:Decrypt', SERVICES[type], { 'kms:CallerAccount': '222222222222' })).toEqual('ImplicitlyDenied');
    expect(await request('kms:CreateGrant', SERVICES[type], { 'kms:GrantIsForAWSResource': 'false' })).not.toEqual('Allowed');
    if (type === 'AWS::StepFunctions::Activity') {
      const otherAccounts = { 'kms:EncryptionContext:aws:states:activityArn': `arn:aws:states:${REGION}:222222222222:activity:work` };
      expect(await request('kms:Decrypt', 'states', otherAccounts)).toEqual('ImplicitlyDenied');
    } else {
      expect(await request('kms:CreateGrant', SERVICES[type], { 'kms:GrantIsForAWSResource': 'true' })).toEqual('Allowed');
    }
  });
});

describe('without allowReplacement', () => {
  test('an EFS file system keeps its encryption, with a warning that names the finding and the opt-in', () => {
    const stack = testStack('AppStack');
    new efs.FileSystem(stack, 'FileSystem', { vpc: VPC(stack) });
    const before = onlyResource(stack, 'AWS::EFS::FileSystem');
    stack.with(new CustomerManagedEncryption());
    expect(onlyResource(stack, 'AWS::EFS::FileSystem')).toEqual(before);
    expect(warningsOf(stack, 'encryptionNotRetrofitted')).toEqual([['/AppStack/FileSystem/Resource',
      'CustomerManagedEncryption cannot bring AppStack/FileSystem/Resource (AWS::EFS::FileSystem) under a customer-managed key in place: its key is set at creation, and a new key replaces the resource. '
      + 'The file system is not encrypted with a customer-managed key: EFS uses the AWS managed key aws/elasticfilesystem. Set `encrypted: true` and `kmsKey` to a CustomerManagedKey. '
      + 'For a file system not deployed yet, apply CustomerManagedEncryption with `allowReplacement: true`.']]);
  });

  test('an OpenSearch domain without encryption-at-rest options is encrypted in place, without a warning', () => {
    const stack = testStack('AppStack');
    new opensearch.CfnDomain(stack, 'Domain', { engineVersion: 'OpenSearch_2.19' });
    stack.with(new CustomerManagedEncryption());
    expect(onlyResource(stack, 'AWS::OpenSearchService::Domain').Properties.EncryptionAtRestOptions)
      .toEqual({ Enabled: true, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^CustomerManagedEncryptionKey/), 'Arn'] } });
    expect(warningsOf(stack, 'encryptionNotRetrofitted')).toEqual([]);
    expect(warningsOf(stack, 'encryptedByReplacement')).toEqual([]);
  });

  test('aws-cdk-lib\'s Domain, which always renders the options, is replaced by a new key: a warning', () => {
    const stack = testStack('AppStack');
    new opensearch.Domain(stack, 'Domain', { version: opensearch.EngineVersion.OPENSEARCH_2_19 });
    stack.with(new CustomerManagedEncryption());
    expect(onlyResource(stack, 'AWS::OpenSearchService::Domain').Properties.EncryptionAtRestOptions).toEqual({ Enabled: false });
    expect(warningsOf(stack, 'encryptionNotRetrofitted')).toEqual([['/AppStack/Domain/Resource',
      'CustomerManagedEncryption cannot bring AppStack/Domain/Resource (AWS::OpenSearchService::Domain) under a customer-managed key in place: its key is set at creation, and a new key replaces the resource. '
      + 'The domain is not encrypted (`EncryptionAtRestOptions.Enabled` is not true). Set `encryptionAtRest: { enabled: true, kmsKey }` with a CustomerManagedKey. '
      + 'For a domain not deployed yet, apply CustomerManagedEncryption with `allowReplacement: true`.']]);
  });
});

describe('with allowReplacement', () => {
  const allow = new CustomerManagedEncryption({ allowReplacement: true });

  test.each<[string, (stack: Stack) => void, string, string]>([
    ['an EFS file system (retained)', (s) => new efs.FileSystem(s, 'R', { vpc: VPC(s) }), '/AppStack/R/Resource',
      'CustomerManagedEncryption sets the key of AppStack/R/Resource (AWS::EFS::FileSystem) because of `allowReplacement`: if the file system is already deployed, CloudFormation replaces it with a new, empty one and keeps the old one, with its data, outside the stack (UpdateReplacePolicy Retain).'],
    ['an RDS instance (snapshot)', (s) => new rds.DatabaseInstance(s, 'R', { vpc: VPC(s), vpcSubnets: ISOLATED, engine: rds.DatabaseInstanceEngine.POSTGRES }), '/AppStack/R/Resource',
      'CustomerManagedEncryption sets the key of AppStack/R/Resource (AWS::RDS::DBInstance) because of `allowReplacement`: if the database instance is already deployed, CloudFormation replaces it with a new, empty one and deletes the old one after a final snapshot (UpdateReplacePolicy Snapshot).'],
    ['a named activity (deleted)', (s) => new sfn.Activity(s, 'R', { activityName: 'work' }), '/AppStack/R/Resource',
      'CustomerManagedEncryption sets the key of AppStack/R/Resource (AWS::StepFunctions::Activity) because of `allowReplacement`: if the activity is already deployed, CloudFormation replaces it with a new, empty one and deletes the old one with its data (UpdateReplacePolicy Delete). '
      + 'Its name (`Name`) is fixed, so for a deployed one the update fails until the name changes: CloudFormation replaces only resources it names itself.'],
    ['an EBS volume', (s) => new ec2.Volume(s, 'R', { availabilityZone: `${REGION}a`, size: Size.gibibytes(8), removalPolicy: RemovalPolicy.SNAPSHOT }), '/AppStack/R/Resource',
      'CustomerManagedEncryption sets the key of AppStack/R/Resource (AWS::EC2::Volume) because of `allowReplacement`: if the volume is already deployed, the update fails and rolls back, since EBS cannot encrypt an existing volume or change its key. '
      + 'For a deployed volume, copy a snapshot of it with the key and create the volume from the copy instead.'],
  ])('%s: the key is set, with a warning that names what happens to a deployed one', (_name, build, path, message) => {
    const stack = testStack('AppStack');
    build(stack);
    stack.with(allow);
    expect(warningsOf(stack, 'encryptedByReplacement')).toEqual([[path, message]]);
    expect(warningsOf(stack, 'encryptionNotRetrofitted')).toEqual([]);
    const resource = (stack.node.findChild('R').node.defaultChild as CfnResource);
    expect(JSON.stringify(onlyResource(stack, resource.cfnResourceType).Properties)).toMatch(/"CustomerManagedEncryptionKey[0-9A-F]{8}","Arn"/);
  });

  test('an Aurora cluster gets the key; its instances, judged by the cluster, are left as they are', () => {
    const stack = testStack('AppStack');
    new rds.DatabaseCluster(stack, 'Cluster', {
      vpc: VPC(stack), vpcSubnets: ISOLATED, engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }), writer: rds.ClusterInstance.provisioned('Writer'),
    });
    stack.with(allow);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::RDS::DBCluster', { StorageEncrypted: true, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CustomerManagedEncryptionKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::RDS::DBInstance', { KmsKeyId: Match.absent(), StorageEncrypted: Match.absent() });
    expect(warningsOf(stack, 'encryptedByReplacement').map(([path]) => path)).toEqual(['/AppStack/Cluster/Resource']);
  });

  test('RDS uses the key for the account\'s principals, and grants only for AWS resources', async () => {
    const stack = testStack('AppStack');
    new rds.DatabaseInstance(stack, 'R', { vpc: VPC(stack), vpcSubnets: ISOLATED, engine: rds.DatabaseInstanceEngine.POSTGRES });
    // A key that does not trust the account's identities: only the statements of the row let anyone use it.
    const appKey = new CustomerManagedKey(stack, 'AppKey', { trustAccountIdentities: false, administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)] });
    stack.with(new CustomerManagedEncryption({ key: appKey, allowReplacement: true }));
    const intrinsics = new Intrinsics(stack);
    const [keyId, key] = Object.entries(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0];
    const request = (action: string, context: Record<string, string>) => evaluate(intrinsics.resolve(key.Properties.KeyPolicy), {
      principal: `arn:aws:iam::${ACCOUNT}:role/dba`,
      action,
      resource: intrinsics.arn(keyId),
      resourceAccount: ACCOUNT,
      context: { 'kms:CallerAccount': ACCOUNT, ...context },
      identityStatements: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
    });
    const viaRds = { 'kms:ViaService': `rds.${REGION}.amazonaws.com` };
    expect(await request('kms:GenerateDataKeyWithoutPlaintext', viaRds)).toEqual('Allowed');
    expect(await request('kms:CreateGrant', { ...viaRds, 'kms:GrantIsForAWSResource': 'true' })).toEqual('Allowed');
    expect(await request('kms:CreateGrant', { ...viaRds, 'kms:GrantIsForAWSResource': 'false' })).toEqual('ExplicitlyDenied');
    expect(await request('kms:Decrypt', { 'kms:ViaService': `elasticache.${REGION}.amazonaws.com` })).toEqual('ImplicitlyDenied');
  });
});
