import { Duration, Names, RemovalPolicy, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SECRET_READ_ACTIONS, SECRET_WRITE_ACTIONS } from './private/actions';
import { GenericRotationFunction } from './private/generic-rotation-function';
import { addSecretInvariantValidation } from './private/invariants';
import { secretsManagerInvokePermission } from './private/invoke-permission';
import { tagAsOwnedByStack } from './private/ownership-tag';
import { replicaKeyProblems, resolveReplicaKey } from './private/replica-keys';
import { RotationSettings, settingsJson, settingsProblems } from './private/rotation-settings';
import {
  accountSecretsArnPattern,
  keyViaSecretsManagerStatement,
  rotationSecretStatement,
  secretsManagerGranteeKeyStatement,
  secretsManagerKeyStatement,
} from './private/statements';
import {
  expressionProblems,
  genericRotationProblems,
  hostedRotationProblems,
  intervalProblems,
  rateExpression,
  replicaProblems,
  secretNameProblems,
} from './private/validation';
import { CustomerManagedKey } from '../kms/customer-managed-key';
import { injectedProps, skippingBaseInjector } from '../private/injection';
import { DECRYPT_ACTIONS, SECRETS_MANAGER_KEY_ACTIONS } from '../private/key-use/actions';
import { addToKeyPolicyOrWarn } from '../private/key-use/key-policy';
import { withOtherGenerations } from '../private/key-use/key-ring';
import { symmetricKeyProblem } from '../private/key-use/key-spec';
import { RefusedProp, refusedPropProblems } from '../private/refused-props';
import { present, throwIfInvalid } from '../private/validation';

/**
 * When Secrets Manager rotates a secret: every interval, or on a `rate()` / `cron()` expression.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 *
 * @example
 * new RotatingSecret(this, 'Weekly', { rotationSchedule: SecretRotationSchedule.rate(Duration.days(7)) });
 * new RotatingSecret(this, 'Sundays', { rotationSchedule: SecretRotationSchedule.expression('cron(0 4 ? * SUN *)') });
 */
export class SecretRotationSchedule {
  /**
   * Rotate every `interval`: between 4 hours and 1000 days, whole hours below a day, whole days above.
   */
  public static rate(interval: Duration): SecretRotationSchedule {
    return new SecretRotationSchedule(() => rateExpression(interval), () => intervalProblems(interval));
  }

  /**
   * Rotate on a Secrets Manager schedule expression, such as `rate(12 hours)` or `cron(0 4 ? * SUN *)`
   * (minutes must be 0 and the year `*`).
   */
  public static expression(expression: string): SecretRotationSchedule {
    return new SecretRotationSchedule(() => expression, () => expressionProblems(expression));
  }

  private constructor(private readonly expressionOf: () => string, private readonly problemsOf: () => string[]) {}

  /** The `ScheduleExpression` of the rotation rules. */
  public get expressionString(): string {
    return this.expressionOf();
  }

  /** @internal */
  public _problems(): string[] {
    return this.problemsOf();
  }
}

/** Options of the bundled generic rotation function. */
export interface GenericSecretRotationOptions {
  /**
   * The field of a JSON secret that each rotation replaces; the other fields are kept. Must be the
   * field Secrets Manager generates (`generateSecretString.generateStringKey`).
   *
   * @default - `generateSecretString.generateStringKey` for a JSON secret; the whole value otherwise
   */
  readonly jsonField?: string;
}

/** Options of a rotation function that Secrets Manager hosts for a database. */
export interface HostedSecretRotationOptions {
  /** The database engine and rotation strategy (single or multi-user). */
  readonly rotationType: secretsmanager.HostedRotationType;

  /**
   * The VPC of the database; the hosted function runs in it.
   *
   * @default - the hosted function runs outside any VPC (databases with a public endpoint only)
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in `vpc` the hosted function runs; the subnets must reach the database and Secrets Manager.
   *
   * @default - the VPC's default subnet selection
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the hosted function, which the database must accept connections from. Required with `vpc`.
   *
   * @default - none; only valid without `vpc`
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The secret of the user that changes passwords. Required for multi-user rotation types.
   *
   * @default - none (single-user rotation)
   */
  readonly masterSecret?: secretsmanager.ISecret;

  /**
   * The name of the hosted function.
   *
   * @default - a name CloudFormation generates
   */
  readonly functionName?: string;
}

