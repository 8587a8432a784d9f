import { expectedGraph } from './expected';
import type { EncryptionReport } from '../../src/model';
import { MERMAID_LIMITS, PULL_REQUEST_COMMENT_LIMIT, renderMarkdown } from '../../src/render/markdown';
import { HOSTILE, largeReport, smallDiff, smallReport } from '../fixtures/render/reports';

/** The Mermaid block of a Markdown report, or undefined. */
function mermaidOf(markdown: string): string[] | undefined {
  const match = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  return match?.[1].split('\n');
}

/** Every line a flowchart of ours may hold: labels quoted, nothing else. */
const MERMAID_LINE = new RegExp([
  '^flowchart LR$',
  '^ {2}subgraph s\\d+\\["[^"<>]*"\\]$',
  '^ {2}end$',
  '^ {2,4}n\\d+(\\(\\["[^"<>]*"\\]\\)|\\{\\{"[^"<>]*"\\}\\}|\\[\\["[^"<>]*"\\]\\]|\\["[^"<>]*"\\])$',
  '^ {2}n\\d+ -->(\\|"[^"<>|]*"\\|)? n\\d+$',
  '^ {2}classDef \\w+ [\\w:#,. -]+$',
  '^ {2}class n\\d+(,n\\d+)* \\w+$',
  '^ {2}linkStyle \\d+(,\\d+)* [\\w:#,. -]+$',
].join('|'));

