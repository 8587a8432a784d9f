/**
 * The report page as users see it: opened in headless Chromium (Debian's chromium), offline, checked for what
 * it draws. One browser for the file; each test opens its own page.
 */
import type { Page } from 'playwright-core';
import { Browser, PageProblems, drawnEdges, drawnNodes, keepScreenshot, launchChromium, openReport, waitForRender } from './browser';
import { expectedDiffGraph, expectedGraph } from './expected';
import type { EncryptionReport } from '../../src/model';
import { renderHtml } from '../../src/render/html';
import { HOSTILE, largeReport, smallDiff, smallReport } from '../fixtures/render/reports';

let browser: Browser;

/** The browser's getComputedStyle, which the test's (DOM-less) type library does not declare. */
interface Styled { getComputedStyle(element: unknown): { stroke: string } }

/** Sets each filter (the others to "all") and waits for the drawing of each change. */
async function setFilters(page: Page, filters: Partial<Record<'key' | 'principal' | 'stack', string>>): Promise<void> {
  for (const name of ['key', 'principal', 'stack'] as const) {
    const value = filters[name] ?? '';
    if (await page.inputValue(`#filter-${name}`) === value) continue;
    const drawn = Number(await page.locator('#diagram').getAttribute('data-renders'));
    await page.selectOption(`#filter-${name}`, value);
    await waitForRender(page, drawn + 1);
  }
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

test('without Chromium the page tests fail, saying how to install it', async () => {
  await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
    'Headless Chromium is missing at /nonexistent/chromium: run scripts/install-chromium.sh (it installs Debian\'s chromium package)');
});

describe('a report', () => {
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    ({ page, problems } = await openReport(browser, renderHtml(smallReport())));
  });

  afterAll(async () => {
    await page?.close();
  });

  test('renders offline: no console error, no request at all', async () => {
    // THEN
    expect(problems.errors).toEqual([]);
    expect(problems.requests).toEqual([]);
    expect(await page.locator('#diagram svg').count()).toBe(1);
    await keepScreenshot(page, 'report');
  });

  test('its diagram has exactly the nodes and edges of the report', async () => {
    // GIVEN
    const expected = expectedGraph(smallReport());

    // THEN
    expect(await drawnNodes(page)).toEqual(expected.nodes);
    expect(await drawnEdges(page)).toEqual(expected.edges);
    expect(expected.edges).toHaveLength(10);
  });

  test('nodes are grouped by stack, principals apart from keys and data', async () => {
    // THEN
    const stackOf = (id: string): Promise<string | null> => page.locator(`[data-node-id="${id}"]`).getAttribute('data-stack');
    expect(await stackOf('data:Payments/BucketABCD')).toBe('Payments');
    expect(await stackOf('principal:Reports/ReaderRole5678')).toBe('Reports');
    expect(await stackOf('principal:111111111111')).toBeNull();
    const groups = await page.locator('[data-group-id]').evaluateAll(elements => elements.map(e => `${e.getAttribute('data-group-id')} ${e.getAttribute('data-group-of')}`).sort());
    expect(groups).toEqual(['Payments keys-and-data', 'Payments principals', 'Reports keys-and-data', 'Reports principals']);
  });

  test.each([
    ['key', 'key:Payments/DataKey0AB1', [
      'data:Payments/BucketABCD', 'data:Reports/ArchiveParameter12', 'data:Payments/LogGroupEF01', 'data:Payments/Secret2345', 'key:Payments/DataKey0AB1',
      'principal:111111111111', 'principal:222222222222', 'principal:Payments/AppRole1234ABCD', 'principal:logs.eu-west-1.amazonaws.com',
    ]],
    ['principal', 'principal:Reports/ReaderRole5678', [
      'data:Reports/ReportsBucket99', 'key:arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'principal:Reports/ReaderRole5678',
    ]],
    ['principal', 'principal:Payments/AppRole1234ABCD', [
      'data:Payments/BucketABCD', 'data:Reports/ArchiveParameter12', 'data:Payments/LogGroupEF01', 'data:Payments/Secret2345', 'key:Payments/DataKey0AB1', 'principal:Payments/AppRole1234ABCD',
    ]],
    // The referenced key is outside every stack; it shows because Reports' role uses it for Reports' bucket.
    // Payments' key shows with everyone who can use it, for Reports' parameter, but not with Payments' data.
    ['stack', 'Reports', [
      'data:Reports/ArchiveParameter12', 'data:Reports/ReportsBucket99', 'key:Payments/DataKey0AB1',
      'principal:111111111111', 'principal:222222222222', 'principal:Payments/AppRole1234ABCD', 'principal:logs.eu-west-1.amazonaws.com', 'key:arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'principal:Reports/ReaderRole5678',
    ]],
  ])('the %s filter %s shows exactly what is related to it', async (filter, value, expected) => {
    // WHEN
    await setFilters(page, { [filter]: value });

    // THEN
    expect(await drawnNodes(page)).toEqual([...expected].sort());
    const shown = new Set(expected);
    expect((await drawnEdges(page)).every(edge => edge.split(' -> ').every(end => shown.has(end)))).toBe(true);
  });

  test('filters combine: the stack Payments and the principal of another account', async () => {
    // WHEN
    await setFilters(page, { stack: 'Payments', principal: 'principal:222222222222' });

    // THEN
    // The key is in Payments: every path through it passes the stack filter, to Reports' parameter too.
    expect(await drawnNodes(page)).toEqual([
      'data:Payments/BucketABCD', 'data:Payments/LogGroupEF01', 'data:Payments/Secret2345', 'data:Reports/ArchiveParameter12', 'key:Payments/DataKey0AB1', 'principal:222222222222',
    ]);
    expect(await drawnEdges(page)).toContain('principal:222222222222 -> key:Payments/DataKey0AB1');
  });

  test('without filters the whole diagram is back', async () => {
    // WHEN
    await setFilters(page, {});

    // THEN
    expect(await drawnNodes(page)).toEqual(expectedGraph(smallReport()).nodes);
    expect(await drawnEdges(page)).toEqual(expectedGraph(smallReport()).edges);
  });

  test('filters have labels, tables have column headers', async () => {
    // THEN
    for (const name of ['key', 'principal', 'stack']) {
      expect(await page.getByLabel(name[0].toUpperCase() + name.slice(1), { exact: true }).getAttribute('id')).toBe(`filter-${name}`);
    }
    const tables = page.locator('main table');
    expect(await tables.count()).toBe(7);
    expect(await page.locator('main table thead th[scope="col"]').count()).toBeGreaterThan(30);
    expect(await page.getByRole('table', { name: 'Who can use each key' }).getByRole('row').count()).toBe(8);
  });

  test('the cost table is marked as an estimate and names its pricing source and date', async () => {
    // THEN
    const section = page.locator('#cost');
    expect(await section.getByRole('heading').textContent()).toBe('Estimated monthly cost (an estimate)');
    expect(await section.getByRole('link', { name: 'https://aws.amazon.com/kms/pricing/' }).getAttribute('href')).toBe('https://aws.amazon.com/kms/pricing/');
    expect(await section.textContent()).toContain('as read on 2026-12-01 for eu-west-1');
  });

  test('text from templates stays text: a reason with </script> and <img onerror> runs nothing', async () => {
    // THEN
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#acknowledgements tbody tr').first().locator('td').last().textContent()).toBe(HOSTILE);
    expect(await page.locator('#unprotected tbody').textContent()).toContain(HOSTILE);
    // The inlined data is the report, intact.
    expect(JSON.parse(await page.locator('#report-data').textContent() ?? '')).toEqual(smallReport());
  });
});

