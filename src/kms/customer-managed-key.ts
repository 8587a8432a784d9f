import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KeyAccess } from './key-access';
import { ManagedKeyProps } from './managed-key-props';
import { ADMINISTRATION_ACTIONS, PUBLIC_KEY_ACTIONS } from './private/actions';
import { crossStackGranteeProblem } from './private/cross-stack';
import { addBaseStatements, allowAccount, allowOrganization, allowPrincipalsMatching, grantViaService } from './private/intents';
import { ManagedKeyPolicy } from './private/managed-key-policy';
import { accessActions } from './private/statements';
import { keyUsageForGrantProblem, validateKeyProps, withAliasPrefix } from './private/validation';
import { present, throwIfInvalid } from '../private/validation';
import { SnapshotSharingGrant, SnapshotSharingOptions } from '../sharing/snapshot-sharing-grant';

/** Where a key's cryptographic material comes from. */
export enum KeyMaterialOrigin {
  /** KMS generates the material, and can rotate it automatically. */
  AWS_KMS = 'AWS_KMS',
  /**
   * You import the material (bring your own key). KMS cannot rotate it: rotate by creating a new key
   * and moving the alias, as `ExternalKeyRing` does.
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html
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
   * Whether principals may create grants on the key directly. By default only AWS services may, for
   * the AWS resources they encrypt (`kms:GrantIsForAWSResource`), as AWS Control Tower's proactive
   * control CT.KMS.PR.3 requires. Set it only when a principal must create a grant itself, such as the
   * Auto Scaling service-linked role of an account snapshots are shared with.
   *
   * @see https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html
   * @default false
   */
  readonly allowGrantsOutsideAwsServices?: boolean;

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

  /**
   * @param scope the construct the key is defined in
   * @param id the id of the key, unique within `scope`
   * @param props the options of the key
   */
  constructor(scope: Construct, id: string, props: CustomerManagedKeyProps = {}) {
    const keySpec = props.keySpec ?? kms.KeySpec.SYMMETRIC_DEFAULT;
    const keyUsage = props.keyUsage ?? kms.KeyUsage.ENCRYPT_DECRYPT;
    const keyMaterialOrigin = props.keyMaterialOrigin ?? KeyMaterialOrigin.AWS_KMS;
    const rotationEnabled = keySpec === kms.KeySpec.SYMMETRIC_DEFAULT && keyMaterialOrigin === KeyMaterialOrigin.AWS_KMS;
    const trustAccountIdentities = props.trustAccountIdentities ?? true;
    const aliasName = props.alias === undefined ? undefined : withAliasPrefix(props.alias);

    // The base class validates some props with its own wording; ours run first and name every problem.
    throwIfInvalid(scope, validateKeyProps({ ...props, keySpec, keyMaterialOrigin, trustAccountIdentities, alias: aliasName }), id);

    // An explicit document replaces aws-cdk-lib's default policy, so this class decides every statement.
    const keyPolicy = new ManagedKeyPolicy();
    super(scope, id, {
      description: props.description,
      keySpec,
      keyUsage: props.keyUsage,
      multiRegion: props.multiRegion,
      enableKeyRotation: rotationEnabled,
      rotationPeriod: rotationEnabled ? props.rotationPeriod ?? CustomerManagedKey.DEFAULT_ROTATION_PERIOD : undefined,
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      alias: aliasName,
      policy: keyPolicy.document,
    });
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
    keyPolicy.attachTo(this);

    addBaseStatements(this, trustAccountIdentities, props.administrators ?? [], this.allowsGrantsOutsideAwsServices);
    if (this.allowsGrantsOutsideAwsServices) {
      Validations.of(this).acknowledge({
        id: 'cdk-validator-cfnguard::kms_create_grant_aws_service_check',
        reason: 'allowGrantsOutsideAwsServices is set: a principal must create grants on this key itself (for example the Auto Scaling service-linked role of an account snapshots are shared with).',
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
   * conditions as an earlier one (and no `Sid`) is merged into it, so the policy grows slowly.
   */
  public override addToResourcePolicy(statement: iam.PolicyStatement, _allowNoOp?: boolean): iam.AddToResourcePolicyResult {
    this.keyPolicy.add(statement);
    return { statementAdded: true, policyDependable: this.keyPolicy.document };
  }

  /**
   * Grants actions on the key: in the grantee's IAM policy (in the key policy for a grantee of another
   * account), and, when the key does not trust account identities, in the key policy too, which then
   * needs the grantee in the key's stack.
   *
   * @param grantee the principal
   * @param actions the KMS actions
   */
  public override grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    throwIfInvalid(this, present(crossStackGranteeProblem(this, this.trustsAccountIdentities, grantee)));
    return super.grant(grantee, ...actions);
  }

  /** Lets the principal administer the key (including `kms:RotateKeyOnDemand`) but not use it. */
  public override grantAdmin(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...ADMINISTRATION_ACTIONS);
  }

  /** Lets the principal encrypt, re-encrypt and generate data keys, with explicit actions (no wildcards). */
  public override grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    this.assertUsage('grantEncrypt', kms.KeyUsage.ENCRYPT_DECRYPT);
    return this.grant(grantee, ...accessActions(KeyAccess.ENCRYPT));
  }

  /** Lets the principal decrypt. */
  public override grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    this.assertUsage('grantDecrypt', kms.KeyUsage.ENCRYPT_DECRYPT);
    return this.grant(grantee, ...accessActions(KeyAccess.DECRYPT));
  }

  /** Lets the principal encrypt and decrypt, with explicit actions (no wildcards). */
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
   * so roles that do not exist yet never fail a deployment.
   *
   * @param arnPattern an IAM ARN with `*` or `?` wildcards in the resource part
   * @param access how much use; default `KeyAccess.ENCRYPT_DECRYPT`
   */
  public allowPrincipalsMatching(arnPattern: string, access: KeyAccess = KeyAccess.ENCRYPT_DECRYPT): void {
    allowPrincipalsMatching(this, arnPattern, access);
  }

  /**
   * Allows every principal in an AWS Organization (`aws:PrincipalOrgID`).
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
  for (const id of ROTATION_RULES) {
    Validations.of(key).acknowledge({
      id,
      reason: 'Key material is imported (Origin EXTERNAL): KMS cannot rotate it automatically. Rotate by adding a generation to an ExternalKeyRing, which moves the alias to a new key.',
    });
  }
}
