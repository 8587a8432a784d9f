import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { viaServiceConditions } from '../../private/key-use/conditions';

/**
 * Key-policy statement letting principals of the stack's account use the key through one service in the
 * stack's Region, as the AWS managed key of that service does. The account principal delegates to IAM:
 * only principals whose IAM policies allow it get through, also on keys that do not trust account identities.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html
 */
export function viaServiceKeyStatement(service: string, actions: readonly string[], stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal(stack.account)],
    actions: [...actions],
    resources: ['*'],
    conditions: { StringEquals: viaServiceConditions(service, stack) },
  });
}

/** IAM statement for a principal that already uses a resource: the key, only through the resource's service. */
export function keyViaServiceStatement(keyArn: string, service: string, actions: readonly string[], stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...actions],
    resources: [keyArn],
    conditions: { StringEquals: viaServiceConditions(service, stack) },
  });
}
