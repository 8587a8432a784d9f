/**
 * What a report's diagram must show, computed from the report itself (not from the renderer's diagram module):
 * node ids `principal:<id>`, `key:<id>`, `data:<resource id>`; edges `source -> target`.
 */
import type { EncryptionReport, EncryptionReportDiff } from '../../src/model';

export interface ExpectedGraph {
  readonly nodes: string[];
  readonly edges: string[];
}

export function expectedGraph(report: EncryptionReport): ExpectedGraph {
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const key of report.keys) {
    nodes.add(`key:${key.id}`);
    for (const { principal } of key.access) {
      nodes.add(`principal:${principal.id}`);
      edges.add(`principal:${principal.id} -> key:${key.id}`);
    }
    for (const { resource } of key.encrypts) {
      nodes.add(`data:${resource.id}`);
      edges.add(`key:${key.id} -> data:${resource.id}`);
    }
  }
  return sorted(nodes, edges);
}

/**
 * A diff's diagram: who gained or lost what on which key (one edge per principal, key and direction of change),
 * the data under those keys, the keys added and removed, and the data that changed key.
 */
export function expectedDiffGraph(diff: EncryptionReportDiff): ExpectedGraph {
  const nodes = new Set<string>();
  const edges: string[] = [];
  const edge = (source: string, target: string): void => {
    nodes.add(source);
    nodes.add(target);
    edges.push(`${source} -> ${target}`);
  };
  for (const key of [...diff.keysAdded, ...diff.keysRemoved]) nodes.add(`key:${key.id}`);
  for (const changes of [diff.gained, diff.lost]) {
    for (const pair of new Set(changes.map(change => `principal:${change.principal.id} -> key:${change.key.id}`))) {
      const [source, target] = pair.split(' -> ');
      edge(source, target);
    }
  }
  const dataEdges = new Set([...diff.gained, ...diff.lost].flatMap(change => change.data.map(data => `key:${change.key.id} -> data:${data.id}`)));
  for (const pair of dataEdges) {
    const [source, target] = pair.split(' -> ');
    edge(source, target);
  }
  for (const { resource, oldKey, newKey } of diff.dataChanged) {
    if (oldKey) edge(`key:${oldKey}`, `data:${resource.id}`);
    if (newKey) edge(`key:${newKey}`, `data:${resource.id}`);
  }
  return { nodes: [...nodes].sort(), edges: edges.sort() };
}

function sorted(nodes: Set<string>, edges: Set<string>): ExpectedGraph {
  return { nodes: [...nodes].sort(), edges: [...edges].sort() };
}

/**
 * The nodes a set of filters keeps: those on a path principal → key → data (a key without principals or data
 * makes shorter paths) that passes through the filtered key, the filtered principal, and a node of the filtered
 * stack.
 */
export function expectedFiltered(report: EncryptionReport, filters: { key?: string; principal?: string; stack?: string }): string[] {
  const nodes = new Set<string>();
  for (const key of report.keys) {
    const principals = [...new Map(key.access.map(a => [a.principal.id, a.principal])).values()];
    for (const principal of principals.length ? principals : [undefined]) {
      for (const data of key.encrypts.length ? key.encrypts : [undefined]) {
        const path = [
          ...principal ? [{ id: `principal:${principal.id}`, stack: principal.resource?.stack }] : [],
          { id: `key:${key.id}`, stack: key.resource?.stack },
          ...data ? [{ id: `data:${data.resource.id}`, stack: data.resource.stack }] : [],
        ];
        const kept = (!filters.key || path.some(node => node.id === filters.key))
          && (!filters.principal || path.some(node => node.id === filters.principal))
          && (!filters.stack || path.some(node => node.stack === filters.stack));
        if (kept) path.forEach(node => nodes.add(node.id));
      }
    }
  }
  return [...nodes].sort();
}
