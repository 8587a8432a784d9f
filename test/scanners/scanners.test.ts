/**
 * The template scanners users run over `cdk.out` besides cdk-nag: checkov and cfn-lint, pinned in
 * scripts/scanners/requirements.txt and installed into .venv-scanners/ on first use. They read the
 * showcase app (demo/showcase.ts) and every integration snapshot: nothing the library defines may have a
 * finding but those its constructs suppress with a reason (src/private/acknowledgements.ts), which are
 * exactly those the README's acknowledgements table lists; findings on resources the library does not
 * define are listed with their reason in not-the-librarys.ts. A canary template proves both scanners
 * ran and read the suppressions.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, IPolicyValidationContext } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { NOT_THE_LIBRARYS } from './not-the-librarys';
import { addShowcaseStacks } from '../../demo/showcase';
import { SynthesizedApp } from '../../src/checks/private/assembly';
import { RULES } from '../../src/checks/private/rules';

// The first run on a fresh clone installs the scanners (about a minute, more on a busy machine).
jest.setTimeout(15 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const CANARY = 'test/scanners/canary.template.json';

/** One finding of a scanner, on a resource of a template (paths relative to the repository). */
interface Finding {
  readonly check: string;
  readonly template: string;
  readonly resource: string;
}

/** Every template the scanners read, by repository-relative path (the showcase under `showcase/`). */
let templates: Map<string, any>;
let checkov: Finding[];
let cfnLint: Finding[];
/** What EncryptionChecks' KMS.1 / KMS.2 rule finds in the same templates. */
let decryptOnAllKeys: Finding[];
const seconds: Record<string, number> = {};

beforeAll(() => {
  const venv = execFileSync('bash', [path.join(ROOT, 'scripts/scanners/install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  templates = new Map([...showcaseTemplates(), ...integSnapshotTemplates(), [CANARY, readJson(path.join(ROOT, CANARY))]]);
  // Both scanners read one directory of copies, named after their source path.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scanners-'));
  const copies = new Map<string, string>();
  for (const [template, json] of templates) {
    const copy = path.join(dir, template.replace(/\//g, '__'));
    fs.writeFileSync(copy, JSON.stringify(json));
    copies.set(copy, template);
  }
  checkov = timed('checkov', () => runCheckov(path.join(venv, 'bin', 'checkov'), dir, copies));
  cfnLint = timed('cfn-lint', () => runCfnLint(path.join(venv, 'bin', 'cfn-lint'), [...copies.keys()], copies));
  decryptOnAllKeys = ruleFindings('cdk-kms-encryption::IamPolicyKmsDecryptAllKeys', copies);
  fs.rmSync(dir, { recursive: true, force: true });
});

afterAll(() => {
  // Reported for the suite's time budget (issue 31).
  process.stdout.write(`scanners over ${templates?.size} templates: ${JSON.stringify(seconds)} s\n`);
});

describe('the canary proves each scanner ran and read the suppressions', () => {
  test('checkov', () => {
    // SuppressedFunction has the same faults as PlainFunction, each suppressed in its Metadata.
    expect(checksOn(checkov, CANARY)).toEqual([
      'CKV_AWS_115 PlainFunction', 'CKV_AWS_116 PlainFunction', 'CKV_AWS_117 PlainFunction',
      'CKV_AWS_18 PlainBucket', 'CKV_AWS_21 PlainBucket', 'CKV_AWS_53 PlainBucket', 'CKV_AWS_54 PlainBucket', 'CKV_AWS_55 PlainBucket', 'CKV_AWS_56 PlainBucket',
    ].sort());
  });

  test('cfn-lint', () => {
    expect(checksOn(cfnLint, CANARY)).toEqual(['W3005 PlainFunction']);
  });
});

test('zero findings on what the library defines, in the showcase and every integration snapshot', () => {
  const findings = [...checkov, ...cfnLint].filter((finding) => finding.template !== CANARY && !foreign(finding));
  expect(findings.map((finding) => `${finding.check} ${finding.template} ${finding.resource}`).sort()).toEqual([]);
});

test('every finding listed as not the library\'s still happens', () => {
  const findings = [...checkov, ...cfnLint, ...decryptOnAllKeys];
  const unused = NOT_THE_LIBRARYS.filter((entry) => !findings.some((finding) => matches(entry, finding)));
  expect(unused.map((entry) => entry.owner)).toEqual([]);
});

// Security Hub's KMS.1 / KMS.2, judged from the templates with EncryptionChecks' own rule: no identity
// policy in the showcase or an integration snapshot may decrypt with all keys, whatever its conditions.
test('Security Hub KMS.1 / KMS.2: no identity policy allows kms:Decrypt or kms:ReEncryptFrom on all keys', () => {
  const findings = decryptOnAllKeys.filter((finding) => !foreign(finding));
  expect(findings.map((finding) => `${finding.template} ${finding.resource}`).sort()).toEqual([]);
});

describe('suppressions: each with a reason, each in the README\'s acknowledgements table, and no row without one', () => {
  /** The ids of the suppressions the showcase's resources carry, per scanner. */
  const written = (scanner: 'checkov' | 'cfn-lint'): string[] => {
    const resources = [...templates].filter(([template]) => template.startsWith('showcase/'))
      .flatMap(([, template]) => Object.values<any>(template.Resources ?? {}));
    const ids = resources.flatMap((resource) => scanner === 'checkov'
      ? (resource.Metadata?.checkov?.skip ?? []).map((skip: any) => skip.id)
      : resource.Metadata?.['cfn-lint']?.config?.ignore_checks ?? []);
    return [...new Set<string>(ids)].sort();
  };

  test('every checkov skip has a comment', () => {
    const skips = [...templates].filter(([template]) => template !== CANARY).flatMap(([, template]) => Object.values<any>(template.Resources ?? {}))
      .flatMap((resource) => resource.Metadata?.checkov?.skip ?? []);
    expect(skips.length).toBeGreaterThan(0);
    expect(skips.filter((skip: any) => !(typeof skip.comment === 'string' && skip.comment.length > 20))).toEqual([]);
  });

  test.each(['checkov', 'cfn-lint'] as const)('%s', (scanner) => {
    expect(readmeColumn(scanner)).toEqual(written(scanner));
  });
});

/** The showcase app, synthesized into a fresh directory: its templates as `showcase/<file>`. */
function showcaseTemplates(): Array<[string, any]> {
  const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS }, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'showcase-')) });
  addShowcaseStacks(app);
  const assembly = app.synth();
  const result = assembly.stacks.map((stack): [string, any] => [`showcase/${stack.templateFile}`, stack.template]);
  fs.rmSync(assembly.directory, { recursive: true, force: true });
  return result;
}

