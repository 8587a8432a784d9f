/** How an `EncryptionChecks` rule reports what it finds in `validation-report.json`. */
export enum CheckLevel {
  /** A violation of severity `error`: synthesis fails until it is fixed or acknowledged. */
  ERROR = 'ERROR',
  /**
   * A violation of severity `warning`: reported, and synthesis goes on. Findings that could not be
   * checked are always warnings.
   */
  WARNING = 'WARNING',
}
