/**
 * The language check (`npx projen test:languages`, a step of .ci/run after `npm test`): builds the Python,
 * Java and Go packages with jsii-pacmak, synthesizes the same stack from an app in each language (langs/) with
 * the cdk CLI, synthesizes the TypeScript reference app (langs/typescript) at the same aws-cdk-lib version,
 * and asserts that the templates and asset manifests are identical and that the bundled handlers are in each
 * assembly. docs/decisions/0019-languages-in-ci.md says why each step is as it is.
 *
 * `--skip-packages` reuses dist/ (for working on the apps); `--only=python,go` checks some languages.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { checkExamples, ExampleLanguage, Toolchain } from './languages-examples';

const ROOT = path.resolve(__dirname, '..');
const LANGS = path.join(ROOT, 'langs');
/** Every download and build cache of the check: project-local and git-ignored, so a run starts cold. */
const CACHE = path.join(LANGS, '.cache');
const OUT = path.join(LANGS, '.out');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const STACK = 'LanguagesStack';

/**
 * aws-cdk-lib of each language's app: the newest its registry serves here (decision 0019). The TypeScript
 * reference is synthesized at each of these versions, since templates differ between aws-cdk-lib releases.
 */
const CDK_VERSIONS: Record<Language, string> = { python: '2.271.0', java: '2.271.0', go: '2.276.0' };
type Language = 'python' | 'java' | 'go';
const LANGUAGES: Language[] = ['python', 'java', 'go'];

/** Where each app pins aws-cdk-lib: the check fails when a pin and CDK_VERSIONS drift apart. */
const VERSION_PINS: Record<Language, { file: string; pattern: RegExp }> = {
  python: { file: 'python/requirements.txt', pattern: /^aws-cdk-lib==(\S+)$/m },
  java: { file: 'java/pom.xml', pattern: /<cdk\.version>([^<]+)<\/cdk\.version>/ },
  go: { file: 'go/go.mod', pattern: /github\.com\/aws\/aws-cdk-go\/awscdk\/v2 v(\S+)/ },
};

const MAVEN_REPOSITORY = path.join(CACHE, 'm2');
const TOOL_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GOPATH: path.join(CACHE, 'go'),
  GOCACHE: path.join(CACHE, 'go-build'),
  // Module files are read-only by default, which makes the cache undeletable with `rm -rf`.
  GOFLAGS: '-modcacherw',
  // jsii-pacmak's Maven build and the Java app share one repository (pacmak keeps MAVEN_OPTS).
  MAVEN_OPTS: `-Dmaven.repo.local=${MAVEN_REPOSITORY}`,
  PIP_CACHE_DIR: path.join(CACHE, 'pip'),
};

function main(): void {
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
  const languages = LANGUAGES.filter((language) => !only || only.includes(language));
  const failures: string[] = [];
  failures.push(...checkVersionPins(languages));

  if (!process.argv.includes('--skip-packages')) {
    buildPackages(languages);
  }
  fs.rmSync(OUT, { recursive: true, force: true });
  const references = new Map<string, string>();
  for (const version of new Set(languages.map((language) => CDK_VERSIONS[language]))) {
    references.set(version, step(`TypeScript reference app, aws-cdk-lib ${version}`, () => synthTypeScript(version)));
    failures.push(...checkReference(references.get(version)!).map((problem) => `typescript ${version}: ${problem}`));
  }
  for (const language of languages) {
    const problems = attempt(() => {
      const assembly = step(`${language} app, aws-cdk-lib ${CDK_VERSIONS[language]}`, () => synthApp(language));
      return compareAssemblies(references.get(CDK_VERSIONS[language])!, assembly);
    });
    if (language === 'python' || language === 'java') {
      problems.push(...attempt(() => step(`${language} translations of the README and doc examples`,
        () => checkExamples(language, ROOT, path.join(OUT, `examples-${language}`), exampleToolchain(language)))));
    }
    failures.push(...problems.map((problem) => `${language}: ${problem}`));
    console.log(problems.length === 0 ? `PASSED   ${language}` : `FAILED   ${language}\n  ${problems.join('\n  ')}`);
  }

  const passed = languages.filter((language) => !failures.some((failure) => failure.startsWith(`${language}:`)));
  for (const failure of failures.filter((f) => !LANGUAGES.some((language) => f.startsWith(`${language}:`)))) {
    console.log(`FAILED   ${failure}`);
  }
  console.log(`languages: ${passed.length} passed, ${languages.length - passed.length} failed`);
  if (failures.length > 0) {
    process.exitCode = 1;
  }
}

/** The problems `check` finds, or the error it threw as one. */
function attempt(check: () => string[]): string[] {
  try {
    return check();
  } catch (error) {
    return [(error as Error).message.split('\n')[0]];
  }
}