test('text from templates stays text in the diagram and the filters too', async () => {
  // GIVEN a stack, a key and a role named with hostile text
  const report = smallReport();
  const role = { ...report.keys[0].access[1].principal, id: `Payments/${HOSTILE}`, label: HOSTILE };
  const hostile: EncryptionReport = {
    ...report,
    stacks: [{ ...report.stacks[0], stackName: HOSTILE }, report.stacks[1]],
    keys: [{ ...report.keys[0], label: HOSTILE, access: [{ ...report.keys[0].access[1], principal: role }] }],
  };

  // WHEN
  const { page, problems } = await openReport(browser, renderHtml(hostile));

  // THEN
  expect(problems).toEqual({ errors: [], requests: [] });
  expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('[data-node-id^="principal:Payments/"] title').textContent()).toBe(`${HOSTILE}\nrole`);
  expect(await page.locator('[data-node-id="key:Payments/DataKey0AB1"] title').textContent()).toBe(`${HOSTILE}\nkey of the app`);
  expect(await page.locator('[data-group-id="Payments"][data-group-of="keys-and-data"] .stack-title title').textContent()).toBe(`Stack Payments (${HOSTILE})`);
  expect(await page.locator('#filter-principal option').allTextContents()).toContain(HOSTILE);
  expect(await page.locator('#filter-principal option').evaluateAll(options => options.map(o => o.getAttribute('value')))).toContain(`principal:Payments/${HOSTILE}`);
  await page.close();
});

test('a report without keys renders too, and says so', async () => {
  // GIVEN
  const report: EncryptionReport = { ...smallReport(), keys: [], cost: { ...smallReport().cost, lines: [], monthlyUsd: 0 } };

  // WHEN
  const { page, problems } = await openReport(browser, renderHtml(report));

  // THEN
  expect(problems).toEqual({ errors: [], requests: [] });
  expect(await drawnNodes(page)).toEqual([]);
  expect(await page.locator('#keys .empty').textContent()).toBe('The app has no KMS key.');
  expect(await page.locator('#cost .empty').textContent()).toBe('The app has no key that costs a monthly fee.');
  await page.close();
});

