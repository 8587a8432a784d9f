import {
  type AccessChange,
  type Acknowledgement,
  type EncryptionReport,
  type EncryptionReportDiff,
  isReportDiff,
  type KeyConfiguration,
  type KeyEntry,
  type Unknown,
  type UnprotectedData,
} from '../model';
import type { Change } from './diagram';
import { diffKeyLabels, resourceLabel } from './diagram';

/**
 * The report's tables as plain text, once, for both forms: html.ts and markdown.ts only escape and lay them out.
 */
export interface Table {
  /** The anchor of the section. */
  readonly id: string;
  readonly title: string;
  readonly headers: string[];
  readonly rows: Row[];
  /** What the section says when it has no rows. */
  readonly empty: string;
  /** Paragraphs under the table. */
  readonly notes: Inline[][];
}

export interface Row {
  readonly cells: string[];
  /** A diff's row: what the first cell says in words, the forms add colour. */
  readonly change?: Change;
}

/** Text, or a link (only `https:` links are made). */
export type Inline = string | { readonly text: string; readonly href: string };

/** The tables of a report or of a diff, in reading order. */
export function tablesOf(report: EncryptionReport | EncryptionReportDiff): Table[] {
  return isReportDiff(report) ? diffTables(report) : reportTables(report);
}

/** The one-line summary under the title. */
export function summaryOf(report: EncryptionReport | EncryptionReportDiff): string {
  if (isReportDiff(report)) {
    return `${report.gained.length} access ${plural(report.gained.length, 'entry', 'entries')} gained, ${report.lost.length} lost; `
      + `${report.keysAdded.length} ${plural(report.keysAdded.length, 'key', 'keys')} added, ${report.keysRemoved.length} removed; `
      + `${report.dataChanged.length} ${plural(report.dataChanged.length, 'resource', 'resources')} changed key.`;
  }
  const data = new Set(report.keys.flatMap(key => key.encrypts.map(e => e.resource.id))).size;
  return `${report.keys.length} ${plural(report.keys.length, 'key', 'keys')} in ${report.stacks.length} ${plural(report.stacks.length, 'stack', 'stacks')}, `
    + `encrypting ${data} ${plural(data, 'resource', 'resources')}; ${report.unprotected.length} ${plural(report.unprotected.length, 'resource', 'resources')} `
    + `not under a customer managed key; ${report.acknowledgements.length} ${plural(report.acknowledgements.length, 'acknowledgement', 'acknowledgements')}; `
    + `estimated ${usd(report.cost.monthlyUsd)} a month.`;
}

function reportTables(report: EncryptionReport): Table[] {
  const unknowns: Array<{ unknown: Unknown; key?: KeyEntry }> = [
    ...report.keys.flatMap(key => key.unknowns.map(unknown => ({ unknown, key }))),
    ...report.unknowns.map(unknown => ({ unknown })),
  ];
  return [
    table('keys', 'Keys', ['Key', 'Stack', 'Created or referenced', 'Spec and usage', 'Key material', 'Rotation', 'Multi-Region', 'Pending window', 'When removed from the stack', 'Aliases'],
      report.keys.map(key => ({ cells: [key.label, key.resource?.stack ?? 'outside the app', key.origin, ...configurationCells(key.configuration), key.aliases.join(', ') || 'none'] })),
      'The app has no KMS key.'),
    table('access', 'Who can use each key', ['Key', 'Principal', 'Kind', 'Capability', 'Actions', 'Allowed by', 'Conditions'],
      report.keys.flatMap(key => key.access.map(access => ({
        cells: [key.label, access.principal.label, access.principal.kind, access.capability, access.actions.join(', '), access.through.map(throughWords).join(', '),
          conditionWords(access.conditions, access.delegatesToIam ? access.principal.account : undefined)],
      }))),
      'No principal can use a key.'),
    table('encrypts', 'What each key encrypts', ['Key', 'Resource', 'Type', 'Stack', 'Key property'],
      report.keys.flatMap(key => key.encrypts.map(({ resource, property }) => ({
        cells: [key.label, resourceLabel(resource), resource.type, resource.stack, property],
      }))),
      'No resource is encrypted with a key of the report.'),
    table('unprotected', 'Data not under a customer managed key', ['Resource', 'Type', 'Stack', 'Protection', 'Fix'],
      report.unprotected.map(data => ({ cells: [resourceLabel(data.resource), data.resource.type, data.resource.stack, protectionWords(data), data.fix ?? ''] })),
      'Every resource that holds data is under a customer managed key.'),
    table('acknowledgements', 'Acknowledgements', ['Tool', 'Rule', 'Resource', 'Stack', 'Applies to', 'Reason'],
      report.acknowledgements.map(ack => ({ cells: [ack.tool, ack.rule, ackResource(ack), ack.stack, ack.appliesTo?.join(', ') ?? 'the whole rule', ack.reason] })),
      'Nothing is acknowledged or suppressed.'),
    costTable(report),
    table('unknowns', 'Unknown at synth', ['What', 'Comes from', 'Key', 'Resource'],
      unknowns.map(({ unknown, key }) => ({ cells: [unknown.what, unknown.from, key?.label ?? '', unknown.resource ? resourceLabel(unknown.resource) : ''] })),
      'Everything the report needs was known at synth.'),
  ];
}

