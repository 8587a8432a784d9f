import { createHash } from 'crypto';
import { type EncryptionReport, type EncryptionReportDiff, isReportDiff } from '../model';
import { assetText, elkSource } from './assets';
import { COLLAPSE_THRESHOLD, STACKS_COLLAPSED_ABOVE, Diagram, DiagramNode, diagramOf } from './diagram';
import { escapeHtml, jsonForScript } from './escape';
import { Inline, Table, summaryOf, tablesOf } from './tables';

/**
 * `encryption-report.html`: one self-contained page that works offline. The report and its diagram are inlined
 * as JSON; ELK (elkjs) lays the diagram out in the page, which draws it as SVG (page.js, with view.js for filters
 * and collapsing). A Content-Security-Policy allows exactly the page's own scripts and style (by hash) and no
 * request at all, so even text that escaped escaping could neither run nor call out.
 */
export function renderHtml(report: EncryptionReport | EncryptionReportDiff): string {
  const diagram = diagramOf(report);
  const scripts = [elkSource(), assetText('view.js'), assetText('page.js')];
  const css = assetText('page.css');
  const csp = ["default-src 'none'", `script-src ${scripts.map(sha256).join(' ')}`, `style-src ${sha256(css)}`, "img-src 'none'", "form-action 'none'", "base-uri 'none'"].join('; ');
  const title = isReportDiff(report) ? 'Encryption report: changes' : 'Encryption report';
  const tables = tablesOf(report);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="source">${sourceWords(report)}</p>`,
    `<p class="summary">${escapeHtml(summaryOf(report))}</p>`,
    `<nav aria-label="Sections"><ul>${[['diagram-section', 'Diagram'], ...tables.map(t => [t.id, t.title])].map(([id, text]) => `<li><a href="#${escapeHtml(id)}">${escapeHtml(text)}</a></li>`).join('')}</ul></nav>`,
    '</header>',
    '<main>',
    diagramSection(diagram),
    ...tables.map(tableSection),
    '</main>',
    `<script type="application/json" id="report-data">${jsonForScript(report)}</script>`,
    `<script type="application/json" id="diagram-data">${jsonForScript({ diagram, collapseThreshold: COLLAPSE_THRESHOLD, stacksCollapsedAbove: STACKS_COLLAPSED_ABOVE })}</script>`,
    ...scripts.map(script => `<script>${script}</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function sourceWords(report: EncryptionReport | EncryptionReportDiff): string {
  return isReportDiff(report)
    ? `From the assembly <code>${escapeHtml(report.old)}</code> to <code>${escapeHtml(report.new)}</code>.`
    : `From the assembly <code>${escapeHtml(report.assembly)}</code>.`;
}

function diagramSection(diagram: Diagram): string {
  const options = (kind: DiagramNode['kind']): Array<[string, string]> =>
    diagram.nodes.filter(node => node.kind === kind).map(node => [node.id, node.label]);
  return [
    '<section id="diagram-section" aria-labelledby="diagram-title">',
    '<h2 id="diagram-title">Who can use which key, for what data</h2>',
    '<form class="filters" id="filters">',
    filterSelect('key', 'Key', 'All keys', options('key')),
    filterSelect('principal', 'Principal', 'All principals', options('principal')),
    filterSelect('stack', 'Stack', 'All stacks', diagram.stacks.map(stack => [stack.id, stack.label])),
    '<button type="button" id="collapse-stacks">Collapse all stacks</button>',
    '<button type="button" id="expand-stacks">Expand all stacks</button>',
    '</form>',
    '<p class="legend">Principals (left) use keys (middle) that encrypt data (right); edge labels name the capabilities. '
      + `Boxes group by stack: select a stack's title to collapse it. More than ${COLLAPSE_THRESHOLD} resources of one key in one stack `
      + `are drawn as one node "N resources": select it to expand. A diagram of more than ${STACKS_COLLAPSED_ABOVE} nodes opens with its stacks collapsed. `
      + 'In a diff, "+" marks what was gained or added (green, solid) '
      + 'and "−" what was lost or removed (red, dashed).</p>',
    '<div id="diagram" class="diagram" aria-busy="true"><p>Laying out the diagram…</p></div>',
    '<noscript><p>The diagram needs JavaScript; the tables below hold the same data.</p></noscript>',
    '</section>',
  ].join('\n');
}

function filterSelect(name: string, label: string, all: string, options: Array<[string, string]>): string {
  return `<span class="filter"><label for="filter-${name}">${escapeHtml(label)}</label> <select id="filter-${name}" name="${name}">`
    + `<option value="">${escapeHtml(all)}</option>`
    + options.map(([value, text]) => `<option value="${escapeHtml(value)}">${escapeHtml(text)}</option>`).join('')
    + '</select></span>';
}

function tableSection(table: Table): string {
  const body = table.rows.length === 0
    ? `<p class="empty">${escapeHtml(table.empty)}</p>`
    : [
      `<div class="table-wrap"><table aria-labelledby="${table.id}-title">`,
      `<thead><tr>${table.headers.map(header => `<th scope="col">${escapeHtml(header)}</th>`).join('')}</tr></thead>`,
      '<tbody>',
      ...table.rows.map(row => `<tr${row.change ? ` class="change change-${row.change}"` : ''}>${row.cells.map(cell => `<td>${breakable(cell)}</td>`).join('')}</tr>`),
      '</tbody>',
      '</table></div>',
    ].join('\n');
  return [
    `<section id="${table.id}" aria-labelledby="${table.id}-title">`,
    `<h2 id="${table.id}-title">${escapeHtml(table.title)}</h2>`,
    body,
    ...table.notes.map(note => `<p class="note">${note.map(inlineHtml).join('')}</p>`),
    '</section>',
  ].join('\n');
}

/** Escaped text that may wrap after the separators of paths and ARNs, so long ids do not widen a table. */
function breakable(text: string): string {
  return escapeHtml(text).replace(/[/:]/g, '$&<wbr>');
}

function inlineHtml(part: Inline): string {
  if (typeof part === 'string') return escapeHtml(part);
  return part.href.startsWith('https://') ? `<a href="${escapeHtml(part.href)}">${escapeHtml(part.text)}</a>` : escapeHtml(part.text);
}

function sha256(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}
