import { runSimulation } from '@cloud-copilot/iam-simulate';
// iam-simulate never matches `kms:EncryptionContext:*` keys: the report's renaming, which policy.test.ts proves.
import { renameKeys, withSimulatableKeys } from '../../report/src/simulate';

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

/**
 * The KMS actions AWS Security Hub's KMS.1 (customer managed policies) and KMS.2 (inline policies) block
 * on all keys, with AWS Config's `iam-customer-policy-blocked-kms-actions` defaults.
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-1
 * @see https://docs.aws.amazon.com/config/latest/developerguide/iam-customer-policy-blocked-kms-actions.html
 */
const KMS1_BLOCKED_ACTIONS = ['kms:Decrypt', 'kms:ReEncryptFrom'];

/**
 * The statements of an identity policy that KMS.1/KMS.2 flag: Allow, an action (or pattern) covering a
 * blocked action, on a resource with a wildcard or a policy variable ("all keys"). Conditions are not read,
 * as the Config rule does not read them.
 */
export function kms1Findings(statements: readonly any[]): any[] {
  const matches = (pattern: string, action: string) =>
    new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(action);
  return statements.filter((statement) => statement.Effect === 'Allow'
    && [statement.Action ?? []].flat().some((pattern: string) => KMS1_BLOCKED_ACTIONS.some((action) => matches(pattern, action)))
    && [statement.Resource ?? []].flat().some((resource: string) => /[*?]|\$\{/.test(resource)));
}

/** An IAM policy statement allowing everything: the caller's IAM side is not what a test is about. */
export const ALLOW_ALL_IDENTITY = { Effect: 'Allow', Action: '*', Resource: '*' };
