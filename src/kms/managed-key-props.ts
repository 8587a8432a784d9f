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
   * decides who may use the key, grants are written into the key policy, `administrators` must name
   * at least one principal of the key's account, and the principal deploying the stack
   * (`deploymentPrincipal`) administers the key too, so that CloudFormation can create and update it.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
   * @default true
   */
  readonly trustAccountIdentities?: boolean;

  /**
   * Principals of the key's account that administer the key: its policy, aliases, tags, rotation
   * (including on-demand rotation), enabling and disabling, grants for AWS resources, and scheduling its
   * deletion unless `administratorsCanDeleteKey` is false. They cannot encrypt or decrypt, but as they may
   * change the key policy (`kms:PutKeyPolicy`), they can give themselves any permission.
   *
   * @default - no administrators besides the account, when `trustAccountIdentities` is true
   */
  readonly administrators?: iam.IPrincipal[];

  /**
   * Whether `administrators` may schedule the key's deletion (`kms:ScheduleKeyDeletion`,
   * `kms:CancelKeyDeletion`). The principal that deploys the key always may, as CloudFormation deletes it.
   *
   * @example false
   * @default true
   */
  readonly administratorsCanDeleteKey?: boolean;

  /**
   * The principal that deploys the stack, which the key policy lets administer the key when
   * `trustAccountIdentities` is false: KMS refuses a key policy that would not let the principal creating
   * the key change the policy later.
   *
   * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html#KMS-CreateKey-request-BypassPolicyLockoutSafetyCheck
   * @example iam.Role.fromRoleArn(this, 'Deployer', 'arn:aws:iam::111122223333:role/Deployer')
   * @default - the CloudFormation execution role of the stack's synthesizer (`DefaultStackSynthesizer`'s
   * `cloudFormationExecutionRoleArn`); synthesizers without one (`CliCredentialsStackSynthesizer`,
   * `LegacyStackSynthesizer`) require this prop when `trustAccountIdentities` is false
   */
  readonly deploymentPrincipal?: iam.IPrincipal;

  /**
   * Principals that may encrypt and decrypt with the key.
   *
   * @default - no users; grant use with the `grant*` methods
   */
  readonly users?: iam.IGrantable[];
}
