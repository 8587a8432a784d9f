import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildReport } from '../src/build';
import { EXIT_INTERNAL, EXIT_NEW_ACCESS, EXIT_OK, EXIT_USAGE, USAGE, main, reportInternalError } from '../src/cli';
import { ReportInputError } from '../src/errors';
import { EncryptionReport } from '../src/model';
import { access, key, report, resource, role } from './fixtures/cli/reports';

// The report's reading and rendering have tests of their own; here they are stand-ins that record their input.
jest.mock('../src/build', () => ({ ...jest.requireActual('../src/build'), buildReport: jest.fn() }));
jest.mock('../src/render/html', () => ({ renderHtml: (data: object) => `<html>${Object.keys(data).join(',')}</html>` }));
jest.mock('../src/render/markdown', () => ({ renderMarkdown: (data: object) => `# ${Object.keys(data).join(',')}` }));

const build = jest.mocked(buildReport);
const BUCKET = resource('DataBucket', 'AWS::S3::Bucket');
const V1 = report('v1.out', [key('DataKey', [BUCKET], [access(role('ReaderRole'), 'decrypt', ['only through S3 in eu-west-1'])])]);
const V2 = report('v2.out', [key('DataKey', [BUCKET], [access(role('ReaderRole'), 'decrypt', ['only through S3 in eu-west-1']), access(role('NewRole'), 'decrypt')])]);

let cwd: string;
let out: string[];
let err: string[];

beforeEach(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'report-cli-'));
  out = [];
  err = [];
});

afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

function run(...argv: string[]): Promise<number> {
  return main(argv, { out: (text) => out.push(text), err: (text) => err.push(text), cwd });
}

function reportsByAssembly(reports: Record<string, EncryptionReport>): void {
  build.mockImplementation(async (dir) => reports[path.basename(dir)] ?? Promise.reject(new Error(`no fixture for ${dir}`)));
}

describe('the report', () => {
  test('reads cdk.out and writes the three files into the current directory', async () => {
    // GIVEN
    reportsByAssembly({ 'cdk.out': V1 });

    // WHEN
    const code = await run('report');

    // THEN
    expect(code).toBe(EXIT_OK);
    expect(build).toHaveBeenCalledWith(path.join(cwd, 'cdk.out'));
    expect(fs.readdirSync(cwd).sort()).toEqual(['encryption-report.html', 'encryption-report.json', 'encryption-report.md']);
    expect(JSON.parse(fs.readFileSync(path.join(cwd, 'encryption-report.json'), 'utf8'))).toEqual(V1);
    expect(fs.readFileSync(path.join(cwd, 'encryption-report.html'), 'utf8')).toBe(`<html>${Object.keys(V1).join(',')}</html>`);
    expect(fs.readFileSync(path.join(cwd, 'encryption-report.md'), 'utf8')).toBe(`# ${Object.keys(V1).join(',')}`);
    expect(out).toEqual(['Wrote encryption-report.json, encryption-report.html, encryption-report.md: 1 key(s) in 1 stack(s).']);
    expect(err).toEqual([]);
  });

  test('the command word may be left out (the cdk-kms-encryption-report bin); the assembly is relative to the current directory', async () => {
    // GIVEN
    reportsByAssembly({ 'v1.out': V1 });

    // WHEN
    const code = await run('build/v1.out', '--out', 'reports', '--format', 'md,json');

    // THEN
    expect(code).toBe(EXIT_OK);
    expect(build).toHaveBeenCalledWith(path.join(cwd, 'build', 'v1.out'));
    expect(fs.readdirSync(path.join(cwd, 'reports')).sort()).toEqual(['encryption-report.json', 'encryption-report.md']);
    expect(out).toEqual([`Wrote ${path.join('reports', 'encryption-report.json')}, ${path.join('reports', 'encryption-report.md')}: 1 key(s) in 1 stack(s).`]);
  });

  test('the JSON is the same bytes on every run', async () => {
    // GIVEN
    reportsByAssembly({ 'cdk.out': V2 });
    await run('--format=json', '--out=a');

    // WHEN
    await run('--format=json', '--out=b');

    // THEN
    expect(fs.readFileSync(path.join(cwd, 'b', 'encryption-report.json'), 'utf8')).toBe(fs.readFileSync(path.join(cwd, 'a', 'encryption-report.json'), 'utf8'));
    expect(fs.readFileSync(path.join(cwd, 'a', 'encryption-report.json'), 'utf8')).toBe(`${JSON.stringify(V2, undefined, 2)}\n`);
  });

  test.each([[], ['report']])('--help prints the usage (%j)', async (...command) => {
    expect(await run(...command, '--help')).toBe(EXIT_OK);
    expect(out).toEqual([USAGE]);
    expect(build).not.toHaveBeenCalled();
  });
});

