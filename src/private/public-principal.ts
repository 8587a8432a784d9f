import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Condition keys that narrow a statement for everyone (`*`) to known callers, as AWS's own definition of
 * a public policy does. Key policies add `kms:CallerAccount`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
export const PRINCIPAL_NARROWING_KEYS: readonly string[] = [
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceOrgID',
  'aws:userid',
];

/**
 * Whether a statement allows everyone (`*`, `AnyPrincipal`, or all but a `NotPrincipal`) without a
 * condition that pins one of `narrowingKeys` to a fixed value. A comparison narrows only when it cannot
 * match an absent key (no negated, `...IfExists`, `ForAllValues:` or `Null` operator) and its value is a
 * literal or token, with no policy variable and no wildcard but a trailing `/*` (an org path or ARN prefix).
 */
export function isPublicWithoutNarrowing(statement: iam.PolicyStatement, narrowingKeys: readonly string[]): boolean {
  const json = statement.toStatementJson();
  if (json.Effect !== 'Allow' || !(json.NotPrincipal !== undefined || isEveryone(json.Principal))) {
    return false;
  }
  const keys = new Set(narrowingKeys.map((key) => key.toLowerCase()));
  const narrows = Object.entries<Record<string, unknown>>(json.Condition ?? {}).some(([operator, comparisons]) =>
    isNarrowingOperator(operator) && Object.entries(comparisons).some(([key, values]) =>
      keys.has(key.toLowerCase()) && [values].flat().every(isFixedValue)));
  return !narrows;
}

/** Whether a policy principal is everyone: `*` or `{ AWS: '*' }` (alone or in a list). */
export function isEveryone(principal: unknown): boolean {
  if (principal === '*') {
    return true;
  }
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  return [aws].flat().includes('*');
}

/** Operators that match only when the key is present and equal (or like) the value. */
function isNarrowingOperator(operator: string): boolean {
  return /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/.test(operator);
}

function isFixedValue(value: unknown): boolean {
  if (Token.isUnresolved(value)) {
    return true;
  }
  if (typeof value !== 'string' || value.includes('${')) {
    return false;
  }
  const prefix = value.endsWith('/*') ? value.slice(0, -2) : value;
  return prefix.length > 0 && !/[*?]/.test(prefix);
}
