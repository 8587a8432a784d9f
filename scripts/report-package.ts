/**
 * Builds the encryption report's companion package `cdk-kms-encryption-report` (docs/decisions/0021-encryption-report.md)
 * from report/src and packs it beside the library's package. `npx projen package` runs it (task `package:report`):
 *
 *   ts-node scripts/report-package.ts [--out dist/js]
 *
 * - report/lib/: `cli.js` (the bins, with a `#!/usr/bin/env node` line) and `index.js` (the plugin API), each one
 *   esbuild bundle of report/src; `.d.ts` files for index.ts and what it exports; the renderer's browser assets.
 * - The library's modules that report/src imports by relative path (`../../src/checks/...`) stay outside the bundle,
 *   as `cdk-kms-encryption/lib/checks/...`: the library is a dependency at the same version, so the IAM data and the
 *   library's code are installed once, not copied. Every other package the bundle needs must be declared in
 *   report/package.json (written by .projenrc.ts); an undeclared one fails the build.
 * - The tarball: report/package.json with the library's version (the release bumps only the root package.json),
 *   report/lib, a README and the LICENSE.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import * as ts from 'typescript';
import { RENDER_ASSETS } from '../report/src/render/assets';

const ROOT = path.resolve(__dirname, '..');
const REPORT_DIR = path.join(ROOT, 'report');
const REPORT_SRC = path.join(REPORT_DIR, 'src');
const LIBRARY_SRC = path.join(ROOT, 'src');
const LIBRARY = 'cdk-kms-encryption';

/** report/package.json, as .projenrc.ts writes it. */
interface Manifest {
  /** projen's marker, left out of the published manifest. */
  readonly '//'?: string;
  readonly 'name': string;
  readonly 'version': string;
  readonly 'bin': Record<string, string>;
  readonly 'dependencies': Record<string, string>;
  readonly 'peerDependencies'?: Record<string, string>;
}

/** Bundles report/src into `libDir`: cli.js, index.js, the declarations of index.ts and the renderer's assets. */
export async function bundleReport(libDir: string): Promise<void> {
  fs.rmSync(libDir, { recursive: true, force: true });
  const manifest = readManifest();
  const common: esbuild.BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    plugins: [dependenciesOutside(manifest)],
  };
  await esbuild.build({ ...common, entryPoints: [path.join(REPORT_SRC, 'bin.ts')], outfile: path.join(libDir, 'cli.js'), banner: { js: '#!/usr/bin/env node' } });
  await esbuild.build({ ...common, entryPoints: [path.join(REPORT_SRC, 'index.ts')], outfile: path.join(libDir, 'index.js') });
  fs.chmodSync(path.join(libDir, 'cli.js'), 0o755);
  writeDeclarations(path.join(REPORT_SRC, 'index.ts'), libDir);
  copyAssets(libDir);
}

