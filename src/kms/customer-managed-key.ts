import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KeyAccess } from './key-access';
import { ManagedKeyProps } from './managed-key-props';
import { synthesizerExecutionRole } from './private/deployment';
import { addBaseStatements, allowAccount, allowOrganization, allowPrincipalsMatching, grantViaService } from './private/intents';
import { addKeyInvariantValidation } from './private/invariants';
import { ManagedKeyPolicy } from './private/managed-key-policy';
import { accessActions, AdministrationScope, administrationActions } from './private/statements';
import { keyUsageForGrantProblem, validateKeyProps, withAliasPrefix } from './private/validation';
import { skipScannerChecks } from '../private/acknowledgements';
import { injectedProps, skippingBaseInjector } from '../private/injection';
import { PUBLIC_KEY_ACTIONS } from '../private/key-use/actions';
import { crossStackGranteeProblem } from '../private/key-use/cross-stack';
import { addToOtherGenerationPolicies, withOtherGenerations } from '../private/key-use/key-ring';
import { RefusedProp, refusedPropProblems } from '../private/refused-props';
import { present, throwIfInvalid } from '../private/validation';
import { SnapshotSharingGrant, SnapshotSharingOptions } from '../sharing/snapshot-sharing-grant';

/** Where a key's cryptographic material comes from. */
export enum KeyMaterialOrigin {
  /** KMS generates the material, and can rotate it automatically. */
  AWS_KMS = 'AWS_KMS',
  /**
   * You import the material (bring your own key). KMS cannot rotate it automatically: administrators
   * import new material and rotate on demand (symmetric keys), or an `ExternalKeyRing` moves an alias
   * to a new key.
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-import-key-material.html
   */
  EXTERNAL = 'EXTERNAL',
}

/** Properties of a {@link CustomerManagedKey}. */
export interface CustomerManagedKeyProps extends ManagedKeyProps {
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
   * Whether the key is a multi-Region primary key, which `ReplicaKey` can replicate into other Regions.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
   * @default false
   */
  readonly multiRegion?: boolean;

  /**
   * Where the key material comes from. Keys with imported material (`EXTERNAL`) do not rotate
   * automatically.
   *
   * @default KeyMaterialOrigin.AWS_KMS
   */
  readonly keyMaterialOrigin?: KeyMaterialOrigin;

  /**
   * How often KMS rotates the key material of a symmetric key. Rotation is always on for symmetric
   * keys with KMS-generated material; asymmetric and HMAC keys, and keys with imported material,
   * cannot rotate automatically, so they must not set this.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html#rotation-period
   * @default Duration.days(365)
   */
  readonly rotationPeriod?: Duration;

  /**
   * Whether principals may create grants on the key directly, for any grantee. By default only AWS
   * services may, for the AWS resources they encrypt (`kms:GrantIsForAWSResource`), as AWS Control
   * Tower's proactive control CT.KMS.PR.3 requires. Sharing AMIs with `autoScalingServiceLinkedRole` does
   * not need it: that exempts only the Auto Scaling service-linked role as grantee. Set it only when a
   * principal must create grants for other grantees itself.
   *
   * @see https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html
   * @default false
   */
  readonly allowGrantsOutsideAwsServices?: boolean;

  /**
   * Whether the key is enabled. A disabled key cannot encrypt or decrypt, so nothing it protects can be
   * read until it is enabled again; rotation and the key policy are unchanged.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * A customer-managed KMS key that rotates, is retained, and whose key policy is written from typed
 * intents rather than raw JSON.
 *
 * The key policy is checked at synth time: it must keep an administration path, must not allow
 * everyone without a narrowing condition, and must fit the 32 KB KMS limit (warning at 80 %).
 *
 * @resource AWS::KMS::Key
 *
 * @example
 * declare const appRole: iam.IRole;
 * const key = new CustomerManagedKey(this, 'DataKey', { alias: 'my-app/data' });
 * key.grantViaService(appRole, 's3');
 */
export class CustomerManagedKey extends kms.Key {
  /**
   * The id property injectors aim at to set defaults for every `CustomerManagedKey` (injectors aimed at
   * `kms.Key.PROPERTY_INJECTION_ID` do not reach it). They receive and return `CustomerManagedKeyProps`.
   */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-kms-encryption.CustomerManagedKey';

  /** Default rotation period for symmetric keys. */
  public static readonly DEFAULT_ROTATION_PERIOD = Duration.days(365);

  /** The key spec, to check that a key fits the construct that uses it. */
  public readonly keySpec: kms.KeySpec;

  /** What the key is for. */
  public readonly keyUsage: kms.KeyUsage;

  /** Whether the key is a multi-Region primary key. */
  public readonly multiRegion: boolean;

