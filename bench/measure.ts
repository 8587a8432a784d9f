/**
 * Measurements of the benchmark: synth time and memory in child processes, template size and resource
 * count of one construct, and small statistics helpers.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

const ROOT = path.resolve(__dirname, '..');

/** The shape of a synthesized benchmark app. */
export interface AssemblyShape {
  readonly stacks: number;
  readonly resourcesPerStack: number[];
  /** Per stack: Lambda functions, by the class of the construct that defines them. */
  readonly functionsPerStackByKind: Array<Record<string, number>>;
}

/** One synth of one app, in its own process. */
export interface SynthSample {
  /** Loading the app's modules (with ts-node, which transpiles the library's TypeScript on the fly). */
  readonly loadMs: number;
  /** Building the construct tree and `app.synth()`: what the library changes. */
  readonly synthMs: number;
  /**
   * CPU time of the same, in every thread of the process (the garbage collector's too). Other processes
   * on a shared machine slow the wall time down, not this.
   */
  readonly cpuMs: number;
  /** Peak resident set size of the whole process. */
  readonly peakRssMb: number;
  readonly assembly?: AssemblyShape;
}

/** Median synth time and peak memory of several runs of one app. */
export interface SynthResult {
  readonly app: string;
  readonly units: number;
  readonly synthMs: number;
  readonly cpuMs: number;
  readonly loadMs: number;
  readonly peakRssMb: number;
  /** Wall time of each run, in run order. */
  readonly samplesMs: number[];
  /** CPU time of each run, in run order. */
  readonly samplesCpuMs: number[];
  readonly assembly: AssemblyShape;
}

/**
 * Synthesizes each app with `units` of each construct `runs` times, each run in a fresh Node.js process,
 * alternating between the apps so that changes in machine load hit both alike, and returns the medians.
 * Only the first run of each app inspects its assembly, outside the timed part.
 */
export function measureSynth(apps: string[], units: number, runs: number, cfnValidation: boolean): SynthResult[] {
  const samples = new Map<string, SynthSample[]>(apps.map((app) => [app, []]));
  for (let run = 0; run < runs; run++) {
    apps.forEach((app) => samples.get(app)!.push(synthOnce(app, units, run === 0, cfnValidation)));
  }
  return apps.map((app) => {
    const runsOfApp = samples.get(app)!;
    return {
      app,
      units,
      synthMs: median(runsOfApp.map((sample) => sample.synthMs)),
      cpuMs: median(runsOfApp.map((sample) => sample.cpuMs)),
      loadMs: median(runsOfApp.map((sample) => sample.loadMs)),
      peakRssMb: median(runsOfApp.map((sample) => sample.peakRssMb)),
      samplesMs: runsOfApp.map((sample) => Math.round(sample.synthMs)),
      samplesCpuMs: runsOfApp.map((sample) => Math.round(sample.cpuMs)),
      assembly: runsOfApp[0].assembly!,
    };
  });
}

function synthOnce(app: string, units: number, inspect: boolean, cfnValidation: boolean): SynthSample {
  const args = [app, String(units), '<outdir>', ...(inspect ? ['--inspect-assembly'] : [])];
  // aws-cdk-lib validates every template at synth unless CDK_VALIDATION is 'false'.
  return runChild('synth-child.ts', `bench-${app}-`, args, cfnValidation ? {} : { CDK_VALIDATION: 'false' });
}

/**
 * Runs a measuring child (`bench/<script>`) under ts-node in a fresh process, with a temporary output directory
 * in place of `<outdir>` among `args`, and returns the JSON of its last line of output.
 */
export function runChild<T>(script: string, tmpPrefix: string, args: string[], env: Record<string, string> = {}): T {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  try {
    const stdout = execFileSync(process.execPath,
      ['-r', 'ts-node/register', path.join(__dirname, script), ...args.map((arg) => arg === '<outdir>' ? outdir : arg)], {
        cwd: ROOT,
        // Type-checking is the job of tsc; transpiling only keeps ts-node's share of the load time small.
        env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json'), TS_NODE_TRANSPILE_ONLY: 'true', ...env },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
    return JSON.parse(stdout.trim().split('\n').pop()!);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Template bytes (as aws-cdk-lib writes them) and resources of a stack. */
export interface TemplateSize {
  readonly bytes: number;
  readonly resources: number;
}

/**
 * What one construct costs in a template: the first instance in a stack (which may define per-stack
 * singletons, like a custom resource handler) and each further one.
 */
export interface ConstructCost {
  readonly first: TemplateSize;
  readonly eachMore: TemplateSize;
}

/** Measures a construct from stacks holding one and two instances of it. */
export function constructCost(stackWith: (count: number) => Stack): ConstructCost {
  const one = templateSize(stackWith(1));
  const two = templateSize(stackWith(2));
  return { first: one, eachMore: { bytes: two.bytes - one.bytes, resources: two.resources - one.resources } };
}

function templateSize(stack: Stack): TemplateSize {
  const template = Template.fromStack(stack).toJSON();
  // aws-cdk-lib writes templates with an indentation of 1 (Stack._synthesizeTemplate).
  return { bytes: Buffer.byteLength(JSON.stringify(template, undefined, 1)), resources: Object.keys(template.Resources ?? {}).length };
}

/**
 * The median of the ratios of runs made one after the other (run i of one app over run i of the other):
 * a slower phase of a shared machine slows both runs of a pair, so pairing cancels much of it.
 */
export function pairedRatio(numerators: number[], denominators: number[]): number {
  return median(numerators.map((value, i) => value / denominators[i]));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The slope and the coefficient of determination of a least-squares line through the points: R² close to 1
 * means the cost grows linearly.
 */
export function linearFit(xs: number[], ys: number[]): { slope: number; intercept: number; r2: number } {
  const n = xs.length;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  const sxy = xs.reduce((sum, x, i) => sum + (x - meanX) * (ys[i] - meanY), 0);
  const sxx = xs.reduce((sum, x) => sum + (x - meanX) ** 2, 0);
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const ssTotal = ys.reduce((sum, y) => sum + (y - meanY) ** 2, 0);
  const ssResidual = ys.reduce((sum, y, i) => sum + (y - (intercept + slope * xs[i])) ** 2, 0);
  return { slope, intercept, r2: ssTotal === 0 ? 1 : 1 - ssResidual / ssTotal };
}
