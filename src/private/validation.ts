import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Throws one error that lists every problem, so a user fixes them all in one synth.
 * Each problem names the prop, echoes the value and says the fix.
 */
export function throwIfInvalid(scope: IConstruct, problems: string[], childId?: string): void {
  throwIfInvalidFor(childId === undefined ? scope.node.path : `${scope.node.path}/${childId}`, problems);
}

/** `throwIfInvalid` for what has no construct path (an aspect): the subject names it instead. */
export function throwIfInvalidFor(subject: string, problems: string[]): void {
  if (problems.length === 0) {
    return;
  }
  const list = problems.length === 1 ? problems[0] : problems.map((problem) => `\n  - ${problem}`).join('');
  throw new Error(`[${subject}] Invalid configuration: ${list}`);
}

/** AWS account ids are exactly 12 digits. */
export function accountIdProblem(prop: string, accountId: string): string | undefined {
  if (Token.isUnresolved(accountId) || /^\d{12}$/.test(accountId)) {
    return undefined;
  }
  return `\`${prop}\` must be a 12-digit AWS account id, got '${accountId}'. Use the account id, not an alias or ARN.`;
}

/** Problems that are present, for collecting the results of several checks. */
export function present(...problems: Array<string | undefined>): string[] {
  return problems.filter((problem): problem is string => problem !== undefined);
}
