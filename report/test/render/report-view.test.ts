/**
 * The diagram's view logic (view.js) as the page and the Markdown form run it: filters keep the paths through
 * what they name; collapsing folds the data of busy keys, then whole stacks.
 */
import { expectedFiltered, expectedGraph } from './expected';
import { diagramOf } from '../../src/render/diagram';
import { reportView } from '../../src/render/report-view';
import { largeReport, smallDiff, smallReport } from '../fixtures/render/reports';

const ids = (items: Array<{ id: string }>): string[] => items.map(item => item.id).sort();

describe('diagramOf', () => {
  test('stacks are named by id, with their deployed name when it differs; a nested stack by its id alone', () => {
    // GIVEN
    const report = smallReport();
    const nested = { id: 'Reports/Archive', stackName: 'Reports-ArchiveNestedStackArchiveNestedStackResource1234', parent: 'Reports', account: '111111111111', region: 'eu-west-1' };
    const data = { ...report.keys[0].encrypts[0], resource: { ...report.keys[0].encrypts[0].resource, id: 'Reports/Archive/Bucket', stack: 'Reports/Archive' } };

    // WHEN
    const diagram = diagramOf({ ...report, stacks: [...report.stacks, nested], keys: [{ ...report.keys[0], encrypts: [data] }, report.keys[1]] });

    // THEN
    expect(diagram.stacks).toEqual([
      { id: 'Payments', label: 'Payments' },
      { id: 'Reports', label: 'Reports (showcase-reports)' },
      { id: 'Reports/Archive', label: 'Reports/Archive' },
    ]);
  });

  test('one edge per principal and key, its capabilities in reading order', () => {
    const diagram = diagramOf(smallReport());
    expect(diagram.edges.find(edge => edge.source === 'principal:logs.eu-west-1.amazonaws.com')!.label).toBe('decrypt, encrypt');
  });
});

describe('filtered', () => {
  const report = smallReport();
  const diagram = diagramOf(report);
  const nodeIds = (kind: string): string[] => diagram.nodes.filter(node => node.kind === kind).map(node => node.id);

  test('without filters, the whole diagram: the report\'s nodes and edges', () => {
    const view = reportView().filtered(diagram, {});
    expect(ids(view.nodes)).toEqual(expectedGraph(report).nodes);
    expect(view.edges.map(edge => `${edge.source} -> ${edge.target}`).sort()).toEqual(expectedGraph(report).edges);
  });

  test.each([
    ...nodeIds('key').map(key => ({ key })),
    ...nodeIds('principal').map(principal => ({ principal })),
    ...report.stacks.map(stack => ({ stack: stack.id })),
    ...nodeIds('principal').flatMap(principal => report.stacks.map(stack => ({ principal, stack: stack.id }))),
  ])('%o keeps exactly the paths through what it names', filters => {
    // WHEN
    const view = reportView().filtered(diagram, filters);

    // THEN
    expect(ids(view.nodes)).toEqual(expectedFiltered(report, filters));
    const shown = new Set(view.nodes.map(node => node.id));
    expect(view.edges.every(edge => shown.has(edge.source) && shown.has(edge.target))).toBe(true);
  });

  test('a filter that matches nothing shows nothing', () => {
    const view = reportView().filtered(diagram, { key: 'key:Payments/DataKey0AB1', principal: 'principal:Reports/ReaderRole5678' });
    expect(view.nodes).toEqual([]);
    expect(view.edges).toEqual([]);
  });
});

describe('collapsed', () => {
  test('the data of a key in a stack beyond the threshold becomes one node, unless expanded', () => {
    // GIVEN 1 stack, 1 key, 9 buckets
    const diagram = diagramOf(largeReport(1, 1, 9));

    // WHEN
    const folded = reportView().collapsed(diagram, { threshold: 8 });
    const expanded = reportView().collapsed(diagram, { threshold: 8, expanded: ['resources:key:Service00/Key0|Service00'] });
    const below = reportView().collapsed(diagram, { threshold: 9 });

    // THEN
    const resources = folded.nodes.find(node => node.kind === 'resources')!;
    expect(resources).toMatchObject({ id: 'resources:key:Service00/Key0|Service00', label: '9 resources', detail: 'of Service00/Key0', stack: 'Service00', count: 9 });
    expect(resources.members).toHaveLength(9);
    expect(folded.nodes.filter(node => node.kind === 'data')).toEqual([]);
    expect(folded.edges.filter(edge => edge.target === resources.id).map(edge => edge.source)).toEqual(['key:Service00/Key0']);
    expect(expanded.nodes.filter(node => node.kind === 'data')).toHaveLength(9);
    expect(below.nodes.filter(node => node.kind === 'data')).toHaveLength(9);
  });

  test('a resource under a folded key and another key stays, reached by the other key', () => {
    // GIVEN Service00/Key0's first bucket is also under the small report's data key
    const large = largeReport(1, 1, 9);
    const shared = large.keys[0].encrypts[0];
    const small = smallReport();
    const report = { ...large, keys: [...large.keys, { ...small.keys[0], encrypts: [shared] }] };

    // WHEN
    const view = reportView().collapsed(diagramOf(report), { threshold: 8 });

    // THEN
    expect(view.nodes.filter(node => node.kind === 'data').map(node => node.id)).toEqual([`data:${shared.resource.id}`]);
    expect(view.edges.filter(edge => edge.target === `data:${shared.resource.id}`).map(edge => edge.source)).toEqual(['key:Payments/DataKey0AB1']);
  });

  test('a collapsed stack is one node: its inner edges gone, the edges that leave it merged, labels kept', () => {
    // GIVEN
    const diagram = diagramOf(smallReport());

    // WHEN
    const view = reportView().collapsed(diagram, { threshold: 8, collapsedStacks: ['Payments'] });

    // THEN
    expect(view.nodes.find(node => node.id === 'stack:Payments')).toMatchObject({ kind: 'stack', label: 'Payments', detail: 'collapsed: 1 principal, 1 key, 3 resources' });
    expect(view.nodes.some(node => node.stack === 'Payments')).toBe(false);
    expect(view.edges.map(edge => `${edge.source} -> ${edge.target}: ${edge.label}`).sort()).toEqual([
      'key:arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab -> data:Reports/ReportsBucket99: ',
      'principal:111111111111 -> stack:Payments: administer',
      'principal:222222222222 -> stack:Payments: share',
      'principal:Reports/ReaderRole5678 -> key:arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab: decrypt',
      'principal:logs.eu-west-1.amazonaws.com -> stack:Payments: decrypt, encrypt',
      'stack:Payments -> data:Reports/ArchiveParameter12: ',
    ]);
  });

  test('in a diff, a collapsed stack keeps gained apart from lost', () => {
    // WHEN
    const view = reportView().collapsed(diagramOf(smallDiff()), { threshold: 8, collapsedStacks: ['Payments', 'Reports'] });

    // THEN
    expect(view.edges.map(edge => `${edge.source} -> ${edge.target}: ${edge.label} (${edge.change ?? 'unchanged'})`).sort()).toEqual([
      'principal:222222222222 -> stack:Payments: − lost share (lost)',
      'stack:Payments -> stack:Reports: − no longer encrypts (lost)',
      'stack:Reports -> stack:Payments: + gained decrypt (gained)',
    ]);
  });
});