/** Every `integ/<domain>/<app>.snapshot/*.template.json`. */
function integSnapshotTemplates(): Array<[string, any]> {
  const integ = path.join(ROOT, 'integ');
  return fs.readdirSync(integ, { withFileTypes: true }).filter((domain) => domain.isDirectory())
    .flatMap((domain) => fs.readdirSync(path.join(integ, domain.name)).filter((entry) => entry.endsWith('.snapshot'))
      .flatMap((snapshot) => fs.readdirSync(path.join(integ, domain.name, snapshot)).filter((file) => file.endsWith('.template.json'))
        .map((file): [string, any] => {
          const relative = path.join('integ', domain.name, snapshot, file);
          return [relative, readJson(path.join(ROOT, relative))];
        })));
}

/**
 * checkov's failed checks. Offline: no download of its guidelines or external checks.
 * @see https://www.checkov.io/2.Basics/CLI%20Command%20Reference.html
 */
function runCheckov(checkovBin: string, dir: string, copies: Map<string, string>): Finding[] {
  const run = spawnSync(checkovBin, ['-d', dir, '--framework', 'cloudformation', '--skip-download', '--output', 'json'], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', LOG_LEVEL: 'ERROR' },
  });
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`checkov exited with ${run.status}: ${run.stderr}`);
  }
  const reports = [JSON.parse(run.stdout)].flat();
  expect(reports.map((report: any) => report.summary.parsing_errors)).toEqual([0]);
  return reports.flatMap((report: any) => report.results.failed_checks).map((failed: any) => ({
    check: failed.check_id,
    template: copies.get(path.join(dir, failed.file_path))!,
    resource: failed.resource.split('.').slice(1).join('.'),
  }));
}

/**
 * cfn-lint's findings; its exit code is a bit field (2 errors, 4 warnings, 8 informational), 1 a failure of its own.
 * @see https://github.com/aws-cloudformation/cfn-lint#exit-codes
 */
function runCfnLint(cfnLintBin: string, files: string[], copies: Map<string, string>): Finding[] {
  const run = spawnSync(cfnLintBin, ['--format', 'json', '--', ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status === null || run.status % 2 === 1) {
    throw new Error(`cfn-lint exited with ${run.status}: ${run.stderr}`);
  }
  return JSON.parse(run.stdout).map((match: any) => ({
    check: match.Rule.Id,
    template: copies.get(match.Filename)!,
    resource: match.Location.Path[0] === 'Resources' ? match.Location.Path[1] : match.Location.Path.join('/'),
  }));
}

/** The findings of one EncryptionChecks rule on the templates (the canary aside), as the plugin judges them. */
function ruleFindings(ruleId: string, copies: Map<string, string>): Finding[] {
  const rule = RULES.find((candidate) => candidate.id === ruleId)!;
  const templatePaths = [...copies].filter(([, template]) => template !== CANARY).map(([copy]) => copy);
  // The templates alone, as the plugin reads them on aws-cdk-lib versions that pass no construct tree.
  const app = SynthesizedApp.fromContext({ templatePaths } as unknown as IPolicyValidationContext);
  return app.resources.filter((resource) => rule.resourceTypes.includes(resource.type) && rule.check(resource, app) !== undefined)
    .map((resource) => ({ check: ruleId, template: copies.get(resource.stack.templatePath)!, resource: resource.logicalId }));
}

/** The README acknowledgements table's ids in one scanner's column. */
function readmeColumn(scanner: 'checkov' | 'cfn-lint'): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.split('## Compliance acknowledgements')[1].split('<!-- acknowledgements:')[0];
  const rows = table.split('\n').filter((line) => line.startsWith('|')).map((line) => line.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '')));
  const column = rows[0].indexOf(scanner);
  expect(column).toBeGreaterThan(0);
  const pattern = scanner === 'checkov' ? /CKV_AWS_\d+/g : /\b[EWI]\d{4}\b/g;
  return [...new Set(rows.slice(2).flatMap((row) => row[column].match(pattern) ?? []))].sort();
}

function foreign(finding: Finding): boolean {
  return NOT_THE_LIBRARYS.some((entry) => matches(entry, finding));
}

function matches(entry: typeof NOT_THE_LIBRARYS[number], finding: Finding): boolean {
  return entry.template.test(finding.template) && entry.resource.test(finding.resource) && entry.checks.includes(finding.check);
}

function checksOn(findings: Finding[], template: string): string[] {
  return findings.filter((finding) => finding.template === template).map((finding) => `${finding.check} ${finding.resource}`).sort();
}

function timed<T>(name: string, run: () => T): T {
  const start = Date.now();
  try {
    return run();
  } finally {
    seconds[name] = Math.round((Date.now() - start) / 100) / 10;
  }
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
