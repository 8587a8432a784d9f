/** How an `EncryptionChecks` rule reports what it finds. */
export enum CheckLevel {
  /** An error annotation: `cdk synth` reports it and `cdk deploy` refuses to deploy the stack. */
  ERROR = 'ERROR',
  /**
   * A warning annotation with the rule id, which `cdk synth --strict` turns into a failure and
   * `Annotations.of(resource).acknowledgeWarning(ruleId, reason)` acknowledges for one resource.
   */
  WARNING = 'WARNING',
}