function checkVersionPins(languages: Language[]): string[] {
  return languages.flatMap((language) => {
    const { file, pattern } = VERSION_PINS[language];
    const pinned = pattern.exec(fs.readFileSync(path.join(LANGS, file), 'utf-8'))?.[1];
    return pinned === CDK_VERSIONS[language]
      ? []
      : [`${language}: langs/${file} pins aws-cdk-lib ${pinned ?? '(none found)'}, scripts/languages.ts expects ${CDK_VERSIONS[language]}`];
  });
}

/** jsii, then each target's package into dist/, as `npx projen package-all` would (without .NET where no SDK is). */
function buildPackages(languages: Language[]): void {
  step('bundle the handlers and compile with jsii', () => {
    run('npx', ['projen', 'bundle']);
    run('npx', ['projen', 'compile']);
  });
  // The examples translated into every language: the packages' docs, and the examples this check compiles.
  step('rosetta:extract', () => run('npx', ['projen', 'rosetta:extract']));
  step('package:js (the TypeScript reference app installs it)', () => run('npx', ['projen', 'package:js']));
  if (languages.includes('python')) {
    step('package:python', () => run('npx', ['projen', 'package:python']));
  }
  if (languages.includes('java')) {
    step('package:java', () => {
      pinMavenVersion('software.amazon.awscdk:aws-cdk-lib', CDK_VERSIONS.java);
      run('npx', ['projen', 'package:java']);
    });
  }
  if (languages.includes('go')) {
    step('package:go', () => run('npx', ['projen', 'package:go']));
  }
  if (commandExists('dotnet')) {
    step('package:dotnet', () => run('npx', ['projen', 'package:dotnet']));
  } else {
    console.log('NOTICE   package:dotnet skipped: no .NET SDK on this machine, and NuGet, which the .NET build ' +
      'restores from, is not reachable from it. The .NET API is only compiled by jsii.');
  }
}

/**
 * jsii-pacmak declares aws-cdk-lib as a version range ([2.269.0,3.0.0)), which Maven resolves from the
 * registry's version list. The list served here stops at 2.263.0 although newer releases are served, so the
 * range would find nothing: the release is fetched by its exact version and installed into the local
 * repository, whose own version list then names it.
 */
