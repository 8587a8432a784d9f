import { type EncryptionReport, type EncryptionReportDiff, isReportDiff } from '../model';
import { COLLAPSE_THRESHOLD, Change, Diagram, diagramOf } from './diagram';
import { escapeMarkdown, escapeMermaid } from './escape';
import { View, ViewNode, reportView } from './report-view';
import { Inline, Table, summaryOf, tablesOf } from './tables';

/**
 * GitHub renders a Mermaid diagram only below Mermaid's limits: `maxEdges` (500 by default; some Mermaid 10
 * releases refused more than 280 edges whatever the setting) and `maxTextSize` (50,000 characters). GitHub
 * documents no limit of its own and renders an error box instead of a larger diagram, so the Markdown form
 * stays below the stricter of them.
 * @see https://mermaid.js.org/config/schema-docs/config-properties-maxedges.html
 * @see https://mermaid.js.org/config/schema-docs/config-properties-maxtextsize.html
 * @see https://github.com/mermaid-js/mermaid/issues/5042
 */
export const MERMAID_LIMITS = { edges: 280, characters: 50_000 } as const;

/**
 * GitHub refuses a pull request comment (or description) longer than 65,536 characters ("Body is too long").
 * @see https://github.com/orgs/community/discussions/27190
 * @see https://github.com/mshick/add-pr-comment/issues/93
 */
export const PULL_REQUEST_COMMENT_LIMIT = 65_536;

/**
 * `encryption-report.md`: for pull requests, a Mermaid flowchart principals → keys → data and the tables. It fits
 * a pull request comment: beyond the limit the longest tables show their first rows and say how many follow.
 */
export function renderMarkdown(report: EncryptionReport | EncryptionReportDiff): string {
  const title = isReportDiff(report) ? 'Encryption report: changes' : 'Encryption report';
  const source = isReportDiff(report)
    ? `From the assembly ${escapeMarkdown(report.old)} to ${escapeMarkdown(report.new)}.`
    : `From the assembly ${escapeMarkdown(report.assembly)}.`;
  const head = [`# ${title}`, source, `**${escapeMarkdown(summaryOf(report))}**`, '## Who can use which key, for what data', ...diagramBlock(diagramOf(report))];
  const tables = tablesOf(report);
  const shown = tables.map(table => table.rows.length);
  const document = (): string => [...head, ...tables.flatMap((table, index) => tableBlock(table, shown[index]))].join('\n\n') + '\n';
  let markdown = document();
  while (markdown.length > PULL_REQUEST_COMMENT_LIMIT && shown.some(rows => rows > 0)) {
    const longest = shown.indexOf(Math.max(...shown));
    shown[longest] = Math.floor(shown[longest] / 2);
    markdown = document();
  }
  return markdown;
}

/** The diagram with the data of busy keys collapsed; with every stack collapsed if that is still too large. */
function diagramBlock(diagram: Diagram): string[] {
  const collapsedData = reportView().collapsed(diagram, { threshold: COLLAPSE_THRESHOLD });
  const collapsedStacks = reportView().collapsed(diagram, { threshold: COLLAPSE_THRESHOLD, collapsedStacks: diagram.stacks.map(stack => stack.id) });
  const dataNote = collapsedData.nodes.some(node => node.kind === 'resources')
    ? [`More than ${COLLAPSE_THRESHOLD} resources of one key in one stack are drawn as one node "N resources"; the tables list them all.`]
    : [];
  const fits = (mermaid: string, edges: number): boolean => edges <= MERMAID_LIMITS.edges && mermaid.length <= MERMAID_LIMITS.characters;
  const full = mermaidOf(collapsedData);
  if (fits(full, collapsedData.edges.length)) return [fence(full), ...dataNote];
  const stacks = mermaidOf(collapsedStacks);
  const tooLarge = `The full diagram is larger than GitHub renders (${MERMAID_LIMITS.edges} edges, ${MERMAID_LIMITS.characters} characters of Mermaid)`;
  if (fits(stacks, collapsedStacks.edges.length)) {
    return [fence(stacks), `${tooLarge}: each stack is drawn as one node. encryption-report.html shows every node, with filters.`];
  }
  return [`${tooLarge}, even with each stack as one node. encryption-report.html shows it, with filters.`];
}

function fence(mermaid: string): string {
  return ['```mermaid', mermaid, '```'].join('\n');
}