test('a diff marks gained and lost access, and added and removed keys, by colour and in words', async () => {
  // GIVEN
  const diff = smallDiff();
  const { page, problems } = await openReport(browser, renderHtml(diff));

  // THEN
  const expected = expectedDiffGraph(diff);
  expect(await drawnNodes(page)).toEqual(expected.nodes);
  expect(await drawnEdges(page)).toEqual(expected.edges);
  const gained = page.locator('[data-edge-id][data-change="gained"][data-source="principal:Reports/ReaderRole5678"]');
  expect(await gained.textContent()).toBe('+ gained decrypt');
  expect(await page.locator('[data-edge-id][data-change="lost"][data-source="principal:222222222222"]').textContent()).toBe('− lost share');
  expect(await gained.locator('path').evaluate(path => (globalThis as unknown as Styled).getComputedStyle(path).stroke)).toBe('rgb(26, 127, 55)');
  expect(await page.locator('[data-node-id="key:Reports/ArchiveKey42"]').getAttribute('data-change')).toBe('added');
  expect(await page.locator('[data-node-id="key:Reports/ArchiveKey42"]').textContent()).toContain('key added');
  expect(await page.locator('[data-node-id="key:Payments/OldKey11"]').textContent()).toContain('key removed');
  expect(await page.locator('#gained tbody tr.change-gained td').first().textContent()).toBe('+ gained');
  expect(await page.locator('#lost tbody tr.change-lost td').first().textContent()).toBe('− lost');
  expect(await page.locator('#data-changed tbody tr td').first().textContent()).toBe('± moved to another key');
  expect(problems).toEqual({ errors: [], requests: [] });
  await keepScreenshot(page, 'diff');
  await page.close();
});

describe('a report of a few hundred resources', () => {
  // 12 stacks × 2 keys × 15 buckets: 360 resources.
  const report = largeReport(12, 2, 15);
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    ({ page, problems } = await openReport(browser, renderHtml(report)));
  });

  afterAll(async () => {
    await page?.close();
  });

  test('opens with each stack collapsed into one node', async () => {
    // THEN
    expect(problems).toEqual({ errors: [], requests: [] });
    const stacks = report.stacks.map(stack => `stack:${stack.id}`);
    expect(await drawnNodes(page)).toEqual([...stacks, 'principal:111111111111', 'principal:logs.eu-west-1.amazonaws.com'].sort());
    expect(await drawnEdges(page)).toEqual(stacks.flatMap(stack => [`principal:111111111111 -> ${stack}`, `principal:logs.eu-west-1.amazonaws.com -> ${stack}`]).sort());
    expect(await page.locator('[data-node-id="stack:Service03"]').textContent()).toContain('collapsed: 2 principals, 2 keys, 30 resources');
    await keepScreenshot(page, 'large-collapsed', 'diagram');
  });

  test('a stack expands into its principals, its keys, and one node per key for its resources', async () => {
    // WHEN
    const drawn = Number(await page.locator('#diagram').getAttribute('data-renders'));
    await page.locator('[data-node-id="stack:Service03"]').click();
    await waitForRender(page, drawn + 1);

    // THEN
    const nodes = await drawnNodes(page);
    expect(nodes.filter(node => !node.startsWith('stack:'))).toEqual([
      'key:Service03/Key0', 'key:Service03/Key1',
      'principal:111111111111', 'principal:Service03/ReaderRole', 'principal:Service03/WriterRole', 'principal:logs.eu-west-1.amazonaws.com',
      'resources:key:Service03/Key0|Service03', 'resources:key:Service03/Key1|Service03',
    ]);
    expect(await page.locator('[data-node-id="resources:key:Service03/Key0|Service03"]').getAttribute('data-count')).toBe('15');
    expect(await page.locator('[data-node-id="resources:key:Service03/Key0|Service03"]').textContent()).toContain('15 resources');
  });

  test('a collapsed node of resources expands, from the keyboard too, into exactly the resources of its key', async () => {
    // WHEN
    const drawn = Number(await page.locator('#diagram').getAttribute('data-renders'));
    await page.locator('[data-node-id="resources:key:Service03/Key0|Service03"]').focus();
    await page.keyboard.press('Enter');
    await waitForRender(page, drawn + 1);

    // THEN
    const buckets = report.keys.find(key => key.id === 'Service03/Key0')!.encrypts.map(e => `data:${e.resource.id}`).sort();
    expect(buckets).toHaveLength(15);
    expect((await drawnNodes(page)).filter(node => node.startsWith('data:'))).toEqual(buckets);
    expect((await drawnEdges(page)).filter(edge => edge.startsWith('key:Service03/Key0 -> '))).toEqual(buckets.map(b => `key:Service03/Key0 -> ${b}`));
    await keepScreenshot(page, 'large-expanded', 'diagram');
  });

  test('expanding every stack draws every key, still with resources collapsed', async () => {
    // WHEN
    const drawn = Number(await page.locator('#diagram').getAttribute('data-renders'));
    await page.click('#expand-stacks');
    await waitForRender(page, drawn + 1);

    // THEN
    const nodes = await drawnNodes(page);
    expect(nodes.filter(node => node.startsWith('key:'))).toHaveLength(24);
    expect(nodes.filter(node => node.startsWith('resources:'))).toHaveLength(23);
    expect(nodes.filter(node => node.startsWith('data:'))).toHaveLength(15);
    expect(problems.errors).toEqual([]);
  });
});
