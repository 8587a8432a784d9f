import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, aws_iam as iam } from 'aws-cdk-lib';
import * as esbuild from 'esbuild';
import { bundleReport, packReport } from '../../scripts/report-package';
import { CustomerManagedKey } from '../../src/kms';
import { EncryptedBucket } from '../../src/s3';
import { buildReport } from '../src/build';
import { EXIT_NEW_ACCESS, USAGE } from '../src/cli';
import { RENDER_ASSETS } from '../src/render/assets';
import { renderHtml } from '../src/render/html';
import { renderMarkdown } from '../src/render/markdown';

/*
 * The companion package as npm would install it: bundled and packed into a temporary directory (nothing built
 * before is reused, so a fresh clone passes), unpacked into a node_modules beside the library and the packages
 * its manifest declares, and run with Node.js from there.
 */

const ROOT = path.join(__dirname, '..', '..');
const MAX_UNPACKED_BYTES = 1024 * 1024;
const LIBRARY_VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

let work: string;
let installed: string;
let files: string[];
let manifest: {
  name: string;
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'report-package-'));
  await bundleReport(path.join(work, 'lib'));
  const tarball = packReport(path.join(work, 'lib'), work);
  files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((file) => file.replace(/^package\//, '')).sort();

  const modules = path.join(work, 'app', 'node_modules');
  installed = path.join(modules, 'cdk-kms-encryption-report');
  fs.mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '--strip-components=1', '-C', installed]);
  manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  await installLibrary(path.join(modules, 'cdk-kms-encryption'));
  for (const name of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)].filter((dep) => dep !== 'cdk-kms-encryption')) {
    fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules', name)), path.join(modules, name));
  }
}, 120_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The library as its package lays it out (lib/ from src/, assets/), compiled here with esbuild instead of jsii. */
async function installLibrary(dir: string): Promise<void> {
  const sources = fs.readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(ROOT, 'src', file));
  await esbuild.build({ entryPoints: sources, outbase: path.join(ROOT, 'src'), outdir: path.join(dir, 'lib'), platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  fs.symlinkSync(path.join(ROOT, 'assets'), path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'cdk-kms-encryption', version: LIBRARY_VERSION, main: 'lib/index.js' }));
}

function node(args: string[]) {
  return spawnSync(process.execPath, args, { cwd: path.join(work, 'app'), encoding: 'utf8' });
}

test('the tarball holds the bundles, their declarations, the renderer\'s assets, the manifest, README and LICENSE', () => {
  expect(files).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'LICENSE', 'lib/cli.js', 'lib/index.js', 'lib/index.d.ts', 'lib/model.d.ts',
    ...RENDER_ASSETS.map((asset) => `lib/${asset}`),
  ]));
  expect(files.filter((file) => !/^(package\.json|README\.md|LICENSE|lib\/.+\.(js|d\.ts|css|svg|html))$/.test(file))).toEqual([]);
  expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
});

test('the manifest carries the library\'s version, and depends on the library at that version', () => {
  expect(manifest).toMatchObject({
    name: 'cdk-kms-encryption-report',
    version: LIBRARY_VERSION,
    bin: { 'cdk-kms-encryption': 'lib/cli.js', 'cdk-kms-encryption-report': 'lib/cli.js' },
    main: 'lib/index.js',
    types: 'lib/index.d.ts',
    engines: { node: '>= 20.0.0' },
    dependencies: { 'cdk-kms-encryption': LIBRARY_VERSION },
  });
  expect(Object.keys(manifest)).not.toContain('//');
});

