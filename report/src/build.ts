import { DataUnderKey, evaluateAccess } from './access';
import { acknowledgementsOf } from './acknowledgements';
import { TemplateStack, readAssembly } from './assembly';
import { capabilityActions } from './capabilities';
import { estimateCost } from './cost';
import { KeyUse, keyTarget, keyUses, unprotectedData } from './data';
import { Decisions } from './decisions';
import { CreatedKey, appPrincipals, createdKeys, labelOf, resourceRefOf } from './inventory';
import { Access, Acknowledgement, EncryptionReport, KeyEntry, REPORT_SCHEMA_VERSION, Unknown } from './model';
import { PrincipalIndex, unknownKeysOfPrincipals } from './principal-index';
import { serviceUseOf } from './services';
import { Resolver, StackResource } from './values';

export { ReportInputError } from './errors';

/**
 * The encryption report of the cloud assembly in `assemblyDir`: every key the app creates or refers to,
 * what each encrypts, who can use it for what (evaluated with the IAM engine), the data not under a
 * customer-managed key, the acknowledgements, and an estimate of the keys' monthly cost.
 *
 * @throws ReportInputError when the assembly is missing, from another tool, or partly unreadable.
 */
export async function buildReport(assemblyDir: string): Promise<EncryptionReport> {
  const stacks = readAssembly(assemblyDir);
  const resolver = new Resolver(stacks);
  const { principals, unknowns } = appPrincipals(resolver);
  const uses = keyUses(resolver);
  const app: App = {
    resolver,
    uses,
    usesByKey: usesOfCreatedKeys(uses),
    aliasesByKey: aliasesOfCreatedKeys(resolver),
    principals: new PrincipalIndex(principals),
    actions: await capabilityActions(),
    decisions: new Decisions(),
  };
  const keys: KeyEntry[] = [];
  for (const key of createdKeys(resolver)) {
    keys.push(await createdKeyEntry(app, key));
  }
  keys.push(...await referencedKeyEntries(app));
  const sortedKeys = keys.sort(byId);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    assembly: assemblyDir,
    stacks: stacks.map((stack) => stack.entry).sort(byId),
    keys: sortedKeys,
    unprotected: unprotectedData(resolver, app.uses).sort((a, b) => compare(a.resource.id, b.resource.id)),
    acknowledgements: acknowledgementsOf(stacks, resolver.all()).sort((a, b) => compare(acknowledgementOrder(a), acknowledgementOrder(b))),
    cost: estimateCost(sortedKeys),
    unknowns: sortUnknowns([...unknowns, ...unknownKeysOfPrincipals(principals), ...environmentUnknowns(stacks)]),
  };
}

/** Environment-agnostic stacks: evaluated in a stand-in account and Region. */
function environmentUnknowns(stacks: readonly TemplateStack[]): Unknown[] {
  return stacks.filter((stack) => !stack.parent && (stack.entry.account === 'unknown-account' || stack.entry.region === 'unknown-region'))
    .map((stack) => ({
      what: 'the account and Region',
      from: `stack ${stack.entry.id} is environment-agnostic: its keys and principals are evaluated in one unknown account and Region`,
    }));
}

function acknowledgementOrder(acknowledgement: Acknowledgement): string {
  const { stack, resource, path, tool, rule, appliesTo } = acknowledgement;
  return [stack, resource?.id ?? '', path ?? '', tool, rule, (appliesTo ?? []).join()].join('\u0000');
}

type Actions = Awaited<ReturnType<typeof capabilityActions>>;

/** What the report knows of the app, shared by every key. */
interface App {
  readonly resolver: Resolver;
  readonly uses: readonly KeyUse[];
  /** The key uses and alias names of each key of the app. */
  readonly usesByKey: ReadonlyMap<StackResource, KeyUse[]>;
  readonly aliasesByKey: ReadonlyMap<StackResource, string[]>;
  readonly principals: PrincipalIndex;
  readonly actions: Actions;
  readonly decisions: Decisions;
}

async function createdKeyEntry({ resolver, usesByKey, aliasesByKey, principals, actions, decisions }: App, key: CreatedKey): Promise<KeyEntry> {
  const ref = resourceRefOf(key.resource);
  const encrypted = usesByKey.get(key.resource) ?? [];
  const aliases = aliasesByKey.get(key.resource) ?? [];
  const { access, unknowns } = await evaluateAccess(
    { arn: key.arn, account: key.account, region: key.region, policy: key.policy, policyKnown: true, data: dataUnderKey(resolver, encrypted) },
    principals, capabilitiesOfUsage(actions, key.configuration.keyUsage), decisions);
  return {
    id: ref.id,
    origin: 'created',
    label: labelOf(ref),
    resource: ref,
    aliases: [...new Set(aliases)].sort(),
    configuration: key.configuration,
    encrypts: encryptedData(encrypted),
    access: sortAccess(access),
    unknowns: sortUnknowns(unknowns),
  };
}

