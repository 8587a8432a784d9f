import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DECRYPT_ACTIONS, PARAMETER_STORE_READ_KEY_ACTIONS, PARAMETER_STORE_WRITE_KEY_ACTIONS } from '../../private/key-use/actions';
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

/** The handler's permissions on one parameter it manages. */
export function handlerParameterStatement(parameterArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: [...HANDLER_PARAMETER_ACTIONS], resources: [parameterArn] });
}

/**
 * The handler's use of a key: only through Parameter Store. Its `ssm:` permissions already limit it to
 * this stack's parameters, and Parameter Store only uses the key for the parameter of the request, so
 * one statement per key serves every parameter (the role policy stays small).
 */
export function handlerKeyStatement(keyArn: string, stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...PARAMETER_STORE_WRITE_KEY_ACTIONS, ...PARAMETER_STORE_READ_KEY_ACTIONS],
    resources: [keyArn],
    conditions: { StringEquals: viaServiceConditions('ssm', stack) },
  });
}

/**
 * The handler's decryption under any key of its account and Region, through Parameter Store only and
 * for parameters only (`PARAMETER_ARN` context). An update that moves a parameter to another key reads
 * the value under the old key after CloudFormation has rewritten this policy for the new one, so the old
 * key is named nowhere any more. The `ssm:GetParameter` statement names only this stack's parameters,
 * and Parameter Store decrypts only the parameter of the request, so no other value is reachable.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html#parameter-store-encryption-context
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
export function handlerPreviousKeyStatement(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...DECRYPT_ACTIONS],
    resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
    conditions: {
      StringEquals: viaServiceConditions('ssm', stack),
      StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: '*' }) },
    },
  });
}
