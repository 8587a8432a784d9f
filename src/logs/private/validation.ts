import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LOG_GROUP_NAME_MAX_LENGTH, LOG_GROUP_NAME_PATTERN, RESERVED_LOG_GROUP_NAME_PREFIX } from './names';
import { symmetricKeyProblem } from '../../private/key-use/key-spec';
import { present } from '../../private/validation';

/** What `validateLogGroupProps` checks: the props as the user gave them. */
export interface LogGroupPropsToValidate {
  readonly encryptionKey?: kms.IKey;
  readonly logGroupName?: string;
  readonly retention?: logs.RetentionDays;
  readonly logGroupClass?: logs.LogGroupClass;
}

/**
 * Retention periods CloudWatch Logs accepts; `RetentionDays.INFINITE` means no retention policy.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
const ACCEPTED_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Every problem with an encrypted log group's props, each naming the prop, echoing the value and saying the fix. */
export function validateLogGroupProps(props: LogGroupPropsToValidate): string[] {
  return present(
    props.encryptionKey && symmetricKeyProblem('encryptionKey', props.encryptionKey),
    ...logGroupNameProblems(props.logGroupName),
    retentionProblem(props.retention),
    logGroupClassProblem(props.logGroupClass),
  );
}

/**
 * Problems with where the key is, for a log group in `logGroupStack`: CloudWatch Logs uses only keys of its
 * own Region, and the key policy resolves the log group's name in the key's stack.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function keyPlacementProblems(key: kms.IKey, logGroupName: string | undefined, logGroupStack: Stack): string[] {
  const keyRegion = key.env.region;
  const region = logGroupStack.region;
  return present(
    !Token.isUnresolved(keyRegion) && !Token.isUnresolved(region) && keyRegion !== region
      ? `\`encryptionKey\` must be in the log group's Region ${region}, got ${key.node.path} in ${keyRegion}: CloudWatch Logs uses only keys of its own Region. Use a key defined in ${region}, for example a ReplicaKey of a multi-Region key.`
      : undefined,
    logGroupName !== undefined && Token.isUnresolved(logGroupName) && Stack.of(key) !== logGroupStack
      ? `\`logGroupName\` must be known at synth time when \`encryptionKey\` is in another stack (${Stack.of(key).stackName}), got ${JSON.stringify(logGroupStack.resolve(logGroupName))}: the key policy would resolve it in the key's stack, to another name or a cross-stack reference. Give a literal name, or define the key in the log group's stack.`
      : undefined,
  );
}

function logGroupNameProblems(name: string | undefined): string[] {
  if (name === undefined || Token.isUnresolved(name)) {
    return [];
  }
  return present(
    name.length < 1 || name.length > LOG_GROUP_NAME_MAX_LENGTH
      ? `\`logGroupName\` must be 1 to ${LOG_GROUP_NAME_MAX_LENGTH} characters long, got ${name.length} characters ('${name.slice(0, 40)}${name.length > 40 ? '...' : ''}'). Shorten it, or leave it out to get a derived name.`
      : undefined,
    name.length > 0 && !LOG_GROUP_NAME_PATTERN.test(name)
      ? `\`logGroupName\` may contain only a-z, A-Z, 0-9, '_', '-', '/', '.' and '#', got '${name}'. Replace the other characters.`
      : undefined,
    name.startsWith(RESERVED_LOG_GROUP_NAME_PREFIX)
      ? `\`logGroupName\` must not start with '${RESERVED_LOG_GROUP_NAME_PREFIX}', which CloudWatch Logs reserves, got '${name}'. Start it with '/${RESERVED_LOG_GROUP_NAME_PREFIX}' or another prefix.`
      : undefined,
  );
}

function retentionProblem(retention: logs.RetentionDays | undefined): string | undefined {
  if (retention === undefined || Token.isUnresolved(retention) || retention === logs.RetentionDays.INFINITE) {
    return undefined;
  }
  return ACCEPTED_RETENTION_DAYS.includes(retention)
    ? undefined
    : `\`retention\` must be one of the periods CloudWatch Logs accepts (${ACCEPTED_RETENTION_DAYS.join(', ')} days), got ${retention} days. Use a logs.RetentionDays value, or RetentionDays.INFINITE to keep events forever.`;
}

/**
 * Delivery-class log groups keep events for one day only and take no retention or data-protection policy.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch_Logs_Log_Classes.html
 */
function logGroupClassProblem(logGroupClass: logs.LogGroupClass | undefined): string | undefined {
  return logGroupClass === logs.LogGroupClass.DELIVERY
    ? `\`logGroupClass\` must be STANDARD or INFREQUENT_ACCESS, got ${logGroupClass}: a DELIVERY log group only forwards events and keeps them one day, without retention or data protection. Use logs.LogGroupClass.STANDARD or INFREQUENT_ACCESS.`
    : undefined;
}
