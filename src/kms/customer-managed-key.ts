import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KeyAccess } from './key-access';
import { ADMINISTRATION_ACTIONS } from './private/actions';
import {
  KEY_POLICY_SIZE_LIMIT,
  KEY_POLICY_WARNING_RATIO,
  policySizeBytes,
} from './private/key-policy';
import {
  accessActions,
  accountRootStatement,
  accountStatement,
  administratorsStatement,
  organizationStatement,
  principalArnPatternStatement,
  viaServiceConditions,
} from './private/statements';
import { validateKeyProps, validateOrganizationId, validatePrincipalArnPattern, validateServiceName, unconditionalPublicAllowProblems } from './private/validation';
import { accountIdProblem, present, throwIfInvalid } from '../private/validation';

/** Properties of a {@link CustomerManagedKey}. */
export interface CustomerManagedKeyProps {
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
   * The cryptographic configuration of the key.
   *
   * Only symmetric keys (`SYMMETRIC_DEFAULT`) can rotate automatically and encrypt S3 buckets, log
   * groups, parameters and secrets.
   *
   * @default kms.KeySpec.SYMMETRIC_DEFAULT
   */
  readonly keySpec?: kms.KeySpec;

  /**
   * The cryptographic operations the key is for.
   *
   * @default kms.KeyUsage.ENCRYPT_DECRYPT
   */
  readonly keyUsage?: kms.KeyUsage;

  /**
   * How often KMS rotates the key material of a symmetric key. Rotation is always on for symmetric
   * keys; asymmetric and HMAC keys cannot rotate, so they must not set this.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html#rotation-period
   * @default Duration.days(365)
   */
  readonly rotationPeriod?: Duration;

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

/**
 * A customer-managed symmetric KMS key that rotates, is retained, and whose key policy is written
 * from typed intents rather than raw JSON.
 *
 * The key policy is checked at synth time: it must keep an administration path, must not allow
 * everyone without a narrowing condition, and must fit the 32 KB KMS limit (warning at 80 %).
 *
 * @resource AWS::KMS::Key
 */
export class CustomerManagedKey extends kms.Key {
  /** Default rotation period for symmetric keys. */
  public static readonly DEFAULT_ROTATION_PERIOD = Duration.days(365);

  /** The key spec, to check that a key fits the construct that uses it. */
  public readonly keySpec: kms.KeySpec;

  /** The alias given in `alias`, with its `alias/` prefix, if any. */
  public readonly aliasName?: string;

  private readonly trustsAccountIdentities: boolean;
  /** Statements added so far, by everything but their actions, so that same-scope intents merge. */
  private mergeableStatements?: Map<string, iam.PolicyStatement>;

  constructor(scope: Construct, id: string, props: CustomerManagedKeyProps = {}) {
    const keySpec = props.keySpec ?? kms.KeySpec.SYMMETRIC_DEFAULT;
    const symmetric = keySpec === kms.KeySpec.SYMMETRIC_DEFAULT;
    const trustAccountIdentities = props.trustAccountIdentities ?? true;
    const aliasName = props.alias === undefined ? undefined : withAliasPrefix(props.alias);

    // The base class validates some props with its own wording; ours run first and name every problem.
    throwIfInvalid(scope, validateKeyProps({ ...props, keySpec, trustAccountIdentities, alias: aliasName }), id);

    super(scope, id, {
      description: props.description,
      keySpec,
      keyUsage: props.keyUsage,
      enableKeyRotation: symmetric,
      rotationPeriod: symmetric ? props.rotationPeriod ?? CustomerManagedKey.DEFAULT_ROTATION_PERIOD : undefined,
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      alias: aliasName,
      // An explicit (empty) document replaces aws-cdk-lib's default policy, so this class decides every statement.
      policy: new iam.PolicyDocument({ minimize: true }),
    });

    this.keySpec = keySpec;
    this.aliasName = aliasName;
    this.trustsAccountIdentities = trustAccountIdentities;

    if (trustAccountIdentities) {
      this.addToResourcePolicy(accountRootStatement());
    }
    if (props.administrators && props.administrators.length > 0) {
      this.addToResourcePolicy(administratorsStatement(props.administrators));
    }
    for (const user of props.users ?? []) {
      this.grantEncryptDecrypt(user);
    }

    this.node.addValidation({ validate: () => this.validatePolicy() });
  }

  /**
   * Grants in this class follow `trustAccountIdentities`: with the account trusted, a principal in this
   * account gets an IAM policy; otherwise the key policy names the principal too.
   */
  public override get grants(): kms.KeyGrants {
    return kms.KeyGrants.fromKey(this, this.trustsAccountIdentities);
  }

  /**
   * Adds a statement to the key policy. A statement with the same effect, principals, resources and
   * conditions as an earlier one (and no `Sid`) is merged into it, so the policy grows slowly.
   * (aws-cdk-lib's policy minimization cannot compare principals whose ARN holds the partition token.)
   */
  public override addToResourcePolicy(statement: iam.PolicyStatement, allowNoOp = true): iam.AddToResourcePolicyResult {
    this.mergeableStatements ??= new Map();
    const scopeKey = statement.sid ? undefined : this.scopeKeyOf(statement);
    const earlier = scopeKey === undefined ? undefined : this.mergeableStatements.get(scopeKey);
    if (earlier) {
      earlier.addActions(...statement.actions);
      return { statementAdded: true, policyDependable: this.policy };
    }
    if (scopeKey !== undefined) {
      this.mergeableStatements.set(scopeKey, statement);
    }
    return super.addToResourcePolicy(statement, allowNoOp);
  }

