import { CheckLevel } from '../../check-level';
import { SynthesizedApp, TemplateResource } from '../assembly';
import { KeyProperty, customerManagedKeyResult, firstResult } from '../cmk-rules';
import { isIntrinsic } from '../resolve';
import { RuleResult, notChecked, violation } from '../result';

/** What the service uses when the key property is absent, in the words of a message: "… uses <this>". */
export enum WithoutKey {
  /** The service encrypts with a key AWS owns (not visible in the account). */
  AWS_OWNED = 'a key AWS owns',
  /** The service encrypts with its AWS managed key (`aws/<service>`). */
  AWS_MANAGED = 'its AWS managed key (aws/…)',
  /** The documentation of the property does not say which; either way not a key the account controls. */
  SERVICE_KEY = 'a key AWS owns or manages',
}

/** A property whose value switches KMS encryption on (`StorageEncrypted`, `EncryptionOption`). */
export interface EncryptionSwitch {
  /** Its property path. */
  readonly path: string;
  /** The values that mean "encrypted with a KMS key", as template text (`'true'`, `'SSE_KMS'`). */
  readonly on: string[];
}

/**
 * One resource type judged by the shared evaluator: the row of a rule, not a function of its own.
 * Paths use the spec's notation: `A.B` nests, `A[].B` is every element of the list `A`.
 */
export interface KeyPropertyRow {
  readonly resourceType: string;
  /** The key of the resource's data: absent, the service's own key applies and the rule reports it. */
  readonly key?: string;
  /** Further key properties (logs, secrets, exports, update variants): where set, they name a customer-managed key. */
  readonly also?: string[];
  /** Where encryption is optional: the property that switches it on, checked before the key. */
  readonly switchedOnBy?: EncryptionSwitch;
  /** What protects the data without a key. */
  readonly withoutKey: WithoutKey;
  /** Literal values of the key property that select a key AWS owns (`AWS_OWNED_KMS_KEY`). */
  readonly awsOwnedValues?: string[];
  /** The fix in the user's terms, where an L2 construct exists (its prop); default: the L1 property. */
  readonly fix?: string;
}

/** `AWS::Athena::WorkGroup` → `AthenaWorkGroupKmsCmk`. */
export function ruleNameOf(resourceType: string): string {
  const [, service, resource] = resourceType.split('::');
  return `${service}${resource}KmsCmk`;
}

/** `AWS::Athena::WorkGroup` → `work group`, for messages. */
export function resourceNounOf(resourceType: string): string {
  return resourceType.split('::')[2].replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase();
}

/** `WorkGroupConfiguration.ResultConfiguration[].KmsKey` → `workGroupConfiguration.resultConfiguration[].kmsKey`, the L1 prop. */
export function l1PropOf(path: string): string {
  return path.split('.').map((name) => name.replace(/^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/, (head) => head.toLowerCase())).join('.');
}

/** The fix of a row: its L2 prop, or the L1 properties to set. */
export function fixOf(row: KeyPropertyRow): string {
  if (row.fix) {
    return row.fix;
  }
  const switched = row.switchedOnBy ? `\`${l1PropOf(row.switchedOnBy.path)}\` to ${row.switchedOnBy.on.map((value) => `'${value}'`).join(' or ')} and ` : '';
  return `Set ${switched}\`${l1PropOf(row.key ?? row.also![0])}\` to a CustomerManagedKey (its key ARN).`;
}

/** How a row's encryption is switched on, for the coverage table: empty where naming the key switches it on. */
export function switchText(row: KeyPropertyRow): string {
  return row.switchedOnBy ? `\`${row.switchedOnBy.path}\` ${row.switchedOnBy.on.map((value) => `\`${value}\``).join(' or ')}` : '';
}

/** What a compliant resource of the row looks like, for `EncryptionChecks.rules()` and the README. */
export function descriptionOf(row: KeyPropertyRow): string {
  const noun = resourceNounOf(row.resourceType);
  const also = (row.also ?? []).map((path) => `\`${path}\``).join(', ');
  const plural = (row.also ?? []).length > 1 ? 'name customer-managed keys' : 'names a customer-managed key';
  if (!row.key) {
    return `Where set, ${also} ${plural}.`;
  }
  return `The ${noun} is encrypted with a customer-managed key (\`${row.key}\`), not ${row.withoutKey}${also ? `; where set, ${also} ${plural} too` : ''}.`;
}

