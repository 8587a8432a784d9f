/**
 * Runs in a child process of bench.ts: builds and synthesizes one benchmark app, then prints one line of
 * JSON (a {@link SynthSample}) on stdout. A fresh process per run keeps runs independent (no warm caches)
 * and makes the peak RSS that of one synth.
 *
 * Usage: synth-child.ts <library|baseline> <units> <outdir> [--inspect-assembly]
 */
import { performance } from 'perf_hooks';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { baselineApp } from './apps/baseline';
import { libraryApp } from './apps/library';
import type { AssemblyShape, SynthSample } from './measure';

const builders: Record<string, (units: number, outdir: string) => App> = { library: libraryApp, baseline: baselineApp };

function main(): void {
  const [appName, unitsArg, outdir] = process.argv.slice(2);
  const build = builders[appName];
  if (!build) {
    throw new Error(`synth-child: unknown app '${appName}', expected one of ${Object.keys(builders).join(', ')}`);
  }
  // performance.now() counts from the start of the process: until here, Node.js, ts-node and the imports load.
  const synthStart = performance.now();
  const cpuStart = process.cpuUsage();
  const app = build(Number(unitsArg), outdir);
  app.synth();
  const cpu = process.cpuUsage(cpuStart);
  const synthEnd = performance.now();

  const sample: SynthSample = {
    loadMs: synthStart,
    synthMs: synthEnd - synthStart,
    // cpuUsage reports microseconds.
    cpuMs: (cpu.user + cpu.system) / 1000,
    // resourceUsage reports kilobytes.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    assembly: process.argv.includes('--inspect-assembly') ? assemblyShape(app) : undefined,
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

/** Stacks, resources and Lambda functions of a synthesized app; not timed. */
function assemblyShape(app: App): AssemblyShape {
  const stacks = app.node.children.filter((child): child is Stack => Stack.isStack(child));
  return {
    stacks: stacks.length,
    resourcesPerStack: stacks.map((stack) => cfnResources(stack).length),
    functionsPerStackByKind: stacks.map((stack) => countBy(
      cfnResources(stack).filter((resource) => resource.cfnResourceType === 'AWS::Lambda::Function'),
      functionKind,
    )),
  };
}

function cfnResources(scope: Construct): CfnResource[] {
  return scope.node.findAll().filter((node): node is CfnResource => CfnResource.isCfnResource(node));
}

/**
 * The class of the L2 construct that defines a function (e.g. `SecureStringFunction`), so one function per
 * parameter would show as many functions of one kind, not as many kinds.
 */
function functionKind(resource: CfnResource): string {
  return resource.node.scope?.constructor.name ?? 'unknown';
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  items.forEach((item) => counts[key(item)] = (counts[key(item)] ?? 0) + 1);
  return counts;
}

main();
