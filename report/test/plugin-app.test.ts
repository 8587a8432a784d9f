import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations, aws_iam as iam } from 'aws-cdk-lib';
import { CustomerManagedKey } from '../../src/kms';
import { EncryptedBucket } from '../../src/s3';
import { buildReport } from '../src/build';
import { EncryptionReportPlugin } from '../src/plugin';
import { renderMarkdown } from '../src/render/markdown';

/* The plugin with the real report: what synth writes into the assembly is what the report of that assembly says. */

let outdir: string;
let stderr: jest.SpyInstance;

beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-plugin-app-'));
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  stderr.mockRestore();
  fs.rmSync(outdir, { recursive: true, force: true });
});

test('synth writes the report of its own assembly', async () => {
  // GIVEN
  const plugin = new EncryptionReportPlugin();
  const app = new App({ outdir });
  Validations.of(app).addPlugins(plugin);
  const stack = new Stack(app, 'Payments', { env: { account: '111111111111', region: 'eu-west-1' } });
  const bucket = new EncryptedBucket(stack, 'Data', { encryptionKey: new CustomerManagedKey(stack, 'DataKey') });
  bucket.grantRead(new iam.Role(stack, 'ReaderRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));

  // WHEN
  app.synth();
  await plugin.written();

  // THEN
  const report = await buildReport(outdir);
  expect(JSON.parse(fs.readFileSync(path.join(outdir, 'encryption-report.json'), 'utf8'))).toEqual(report);
  expect(fs.readFileSync(path.join(outdir, 'encryption-report.md'), 'utf8')).toBe(renderMarkdown(report));
  expect(fs.readFileSync(path.join(outdir, 'encryption-report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
  expect(report.keys.flatMap((key) => key.access).some((entry) => entry.principal.label === 'Payments/ReaderRole' && entry.capability === 'decrypt')).toBe(true);
  expect(stderr).toHaveBeenCalledWith(`Encryption report: ${path.join(outdir, 'encryption-report')}.{json,html,md}\n`);
  expect(stderr.mock.calls.filter(([text]) => String(text).includes('WARNING'))).toEqual([]);
}, 120_000);
