import { runSimulation } from '@cloud-copilot/iam-simulate';

/** One KMS request, as AWS authorizes it: the caller, the action on a key, and the request context. */
export interface KmsRequest {
  /** The caller's ARN, or a service principal (`logs.eu-west-1.amazonaws.com`). */
  readonly principal: string;
  readonly action: string;
  readonly keyArn: string;
  readonly keyAccount: string;
  readonly context: Record<string, string | string[]>;
  /** The statements of the caller's identity policies. */
  readonly identityStatements: readonly any[];
}

/**
 * Whether AWS allows a request under a key policy and the caller's identity policies, by AWS's policy
 * evaluation logic (`@cloud-copilot/iam-simulate`), which includes the KMS rule that a key policy naming
 * an account delegates to that account's IAM policies.
 */
export async function isAllowed(keyPolicy: any, request: KmsRequest): Promise<boolean> {
  const identityStatements = request.identityStatements.map(withSimulatableKeys);
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.keyArn, accountId: request.keyAccount },
        contextVariables: renameKeys(request.context),
      },
      identityPolicies: identityStatements.length === 0
        ? []
        : [{ name: 'identity', policy: { Version: '2012-10-17', Statement: identityStatements } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: { Version: '2012-10-17', ...keyPolicy, Statement: [keyPolicy.Statement ?? []].flat().map(withSimulatableKeys) },
    },
    { simulationMode: 'Strict' },
  );
  if (result.resultType === 'error') {
    throw new Error(`The IAM engine could not evaluate ${request.action} by ${request.principal} on ${request.keyArn}: ${JSON.stringify(result.errors)}`);
  }
  return (result as { overallResult?: string }).overallResult === 'Allowed';
}

/**
 * iam-simulate only understands variable condition keys whose variable follows a slash
 * (`aws:ResourceTag/<key>`); it never matches `kms:EncryptionContext:<key>`, so every such condition would
 * fail. The same string comparison is evaluated under a slash-variable global key, in the policies and the
 * request alike (the tests' own evaluator, test/util/policy.ts, uses these too; simulate.test.ts and policy.test.ts
 * prove both outcomes).
 */
const ENCRYPTION_CONTEXT_KEY = /^kms:EncryptionContext:(.+)$/i;

function simulatableKey(key: string): string {
  const match = ENCRYPTION_CONTEXT_KEY.exec(key);
  return match ? `aws:ResourceTag/kms-encryption-context/${match[1]}` : key;
}

/** `values` (request context or a condition's keys) with each `kms:EncryptionContext:*` key renamed. */
export function renameKeys<T>(values: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [simulatableKey(key), value]));
}

/** `statement` with the `kms:EncryptionContext:*` keys of its conditions renamed. */
export function withSimulatableKeys(statement: any): any {
  if (!statement?.Condition) {
    return statement;
  }
  const condition = Object.fromEntries(
    Object.entries<Record<string, unknown>>(statement.Condition).map(([operator, values]) => [operator, renameKeys(values ?? {})]),
  );
  return { ...statement, Condition: condition };
}
