import {
  type AccessChange,
  type Capability,
  type EncryptionReport,
  type EncryptionReportDiff,
  isReportDiff,
  type PrincipalRef,
  type ResourceRef,
  type StackEntry,
} from '../model';

/**
 * The diagram principals → keys → data that both the page and the Markdown form draw, as plain data: the page
 * lays it out with ELK and filters and collapses it (view.js); the Markdown form writes it as Mermaid.
 * Node ids are `principal:<id>`, `key:<id>` and `data:<resource id>`, from the report's stable ids.
 */
export interface Diagram {
  readonly nodes: DiagramNode[];
  readonly edges: DiagramEdge[];
  /** The stacks nodes are grouped by, in the report's order. */
  readonly stacks: DiagramStack[];
}

/** What changed between two reports, on a node or edge of a diff's diagram. */
export type Change = 'gained' | 'lost' | 'added' | 'removed' | 'changed';

export interface DiagramNode {
  readonly id: string;
  readonly kind: 'principal' | 'key' | 'data';
  readonly label: string;
  /** A second line: the principal's kind, the key's origin, the resource's type. */
  readonly detail: string;
  /** The stack id the node belongs to; absent for what is outside the app (accounts, services, referenced keys). */
  readonly stack?: string;
  readonly change?: Change;
}

/** principal → key (label: the capabilities) or key → data. */
export interface DiagramEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly label: string;
  readonly change?: Change;
}

export interface DiagramStack {
  readonly id: string;
  readonly label: string;
}

/** Above this many resources of one key in one stack, the diagram draws them as one node "N resources". */
export const COLLAPSE_THRESHOLD = 8;

/** A page whose diagram has more nodes than this (with data collapsed) opens with every stack collapsed. */
export const STACKS_COLLAPSED_ABOVE = 60;

/** The order capabilities are listed in, from reading data to handing it on (every capability has its place). */
const CAPABILITY_RANK: Record<Capability, number> = { 'decrypt': 0, 'encrypt': 1, 'sign': 2, 'create-grants': 3, 'share': 4, 'administer': 5 };

/** The diagram of a report, or of a diff (what was gained and lost, and the keys and data that changed). */
export function diagramOf(report: EncryptionReport | EncryptionReportDiff): Diagram {
  return isReportDiff(report) ? diffDiagram(report) : reportDiagram(report);
}

/** The labels of the keys a diff names (`dataChanged` names keys by id only). */
export function diffKeyLabels(diff: EncryptionReportDiff): Map<string, string> {
  const keys = [...diff.keysAdded, ...diff.keysRemoved, ...diff.gained.map(c => c.key), ...diff.lost.map(c => c.key)];
  return new Map(keys.map(key => [key.id, key.label]));
}

/** What a reader calls a resource: its construct path when the template records it, else its id. */
export function resourceLabel(resource: ResourceRef): string {
  return resource.path ?? resource.id;
}

/** Entries grouped (one edge each), in the order first met, with their capabilities in reading order. */
function withCapabilities<T extends { readonly capability: Capability }>(
  entries: T[], groupOf: (entry: T) => string): Array<{ first: T; capabilities: string }> {
  const groups = new Map<string, { first: T; present: Set<Capability> }>();
  for (const entry of entries) {
    const group = groups.get(groupOf(entry)) ?? { first: entry, present: new Set<Capability>() };
    group.present.add(entry.capability);
    groups.set(groupOf(entry), group);
  }
  return [...groups.values()].map(({ first, present }) => ({ first, capabilities: [...present].sort((a, b) => CAPABILITY_RANK[a] - CAPABILITY_RANK[b]).join(', ') }));
}

function reportDiagram(report: EncryptionReport): Diagram {
  const builder = new DiagramBuilder();
  for (const key of report.keys) {
    const keyId = builder.key(key.id, key.label, key.resource?.stack, key.origin === 'created' ? 'key of the app' : 'referenced key');
    for (const { first, capabilities } of withCapabilities(key.access, access => access.principal.id)) {
      builder.edge(builder.principal(first.principal), keyId, capabilities);
    }
    for (const data of key.encrypts) {
      builder.edge(keyId, builder.data(data.resource), '');
    }
  }
  return builder.build(report.stacks.map(stack => ({ id: stack.id, label: stackLabel(stack) })));
}

