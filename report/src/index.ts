export * from './model';
export { buildReport } from './build';
export { diffReports, hasGainedAccess } from './diff';
export { EncryptionReportPlugin } from './plugin';
export type { EncryptionReportPluginProps } from './plugin';
export { renderHtml } from './render/html';
export { renderMarkdown } from './render/markdown';
export { REPORT_FORMATS, writeReport } from './write';
export type { ReportFormat } from './write';
