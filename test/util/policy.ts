import { runSimulation } from '@cloud-copilot/iam-simulate';

/** One request to evaluate against a resource policy (a key or bucket policy). */
export interface PolicyRequest {
  /** The calling principal's ARN, or a service principal such as `logs.eu-west-1.amazonaws.com`. */
  readonly principal: string;
  readonly action: string;
  /** The ARN of the resource the request is about. */
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  /** Request context: condition keys and their values. */
  readonly context?: Record<string, string | string[]>;
  /** Statements of the caller's IAM policies. @default none */
  readonly identityStatements?: any[];
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/**
 * Evaluates a request against a resource policy with AWS's policy evaluation logic
 * (@cloud-copilot/iam-simulate), including the KMS rule that a key policy naming an account
 * delegates to that account's IAM policies.
 */
export async function evaluate(resourcePolicy: any, request: PolicyRequest): Promise<Decision> {
  const identityStatements = (request.identityStatements ?? []).map(withSimulatableKeys);
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: renameKeys(request.context ?? {}),
      },
      identityPolicies: identityStatements.length === 0
        ? []
        : [{ name: 'identity', policy: { Version: '2012-10-17', Statement: identityStatements } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: resourcePolicy && { ...resourcePolicy, Statement: [resourcePolicy.Statement].flat().map(withSimulatableKeys) },
    },
    { simulationMode: 'Strict' },
  );
  if (result.resultType === 'error') {
    throw new Error(`The request could not be simulated: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult as Decision;
}

/** The statements one resource of a template contributes to a role's identity policies. */
export interface RoleIdentityPolicy {
  /** The role's ARN. */
  readonly role: string;
  readonly statements: any[];
}

/**
 * The identity policies a resource with resolved `properties` gives to roles: a managed or inline policy
 * to each role in its `Roles` (names, as `Ref` of a role resolves), a role to itself through its inline
 * `Policies`. AWS managed policies (`ManagedPolicyArns`) are not modelled: the library attaches none.
 */
export function roleIdentityPolicies(
  type: string, properties: Record<string, any>, name: string, roleArn: (roleName: string) => string,
): RoleIdentityPolicy[] {
  const statementsOf = (document: any) => [document.Statement].flat();
  switch (type) {
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::IAM::Policy':
      return [properties.Roles ?? []].flat().map((role: string) => ({ role: roleArn(role), statements: statementsOf(properties.PolicyDocument) }));
    case 'AWS::IAM::Role':
      return [{
        role: roleArn(properties.RoleName ?? name),
        statements: (properties.Policies ?? []).flatMap((policy: any) => statementsOf(policy.PolicyDocument)),
      }];
    default:
      return [];
  }
}

/** An IAM policy statement allowing everything: the caller's IAM side is not what a test is about. */
export const ALLOW_ALL_IDENTITY = { Effect: 'Allow', Action: '*', Resource: '*' };

/**
 * iam-simulate only understands variable condition keys whose variable follows a slash
 * (`aws:ResourceTag/<key>`); it never matches `kms:EncryptionContext:<key>`, so every such condition
 * would fail and "denied" tests would pass whatever the policy says. The same string comparison is
 * simulated under a slash-variable global key, in the policy and the request alike
 * (policy.test.ts proves both outcomes).
 */
const ENCRYPTION_CONTEXT_KEY = /^kms:EncryptionContext:(.+)$/i;

function simulatableKey(key: string): string {
  const match = ENCRYPTION_CONTEXT_KEY.exec(key);
  return match ? `aws:ResourceTag/kms-encryption-context/${match[1]}` : key;
}

function renameKeys<T>(values: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [simulatableKey(key), value]));
}

function withSimulatableKeys(statement: any): any {
  if (!statement.Condition) {
    return statement;
  }
  const condition = Object.fromEntries(
    Object.entries<Record<string, unknown>>(statement.Condition).map(([operator, values]) => [operator, renameKeys(values)]),
  );
  return { ...statement, Condition: condition };
}
