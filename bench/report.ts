/**
 * The encryption report's cost on the bench's library app (issue 29): synth, then the report written into the
 * assembly, each run in a fresh process (bench/report-child.ts). bench.ts runs it at N = 500, or alone with
 * `--report-only`.
 */
import { median, runChild } from './measure';

/** One run: the synth of the library app, then its report. */
export interface ReportSample {
  readonly synthMs: number;
  /** `buildReport`: reading the assembly and evaluating every key's policies with the IAM engine. */
  readonly buildMs: number;
  /** Rendering and writing encryption-report.json, .html and .md. */
  readonly writeMs: number;
  /** buildMs + writeMs: what the CLI or the plugin adds to a synth. */
  readonly reportMs: number;
  readonly reportCpuMs: number;
  /** Peak resident set size of the process (synth and report). */
  readonly peakRssMb: number;
  readonly stacks: number;
  readonly keys: number;
  /** Access entries (principal × capability × conditions) over all keys. */
  readonly access: number;
  /** Bytes of each file written, by format. */
  readonly bytes: Record<string, number>;
}

/** Medians of several runs at one N. */
export interface ReportResult extends ReportSample {
  readonly units: number;
  readonly runs: number;
  /** reportMs of each run, in run order. */
  readonly samplesMs: number[];
}

export function measureReport(units: number, runs: number): ReportResult {
  const samples: ReportSample[] = [];
  for (let run = 0; run < runs; run++) {
    samples.push(reportOnce(units));
  }
  const med = (pick: (sample: ReportSample) => number) => median(samples.map(pick));
  return {
    ...samples[0],
    units,
    runs,
    synthMs: med((s) => s.synthMs),
    buildMs: med((s) => s.buildMs),
    writeMs: med((s) => s.writeMs),
    reportMs: med((s) => s.reportMs),
    reportCpuMs: med((s) => s.reportCpuMs),
    peakRssMb: med((s) => s.peakRssMb),
    samplesMs: samples.map((s) => Math.round(s.reportMs)),
  };
}

function reportOnce(units: number): ReportSample {
  return runChild('report-child.ts', 'bench-report-', [String(units), '<outdir>']);
}

/** The README's line on the report, with the date and machine of the measurement. */
export function reportMarkdown(
  machine: { date: string; cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverage?: string },
  result: ReportResult,
): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const kb = (bytes: number | undefined) => `${Math.round((bytes ?? 0) / 1024).toLocaleString('en-US')} KB`;
  return [
    `The encryption report of the library app at N = ${result.units} (${result.stacks} stacks, ${result.keys.toLocaleString('en-US')} keys,`,
    `${result.access.toLocaleString('en-US')} access entries), measured ${machine.date} on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node.js ${machine.node}`,
    `(median of ${result.runs} run(s)${machine.loadAverage ? `, load average ${machine.loadAverage} at the start` : ''}; \`bench/results.json\` \`report\`): written in **${seconds(result.reportMs)}** (reading and evaluating`,
    `${seconds(result.buildMs)}, rendering and writing ${seconds(result.writeMs)}; CPU ${seconds(result.reportCpuMs)}) after a synth of ${seconds(result.synthMs)}`,
    `in the same process; peak RSS ${Math.round(result.peakRssMb)} MB. Files: JSON ${kb(result.bytes.json)}, HTML ${kb(result.bytes.html)}, Markdown ${kb(result.bytes.md)}.`,
  ].join('\n');
}
