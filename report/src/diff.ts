/**
 * What changed between two encryption reports: who gained and who lost which capability on which key, the keys
 * added and removed, and the data that came under a key, moved between keys or left one. Pure: two reports in,
 * one diff out, in a stable order.
 *
 * A principal's capability on a key is a set of alternatives, each the conditions a request must meet (a
 * request meeting any one alternative is allowed). An alternative of the newer report is gained unless the
 * older report had one whose conditions are a subset of its own (conditions add up: fewer conditions allow
 * more); an alternative of the older report is lost unless the newer one has such a cover. So a grant widened
 * from "only through S3" to direct use is a gain (and the narrower alternative is not reported lost, since the
 * wider one covers it), and a grant narrowed the other way round is a loss.
 */
import { Access, AccessChange, EncryptionReport, EncryptionReportDiff, KeyEntry, REPORT_SCHEMA_VERSION, ResourceRef } from './model';

/** The changes from `older` to `newer`. */
export function diffReports(older: EncryptionReport, newer: EncryptionReport): EncryptionReportDiff {
  const oldKeys = byId(older.keys);
  const newKeys = byId(newer.keys);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    old: older.assembly,
    new: newer.assembly,
    gained: sortChanges(newer.keys.flatMap((key) => uncoveredAccess(key, oldKeys.get(key.id)))),
    lost: sortChanges(older.keys.flatMap((key) => uncoveredAccess(key, newKeys.get(key.id)))),
    keysAdded: keyLabels(newer.keys.filter((key) => !oldKeys.has(key.id))),
    keysRemoved: keyLabels(older.keys.filter((key) => !newKeys.has(key.id))),
    dataChanged: dataChanges(older.keys, newer.keys),
  };
}

/** True when the diff holds access that the older report did not allow. */
export function hasGainedAccess(diff: EncryptionReportDiff): boolean {
  return diff.gained.length > 0;
}

/** The access of `key` that no access of `other` (the same key in the other report) covers. */
function uncoveredAccess(key: KeyEntry, other: KeyEntry | undefined): AccessChange[] {
  return key.access
    .filter((access) => !other?.access.some((candidate) => covers(candidate, access)))
    .map((access) => ({
      key: { id: key.id, label: key.label },
      principal: access.principal,
      capability: access.capability,
      conditions: [...access.conditions].sort(),
      data: sortResources(key.encrypts.map((data) => data.resource)),
    }));
}

/** `wider` allows every request `narrower` allows: same principal and capability, and a subset of its conditions. */
function covers(wider: Access, narrower: Access): boolean {
  return wider.principal.id === narrower.principal.id
    && wider.capability === narrower.capability
    && wider.conditions.every((condition) => narrower.conditions.includes(condition));
}

/** Per encrypted property of a resource, the key that encrypts it in each report, where the two differ. */
function dataChanges(oldKeys: KeyEntry[], newKeys: KeyEntry[]): EncryptionReportDiff['dataChanged'] {
  const before = keysOfData(oldKeys);
  const after = keysOfData(newKeys);
  const changes: Array<EncryptionReportDiff['dataChanged'][number]> = [];
  for (const place of new Set([...before.keys(), ...after.keys()])) {
    const oldKey = before.get(place)?.key;
    const newKey = after.get(place)?.key;
    if (oldKey !== newKey) {
      const resource = (after.get(place) ?? before.get(place))!.resource;
      changes.push({ resource, ...(oldKey === undefined ? {} : { oldKey }), ...(newKey === undefined ? {} : { newKey }) });
    }
  }
  return changes.sort((a, b) => compare(a.resource.id, b.resource.id) || compare(a.oldKey ?? '', b.oldKey ?? '') || compare(a.newKey ?? '', b.newKey ?? ''));
}

/** `<resource id> <property>` → the key that encrypts it. */
function keysOfData(keys: KeyEntry[]): Map<string, { key: string; resource: ResourceRef }> {
  const places = new Map<string, { key: string; resource: ResourceRef }>();
  for (const key of keys) {
    for (const data of key.encrypts) {
      places.set(`${data.resource.id} ${data.property}`, { key: key.id, resource: data.resource });
    }
  }
  return places;
}

function byId<T extends { readonly id: string }>(items: T[]): Map<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

function keyLabels(keys: KeyEntry[]): Array<{ id: string; label: string }> {
  return keys.map((key) => ({ id: key.id, label: key.label })).sort((a, b) => compare(a.id, b.id));
}

function sortChanges(changes: AccessChange[]): AccessChange[] {
  return changes.sort((a, b) => compare(a.key.id, b.key.id)
    || compare(a.principal.id, b.principal.id)
    || compare(a.capability, b.capability)
    || compare(a.conditions.join('\n'), b.conditions.join('\n')));
}

function sortResources(resources: ResourceRef[]): ResourceRef[] {
  return [...new Map(resources.map((resource) => [resource.id, resource])).values()].sort((a, b) => compare(a.id, b.id));
}

/** Code-unit order, the same on every machine (unlike localeCompare). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
