import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { BACKUP_ACCOUNT, SHOWCASE_ENV, addShowcaseStacks } from '../../../demo/showcase';
import { Intrinsics } from '../../../test/util/intrinsics';
import { ALLOW_ALL_IDENTITY, evaluate } from '../../../test/util/policy';
import { buildReport } from '../../src/build';
import { Access, EncryptionReport, KeyEntry } from '../../src/model';

const { account: ACCOUNT, region: REGION } = SHOWCASE_ENV;

/** The showcase app synthesized into a fresh directory. */
function synthShowcase(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-showcase-'));
  const app = new App({ outdir });
  addShowcaseStacks(app);
  app.synth();
  return outdir;
}

/** A template of the assembly with the test world's own resolution of its intrinsics (test/util/intrinsics.ts). */
function templateOf(dir: string, stackName: string) {
  const template = JSON.parse(fs.readFileSync(path.join(dir, `${stackName}.template.json`), 'utf8'));
  return { template, intrinsics: Intrinsics.ofTemplate(template, { stackName, account: ACCOUNT, region: REGION }) };
}

function keyOf(report: EncryptionReport, id: string): KeyEntry {
  const key = report.keys.find((candidate) => candidate.id === id);
  if (!key) {
    throw new Error(`no key ${id} in ${report.keys.map((candidate) => candidate.id).join(', ')}`);
  }
  return key;
}

function accessOf(key: KeyEntry, principalId: string, capability: Access['capability']): Access | undefined {
  return key.access.find((entry) => entry.principal.id === principalId && entry.capability === capability);
}

/** The logical id of a resource by its construct path in the template's metadata file. */
function logicalIdAt(dir: string, stackName: string, constructPath: string): string {
  const metadata = JSON.parse(fs.readFileSync(path.join(dir, `${stackName}.metadata.json`), 'utf8'));
  return metadata[`/${stackName}/${constructPath}`].find((entry: any) => entry.type === 'aws:cdk:logicalId').data;
}

let dir: string;
let report: EncryptionReport;

