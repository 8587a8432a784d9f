/**
 * Writes the README's capacity table from bench/results.json, between `<!-- capacity:begin -->` and
 * `<!-- capacity:end -->`, so it is never written by hand. bench.ts calls it after a run; to regenerate
 * the table from an existing results file:
 *
 *   npx ts-node --project test/tsconfig.json bench/readme.ts [results.json] [README.md]
 */
import * as fs from 'fs';
import * as path from 'path';
import { Placement } from './apps/capacity';
import type { Capacity, CapacityResult } from './capacity';


/** What the table needs from results.json. */
export interface CapacityResults {
  readonly machine: {
    readonly date: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGb: number;
    readonly node: string;
    readonly awsCdkLib?: string;
    readonly loadAverage?: string;
  };
  readonly capacity: Capacity;
}

/** The capacity table as Markdown, with the date and machine of the measurement. */
export function capacityMarkdown({ machine, capacity }: CapacityResults): string {
  const constructs = [...new Set(capacity.results.map((result) => result.construct))];
  const cell = (construct: string, placement: Placement) =>
    formatResult(capacity.results.find((r) => r.construct === construct && r.placement === placement)!);
  return [
    `Measured ${machine.date} on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node.js ${machine.node}${machine.awsCdkLib ? `, aws-cdk-lib ${machine.awsCdkLib}` : ''}`
      + ' (`bench/results.json`, written by `npm run bench`; this table by `bench/readme.ts`). The largest N that'
      + ' `app.synth()` accepts, and the limit that stops N + 1; parameters, secrets and log groups are named'
      + ' `/myapp/service/config/param-0042`, `myapp/service/credentials-0042`, `/myapp/service/log-group-0042`;'
      + ` each grant shares with its own account. Searches stop at ${capacity.caps.perStack.toLocaleString('en-US')} per stack and`
      + ` ${capacity.caps.perKey.toLocaleString('en-US')} per key; the search took ${Math.round(capacity.ms / 1000)} s`
      + `${machine.loadAverage ? ` (load average ${machine.loadAverage} at the start of the run)` : ''}.`,
    '',
    '| construct | one stack, each with its own key | one stack, all on one key | one key, users in further stacks |',
    '|---|---|---|---|',
    ...constructs.map((construct) => `| \`${construct}\` | ${[Placement.OWN_KEYS, Placement.SHARED_KEY, Placement.PER_KEY].map((placement) => cell(construct, placement)).join(' | ')} |`),
  ].join('\n');
}

function formatResult(result: CapacityResult): string {
  if (result.largest === undefined) {
    return `— (${result.limit})`;
  }
  const perStack = result.placement === Placement.PER_KEY && result.perStack !== undefined && result.perStack < result.largest
    ? `, ${result.perStack.toLocaleString('en-US')} per stack` : '';
  return `**${result.largest.toLocaleString('en-US')}**${perStack} — ${result.limit}`;
}

/** Replaces the text between the capacity markers of `readme` with `markdown`. */
export function writeCapacityTable(readme: string, markdown: string): void {
  writeReadmeBlock(readme, 'capacity', markdown);
}

/** Replaces the text between `<!-- <name>:begin -->` and `<!-- <name>:end -->` of `readme` with `markdown`. */
export function writeReadmeBlock(readme: string, name: string, markdown: string): void {
  const [BEGIN, END] = [`<!-- ${name}:begin -->`, `<!-- ${name}:end -->`];
  const text = fs.readFileSync(readme, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) {
    throw new Error(`bench/readme: ${readme} has no ${BEGIN} … ${END} block`);
  }
  fs.writeFileSync(readme, `${text.slice(0, begin + BEGIN.length)}\n${markdown}\n${text.slice(end)}`);
}

if (require.main === module) {
  const [results = path.join(__dirname, 'results.json'), readme = path.join(__dirname, '..', 'README.md')] = process.argv.slice(2);
  const parsed = JSON.parse(fs.readFileSync(results, 'utf8'));
  if (!parsed.capacity) {
    throw new Error(`bench/readme: ${results} has no capacity results; run npm run bench`);
  }
  writeCapacityTable(readme, capacityMarkdown(parsed));
  console.log(`Wrote the capacity table of ${path.relative(process.cwd(), readme)} from ${path.relative(process.cwd(), results)}`);
}
