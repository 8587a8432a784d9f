import { Aws } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * The tag that marks a secret as rotated by its stack's generic rotation function. It confines nothing:
 * anyone allowed `secretsmanager:TagResource` writes it, so the function's role names its secrets by ARN
 * and the function lists them (docs/decisions/0015-rotation-by-arn.md). It stays because the previous
 * release's policy requires it (`aws:ResourceTag/...`) until CloudFormation replaces that policy during an
 * upgrade, and removing it would update every secret. CloudFormation's `aws:cloudformation:stack-id`
 * would be unforgeable, but AWS documents that its propagation "varies by resource type" and names no
 * list that includes secrets.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access-abac.html
 */
export const OWNERSHIP_TAG_KEY = 'cdk-kms-encryption:stack-id';

/** The tag's value: the id of the stack being deployed, known to CloudFormation only. */
export const OWNERSHIP_TAG_VALUE = Aws.STACK_ID;

/**
 * Above the priorities of `Tags.of(...).add` (100) and `.remove` (200), so tags a user applies to a scope
 * leave this one as it is; an override that drops it anyway fails synthesis (invariants.ts).
 */
const OWNERSHIP_TAG_PRIORITY = 1_000;

/** Tags a secret as owned by its stack, for the stack's generic rotation function. */
export function tagAsOwnedByStack(secret: secretsmanager.CfnSecret): void {
  secret.tags.setTag(OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, OWNERSHIP_TAG_PRIORITY);
}
