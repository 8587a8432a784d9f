/**
 * The showcase app's real report (demo/showcase.ts), as buildReport makes it from a synthesized assembly,
 * rendered as the page and opened in headless Chromium, and as Markdown.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { Browser, drawnEdges, drawnNodes, keepScreenshot, launchChromium, openReport } from './browser';
import { expectedGraph } from './expected';
import { addShowcaseStacks } from '../../../demo/showcase';
import { buildReport } from '../../src/build';
import type { EncryptionReport } from '../../src/model';
import { renderHtml } from '../../src/render/html';
import { renderMarkdown } from '../../src/render/markdown';

jest.setTimeout(120_000);

let browser: Browser;
let report: EncryptionReport;
let outdir: string;

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'showcase-report-'));
  const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS }, outdir });
  addShowcaseStacks(app);
  app.synth();
  report = await buildReport(outdir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  fs.rmSync(outdir, { recursive: true, force: true });
});

test('the showcase\'s page draws exactly the nodes and edges of its report, offline and without errors', async () => {
  // WHEN
  const { page, problems } = await openReport(browser, renderHtml(report));

  // THEN
  const expected = expectedGraph(report);
  expect(expected.nodes.length).toBeGreaterThan(10);
  expect(await drawnNodes(page)).toEqual(expected.nodes);
  expect(await drawnEdges(page)).toEqual(expected.edges);
  expect(problems).toEqual({ errors: [], requests: [] });
  await keepScreenshot(page, 'showcase', 'diagram');
  await page.close();
});

test('the showcase\'s Markdown holds a Mermaid diagram with a node per principal, key and data', () => {
  // WHEN
  const markdown = renderMarkdown(report);

  // THEN
  const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(markdown)![1].split('\n');
  expect(mermaid.filter(line => /^ {2,4}n\d+[[({]/.test(line))).toHaveLength(expectedGraph(report).nodes.length);
});