/**
 * How a secret rotates: the bundled generic function, a hosted database rotation, or your own function.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html
 *
 * @example
 * declare const rotationFunction: lambda.IFunction;
 * new RotatingSecret(this, 'Generic', { rotation: SecretRotation.generic() });
 * new RotatingSecret(this, 'Custom', { rotation: SecretRotation.fromFunction(rotationFunction) });
 */
export class SecretRotation {
  /**
   * A new random value on every rotation, for API keys and tokens that no database holds. One function per
   * stack rotates every such secret; JSON secrets rotate one field and keep the others. The function may
   * rotate only its stack's secrets, which its role names by ARN and its environment lists; another secret
   * pointed at it fails its rotation untouched. The secret carries the tag `cdk-kms-encryption:stack-id`
   * (the stack's id), which the previous release's policy requires during an upgrade, so the tag must stay.
   */
  public static generic(options: GenericSecretRotationOptions = {}): SecretRotation {
    return new SecretRotation(options, undefined, undefined);
  }

  /**
   * A rotation function Secrets Manager creates and manages for an RDS, Redshift or DocumentDB secret.
   *
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html
   */
  public static hosted(options: HostedSecretRotationOptions): SecretRotation {
    return new SecretRotation(undefined, options, undefined);
  }

  /**
   * Your own rotation function. It is allowed to rotate this secret, use its key through Secrets Manager,
   * and be invoked by Secrets Manager for this secret only.
   *
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
   */
  public static fromFunction(rotationFunction: lambda.IFunction): SecretRotation {
    return new SecretRotation(undefined, undefined, rotationFunction);
  }

  /** @internal */
  public readonly _generic?: GenericSecretRotationOptions;
  /** @internal */
  public readonly _hosted?: HostedSecretRotationOptions;
  /** @internal */
  public readonly _function?: lambda.IFunction;

  private constructor(generic?: GenericSecretRotationOptions, hosted?: HostedSecretRotationOptions, fn?: lambda.IFunction) {
    this._generic = generic;
    this._hosted = hosted;
    this._function = fn;
  }
}

/** A Region the secret is replicated to, with the key that encrypts the replica there. */
export interface SecretReplicaRegion {
  /** The Region, e.g. `eu-central-1`; not the stack's own. */
  readonly region: string;

  /**
   * The symmetric key that encrypts the replica in that Region: a `ReplicaKey` (or a key) of this app in
   * that Region, the multi-Region `CustomerManagedKey` whose `ReplicaKey` in that Region this app defines,
   * or a key imported by ARN (`kms.Key.fromKeyArn`).
   *
   * A key of this app gets the Secrets Manager statement in its policy; a key in another stack makes this
   * secret's stack deploy after it (across Regions, this stack needs `crossRegionReferences: true`). An
   * imported key's policy cannot be edited from this app: a `cdk-kms-encryption:keyPolicyNotEditable`
   * warning on this secret shows the statement to add.
   */
  readonly encryptionKey: kms.IKey;
}

/** Properties of a {@link RotatingSecret}. */
export interface RotatingSecretProps {
  /**
   * The name of the secret.
   *
   * @default - a name derived from the construct path, unique in the account: generic rotation finds the secret's settings by it
   */
  readonly secretName?: string;

  /**
   * A description of the secret.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * The symmetric customer-managed key that encrypts the secret.
   *
   * @default - a new CustomerManagedKey is defined
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How Secrets Manager generates the value, at creation and (with generic rotation) at every rotation.
   * For a JSON secret set `secretStringTemplate` and `generateStringKey`.
   *
   * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
   * @default - a 32-character random string from Secrets Manager's default character set
   */
  readonly generateSecretString?: secretsmanager.SecretStringGenerator;

  /**
   * How the secret rotates.
   *
   * @default SecretRotation.generic()
   */
  readonly rotation?: SecretRotation;

  /**
   * When the secret rotates.
   *
   * @default SecretRotationSchedule.rate(Duration.days(30))
   */
  readonly rotationSchedule?: SecretRotationSchedule;

  /**
   * Whether to rotate as soon as rotation is configured or changed, rather than at the next scheduled window.
   *
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-rotationschedule.html#cfn-secretsmanager-rotationschedule-rotateimmediatelyonupdate
   * @default true
   */
  readonly rotateImmediately?: boolean;

  /**
   * Regions to replicate the secret to, each with its own key.
   *
   * @default - no replicas
   */
  readonly replicaRegions?: SecretReplicaRegion[];

