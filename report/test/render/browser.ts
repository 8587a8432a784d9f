/**
 * Headless Chromium for the page tests: Debian's `chromium` (scripts/install-chromium.sh installs it), driven by
 * playwright-core, with a fresh profile and nothing that calls out. No browser is ever downloaded.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrowserContext, Page, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Where screenshots are kept as test artifacts (git-ignored, with jest-junit's reports). */
export const ARTIFACTS = path.join(__dirname, '..', '..', '..', 'test-reports', 'encryption-report');

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium, or fails saying how to install it: a missing browser must not skip the tests. */
export async function launchChromium(executable = CHROMIUM): Promise<Browser> {
  if (!fs.existsSync(executable)) {
    throw new Error(`Headless Chromium is missing at ${executable}: run scripts/install-chromium.sh (it installs Debian's chromium package)`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'report-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: executable,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    viewport: { width: 1280, height: 800 },
    offline: true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did that it must not: console errors, uncaught exceptions, CSP violations, any request. */
export interface PageProblems {
  readonly errors: string[];
  readonly requests: string[];
}

/** Opens the HTML as the page's document and waits for the diagram's first drawing. */
export async function openReport(browser: Browser, html: string): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.context.newPage();
  const problems = { errors: [] as string[], requests: [] as string[] };
  page.on('console', message => {
    if (message.type() === 'error' || message.type() === 'warning') problems.errors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', error => problems.errors.push(`pageerror: ${error.message}`));
  page.on('request', request => problems.requests.push(request.url()));
  await page.route('**/*', route => route.abort());
  await page.setContent(html, { waitUntil: 'load' });
  await waitForRender(page, 1);
  return { page, problems };
}

/** Waits until the diagram has been drawn `count` times (each filter or collapse draws it again). */
export async function waitForRender(page: Page, count: number): Promise<void> {
  await page.waitForSelector(`#diagram[data-renders="${count}"]`, { state: 'attached', timeout: 20_000 });
}

/*
 * Code that runs in the page is given as text: a function of this (instrumented) helper would be sent with the
 * coverage counters jest adds to it, which do not exist in the browser.
 */
const NODE_IDS = 'Array.from(document.querySelectorAll("#diagram [data-node-id]"), e => e.getAttribute("data-node-id"))';
const EDGE_ENDS = 'Array.from(document.querySelectorAll("#diagram [data-edge-id]"), e => e.getAttribute("data-source") + " -> " + e.getAttribute("data-target"))';

/** The ids of the nodes drawn, sorted. */
export async function drawnNodes(page: Page): Promise<string[]> {
  return (await page.evaluate<string[]>(NODE_IDS)).sort();
}

/** The edges drawn as `source -> target`, sorted. */
export async function drawnEdges(page: Page): Promise<string[]> {
  return (await page.evaluate<string[]>(EDGE_ENDS)).sort();
}

/** Keeps a screenshot of the whole page, or of its diagram only, as a test artifact. */
export async function keepScreenshot(page: Page, name: string, part: 'page' | 'diagram' = 'page'): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  if (part === 'page') {
    await page.screenshot({ path: file, fullPage: true });
  } else {
    await page.locator('#diagram-section').screenshot({ path: file });
  }
  return file;
}
