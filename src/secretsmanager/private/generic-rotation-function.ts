import { Duration, Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct, IDependable } from 'constructs';
import { secretsManagerInvokePermission } from './invoke-permission';
import { RotationFunction } from './rotation-function';
import { MAX_SETTINGS_ENV_LENGTH, ROTATION_SETTINGS_ENV, RotationSettings, SETTINGS_FORMAT, SettingsEnvironment, settingsGroup, settingsJson } from './rotation-settings';
import { accountSecretsArnPattern, logWriteStatement, randomPasswordStatement, rotatedByFunctionStatement, rotationKeyStatement } from './statements';
import { acknowledgeLambdaFindings, NO_RESERVED_CONCURRENCY_REASON } from '../../private/acknowledgements';
import { ArnListPolicies, MANAGED_POLICIES_PER_ROLE } from '../../private/arn-list-policies';
import { handlerLogGroup } from '../../private/handler-log-group';

/** Construct id of the stack's generic rotation function, under the stack. */
const SINGLETON_ID = 'CdkKmsEncryptionGenericRotation';

/**
 * The generic rotation function of a stack, shared by all its secrets that use generic rotation
 * (docs/decisions/0015-rotation-by-arn.md). Its role has no managed AWS policies and no inline policy:
 * `Policy` lets it generate values and write its own log group; `SecretPolicies` name its secrets by ARN
 * and `KeyPolicies` / `PreviousKeyPolicies` their keys by ARN, each spread over as many managed policies
 * as their ARNs need. Secrets wait for `KeyPolicies` and `PreviousKeyPolicies` wait for the secrets, so
 * while CloudFormation changes a secret's key, forwards or back, one of them names each key the secret is
 * under. One invoke permission lets Secrets Manager call it for the account's secrets (one per secret
 * would take 500 resources' worth of CloudFormation's quota); the role and the function's own check decide
 * which secrets a call can touch. Its environment lists every secret it rotates, with its settings
 * (rotation-settings.ts).
 */