  /** Where the key material comes from. */
  public readonly keyMaterialOrigin: KeyMaterialOrigin;

  /** Whether KMS rotates the key material automatically. */
  public readonly rotationEnabled: boolean;

  /** The alias given in `alias`, with its `alias/` prefix, if any. */
  public readonly aliasName?: string;

  /** Whether principals may create grants on the key directly (`allowGrantsOutsideAwsServices`). */
  public readonly allowsGrantsOutsideAwsServices: boolean;

  /**
   * Whether the key policy lets this account's IAM policies decide who uses the key
   * (`trustAccountIdentities`); when false, grants name their principals in the key policy.
   */
  public readonly trustsAccountIdentities: boolean;

  private readonly keyPolicy: ManagedKeyPolicy;
  private readonly administration: AdministrationScope;

  /**
   * @param scope the construct the key is defined in
   * @param id the id of the key, unique within `scope`
   * @param props the options of the key
   */
  constructor(scope: Construct, id: string, props: CustomerManagedKeyProps = {}) {
    props = injectedProps(CustomerManagedKey.PROPERTY_INJECTION_ID, scope, id, props);
    const keySpec = props.keySpec ?? kms.KeySpec.SYMMETRIC_DEFAULT;
    const keyUsage = props.keyUsage ?? kms.KeyUsage.ENCRYPT_DECRYPT;
    const keyMaterialOrigin = props.keyMaterialOrigin ?? KeyMaterialOrigin.AWS_KMS;
    const rotationEnabled = keySpec === kms.KeySpec.SYMMETRIC_DEFAULT && keyMaterialOrigin === KeyMaterialOrigin.AWS_KMS;
    const trustAccountIdentities = props.trustAccountIdentities ?? true;
    const aliasName = props.alias === undefined ? undefined : withAliasPrefix(props.alias);
    const stack = Stack.of(scope);
    const deploymentPrincipal = props.deploymentPrincipal ?? synthesizerExecutionRole(stack);

    // The base class validates some props with its own wording; ours run first and name every problem.
    throwIfInvalid(scope, refusedPropProblems('a CustomerManagedKey', props, REFUSED_KEY_PROPS), id);
    throwIfInvalid(scope, validateKeyProps({
      ...props,
      keySpec,
      keyMaterialOrigin,
      trustAccountIdentities,
      alias: aliasName,
      keyAccount: stack.account,
      deploymentPrincipal,
      synthesizerName: stack.synthesizer.constructor.name,
    }), id);

    // An explicit document replaces aws-cdk-lib's default policy, so this class decides every statement.
    const keyPolicy = new ManagedKeyPolicy();
    const rotationPeriod = rotationEnabled ? props.rotationPeriod ?? CustomerManagedKey.DEFAULT_ROTATION_PERIOD : undefined;
    const pendingWindow = props.pendingWindow ?? Duration.days(30);
    super(scope, id, skippingBaseInjector(scope, kms.Key.PROPERTY_INJECTION_ID, {
      description: props.description,
      enabled: props.enabled,
      keySpec,
      keyUsage: props.keyUsage,
      multiRegion: props.multiRegion,
      enableKeyRotation: rotationEnabled,
      rotationPeriod,
      pendingWindow,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      alias: aliasName,
      policy: keyPolicy.document,
    }));
    if (keyMaterialOrigin === KeyMaterialOrigin.EXTERNAL) {
      (this.node.defaultChild as kms.CfnKey).origin = KeyMaterialOrigin.EXTERNAL;
      acknowledgeManualRotation(this);
    }

    this.keySpec = keySpec;
    this.keyUsage = keyUsage;
    this.multiRegion = props.multiRegion ?? false;
    this.keyMaterialOrigin = keyMaterialOrigin;
    this.rotationEnabled = rotationEnabled;
    this.aliasName = aliasName;
    this.trustsAccountIdentities = trustAccountIdentities;
    this.allowsGrantsOutsideAwsServices = props.allowGrantsOutsideAwsServices ?? false;
    this.keyPolicy = keyPolicy;
    this.administration = {
      deletion: props.administratorsCanDeleteKey ?? true,
      importedMaterial: keyMaterialOrigin === KeyMaterialOrigin.EXTERNAL,
      multiRegion: this.multiRegion,
    };
    keyPolicy.attachTo(this);
    addKeyInvariantValidation({
      key: this,
      kind: 'CustomerManagedKey',
      resource: this.node.defaultChild as kms.CfnKey,
      keyPolicy,
      rotationPeriod,
      pendingWindow,
      removalPolicy: props.removalPolicy,
    });

    addBaseStatements(this, {
      trustAccountIdentities,
      administrators: props.administrators ?? [],
      deploymentPrincipal,
      administration: this.administration,
      allowGrantsOutsideAwsServices: this.allowsGrantsOutsideAwsServices,
    });
    if (this.allowsGrantsOutsideAwsServices) {
      Validations.of(this).acknowledge({
        id: 'cdk-validator-cfnguard::kms_create_grant_aws_service_check',
        reason: 'allowGrantsOutsideAwsServices is set: a principal must create grants on this key itself, for grantees that are not AWS resources.',
      });
    }
    for (const user of props.users ?? []) {
      this.grantEncryptDecrypt(user);
    }
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
   * conditions as an earlier one (and no `Sid`) is merged into it, so the policy grows slowly. On a key of
   * an `ExternalKeyRing`, the decrypting part of an Allow goes to every other generation too.
   */
  public override addToResourcePolicy(statement: iam.PolicyStatement, _allowNoOp?: boolean): iam.AddToResourcePolicyResult {
    this.keyPolicy.add(statement);
    addToOtherGenerationPolicies(this, statement);
    return { statementAdded: true, policyDependable: this.keyPolicy.document };
  }

  /**
   * Grants actions on the key: in the grantee's IAM policy (in the key policy for a grantee of another
   * account), and, when the key does not trust account identities, in the key policy too, which then
   * needs the grantee in the key's stack. On a key of an `ExternalKeyRing`, decryption is granted on every
   * other generation too.
   *
   * @param grantee the principal
   * @param actions the KMS actions
   */
  public override grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    throwIfInvalid(this, present(crossStackGranteeProblem(this, this.trustsAccountIdentities, grantee)));
    return withOtherGenerations(super.grant(grantee, ...actions), this, grantee, actions);
  }

