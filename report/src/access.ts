import { matchesPattern } from './capabilities';
import { Decisions } from './decisions';
import { AppPrincipal, labelOf, resourceRefOf } from './inventory';
import { Access, Capability, PrincipalRef, ResourceRef, Unknown } from './model';
import { PrincipalIndex } from './principal-index';
import { ServiceUse, parseServiceHost, serviceHost, serviceLabel } from './services';
import { NameParts, UNKNOWN_ACCOUNT, unknownsOf } from './values';

/** A key whose access is evaluated, with what it encrypts. */
export interface KeyUnderTest {
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  /** The key policy, resolved; for a key the app only refers to, AWS's default policy (its account's IAM policies decide). */
  readonly policy: any;
  /** Whether `policy` is the key's own, from the template. */
  readonly policyKnown: boolean;
  readonly data: readonly DataUnderKey[];
}

/** One resource whose data the key encrypts, and how its service uses the key. */
export interface DataUnderKey {
  readonly ref: ResourceRef;
  readonly use: ServiceUse;
  readonly parts: NameParts;
}

/** A principal whose use of a key is evaluated, and the request it makes. */
interface Candidate {
  readonly ref: PrincipalRef;
  /** The principal the requests come from: an ARN of the principal, or a stand-in principal of its account. */
  readonly principal: string;
  readonly account?: string;
  /** Its identity policy statements: the app's, or "whatever its IAM policy allows" for principals outside the app. */
  readonly identity: readonly any[];
  readonly delegatesToIam?: boolean;
  /** A service principal (`logs.eu-west-1.amazonaws.com`). */
  readonly service?: boolean;
  /** For `any`: the accounts to try a request from besides an account unknown to the policies. */
  readonly accounts?: readonly string[];
  /** An organization the policies name, tried as the caller's. */
  readonly organization?: string;
  /** The identity statements belong to the app (an app role or user): which policies allow is told apart. */
  readonly app?: boolean;
  /** The key policy the candidate is evaluated under, when not the whole of it. */
  readonly policy?: any;
}

/** A key with the decisions made so far. */
interface KeyInEvaluation extends KeyUnderTest {
  readonly decisions: Decisions;
}

/** An IAM policy statement allowing everything: the principal's IAM side, which the app does not define. */
const ALLOW_ALL = { Effect: 'Allow', Action: '*', Resource: '*' };
/** An account the policies do not name: the caller "anyone" is tried from. */
const OUTSIDE_ACCOUNT = '999999999999';
/** A service endpoint no policy names: allowed through it means allowed through any service. */
const UNLISTED_SERVICE = 'another-service';
/** The name of a resource no policy names: allowed for it means allowed for any resource of its kind. */
const UNLISTED_NAME = 'another-resource';

const ANY_SERVICE = 'only through an AWS service';
const FOR_AWS_RESOURCES = 'only for grants to AWS services';

/** Where a request comes from: directly, through a service on the caller's behalf, or by a service principal itself. */
interface Channel {
  /** Sent by the principal itself, with no encryption context a policy could name. */
  readonly direct?: boolean;
  readonly via?: { readonly endpoint: string; readonly region: string };
  /** The resource whose encryption context the request carries; undefined: one no policy names. */
  readonly data?: DataUnderKey;
  readonly context: Record<string, string>;
  /** Allowed for resources of this account only (a resource of another account was denied). */
  readonly accountOnly?: string;
  /** What a reader calls a resource of the channel's service (`log group`). */
  readonly noun?: string;
}

/**
 * Who can use a key for what, evaluated with the IAM engine: each candidate principal (named by the key
 * policy, of an account it trusts, or a role or user of the app whose identity policies could name the key)
 * sends each action of each capability directly and through each service the policies or the key's data
 * name; the conditions in words follow from which of those requests are allowed.
 */
export async function evaluateAccess(
  key: KeyUnderTest, principals: PrincipalIndex, actions: Record<Capability, string[]>, decisions: Decisions,
): Promise<{ access: Access[]; unknowns: Unknown[] }> {
  const unknowns: Unknown[] = [];
  const candidates = candidatesOf(key, principals, unknowns);
  const access: Access[] = [];
  for (const candidate of candidates) {
    for (const capability of Object.keys(actions) as Capability[]) {
      const entry = await capabilityAccess({ ...key, decisions }, candidate, capability, actions[capability]);
      if (entry) {
        access.push(entry);
      }
    }
  }
  return { access, unknowns };
}

