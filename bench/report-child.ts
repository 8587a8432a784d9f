/**
 * Runs in a child process of bench.ts: synthesizes the library app with N units (timed, as synth-child.ts does),
 * then writes its encryption report into the assembly as the CLI and the synth plugin do (timed apart: reading
 * and evaluating the assembly, then rendering and writing the three files), and prints one line of JSON (a
 * {@link ReportSample}).
 *
 * Usage: report-child.ts <units> <outdir>
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { libraryApp } from './apps/library';
import type { ReportSample } from './report';
import { buildReport } from '../report/src/build';
import { writeReport } from '../report/src/write';

async function main(): Promise<void> {
  const [unitsArg, outdir] = process.argv.slice(2);
  const synthStart = performance.now();
  libraryApp(Number(unitsArg), outdir).synth();
  const buildStart = performance.now();
  const cpuStart = process.cpuUsage();
  const report = await buildReport(outdir);
  const writeStart = performance.now();
  const files = writeReport(report, outdir);
  const end = performance.now();
  const cpu = process.cpuUsage(cpuStart);

  const sample: ReportSample = {
    synthMs: buildStart - synthStart,
    buildMs: writeStart - buildStart,
    writeMs: end - writeStart,
    reportMs: end - buildStart,
    reportCpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    stacks: report.stacks.length,
    keys: report.keys.length,
    access: report.keys.reduce((total, key) => total + key.access.length, 0),
    bytes: Object.fromEntries(files.map((file) => [path.extname(file).slice(1), fs.statSync(file).size])),
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