  /**
   * What happens to the secret when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A Secrets Manager secret encrypted with a customer-managed key, whose value Secrets Manager generates
 * and which rotates from the first deployment.
 *
 * The key policy lets principals of this account use the key only through Secrets Manager and only for
 * this account's secrets (`kms:ViaService` and the `SecretARN` encryption context), as far as their IAM
 * policies allow: one statement per key and Region, whatever the number of secrets on the key.
 * `grantRead` adds `kms:Decrypt` for this secret only to the reader; any resource policy blocks public access.
 *
 * @resource AWS::SecretsManager::Secret
 *
 * @example
 * declare const appRole: iam.IRole;
 * const secret = new RotatingSecret(this, 'ApiKey');
 * secret.grantRead(appRole);
 */
export class RotatingSecret extends secretsmanager.Secret {
  /**
   * The id property injectors aim at to set defaults for every `RotatingSecret` (injectors aimed at
   * `secretsmanager.Secret.PROPERTY_INJECTION_ID` do not reach it). They receive and return `RotatingSecretProps`.
   */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-kms-encryption.RotatingSecret';

  /** Default interval between rotations. */
  public static readonly DEFAULT_ROTATION_INTERVAL = Duration.days(30);

  /** The key that encrypts the secret. */
  public override readonly encryptionKey?: kms.IKey;

  /** The rotation schedule resource. */
  public readonly rotationSchedule: secretsmanager.CfnRotationSchedule;

  /**
   * @param scope the construct the secret is defined in
   * @param id the id of the secret, unique within `scope`
   * @param props the options of the secret
   */
  constructor(scope: Construct, id: string, props: RotatingSecretProps = {}) {
    props = injectedProps(RotatingSecret.PROPERTY_INJECTION_ID, scope, id, props);
    const rotation = props.rotation ?? SecretRotation.generic();
    const schedule = props.rotationSchedule ?? SecretRotationSchedule.rate(RotatingSecret.DEFAULT_ROTATION_INTERVAL);
    const replicas = props.replicaRegions ?? [];
    // A replica without a key would use aws/secretsmanager; every later check needs the key.
    throwIfInvalid(scope, [
      ...refusedPropProblems('a RotatingSecret', props, REFUSED_SECRET_PROPS),
      ...replicas.flatMap(missingReplicaKeyProblem),
    ], id);
    const replicaKeys = replicas.map((replica) => resolveReplicaKey(replica.encryptionKey, replica.region));
    const generateSecretString = props.generateSecretString ?? {};
    const settings: RotationSettings | undefined = rotation._generic && {
      ...generatorSettings(generateSecretString),
      jsonField: rotation._generic.jsonField ?? generateSecretString.generateStringKey,
    };
    throwIfInvalid(scope, [
      ...schedule._problems(),
      ...secretNameProblems(props.secretName),
      // The key a replica uses: a multi-Region primary of the app stands for its ReplicaKey in that Region.
      ...replicaProblems(
        replicas.map((replica, index) => ({ region: replica.region, keyRegion: replicaKeys[index].key?.env.region })),
        Stack.of(scope).region,
      ),
      ...present(props.encryptionKey && symmetricKeyProblem('encryptionKey', props.encryptionKey)),
      ...replicas.flatMap((replica, index) => present(symmetricKeyProblem(`replicaRegions[${index}].encryptionKey`, replica.encryptionKey))),
      ...replicas.flatMap((replica, index) => replicaKeyProblems(index, replica.region, replicaKeys[index], Stack.of(scope))),
      ...(rotation._generic ? genericRotationProblems({
        jsonField: rotation._generic.jsonField,
        generateStringKey: generateSecretString.generateStringKey,
      }) : []),
      ...(settings ? settingsProblems(literalSettings(settings)) : []),
      ...(rotation._hosted ? hostedRotationProblems({
        rotationType: rotation._hosted.rotationType.name,
        isMultiUser: rotation._hosted.rotationType.isMultiUser ?? false,
        hasVpc: rotation._hosted.vpc !== undefined,
        hasVpcSubnets: rotation._hosted.vpcSubnets !== undefined,
        hasSecurityGroups: (rotation._hosted.securityGroups ?? []).length > 0,
        hasMasterSecret: rotation._hosted.masterSecret !== undefined,
      }) : []),
    ], id);

    // The key is not passed to the base class, which would add a key-policy statement for Secrets Manager
    // without the `SecretARN` encryption context; this class adds the scoped one.
    super(scope, id, skippingBaseInjector(scope, secretsmanager.Secret.PROPERTY_INJECTION_ID, {
      secretName: props.secretName,
      description: props.description,
      generateSecretString,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      replicaRegions: replicas.map((replica, index) => ({ region: replica.region, encryptionKey: replicaKeys[index].key })),
    }));
    const stack = Stack.of(this);

    const resource = this.node.defaultChild as secretsmanager.CfnSecret;
    // A known name lets the generic rotation function find this secret's settings without depending on it.
    const secretName = props.secretName ?? Names.uniqueResourceName(this, { maxLength: 256 });
    resource.name = secretName;
    const key = props.encryptionKey ?? new CustomerManagedKey(this, 'Key', { description: `Encrypts the secret ${this.node.path}` });
    this.encryptionKey = key;
    resource.kmsKeyId = key.keyArn;
    addSecretInvariantValidation(this, key, props.removalPolicy, settings !== undefined);

    // The same statement for every secret on the key, so the key policy holds it once (ManagedKeyPolicy).
    addToKeyPolicyOrWarn(this, key, secretsManagerKeyStatement(accountSecretsArnPattern(stack.region, stack), stack.region, stack));
    replicas.forEach((replica, index) => {
      // The replica's ARN keeps the name and suffix in another Region: the pattern takes any Region.
      addToKeyPolicyOrWarn(this, replicaKeys[index].key!, secretsManagerKeyStatement(accountSecretsArnPattern('*', stack), replica.region, stack));
    });

    this.rotationSchedule = new secretsmanager.CfnRotationSchedule(this, 'RotationSchedule', {
      secretId: this.secretArn,
      rotationRules: { scheduleExpression: schedule.expressionString },
      rotateImmediatelyOnUpdate: props.rotateImmediately ?? true,
    });
    if (settings) {
      const generic = GenericRotationFunction.of(this);
      generic.addSecret(resource, secretName, key.keyArn, settings);
      tagAsOwnedByStack(resource);
      this.rotationSchedule.rotationLambdaArn = generic.function.functionArn;
      // Secrets Manager invokes the function as soon as the schedule exists: every policy and the permission first.
      this.rotationSchedule.node.addDependency(...generic.invocationDependencies);
    } else if (rotation._function) {
      rotation._function.addToRolePolicy(rotationSecretStatement([this.secretArn]));
      rotation._function.addToRolePolicy(keyViaSecretsManagerStatement([key.keyArn], [this.secretArn], SECRETS_MANAGER_KEY_ACTIONS, stack));
      // A function of the user's, whose permissions this library does not decide: invoked for this secret only.
      const permission = secretsManagerInvokePermission(this, 'RotationPermission', rotation._function.functionArn, this.secretArn);
      this.rotationSchedule.rotationLambdaArn = rotation._function.functionArn;
      this.rotationSchedule.node.addDependency(permission);
    } else if (rotation._hosted) {
      this.rotationSchedule.hostedRotationLambda = this.hostedRotationLambda(rotation._hosted, key, generateSecretString.excludeCharacters);
    }
  }