/**
 * The shared evaluator of every {@link KeyPropertyRow}.
 *
 * | value | result |
 * |---|---|
 * | `switchedOnBy` set to another value, or absent | violation: not encrypted with a KMS key |
 * | `key` absent (or a list element without it) | violation: the service uses `withoutKey` |
 * | `key`, or an `also` property that is set: customer-managed (a key of the app, a literal key ARN / id / customer alias) | pass |
 * | … an AWS managed key (`alias/aws/…`) or one of `awsOwnedValues` | violation |
 * | … or any object on its path only known at deploy time (a parameter, `Fn::If`, an import from outside the app) | could not be checked |
 */
export function keyPropertyRowResult(row: KeyPropertyRow, resource: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const noun = resourceNounOf(row.resourceType);
  const fix = fixOf(row);
  const service = row.resourceType.split('::')[1];
  if (row.switchedOnBy) {
    const { path, on } = row.switchedOnBy;
    const { values, unresolved } = valuesAt(resource.properties, path);
    if (unresolved || values.some(isIntrinsic)) {
      return notChecked(`the ${noun}'s \`${path}\``);
    }
    const off = values.findIndex((value) => value === undefined || !on.includes(String(value)));
    if (values.length === 0 || off >= 0) {
      const value = values[off];
      return violation(`The ${noun} is not encrypted with a KMS key (\`${path}\` is ${value === undefined ? 'not set' : `'${String(value)}'`}). ${fix}`);
    }
  }
  const judge = (path: string, required: boolean) => () => {
    const { values, unresolved } = valuesAt(resource.properties, path);
    if (unresolved) {
      return notChecked(`the ${noun}'s \`${path}\``);
    }
    const judged: KeyProperty = { resource: noun, property: path, withoutKey: `without it, ${service} uses ${row.withoutKey}`, fix };
    const keys = required && values.length === 0 ? [undefined] : values.filter((value) => required || value !== undefined);
    return firstResult(keys.map((key) => () => (typeof key === 'string' && row.awsOwnedValues?.includes(key)
      ? violation(`The ${noun} is not encrypted with a customer-managed key: \`${path}\` is '${key}', a key AWS owns. ${fix}`)
      : customerManagedKeyResult(app, resource, key, judged))));
  };
  return firstResult([
    ...(row.key ? [judge(row.key, true)] : []),
    ...(row.also ?? []).map((path) => judge(path, false)),
  ]);
}

/** The rule of a row, at error level like the hand-written key rules. */
export function keyPropertyRowRule(row: KeyPropertyRow) {
  return {
    name: ruleNameOf(row.resourceType),
    resourceTypes: [row.resourceType],
    level: CheckLevel.ERROR,
    description: descriptionOf(row),
    check: (resource: TemplateResource, app: SynthesizedApp) => keyPropertyRowResult(row, resource, app),
  };
}

/**
 * The values at a path, one per list element reached (`undefined` where an element lacks the rest of the
 * path), or `unresolved` when an object or list on the way is only known at deploy time.
 */
export function valuesAt(value: unknown, path: string): { values: unknown[]; unresolved: boolean } {
  let current: unknown[] = [value];
  for (const segment of path.split('.')) {
    const list = segment.endsWith('[]');
    const name = list ? segment.slice(0, -2) : segment;
    const next: unknown[] = [];
    for (const item of current) {
      if (isIntrinsic(item)) {
        return { values: [], unresolved: true };
      }
      const child = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[name] : undefined;
      if (!list) {
        next.push(child);
      } else if (Array.isArray(child)) {
        next.push(...child);
      } else if (child !== undefined) {
        return { values: [], unresolved: true };
      }
    }
    current = next;
  }
  return { values: current, unresolved: false };
}
