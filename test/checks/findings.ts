import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { EncryptionChecks, EncryptionChecksProps } from '../../src/checks';
import { testApp, testStack } from '../util/app';

/** One violation an `EncryptionChecks` rule reported, as `validation-report.json` lists it. */
export interface Finding {
  readonly ruleId: string;
  readonly level: 'error' | 'warning';
  /** Construct path of the resource. */
  readonly path: string;
  readonly message: string;
}

/**
 * Synthesizes the app and returns what the `EncryptionChecks` plugin reported, read from the
 * `validation-report.json` of the cloud assembly. `register` adds the checks (by default as a plugin).
 */
export function findingsOf(app: App, props?: EncryptionChecksProps, register?: (checks: EncryptionChecks) => void): Finding[] {
  const checks = new EncryptionChecks(props);
  (register ?? ((plugin) => Validations.of(app).addPlugins(plugin)))(checks);
  // The CDK prints the report of a failed synthesis; the findings are what tests assert on.
  const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    app.synth();
  } catch (error) {
    if (!/ValidationFailed|Validation failed/.test(String(error))) {
      throw error;
    }
  } finally {
    log.mockRestore();
  }
  return reportedBy(app.outdir, checks.name);
}

/**
 * The violations of one plugin in the `validation-report.json` of an assembly directory. A plugin
 * that found nothing is not in the report.
 */
export function reportedBy(outdir: string, pluginName: string): Finding[] {
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  return report.pluginReports
    .filter((plugin: any) => plugin.pluginName === pluginName)
    .flatMap((plugin: any) => plugin.violations)
    .flatMap((violation: any) => violation.violatingConstructs.map((construct: any) => ({
      ruleId: violation.ruleName,
      level: violation.severity,
      path: construct.constructPath,
      message: violation.description,
    })));
}

/** A stack in a fresh app, built by `build`, and what the checks report on it. */
export function check(build: (stack: Stack, app: App) => void, props?: EncryptionChecksProps): Finding[] {
  const app = testApp();
  const stack = testStack('Stack', {}, app);
  build(stack, app);
  return findingsOf(app, props);
}

/** Findings of one rule (by name, e.g. `S3BucketKey`) on the stack `Stack`, as [level, path, message]. */
export function findingsOfRule(ruleName: string, build: (stack: Stack) => void): Array<[string, string, string]> {
  return check(build)
    .filter((finding) => finding.ruleId === `cdk-kms-encryption::${ruleName}`)
    .map((finding) => [finding.level, finding.path, finding.message]);
}
