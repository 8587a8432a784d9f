import { Aws } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * The tag that marks a secret as rotated by its stack's generic rotation function: the function's role
 * acts only on secrets that carry it with the stack's id (`aws:ResourceTag/...`) and name the function
 * (`secretsmanager:resource/AllowRotationLambdaArn`). Another secret of the account is out of reach
 * unless someone may both tag it (`secretsmanager:TagResource`) and point its rotation at the function
 * (`secretsmanager:RotateSecret`), who already manages that secret. The library sets its own tag rather
 * than rely on CloudFormation's `aws:cloudformation:stack-id`, which it does not apply to every type.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access-abac.html
 * @see https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1966
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
