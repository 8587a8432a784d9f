import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Global condition keys that narrow a public principal (`*`) to known accounts, organizations, principals
 * or sources: a statement whose condition fixes one of them is not public, as AWS defines it.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html
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
 * Whether a statement allows everyone (`*`, `AnyPrincipal`) without a condition that fixes one of
 * `narrowingKeys`. A condition narrows only with a positive string or ARN operator (not negated, not
 * `...IfExists`, which match when the key is absent, and not a set operator) and values without wildcards.
 */
export function isPublicWithoutNarrowing(statement: iam.PolicyStatement, narrowingKeys: readonly string[]): boolean {
  const json = statement.toStatementJson();
  return json.Effect === 'Allow' && isEveryone(json.Principal) && !narrows(json.Condition ?? {}, narrowingKeys);
}

/** Whether a policy principal is everyone: `*` or `{ AWS: '*' }` (alone or in a list). */
export function isEveryone(principal: unknown): boolean {
  if (principal === '*') {
    return true;
  }
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

const NARROWING_OPERATOR = /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/;

function narrows(condition: Record<string, Record<string, unknown>>, narrowingKeys: readonly string[]): boolean {
  const keys = new Set(narrowingKeys.map((key) => key.toLowerCase()));
  return Object.entries(condition).some(([operator, values]) => NARROWING_OPERATOR.test(operator)
    && Object.entries(values).some(([key, value]) => keys.has(key.toLowerCase()) && isFixed(value)));
}

function isFixed(value: unknown): boolean {
  const values = [value].flat();
  return values.length > 0 && values.every((one) => typeof one !== 'string' || !/[*?]/.test(one));
}
