import { KeyConfiguration, ResourceRef, Unknown } from './model';
import { Resolver, StackResource, unknownsOf } from './values';

/** The template resource a report entry points at. */
export function resourceRefOf(resource: StackResource): ResourceRef {
  const path = resource.json.Metadata?.['aws:cdk:path'] ?? resource.stack.resourcePaths.get(resource.logicalId);
  return {
    id: `${resource.stack.entry.id}/${resource.logicalId}`,
    stack: resource.stack.entry.id,
    logicalId: resource.logicalId,
    type: resource.json.Type,
    ...(typeof path === 'string' ? { path } : {}),
  };
}

/** A key the app creates (`AWS::KMS::Key`, `AWS::KMS::ReplicaKey`), with its resolved policy. */
export interface CreatedKey {
  readonly resource: StackResource;
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly configuration: KeyConfiguration;
  /** The key policy with every value resolved to text. */
  readonly policy: any;
}

const KEY_TYPES = ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'];

/** Every key the templates create. */
export function createdKeys(resolver: Resolver): CreatedKey[] {
  return resolver.all().filter((resource) => KEY_TYPES.includes(resource.json.Type)).map((resource) => {
    const properties = resource.json.Properties ?? {};
    return {
      resource,
      arn: resolver.arnOf(resource),
      account: resolver.accountOf(resource.stack),
      region: resolver.regionOf(resource.stack),
      configuration: configurationOf(resolver, resource),
      policy: resolver.resolve(resource.stack, properties.KeyPolicy ?? { Statement: [] }),
    };
  });
}

/**
 * A key's configuration from its properties and CloudFormation's defaults; a replica's spec, usage and
 * origin are its primary's. A value only known at deploy time is left out.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
 */
function configurationOf(resolver: Resolver, resource: StackResource): KeyConfiguration {
  const properties = resource.json.Properties ?? {};
  const literal = <T>(value: unknown, fallback: T): T | undefined => {
    const text = value === undefined ? undefined : resolver.text(resource.stack, value);
    if (text === undefined) {
      return fallback;
    }
    if (unknownsOf(text).length > 0) {
      return undefined;
    }
    return (typeof fallback === 'boolean' ? text === 'true' : typeof fallback === 'number' ? Number(text) : text) as T;
  };
  const retention = (resource.json.DeletionPolicy ?? 'Delete') as KeyConfiguration['retention'];
  if (resource.json.Type === 'AWS::KMS::ReplicaKey') {
    const primary = resolver.referenced(resource.stack, properties.PrimaryKeyArn);
    const primaryConfiguration = primary && primary.json.Type === 'AWS::KMS::Key' ? configurationOf(resolver, primary) : {};
    return {
      keySpec: primaryConfiguration.keySpec,
      keyUsage: primaryConfiguration.keyUsage,
      origin: primaryConfiguration.origin,
      enabled: literal(properties.Enabled, true),
      rotation: primaryConfiguration.rotation,
      multiRegion: true,
      pendingWindowDays: literal(properties.PendingWindowInDays, 30),
      retention,
    };
  }
  const rotationEnabled = literal(properties.EnableKeyRotation, false);
  return {
    keySpec: literal(properties.KeySpec, 'SYMMETRIC_DEFAULT'),
    keyUsage: literal(properties.KeyUsage, 'ENCRYPT_DECRYPT'),
    origin: literal(properties.Origin, 'AWS_KMS'),
    enabled: literal(properties.Enabled, true),
    ...(rotationEnabled === undefined ? {} : {
      rotation: rotationEnabled ? { enabled: true, periodDays: literal(properties.RotationPeriodInDays, 365) } : { enabled: false },
    }),
    multiRegion: literal(properties.MultiRegion, false),
    pendingWindowDays: literal(properties.PendingWindowInDays, 30),
    retention,
  };
}

/** A role or user of the app, with the identity policy statements attached to it in the app. */
export interface AppPrincipal {
  readonly resource: StackResource;
  readonly kind: 'role' | 'user';
  readonly arn: string;
  readonly account: string;
  readonly statements: any[];
}

/**
 * AWS managed policies that allow every KMS action on every key; other AWS managed policies are taken to
 * allow no KMS use (their documents are not in the assembly).
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html
 */
const ALL_ACTIONS_MANAGED_POLICIES = /:iam::aws:policy\/(AdministratorAccess|PowerUserAccess)$/;

