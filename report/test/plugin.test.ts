import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage, Validations, aws_s3 as s3 } from 'aws-cdk-lib';
import { buildReport } from '../src/build';
import { EncryptionReportPlugin, assemblyDirectory } from '../src/plugin';
import { report } from './fixtures/cli/reports';

jest.mock('../src/build', () => ({ ...jest.requireActual('../src/build'), buildReport: jest.fn() }));
jest.mock('../src/render/html', () => ({ renderHtml: () => '<html></html>' }));
jest.mock('../src/render/markdown', () => ({ renderMarkdown: () => '# report' }));

const build = jest.mocked(buildReport);
let outdir: string;
let stderr: jest.SpyInstance;

beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-plugin-'));
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  stderr.mockRestore();
  fs.rmSync(outdir, { recursive: true, force: true });
});

function appWith(plugin: EncryptionReportPlugin): App {
  const app = new App({ outdir });
  Validations.of(app).addPlugins(plugin);
  new s3.Bucket(new Stack(app, 'Payments'), 'Data');
  return app;
}

test('writes the report into the assembly at synth', async () => {
  // GIVEN
  build.mockResolvedValue(report(outdir, []));
  const plugin = new EncryptionReportPlugin();

  // WHEN
  appWith(plugin).synth();
  await plugin.written();

  // THEN
  expect(build).toHaveBeenCalledWith(outdir);
  expect(fs.readdirSync(outdir).filter((file) => file.startsWith('encryption-report')).sort())
    .toEqual(['encryption-report.html', 'encryption-report.json', 'encryption-report.md']);
  expect(JSON.parse(fs.readFileSync(path.join(outdir, 'encryption-report.json'), 'utf8'))).toEqual(report(outdir, []));
  expect(stderr).toHaveBeenCalledWith(`Encryption report: ${path.join(outdir, 'encryption-report')}.{json,html,md}\n`);
});

test('registered through the App\'s deprecated policyValidationBeta1 too', async () => {
  // GIVEN
  build.mockResolvedValue(report(outdir, []));
  const plugin = new EncryptionReportPlugin({ formats: ['json'] });
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const app = new App({ outdir, policyValidationBeta1: [plugin] });
  new s3.Bucket(new Stack(app, 'Payments'), 'Data');

  // WHEN
  app.synth();
  await plugin.written();
  warn.mockRestore();

  // THEN
  expect(build).toHaveBeenCalledWith(outdir);
  expect(fs.existsSync(path.join(outdir, 'encryption-report.json'))).toBe(true);
});

test('the formats can be chosen', async () => {
  // GIVEN
  build.mockResolvedValue(report(outdir, []));
  const plugin = new EncryptionReportPlugin({ formats: ['md'] });

  // WHEN
  appWith(plugin).synth();
  await plugin.written();

  // THEN
  expect(fs.readdirSync(outdir).filter((file) => file.startsWith('encryption-report'))).toEqual(['encryption-report.md']);
});

test.each([
  ['rejects', () => build.mockRejectedValue(new Error('Payments.template.json: Resources is not an object'))],
  ['throws', () => build.mockImplementation(() => {
    throw new Error('Payments.template.json: Resources is not an object');
  })],
])('a buildReport that %s does not fail synth: a warning on stderr, no violation, no file', async (_, arrange) => {
  // GIVEN
  arrange();
  const plugin = new EncryptionReportPlugin();

  // WHEN
  const assembly = appWith(plugin).synth();
  await plugin.written();

  // THEN
  expect(assembly.getStackByName('Payments').template.Resources).toBeDefined();
  expect(stderr).toHaveBeenCalledWith(`[WARNING] cdk-kms-encryption-report: the encryption report was not written into ${outdir}: Payments.template.json: Resources is not an object\n`);
  expect(fs.readdirSync(outdir).filter((file) => file.startsWith('encryption-report'))).toEqual([]);
  const validation = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  expect(JSON.stringify(validation)).not.toMatch(/violation.*cdk-kms-encryption-report|"status":\s*"failure"/i);
});

test('a Stage\'s templates are under the app\'s assembly: the report covers the whole assembly', async () => {
  // GIVEN
  build.mockResolvedValue(report(outdir, []));
  const plugin = new EncryptionReportPlugin({ formats: ['json'] });
  const app = appWith(plugin);
  new s3.Bucket(new Stack(new Stage(app, 'Prod'), 'Ledger'), 'Data');

  // WHEN
  app.synth();
  await plugin.written();

  // THEN
  expect(build).toHaveBeenCalledTimes(1);
  expect(build).toHaveBeenCalledWith(outdir);
});

describe('assemblyDirectory', () => {
  test('the directory of the templates', () => {
    expect(assemblyDirectory(['/x/cdk.out/A.template.json', '/x/cdk.out/B.template.json'])).toBe(path.resolve('/x/cdk.out'));
  });

  test('only a Stage\'s templates: the app\'s assembly above it', () => {
    // GIVEN
    fs.writeFileSync(path.join(outdir, 'manifest.json'), '{}');

    // THEN
    expect(assemblyDirectory([path.join(outdir, 'assembly-Prod', 'Prod-Ledger.template.json')])).toBe(outdir);
  });

  test('no templates', () => {
    expect(() => assemblyDirectory([])).toThrow('aws-cdk-lib gave the plugin no template paths');
  });
});
