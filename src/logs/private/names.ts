import { createHash } from 'crypto';

/**
 * What CloudWatch Logs accepts as a log group name.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
 */
export const LOG_GROUP_NAME_MAX_LENGTH = 512;
export const LOG_GROUP_NAME_PATTERN = /^[A-Za-z0-9_\-/.#]+$/;
export const RESERVED_LOG_GROUP_NAME_PREFIX = 'aws/';

const HASH_LENGTH = 8;

/**
 * A log group name derived from the stack name and the construct path below the stack, e.g.
 * `/MyStack/Api/Handler/Logs`: the same on every synth, unique in the account and Region as long as stack
 * names are, and known before deployment so the key policy can name the log group exactly.
 *
 * Characters CloudWatch rejects become `-`; when that happens, or the name is too long, a hash of the exact
 * path is appended so that different paths keep different names.
 */
export function derivedLogGroupName(stackName: string, pathInStack: string): string {
  const exact = `/${stackName}/${pathInStack}`;
  const readable = exact.replace(/[^A-Za-z0-9_\-/.#]/g, '-');
  if (readable === exact && exact.length <= LOG_GROUP_NAME_MAX_LENGTH) {
    return exact;
  }
  const hash = createHash('sha256').update(exact).digest('hex').slice(0, HASH_LENGTH).toUpperCase();
  return `${readable.slice(0, LOG_GROUP_NAME_MAX_LENGTH - HASH_LENGTH - 1)}-${hash}`;
}
