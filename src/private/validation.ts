import { AssumptionError, Duration, Token, UnscopedValidationError, ValidationError } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The error code aws-cdk-lib prints before the message (`«InvalidConfiguration» …`) and writes for
 * the CLI; a branded literal in aws-cdk-lib's types, a plain string at run time.
 */
const ERROR_NAME = 'InvalidConfiguration' as ConstructorParameters<typeof ValidationError>[0];

/**
 * Throws one aws-cdk-lib `ValidationError` that lists every problem, so a user fixes them all in one
 * synth, and `cdk synth` attributes it to `scope` and the user's line. Each problem names the prop,
 * echoes the value and says the fix. A constructor that validates before `super()` passes its parent
 * as `scope` and its own id as `childId`.
 *
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/core/lib/errors.ts
 */
export function throwIfInvalid(scope: IConstruct, problems: string[], childId?: string): void {
  if (problems.length > 0) {
    failValidation(scope, problems, childId);
  }
}

/** `throwIfInvalid` for problems that are certain (a method that can never work). */
export function failValidation(scope: IConstruct, problems: string[], childId?: string): never {
  const subject = childId === undefined ? scope.node.path : `${scope.node.path}/${childId}`;
  throw new ValidationError(ERROR_NAME, invalidConfigurationMessage(subject, problems), scope);
}

/** `throwIfInvalid` for what has no construct path (an aspect): the subject names it instead. */
export function throwIfInvalidFor(subject: string, problems: string[]): void {
  if (problems.length > 0) {
    throw new UnscopedValidationError(ERROR_NAME, invalidConfigurationMessage(subject, problems));
  }
}

/** A bug in this library rather than a user's input: aws-cdk-lib's AssumptionError says so. */
export function assumptionFailed(message: string): never {
  throw new AssumptionError('LibraryAssumption' as ConstructorParameters<typeof AssumptionError>[0], message);
}

function invalidConfigurationMessage(subject: string, problems: string[]): string {
  const list = problems.length === 1 ? problems[0] : problems.map((problem) => `\n  - ${problem}`).join('');
  return `[${subject}] Invalid configuration: ${list}`;
}

/** A Duration's amount in the unit it was created with, by `unitLabel()`. */
const AMOUNT_IN_OWN_UNIT: Record<string, (duration: Duration) => number> = {
  millis: (duration) => duration.toMilliseconds(),
  seconds: (duration) => duration.toSeconds({ integral: false }),
  minutes: (duration) => duration.toMinutes({ integral: false }),
  hours: (duration) => duration.toHours({ integral: false }),
  days: (duration) => duration.toDays({ integral: false }),
};

/**
 * A Duration as the user wrote it, for messages: `Duration.hours(2412)` is `2412 hours` (not
 * `100 days 12 hours`, nor `100.5 days`), `Duration.days(1)` is `1 day`.
 */
export function durationAsWritten(duration: Duration): string {
  const unit = duration.unitLabel();
  const amount = AMOUNT_IN_OWN_UNIT[unit]?.(duration);
  if (amount === undefined) {
    return duration.toHumanString(); // a unit newer than this table
  }
  return `${amount} ${amount === 1 ? unit.replace(/s$/, '') : unit}`;
}

/**
 * A string for messages, each token shown as what it stands for: `arn:${Token[AWS.Partition.6]}:…` is
 * `arn:<AWS.Partition>:…`.
 */
export function tokensAsPlaceholders(text: string): string {
  return text.replace(/\$\{Token\[([^\]]+?)(\.\d+)?\]\}/g, '<$1>');
}

/** AWS account ids are exactly 12 digits. */
export function accountIdProblem(prop: string, accountId: string): string | undefined {
  if (Token.isUnresolved(accountId) || /^\d{12}$/.test(accountId)) {
    return undefined;
  }
  return `\`${prop}\` must be a 12-digit AWS account id, got '${accountId}'. Use the account id, not an alias or ARN.`;
}

/**
 * Required props a caller left out, which TypeScript prevents but JavaScript (and a jsii language
 * passing null) does not: named here rather than failing later as `Cannot read properties of undefined`.
 */
export function missingPropProblems<T extends object>(props: T | undefined, required: Array<keyof T & string>): string[] {
  return required
    .filter((name) => props?.[name] === undefined || props[name] === null)
    .map((name) => `\`${name}\` is required, got ${props === undefined ? 'no props' : String(props[name])}. Pass \`${name}\`.`);
}

/** Problems that are present, for collecting the results of several checks. */
export function present(...problems: Array<string | undefined>): string[] {
  return problems.filter((problem): problem is string => problem !== undefined);
}
