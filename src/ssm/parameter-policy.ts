import { Duration } from 'aws-cdk-lib';
import { expirationProblem, policyTimeSpan } from './private/validation';
import { present } from '../private/validation';

/**
 * A parameter policy: Parameter Store deletes the parameter or notifies EventBridge on a schedule.
 * Policies need the Advanced (or Intelligent-Tiering) tier.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-policies.html
 *
 * @example
 * new SecureStringParameter(this, 'Temporary', {
 *   tier: ssm.ParameterTier.ADVANCED,
 *   policies: [
 *     ParameterPolicy.expiration(new Date('2030-01-01T00:00:00Z')),
 *     ParameterPolicy.expirationNotification(Duration.days(7)),
 *   ],
 * });
 */
export class ParameterPolicy {
  /**
   * Parameter Store deletes the parameter at this time.
   *
   * @param expiresAt when the parameter is deleted
   */
  public static expiration(expiresAt: Date): ParameterPolicy {
    const valid = !Number.isNaN(expiresAt.getTime());
    return new ParameterPolicy(
      'Expiration',
      valid ? { Timestamp: expiresAt.toISOString() } : {},
      present(expirationProblem(expiresAt)),
    );
  }

  /**
   * Parameter Store sends an EventBridge event this long before the parameter expires.
   *
   * @param before how long before expiration; whole hours or days
   */
  public static expirationNotification(before: Duration): ParameterPolicy {
    const span = policyTimeSpan('expirationNotification', before);
    return new ParameterPolicy('ExpirationNotification', { Before: span.amount, Unit: span.unit }, span.problem ? [span.problem] : []);
  }

  /**
   * Parameter Store sends an EventBridge event when the parameter has not changed for this long.
   *
   * @param after how long without a change; whole hours or days
   */
  public static noChangeNotification(after: Duration): ParameterPolicy {
    const span = policyTimeSpan('noChangeNotification', after);
    return new ParameterPolicy('NoChangeNotification', { After: span.amount, Unit: span.unit }, span.problem ? [span.problem] : []);
  }

  private constructor(
    private readonly type: string,
    private readonly attributes: Record<string, string>,
    private readonly problems: string[],
  ) {}

  /**
   * The policy as Parameter Store's JSON takes it, and what is wrong with it.
   * @internal
   */
  public _render(): { readonly policy: Record<string, unknown>; readonly problems: string[] } {
    return { policy: { Type: this.type, Version: '1.0', Attributes: this.attributes }, problems: this.problems };
  }
}