/** Keys the app names by ARN or alias without creating them, and keys only known at deploy time. */
async function referencedKeyEntries({ resolver, uses, principals, actions, decisions }: App): Promise<KeyEntry[]> {
  const usesById = new Map<string, KeyUse[]>();
  for (const use of uses) {
    const id = use.key.kind === 'referenced' ? use.key.arn : use.key.kind === 'unknown' ? `unknown:${use.key.from}` : undefined;
    if (id) {
      usesById.set(id, [...(usesById.get(id) ?? []), use]);
    }
  }
  const entries: KeyEntry[] = [];
  for (const [id, keyUsesOfId] of usesById) {
    const first = keyUsesOfId[0].key;
    if (first.kind === 'unknown') {
      entries.push({
        id,
        origin: 'referenced',
        label: `a key unknown at synth (${first.from})`,
        aliases: [],
        configuration: {},
        encrypts: encryptedData(keyUsesOfId),
        access: [],
        unknowns: sortUnknowns(keyUsesOfId.map((use) => ({ what: 'the key', from: first.from, resource: resourceRefOf(use.resource) }))),
      });
      continue;
    }
    const [, , , region, account] = id.split(':');
    const alias = /:(alias\/.+)$/.exec(id)?.[1];
    // Its key policy is not in the app: evaluated under AWS's default key policy, which lets the account's IAM policies decide.
    const defaultPolicy = { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] };
    const { access } = await evaluateAccess(
      { arn: id, account, region, policy: defaultPolicy, policyKnown: false, data: dataUnderKey(resolver, keyUsesOfId) },
      principals, actions, decisions);
    entries.push({
      id,
      origin: 'referenced',
      label: alias ?? id,
      arn: id,
      aliases: alias ? [alias] : [],
      configuration: {},
      encrypts: encryptedData(keyUsesOfId),
      access: sortAccess(access),
      unknowns: [{ what: 'the key policy and configuration', from: `key ${id}, not defined in the app (its identity-policy access is evaluated under AWS's default key policy)` }],
    });
  }
  return entries;
}

function usesOfCreatedKeys(uses: readonly KeyUse[]): Map<StackResource, KeyUse[]> {
  const byKey = new Map<StackResource, KeyUse[]>();
  for (const use of uses) {
    if (use.key.kind === 'created') {
      byKey.set(use.key.key, [...(byKey.get(use.key.key) ?? []), use]);
    }
  }
  return byKey;
}

function aliasesOfCreatedKeys(resolver: Resolver): Map<StackResource, string[]> {
  const byKey = new Map<StackResource, string[]>();
  for (const alias of resolver.ofType('AWS::KMS::Alias')) {
    const target = keyTarget(resolver, alias, alias.json.Properties?.TargetKeyId);
    if (target.kind === 'created') {
      byKey.set(target.key, [...(byKey.get(target.key) ?? []), resolver.text(alias.stack, alias.json.Properties?.AliasName)]);
    }
  }
  return byKey;
}

/** The cryptographic capabilities of each key usage (`KEY_AGREEMENT` keys derive shared secrets: none of them). */
const CRYPTOGRAPHIC_CAPABILITIES: Record<string, string[]> = {
  ENCRYPT_DECRYPT: ['decrypt', 'encrypt'],
  SIGN_VERIFY: ['sign'],
  GENERATE_VERIFY_MAC: ['sign'],
};

/**
 * The capabilities a key's usage allows: encryption keys encrypt and decrypt, signing and MAC keys sign;
 * a usage only known at deploy time keeps them all.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-usage.html
 */
function capabilitiesOfUsage(actions: Actions, keyUsage: string | undefined): Actions {
  const cryptographic = keyUsage === undefined ? ['decrypt', 'encrypt', 'sign'] : CRYPTOGRAPHIC_CAPABILITIES[keyUsage] ?? [];
  return Object.fromEntries(Object.entries(actions)
    .filter(([capability]) => !['decrypt', 'encrypt', 'sign'].includes(capability) || cryptographic.includes(capability))) as Actions;
}

function dataUnderKey(resolver: Resolver, uses: readonly KeyUse[]): DataUnderKey[] {
  const resources = [...new Set(uses.map((use) => use.resource))];
  return resources.map((resource) => ({
    ref: resourceRefOf(resource),
    use: serviceUseOf(resource.json.Type),
    parts: resolver.partsOf(resource.stack, resolver.nameOf(resource)),
  }));
}

function encryptedData(uses: readonly KeyUse[]) {
  return uses.map((use) => ({ resource: resourceRefOf(use.resource), property: use.property }))
    .sort((a, b) => compare(`${a.resource.id}\u0000${a.property}`, `${b.resource.id}\u0000${b.property}`));
}

const CAPABILITY_ORDER = ['decrypt', 'encrypt', 'sign', 'create-grants', 'share', 'administer'];

function sortAccess(access: Access[]): Access[] {
  const order = (entry: Access) => CAPABILITY_ORDER.indexOf(entry.capability);
  return access.sort((a, b) => compare(a.principal.id, b.principal.id) || order(a) - order(b));
}

function sortUnknowns(unknowns: readonly Unknown[]): Unknown[] {
  const key = (unknown: Unknown) => `${unknown.resource?.id ?? ''}\u0000${unknown.what}\u0000${unknown.from}`;
  const unique = new Map(unknowns.map((unknown) => [key(unknown), unknown]));
  return [...unique.entries()].sort(([a], [b]) => compare(a, b)).map(([, unknown]) => unknown);
}

function byId(a: { id: string }, b: { id: string }): number {
  return compare(a.id, b.id);
}

/** Code-point order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
