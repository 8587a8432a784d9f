import { Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { secretsManagerInvokePermission } from './invoke-permission';
import { RotationFunction } from './rotation-function';
import { MAX_SETTINGS_ENV_LENGTH, ROTATION_SETTINGS_ENV, RotationSettings, settingsJson } from './rotation-settings';
import { accountSecretsArnPattern, logWriteStatement, randomPasswordStatement, rotatedByFunctionStatement, rotationKeyStatement } from './statements';
import { acknowledgeLambdaFindings, NO_RESERVED_CONCURRENCY_REASON } from '../../private/acknowledgements';
import { handlerLogGroup } from '../../private/handler-log-group';
import { nagResourceName } from '../../s3/private/nag';

/** Construct id of the stack's generic rotation function, under the stack. */
const SINGLETON_ID = 'CdkKmsEncryptionGenericRotation';

/**
 * The generic rotation function of a stack, shared by all its secrets that use generic rotation. Its role
 * has no managed AWS policies and no inline policy: one customer-managed policy, the same for one secret
 * or hundreds, lets it rotate the secrets whose rotation configuration names it and that carry the
 * stack's ownership tag (ownership-tag.ts), use their keys through Secrets Manager only, and write its
 * own log group. One invoke permission lets Secrets Manager call it for the account's secrets: the role,
 * not the permission, decides which secrets a call can touch, so the stack does not hold one permission
 * per secret and fits as many secrets as CloudFormation's 500 resources allow. Its environment lists the
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
  /** Secrets Manager's permission to invoke the function; a rotation schedule must wait for it too. */
  public readonly invokePermission: lambda.CfnPermission;
  /**
   * `[secretNames, settings]` of the secrets whose settings differ from GetRandomPassword's defaults, by
   * settings: secrets that share settings share an entry, so many fit in Lambda's 4 KB of environment.
   */
  private readonly settings = new Map<string, [string[], Record<string, unknown>]>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
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
    this.function.addEnvironment(ROTATION_SETTINGS_ENV, Lazy.string({ produce: () => Stack.of(this).toJsonString([...this.settings.values()]) }));
    // The policy names the function's ARN, so the function cannot wait for the policy (a cycle). It needs
    // none of it to be created, only when Secrets Manager invokes it, and every rotation schedule, which
    // is what makes Secrets Manager invoke it, waits for the policy (RotatingSecret).
    const secrets = rotatedByFunctionStatement(this.function.functionArn, stack);
    const keys = rotationKeyStatement(stack);
    this.policy.addStatements(secrets, keys);
    // Secrets Manager may invoke it for any secret of the account that names it; the policy above decides
    // which of them it can read and write: for a secret without this stack's tag, its first call is denied.
    this.invokePermission = secretsManagerInvokePermission(this, 'InvokePermission', this.function.functionArn, accountSecretsArnPattern(stack.region, stack));
    this.node.addValidation({ validate: () => this.environmentProblems() });
    acknowledgeFindings(this.policy, this.function, { secrets: secrets.resources[0], keys: keys.resources[0] });
  }

  /** Adds a secret's rotation settings to the function's environment, unless they are the defaults. */
  public addSecret(secretName: string, settings: RotationSettings): void {
    const set = settingsJson(settings);
    if (Object.keys(set).length === 0) {
      return;
    }
    const same = JSON.stringify(set);
    const entry = this.settings.get(same) ?? [[], set];
    entry[0].push(secretName);
    this.settings.set(same, entry);
  }

  /** The settings must fit Lambda's 4 KB of environment variables. */
  private environmentProblems(): string[] {
    const entries = [...this.settings.values()];
    const length = JSON.stringify(Stack.of(this).resolve(entries)).length;
    const secrets = entries.reduce((count, [names]) => count + names.length, 0);
    return length <= MAX_SETTINGS_ENV_LENGTH ? [] : [
      `This stack's generic rotation function carries the rotation settings of ${secrets} secrets (${entries.length} distinct) in its environment, ${length} characters, above the ${MAX_SETTINGS_ENV_LENGTH} that Lambda's 4 KB of environment variables leave. Define some of these secrets in another stack, give more of them the same \`generateSecretString\`, or keep it at the defaults.`,
    ];
  }
}

/** The findings that cannot be fixed for this function, each acknowledged on the one construct it concerns. */
function acknowledgeFindings(policy: iam.ManagedPolicy, fn: RotationFunction, wildcards: { secrets: string; keys: string }): void {
  const stack = Stack.of(policy);
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'secretsmanager:GetRandomPassword has no resource type, so IAM requires Resource "*".',
  }, {
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, wildcards.secrets)}]`,
    reason: 'The rotation actions apply only to secrets whose rotation configuration names this function (secretsmanager:resource/AllowRotationLambdaArn), as in AWS\'s rotation templates, and that carry this stack\'s ownership tag (aws:ResourceTag); a secret rotated by another function, or not tagged by this stack, does not match.',
  }, {
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, wildcards.keys)}]`,
    reason: 'Key use is confined to Secrets Manager in this Region (kms:ViaService) and to secrets (SecretARN encryption context); Secrets Manager uses a key only for the secret of the request, which the secrets statement confines to those of this stack rotated by this function.',
  });
  acknowledgeLambdaFindings(fn, {
    insideVpc: 'The function only calls the Secrets Manager API and reaches no resource in a VPC; placing it in one would require a VPC with a Secrets Manager endpoint in every stack.',
    concurrency: NO_RESERVED_CONCURRENCY_REASON,
    deadLetterQueue: 'Secrets Manager invokes rotation functions synchronously and retries failed steps itself; a dead-letter queue only receives failed asynchronous invocations.',
  });
}
