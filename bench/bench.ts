/**
 * The benchmark (`npm run bench`, not part of `npm test`): synth cost and policy-size scaling of the
 * library against plain aws-cdk-lib, and the capacity of a stack and of a key. Prints tables, checks the
 * targets of issues 10 and 17, writes bench/results.json and, when writing there, the README's capacity
 * table.
 *
 * Options:
 *   --units=10,100,500  constructs of each kind per app (default 10,100,500)
 *   --runs=5            synth runs per app and size; the median is reported (default 5)
 *   --quick             --units=10,100 --runs=1, for a smoke run; the N = 500 target is then not checked
 *                       (the capacity search is the same)
 *   --out=<file>        where to write the JSON (default bench/results.json; only then is the README written)
 *   --report-only       only the encryption report's cost at the largest N of --units (default 500): added to
 *                       the existing results file as `report`, and to the README's Performance section
 *   --no-cfn-validation synthesize without aws-cdk-lib's built-in CloudFormation validation
 *                       (CDK_VALIDATION=false), to see the constructs' own cost apart from the validation of
 *                       their templates, which takes most of the synth time; the capacity found is then not
 *                       confirmed with it
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BASELINE_CONSTRUCTS, baselineConstructStack } from './apps/baseline';
import { Placement } from './apps/capacity';
import { LIBRARY_CONSTRUCTS, libraryConstructStack } from './apps/library';
import { UNITS_PER_STACK } from './apps/stacks';
import { Capacity, measureCapacity } from './capacity';
import { ConstructCost, SynthResult, constructCost, linearFit, measureSynth, pairedRatio } from './measure';
import { PolicySeries, measurePolicyScaling } from './policy-scaling';
import { capacityMarkdown, writeCapacityTable, writeReadmeBlock } from './readme';
import { ReportResult, measureReport, reportMarkdown } from './report';

/** Targets of issue 10. */
const TARGET_RATIO = 1.25;
const TARGET_RATIO_UNITS = 500;
/** A least-squares line through synth time against N must explain this much of the variance. */
const LINEAR_R2 = 0.98;
/** Targets of issue 17: the least N of a construct that must synthesize in each placement. */
const CAPACITY_TARGETS: Array<{ construct: string; placement: Placement; count: number }> = [
  { construct: 'SecureStringParameter', placement: Placement.OWN_KEYS, count: 150 },
  { construct: 'RotatingSecret', placement: Placement.OWN_KEYS, count: 120 },
  { construct: 'SecureStringParameter', placement: Placement.SHARED_KEY, count: 200 },
  { construct: 'RotatingSecret', placement: Placement.SHARED_KEY, count: 200 },
  { construct: 'SecureStringParameter', placement: Placement.PER_KEY, count: 400 },
  { construct: 'RotatingSecret', placement: Placement.PER_KEY, count: 400 },
];
const README = path.join(__dirname, '..', 'README.md');

interface Options {
  readonly units: number[];
  readonly runs: number;
  readonly out: string;
  readonly cfnValidation: boolean;
  readonly reportOnly: boolean;
}

/** Both apps at one N. */
interface SynthComparison {
  readonly units: number;
  readonly library: SynthResult;
  readonly baseline: SynthResult;
  /** Wall time, library/baseline (median of paired runs). */
  readonly ratio: number;
  /** CPU time, library/baseline (median of paired runs). */
  readonly cpuRatio: number;
}

interface Target {
  readonly target: string;
  /** undefined: not measured in this run. */
  readonly met?: boolean;
  readonly measured: string;
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const machine = describeMachine();
  console.log(`cdk-kms-encryption benchmark, ${machine.date}: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node.js ${machine.node}, load average ${machine.loadAverage}`);
  console.log(`N = ${options.units.join(', ')} of each construct, ${UNITS_PER_STACK} per stack, median of ${options.runs} run(s), built-in CloudFormation validation ${options.cfnValidation ? 'on (the default)' : 'off'}\n`);
  if (options.reportOnly) {
    const report = measureEncryptionReport(options);
    const previous = fs.existsSync(options.out) ? JSON.parse(fs.readFileSync(options.out, 'utf8')) : {};
    writeResults(options, { ...previous, report: { machine, ...report } }, machine, report);
    return;
  }

  const constructs = Object.keys(LIBRARY_CONSTRUCTS).map((name) => ({
    name,
    library: constructCost((count) => libraryConstructStack(name, count)),
    baseline: constructCost((count) => baselineConstructStack(name, count)),
  }));
  printConstructs(constructs);

  const synth = options.units.map((units) => {
    const [library, baseline] = measureSynth(['library', 'baseline'], units, options.runs, options.cfnValidation);
    return {
      units,
      library,
      baseline,
      ratio: pairedRatio(library.samplesMs, baseline.samplesMs),
      cpuRatio: pairedRatio(library.samplesCpuMs, baseline.samplesCpuMs),
    };
  });
  printSynth(synth);

  const functions = functionsPerStack(synth[synth.length - 1].library);
  console.log(`\nLambda functions per library stack at N = ${synth[synth.length - 1].units}, most in any stack: ${formatCounts(functions)}`);

