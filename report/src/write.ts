/**
 * Writes a report, or the diff of two, as files: `encryption-report.{json,html,md}`, or
 * `encryption-report-diff.{json,html,md}` for a diff, so both can sit in one directory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EncryptionReport, EncryptionReportDiff, isReportDiff } from './model';
import { renderHtml } from './render/html';
import { renderMarkdown } from './render/markdown';

/** The forms a report is written in. */
export type ReportFormat = 'json' | 'html' | 'md';

/** Every format, in the order the files are written. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'html', 'md'];

const RENDERERS: Record<ReportFormat, (report: EncryptionReport | EncryptionReportDiff) => string> = {
  json: toJson,
  html: renderHtml,
  md: renderMarkdown,
};

/**
 * Writes `report` in each of `formats` into `outDir` (created if missing) and returns the paths written.
 *
 * @example
 * writeReport(await buildReport('cdk.out'), 'cdk.out', ['json', 'md']);
 */
export function writeReport(
  report: EncryptionReport | EncryptionReportDiff,
  outDir: string,
  formats: readonly ReportFormat[] = REPORT_FORMATS,
): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  return formats.map((format) => {
    const file = path.join(outDir, `${reportFileBase(report)}.${format}`);
    fs.writeFileSync(file, RENDERERS[format](report));
    return file;
  });
}

/** `encryption-report` or `encryption-report-diff`. */
export function reportFileBase(report: EncryptionReport | EncryptionReportDiff): string {
  return isReportDiff(report) ? 'encryption-report-diff' : 'encryption-report';
}

/**
 * The JSON as the report holds it, indented, with a final newline: the report's arrays are already in a stable
 * order, so two runs on the same assembly write the same bytes.
 */
function toJson(report: EncryptionReport | EncryptionReportDiff): string {
  return `${JSON.stringify(report, undefined, 2)}\n`;
}
