export * from './model';
export { buildReport } from './build';
export { diffReports, hasGainedAccess } from './diff';
export { EncryptionReportPlugin, EncryptionReportPluginProps } from './plugin';
export { renderHtml } from './render/html';
export { renderMarkdown } from './render/markdown';
export { REPORT_FORMATS, ReportFormat, writeReport } from './write';
