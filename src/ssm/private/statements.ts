import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { OWNER_TAG_KEYS } from './secure-string-contract';
import { PARAMETER_STORE_READ_KEY_ACTIONS, PARAMETER_STORE_WRITE_KEY_ACTIONS } from '../../private/key-use/actions';
import { viaServiceConditions } from '../../private/key-use/conditions';

/**
 * Reading one parameter: the `ssm:GetParameter*` actions that take a parameter ARN, spelled out
 * (`GetParametersByPath` takes a path, `DescribeParameters` no resource).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 */
export const PARAMETER_READ_ACTIONS = ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParameterHistory'] as const;
/** Writing one parameter. */
export const PARAMETER_WRITE_ACTIONS = ['ssm:PutParameter'] as const;
/**
 * What the custom resource handler does to the parameters it manages: write (PutParameter needs
 * `ssm:AddTagsToResource` when it tags), re-tag, read the ownership tags, delete, and read the current
 * value back to keep a generated value across updates.
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 */
export const HANDLER_PARAMETER_ACTIONS = [
  'ssm:PutParameter',
  'ssm:GetParameter',
  'ssm:DeleteParameter',
  'ssm:AddTagsToResource',
  'ssm:RemoveTagsFromResource',
  'ssm:ListTagsForResource',
] as const;

/** What the handler may do to a parameter tagged for its stack, whatever its name (see below). */
export const HANDLER_OWNED_PARAMETER_ACTIONS = ['ssm:ListTagsForResource', 'ssm:DeleteParameter'] as const;

/**
 * Key-policy statement: principals of the stack's account may use the key through Parameter Store
 * only, as far as their IAM policies allow. This is the shape of the AWS managed `aws/ssm` key's policy;
 * naming the account rather than roles avoids dependency cycles between stacks, and the grants below
 * narrow each principal to its own parameters.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html
 */
export function parameterStoreKeyStatement(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ParameterStoreUse',
    principals: [new iam.AccountPrincipal(stack.account)],
    actions: [...PARAMETER_STORE_WRITE_KEY_ACTIONS, ...PARAMETER_STORE_READ_KEY_ACTIONS],
    resources: ['*'],
    conditions: { StringEquals: viaServiceConditions('ssm', stack) },
  });
}

/**
 * Conditions for a principal's use of the key for one parameter: through Parameter Store, and only for
 * the parameter whose ARN Parameter Store puts in the encryption context.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html#parameter-store-encryption-context
 */
export function parameterKeyConditions(parameterArn: string, stack: Stack): Record<string, Record<string, string>> {
  return {
    StringEquals: {
      ...viaServiceConditions('ssm', stack),
      'kms:EncryptionContext:PARAMETER_ARN': parameterArn,
    },
  };
}

/**
 * The handler's permissions on the parameters it manages, by exact ARN: a tag cannot confine it, because
 * `ssm:PutParameter` takes no `aws:ResourceTag` condition key, and creating a tagged parameter also
 * authorizes `ssm:AddTagsToResource` before the parameter has a tag, which a policy cannot tell from
 * tagging a parameter the stack did not create. More ARNs are added to the statement as the stack
 * defines parameters.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-parameter.html
 */
export function handlerParameterStatement(parameterArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: [...HANDLER_PARAMETER_ACTIONS], resources: [parameterArn] });
}

/**
 * What the handler may do to a parameter by its ownership tag alone: read the tags and delete it. This
 * is what the Deletes CloudFormation sends for names the policies in force no longer list need: the
 * cleanup Delete of a renamed or removed parameter (the new template's policies are in force) and the
 * rollback's Delete of a parameter a failed update created (the old template's are). Both actions take
 * `aws:ResourceTag`, and the tag's value is this stack's id, so only parameters tagged for this stack
 * match; the handler deletes only names CloudFormation sends it, and only when both ownership tags match.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
 */
export function handlerOwnedParameterStatement(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...HANDLER_OWNED_PARAMETER_ACTIONS],
    resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: '*' })],
    conditions: { StringEquals: { [`aws:ResourceTag/${OWNER_TAG_KEYS.stackId}`]: stack.stackId } },
  });
}

/**
 * The handler's use of keys, the same for any number of parameters and keys: any key of its account and
 * Region, only through Parameter Store and only for parameters (`PARAMETER_ARN` context). Parameter Store
 * calls KMS only for the parameter of a request, which the handler's `ssm:` statements confine to this
 * stack's parameters. Naming no key also covers an update that moves a parameter to another key: the
 * handler reads the value under the key it leaves after CloudFormation has rewritten this policy.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html#parameter-store-encryption-context
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
export function handlerKeyStatement(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...PARAMETER_STORE_WRITE_KEY_ACTIONS, ...PARAMETER_STORE_READ_KEY_ACTIONS],
    resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
    conditions: {
      StringEquals: viaServiceConditions('ssm', stack),
      StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: '*' }) },
    },
  });
}
