import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Intrinsics } from '../../../test/util/intrinsics';
import { evaluate } from '../../../test/util/policy';
import { buildReport } from '../../src/build';
import { EncryptionReport, KeyEntry } from '../../src/model';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const env = { account: ACCOUNT, region: REGION };
const IMPORTED_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/**
 * An app of aws-cdk-lib constructs only: a key shared across stacks (an export and import, and a nested
 * stack's parameter), a key in another Region (aws-cdk-lib's cross-Region references), a key in a Stage, a
 * key imported by ARN, one from a parameter, and an unencrypted queue.
 */
function plainApp(outdir: string): App {
  const app = new App({ outdir });
  const shared = new Stack(app, 'Shared', { env });
  const key = new kms.Key(shared, 'Key', { enableKeyRotation: true, alias: 'shared/data' });

  const consumer = new Stack(app, 'Consumer', { env, crossRegionReferences: true });
  new s3.Bucket(consumer, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketName: 'app-data' });
  const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  key.grantDecrypt(reader);
  new sqs.Queue(consumer, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
  const nested = new NestedStack(consumer, 'Nested');
  new s3.Bucket(nested, 'NestedBucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });

  const keyArn = new CfnParameter(consumer, 'ImportedKeyArn');
  const fromParameter = kms.Key.fromKeyArn(consumer, 'FromParameter', keyArn.valueAsString);
  new logs.LogGroup(consumer, 'Logs', { encryptionKey: fromParameter });
  fromParameter.grantEncrypt(reader);
  const imported = kms.Key.fromKeyArn(consumer, 'Imported', IMPORTED_KEY_ARN);
  new sns.Topic(consumer, 'Topic', { masterKey: imported });
  imported.grantDecrypt(reader);

  const east = new Stack(app, 'East', { env: { account: ACCOUNT, region: 'us-east-1' }, crossRegionReferences: true });
  const eastKey = new kms.Key(east, 'EastKey');
  new s3.Bucket(consumer, 'FromEast', { encryption: s3.BucketEncryption.KMS, encryptionKey: eastKey });

  const stage = new Stage(app, 'Prod', { env });
  new kms.Key(new Stack(stage, 'Data'), 'StageKey');
  return app;
}

function logicalIds(template: any, type: string): string[] {
  return Object.entries<any>(template.Resources).filter(([, resource]) => resource.Type === type).map(([id]) => id);
}

let dir: string;
let report: EncryptionReport;
let sharedTemplate: any;
let consumerTemplate: any;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-plain-'));
  plainApp(dir).synth();
  report = await buildReport(dir);
  sharedTemplate = JSON.parse(fs.readFileSync(path.join(dir, 'Shared.template.json'), 'utf8'));
  consumerTemplate = JSON.parse(fs.readFileSync(path.join(dir, 'Consumer.template.json'), 'utf8'));
}, 120_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function keyOf(id: string): KeyEntry {
  const key = report.keys.find((candidate) => candidate.id === id);
  expect(key).toBeDefined();
  return key!;
}

test('every stack: the app\'s, nested ones and a Stage\'s', () => {
  const [nestedId] = logicalIds(consumerTemplate, 'AWS::CloudFormation::Stack');
  expect(report.stacks.map((stack) => [stack.id, stack.region, stack.parent])).toEqual([
    ['Consumer', REGION, undefined],
    [`Consumer/${nestedId}`, REGION, 'Consumer'],
    ['East', 'us-east-1', undefined],
    [expect.stringMatching(/^ProdData/), REGION, undefined],
    ['Shared', REGION, undefined],
  ]);
  expect(report.stacks.find((stack) => stack.parent)).toMatchObject({ stackName: `Consumer-${nestedId}`, path: 'Consumer/Nested' });
});

