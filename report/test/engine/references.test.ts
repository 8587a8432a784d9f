import * as path from 'path';
import { buildReport } from '../../src/build';
import { EncryptionReport, KeyEntry } from '../../src/model';

/** A hand-written assembly (test/fixtures/engine/references) with the references a template can hold. */
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'engine', 'references');

let report: EncryptionReport;

beforeAll(async () => {
  report = await buildReport(FIXTURE);
});

function keyOf(id: string): KeyEntry {
  const key = report.keys.find((candidate) => candidate.id === id);
  expect(key).toBeDefined();
  return key!;
}

test('a key is found by its alias name, by Fn::Sub of its ARN and by its replica', () => {
  const key = keyOf('Refs/Key');
  expect(key.arn).toBeUndefined();
  expect(key).toMatchObject({
    aliases: ['alias/app/data'],
    configuration: { multiRegion: true, rotation: { enabled: true, periodDays: 90 }, retention: 'Retain' },
  });
  expect(key.encrypts.map((data) => `${data.resource.logicalId} ${data.property}`)).toEqual(['ByAlias KmsMasterKeyId', 'BySub KmsMasterKeyId']);
  expect(keyOf('Refs/Replica').unknowns).toEqual([
    { what: 'a Federated principal of the key policy, not evaluated', from: 'cognito-identity.amazonaws.com' },
    { what: 'a condition value of the key policy', from: 'parameter UseKey of stack Refs' },
  ]);
  expect(keyOf('Refs/Replica')).toMatchObject({
    configuration: { multiRegion: true, keySpec: 'SYMMETRIC_DEFAULT', retention: 'Delete', rotation: { enabled: true, periodDays: 90 } },
  });
});

test('an alias ARN of another key is a referenced key; a dynamic reference and Fn::If are unknown at synth', () => {
  expect(keyOf('arn:aws:kms:eu-west-1:111111111111:alias/shared')).toMatchObject({
    origin: 'referenced', label: 'alias/shared', aliases: ['alias/shared'], encrypts: [expect.objectContaining({ property: 'KmsKeyId' })],
  });
  expect(keyOf('unknown:dynamic reference {{resolve:ssm:/app/key-arn}}').unknowns).toEqual([{
    what: 'the key', from: 'dynamic reference {{resolve:ssm:/app/key-arn}}', resource: expect.objectContaining({ logicalId: 'Dynamic' }),
  }]);
  expect(keyOf('unknown:Fn::If in stack Refs').encrypts).toEqual([expect.objectContaining({ resource: expect.objectContaining({ logicalId: 'Conditional' }) })]);
});

test('data under an AWS managed key or no key is unprotected', () => {
  expect(report.unprotected.map((data) => [data.resource.logicalId, data.protection])).toEqual([
    ['Managed', 'aws-managed'],
    ['Suppressed', 'aws-owned'],
  ]);
});

test('a role whose inline policy allows decrypt through SQS, and a user with AdministratorAccess', () => {
  const key = keyOf('Refs/Key');
  expect(key.access.filter((entry) => entry.principal.kind !== 'account').map((entry) => [entry.principal.id, entry.capability, entry.conditions])).toEqual([
    ['Refs/Admin', 'decrypt', []],
    ['Refs/Admin', 'encrypt', []],
    ['Refs/Admin', 'create-grants', []],
    ['Refs/Admin', 'share', []],
    ['Refs/Admin', 'administer', []],
    // Its policy names no encryption context: any queue's.
    ['Refs/Reader', 'decrypt', ['only through SQS in eu-west-1']],
  ]);
});

test('the suppressions of every scanner, and acknowledgements on a stack', () => {
  const register = report.acknowledgements
    .map(({ tool, rule, reason, appliesTo, resource, path: at }) => [tool, rule, reason, appliesTo, resource?.logicalId, at]);
  expect(register).toEqual([
    ['EncryptionChecks', 'SqsQueueTlsDeny', 'Queues of this stack are only reached inside the VPC.', undefined, undefined, 'Refs'],
    ['cdk-nag', 'AwsSolutions-S1', 'The bucket holds access logs.', ['Resource::*'], 'Suppressed', undefined],
    ['cfn-guard', 'S3_BUCKET_LOGGING_ENABLED', '', undefined, 'Suppressed', undefined],
    ['cfn-lint', 'W3045', '', undefined, 'Suppressed', undefined],
    ['checkov', 'CKV_AWS_18', 'Access logs are not logged.', undefined, 'Suppressed', undefined],
  ]);
});
