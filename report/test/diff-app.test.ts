import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CustomerManagedKey } from '../../src/kms';
import { EncryptedBucket } from '../../src/s3';
import { buildReport } from '../src/build';
import { diffReports } from '../src/diff';
import { EncryptionReport } from '../src/model';

/*
 * Two versions of one app, synthesized with aws-cdk-lib and read by the report: the diff holds exactly the access
 * the change added and removed — evaluated by the report's IAM engine, not by this test.
 */

const ENV = { account: '111111111111', region: 'eu-west-1' };

interface Version {
  /** v2: `bucket.grantRead(newRole)`. */
  readonly newReader?: boolean;
  /** v1 and v2 differ here: `bucket.grantPut(writerRole)` in v1 only. */
  readonly writerGrant?: boolean;
  /** `key.grantDecrypt(readerRole)`: decrypt directly, not only through S3. */
  readonly directDecrypt?: boolean;
  /** A change that touches no key, policy or encrypted resource's encryption. */
  readonly lifecycleDays?: number;
}

let work: string;
beforeAll(() => work = fs.mkdtempSync(path.join(os.tmpdir(), 'report-diff-app-')));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function reportOf(name: string, version: Version): Promise<EncryptionReport> {
  const outdir = path.join(work, name);
  const app = new App({ outdir, context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
  const stack = new Stack(app, 'Payments', { env: ENV });
  const key = new CustomerManagedKey(stack, 'DataKey');
  const bucket = new EncryptedBucket(stack, 'Data', {
    encryptionKey: key,
    lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(version.lifecycleDays ?? 90) }],
  });
  const role = (id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const reader = role('ReaderRole');
  const writer = role('WriterRole');
  bucket.grantRead(reader);
  if (version.writerGrant ?? true) {
    bucket.grantPut(writer);
  }
  if (version.newReader) {
    bucket.grantRead(role('NewRole'));
  }
  if (version.directDecrypt) {
    key.grantDecrypt(reader);
  }
  new s3.Bucket(stack, 'Unrelated');
  app.synth();
  return buildReport(outdir);
}

let v1: EncryptionReport;
beforeAll(async () => v1 = await reportOf('v1', {}), 120_000);

/** "<principal> <capability> [<conditions>]" of each change, the principal by its construct path. */
function changeLines(changes: ReturnType<typeof diffReports>['gained']): string[] {
  return changes.map((change) => `${change.principal.label} ${change.capability} [${change.conditions.join('; ')}]`);
}

/** The access entries of one principal (by construct path) in a report, in the same words. */
function accessOf(report: EncryptionReport, principal: string): string[] {
  return report.keys.flatMap((key) => key.access.filter((entry) => entry.principal.label === principal)
    .map((entry) => `${entry.principal.label} ${entry.capability} [${[...entry.conditions].sort().join('; ')}]`)).sort();
}

test('v2 adds bucket.grantRead(newRole) and removes the writer\'s grant: exactly that is gained and lost', async () => {
  // GIVEN
  const v2 = await reportOf('v2', { newReader: true, writerGrant: false });

  // WHEN
  const diff = diffReports(v1, v2);

  // THEN the new role's access, all of it and nothing else; the writer's, all of it and nothing else
  expect(accessOf(v1, 'Payments/NewRole')).toEqual([]);
  expect(accessOf(v2, 'Payments/WriterRole')).toEqual([]);
  expect(changeLines(diff.gained)).toEqual(accessOf(v2, 'Payments/NewRole'));
  expect(changeLines(diff.lost)).toEqual(accessOf(v1, 'Payments/WriterRole'));
  expect(changeLines(diff.gained)).toEqual(expect.arrayContaining([expect.stringMatching(/^Payments\/NewRole decrypt /)]));
  expect(changeLines(diff.lost)).toEqual(expect.arrayContaining([expect.stringMatching(/^Payments\/WriterRole encrypt /)]));
  expect(diff.gained.map((change) => [change.key.label, change.data.map((data) => data.logicalId.replace(/[0-9A-F]{8}$/, ''))]))
    .toEqual(diff.gained.map(() => ['Payments/DataKey', ['Data']]));
  expect(diff).toMatchObject({ keysAdded: [], keysRemoved: [], dataChanged: [] });
}, 120_000);

test('a grant widened from "only through S3" to direct decrypt is gained access', async () => {
  // GIVEN
  expect(changeLines(diffReports(v1, v1).gained)).toEqual([]);
  const readerDecrypt = v1.keys.flatMap((key) => key.access).filter((entry) => entry.principal.label === 'Payments/ReaderRole' && entry.capability === 'decrypt');
  expect(readerDecrypt.map((entry) => entry.conditions)).toEqual([expect.arrayContaining(['only through S3 in eu-west-1'])]);

  // WHEN
  const diff = diffReports(v1, await reportOf('v2-direct', { directDecrypt: true }));

  // THEN
  expect(changeLines(diff.gained)).toEqual(['Payments/ReaderRole decrypt []']);
  expect(diff.lost).toEqual([]);
}, 120_000);

test('a change of an unrelated resource gives an empty diff', async () => {
  // WHEN
  const diff = diffReports(v1, await reportOf('v2-lifecycle', { lifecycleDays: 30 }));

  // THEN
  expect(diff).toMatchObject({ gained: [], lost: [], keysAdded: [], keysRemoved: [], dataChanged: [] });
}, 120_000);
