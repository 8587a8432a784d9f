/**
 * Verifies (default) or rewrites (`--update`) the committed snapshots of the integration tests under
 * integ/, without an AWS account. Each `integ.*.ts` app is synthesized into a temporary directory and
 * its templates are compared with `<app>.snapshot/`, the layout integ-runner uses, so the same apps
 * deploy with `integ-runner` against a real account. See docs/decisions/0002-integ-snapshots.md for
 * why integ-runner itself does not verify them here.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';

const ROOT = path.resolve(__dirname, '..');
const INTEG_DIR = path.join(ROOT, 'integ');

function main(): void {
  const update = process.argv.includes('--update');
  const filter = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const apps = findApps(INTEG_DIR).filter((app) => filter.length === 0 || filter.some((f) => app.includes(f)));
  const failures = apps.filter((app) => !checkApp(app, update));
  console.log(`integ snapshots: ${apps.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length > 0) {
    console.log(`Failed: ${failures.map((app) => path.relative(ROOT, app)).join(', ')}`);
    console.log('If the change is intended, run `npx projen integ:update`, review the diff and commit it.');
    process.exitCode = 1;
  }
}

function findApps(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name.endsWith('.snapshot') ? [] : findApps(full);
    }
    return /^integ\..+\.ts$/.test(entry.name) ? [full] : [];
  }).sort();
}

/** Synthesizes one app and compares (or replaces) its snapshot; true when they match. */
function checkApp(app: string, update: boolean): boolean {
  const snapshotDir = `${app}.snapshot`;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-'));
  try {
    try {
      // What synthesis prints (expected warnings, the path of a report in outdir, deleted below) is
      // shown only when it fails.
      execFileSync('node', ['-r', 'ts-node/register', app], {
        cwd: ROOT,
        // Type-checked once for all apps by the integ task (tsc -p integ): ts-node only transpiles, which
        // saves each app a type-check of aws-cdk-lib's declarations (about 15 s of CPU an app).
        env: { ...process.env, CDK_OUTDIR: outdir, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json'), TS_NODE_TRANSPILE_ONLY: 'true' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (error) {
      console.log(String((error as { stderr?: Buffer }).stderr ?? error));
      console.log(`FAILED   ${path.relative(ROOT, app)} (synthesis failed, see above)`);
      return false;
    }
    if (update) {
      fs.rmSync(snapshotDir, { recursive: true, force: true });
      fs.cpSync(outdir, snapshotDir, { recursive: true });
      console.log(`UPDATED  ${path.relative(ROOT, app)}`);
      return true;
    }
    const differences = compareTemplates(snapshotDir, outdir);
    if (differences.length > 0) {
      console.log(`CHANGED  ${path.relative(ROOT, app)}`);
      differences.forEach((difference) => console.log(`  - ${difference}`));
    }
    return differences.length === 0;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function compareTemplates(snapshotDir: string, outdir: string): string[] {
  if (!fs.existsSync(snapshotDir)) {
    return ['no snapshot is committed'];
  }
  const templates = (dir: string) => fs.readdirSync(dir).filter((file) => file.endsWith('.template.json')).sort();
  const expected = templates(snapshotDir);
  const actual = templates(outdir);
  const differences = [...new Set([...expected, ...actual])]
    .filter((file) => !expected.includes(file) || !actual.includes(file))
    .map((file) => `${file} is ${expected.includes(file) ? 'no longer synthesized' : 'new'}`);
  for (const file of expected.filter((f) => actual.includes(f))) {
    const before = withoutSalt(JSON.parse(fs.readFileSync(path.join(snapshotDir, file), 'utf8')));
    const after = withoutSalt(JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')));
    for (const section of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const changed = Object.keys({ ...before[section], ...after[section] })
        .filter((key) => !isDeepStrictEqual(before[section]?.[key], after[section]?.[key]));
      if (changed.length > 0) {
        differences.push(`${file} ${section}: ${changed.join(', ')}`);
      }
    }
  }
  return differences;
}

/** integ-tests-alpha salts its assertion calls with the synth time so they rerun on every deploy. */
function withoutSalt(template: any): any {
  for (const resource of Object.values<any>(template.Resources ?? {})) {
    delete resource.Properties?.salt;
  }
  return template;
}

main();
