/**
 * Writes docs/images/encryption-report.png, the README's picture of the encryption report: the showcase app
 * (demo/showcase.ts) synthesized into a temporary directory, its report rendered as the page and shot in headless
 * Chromium (scripts/install-chromium.sh) at a fixed viewport: the header and the diagram, with the defaults' stack
 * collapsed (to show collapsing, and to keep the picture readable and under 300 KB).
 *
 *   npx ts-node --transpile-only -P scripts/tsconfig.json scripts/report-screenshot.ts
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { addShowcaseStacks } from '../demo/showcase';
import { buildReport } from '../report/src/build';
import { renderHtml } from '../report/src/render/html';
import { launchChromium, openReport, waitForRender } from '../report/test/render/browser';

const IMAGE = path.join(__dirname, '..', 'docs', 'images', 'encryption-report.png');
/** Wide and tall enough for the showcase's whole diagram. */
const VIEWPORT = { width: 1760, height: 1800 };

async function main(): Promise<void> {
  const cwd = process.cwd();
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-screenshot-'));
  const browser = await launchChromium();
  try {
    // Synthesized as `cdk.out` of the working directory, as users run it: the page names the assembly as given.
    process.chdir(workdir);
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS }, outdir: 'cdk.out' });
    addShowcaseStacks(app);
    app.synth();
    const { page, problems } = await openReport(browser, renderHtml(await buildReport('cdk.out')));
    if (problems.errors.length > 0 || problems.requests.length > 0) {
      throw new Error(`The page did not render cleanly: ${JSON.stringify(problems)}`);
    }
    await page.setViewportSize(VIEWPORT);
    await page.locator('[data-toggle-stack="ShowcaseDefaults"]').first().click();
    await waitForRender(page, 2);
    const diagram = (await page.locator('#diagram-section').boundingBox())!;
    fs.mkdirSync(path.dirname(IMAGE), { recursive: true });
    await page.screenshot({ path: IMAGE, clip: { x: 0, y: 0, width: VIEWPORT.width, height: Math.ceil(diagram.y + diagram.height + 16) } });
    console.log(`${path.relative(cwd, IMAGE)}: ${Math.round(fs.statSync(IMAGE).size / 1024)} KiB`);
  } finally {
    process.chdir(cwd);
    await browser.close();
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