function pinMavenVersion(artifact: string, version: string): void {
  const [groupId, artifactId] = artifact.split(':');
  const dir = path.join(MAVEN_REPOSITORY, ...groupId.split('.'), artifactId, version);
  if (fs.existsSync(path.join(dir, '..', 'maven-metadata-local.xml'))) {
    return;
  }
  run('mvn', ['--batch-mode', '--quiet', 'dependency:get', `-Dartifact=${artifact}:${version}`]);
  // install-file refuses a file that is already in place: install a copy.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'maven-pin-'));
  try {
    for (const extension of ['jar', 'pom']) {
      fs.copyFileSync(path.join(dir, `${artifactId}-${version}.${extension}`), path.join(copy, `${artifactId}.${extension}`));
    }
    run('mvn', ['--batch-mode', '--quiet', 'install:install-file',
      `-Dfile=${path.join(copy, `${artifactId}.jar`)}`, `-DpomFile=${path.join(copy, `${artifactId}.pom`)}`]);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** Installs aws-cdk-lib at `version` and the built npm package into langs/typescript, and synthesizes it. */
function synthTypeScript(version: string): string {
  const dir = path.join(LANGS, 'typescript');
  const tarball = fs.readdirSync(path.join(ROOT, 'dist', 'js')).find((file) => file.endsWith('.jsii.tgz'));
  if (!tarball) {
    throw new Error('dist/js holds no package: run `npx projen package:js` (or this script without --skip-packages)');
  }
  const nodeModules = path.join(dir, 'node_modules');
  fs.rmSync(nodeModules, { recursive: true, force: true });
  run('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund',
    `aws-cdk-lib@${version}`, 'constructs@^10.5.1', path.join(ROOT, 'dist', 'js', tarball)], dir);
  try {
    return synth(dir, `typescript-${version}`);
  } finally {
    // The installed package's .jsii is an older build of this library under the same name and version: left in
    // the tree, jsii-docgen (which takes every .jsii below the project) would write API.md from it.
    fs.rmSync(nodeModules, { recursive: true, force: true });
  }
}

function synthApp(language: Language): string {
  const dir = path.join(LANGS, language);
  if (language === 'python') {
    // A project-local virtual environment with the app's requirements and the built wheel, as a user's app has.
    const wheel = fs.readdirSync(path.join(ROOT, 'dist', 'python')).find((file) => file.endsWith('.whl'));
    if (!wheel) {
      throw new Error('dist/python holds no wheel: run `npx projen package:python`');
    }
    run('python3', ['-m', 'venv', '.venv'], dir);
    const pip = path.join(dir, '.venv', 'bin', 'pip');
    run(pip, ['install', '--quiet', '--no-input', '-r', 'requirements.txt'], dir);
    // Every build is version 0.0.0: pip keeps an installed wheel of the same version unless told to replace it.
    run(pip, ['install', '--quiet', '--no-input', '--force-reinstall', '--no-deps', path.join(ROOT, 'dist', 'python', wheel)], dir);
  }
  // Java's cdk.json compiles with Maven (dist/java is its repository); Go's `go run` builds against dist/go.
  return synth(dir, language);
}

/** What compiling the examples needs, from the app of that language (synthesized before). */
function exampleToolchain(language: ExampleLanguage): Toolchain {
  if (language === 'java') {
    const classpathFile = path.join(OUT, 'java.classpath');
    run('mvn', ['--batch-mode', '--quiet', 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`], path.join(LANGS, 'java'));
    return { javaClasspath: fs.readFileSync(classpathFile, 'utf-8').trim() };
  }
  const python = path.join(LANGS, 'python', '.venv', 'bin', 'python');
  run(python, ['-m', 'pip', 'install', '--quiet', '--no-input', 'pyflakes==4.1.0']);
  const exports = execFileSync(python, ['-c', 'import cdk_kms_encryption; print(" ".join(cdk_kms_encryption.__all__))'], { env: TOOL_ENV });
  return { python, pythonExports: String(exports).trim().split(' ') };
}

/** `cdk synth` in an app's folder, with the caches of TOOL_ENV; returns the assembly's directory. */
function synth(dir: string, name: string): string {
  const outdir = path.join(OUT, name);
  // --no-version-reporting: the CDKMetadata resource names the language's jsii runtime, by design different.
  run(CDK, ['synth', '--quiet', '--no-version-reporting', '--output', outdir], dir);
  return outdir;
}

/** The reference must show that the injector ran, or identical templates would prove nothing about it. */
function checkReference(assembly: string): string[] {
  const resources: Record<string, { Type: string; Properties?: any }> = readJson(path.join(assembly, `${STACK}.template.json`)).Resources;
  const bucket = (prefix: string) => Object.entries(resources)
    .find(([id, resource]) => resource.Type === 'AWS::S3::Bucket' && new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id))?.[1];
  const keyId = Object.keys(resources).find((id) => /^Key[0-9A-F]{8}$/.test(id));
  const expected: Array<[string, string]> = [['Data', 'access-logs/'], ['Audit', 'audit-access-logs/']];
  return expected.flatMap(([name, prefix]) => {
    const props = bucket(name)?.Properties;
    const problems: string[] = [];
    if (props?.LoggingConfiguration?.LogFilePrefix !== prefix) {
      problems.push(`bucket ${name} logs under ${JSON.stringify(props?.LoggingConfiguration?.LogFilePrefix)}, expected ${prefix}`);
    }
    const key = props?.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
    if (!isDeepStrictEqual(key, { 'Fn::GetAtt': [keyId, 'Arn'] })) {
      problems.push(`bucket ${name} is encrypted with ${JSON.stringify(key)}, expected the injected key ${keyId}`);
    }
    return problems;
  });
}

/** Differences between two assemblies: template, asset manifest (hashes) and the handler bundles present. */
function compareAssemblies(reference: string, actual: string): string[] {
  const problems: string[] = [];
  for (const file of [`${STACK}.template.json`, `${STACK}.assets.json`]) {
    const difference = firstDifference(readJson(path.join(reference, file)), readJson(path.join(actual, file)), '');
    if (difference) {
      problems.push(`${file} differs from the TypeScript app's at ${difference}`);
    }
  }
  for (const bundle of handlerBundles()) {
    const shipped = fs.readFileSync(bundle);
    const found = fs.readdirSync(actual)
      .filter((entry) => entry.startsWith('asset.'))
      .some((entry) => fs.existsSync(path.join(actual, entry, 'index.js')) && shipped.equals(fs.readFileSync(path.join(actual, entry, 'index.js'))));
    if (!found) {
      problems.push(`no asset holds the bundled handler ${path.relative(ROOT, bundle)}`);
    }
  }
  return problems;
}

/** The handlers `npx projen bundle` wrote into assets/, which every package ships. */
function handlerBundles(): string[] {
  const found: string[] = [];
  const visit = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      visit(full);
    } else if (entry.name === 'index.js') {
      found.push(full);
    }
  });
  visit(path.join(ROOT, 'assets'));
  return found;
}

/** The JSON path of the first difference, or undefined when the values are equal. */
function firstDifference(expected: unknown, actual: unknown, at: string): string | undefined {
  if (isDeepStrictEqual(expected, actual)) {
    return undefined;
  }
  if (typeof expected === 'object' && typeof actual === 'object' && expected && actual) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    for (const key of keys) {
      const difference = firstDifference((expected as any)[key], (actual as any)[key], `${at}/${key}`);
      if (difference) {
        return difference;
      }
    }
  }
  return `${at || '/'}: expected ${JSON.stringify(expected)?.slice(0, 200)}, got ${JSON.stringify(actual)?.slice(0, 200)}`;
}

function step<T>(name: string, action: () => T): T {
  console.log(`\n▶ ${name}`);
  const start = Date.now();
  const result = action();
  console.log(`✔ ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  return result;
}

function run(command: string, args: string[], cwd = ROOT): void {
  execFileSync(command, args, { cwd, env: TOOL_ENV, stdio: 'inherit' });
}

function commandExists(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

main();
