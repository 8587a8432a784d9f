/**
 * Measures what a command costs the machine: wall time and the peak resident memory summed over its
 * whole process tree (VmRSS of /proc/<pid>/status for the command and every descendant, sampled every
 * second; `/usr/bin/time -v` reports only the largest single process). Jest's per-file footprint is
 * recorded by test/util/footprint.ts, which this script switches on, and summarized after the run.
 *
 *   npx ts-node --project test/tsconfig.json scripts/test-footprint.ts [--out DIR] [--every MS] -- npm test
 *
 * The budget (CONTRIBUTING.md, issue 31): `npm test` under 6 GB peak and 10 minutes on a 2-core, 24 GB
 * machine. Linux only (/proc).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FOOTPRINT_FILE_ENV, FileFootprint } from '../test/util/footprint';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const BUDGET_BYTES = 6 * 1000 ** 3;
const BUDGET_SECONDS = 600;
/** sysconf(_SC_CLK_TCK), 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

interface Sample {
  readonly total: number;
  readonly processes: { pid: number; rss: number; command: string }[];
}

async function main(): Promise<void> {
  const { command, outDir, everyMs } = parseArgs(process.argv.slice(2));
  fs.mkdirSync(outDir, { recursive: true });
  const filesLog = path.join(outDir, 'files.jsonl');
  fs.rmSync(filesLog, { force: true });

  const started = Date.now();
  const child = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, [FOOTPRINT_FILE_ENV]: filesLog },
  });
  let peak: Sample = { total: 0, processes: [] };
  const timeline: string[] = [];
  const timer = setInterval(() => {
    const sample = sampleTree(child.pid!);
    timeline.push(`${Math.round((Date.now() - started) / 1000)}\t${Math.round(sample.total / MIB)}\t${sample.processes.length}`);
    if (sample.total > peak.total) {
      peak = sample;
    }
  }, everyMs);
  const exitCode = await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  clearInterval(timer);
  const seconds = (Date.now() - started) / 1000;
  const cpuSeconds = reapedChildrenCpuSeconds();

  fs.writeFileSync(path.join(outDir, 'timeline.tsv'), `seconds\trssMiB\tprocesses\n${timeline.join('\n')}\n`);
  const report = [
    `command: ${command.join(' ')} (exit ${exitCode})`,
    `wall time: ${seconds.toFixed(0)} s (budget ${BUDGET_SECONDS} s)${seconds > BUDGET_SECONDS ? '  OVER BUDGET' : ''}`,
    // On a busy machine wall time says little: the tree's CPU time over the cores is its floor on an idle one.
    `CPU time of the process tree: ${cpuSeconds.toFixed(0)} s (${(cpuSeconds / os.cpus().length).toFixed(0)} s per core)`,
    `peak RSS of the process tree: ${(peak.total / GIB).toFixed(2)} GiB = ${(peak.total / 1000 ** 3).toFixed(2)} GB`
      + ` (budget ${BUDGET_BYTES / 1000 ** 3} GB)${peak.total > BUDGET_BYTES ? '  OVER BUDGET' : ''}`,
    'largest processes at the peak:',
    ...peak.processes.sort((a, b) => b.rss - a.rss).slice(0, 6)
      .map((p) => `  ${(p.rss / MIB).toFixed(0).padStart(6)} MiB  ${p.pid}  ${p.command.slice(0, 110)}`),
    ...perFileReport(filesLog),
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'report.txt'), `${report}\n`);
  console.log(`\n${report}\n(written to ${outDir})`);
  process.exitCode = exitCode;
}

function parseArgs(args: string[]): { command: string[]; outDir: string; everyMs: number } {
  const separator = args.indexOf('--');
  const options = separator < 0 ? [] : args.slice(0, separator);
  const command = separator < 0 ? args : args.slice(separator + 1);
  if (command.length === 0) {
    throw new Error('Usage: test-footprint.ts [--out DIR] [--every MS] -- <command...>');
  }
  const option = (name: string) => {
    const at = options.indexOf(name);
    return at < 0 ? undefined : options[at + 1];
  };
  return {
    command,
    outDir: path.resolve(option('--out') ?? path.join(os.tmpdir(), `test-footprint-${Date.now()}`)),
    everyMs: Number(option('--every') ?? 1000),
  };
}

/** The process and all its descendants, with their resident memory. */
function sampleTree(root: number): Sample {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    const ppid = Number.isInteger(pid) ? parentOf(pid) : undefined;
    if (ppid !== undefined) {
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    }
  }
  const processes: Sample['processes'] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    const rss = residentBytes(pid);
    if (rss !== undefined) {
      processes.push({ pid, rss, command: commandOf(pid) });
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return { total: processes.reduce((sum, p) => sum + p.rss, 0), processes };
}

function parentOf(pid: number): number | undefined {
  const stat = readProc(pid, 'stat');
  // The command name (field 2) is in parentheses and may hold spaces: the parent pid follows the last ')'.
  return stat === undefined ? undefined : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function residentBytes(pid: number): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readProc(pid, 'status') ?? '');
  return match ? Number(match[1]) * 1024 : undefined;
}

function commandOf(pid: number): string {
  return (readProc(pid, 'cmdline') ?? '').split('\0').join(' ').trim();
}

/** User and system time of every descendant this process has reaped (cutime, cstime of /proc/self/stat). */
function reapedChildrenCpuSeconds(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // Fields 16 and 17 of stat(5), counted from the state (field 3) at index 0.
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
}

/** A process may exit between listing and reading. */
function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** The ten test files that grew their worker's memory most, and the ten slowest. */
function perFileReport(filesLog: string): string[] {
  if (!fs.existsSync(filesLog)) {
    return [];
  }
  const files: FileFootprint[] = fs.readFileSync(filesLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const row = (f: FileFootprint) => [
    `${((f.rssAfter - f.rssBefore) / MIB).toFixed(0).padStart(6)}`,
    `${(f.rssAfter / MIB).toFixed(0).padStart(6)}`,
    `${(f.milliseconds / 1000).toFixed(1).padStart(6)}`,
    `${String(f.tests).padStart(4)}`,
    `${f.cdkVersion.padEnd(8)}`,
    f.file,
  ].join(' | ');
  const header = ' +RSS MiB | RSS MiB |      s | tests | aws-cdk-lib | file';
  const top = (by: (f: FileFootprint) => number) => [...files].sort((a, b) => by(b) - by(a)).slice(0, 10).map(row);
  return [
    `per test file (${files.length} files, ${files.reduce((sum, f) => sum + f.tests, 0)} tests; RSS of the jest worker that ran it):`,
    'top ten by RSS growth:', header, ...top((f) => f.rssAfter - f.rssBefore),
    'top ten by duration:', header, ...top((f) => f.milliseconds),
  ];
}

void main();