/** Packs the bundle in `libDir` with its manifest into `destination`; returns the tarball's path. */
export function packReport(libDir: string, destination: string): string {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
  const { '//': _marker, ...manifest } = readManifest();
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'report-package-'));
  try {
    fs.cpSync(libDir, path.join(stage, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify({
      ...manifest,
      version,
      dependencies: { ...manifest.dependencies, [LIBRARY]: version },
    }, undefined, 2)}\n`);
    fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(stage, 'LICENSE'));
    fs.writeFileSync(path.join(stage, 'README.md'), packageReadme(manifest));
    fs.mkdirSync(destination, { recursive: true });
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', path.resolve(destination)], {
      cwd: stage,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }));
    return path.join(path.resolve(destination), packed.filename);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function readManifest(): Manifest {
  return JSON.parse(fs.readFileSync(path.join(REPORT_DIR, 'package.json'), 'utf8'));
}

/**
 * The library's sources become imports of the installed library; the declared dependencies and Node.js's own
 * modules stay imports; any other package is an error, so nothing is bundled that the manifest does not name.
 */
function dependenciesOutside(manifest: Manifest): esbuild.Plugin {
  const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies ?? {})]);
  return {
    name: 'dependencies-outside',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = path.resolve(args.resolveDir, args.path);
        return isUnder(target, LIBRARY_SRC) ? { path: libraryModule(target), external: true } : undefined;
      });
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = packageName(args.path);
        if (declared.has(name) || builtinModules.includes(name) || args.path.startsWith('node:')) {
          return { path: args.path, external: true };
        }
        return { errors: [{ text: `${path.relative(ROOT, args.importer)} imports ${args.path}, which report/package.json does not declare (add it in .projenrc.ts)` }] };
      });
    },
  };
}

/** `<root>/src/checks/private/rules` → `cdk-kms-encryption/lib/checks/private/rules`; `<root>/src` → `cdk-kms-encryption`. */
function libraryModule(sourcePath: string): string {
  const relative = path.relative(LIBRARY_SRC, sourcePath).replace(/\.ts$/, '').split(path.sep).join('/');
  return relative === '' || relative === 'index' ? LIBRARY : `${LIBRARY}/lib/${relative}`;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isUnder(file: string, dir: string): boolean {
  return file === dir || file.startsWith(`${dir}${path.sep}`);
}

/**
 * Declarations of `entry` and of every report/src module it reaches, transpiled one file at a time (TypeScript's
 * isolated declarations: every export is annotated), with imports of the library's sources rewritten as above.
 */
function writeDeclarations(entry: string, libDir: string): void {
  const pending = [entry];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) {
      continue;
    }
    done.add(file);
    const source = fs.readFileSync(file, 'utf8');
    const { outputText, diagnostics } = ts.transpileDeclaration(source, {
      fileName: file,
      compilerOptions: { declaration: true, isolatedDeclarations: true, stripInternal: true },
      reportDiagnostics: true,
    });
    if (diagnostics && diagnostics.length > 0) {
      throw new Error(`report-package: cannot write the declarations of ${path.relative(ROOT, file)}:\n${diagnostics.map(describeDiagnostic).join('\n')}`);
    }
    const declaration = outputText.replace(/(from\s+|import\()(['"])(\.\.?\/[^'"]+)\2/g, (match, keyword: string, quote: string, specifier: string) => {
      const target = path.resolve(path.dirname(file), specifier);
      if (isUnder(target, LIBRARY_SRC)) {
        return `${keyword}${quote}${libraryModule(target)}${quote}`;
      }
      if (isUnder(target, REPORT_SRC)) {
        pending.push(fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'));
        return match;
      }
      throw new Error(`report-package: ${path.relative(ROOT, file)} imports ${specifier}, outside report/src and src`);
    });
    const out = path.join(libDir, path.relative(REPORT_SRC, file).replace(/\.ts$/, '.d.ts'));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, declaration);
  }
}

function describeDiagnostic(diagnostic: ts.Diagnostic): string {
  const where = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start) : undefined;
  return `  ${where ? `${where.line + 1}:${where.character + 1} ` : ''}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
}

/**
 * The renderer reads its browser code and style (RENDER_ASSETS) from its module's directory, `__dirname`: in the
 * sources report/src/render, in the package the bundle's directory.
 */
function copyAssets(libDir: string): void {
  for (const asset of RENDER_ASSETS) {
    fs.copyFileSync(path.join(REPORT_SRC, 'render', asset), path.join(libDir, asset));
  }
}

function packageReadme(manifest: Manifest): string {
  return [
    `# ${manifest.name}`,
    '',
    'The encryption report of [cdk-kms-encryption](https://github.com/cdk-kms-encryption/cdk-kms-encryption): who can use',
    'each KMS key of a CDK app for what, what it encrypts, what it costs and what was acknowledged, read from a cloud',
    'assembly (`cdk.out`) of any CDK language, as JSON, an HTML page with a diagram, and Markdown; and what changed',
    'between two assemblies.',
    '',
    '```sh',
    `npx -p ${manifest.name} cdk-kms-encryption report cdk.out            # encryption-report.{json,html,md}`,
    `npx -p ${manifest.name} cdk-kms-encryption report cdk.out --diff main.out --fail-on-new-access`,
    '```',
    '',
    `Bins: ${Object.keys(manifest.bin).map((bin) => `\`${bin}\``).join(', ')} (\`--help\` for the options). The synth plugin,`,
    'in a TypeScript or JavaScript app: `Validations.of(app).addPlugins(new EncryptionReportPlugin())`.',
    'See the README\'s [Encryption report](https://github.com/cdk-kms-encryption/cdk-kms-encryption#encryption-report) section.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const destination = path.resolve(ROOT, outIndex >= 0 ? process.argv[outIndex + 1] : path.join('dist', 'js'));
  const libDir = path.join(REPORT_DIR, 'lib');
  await bundleReport(libDir);
  const tarball = packReport(libDir, destination);
  console.log(`report-package: ${path.relative(ROOT, tarball)} (${fs.statSync(tarball).size} bytes)`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
