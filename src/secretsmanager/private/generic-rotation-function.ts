import { Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { RotationFunction } from './rotation-function';
import { MAX_SETTINGS_ENV_LENGTH, ROTATION_SETTINGS_ENV, RotationSettings, settingsJson } from './rotation-settings';
import { keyViaSecretsManagerStatement, logWriteStatement, randomPasswordStatement, rotationSecretStatement } from './statements';
import { acknowledgeLambdaFindings, NO_RESERVED_CONCURRENCY_REASON } from '../../private/acknowledgements';
import { handlerLogGroup } from '../../private/handler-log-group';
import { SECRETS_MANAGER_KEY_ACTIONS } from '../../private/key-use/actions';
import { validateManagedPolicySize } from '../../private/managed-policy-size';

/** Construct id of the stack's generic rotation function, under the stack. */
const SINGLETON_ID = 'CdkKmsEncryptionGenericRotation';

/**
 * The generic rotation function of a stack, shared by all its secrets that use generic rotation. Its role
 * has no managed AWS policies and no inline policy: one customer-managed policy lists exactly the secrets
 * it rotates, their keys (through Secrets Manager only) and its own log group. Its environment lists the
 * rotation settings of each secret that has any (rotation-settings.ts).
 */
export class GenericRotationFunction extends Construct {
  /** The stack's generic rotation function, defined on first use. */
  public static of(scope: IConstruct): GenericRotationFunction {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SINGLETON_ID);
    return existing instanceof GenericRotationFunction ? existing : new GenericRotationFunction(stack, SINGLETON_ID);
  }

  public readonly function: RotationFunction;
  /** The role's permissions; a rotation schedule must wait for it before Secrets Manager invokes the function. */
  public readonly policy: iam.ManagedPolicy;
  /** The secrets rotated, and the keys that encrypt them. */
  private readonly secretArns: string[] = [];
  private readonly keyArns: string[] = [];
  /** `[secretName, settings]` of the secrets whose settings differ from GetRandomPassword's defaults. */
  private readonly settings: Array<[string, Record<string, unknown>]> = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const logGroup = handlerLogGroup(this, 'LogGroup');
    const role = new iam.Role(this, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      roles: [role],
      statements: [randomPasswordStatement(), logWriteStatement(logGroup.logGroupArn)],
    });
    this.function = new RotationFunction(this, 'Function', {
      description: 'Rotates secrets with a new random value (cdk-kms-encryption generic rotation)',
      role,
      logGroup,
      // Each step's calls retry throttling with backoff (handler-runtime.ts); Secrets Manager retries a failed step.
      timeout: Duration.minutes(2),
    });
    this.function.addEnvironment(ROTATION_SETTINGS_ENV, Lazy.string({ produce: () => Stack.of(this).toJsonString(this.settings) }));
    this.function.node.addDependency(this.policy);
    this.node.addValidation({ validate: () => this.environmentProblems() });
    validateManagedPolicySize(this.policy, () =>
      `This stack defines ${this.secretArns.length} RotatingSecrets with generic rotation, whose ARNs and keys this policy of their rotation function lists. Define some of them in another stack.`);
    acknowledgeFindings(this.policy, this.function);
  }

  /**
   * Lets the function rotate a secret encrypted with `key`. One key statement lists every key and
   * every secret (each secret's own key is among the keys, and only this function's secrets are named),
   * so the policy grows by two ARNs a secret and stays under IAM's 6,144 characters for dozens of them.
   */
  public addSecret(secretArn: string, secretName: string, key: kms.IKey, settings: RotationSettings): void {
    const set = settingsJson(settings);
    if (Object.keys(set).length > 0) {
      this.settings.push([secretName, set]);
    }
    this.policy.addStatements(rotationSecretStatement([secretArn]));
    if (this.secretArns.length === 0) {
      // Uncached: resolving the policy before the last secret is added must not freeze the lists.
      this.policy.addStatements(keyViaSecretsManagerStatement(
        Lazy.uncachedList({ produce: () => [...new Set(this.keyArns)] }),
        Lazy.uncachedList({ produce: () => this.secretArns }),
        SECRETS_MANAGER_KEY_ACTIONS,
        Stack.of(this),
      ));
    }
    this.keyArns.push(key.keyArn);
    this.secretArns.push(secretArn);
  }

  /** The settings must fit Lambda's 4 KB of environment variables. */
  private environmentProblems(): string[] {
    const length = JSON.stringify(Stack.of(this).resolve(this.settings)).length;
    return length <= MAX_SETTINGS_ENV_LENGTH ? [] : [
      `This stack's generic rotation function carries the rotation settings of ${this.settings.length} secrets in its environment, ${length} characters, above the ${MAX_SETTINGS_ENV_LENGTH} that Lambda's 4 KB of environment variables leave. Define some of these secrets in another stack, or keep their \`generateSecretString\` at the defaults.`,
    ];
  }
}

/** The findings that cannot be fixed for this function, each acknowledged on the one construct it concerns. */
function acknowledgeFindings(policy: iam.ManagedPolicy, fn: RotationFunction): void {
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'secretsmanager:GetRandomPassword has no resource type, so IAM requires Resource "*"; every other statement names its resources.',
  });
  acknowledgeLambdaFindings(fn, {
    insideVpc: 'The function only calls the Secrets Manager API and reaches no resource in a VPC; placing it in one would require a VPC with a Secrets Manager endpoint in every stack.',
    concurrency: NO_RESERVED_CONCURRENCY_REASON,
    deadLetterQueue: 'Secrets Manager invokes rotation functions synchronously and retries failed steps itself; a dead-letter queue only receives failed asynchronous invocations.',
  });
}
