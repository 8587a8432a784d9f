/**
 * Real reports, as buildReport makes them from synthesized assemblies, rendered as the page (opened in headless
 * Chromium) and as Markdown: the showcase app's (demo/showcase.ts), and the diff between two versions of an app.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { Browser, drawnEdges, drawnNodes, keepScreenshot, launchChromium, openReport } from './browser';
import { expectedDiffGraph, expectedGraph } from './expected';
import { addShowcaseStacks } from '../../../demo/showcase';
import { CustomerManagedKey } from '../../../src/kms';
import { EncryptedBucket } from '../../../src/s3';
import { buildReport } from '../../src/build';
import { diffReports } from '../../src/diff';
import type { EncryptionReport, EncryptionReportDiff } from '../../src/model';
import { renderHtml } from '../../src/render/html';
import { renderMarkdown } from '../../src/render/markdown';

jest.setTimeout(120_000);

let browser: Browser;
let work: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'report-render-apps-'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** The report of an app synthesized into a directory of its own. */
async function reportOf(name: string, addStacks: (app: App) => void): Promise<EncryptionReport> {
  const outdir = path.join(work, name);
  const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS }, outdir });
  addStacks(app);
  app.synth();
  return buildReport(outdir);
}

describe('the showcase', () => {
  let report: EncryptionReport;

  beforeAll(async () => {
    report = await reportOf('showcase', addShowcaseStacks);
  });

  test('its page draws exactly the nodes and edges of its report, offline and without errors', async () => {
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

  test('its Markdown holds a Mermaid diagram with a node per principal, key and data', () => {
    // WHEN
    const markdown = renderMarkdown(report);

    // THEN
    const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(markdown)![1].split('\n');
    expect(mermaid.filter(line => /^ {2,4}n\d+[[({]/.test(line))).toHaveLength(expectedGraph(report).nodes.length);
  });
});

describe('a diff of two versions of an app', () => {
  /**
   * v2 lets a new role read the bucket, drops the writer's grant, and moves the logs bucket to a new key.
   */
  function payments(version: 1 | 2): (app: App) => void {
    return app => {
      const stack = new Stack(app, 'Payments', { env: { account: '111111111111', region: 'eu-west-1' } });
      const key = new CustomerManagedKey(stack, 'DataKey');
      const bucket = new EncryptedBucket(stack, 'Data', { encryptionKey: key });
      const role = (id: string): iam.Role => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      bucket.grantRead(role('ReaderRole'));
      const writer = role('WriterRole');
      if (version === 1) {
        bucket.grantPut(writer);
        new EncryptedBucket(stack, 'Logs', { encryptionKey: key });
      } else {
        bucket.grantRead(role('NewRole'));
        new EncryptedBucket(stack, 'Logs', { encryptionKey: new CustomerManagedKey(stack, 'LogsKey') });
      }
    };
  }

  let diff: EncryptionReportDiff;

  beforeAll(async () => {
    diff = diffReports(await reportOf('v1', payments(1)), await reportOf('v2', payments(2)));
  });

  test('its page draws what was gained, lost, added and moved, in colour and in words', async () => {
    // GIVEN
    expect(diff.gained.map(change => change.principal.label)).toContain('Payments/NewRole');
    expect(diff.lost.map(change => change.principal.label)).toContain('Payments/WriterRole');
    expect(diff.keysAdded.map(key => key.label)).toEqual(['Payments/LogsKey']);
    expect(diff.dataChanged).toHaveLength(1);

    // WHEN
    const { page, problems } = await openReport(browser, renderHtml(diff));

    // THEN
    const expected = expectedDiffGraph(diff);
    expect(await drawnNodes(page)).toEqual(expected.nodes);
    expect(await drawnEdges(page)).toEqual(expected.edges);
    const newRole = diff.gained.find(change => change.principal.label === 'Payments/NewRole')!.principal.id;
    const gained = page.locator(`[data-edge-id][data-change="gained"][data-source="principal:${newRole}"]`);
    expect(await gained.textContent()).toMatch(/^\+ gained decrypt/);
    const writer = diff.lost.find(change => change.principal.label === 'Payments/WriterRole')!.principal.id;
    expect(await page.locator(`[data-edge-id][data-change="lost"][data-source="principal:${writer}"]`).textContent()).toMatch(/^− lost (decrypt, )?encrypt/);
    expect(await page.locator(`[data-node-id="key:${diff.keysAdded[0].id}"]`).getAttribute('data-change')).toBe('added');
    expect(await page.locator(`[data-node-id="data:${diff.dataChanged[0].resource.id}"]`).textContent()).toContain('changed key');
    expect(await page.locator('#gained tbody tr').count()).toBe(diff.gained.length);
    expect(await page.locator('#lost tbody tr').count()).toBe(diff.lost.length);
    expect(problems).toEqual({ errors: [], requests: [] });
    await keepScreenshot(page, 'diff-app');
    await page.close();
  });

  test('its Markdown lists each change, gained access first', () => {
    // WHEN
    const markdown = renderMarkdown(diff);

    // THEN
    const gainedRows = markdown.slice(markdown.indexOf('## Access gained'), markdown.indexOf('## Access lost')).split('\n').filter(line => line.startsWith('| + gained |'));
    expect(gainedRows).toHaveLength(diff.gained.length);
    expect(markdown).toContain('| + added | Payments/LogsKey |');
    expect(markdown).toContain('| ± moved to another key | Payments/Logs/Resource | AWS::S3::Bucket | Payments | Payments/DataKey | Payments/LogsKey |');
  });
});
