/**
 * Writes the cloud assembly of the showcase app (demo/showcase.ts) as a released commit of this
 * repository synthesized it, into test/harness/baselines/<commit>/: its templates, asset manifests and
 * handler bundles. The upgrade tests (test/app/upgrade.test.ts) compare today's assembly with it and drive
 * it into today's. Usage: `npx ts-node --project scripts/tsconfig.json scripts/baseline-assembly.ts 32a4a74 1bcacb7`.
 *
 * Each commit is checked out into a temporary git worktree of this repository (nothing is fetched), with
 * this checkout's node_modules, bundled with its own `projen bundle`, and synthesized with the same
 * feature flags as test/app/showcase.test.ts.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const BASELINES = path.join(ROOT, 'test', 'harness', 'baselines');

/** The program the worktree runs: the showcase in an app of its own, synthesized into `outdir`. */
const SYNTH_PROGRAM = `
import { App } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { addShowcaseStacks } from './demo/showcase';
const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS }, outdir: process.argv[2] });
addShowcaseStacks(app);
app.synth();
`;

function main(): void {
  const commits = process.argv.slice(2);
  if (commits.length === 0) {
    throw new Error('Name the commits to synthesize, e.g. 32a4a74 1bcacb7.');
  }
  commits.forEach(writeBaseline);
}

function writeBaseline(commit: string): void {
  const worktree = fs.mkdtempSync(path.join(os.tmpdir(), `baseline-${commit}-`));
  const run = (command: string, args: string[], cwd = worktree) => execFileSync(command, args, { cwd, stdio: 'inherit' });
  run('git', ['worktree', 'add', '--detach', worktree, commit], ROOT);
  try {
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(worktree, 'node_modules'));
    run('npx', ['projen', 'bundle']);
    const program = path.join(worktree, 'baseline-synth.ts');
    fs.writeFileSync(program, SYNTH_PROGRAM);
    const outdir = path.join(worktree, 'baseline.out');
    run('npx', ['ts-node', '--project', 'test/tsconfig.json', program, outdir]);
    const target = path.join(BASELINES, commit);
    fs.rmSync(target, { recursive: true, force: true });
    copyAssembly(outdir, target);
    console.log(`baseline ${commit}: ${path.relative(ROOT, target)}`);
  } finally {
    run('git', ['worktree', 'remove', '--force', worktree], ROOT);
  }
}

/** Templates, asset manifests and the handler bundles they name; not the tree or metadata, which name local paths. */
function copyAssembly(outdir: string, target: string): void {
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(outdir, { withFileTypes: true })) {
    const source = path.join(outdir, entry.name);
    if (entry.isFile() && (entry.name.endsWith('.template.json') || entry.name.endsWith('.assets.json'))) {
      fs.copyFileSync(source, path.join(target, entry.name));
    } else if (entry.isDirectory() && entry.name.startsWith('asset.')) {
      fs.cpSync(source, path.join(target, entry.name), { recursive: true });
    }
  }
}

main();