function diffDiagram(diff: EncryptionReportDiff): Diagram {
  const builder = new DiagramBuilder();
  const keyLabels = diffKeyLabels(diff);
  const stackIds = new Set([
    ...[...diff.gained, ...diff.lost].flatMap(change => [...change.data.map(d => d.stack), change.principal.resource?.stack]),
    ...diff.dataChanged.map(change => change.resource.stack),
  ].filter((stack): stack is string => stack !== undefined));
  const keyNode = (id: string, change?: Change): string =>
    builder.key(id, keyLabels.get(id) ?? id, stackOfId(id, stackIds), change === 'added' ? 'key added' : change === 'removed' ? 'key removed' : 'key', change);

  for (const key of diff.keysAdded) keyNode(key.id, 'added');
  for (const key of diff.keysRemoved) keyNode(key.id, 'removed');
  const addChanges = (changes: AccessChange[], change: 'gained' | 'lost', sign: string): void => {
    for (const { first, capabilities } of withCapabilities(changes, access => JSON.stringify([access.principal.id, access.key.id]))) {
      const keyId = keyNode(first.key.id);
      builder.edge(builder.principal(first.principal), keyId, `${sign} ${change} ${capabilities}`, change);
    }
    for (const access of changes) {
      for (const data of access.data) builder.edge(keyNode(access.key.id), builder.data(data), '');
    }
  };
  addChanges(diff.gained, 'gained', '+');
  addChanges(diff.lost, 'lost', '−');
  for (const { resource, oldKey, newKey } of diff.dataChanged) {
    const dataId = builder.data(resource, 'changed', `changed key · ${resource.type}`);
    if (oldKey !== undefined) builder.edge(keyNode(oldKey), dataId, '− no longer encrypts', 'lost');
    if (newKey !== undefined) builder.edge(keyNode(newKey), dataId, '+ now encrypts', 'gained');
  }
  return builder.build([...stackIds].sort().map(id => ({ id, label: id })));
}

/** A stack by its artifact id, with its deployed name when that differs (a nested stack's id says enough). */
function stackLabel(stack: StackEntry): string {
  return stack.parent !== undefined || stack.stackName === stack.id ? stack.id : `${stack.id} (${stack.stackName})`;
}

/** The stack of a key of the app from its id (`<stack id>/<logical id>`; nested stack ids hold slashes too). */
function stackOfId(id: string, stackIds: Set<string>): string | undefined {
  return [...stackIds].filter(stack => id.startsWith(`${stack}/`)).sort((a, b) => b.length - a.length)[0];
}

/** Collects nodes and edges once each, in the order they are first met; a node's change, once set, stays. */
class DiagramBuilder {
  private readonly nodes = new Map<string, DiagramNode>();
  private readonly edges = new Map<string, DiagramEdge>();

  public key(id: string, label: string, stack: string | undefined, detail: string, change?: Change): string {
    return this.node({ id: `key:${id}`, kind: 'key', label, detail, stack, change });
  }

  public principal(principal: PrincipalRef): string {
    return this.node({ id: `principal:${principal.id}`, kind: 'principal', label: principal.label, detail: principal.kind, stack: principal.resource?.stack });
  }

  public data(resource: ResourceRef, change?: Change, detail = resource.type): string {
    return this.node({ id: `data:${resource.id}`, kind: 'data', label: resourceLabel(resource), detail, stack: resource.stack, change });
  }

  public edge(source: string, target: string, label: string, change?: Change): void {
    const id = JSON.stringify([source, target, change ?? '']);
    if (!this.edges.has(id)) this.edges.set(id, withoutUndefined({ id, source, target, label, change }));
  }

  public build(stacks: DiagramStack[]): Diagram {
    const used = new Set([...this.nodes.values()].map(node => node.stack));
    return { nodes: [...this.nodes.values()], edges: [...this.edges.values()], stacks: stacks.filter(stack => used.has(stack.id)) };
  }

  private node(node: DiagramNode): string {
    const known = this.nodes.get(node.id);
    if (known === undefined || (known.change === undefined && node.change !== undefined)) {
      this.nodes.set(node.id, withoutUndefined(node));
    }
    return node.id;
  }
}

/** JSON keeps no `undefined` anyway; dropping it here keeps the inlined data and the tests' expectations alike. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
