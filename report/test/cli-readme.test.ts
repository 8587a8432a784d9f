import * as fs from 'fs';
import * as path from 'path';
import { readmeSample } from '../../scripts/report-sample';

/* The README's Markdown sample is generated from the showcase (scripts/report-sample.ts), never written by hand. */

test('the README\'s Markdown sample is what the report writes for the showcase today', async () => {
  // GIVEN
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = /<!-- report-sample:begin -->\n([\s\S]*?)\n<!-- report-sample:end -->/.exec(readme)?.[1];

  // THEN
  expect(block).toBeDefined();
  expect(block).toBe(await readmeSample());
}, 120_000);
