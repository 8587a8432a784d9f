import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LOGS_SERVICE_ACTIONS } from '../../private/key-use/actions';
import { serviceEndpoint } from '../../private/key-use/conditions';

/** The condition key CloudWatch Logs sets to the log group's ARN on every KMS request. */
export const LOGS_ENCRYPTION_CONTEXT_KEY = 'kms:EncryptionContext:aws:logs:arn';

/**
 * Lets CloudWatch Logs in the stack's Region use the key, only for the log groups whose encryption-context
 * ARNs are listed (`ArnLike`, so `log-group:*` covers every log group of the account and Region).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html#cmk-permissions
 */
export function logsServiceStatement(logGroupArns: string[], stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogs',
    principals: [new iam.ServicePrincipal(serviceEndpoint('logs', stack))],
    actions: [...LOGS_SERVICE_ACTIONS],
    resources: ['*'],
    conditions: { ArnLike: { [LOGS_ENCRYPTION_CONTEXT_KEY]: logGroupArns } },
  });
}

/**
 * The ARN CloudWatch Logs puts in the encryption context: built from the name, so the key policy does not
 * depend on the log group resource, and without the trailing `:*` of the log group's `Arn` attribute.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html#encryption-context
 */
export function encryptionContextArn(logGroupName: string, stack: Stack): string {
  return stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: logGroupName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** The encryption-context ARN pattern matching every log group in the stack's account and Region. */
export function accountEncryptionContextArn(stack: Stack): string {
  return encryptionContextArn('*', stack);
}