  /**
   * Lets the principal administer the key (including `kms:RotateKeyOnDemand`) but not use it.
   */
  public override grantAdmin(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...ADMINISTRATION_ACTIONS);
  }

  /** Lets the principal encrypt, re-encrypt and generate data keys, with explicit actions (no wildcards). */
  public override grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...accessActions(KeyAccess.ENCRYPT));
  }

  /** Lets the principal decrypt. */
  public override grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...accessActions(KeyAccess.DECRYPT));
  }

  /** Lets the principal encrypt and decrypt, with explicit actions (no wildcards). */
  public override grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...accessActions(KeyAccess.ENCRYPT_DECRYPT));
  }

  /**
   * Lets the principal use the key only through one AWS service in this stack's Region
   * (`kms:ViaService`), and only as a caller from this account (`kms:CallerAccount`).
   *
   * @param grantee the principal
   * @param service the service's endpoint prefix, e.g. `s3`, `ssm`, `secretsmanager`, `rds`, `ec2`
   * @param access how much use; default `KeyAccess.ENCRYPT_DECRYPT`
   */
  public grantViaService(grantee: iam.IGrantable, service: string, access: KeyAccess = KeyAccess.ENCRYPT_DECRYPT): iam.Grant {
    throwIfInvalid(this, present(validateServiceName(service)));
    return iam.Grant.addToPrincipalAndResource({
      grantee,
      actions: accessActions(access),
      resourceArns: [this.keyArn],
      resourceSelfArns: ['*'],
      resource: this,
      conditions: { StringEquals: viaServiceConditions(service, Stack.of(this)) },
    });
  }

  /**
   * Allows principals whose ARN matches a pattern, such as IAM Identity Center roles
   * (`arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*` + `/AWSReservedSSO_Admin_*`).
   *
   * The key policy names the pattern's account as principal and narrows it with `aws:PrincipalArn`,
   * so roles that do not exist yet never fail a deployment.
   *
   * @param arnPattern an IAM ARN with `*` or `?` wildcards in the resource part
   * @param access how much use; default `KeyAccess.ENCRYPT_DECRYPT`
   */
  public allowPrincipalsMatching(arnPattern: string, access: KeyAccess = KeyAccess.ENCRYPT_DECRYPT): void {
    throwIfInvalid(this, present(validatePrincipalArnPattern(arnPattern)));
    const account = Token.isUnresolved(arnPattern) ? Stack.of(this).account : arnPattern.split(':')[4];
    this.addToResourcePolicy(principalArnPatternStatement(account, [arnPattern], access));
  }

  /**
   * Allows every principal in an AWS Organization (`aws:PrincipalOrgID`).
   *
   * @param organizationId `o-` followed by 10 to 32 lowercase letters or digits
   * @param access how much use; default `KeyAccess.DECRYPT`
   */
  public allowOrganization(organizationId: string, access: KeyAccess = KeyAccess.DECRYPT): void {
    throwIfInvalid(this, present(validateOrganizationId(organizationId)));
    this.addToResourcePolicy(organizationStatement(organizationId, access));
  }

  /**
   * Allows another AWS account to use the key; that account's IAM policies then decide which of its
   * principals may.
   *
   * @param accountId the 12-digit account id
   * @param access how much use; default `KeyAccess.DECRYPT`
   */
  public allowAccount(accountId: string, access: KeyAccess = KeyAccess.DECRYPT): void {
    throwIfInvalid(this, present(accountIdProblem('accountId', accountId)));
    this.addToResourcePolicy(accountStatement(accountId, access));
  }

  private scopeKeyOf(statement: iam.PolicyStatement): string {
    const { Action: _actions, ...scope } = Stack.of(this).resolve(statement.toStatementJson());
    return JSON.stringify(scope);
  }

  private validatePolicy(): string[] {
    const policy = this.policy!;
    const problems = unconditionalPublicAllowProblems(Stack.of(this).resolve(policy.toJSON()));
    const size = policySizeBytes(this, policy);
    if (size > KEY_POLICY_SIZE_LIMIT) {
      problems.push(
        `The key policy is ${size} bytes, above the ${KEY_POLICY_SIZE_LIMIT}-byte KMS limit. Use account-wide statements where a construct offers them, fewer principals, or a second key.`,
      );
    } else if (size > KEY_POLICY_SIZE_LIMIT * KEY_POLICY_WARNING_RATIO) {
      Annotations.of(this).addWarningV2(
        'cdk-kms-encryption:keyPolicySize',
        `The key policy is ${size} bytes, over ${KEY_POLICY_WARNING_RATIO * 100}% of the ${KEY_POLICY_SIZE_LIMIT}-byte KMS limit. Plan a second key or account-wide statements before it is full.`,
      );
    }
    return problems;
  }
}

function withAliasPrefix(alias: string): string {
  return Token.isUnresolved(alias) || alias.startsWith('alias/') ? alias : `alias/${alias}`;
}