function candidatesOf(key: KeyUnderTest, principals: PrincipalIndex, unknowns: Unknown[]): Candidate[] {
  const statements = allowStatements(key.policy);
  // `NotPrincipal` in an Allow statement allows every principal but those it names.
  const principalValues = (type: 'AWS' | 'Service') => statements.flatMap((statement) => {
    const principal = statement.NotPrincipal !== undefined ? '*' : statement.Principal;
    return principal === '*' ? (type === 'AWS' ? ['*'] : []) : [principal?.[type] ?? []].flat().map(String);
  });
  for (const statement of key.policyKnown ? statements : []) {
    for (const [type, values] of Object.entries<unknown>(typeof statement.Principal === 'object' ? statement.Principal : {})) {
      if (type !== 'AWS' && type !== 'Service') {
        unknowns.push({ what: `a ${type} principal of the key policy, not evaluated`, from: [values].flat().map(String).join(', ') });
      }
    }
    for (const from of unknownsOf(JSON.stringify(statement.Condition ?? {}))) {
      unknowns.push({ what: 'a condition value of the key policy', from });
    }
  }
  const organization = literalConditionValues(key.policy, /^aws:PrincipalOrgID$/i)[0];
  const partition = key.arn.split(':')[1];
  const candidates = new Map<string, Candidate>();
  const trustedAccounts = new Set<string>();
  // A key the app only refers to: its policy is a stand-in, only the app's principals are evaluated.
  for (const value of key.policyKnown ? principalValues('AWS') : []) {
    const account = /^(\d{12})$|^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(value);
    if (unknownsOf(value).length > 0) {
      unknowns.push({ what: 'a principal of the key policy', from: unknownsOf(value).join(', ') });
    } else if (value === '*') {
      trustedAccounts.add('*');
      candidates.set('*', {
        ref: { id: '*', kind: 'any', label: 'any principal' },
        // What the statements for anyone allow: an account's principals also appear under their account.
        policy: { ...key.policy, Statement: [key.policy.Statement ?? []].flat().filter((statement: any) => statement?.Effect !== 'Allow' || isForAnyone(statement)) },
        principal: `arn:${partition}:iam::${OUTSIDE_ACCOUNT}:role/any-principal`,
        account: OUTSIDE_ACCOUNT,
        identity: [ALLOW_ALL],
        accounts: literalConditionValues(key.policy, /^(kms:CallerAccount|aws:PrincipalAccount|aws:SourceAccount)$/i).filter((v) => /^\d{12}$/.test(v)),
        organization,
      });
    } else if (account) {
      const id = account[1] ?? account[2];
      trustedAccounts.add(id);
      candidates.set(id, {
        ref: { id: accountId(id), kind: 'account', label: accountWords(id), account: accountId(id) },
        principal: `arn:${partition}:iam::${id}:role/any-principal-of-the-account`,
        account: id,
        identity: [ALLOW_ALL],
        delegatesToIam: true,
      });
    } else {
      const app = principals.withArn(value);
      const arnAccount = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
      candidates.set(value, app ? appCandidate(app) : {
        ref: { id: value, kind: /:role\//.test(value) ? 'role' : /:user\//.test(value) ? 'user' : 'unknown', label: value, ...(arnAccount ? { account: arnAccount } : {}) },
        principal: value,
        account: arnAccount,
        // Its own account's IAM policies are unknown: what the key policy alone gives it; another account's must allow too.
        identity: arnAccount === key.account ? [] : [ALLOW_ALL],
        organization,
      });
    }
  }
  for (const host of key.policyKnown ? principalValues('Service') : []) {
    if (unknownsOf(host).length > 0) {
      unknowns.push({ what: 'a service principal of the key policy', from: unknownsOf(host).join(', ') });
    } else {
      candidates.set(host, { ref: { id: host, kind: 'service', label: host }, principal: host, identity: [], service: true });
    }
  }
  for (const principal of principals.couldName(key.arn)) {
    const trusted = trustedAccounts.has('*') || trustedAccounts.has(principal.account) || !key.policyKnown;
    if (trusted && !candidates.has(principal.arn)) {
      candidates.set(principal.arn, appCandidate(principal));
    }
  }
  return [...candidates.values()];
}

function appCandidate(principal: AppPrincipal): Candidate {
  const ref = resourceRefOf(principal.resource);
  return {
    ref: { id: ref.id, kind: principal.kind, label: labelOf(ref), resource: ref, account: accountId(principal.account) },
    principal: principal.arn,
    account: principal.account,
    identity: principal.statements,
    app: true,
  };
}

async function capabilityAccess(
  key: KeyInEvaluation, candidate: Candidate, capability: Capability, actions: readonly string[],
): Promise<Access | undefined> {
  const possible = actions.filter((action) => couldAllow(candidate.policy ?? key.policy, candidate.identity, action));
  if (possible.length === 0) {
    return undefined;
  }
  let result = await allowedChannels(key, candidate, capability, possible, candidate.account);
  const conditions: string[] = [];
  if (result.allowed.length === 0 && candidate.accounts) {
    // "Anyone" from an account the policies name: the policy requires that account.
    const fromAccounts: string[] = [];
    for (const account of candidate.accounts) {
      const fromAccount = { ...candidate, principal: candidate.principal.replace(OUTSIDE_ACCOUNT, account), account };
      const accountResult = await allowedChannels(key, fromAccount, capability, possible, account);
      if (accountResult.allowed.length > 0) {
        fromAccounts.push(account);
        result = accountResult;
      }
    }
    if (fromAccounts.length > 0) {
      conditions.push(`only from ${fromAccounts.map(accountWords).join(' or ')}`);
    }
  }
  if (result.allowed.length === 0) {
    return undefined;
  }
  const [firstAction, firstChannel] = result.allowed[0];
  if (candidate.organization) {
    const withoutOrganization = await decide(key, { ...candidate, organization: undefined }, capability, firstAction, firstChannel, result.account);
    if (!withoutOrganization) {
      conditions.push(`only for principals of organization ${candidate.organization}`);
    }
  }
  if (capability === 'create-grants' && firstChannel.via) {
    const notForAwsResource = await decide(key, candidate, capability, firstAction, firstChannel, result.account, false);
    if (!notForAwsResource) {
      conditions.push(FOR_AWS_RESOURCES);
    }
  }
  const keyPolicyAlone = candidate.app && key.policyKnown
    ? await decide(key, { ...candidate, identity: [] }, capability, firstAction, firstChannel, result.account) : !candidate.app;
  return {
    principal: candidate.ref,
    capability,
    actions: [...new Set(result.allowed.map(([action]) => action))].sort(),
    through: keyPolicyAlone ? ['key-policy'] : key.policyKnown ? ['identity-policy', 'key-policy'] : ['identity-policy'],
    conditions: [...channelConditions(result.allowed.map(([, channel]) => channel), candidate)
      .filter((condition) => !(condition === ANY_SERVICE && conditions.includes(FOR_AWS_RESOURCES))), ...conditions],
    ...(candidate.delegatesToIam ? { delegatesToIam: true } : {}),
  };
}

/** The (action, channel) pairs allowed: directly, or else through each probe service, for any resource or for each of the key's. */
async function allowedChannels(key: KeyInEvaluation, candidate: Candidate, capability: Capability, actions: readonly string[], account?: string) {
  const allowed: Array<[string, Channel]> = [];
  for (const action of actions) {
    const direct: Channel = { direct: true, context: {} };
    if (await decide(key, candidate, capability, action, direct, account)) {
      allowed.push([action, direct]);
      continue;
    }
    for (const channel of probeChannels(key, candidate, capability)) {
      if (await decide(key, candidate, capability, action, channel.any, account)) {
        const otherAccountAllowed = !channel.otherAccount || await decide(key, candidate, capability, action, channel.otherAccount, account);
        allowed.push([action, otherAccountAllowed ? channel.any : { ...channel.any, accountOnly: key.account }]);
        continue;
      }
      for (const data of channel.data) {
        if (await decide(key, candidate, capability, action, data, account)) {
          allowed.push([action, data]);
        }
      }
    }
  }
  return { allowed, account };
}

/** The probes of one service: a resource no policy names, one of another account, and each of the key's resources. */
interface Probe {
  readonly any: Channel;
  readonly otherAccount?: Channel;
  readonly data: Channel[];
}

/**
 * The ways a request can reach the key besides directly: as the service principal with each resource's
 * encryption context, or through each service the policies or the key's data name (in the key's Region),
 * with a resource no policy names and with each of the key's resources the policies may name.
 */
function probeChannels(key: KeyUnderTest, candidate: Candidate, capability: Capability): Probe[] {
  if (capability === 'administer' || capability === 'share') {
    return [];
  }
  const policyText = JSON.stringify(key.policy) + JSON.stringify(candidate.identity);
  const mayName = (data: DataUnderKey) => policyText.includes(data.parts.name) || /EncryptionContext[^"]*":\s*(\[[^\]]*)?"[^"]*\*/.test(policyText);
  const dataChannel = (data: DataUnderKey, via?: Channel['via']): Channel => ({ via, data, context: data.use.context?.(data.parts) ?? {} });
  const unlistedContext = (uses: readonly DataUnderKey[], account?: string) =>
    (uses[0]?.use.context ? uses[0].use.context({ ...uses[0].parts, name: UNLISTED_NAME, ...(account ? { account } : {}) }) : {});
  if (candidate.service) {
    const endpoint = parseServiceHost(candidate.principal)?.endpoint ?? candidate.principal.split('.')[0];
    const uses = key.data.filter((data) => data.use.asServicePrincipal && data.use.endpoint === endpoint);
    return uses.length === 0 ? [] : [{
      any: { context: unlistedContext(uses), noun: uses[0].use.noun },
      otherAccount: { context: unlistedContext(uses, OUTSIDE_ACCOUNT) },
      data: uses.filter(mayName).map((data) => dataChannel(data)),
    }];
  }
  const services = new Map<string, { endpoint: string; region: string }>();
  const add = (endpoint: string, region: string) => services.set(`${endpoint}.${region}`, { endpoint, region });
  key.data.filter((data) => !data.use.asServicePrincipal).forEach((data) => add(data.use.endpoint, key.region));
  literalConditionValues({ Statement: [...allowStatements(key.policy), ...candidate.identity] }, /^kms:ViaService$/i)
    .map(parseServiceHost).forEach((host) => host && add(host.endpoint, host.region));
  add(UNLISTED_SERVICE, key.region);
  return [...services.values()].sort((a, b) => `${a.endpoint}.${a.region}`.localeCompare(`${b.endpoint}.${b.region}`)).map((via) => {
    const uses = key.data.filter((data) => data.use.endpoint === via.endpoint && !data.use.asServicePrincipal);
    return { any: { via, context: unlistedContext(uses) }, data: uses.filter(mayName).map((data) => dataChannel(data, via)) };
  });
}

/** Whether the engine allows `action` from the candidate through `channel`. */
async function decide(
  key: KeyInEvaluation, candidate: Candidate, capability: Capability, action: string, channel: Channel,
  account?: string, grantForAwsResource?: boolean,
): Promise<boolean> {
  const callerAccount = account ?? candidate.account;
  const context: Record<string, string> = {
    ...(candidate.service
      ? { 'aws:PrincipalIsAWSService': 'true', 'aws:SourceAccount': key.account }
      : {
        'aws:PrincipalIsAWSService': 'false',
        'aws:PrincipalArn': candidate.principal,
        ...(callerAccount ? { 'aws:PrincipalAccount': callerAccount, 'kms:CallerAccount': callerAccount } : {}),
        ...(candidate.organization ? { 'aws:PrincipalOrgID': candidate.organization } : {}),
      }),
    ...(channel.via ? { 'kms:ViaService': serviceHost(channel.via.endpoint, channel.via.region) } : {}),
    ...(capability === 'create-grants' ? { 'kms:GrantIsForAWSResource': String(grantForAwsResource ?? Boolean(channel.via)) } : {}),
    ...channel.context,
  };
  return key.decisions.isAllowed(candidate.policy ?? key.policy, {
    principal: candidate.principal, action, keyArn: key.arn, keyAccount: key.account, context, identityStatements: candidate.identity,
  });
}

/**
 * The conditions in words, from the channels of the allowed requests: none when a direct request is
 * allowed; else the services (any, when a service no policy names is allowed) and the resources (any, when
 * one no policy names is allowed). One way reads as two conditions, several as one list of alternatives.
 */
function channelConditions(channels: readonly Channel[], candidate: Candidate): string[] {
  if (channels.some((channel) => channel.direct) || channels.length === 0) {
    return [];
  }
  const forData = (list: readonly Channel[]) => {
    if (list.some((channel) => !channel.data)) {
      return undefined;
    }
    const resourceNames = [...new Set(list.map((channel) => channel.data!.parts.name))].sort();
    return `${list[0].data!.use.noun} ${resourceNames.join(' or ')}`;
  };
  if (candidate.service) {
    const data = forData(channels);
    const accountOnly = channels.find((channel) => channel.accountOnly);
    return data ? [`only for ${data}`] : accountOnly && !channels.some((channel) => !channel.data && !channel.accountOnly)
      ? [`only for ${accountOnly.noun}s of ${accountWords(accountOnly.accountOnly!)}`] : [];
  }
  if (channels.some((channel) => channel.via?.endpoint === UNLISTED_SERVICE)) {
    return [ANY_SERVICE];
  }
  const byService = new Map<string, Channel[]>();
  channels.forEach((channel) => {
    const name = `${serviceLabel(channel.via!.endpoint)} in ${channel.via!.region === 'unknown-region' ? 'the stack\'s Region' : channel.via!.region}`;
    byService.set(name, [...(byService.get(name) ?? []), channel]);
  });
  const ways = [...byService.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (ways.length === 1) {
    const [[service, list]] = ways;
    const data = forData(list);
    return [`only through ${service}`, ...(data ? [`only for ${data}`] : [])];
  }
  return [`only through ${ways.map(([service, list]) => {
    const data = forData(list);
    return data ? `${service} for ${data}` : service;
  }).join(', or ')}`];
}

/** The id the report gives an account: `unknown-account` for the stand-in of an environment-agnostic stack's. */
function accountId(account: string): string {
  return account === UNKNOWN_ACCOUNT ? 'unknown-account' : account;
}

/** `account 111111111111`, or the account an environment-agnostic app is deployed to. */
function accountWords(account: string): string {
  return account === UNKNOWN_ACCOUNT ? 'the account the app is deployed to' : `account ${account}`;
}

function isForAnyone(statement: any): boolean {
  return statement.NotPrincipal !== undefined || statement.Principal === '*' || [statement.Principal?.AWS ?? []].flat().includes('*');
}

function allowStatements(policy: any): any[] {
  return [policy?.Statement ?? []].flat().filter((statement) => statement?.Effect === 'Allow');
}

/** Whether any Allow statement of the key or identity policies could cover the action (NotAction: yes). */
function couldAllow(keyPolicy: any, identity: readonly any[], action: string): boolean {
  const covers = (statement: any) => statement.NotAction !== undefined
    || [statement.Action ?? []].flat().some((pattern: unknown) => typeof pattern === 'string' && matchesPattern(pattern, action));
  return allowStatements(keyPolicy).some(covers) && (identity.length === 0 || identity.some((statement) => statement?.Effect === 'Allow' && covers(statement)));
}

/** The literal values of condition keys matching `key` in a policy's statements. */
function literalConditionValues(policy: any, key: RegExp): string[] {
  const values = [policy?.Statement ?? []].flat().flatMap((statement: any) => Object.values<Record<string, unknown>>(statement?.Condition ?? {})
    .flatMap((operands) => Object.entries(operands ?? {}).filter(([name]) => key.test(name)).flatMap(([, value]) => [value].flat())))
    .filter((value): value is string => typeof value === 'string' && !value.includes('*') && unknownsOf(value).length === 0);
  return [...new Set(values)].sort();
}
