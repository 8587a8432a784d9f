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
  const unknowns: Unknown[] = [];
  const principals = new Map<StackResource, AppPrincipal>();
  const resources = resolver.all();
  for (const resource of resources) {
    const kind = resource.json.Type === 'AWS::IAM::Role' ? 'role' : resource.json.Type === 'AWS::IAM::User' ? 'user' : undefined;
    if (!kind) {
      continue;
    }
    const properties = resolver.resolve(resource.stack, resource.json.Properties ?? {});
    const statements = [
      ...(properties.Policies ?? []).flatMap((policy: any) => statementsOf(policy?.PolicyDocument)),
      ...[properties.ManagedPolicyArns ?? []].flat().filter((arn: string) => ALL_ACTIONS_MANAGED_POLICIES.test(arn))
        .map(() => ({ Effect: 'Allow', Action: '*', Resource: '*' })),
    ];
    principals.set(resource, { resource, kind, arn: resolver.arnOf(resource), account: resolver.accountOf(resource.stack), statements });
  }
  const byName = new Map([...principals.values()].map((principal) => [`${principal.kind}:${resolver.nameOf(principal.resource)}`, principal]));
  for (const resource of resources) {
    if (resource.json.Type !== 'AWS::IAM::Policy' && resource.json.Type !== 'AWS::IAM::ManagedPolicy') {
      continue;
    }
    const properties = resource.json.Properties ?? {};
    const statements = statementsOf(resolver.resolve(resource.stack, properties.PolicyDocument));
    const attach = (kind: 'role' | 'user', value: unknown) => {
      const target = resolver.referenced(resource.stack, value);
      const principal = (target && principals.get(target)) ?? byName.get(`${kind}:${resolver.text(resource.stack, value)}`);
      if (principal) {
        principal.statements.push(...statements);
      } else {
        unknowns.push({ what: `the ${kind} policy ${resource.logicalId} is attached to`, from: `${kind} ${resolver.text(resource.stack, value)}, not a ${kind} of the app`, resource: resourceRefOf(resource) });
      }
    };
    [properties.Roles ?? []].flat().forEach((role: unknown) => attach('role', role));
    [properties.Users ?? []].flat().forEach((user: unknown) => attach('user', user));
    for (const group of [properties.Groups ?? []].flat()) {
      const groupName = resolver.text(resource.stack, group);
      for (const principal of principals.values()) {
        const groups = [resolver.resolve(principal.resource.stack, principal.resource.json.Properties?.Groups ?? [])].flat();
        if (principal.kind === 'user' && groups.includes(groupName)) {
          principal.statements.push(...statements);
        }
      }
    }
  }
  for (const principal of principals.values()) {
    const managed = [principal.resource.json.Properties?.ManagedPolicyArns ?? []].flat();
    for (const value of managed) {
      const target = resolver.referenced(principal.resource.stack, value);
      if (target?.json.Type === 'AWS::IAM::ManagedPolicy') {
        principal.statements.push(...statementsOf(resolver.resolve(target.stack, target.json.Properties?.PolicyDocument)));
      } else if (!target && !/:iam::aws:policy\//.test(resolver.text(principal.resource.stack, value))) {
        unknowns.push({ what: `the statements of a managed policy attached to ${principal.kind} ${resolver.nameOf(principal.resource)}`, from: `ManagedPolicyArns ${resolver.text(principal.resource.stack, value)}`, resource: resourceRefOf(principal.resource) });
      }
    }
  }
  return { principals: [...principals.values()], unknowns };
}

function statementsOf(document: any): any[] {
  return [document?.Statement ?? []].flat().filter((statement) => statement && typeof statement === 'object');
}

/** What a reader calls a resource: its construct path without the trailing `/Resource`, else its id. */
export function labelOf(ref: ResourceRef): string {
  return ref.path ? ref.path.replace(/\/Resource$/, '') : ref.id;
}