/** A flowchart left to right, one subgraph per stack; changes marked by text in the labels, and by colour. */
function mermaidOf(diagramView: View): string {
  const ids = new Map(diagramView.nodes.map((node, index) => [node.id, `n${index}`]));
  const line = (node: ViewNode): string => `${ids.get(node.id)}${shape(node, escapeMermaid(node.detail ? `${node.label} (${node.detail})` : node.label))}`;
  const lines = ['flowchart LR'];
  diagramView.stacks.forEach((stack, index) => {
    const members = diagramView.nodes.filter(node => node.stack === stack.id);
    if (members.length === 0) return;
    lines.push(`  subgraph s${index}["Stack ${escapeMermaid(stack.label)}"]`, ...members.map(node => `    ${line(node)}`), '  end');
  });
  lines.push(...diagramView.nodes.filter(node => node.stack === undefined || !diagramView.stacks.some(s => s.id === node.stack)).map(node => `  ${line(node)}`));
  lines.push(...diagramView.edges.map(edge => `  ${ids.get(edge.source)} -->${edge.label ? `|"${escapeMermaid(edge.label)}"|` : ''} ${ids.get(edge.target)}`));
  lines.push(...Object.entries(NODE_STYLES).map(([name, style]) => `  classDef ${name} ${style}`));
  for (const name of Object.keys(NODE_STYLES)) {
    const members = diagramView.nodes.filter(node => node.kind === name || node.change === name).map(node => ids.get(node.id));
    if (members.length > 0) lines.push(`  class ${members.join(',')} ${name}`);
  }
  for (const [change, style] of Object.entries(EDGE_STYLES)) {
    const indexes = diagramView.edges.flatMap((edge, index) => edge.change === change ? [index] : []);
    if (indexes.length > 0) lines.push(`  linkStyle ${indexes.join(',')} ${style}`);
  }
  return lines.join('\n');
}

function shape(node: ViewNode, label: string): string {
  switch (node.kind) {
    case 'principal': return `(["${label}"])`;
    case 'key': return `{{"${label}"}}`;
    case 'resources': return `[["${label}"]]`;
    default: return `["${label}"]`;
  }
}

/** Kinds first, then changes: a changed node takes the change's colours. */
const NODE_STYLES: Record<ViewNode['kind'] | Exclude<Change, 'gained' | 'lost'>, string> = {
  principal: 'fill:#ddf4ff,stroke:#0969da',
  key: 'fill:#fff8c5,stroke:#9a6700',
  data: 'fill:#ffffff,stroke:#59636e',
  resources: 'fill:#fbefff,stroke:#8250df',
  stack: 'fill:#f6f8fa,stroke:#59636e',
  added: 'stroke:#1a7f37,stroke-width:3px',
  changed: 'stroke:#1a7f37,stroke-width:3px',
  removed: 'stroke:#cf222e,stroke-width:3px,stroke-dasharray:6 3',
};

const EDGE_STYLES: Record<'gained' | 'lost', string> = {
  gained: 'stroke:#1a7f37,stroke-width:3px',
  lost: 'stroke:#cf222e,stroke-width:3px,stroke-dasharray:6 3',
};

/** A table with its first `shown` rows, and how many more the HTML and JSON forms list. */
function tableBlock(table: Table, shown: number): string[] {
  const row = (cells: string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const hidden = table.rows.length - shown;
  const body = table.rows.length === 0
    ? [`*${escapeMarkdown(table.empty)}*`]
    : [
      ...shown > 0 ? [[row(table.headers), `|${table.headers.map(() => ' --- |').join('')}`, ...table.rows.slice(0, shown).map(r => row(r.cells))].join('\n')] : [],
      ...hidden > 0 ? [`*${shown > 0 ? `… and ${hidden} more` : `${hidden}`} ${hidden === 1 ? 'row' : 'rows'}, too many for a pull request comment: `
        + 'encryption-report.html and encryption-report.json list them all.*'] : [],
    ];
  return [`## ${escapeMarkdown(table.title)}`, ...body, ...table.notes.map(note => note.map(inlineMarkdown).join(''))];
}

function inlineMarkdown(part: Inline): string {
  if (typeof part === 'string') return escapeMarkdown(part);
  return /^https:\/\/[^\s<>()]+$/.test(part.href) ? `[${escapeMarkdown(part.text)}](${part.href})` : escapeMarkdown(part.text);
}
