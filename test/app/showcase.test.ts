/**
 * App-wide guarantees, checked on the showcase (demo/showcase.ts): every construct in its default and
 * its fully configured form.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { addShowcaseStacks } from '../../demo/showcase';
import { EncryptionChecks } from '../../src/checks';
import { reportedBy } from '../checks/findings';
import { testApp } from '../util/app';
import { nagFindings } from '../util/nag';

jest.setTimeout(120_000);

/** Synthesizes the showcase into a fresh directory and returns every file's text, by relative path. */
function synthesizedFiles(app: App): Map<string, string> {
  const assembly = app.synth();
  const files = new Map<string, string>();
  const walk = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(full);
    } else {
      files.set(path.relative(assembly.directory, full), fs.readFileSync(full, 'utf8'));
    }
  });
  walk(assembly.directory);
  return files;
}

/** The showcase in an app of its own, synthesized into a fresh directory. */
function showcaseApp(): App {
  const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS }, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'showcase-')) });
  addShowcaseStacks(app);
  return app;
}

describe('the showcase app', () => {
  test('cdk-nag: zero findings in AwsSolutions, NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1', () => {
    const app = testApp();
    addShowcaseStacks(app);
    expect(nagFindings(app)).toEqual([]);
  });

  test('Control Tower proactive controls (cfn-guard): zero findings', () => {
    // GIVEN
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS }, policyValidationBeta1: [new CfnGuardValidator()] });
    addShowcaseStacks(app);

    // WHEN
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      app.synth();
    } catch {
      // reported below
    } finally {
      log.mockRestore();
    }

    // THEN
    const report = path.join(app.outdir, 'validation-report.json');
    const violations = fs.existsSync(report)
      ? JSON.parse(fs.readFileSync(report, 'utf8')).pluginReports.flatMap((plugin: any) => plugin.violations.map((violation: any) => ({
        rule: violation.ruleName,
        paths: violation.violatingConstructs.map((construct: any) => construct.constructPath),
      })))
      : [];
    expect(violations).toEqual([]);
  });

  test('the Control Tower validator does report a plain bucket (canary)', () => {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS }, policyValidationBeta1: [new CfnGuardValidator()] });
    new s3.Bucket(new Stack(app, 'Canary'), 'Plain');
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => app.synth()).toThrow(/CT\.S3\.PR\.10/);
    } finally {
      log.mockRestore();
    }
  });

  test('EncryptionChecks: zero findings in validation-report.json', () => {
    const app = testApp();
    addShowcaseStacks(app);
    const checks = new EncryptionChecks();
    const validate = jest.spyOn(checks, 'validate');
    Validations.of(app).addPlugins(checks);
    app.synth();
    // The plugin ran (once, for every stack), and neither its answer nor the report holds a finding.
    expect(validate.mock.results.map((result) => result.value.violations)).toEqual([[]]);
    expect(reportedBy(app.outdir, checks.name)).toEqual([]);
  });

  test('determinism: two synths give byte-identical templates', () => {
    const first = synthesizedFiles(showcaseApp());
    const second = synthesizedFiles(showcaseApp());
    const templates = [...first.keys()].filter((file) => file.endsWith('.template.json'));
    expect(templates.length).toBeGreaterThan(1);
    for (const file of templates) {
      expect(second.get(file)).toEqual(first.get(file));
    }
  });

  test('no plaintext: no secret or parameter value is written anywhere in the cloud assembly', () => {
    const files = synthesizedFiles(showcaseApp());
    const templates = [...files].filter(([file]) => file.endsWith('.template.json')).map(([, text]) => JSON.parse(text));
    const resources = templates.flatMap((template) => Object.values<any>(template.Resources ?? {}));
    // Secrets Manager generates every secret value; nothing sets SecretString.
    const secrets = resources.filter((resource) => resource.Type === 'AWS::SecretsManager::Secret');
    expect(secrets.length).toBeGreaterThan(0);
    secrets.forEach((secret) => expect(secret.Properties.SecretString).toBeUndefined());
    // SecureString values are generated or read by the handler at deploy time; only unsafePlainText carries one.
    const parameters = resources.filter((resource) => resource.Type === 'Custom::SecureStringParameter');
    expect(parameters.length).toBeGreaterThan(0);
    expect(parameters.map((parameter) => parameter.Properties.Value.Kind).sort()).toEqual(['generated', 'generated', 'secret']);
    parameters.forEach((parameter) => expect(parameter.Properties.Value.PlainText).toBeUndefined());
    // No Lambda function receives a value through its environment: the rotation function gets only the
    // generation options of each secret (ROTATION_SETTINGS), never a value.
    resources.filter((resource) => resource.Type === 'AWS::Lambda::Function').forEach((fn) => {
      const { ROTATION_SETTINGS: settings, ...others } = fn.Properties.Environment?.Variables ?? {};
      expect(others).toEqual({ AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1' });
      const groups: Array<[object, string]> = settings === undefined ? [] : JSON.parse(settings).groups;
      const options = groups.flatMap(([set]) => Object.keys(set));
      options.forEach((option) => expect(['jsonField', 'passwordLength', 'excludeCharacters', 'excludeLowercase', 'excludeNumbers',
        'excludePunctuation', 'excludeUppercase', 'includeSpace', 'requireEachIncludedType']).toContain(option));
    });
  });

  test('logical IDs of every construct in its default form are stable', () => {
    const app = testApp();
    const [defaults] = addShowcaseStacks(app);
    // A renamed id replaces the resource in users' accounts: change this list only for a major release.
    expect(Object.keys(Template.fromStack(defaults).toJSON().Resources).sort()).toEqual([
      'Bucket83908E77',
      'BucketAccessLogs0AA7ED48',
      'BucketAccessLogsPolicy6EEF3369',
      'BucketKey7092080A',
      'BucketPolicyE9A3008A',
      'CdkKmsEncryptionGenericRotationFunctionB0EEB82C',
      'CdkKmsEncryptionGenericRotationInvokePermissionBA39F251',
      'CdkKmsEncryptionGenericRotationKeyPoliciesPolicy1708EA871',
      'CdkKmsEncryptionGenericRotationLogGroupC35D40FD',
      'CdkKmsEncryptionGenericRotationPolicyE83E1976',
      'CdkKmsEncryptionGenericRotationPreviousKeyPoliciesPolicy126F965C7',
      'CdkKmsEncryptionGenericRotationSecretPoliciesPolicy107D7F276',
      'CdkKmsEncryptionGenericRotationServiceRole7869DA28',
      'CdkKmsEncryptionHandlerLogsKey44DCF2D6',
      'Key961B73FD',
      'LogGroupF5B46931',
      'LogGroupKey6C64332A',
      'Parameter9E1B4FBA',
      'ParameterKey8511DEED',
      'SecretA720EF05',
      'SecretKeyBCA64351',
      'SecretRotationSchedule4642579F',
      'SecureStringParameterProviderFunction4D7CF17E',
      'SecureStringParameterProviderLogGroup71B771D0',
      'SecureStringParameterProviderPreviousKeysPolicy529B39A5',
      'SecureStringParameterProviderRoleFB100A12',
      'SecureStringParameterProviderRolePolicy2478BB7A5',
      'SecureStringParameterProviderRolePolicyAD536D0B',
    ]);
  });
});