export class GenericRotationFunction extends Construct {
  /** The stack's generic rotation function, defined on first use. */
  public static of(scope: IConstruct): GenericRotationFunction {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SINGLETON_ID);
    return existing instanceof GenericRotationFunction ? existing : new GenericRotationFunction(stack, SINGLETON_ID);
  }

  public readonly function: RotationFunction;
  /** The role's permissions other than on secrets and keys. */
  public readonly policy: iam.ManagedPolicy;
  /** Secrets Manager's permission to invoke the function; a rotation schedule must wait for it too. */
  public readonly invokePermission: lambda.CfnPermission;
  private readonly secretPolicies: ArnListGroup;
  private readonly keyPolicies: ArnListGroup;
  private readonly previousKeyPolicies: ArnListGroup;
  /** The settings of the secrets, by settings: secrets that share settings share an entry of the environment. */
  private readonly settings = new Map<string, { settings: RotationSettings; names: string[]; deployTimeNames: string[] }>();
  private secrets = 0;

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
    this.function.addEnvironment(ROTATION_SETTINGS_ENV, Lazy.string({ produce: () => stack.toJsonString(this.settingsEnvironment()) }));
    // The policies name the function's ARN, so the function cannot wait for them (a cycle). It needs
    // none of them to be created, only when Secrets Manager invokes it, and every rotation schedule, which
    // is what makes Secrets Manager invoke it, waits for all of them (RotatingSecret).
    this.secretPolicies = arnListGroup(this, 'SecretPolicies', role, (arns) => rotatedByFunctionStatement(this.function.functionArn, arns));
    this.keyPolicies = arnListGroup(this, 'KeyPolicies', role, (arns) => rotationKeyStatement(arns, stack));
    this.previousKeyPolicies = arnListGroup(this, 'PreviousKeyPolicies', role, (arns) => rotationKeyStatement(arns, stack));
    // The policy that held the secrets and keys of earlier releases loses them only once these name them.
    this.policy.node.addDependency(this.secretPolicies.construct, this.keyPolicies.construct, this.previousKeyPolicies.construct);
    // Secrets Manager may invoke it for any secret of the account that names it; the role's policies and
    // the function decide which of them it can read and write: for a secret not of this stack, none.
    this.invokePermission = secretsManagerInvokePermission(this, 'InvokePermission', this.function.functionArn, accountSecretsArnPattern(stack.region, stack));
    this.node.addValidation({ validate: () => [...this.environmentProblems(), ...this.policyCountProblems()] });
    acknowledgeFindings(this.policy, this.function);
  }

  /**
   * Lets the function rotate `secret` (encrypted with `keyArn`) with `settings`. The secret waits for the
   * policies that name its key, and the policies that name its previous key wait for it.
   */
  public addSecret(secret: secretsmanager.CfnSecret, secretName: string, keyArn: string, settings: RotationSettings): void {
    this.secrets++;
    const key = JSON.stringify(settingsJson(settings));
    const entry = this.settings.get(key) ?? { settings, names: [], deployTimeNames: [] };
    (Token.isUnresolved(secretName) ? entry.deployTimeNames : entry.names).push(secretName);
    this.settings.set(key, entry);
    this.secretPolicies.policies.addOnce(secret.ref);
    this.keyPolicies.policies.addOnce(keyArn);
    this.previousKeyPolicies.policies.addOnce(keyArn);
    secret.node.addDependency(this.function, this.keyPolicies.construct);
    this.previousKeyPolicies.construct.node.addDependency(secret);
  }

  /**
   * What must exist before Secrets Manager invokes the function: its role's policies and the invoke
   * permission. Not the function itself, which a rotation schedule references (cfn-lint W3005).
   */
  public get invocationDependencies(): IDependable[] {
    return [this.policy, this.secretPolicies.construct, this.keyPolicies.construct, this.previousKeyPolicies.construct, this.invokePermission];
  }

  private settingsEnvironment(): SettingsEnvironment {
    return {
      format: SETTINGS_FORMAT,
      groups: [...this.settings.values()].map((entry) => settingsGroup(entry.settings, entry.names, entry.deployTimeNames)),
    };
  }

  /** The settings must fit Lambda's 4 KB of environment variables. */
  private environmentProblems(): string[] {
    const length = JSON.stringify(Stack.of(this).resolve(this.settingsEnvironment())).length;
    return length <= MAX_SETTINGS_ENV_LENGTH ? [] : [
      `This stack's generic rotation function lists ${this.secrets} secrets (${this.settings.size} distinct settings) in its environment, ${length} characters, above the ${MAX_SETTINGS_ENV_LENGTH} that Lambda's 4 KB of environment variables leave. Define some of these secrets in another stack, or give more of them the same \`generateSecretString\`.`,
    ];
  }

  /** IAM attaches at most 10 managed policies to a role. */
  private policyCountProblems(): string[] {
    const groups = [this.secretPolicies, this.keyPolicies, this.previousKeyPolicies];
    const count = 1 + groups.reduce((sum, group) => sum + group.policies.managedPolicies.length, 0);
    return count <= MANAGED_POLICIES_PER_ROLE ? [] : [
      `This stack's generic rotation function needs ${count} managed policies to name its ${this.secrets} secrets and their keys, above the ${MANAGED_POLICIES_PER_ROLE} IAM attaches to a role. Define some of these secrets in another stack, share keys between them, or give them shorter names.`,
    ];
  }
}

/** Managed policies that list ARNs, under one construct that resources can wait for. */
interface ArnListGroup {
  readonly construct: Construct;
  readonly policies: ArnListPolicies;
}

/**
 * Managed policies of the function's role, `<id>/Policy1`, `<id>/Policy2`, ..., each with one statement
 * that lists ARNs, each ARN once (a key shared by many secrets is named once).
 */
function arnListGroup(scope: Construct, id: string, role: iam.IRole, statementFor: (arns: string[]) => iam.PolicyStatement): ArnListGroup {
  const construct = new Construct(scope, id);
  const policies = new ArnListPolicies(Stack.of(scope), {
    statementsFor: (arns) => [statementFor(arns)],
    define: (statements, number) => new iam.ManagedPolicy(construct, `Policy${number}`, { roles: [role], statements }),
    fix: () => 'Define some of the secrets with generic rotation in another stack, or give them shorter names.',
  });
  return { construct, policies };
}

/** The findings that cannot be fixed for this function, each acknowledged on the one construct it concerns. */
function acknowledgeFindings(policy: iam.ManagedPolicy, fn: RotationFunction): void {
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'secretsmanager:GetRandomPassword has no resource type, so IAM requires Resource "*".',
  });
  acknowledgeLambdaFindings(fn, {
    insideVpc: 'The function only calls the Secrets Manager API and reaches no resource in a VPC; placing it in one would require a VPC with a Secrets Manager endpoint in every stack.',
    concurrency: NO_RESERVED_CONCURRENCY_REASON,
    deadLetterQueue: 'Secrets Manager invokes rotation functions synchronously and retries failed steps itself; a dead-letter queue only receives failed asynchronous invocations.',
  });
}