  /**
   * Lets the principal administer the key as `administrators` do (including `kms:RotateKeyOnDemand`) but
   * not use it.
   */
  public override grantAdmin(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...administrationActions(this.administration));
  }

  /**
   * Lets the principal encrypt, re-encrypt and generate data keys, with explicit actions (no wildcards).
   * Unlike `kms.Key`'s (`kms:GenerateDataKey*`), it leaves out `kms:GenerateDataKeyPair` and
   * `kms:GenerateDataKeyPairWithoutPlaintext`; grant them with `grant(grantee, 'kms:GenerateDataKeyPair')`.
   */
  public override grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    this.assertUsage('grantEncrypt', kms.KeyUsage.ENCRYPT_DECRYPT);
    return this.grant(grantee, ...accessActions(KeyAccess.ENCRYPT));
  }

  /** Lets the principal decrypt. */
  public override grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    this.assertUsage('grantDecrypt', kms.KeyUsage.ENCRYPT_DECRYPT);
    return this.grant(grantee, ...accessActions(KeyAccess.DECRYPT));
  }

  /**
   * Lets the principal encrypt and decrypt, with explicit actions (no wildcards). Leaves out the data key
   * pair actions, as `grantEncrypt` does.
   */
  public override grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    this.assertUsage('grantEncryptDecrypt', kms.KeyUsage.ENCRYPT_DECRYPT);
    return this.grant(grantee, ...accessActions(KeyAccess.ENCRYPT_DECRYPT));
  }

  /** Lets the principal sign with an asymmetric `SIGN_VERIFY` key. */
  public override grantSign(grantee: iam.IGrantable): iam.Grant {
    this.assertUsage('grantSign', kms.KeyUsage.SIGN_VERIFY);
    return super.grantSign(grantee);
  }

  /** Lets the principal verify signatures of an asymmetric `SIGN_VERIFY` key. */
  public override grantVerify(grantee: iam.IGrantable): iam.Grant {
    this.assertUsage('grantVerify', kms.KeyUsage.SIGN_VERIFY);
    return super.grantVerify(grantee);
  }

  /** Lets the principal sign and verify with an asymmetric `SIGN_VERIFY` key. */
  public override grantSignVerify(grantee: iam.IGrantable): iam.Grant {
    this.assertUsage('grantSignVerify', kms.KeyUsage.SIGN_VERIFY);
    return super.grantSignVerify(grantee);
  }

  /** Lets the principal generate MACs with an HMAC key. */
  public override grantGenerateMac(grantee: iam.IGrantable): iam.Grant {
    this.assertUsage('grantGenerateMac', kms.KeyUsage.GENERATE_VERIFY_MAC);
    return super.grantGenerateMac(grantee);
  }

  /** Lets the principal verify MACs with an HMAC key. */
  public override grantVerifyMac(grantee: iam.IGrantable): iam.Grant {
    this.assertUsage('grantVerifyMac', kms.KeyUsage.GENERATE_VERIFY_MAC);
    return super.grantVerifyMac(grantee);
  }

  /**
   * Lets the principal download the public key of an asymmetric key, to encrypt or verify outside AWS.
   */
  public grantGetPublicKey(grantee: iam.IGrantable): iam.Grant {
    throwIfInvalid(this, present(
      this.keySpec === kms.KeySpec.SYMMETRIC_DEFAULT || this.keyUsage === kms.KeyUsage.GENERATE_VERIFY_MAC
        ? `\`grantGetPublicKey\` needs an asymmetric key, got a ${this.keySpec} key, which has no public key.`
        : undefined,
    ));
    return this.grant(grantee, ...PUBLIC_KEY_ACTIONS);
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
    return grantViaService(this, this.trustsAccountIdentities, grantee, service, access);
  }

  /**
   * Allows principals whose ARN matches a pattern, such as IAM Identity Center roles
   * (`arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*` + `/AWSReservedSSO_Admin_*`).
   *
   * The key policy names the pattern's account as principal and narrows it with `aws:PrincipalArn`,
   * so roles that do not exist yet never fail a deployment. Naming an account delegates to that account's
   * IAM policies: the matching roles also need an IAM policy that allows the use of this key (IAM Identity
   * Center permission sets carry one). The key policy alone does not let them use it.
   *
   * @param arnPattern an IAM ARN with `*` or `?` wildcards in the resource part
   * @param access how much use; default `KeyAccess.ENCRYPT_DECRYPT`
   */
  public allowPrincipalsMatching(arnPattern: string, access: KeyAccess = KeyAccess.ENCRYPT_DECRYPT): void {
    allowPrincipalsMatching(this, arnPattern, access);
  }

  /**
   * Allows every principal in an AWS Organization (`aws:PrincipalOrgID`) except those of the key's own
   * account (`aws:PrincipalAccount`), which keep needing their IAM policies or grants of this key.
   *
   * @param organizationId `o-` followed by 10 to 32 lowercase letters or digits
   * @param access how much use; default `KeyAccess.DECRYPT`
   */
  public allowOrganization(organizationId: string, access: KeyAccess = KeyAccess.DECRYPT): void {
    allowOrganization(this, organizationId, access);
  }

  /**
   * Allows another AWS account to use the key; that account's IAM policies then decide which of its
   * principals may.
   *
   * @param accountId the 12-digit account id
   * @param access how much use; default `KeyAccess.DECRYPT`
   */
  public allowAccount(accountId: string, access: KeyAccess = KeyAccess.DECRYPT): void {
    allowAccount(this, accountId, access);
  }

  /**
   * Lets other accounts, or the accounts of an organization, copy and restore EBS snapshots, RDS and
   * Aurora snapshots and AMIs encrypted with this key. See {@link SnapshotSharingGrant}.
   *
   * @param id the construct id of the SnapshotSharingGrant, a child of this key
   * @param options who the snapshots are shared with, through which services
   */
  public shareSnapshots(id: string, options: SnapshotSharingOptions): SnapshotSharingGrant {
    return new SnapshotSharingGrant(this, id, { ...options, key: this });
  }

  private assertUsage(method: string, needed: kms.KeyUsage): void {
    throwIfInvalid(this, present(keyUsageForGrantProblem(method, needed, this.keySpec, this.keyUsage)));
  }
}

