import type { EncryptionReport, EncryptionReportDiff } from '../model';

/** Whether a report is the result of `--diff` (two assemblies compared) rather than one assembly's report. */
export function isReportDiff(report: EncryptionReport | EncryptionReportDiff): report is EncryptionReportDiff {
  return 'gained' in report;
}