function costTable(report: EncryptionReport): Table {
  const { cost } = report;
  const labels = new Map(report.keys.map(key => [key.id, key.label]));
  return table('cost', 'Estimated monthly cost (an estimate)', ['Item', 'Keys', 'Quantity', 'Unit price (USD)', 'Monthly (USD)'],
    cost.lines.length === 0 ? [] : [
      ...cost.lines.map(line => ({ cells: [line.item, line.keys.map(id => labels.get(id) ?? id).join(', '), String(line.quantity), usd(line.unitUsd), usd(line.monthlyUsd)] })),
      { cells: ['Total (estimate)', '', '', '', usd(cost.monthlyUsd)] },
    ],
    'The app has no key that costs a monthly fee.',
    [
      [`This is an estimate in ${cost.currency}, before requests, from the prices of `, { text: cost.pricing.url, href: cost.pricing.url },
        ` as read on ${cost.pricing.readOn} for ${cost.pricing.region}.`],
      ...cost.notes.map(note => [note]),
    ]);
}

function diffTables(diff: EncryptionReportDiff): Table[] {
  const labels = diffKeyLabels(diff);
  const keyLabel = (id: string | undefined): string => id === undefined ? 'none' : labels.get(id) ?? id;
  const accessHeaders = ['Change', 'Key', 'Principal', 'Kind', 'Capability', 'Conditions', 'Data under the key'];
  const accessRows = (changes: AccessChange[], change: 'gained' | 'lost', words: string): Row[] => changes.map(access => ({
    change,
    cells: [words, access.key.label, access.principal.label, access.principal.kind, access.capability, conditionWords(access.conditions), access.data.map(resourceLabel).join(', ')],
  }));
  return [
    table('gained', 'Access gained', accessHeaders, accessRows(diff.gained, 'gained', '+ gained'), 'No principal gained access.'),
    table('lost', 'Access lost', accessHeaders, accessRows(diff.lost, 'lost', '− lost'), 'No principal lost access.'),
    table('keys-added', 'Keys added', ['Change', 'Key', 'Id'], diff.keysAdded.map(key => ({ change: 'added' as const, cells: ['+ added', key.label, key.id] })), 'No key was added.'),
    table('keys-removed', 'Keys removed', ['Change', 'Key', 'Id'], diff.keysRemoved.map(key => ({ change: 'removed' as const, cells: ['− removed', key.label, key.id] })), 'No key was removed.'),
    table('data-changed', 'Data that changed key', ['Change', 'Resource', 'Type', 'Stack', 'Key before', 'Key after'],
      diff.dataChanged.map(({ resource, oldKey, newKey }) => ({
        change: 'changed' as const,
        cells: [dataChangeWords(oldKey, newKey), resourceLabel(resource), resource.type, resource.stack, keyLabel(oldKey), keyLabel(newKey)],
      })),
      'No resource changed key.'),
  ];
}

function table(id: string, title: string, headers: string[], rows: Row[], empty: string, notes: Inline[][] = []): Table {
  return { id, title, headers, rows, empty, notes };
}

function configurationCells(configuration: KeyConfiguration): string[] {
  const known = <T>(value: T | undefined, words: (v: T) => string): string => value === undefined ? UNKNOWN : words(value);
  return [
    [configuration.keySpec, configuration.keyUsage].filter(v => v !== undefined).join(', ') || UNKNOWN,
    known(configuration.origin, origin => origin),
    known(configuration.rotation, rotation => !rotation.enabled ? 'off' : rotation.periodDays === undefined ? 'on' : `every ${rotation.periodDays} days`),
    known(configuration.multiRegion, multiRegion => multiRegion ? 'yes' : 'no'),
    known(configuration.pendingWindowDays, days => `${days} days`),
    known(configuration.retention, retention => RETENTION_WORDS[retention]),
  ];
}

const UNKNOWN = 'unknown at synth';

const RETENTION_WORDS: Record<NonNullable<KeyConfiguration['retention']>, string> = {
  Retain: 'retained',
  RetainExceptOnCreate: 'retained (deleted if its creation fails)',
  Delete: 'scheduled for deletion',
  Snapshot: 'snapshot kept',
};

function conditionWords(conditions: string[], delegatedAccount?: string): string {
  const delegation = delegatedAccount === undefined ? [] : [`any principal of ${delegatedAccount} whose IAM policy allows it`];
  const all = [...delegation, ...conditions];
  return all.length === 0 ? 'none: any request' : all.join('; ');
}

function throughWords(through: 'key-policy' | 'identity-policy' | 'grant'): string {
  return { 'key-policy': 'key policy', 'identity-policy': 'identity policy', 'grant': 'grant' }[through];
}

function protectionWords(data: UnprotectedData): string {
  return { 'unencrypted': 'not encrypted', 'aws-managed': 'AWS managed key (aws/<service>)', 'aws-owned': 'AWS owned key' }[data.protection];
}

function ackResource(ack: Acknowledgement): string {
  return ack.resource ? resourceLabel(ack.resource) : ack.path ?? 'the whole stack';
}

function dataChangeWords(oldKey: string | undefined, newKey: string | undefined): string {
  if (oldKey === undefined) return '+ now under a key';
  if (newKey === undefined) return '− no longer under a key';
  return '± moved to another key';
}

function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}