describe('--diff', () => {
  beforeEach(() => reportsByAssembly({ 'v1.out': V1, 'v2.out': V2 }));

  test('writes the diff in the three formats and summarizes it', async () => {
    // WHEN
    const code = await run('report', 'v2.out', '--diff', 'v1.out');

    // THEN
    expect(code).toBe(EXIT_OK);
    expect(fs.readdirSync(cwd).sort()).toEqual(['encryption-report-diff.html', 'encryption-report-diff.json', 'encryption-report-diff.md']);
    const diff = JSON.parse(fs.readFileSync(path.join(cwd, 'encryption-report-diff.json'), 'utf8'));
    expect(diff).toMatchObject({ old: 'v1.out', new: 'v2.out', gained: [{ principal: { id: 'Payments/NewRole' }, capability: 'decrypt', conditions: [] }], lost: [] });
    expect(out).toEqual(['Wrote encryption-report-diff.json, encryption-report-diff.html, encryption-report-diff.md: 1 access(es) gained, 0 lost, 0 key(s) added, 0 removed, 0 data change(s).']);
    expect(err).toEqual([]);
  });

  test('--fail-on-new-access exits with 1 and lists what was gained', async () => {
    // WHEN
    const code = await run('v2.out', '--diff', 'v1.out', '--fail-on-new-access', '--format', 'json');

    // THEN
    expect(code).toBe(EXIT_NEW_ACCESS);
    expect(err).toEqual([[
      'Access gained from v1.out to v2.out (--fail-on-new-access):',
      '  Payments/NewRole can decrypt with Payments/DataKey (no conditions) — data: Payments/DataBucket/Resource',
    ].join('\n')]);
  });

  test('--fail-on-new-access exits with 0 when access was only lost', async () => {
    expect(await run('v1.out', '--diff', 'v2.out', '--fail-on-new-access', '--format', 'json')).toBe(EXIT_OK);
    expect(err).toEqual([]);
    expect(out).toEqual(['Wrote encryption-report-diff.json: 0 access(es) gained, 1 lost, 0 key(s) added, 0 removed, 0 data change(s).']);
  });
});

describe('bad input and usage exit with 2, and say what was expected', () => {
  const FLAGS = 'the options are --out DIR, --diff OLD, --fail-on-new-access, --format LIST, --help';
  test.each([
    [['--fail'], `unknown option --fail; ${FLAGS}`],
    [['-o', 'x'], `unknown option -o; ${FLAGS}`],
    [['--out'], '--out needs a value: --out DIR'],
    [['--diff', '--fail-on-new-access'], '--diff needs a value: --diff OLD'],
    [['--fail-on-new-access=yes', '--diff', 'v1.out'], '--fail-on-new-access takes no value'],
    [['--out', 'a', '--out', 'b'], '--out given 2 times (a, b); give it once'],
    [['--diff', 'a', '--diff=b'], '--diff given 2 times (a, b); give it once'],
    [['report', 'v1.out', 'v2.out'], 'expected at most one assembly directory, got 2: v1.out, v2.out'],
    [['--fail-on-new-access'], '--fail-on-new-access compares two assemblies: add --diff OLD, the assembly to compare with'],
    [['--format', 'json,pdf'], '--format json,pdf: expected a comma-separated list of json, html, md; unknown: \'pdf\''],
    [['--format', ''], '--format : expected a comma-separated list of json, html, md; unknown: \'\''],
  ])('%j', async (argv, message) => {
    expect(await run(...argv)).toBe(EXIT_USAGE);
    expect(err).toEqual([`cdk-kms-encryption report: ${message}\nRun with --help for the usage.`]);
    expect(build).not.toHaveBeenCalled();
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('an assembly the report cannot read: the report\'s own message, naming the file', async () => {
    // GIVEN
    build.mockRejectedValue(new ReportInputError(`${cwd}/cdk.out/manifest.json: not found; expected a cloud assembly directory written by cdk synth`));

    // WHEN
    const code = await run();

    // THEN
    expect(code).toBe(EXIT_USAGE);
    expect(err).toEqual([`cdk-kms-encryption report: ${cwd}/cdk.out/manifest.json: not found; expected a cloud assembly directory written by cdk synth`]);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('--out names a file', async () => {
    // GIVEN
    reportsByAssembly({ 'cdk.out': V1 });
    fs.writeFileSync(path.join(cwd, 'taken'), '');

    // WHEN
    const code = await run('--out', 'taken');

    // THEN
    expect(code).toBe(EXIT_USAGE);
    expect(err).toEqual([`cdk-kms-encryption report: --out ${path.join(cwd, 'taken')}: cannot write ${path.join(cwd, 'taken')} (EEXIST); expected a directory that can be written`]);
  });

  test('anything else is a defect, not bad input: it is thrown for bin.ts, which prints it with its stack and exits with 3', async () => {
    // GIVEN
    const defect = new TypeError('Cannot read properties of undefined');
    build.mockRejectedValue(defect);

    // WHEN
    const thrown = await run().catch((error: unknown) => error);
    const code = reportInternalError(thrown, { out: (text) => out.push(text), err: (text) => err.push(text), cwd });

    // THEN
    expect(thrown).toBe(defect);
    expect(code).toBe(EXIT_INTERNAL);
    expect(err).toEqual([`cdk-kms-encryption report: internal error, please report it: ${defect.stack}`]);
  });
});