  const policies = measurePolicyScaling();
  printPolicies(policies);

  const capacity = measureCapacity(options.cfnValidation);
  printCapacity(capacity);

  const report = measureEncryptionReport(options);

  const targets = checkTargets(synth, functions, policies, capacity);
  console.log('\nTargets');
  targets.forEach((t) => console.log(`  ${t.met === undefined ? 'NOT MEASURED' : t.met ? 'MET   ' : 'MISSED'}  ${t.target}: ${t.measured}`));

  const results = { machine, options, constructs, synth, functionsPerStack: functions, policies, capacity, report: { machine, ...report }, targets };
  writeResults(options, results, machine, report);
  if (options.out === DEFAULT_OUT) {
    writeCapacityTable(README, capacityMarkdown({ machine, capacity }));
    console.log(`Wrote the capacity table of ${path.relative(process.cwd(), README)}`);
  }
}

/** The encryption report of the library app at the largest N (issue 29: 500). */
function measureEncryptionReport(options: Options): ReportResult {
  const units = Math.max(...options.units);
  console.log(`\nEncryption report of the library app at N = ${units} (synth, then the report into the assembly; ${options.runs} run(s))`);
  const report = measureReport(units, options.runs);
  table(
    [
      'N', 'stacks', 'keys', 'access entries', 'synth ms', 'report ms (read + evaluate / render + write)',
      'report CPU ms', 'peak RSS MB', 'JSON / HTML / MD bytes',
    ],
    [[
      String(units), String(report.stacks), String(report.keys), String(report.access), String(Math.round(report.synthMs)),
      `${Math.round(report.reportMs)} (${Math.round(report.buildMs)} / ${Math.round(report.writeMs)}; runs ${report.samplesMs.join(', ')})`,
      String(Math.round(report.reportCpuMs)), String(Math.round(report.peakRssMb)),
      ['json', 'html', 'md'].map((format) => report.bytes[format] ?? 0).join(' / '),
    ]],
  );
  return report;
}

function writeResults(options: Options, results: object, machine: ReturnType<typeof describeMachine>, report: ReportResult): void {
  fs.writeFileSync(options.out, `${JSON.stringify(results, undefined, 2)}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), options.out)}`);
  if (options.out === DEFAULT_OUT) {
    writeReadmeBlock(README, 'report-bench', reportMarkdown(machine, report));
    console.log(`Wrote the encryption report's line of ${path.relative(process.cwd(), README)}`);
  }
}

const DEFAULT_OUT = path.join(__dirname, 'results.json');

function parseOptions(args: string[]): Options {
  const value = (name: string): string | undefined => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = args.includes('--quick');
  const units = (value('units') ?? (quick ? '10,100' : '10,100,500')).split(',').map(Number);
  const runs = Number(value('runs') ?? (quick ? 1 : 5));
  if (units.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(runs) || runs < 1) {
    throw new Error(`bench: --units must be positive integers and --runs a positive integer, got --units=${units.join(',')} --runs=${runs}`);
  }
  const cfnValidation = !args.includes('--no-cfn-validation');
  return { units, runs, cfnValidation, reportOnly: args.includes('--report-only'), out: path.resolve(value('out') ?? DEFAULT_OUT) };
}

function describeMachine() {
  return {
    date: new Date().toISOString().slice(0, 10),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.versions.node,
    awsCdkLib: JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version as string,
    // Synth time is CPU-bound: a load above the CPU count means the timings are inflated and noisy.
    loadAverage: os.loadavg().map((load) => load.toFixed(1)).join(' '),
  };
}

function printConstructs(constructs: Array<{ name: string; library: ConstructCost; baseline: ConstructCost }>): void {
  console.log('Template cost per construct: first in a stack (with per-stack handlers) / each further one');
  table(
    ['construct', 'library bytes', 'baseline bytes', 'library resources', 'baseline resources'],
    constructs.map(({ name, library, baseline }) => [
      name,
      `${library.first.bytes} / ${library.eachMore.bytes}`,
      `${baseline.first.bytes} / ${baseline.eachMore.bytes}`,
      `${library.first.resources} / ${library.eachMore.resources}`,
      `${baseline.first.resources} / ${baseline.eachMore.resources}`,
    ]),
  );
}

function printSynth(synth: SynthComparison[]): void {
  console.log(`\nSynth of N of each of the ${Object.keys(BASELINE_CONSTRUCTS).length} constructs (build + app.synth(), module loading excluded)`);
  console.log('ratio: median of library/baseline over runs made one after the other; CPU ratio: the same with CPU time');
  table(
    ['N', 'stacks', 'resources lib / base', 'library ms', 'baseline ms', 'ratio', 'CPU ratio', 'peak RSS MB lib / base', 'load ms lib / base'],
    synth.map(({ units, library, baseline, ratio, cpuRatio }) => [
      String(units),
      String(library.assembly.stacks),
      `${sum(library.assembly.resourcesPerStack)} / ${sum(baseline.assembly.resourcesPerStack)}`,
      `${Math.round(library.synthMs)} (${library.samplesMs.join(', ')})`,
      `${Math.round(baseline.synthMs)} (${baseline.samplesMs.join(', ')})`,
      ratio.toFixed(2),
      cpuRatio.toFixed(2),
      `${Math.round(library.peakRssMb)} / ${Math.round(baseline.peakRssMb)}`,
      `${Math.round(library.loadMs)} / ${Math.round(baseline.loadMs)}`,
    ]),
  );
}