  /**
   * Grants reading the secret, and `kms:Decrypt` on its key only through Secrets Manager and only for this
   * secret (`SecretARN` encryption context), on the principal's side. The key policy never names a
   * principal of this account: its Secrets Manager statement already lets this account's IAM policies
   * decide. A principal of another account is named in the key policy once, for this account's secrets
   * through Secrets Manager; this secret's resource policy decides which secret it reaches.
   */
  public override grantRead(grantee: iam.IGrantable, versionStages?: string[]): iam.Grant {
    const grant = this.grantOnSecret(grantee, SECRET_READ_ACTIONS);
    if (versionStages !== undefined) {
      (grant.principalStatement ?? grant.resourceStatement)?.addCondition('ForAnyValue:StringEquals', { 'secretsmanager:VersionStage': versionStages });
    }
    return grant.combine(this.grantOnKey(grantee, DECRYPT_ACTIONS));
  }

  /** Grants changing the secret's value, and the key actions for it, scoped as in `grantRead`. */
  public override grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnSecret(grantee, SECRET_WRITE_ACTIONS).combine(this.grantOnKey(grantee, SECRETS_MANAGER_KEY_ACTIONS));
  }

  /**
   * Adds a statement to the secret's resource policy, which always blocks policies that would make the
   * secret public.
   *
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/determine-acccess_examine-iam-policies.html#BPA
   */
  public override addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    const result = super.addToResourcePolicy(statement);
    const policy = result.policyDependable;
    if (policy instanceof secretsmanager.ResourcePolicy) {
      (policy.node.defaultChild as secretsmanager.CfnResourcePolicy).blockPublicPolicy = true;
    }
    return result;
  }

  /** The secret part of a grant, as aws-cdk-lib's: the principal's policy, or this secret's for another account. */
  private grantOnSecret(grantee: iam.IGrantable, actions: readonly string[]): iam.Grant {
    return iam.Grant.addToPrincipalOrResource({ grantee, actions: [...actions], resourceArns: [this.arnForPolicies], resource: this });
  }

  /**
   * The key part of a grant, instead of aws-cdk-lib's, which would name the grantee in the key policy with
   * only `kms:ViaService`, able to use the key for every secret on it.
   */
  private grantOnKey(grantee: iam.IGrantable, actions: readonly string[]): iam.Grant {
    const stack = Stack.of(this);
    const key = this.encryptionKey!; // always set by the constructor
    const identityStatement = keyViaSecretsManagerStatement([key.keyArn], [this.secretArn], actions, stack);
    // Versions written under earlier generations of an ExternalKeyRing stay encrypted under those keys.
    const grant = withOtherGenerations(
      iam.Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [key.keyArn], conditions: identityStatement.conditions }),
      key, grantee, actions, identityStatement.conditions,
    );
    const account = grantee.grantPrincipal.principalAccount;
    if (account !== undefined && Token.compareStrings(account, stack.account) === TokenComparison.DIFFERENT) {
      addToKeyPolicyOrWarn(this, key, secretsManagerGranteeKeyStatement(grantee.grantPrincipal, actions, stack));
    }
    return grant;
  }

  /**
   * The hosted rotation function's settings. Its role is created by Secrets Manager's transform and named
   * nowhere here: it reaches the key through the account-scoped, Secrets-Manager-only key-policy statement.
   *
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-secretsmanager-rotationschedule-hostedrotationlambda.html
   */
  private hostedRotationLambda(
    hosted: HostedSecretRotationOptions,
    key: kms.IKey,
    excludeCharacters: string | undefined,
  ): secretsmanager.CfnRotationSchedule.HostedRotationLambdaProperty {
    Stack.of(this).addTransform('AWS::SecretsManager-2024-09-16');
    return {
      rotationType: hosted.rotationType.name,
      kmsKeyArn: key.keyArn,
      masterSecretArn: hosted.masterSecret?.secretArn,
      masterSecretKmsKeyArn: hosted.masterSecret?.encryptionKey?.keyArn,
      rotationLambdaName: hosted.functionName,
      vpcSecurityGroupIds: hosted.securityGroups?.map((group) => group.securityGroupId).join(','),
      vpcSubnetIds: hosted.vpc?.selectSubnets(hosted.vpcSubnets).subnetIds.join(','),
      // New passwords avoid the characters the first one avoided.
      excludeCharacters,
    };
  }
}

