import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/*
 * What `npm pack` would publish (and jsii-pacmak puts into every language's package), from the files
 * that exist now. `npm test` runs on a fresh clone before anything is compiled: lib/ and .jsii do not
 * exist yet, but integ/, demo/, bench/, docs/, scripts/, src/ and test/ do, so the ignore rules that keep
 * them out are checked on every run. After `compile` (as in `npx projen build`, where the tests run
 * after it) the compiled files are checked too, and the size is the real one.
 */

const ROOT = path.join(__dirname, '..');
const MAX_UNPACKED_BYTES = 3 * 1024 * 1024;

/** Everything the package may hold: what runs (compiled code, handler bundles, jsii assembly) and its docs. */
const ALLOWED = [/^lib\/.+\.(js|d\.ts)$/, /^assets\/.+\/index\.js$/, /^\.jsii$/, /^README\.md$/, /^API\.md$/, /^LICENSE$/, /^NOTICE$/, /^package\.json$/];

interface PackResult {
  readonly unpackedSize: number;
  readonly files: Array<{ readonly path: string }>;
}

const pack: PackResult = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
  cwd: ROOT,
  encoding: 'utf-8',
  stdio: ['ignore', 'pipe', 'ignore'],
}))[0];
const packedPaths = pack.files.map((file) => file.path);
const compiled = fs.existsSync(path.join(ROOT, '.jsii'));

test('the package holds nothing but what runs and its docs', () => {
  expect(packedPaths.filter((file) => !ALLOWED.some((allowed) => allowed.test(file)))).toEqual([]);
});

test(`the package is at most ${MAX_UNPACKED_BYTES} bytes unpacked`, () => {
  expect(pack.unpackedSize).toBeLessThanOrEqual(MAX_UNPACKED_BYTES);
});

test('the package holds the docs, the handler bundles and, once compiled, the code', () => {
  const bundles = fs.readdirSync(path.join(ROOT, 'assets'), { recursive: true, encoding: 'utf-8' })
    .filter((file) => file.endsWith('index.js'))
    .map((file) => `assets/${file.split(path.sep).join('/')}`);
  expect(bundles.length).toBeGreaterThan(0);
  const required = ['README.md', 'API.md', 'LICENSE', 'package.json', ...bundles, ...(compiled ? ['.jsii', 'lib/index.js', 'lib/index.d.ts'] : [])];
  expect(packedPaths).toEqual(expect.arrayContaining(required));
});