test.each(['cdk-kms-encryption', 'cdk-kms-encryption-report'])('the bin %s runs --help with Node.js from the installed package', (bin) => {
  // WHEN
  const result = node([path.join(installed, manifest.bin[bin]), 'report', '--help']);

  // THEN
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toBe(`${USAGE}\n`);
  expect(fs.readFileSync(path.join(installed, manifest.bin[bin]), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
});

test('the plugin API loads from the installed package', () => {
  // WHEN
  const result = node(['-e', 'const r = require("cdk-kms-encryption-report"); console.log(["EncryptionReportPlugin", "buildReport", "diffReports", "writeReport", "renderHtml", "renderMarkdown"].map((name) => typeof r[name]).join(","))']);

  // THEN
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toBe('function,function,function,function,function,function');
});

/** A key, a bucket under it and a reader; `newReader` adds a second one. */
function synthesize(outdir: string, newReader: boolean): string {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Payments', { env: { account: '111111111111', region: 'eu-west-1' } });
  const bucket = new EncryptedBucket(stack, 'Data', { encryptionKey: new CustomerManagedKey(stack, 'DataKey') });
  const role = (id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  bucket.grantRead(role('ReaderRole'));
  if (newReader) {
    bucket.grantRead(role('NewRole'));
  }
  app.synth();
  return outdir;
}

test('the installed CLI writes the report of a synthesized app, as the sources do', async () => {
  // GIVEN
  const assembly = synthesize(path.join(work, 'v1.out'), false);
  const out = path.join(work, 'v1-report');

  // WHEN
  const result = node([path.join(installed, 'lib', 'cli.js'), 'report', assembly, '--out', out]);

  // THEN
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(fs.readdirSync(out).sort()).toEqual(['encryption-report.html', 'encryption-report.json', 'encryption-report.md']);
  const report = await buildReport(assembly);
  expect(JSON.parse(fs.readFileSync(path.join(out, 'encryption-report.json'), 'utf8'))).toEqual(report);
  expect(fs.readFileSync(path.join(out, 'encryption-report.md'), 'utf8')).toBe(renderMarkdown(report));
  expect(fs.readFileSync(path.join(out, 'encryption-report.html'), 'utf8')).toBe(renderHtml(report));
}, 120_000);

test('the installed CLI fails a diff that gains access with --fail-on-new-access', () => {
  // GIVEN
  const older = synthesize(path.join(work, 'old.out'), false);
  const newer = synthesize(path.join(work, 'new.out'), true);

  // WHEN
  const result = node([path.join(installed, 'lib', 'cli.js'), newer, '--diff', older, '--fail-on-new-access', '--out', path.join(work, 'diff')]);

  // THEN
  expect(result.status).toBe(EXIT_NEW_ACCESS);
  expect(result.stderr).toMatch(/^Access gained from .*old\.out to .*new\.out \(--fail-on-new-access\):\n {2}Payments\/NewRole.* can decrypt with /);
  expect(result.stderr).not.toMatch(/ReaderRole/);
}, 120_000);

test('the library\'s modules are imports of the installed library, never copied or reached by a relative path', () => {
  const code = ['lib/cli.js', 'lib/index.js'].map((file) => fs.readFileSync(path.join(installed, file), 'utf8')).join('\n');
  const libraryModules = [...code.matchAll(/require\("cdk-kms-encryption\/lib\/([^"]+)"\)/g)].map((match) => match[1]);
  expect(libraryModules.filter((module) => !fs.existsSync(path.join(ROOT, 'src', `${module}.ts`)) && !fs.existsSync(path.join(ROOT, 'src', module, 'index.ts')))).toEqual([]);
  expect(files.filter((file) => /\.(js|ts)$/.test(file) && /\.\.\/\.\.\/src\b/.test(fs.readFileSync(path.join(installed, file), 'utf8')))).toEqual([]);
});

test('every relative import of the declarations is a declaration in the package', () => {
  const declarations = files.filter((file) => file.endsWith('.d.ts'));
  const missing = declarations.flatMap((file) => [...fs.readFileSync(path.join(installed, file), 'utf8').matchAll(/from '(\.[^']+)'/g)]
    .map((match) => path.posix.join(path.posix.dirname(file), `${match[1]}.d.ts`))
    .filter((target) => !declarations.includes(target)));
  expect(missing).toEqual([]);
});

test(`the package is at most ${MAX_UNPACKED_BYTES} bytes unpacked`, () => {
  const size = files.reduce((total, file) => total + fs.statSync(path.join(installed, file)).size, 0);
  expect(size).toBeLessThanOrEqual(MAX_UNPACKED_BYTES);
});
