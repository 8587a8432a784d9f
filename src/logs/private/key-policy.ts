import { Lazy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { accountEncryptionContextArn, logsServiceStatement } from './statements';
import { addToKeyPolicyOrWarn } from '../../private/key-use/key-policy';

/** The encryption-context ARNs of the one CloudWatch Logs statement in each editable key's policy. */
const logGroupArnsByKey = new WeakMap<kms.IKey, string[]>();

/**
 * Lets CloudWatch Logs of the key's Region use `key` for the log group with encryption-context ARN
 * `logGroupArn`.
 *
 * Every log group on a key defined in this app shares one statement whose ARN list grows, so each log group
 * adds one ARN to the key policy, not a statement; once the account-wide ARN is in the list it is the only
 * entry. An imported key's policy cannot be edited: each log group warns with its own exact statement.
 */
export function allowLogsService(scope: IConstruct, key: kms.IKey, logGroupArn: string): void {
  const shared = logGroupArnsByKey.get(key);
  if (shared) {
    shared.push(logGroupArn);
    return;
  }
  // The service principal is CloudWatch Logs of the key's Region, whichever log group comes first.
  const keyStack = Stack.of(key);
  const arns = [logGroupArn];
  // Uncached: resolving the key policy before the last log group is added must not freeze the list.
  const statement = logsServiceStatement(Lazy.uncachedList({ produce: () => mergedArns(arns, Stack.of(scope)) }), keyStack);
  if (key.addToResourcePolicy(statement, true).statementAdded) {
    logGroupArnsByKey.set(key, arns);
    return;
  }
  addToKeyPolicyOrWarn(scope, key, logsServiceStatement(arns, keyStack));
}

/** Distinct ARNs, or only the account-wide one when it is present (it covers all the others). */
function mergedArns(arns: string[], stack: Stack): string[] {
  const accountWide = accountEncryptionContextArn(stack);
  return arns.includes(accountWide) ? [accountWide] : [...new Set(arns)];
}