test('a key shared through an export, an import and a nested stack parameter encrypts the data of every stack', () => {
  const [keyId] = logicalIds(sharedTemplate, 'AWS::KMS::Key');
  const [nestedId] = logicalIds(consumerTemplate, 'AWS::CloudFormation::Stack');
  const key = keyOf(`Shared/${keyId}`);
  expect(key).toMatchObject({
    origin: 'created',
    label: 'Shared/Key',
    aliases: ['alias/shared/data'],
    configuration: { rotation: { enabled: true, periodDays: 365 }, retention: 'Retain', pendingWindowDays: 30 },
  });
  expect(key.encrypts.map((data) => [data.resource.id, data.resource.path])).toEqual([
    [`Consumer/${logicalIds(consumerTemplate, 'AWS::S3::Bucket').find((id) => id.startsWith('Bucket'))}`, 'Consumer/Bucket/Resource'],
    [expect.stringMatching(new RegExp(`^Consumer/${nestedId}/NestedBucket`)), 'Consumer/Nested/NestedBucket/Resource'],
  ]);
});

test('a role granted decrypt on a key of another stack decrypts it directly, as its identity policy allows', async () => {
  // GIVEN
  const [keyId] = logicalIds(sharedTemplate, 'AWS::KMS::Key');
  const [roleId] = logicalIds(consumerTemplate, 'AWS::IAM::Role');
  const key = keyOf(`Shared/${keyId}`);

  // THEN: the report
  expect(key.access.find((entry) => entry.principal.id === `Consumer/${roleId}` && entry.capability === 'decrypt')).toEqual({
    principal: expect.objectContaining({ kind: 'role', label: 'Consumer/Reader' }),
    capability: 'decrypt',
    actions: ['kms:Decrypt'],
    through: ['identity-policy', 'key-policy'],
    conditions: [],
  });

  // THEN: the IAM engine, with the role's statement on the key the import names
  const statement = Object.values<any>(consumerTemplate.Resources).find((resource) => resource.Type === 'AWS::IAM::Policy')
    .Properties.PolicyDocument.Statement.find((candidate: any) => JSON.stringify(candidate.Resource).includes('Fn::ImportValue'));
  const intrinsics = Intrinsics.ofTemplate(sharedTemplate, { stackName: 'Shared', account: ACCOUNT, region: REGION });
  const keyPolicy = intrinsics.resolve(sharedTemplate.Resources[keyId].Properties.KeyPolicy);
  const decrypt = (identityStatements: any[]) => evaluate(keyPolicy, {
    principal: `arn:aws:iam::${ACCOUNT}:role/reader`, action: 'kms:Decrypt', resource: intrinsics.arn(keyId), resourceAccount: ACCOUNT, identityStatements,
  });
  expect(await decrypt([{ ...statement, Resource: intrinsics.arn(keyId) }])).toBe('Allowed');
  expect(await decrypt([])).toBe('ImplicitlyDenied');
});

test('a key in another Region, through aws-cdk-lib\'s cross-Region references', () => {
  const [keyId] = logicalIds(JSON.parse(fs.readFileSync(path.join(dir, 'East.template.json'), 'utf8')), 'AWS::KMS::Key');
  const key = keyOf(`East/${keyId}`);
  expect(key.resource).toMatchObject({ stack: 'East', path: 'East/EastKey/Resource' });
  expect(key.encrypts.map((data) => data.resource.path)).toEqual(['Consumer/FromEast/Resource']);
});

test('a key imported by ARN is a referenced key, evaluated under the default key policy', () => {
  const key = keyOf(IMPORTED_KEY_ARN);
  const [roleId] = logicalIds(consumerTemplate, 'AWS::IAM::Role');
  expect(key).toMatchObject({
    origin: 'referenced',
    arn: IMPORTED_KEY_ARN,
    encrypts: [{ resource: expect.objectContaining({ type: 'AWS::SNS::Topic', path: 'Consumer/Topic/Resource' }), property: 'KmsMasterKeyId' }],
    unknowns: [expect.objectContaining({ what: 'the key policy and configuration' })],
  });
  expect(key.access).toEqual([expect.objectContaining({ principal: expect.objectContaining({ id: `Consumer/${roleId}` }), capability: 'decrypt', through: ['identity-policy'] })]);
});

