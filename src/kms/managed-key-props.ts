import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** Properties shared by every key this library defines: `CustomerManagedKey` and `ReplicaKey`. */
export interface ManagedKeyProps {
  /**
   * An alias for the key. `alias/` is added when missing.
   *
   * @default - no alias
   */
  readonly alias?: string;

  /**
   * A description of the key and what it protects.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * How long KMS waits before deleting the key after it leaves the stack (7 to 30 days).
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html#deleting-keys-scheduling-key-deletion
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;

  /**
   * What happens to the key when it leaves the stack. Data encrypted with a deleted key is lost, so
   * the key is kept unless you say otherwise.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether the key policy keeps the AWS default statement that lets the account root, and so IAM
   * policies in this account, administer and use the key.
   *
   * That statement is the key's administration path of last resort. Without it the key policy alone
   * decides who may use the key, grants are written into the key policy, and `administrators` must name
   * at least one principal so the key can still be managed.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
   * @default true
   */
  readonly trustAccountIdentities?: boolean;

  /**
   * Principals that administer the key (including on-demand rotation) without being able to use it
   * for cryptography.
   *
   * @default - no administrators besides the account, when `trustAccountIdentities` is true
   */
  readonly administrators?: iam.IPrincipal[];

  /**
   * Principals that may encrypt and decrypt with the key.
   *
   * @default - no users; grant use with the `grant*` methods
   */
  readonly users?: iam.IGrantable[];
}