/** Every role and user of the app, with the statements of its inline policies and the app's policies attached to it. */
export function appPrincipals(resolver: Resolver): { principals: AppPrincipal[]; unknowns: Unknown[] } {
  const principals = new Map<StackResource, AppPrincipal>();
  for (const [type, kind] of [['AWS::IAM::Role', 'role'], ['AWS::IAM::User', 'user']] as const) {
    for (const resource of resolver.ofType(type)) {
      const statements = inlineStatements(resolver, resource);
      principals.set(resource, { resource, kind, arn: resolver.arnOf(resource), account: resolver.accountOf(resource.stack), statements });
    }
  }
  const unknowns = [
    ...[...resolver.ofType('AWS::IAM::Policy'), ...resolver.ofType('AWS::IAM::ManagedPolicy')].flatMap((policy) => attachPolicy(resolver, policy, principals)),
    ...[...principals.values()].flatMap((principal) => attachManagedPolicies(resolver, principal)),
  ];
  return { principals: [...principals.values()], unknowns };
}

/** A role's or user's inline `Policies`, and the AWS managed policies known to allow every action. */
function inlineStatements(resolver: Resolver, resource: StackResource): any[] {
  const properties = resolver.resolve(resource.stack, resource.json.Properties ?? {});
  return [
    ...(properties.Policies ?? []).flatMap((policy: any) => statementsOf(policy?.PolicyDocument)),
    ...[properties.ManagedPolicyArns ?? []].flat().filter((arn: string) => ALL_ACTIONS_MANAGED_POLICIES.test(arn))
      .map(() => ({ Effect: 'Allow', Action: '*', Resource: '*' })),
  ];
}

/** Adds a policy's statements to the roles, users and group members it names; a role or user outside the app is an unknown. */
function attachPolicy(resolver: Resolver, policy: StackResource, principals: ReadonlyMap<StackResource, AppPrincipal>): Unknown[] {
  const properties = policy.json.Properties ?? {};
  const statements = statementsOf(resolver.resolve(policy.stack, properties.PolicyDocument));
  const named = (kind: 'role' | 'user', value: unknown) => {
    const target = resolver.referenced(policy.stack, value);
    const name = resolver.text(policy.stack, value);
    return (target && principals.get(target))
      ?? [...principals.values()].find((principal) => principal.kind === kind && resolver.nameOf(principal.resource) === name);
  };
  const unknowns: Unknown[] = [];
  for (const [kind, values] of [['role', properties.Roles], ['user', properties.Users]] as const) {
    for (const value of [values ?? []].flat()) {
      const principal = named(kind, value);
      if (principal) {
        principal.statements.push(...statements);
      } else {
        unknowns.push({
          what: `the ${kind} policy ${policy.logicalId} is attached to`,
          from: `${kind} ${resolver.text(policy.stack, value)}, not a ${kind} of the app`,
          resource: resourceRefOf(policy),
        });
      }
    }
  }
  const groups = [properties.Groups ?? []].flat().map((group: unknown) => resolver.text(policy.stack, group));
  for (const principal of principals.values()) {
    const memberOf = [resolver.resolve(principal.resource.stack, principal.resource.json.Properties?.Groups ?? [])].flat();
    if (principal.kind === 'user' && groups.some((group) => memberOf.includes(group))) {
      principal.statements.push(...statements);
    }
  }
  return unknowns;
}

/** Adds the statements of the app's managed policies a role or user names in `ManagedPolicyArns`; a customer managed policy outside the app is an unknown. */
function attachManagedPolicies(resolver: Resolver, principal: AppPrincipal): Unknown[] {
  const { stack } = principal.resource;
  return [principal.resource.json.Properties?.ManagedPolicyArns ?? []].flat().flatMap((value: unknown): Unknown[] => {
    const target = resolver.referenced(stack, value);
    if (target?.json.Type === 'AWS::IAM::ManagedPolicy') {
      principal.statements.push(...statementsOf(resolver.resolve(target.stack, target.json.Properties?.PolicyDocument)));
      return [];
    }
    const arn = resolver.text(stack, value);
    return target || /:iam::aws:policy\//.test(arn) ? [] : [{
      what: `the statements of a managed policy attached to ${principal.kind} ${resolver.nameOf(principal.resource)}`,
      from: `ManagedPolicyArns ${arn}`,
      resource: resourceRefOf(principal.resource),
    }];
  });
}

function statementsOf(document: any): any[] {
  return [document?.Statement ?? []].flat().filter((statement) => statement && typeof statement === 'object');
}

/** What a reader calls a resource: its construct path without the trailing `/Resource`, else its id. */
export function labelOf(ref: ResourceRef): string {
  return ref.path ? ref.path.replace(/\/Resource$/, '') : ref.id;
}

