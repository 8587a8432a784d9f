/**
 * The encryption report at synth: a validation plugin that writes `encryption-report.{json,html,md}` into the
 * cloud assembly, next to the templates it reads. It never fails synth and reports no violations: it describes
 * the app, it does not judge it (EncryptionChecks judges). Anything that goes wrong is a warning on stderr.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { IPolicyValidationPlugin, IPolicyValidationPluginBeta1 } from 'aws-cdk-lib';
import { buildReport } from './build';
import { REPORT_FORMATS, ReportFormat, reportFileBase, writeReport } from './write';

/** Options of {@link EncryptionReportPlugin}. */
export interface EncryptionReportPluginProps {
  /**
   * The formats to write.
   *
   * @default ['json', 'html', 'md']
   */
  readonly formats?: ReportFormat[];
}

/**
 * Writes the encryption report into the cloud assembly at every synth. Register it with
 * `Validations.of(app).addPlugins(plugin)`, or with the App's deprecated `policyValidationBeta1`:
 * it implements both plugin interfaces.
 *
 * aws-cdk-lib calls validation plugins synchronously, and the report is built asynchronously: synth returns
 * before the files are written, and Node.js writes them before the app's process exits (`cdk synth` reads the
 * assembly after that). A program that needs them at once awaits {@link EncryptionReportPlugin.written}.
 *
 * @example
 * const plugin = new EncryptionReportPlugin();
 * const app = new App();
 * Validations.of(app).addPlugins(plugin);
 * // … stacks …
 * app.synth();
 * await plugin.written();
 */
export class EncryptionReportPlugin implements IPolicyValidationPlugin, IPolicyValidationPluginBeta1 {
  /** The plugin's name in aws-cdk-lib's validation report. */
  public readonly name = 'cdk-kms-encryption-report';
  /** It has no rules: it never reports a violation. */
  public readonly ruleIds: string[] = [];

  private readonly formats: ReportFormat[];
  private readonly pending: Array<Promise<void>> = [];

  constructor(props: EncryptionReportPluginProps = {}) {
    this.formats = props.formats ?? [...REPORT_FORMATS];
  }

  /**
   * Starts writing the report into the assembly of `context`'s templates; always succeeds, with no violation (a
   * report that fits both plugin interfaces' reports).
   */
  public validate(context: { readonly templatePaths: string[] }): { readonly success: true; readonly violations: [] } {
    this.pending.push(this.write(context.templatePaths));
    return { success: true, violations: [] };
  }

  /** Resolves when every report this plugin started is written, or its failure printed. */
  public async written(): Promise<void> {
    await Promise.all(this.pending);
  }

  private async write(templatePaths: string[]): Promise<void> {
    let assembly = '(no templates)';
    try {
      assembly = assemblyDirectory(templatePaths);
      const report = await buildReport(assembly);
      writeReport(report, assembly, this.formats);
      process.stderr.write(`Encryption report: ${path.join(assembly, reportFileBase(report))}.{${this.formats.join(',')}}\n`);
    } catch (error) {
      process.stderr.write(`[WARNING] cdk-kms-encryption-report: the encryption report was not written into ${assembly}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

/**
 * The cloud assembly the templates belong to: the deepest directory that holds them all (templates of a nested
 * Stage are in an `assembly-<stage>` directory under it), or above it while its parent is an assembly too.
 */
export function assemblyDirectory(templatePaths: string[]): string {
  if (templatePaths.length === 0) {
    throw new Error('aws-cdk-lib gave the plugin no template paths');
  }
  const [first, ...others] = templatePaths.map((template) => path.dirname(path.resolve(template)).split(path.sep));
  const common = first.filter((_, i) => others.every((segments) => segments.slice(0, i + 1).join(path.sep) === first.slice(0, i + 1).join(path.sep)));
  let dir = common.join(path.sep) || path.sep;
  while (path.basename(dir).startsWith('assembly-') && fs.existsSync(path.join(path.dirname(dir), 'manifest.json'))) {
    dir = path.dirname(dir);
  }
  return dir;
}