function printPolicies(policies: PolicySeries[]): void {
  console.log('\nPolicy size as users grow (deployed bytes; * = the library refuses it at synth)');
  table(
    ['users of one key / handler', 'limit', 'bytes at each count', 'bytes per user', 'limit reached at'],
    policies.map((series) => [
      series.name,
      String(series.limit),
      series.points.map((p) => `${p.count}: ${p.deployedBytes}${p.synthError ? '*' : ''}${p.policies !== undefined && p.policies > 1 ? ` (largest of ${p.policies}, ${p.totalDeployedBytes} in all)` : ''}`).join(', '),
      series.bytesPerUser.toFixed(0),
      series.limitAt === undefined ? 'never (constant)' : `~${series.limitAt}`,
    ]),
  );
}

function printCapacity(capacity: Capacity): void {
  console.log(`\nCapacity: the largest N that synthesizes, and the limit that stops N + 1 (searches stop at ${capacity.caps.perStack} per stack, ${capacity.caps.perKey} per key)`);
  table(
    ['construct', 'placement', 'largest N', 'limit of N + 1', 'per stack', 'most resources / template bytes in a stack at N', 'synths', 's'],
    capacity.results.map((result) => [
      result.construct,
      result.placement,
      result.largest === undefined ? '-' : String(result.largest),
      result.limit,
      result.perStack === undefined ? '' : String(result.perStack),
      result.resources === undefined ? '' : `${result.resources} / ${result.templateBytes}`,
      String(result.probes),
      (result.ms / 1000).toFixed(1),
    ]),
  );
  console.log(`Capacity search: ${(capacity.ms / 1000).toFixed(0)} s, ${sum(capacity.results.map((result) => result.probes))} synths, CloudFormation validation ${capacity.cfnValidationConfirmed ? 'off while searching, on to confirm each largest N' : 'off'}`);
}

/** Most Lambda functions of each kind in any one stack. */
function functionsPerStack(result: SynthResult): Record<string, number> {
  const most: Record<string, number> = {};
  for (const counts of result.assembly.functionsPerStackByKind) {
    Object.entries(counts).forEach(([kind, count]) => most[kind] = Math.max(most[kind] ?? 0, count));
  }
  return most;
}

function checkTargets(
  synth: SynthComparison[],
  functions: Record<string, number>,
  policies: PolicySeries[],
  capacity: Capacity,
): Target[] {
  const at500 = synth.find((s) => s.units === TARGET_RATIO_UNITS);
  const fit = linearFit(synth.map((s) => s.units), synth.map((s) => s.library.synthMs));
  const targets: Target[] = [
    {
      target: `synth time ratio library/baseline <= ${TARGET_RATIO} at N = ${TARGET_RATIO_UNITS}`,
      met: at500 && at500.ratio <= TARGET_RATIO,
      measured: at500 ? `${at500.ratio.toFixed(2)} (CPU time ${at500.cpuRatio.toFixed(2)})` : `N = ${TARGET_RATIO_UNITS} not run`,
    },
    {
      target: `library synth time linear in N (R² >= ${LINEAR_R2})`,
      met: synth.length >= 3 ? fit.r2 >= LINEAR_R2 : undefined,
      measured: synth.length >= 3 ? `R² = ${fit.r2.toFixed(3)}, ${fit.slope.toFixed(1)} ms per unit of ${Object.keys(LIBRARY_CONSTRUCTS).length} constructs` : 'needs 3 sizes',
    },
    {
      target: 'one Lambda function per kind per stack, whatever N',
      met: Object.values(functions).every((count) => count === 1),
      measured: formatCounts(functions),
    },
  ];
  for (const series of policies.filter((s) => s.target !== undefined)) {
    const point = series.points.find((p) => p.count === series.target)!;
    targets.push({
      target: `one key serves ${series.target} ${series.name} under ${series.limit} bytes`,
      met: series.targetMet,
      measured: `${point.deployedBytes} bytes${point.synthError ? `, refused at synth: ${point.synthError}` : ''}`,
    });
  }
  for (const { construct, placement, count } of CAPACITY_TARGETS) {
    const result = capacity.results.find((r) => r.construct === construct && r.placement === placement)!;
    targets.push({
      target: `${count} ${construct}s synthesize, ${placement}`,
      met: result.largest !== undefined && result.largest >= count,
      measured: `${result.largest}, then ${result.limit}`,
    });
  }
  return targets;
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts).map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none';
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Prints rows as an aligned plain-text table. */
function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `  ${cells.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`;
  console.log(line(header));
  rows.forEach((row) => console.log(line(row)));
}

main();