/** The settings that are set and known at synth; tokens are checked by the rotation function instead. */
function literalSettings(settings: RotationSettings): RotationSettings {
  return Object.fromEntries(Object.entries(settingsJson(settings)).filter(([, value]) => !Token.isUnresolved(value)));
}

/** The generation options a rotation reuses, so rotated values look like the first one. */
function generatorSettings(generator: secretsmanager.SecretStringGenerator): RotationSettings {
  return {
    passwordLength: generator.passwordLength,
    excludeCharacters: generator.excludeCharacters,
    excludeLowercase: generator.excludeLowercase,
    excludeNumbers: generator.excludeNumbers,
    excludePunctuation: generator.excludePunctuation,
    excludeUppercase: generator.excludeUppercase,
    includeSpace: generator.includeSpace,
    requireEachIncludedType: generator.requireEachIncludedType,
  };
}

/** A replica the caller gave no key (JavaScript, or `secretsmanager.ReplicaRegion` passed as is). */
function missingReplicaKeyProblem(replica: SecretReplicaRegion, index: number): string[] {
  return replica.encryptionKey ? [] : [
    `\`replicaRegions[${index}].encryptionKey\` is required, got none for '${replica.region}'. Pass the key that encrypts the replica there: a ReplicaKey of a multi-Region CustomerManagedKey, or a key imported with kms.Key.fromKeyArn().`,
  ];
}

/** Props of `secretsmanager.Secret` that a RotatingSecret does not take: a value in the template would not stay secret. */
const PLAINTEXT_VALUE = 'the value would be in the template; the secret value is generated (`generateSecretString`), and rotation replaces it';
const REFUSED_SECRET_PROPS: Record<string, RefusedProp> = {
  secretStringValue: { reason: PLAINTEXT_VALUE },
  secretObjectValue: { reason: PLAINTEXT_VALUE },
  secretStringBeta1: { reason: PLAINTEXT_VALUE },
};