beforeAll(async () => {
  dir = synthShowcase();
  report = await buildReport(dir);
}, 120_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a role granted through grantRead and grantReadWrite', () => {
  test('decrypts the data key only through the services of the data it was granted, for that data only', async () => {
    // GIVEN
    const stack = 'ShowcaseConfigured';
    const { template, intrinsics } = templateOf(dir, stack);
    const keyId = logicalIdAt(dir, stack, 'DataKey/Resource');
    const roleId = logicalIdAt(dir, stack, 'AppRole/Resource');
    const bucketId = logicalIdAt(dir, stack, 'Bucket/Resource');
    const secretId = logicalIdAt(dir, stack, 'DatabaseCredentials/Resource');
    const key = keyOf(report, `${stack}/${keyId}`);

    // WHEN
    const decrypt = accessOf(key, `${stack}/${roleId}`, 'decrypt');

    // THEN: the report
    expect(decrypt).toMatchObject({
      principal: { kind: 'role', label: `${stack}/AppRole` },
      actions: ['kms:Decrypt'],
      through: ['identity-policy', 'key-policy'],
    });
    const bucketName = `${stack.toLowerCase()}-${bucketId.toLowerCase()}`;
    expect(decrypt!.conditions).toEqual([
      `only through Parameter Store in ${REGION} for parameter /showcase/database/password, `
        + `or S3 in ${REGION} for bucket ${bucketName}, or Secrets Manager in ${REGION} for secret showcase/database`,
    ]);
    expect(accessOf(key, `${stack}/${roleId}`, 'encrypt')!.conditions).toEqual([`only through S3 in ${REGION}`, `only for bucket ${bucketName}`]);

    // THEN: the IAM engine, on the template as the test world resolves it
    const keyPolicy = intrinsics.resolve(template.Resources[keyId].Properties.KeyPolicy);
    const identityStatements = Object.values<any>(template.Resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties.Roles).includes(roleId))
      .flatMap((resource) => intrinsics.resolve(resource.Properties.PolicyDocument).Statement);
    const decryptAs = (context: Record<string, string>) => evaluate(keyPolicy, {
      principal: intrinsics.arn(roleId),
      action: 'kms:Decrypt',
      resource: intrinsics.arn(keyId),
      resourceAccount: ACCOUNT,
      context: { 'kms:CallerAccount': ACCOUNT, ...context },
      identityStatements,
    });
    const bucketObject = `${intrinsics.arn(bucketId)}/data.csv`;
    expect(await decryptAs({})).toBe('ImplicitlyDenied');
    expect(await decryptAs({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketObject })).toBe('Allowed');
    expect(await decryptAs({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::another-bucket/data.csv' })).toBe('ImplicitlyDenied');
    expect(await decryptAs({ 'kms:ViaService': `ec2.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketObject })).toBe('ImplicitlyDenied');
    expect(await decryptAs({ 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:EncryptionContext:SecretARN': intrinsics.arn(secretId) })).toBe('Allowed');
  });
});

describe('another account of a SnapshotSharingGrant', () => {
  test('decrypts only through EC2, as any principal of that account whose IAM policy allows it', async () => {
    // GIVEN
    const stack = 'ShowcaseDefaults';
    const { template, intrinsics } = templateOf(dir, stack);
    const keyId = logicalIdAt(dir, stack, 'Key/Resource');
    const key = keyOf(report, `${stack}/${keyId}`);

    // THEN: the report
    expect(accessOf(key, BACKUP_ACCOUNT, 'decrypt')).toEqual({
      principal: { id: BACKUP_ACCOUNT, kind: 'account', label: `account ${BACKUP_ACCOUNT}`, account: BACKUP_ACCOUNT },
      capability: 'decrypt',
      actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      through: ['key-policy'],
      conditions: [`only through EC2 in ${REGION}`],
      delegatesToIam: true,
    });
    expect(accessOf(key, BACKUP_ACCOUNT, 'create-grants')!.conditions).toEqual([`only through EC2 in ${REGION}`, 'only for grants to AWS services']);
    expect(accessOf(key, BACKUP_ACCOUNT, 'administer')).toBeUndefined();

    // THEN: the IAM engine
    const keyPolicy = intrinsics.resolve(template.Resources[keyId].Properties.KeyPolicy);
    const decryptAs = (context: Record<string, string>) => evaluate(keyPolicy, {
      principal: `arn:aws:iam::${BACKUP_ACCOUNT}:role/backup-operator`,
      action: 'kms:Decrypt',
      resource: intrinsics.arn(keyId),
      resourceAccount: ACCOUNT,
      context: { 'kms:CallerAccount': BACKUP_ACCOUNT, ...context },
      identityStatements: [ALLOW_ALL_IDENTITY],
    });
    expect(await decryptAs({})).toBe('ImplicitlyDenied');
    expect(await decryptAs({ 'kms:ViaService': `ec2.${REGION}.amazonaws.com` })).toBe('Allowed');
    expect(await decryptAs({ 'kms:ViaService': `rds.${REGION}.amazonaws.com` })).toBe('ImplicitlyDenied');
    expect(await decryptAs({ 'kms:ViaService': 'ec2.eu-central-1.amazonaws.com' })).toBe('ImplicitlyDenied');
  });
});

describe('the CloudWatch Logs service', () => {
  test('uses a log group key only for its log group', async () => {
    // GIVEN
    const stack = 'ShowcaseDefaults';
    const { template, intrinsics } = templateOf(dir, stack);
    const keyId = logicalIdAt(dir, stack, 'LogGroup/Key/Resource');
    const logGroupId = logicalIdAt(dir, stack, 'LogGroup/Resource');
    const key = keyOf(report, `${stack}/${keyId}`);
    const logs = `logs.${REGION}.amazonaws.com`;

    // THEN: the report
    expect(key.encrypts).toEqual([{ resource: expect.objectContaining({ id: `${stack}/${logGroupId}`, type: 'AWS::Logs::LogGroup' }), property: 'KmsKeyId' }]);
    expect(accessOf(key, logs, 'decrypt')).toMatchObject({ principal: { kind: 'service' }, conditions: [`only for log group /${stack}/LogGroup`] });
    expect(accessOf(key, logs, 'encrypt')!.conditions).toEqual([`only for log group /${stack}/LogGroup`]);

    // THEN: the IAM engine
    const keyPolicy = intrinsics.resolve(template.Resources[keyId].Properties.KeyPolicy);
    const logGroupArn = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
    const decryptAs = (context: Record<string, string>) => evaluate(keyPolicy, {
      principal: logs, action: 'kms:Decrypt', resource: intrinsics.arn(keyId), resourceAccount: ACCOUNT, context,
    });
    expect(await decryptAs({ 'kms:EncryptionContext:aws:logs:arn': logGroupArn(intrinsics.ref(logGroupId)) })).toBe('Allowed');
    expect(await decryptAs({ 'kms:EncryptionContext:aws:logs:arn': logGroupArn('/another/log-group') })).toBe('ImplicitlyDenied');
    expect(await decryptAs({})).toBe('ImplicitlyDenied');
  });

  test('uses a key shared with the account scope for any log group of the account', async () => {
    const stack = 'ShowcaseConfigured';
    const key = keyOf(report, `${stack}/${logicalIdAt(dir, stack, 'DataKey/Resource')}`);
    expect(accessOf(key, `logs.${REGION}.amazonaws.com`, 'decrypt')!.conditions).toEqual([`only for log groups of account ${ACCOUNT}`]);
  });
});

describe('keys that trust their account', () => {
  test('give the account an entry that delegates to IAM, and list the roles of the app that their IAM policies allow', () => {
    const stack = 'ShowcaseDefaults';
    const key = keyOf(report, `${stack}/${logicalIdAt(dir, stack, 'Parameter/Key/Resource')}`);
    expect(accessOf(key, ACCOUNT, 'decrypt')).toMatchObject({ delegatesToIam: true, conditions: [], through: ['key-policy'] });
    expect(accessOf(key, ACCOUNT, 'create-grants')!.conditions).toEqual(['only for grants to AWS services']);
    expect(key.access.filter((entry) => entry.principal.kind === 'role').map((entry) => [entry.principal.label, entry.capability, entry.conditions]))
      .toEqual([
        [`${stack}/SecureStringParameterProvider/Role`, 'decrypt', [`only through Parameter Store in ${REGION}`]],
        [`${stack}/SecureStringParameterProvider/Role`, 'encrypt', [`only through Parameter Store in ${REGION}`]],
      ]);
  });
});

test('a key policy open to an organization is evaluated for any principal of it', () => {
  const stack = 'ShowcaseConfigured';
  const key = keyOf(report, `${stack}/${logicalIdAt(dir, stack, 'DataKey/Resource')}`);
  expect(accessOf(key, '*', 'decrypt')).toMatchObject({ principal: { kind: 'any' }, conditions: ['only for principals of organization o-abcdef1234'] });
  expect(accessOf(key, '*', 'administer')).toBeUndefined();
});

test('the configuration, aliases, cost and acknowledgements of the showcase', () => {
  const stack = 'ShowcaseConfigured';
  const key = keyOf(report, `${stack}/${logicalIdAt(dir, stack, 'DataKey/Resource')}`);
  expect(key).toMatchObject({
    label: `${stack}/DataKey`,
    aliases: ['alias/showcase/data'],
    configuration: {
      keySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      origin: 'AWS_KMS',
      enabled: true,
      rotation: { enabled: true, periodDays: 180 },
      multiRegion: false,
      pendingWindowDays: 14,
      retention: 'Retain',
    },
  });
  const keys = report.keys.filter((entry) => entry.origin === 'created');
  const rotating = keys.filter((entry) => entry.configuration.rotation?.enabled);
  expect(report.cost.monthlyUsd).toBe(keys.length + 2 * rotating.length);
  expect(report.acknowledgements).toContainEqual({
    tool: 'aws-cdk-lib',
    rule: 'cdk-kms-encryption:requireEncryptionHeadersDeniesMultipartUploads',
    resource: expect.objectContaining({ path: `${stack}/Bucket/Resource`, type: 'AWS::S3::Bucket' }),
    stack,
    path: `${stack}/Bucket`,
    reason: 'Clients of this bucket write each object with one PutObject that names the algorithm and key.',
  });
  expect(report.acknowledgements).toContainEqual(expect.objectContaining({
    tool: 'cfn-guard', rule: 's3_bucket_object_lock_enabled_check', path: `${stack}/Bucket`,
  }));
  expect(report.acknowledgements).toContainEqual(expect.objectContaining({
    tool: 'checkov', rule: 'CKV_AWS_19', resource: expect.objectContaining({ path: `${stack}/Bucket/Resource` }),
  }));
  expect(report.acknowledgements).toContainEqual(expect.objectContaining({
    tool: 'cdk-nag', rule: 'AwsSolutions-IAM5', appliesTo: ['Action::s3:Abort*'], path: `${stack}/AppRole/DefaultPolicy`,
  }));
});

test('two syntheses of the app give the same report', async () => {
  const again = synthShowcase();
  try {
    const second = await buildReport(again);
    expect(JSON.stringify({ ...second, assembly: dir })).toEqual(JSON.stringify(report));
  } finally {
    fs.rmSync(again, { recursive: true, force: true });
  }
}, 120_000);