/** Mermaid's entity codes back to text. */
function unescapeMermaid(text: string): string {
  return text.replace(/#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)));
}

/** The cells of a Markdown table row, split at the pipes that are not escaped. */
function cells(row: string): string[] {
  return row.slice(2, -2).split(/(?<!\\) \| /);
}

/** Every table of a Markdown document: header cell count and each row's. */
function tableShapes(markdown: string): Array<{ headers: number; rows: number[] }> {
  return markdown.split('\n\n').filter(block => block.startsWith('| ')).map(block => {
    const [header, , ...rows] = block.trim().split('\n');
    return { headers: cells(header).length, rows: rows.map(row => cells(row).length) };
  });
}

describe('renderMarkdown', () => {
  test('a report: a Mermaid flowchart with a node per principal, key and data, and an edge per use', () => {
    // GIVEN
    const report = smallReport();

    // WHEN
    const mermaid = mermaidOf(renderMarkdown(report))!;

    // THEN
    const expected = expectedGraph(report);
    expect(mermaid.filter(line => /^ {2,4}n\d+[[({]/.test(line))).toHaveLength(expected.nodes.length);
    expect(mermaid.filter(line => / -->/.test(line))).toHaveLength(expected.edges.length);
    expect(mermaid.filter(line => !MERMAID_LINE.test(line))).toEqual([]);
    expect(mermaid).toContain('  subgraph s0["Stack Payments"]');
  });

  test('text from templates cannot break out of a Mermaid label', () => {
    // GIVEN
    const report = smallReport();
    const hostileRole = { ...report.keys[0].access[1].principal, label: `${HOSTILE}"] --> x["` };
    const hostile: EncryptionReport = { ...report, keys: [{ ...report.keys[0], access: [{ ...report.keys[0].access[1], principal: hostileRole }] }] };

    // WHEN
    const mermaid = mermaidOf(renderMarkdown(hostile))!;

    // THEN
    expect(mermaid.filter(line => !MERMAID_LINE.test(line))).toEqual([]);
    const roleLine = mermaid.find(line => line.includes('(["'))!;
    expect(unescapeMermaid(/\(\["(.*)"\]\)/.exec(roleLine)![1])).toBe(`${HOSTILE}"] --> x[" (role)`);
  });

  test('text from templates stays text in tables: every row keeps its columns, no HTML survives', () => {
    // WHEN
    const markdown = renderMarkdown(smallReport());

    // THEN
    const shapes = tableShapes(markdown);
    expect(shapes).toHaveLength(7);
    for (const shape of shapes) expect(shape.rows.every(count => count === shape.headers)).toBe(true);
    expect(markdown).not.toMatch(/<(img|script|!--)/i);
    expect(markdown).toContain('&lt;/script&gt;&lt;img src=x onerror="window.\\_\\_xss=1"&gt; \\| \\*bold\\* \\[link\\](javascript:alert(1)) "quoted" \\`code\\` &lt;!--');
  });

  test('the cost is marked as an estimate, names keys as readers do, and links its pricing page with its date', () => {
    // WHEN
    const markdown = renderMarkdown(smallReport());

    // THEN
    expect(markdown).toContain('## Estimated monthly cost (an estimate)');
    expect(markdown).toContain('[https://aws.amazon.com/kms/pricing/](https://aws.amazon.com/kms/pricing/) as read on 2026-12-01 for eu-west-1');
    expect(markdown).toContain('| Customer managed key | Payments/DataKey | 1 | $1.00 | $1.00 |');
    expect(markdown).toContain('| Total (estimate) |  |  |  | $1.00 |');
  });

  test('a few hundred resources: the data of each key collapses into one node, with a note', () => {
    // GIVEN 12 stacks × 2 keys × 15 buckets
    const markdown = renderMarkdown(largeReport(12, 2, 15));

    // THEN
    const mermaid = mermaidOf(markdown)!;
    expect(mermaid.filter(line => line.includes('[["15 resources (of '))).toHaveLength(24);
    expect(mermaid.filter(line => /^ {4}n\d+\["/.test(line))).toEqual([]);
    expect(mermaid.filter(line => / -->/.test(line)).length).toBeLessThanOrEqual(MERMAID_LIMITS.edges);
    expect(markdown).toContain('More than 8 resources of one key in one stack are drawn as one node "N resources"; the tables list them all.');
  });

  test('beyond what GitHub renders, each stack becomes one node; far beyond, the diagram gives way to a note', () => {
    // GIVEN 60 stacks of 3 keys: 15 edges a stack with data collapsed, 2 with stacks collapsed
    const collapsed = mermaidOf(renderMarkdown(largeReport(60, 3, 20)))!;
    const none = renderMarkdown(largeReport(150, 1, 1));

    // THEN
    expect(collapsed.filter(line => / -->/.test(line))).toHaveLength(120);
    expect(collapsed.filter(line => line.includes('collapsed: 2 principals, 3 keys, 60 resources'))).toHaveLength(60);
    expect(collapsed.join('\n').length).toBeLessThanOrEqual(MERMAID_LIMITS.characters);
    expect(mermaidOf(none)).toBeUndefined();
    expect(none).toContain('The full diagram is larger than GitHub renders (280 edges, 50000 characters of Mermaid), even with each stack as one node.');
  });

  test('a diff: gained and lost access in words and colours, keys added and removed', () => {
    // WHEN
    const markdown = renderMarkdown(smallDiff());

    // THEN
    const mermaid = mermaidOf(markdown)!;
    expect(mermaid.filter(line => !MERMAID_LINE.test(line))).toEqual([]);
    const edges = mermaid.filter(line => / -->/.test(line)).map(unescapeMermaid);
    const gainedIndex = edges.findIndex(line => line.includes('|"+ gained decrypt"|'));
    const lostIndex = edges.findIndex(line => line.includes('|"− lost share"|'));
    expect(gainedIndex).toBeGreaterThanOrEqual(0);
    expect(lostIndex).toBeGreaterThanOrEqual(0);
    expect(mermaid.find(line => line.startsWith('  linkStyle') && line.includes('#1a7f37'))!.split(' ')[3].split(',')).toContain(String(gainedIndex));
    expect(mermaid.find(line => line.startsWith('  linkStyle') && line.includes('#cf222e'))!.split(' ')[3].split(',')).toContain(String(lostIndex));
    expect(markdown).toContain('| + gained | Payments/DataKey | Reports/ReaderRole | role | decrypt | only through S3 in eu-west-1 | Payments/Bucket/Resource, Payments/LogGroup/Resource |');
    expect(markdown).toContain('| − lost | Payments/DataKey | account 222222222222 | account | share |');
    expect(markdown).toContain('| + added | Reports/ArchiveKey | Reports/ArchiveKey42 |');
    expect(markdown).toContain('| − removed | Payments/OldKey | Payments/OldKey11 |');
  });
});

test('a report of 500 units fits a pull request comment: the longest tables show their first rows and say how many follow', () => {
  // GIVEN 25 stacks × 2 keys × 10 buckets: 500 resources
  const report = largeReport(25, 2, 10);

  // WHEN
  const markdown = renderMarkdown(report);

  // THEN
  expect(markdown.length).toBeLessThanOrEqual(PULL_REQUEST_COMMENT_LIMIT);
  const section = markdown.slice(markdown.indexOf('## What each key encrypts'), markdown.indexOf('## Data not under'));
  const hidden = /\*… and (\d+) more rows, too many for a pull request comment: encryption-report.html and encryption-report.json list them all.\*/.exec(section)!;
  const shownRows = tableShapes(section)[0].rows.length;
  expect(shownRows).toBeGreaterThan(0);
  expect(shownRows + Number(hidden[1])).toBe(500);
  expect(renderMarkdown(smallReport())).not.toContain('too many for a pull request comment');
});
