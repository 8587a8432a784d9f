import * as fs from 'fs';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';

/** One finding: the pack (or CDK validation plugin) that reported it, the rule and the construct path. */
export interface NagFinding {
  readonly pack: string;
  readonly rule: string;
  readonly path: string;
}

/** The packs every construct of this library must pass without findings. */
export const NAG_PACKS = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/**
 * Synthesizes the app with cdk-nag's AwsSolutions, NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1
 * packs and returns every finding that is not acknowledged (`Validations.of(x).acknowledge`).
 * A pack that finds nothing does not appear in the report, so `nag.test.ts` keeps a canary proving
 * that each pack really runs.
 */
export function nagFindings(app: App): NagFinding[] {
  for (const pack of [AwsSolutionsChecks, NIST80053R5Checks, HIPAASecurityChecks, PCIDSS321Checks]) {
    Validations.of(app).addPlugins(new pack(app));
  }
  const reportFile = path.join(app.outdir, 'validation-report.json');
  // cdk-nag prints every finding; the returned list is what tests assert on.
  const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    app.synth({ force: true });
  } catch (error) {
    if (!fs.existsSync(reportFile)) {
      throw error;
    }
  } finally {
    log.mockRestore();
  }
  return fs.existsSync(reportFile) ? readReport(reportFile) : [];
}

/** Asserts that the four packs find nothing in the app. */
export function expectNoNagFindings(app: App): void {
  expect(nagFindings(app)).toEqual([]);
}

function readReport(file: string): NagFinding[] {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  return report.pluginReports.flatMap((plugin: any) =>
    plugin.violations.flatMap((violation: any) =>
      violation.violatingConstructs.map((construct: any) => ({
        pack: plugin.pluginName,
        rule: violation.ruleName,
        path: construct.constructPath,
      })),
    ),
  );
}
