/**
 * Writes the README's sample of the encryption report's Markdown form, between `<!-- report-sample:begin -->` and
 * `<!-- report-sample:end -->`: the showcase stacks of demo/ synthesized into a temporary directory, read by the
 * report and rendered as Markdown, of which the beginning is kept. It is generated, never written by hand; run it
 * after a change of the report's Markdown or of the showcase:
 *
 *   npx ts-node --project test/tsconfig.json scripts/report-sample.ts
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { writeReadmeBlock } from '../bench/readme';
import { addShowcaseStacks } from '../demo/showcase';
import { buildReport } from '../report/src/build';
import { renderMarkdown } from '../report/src/render/markdown';

const README = path.join(__dirname, '..', 'README.md');

/** The key whose rows of "Who can use each key" the sample shows: the showcase's shared data key. */
const SAMPLE_KEY = 'ShowcaseConfigured/DataKey';
const ACCESS_SECTION = '## Who can use each key';

/**
 * The report's title and summary, then the heading and table of who can use each key, with the rows of one key's
 * use by its own stack's roles only (a count stands for the others).
 */
export function excerpt(markdown: string, key: string): string {
  const lines = markdown.split('\n');
  const summary = lines.slice(0, lines.findIndex((line) => line.startsWith('## ')));
  const start = lines.indexOf(ACCESS_SECTION);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  const rows = lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => line.startsWith('|'));
  const [header, rule, ...entries] = rows;
  const stack = key.split('/')[0];
  const shown = entries.filter((row) => row.startsWith(`| ${key} | ${stack}/`));
  if (start < 0 || shown.length === 0) {
    throw new Error(`report-sample: the Markdown has no "${ACCESS_SECTION}" rows for ${key}`);
  }
  return [...summary, ACCESS_SECTION, '', header, rule, ...shown, '', `*… and ${entries.length - shown.length} more rows (other principals and keys); then what each key encrypts, the data not under a customer managed key, the acknowledgements, the cost estimate and what is unknown at synth.*`].join('\n');
}

/** The README's sample, as the block between its markers holds it. */
export async function readmeSample(): Promise<string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-sample-'));
  try {
    const app = new App({ outdir, context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
    addShowcaseStacks(app);
    app.synth();
    // The temporary directory's name would change the sample at every run: the report says what a user's says.
    const markdown = renderMarkdown({ ...await buildReport(outdir), assembly: 'cdk.out' });
    return ['````md', excerpt(markdown, SAMPLE_KEY), '````'].join('\n');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  writeReadmeBlock(README, 'report-sample', await readmeSample());
  console.log(`report-sample: wrote the Markdown sample of ${path.relative(process.cwd(), README)}`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
