import { Annotations, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { plainValue } from './plain-json';

/**
 * KMS rejects key policies above 32 KB.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html#key-policy-limit
 */
export const KEY_POLICY_SIZE_LIMIT = 32_768;

/** Share of the limit above which a synth warning tells users to merge or move statements. */
export const KEY_POLICY_WARNING_RATIO = 0.8;

/**
 * Adds `statement` to the key policy where this app defines the key. An imported key's policy cannot be
 * edited from here, so instead of skipping silently, a warning shows the exact statement to add, as JSON
 * that can be pasted (deploy-time values as `<placeholders>`), and where to acknowledge it once added.
 */
export function addToKeyPolicyOrWarn(scope: IConstruct, key: kms.IKey, statement: iam.PolicyStatement): void {
  if (key.addToResourcePolicy(statement, true).statementAdded) {
    return;
  }
  const stack = Stack.of(scope);
  const json = JSON.stringify(plainValue(stack.resolve(statement.toStatementJson()), stack));
  Annotations.of(scope).addWarningV2(
    'cdk-kms-encryption:keyPolicyNotEditable',
    `The key policy of ${key.node.path} cannot be edited in this app (the key is imported). Add this statement to it, or the service will be denied use of the key: ${json}. Once added, acknowledge this warning on ${scope.node.path}.`,
  );
}

/** Size in bytes of a policy document as it will be sent to KMS (tokens count as their CloudFormation form). */
export function policySizeBytes(scope: IConstruct, policy: iam.PolicyDocument): number {
  return resolvedPolicySizeBytes(Stack.of(scope).resolve(policy));
}

/** Size in bytes of a policy document already resolved with `Stack.resolve`. */
export function resolvedPolicySizeBytes(resolved: unknown): number {
  return Buffer.byteLength(JSON.stringify(resolved), 'utf8');
}