test('a key from a parameter is unknown at synth, with where it comes from', () => {
  const [logsId] = logicalIds(consumerTemplate, 'AWS::Logs::LogGroup');
  expect(keyOf('unknown:parameter ImportedKeyArn of stack Consumer')).toEqual({
    id: 'unknown:parameter ImportedKeyArn of stack Consumer',
    origin: 'referenced',
    label: 'a key unknown at synth (parameter ImportedKeyArn of stack Consumer)',
    aliases: [],
    configuration: {},
    encrypts: [{ resource: expect.objectContaining({ id: `Consumer/${logsId}` }), property: 'KmsKeyId' }],
    access: [],
    unknowns: [{ what: 'the key', from: 'parameter ImportedKeyArn of stack Consumer', resource: expect.objectContaining({ id: `Consumer/${logsId}` }) }],
  });
});

test('a role granted the use of a key from a parameter: unknown at synth, with where it comes from', () => {
  const [roleId] = logicalIds(consumerTemplate, 'AWS::IAM::Role');
  expect(report.unknowns).toEqual([{
    what: 'a key role Consumer/Reader may use',
    from: 'parameter ImportedKeyArn of stack Consumer',
    resource: expect.objectContaining({ id: `Consumer/${roleId}` }),
  }]);
});

test('data not under a customer-managed key, with the fix', () => {
  const [queueId] = logicalIds(consumerTemplate, 'AWS::SQS::Queue');
  expect(report.unprotected).toContainEqual({
    resource: expect.objectContaining({ id: `Consumer/${queueId}`, path: 'Consumer/Queue/Resource' }),
    protection: 'unencrypted',
    fix: 'Set `encryption: QueueEncryption.KMS` and `encryptionMasterKey` to a CustomerManagedKey.',
  });
  expect(report.unprotected.map((data) => data.resource.type)).not.toContain('AWS::S3::Bucket');
});

test('keys in a Stage\'s assembly, and the cost of the app\'s keys', () => {
  expect(report.keys.filter((key) => key.origin === 'created').map((key) => key.label)).toEqual(['East/EastKey', 'Prod/Data/StageKey', 'Shared/Key']);
  expect(report.cost).toMatchObject({
    estimate: true,
    currency: 'USD',
    monthlyUsd: 3 + 2,
    lines: [
      expect.objectContaining({ item: 'Customer managed key', quantity: 3, unitUsd: 1, monthlyUsd: 3 }),
      expect.objectContaining({ quantity: 2, unitUsd: 1, monthlyUsd: 2, keys: [expect.stringMatching(/^Shared\//)] }),
    ],
  });
});

test('an environment-agnostic app is evaluated in the account and Region it is deployed to', async () => {
  // GIVEN
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-agnostic-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Agnostic');
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    bucket.grantRead(new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }));
    app.synth();

    // WHEN
    const agnostic = await buildReport(outdir);

    // THEN
    const [entry] = agnostic.keys;
    expect(entry.access.map((access) => [access.principal.id, access.principal.label, access.capability, access.conditions])).toEqual([
      // aws-cdk-lib's bucket grants allow kms:Decrypt on the key with no condition: directly, not only through S3.
      [expect.stringMatching(/^Agnostic\/Role/), 'Agnostic/Role', 'decrypt', []],
      ...['decrypt', 'encrypt', 'create-grants', 'share', 'administer']
        .map((capability) => ['unknown-account', 'the account the app is deployed to', capability, []]),
    ]);
    expect(agnostic.unknowns).toEqual([{
      what: 'the account and Region',
      from: 'stack Agnostic is environment-agnostic: its keys and principals are evaluated in one unknown account and Region',
    }]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 60_000);