/** The rotation rules cannot know that KMS never rotates imported material automatically. */
const ROTATION_RULES = [
  'AwsSolutions::AwsSolutions-KMS5',
  'cdk-validator-cfnguard::kms_key_rotation_enabled_check',
  'NIST.800.53.R5::NIST.800.53.R5-KMSBackingKeyRotationEnabled',
  'PCI.DSS.321::PCI.DSS.321-KMSBackingKeyRotationEnabled',
];

function acknowledgeManualRotation(key: CustomerManagedKey): void {
  const reason = 'Key material is imported (Origin EXTERNAL): KMS cannot rotate it automatically. Administrators import new material and rotate on demand (kms:RotateKeyOnDemand), or an ExternalKeyRing moves the alias to a new key.';
  for (const id of ROTATION_RULES) {
    Validations.of(key).acknowledge({ id, reason });
  }
  skipScannerChecks(key, reason, { checkov: ['CKV_AWS_7'] });
}

/** Props of `kms.Key` that a CustomerManagedKey does not take, with the values it accepts and why. */
const REFUSED_KEY_PROPS: Record<string, RefusedProp> = {
  enableKeyRotation: {
    accepts: (value) => value === true,
    reason: 'rotation is always on for keys that can rotate; set its period with `rotationPeriod`',
  },
  policy: { reason: 'the key policy is written from typed intents (`administrators`, `users`, grants, `allowAccount`, ...); add statements with addToResourcePolicy()' },
  admins: { reason: 'the prop is `administrators`' },
};
