/** What a rule found on one resource; a rule returns `undefined` when the resource complies. */
export interface RuleResult {
  /** False when the resource could not be checked because a value is only known at deploy time. */
  readonly checked: boolean;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** The resource does not comply. */
export function violation(message: string): RuleResult {
  return { checked: true, message };
}

/** A value the rule needs is a parameter, an import or another deploy-time value: never a pass. */
export function notChecked(what: string): RuleResult {
  return {
    checked: false,
    message: `Could not be checked: ${what} is only known at deploy time (a parameter, an import or another token). Make sure it complies, then acknowledge this finding.`,
  };
}
