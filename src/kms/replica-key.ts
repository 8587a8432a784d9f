import { Arn, ArnFormat, Duration, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { CustomerManagedKey } from './customer-managed-key';
import { KeyAccess } from './key-access';
import { ManagedKeyProps } from './managed-key-props';
import { synthesizerExecutionRole } from './private/deployment';
import { addBaseStatements, allowAccount, allowOrganization, allowPrincipalsMatching, grantViaService } from './private/intents';
import { addKeyInvariantValidation } from './private/invariants';
import { ManagedKeyPolicy } from './private/managed-key-policy';
import { accessActions } from './private/statements';
import { validateKeyProps, withAliasPrefix } from './private/validation';
import { injectedProps } from '../private/injection';
import { GENERATE_MAC_ACTIONS, SIGN_ACTIONS, VERIFY_ACTIONS, VERIFY_MAC_ACTIONS } from '../private/key-use/actions';
import { crossStackGranteeProblem } from '../private/key-use/cross-stack';
import { missingPropProblems, present, throwIfInvalid } from '../private/validation';

/** Properties of a {@link ReplicaKey}. */
export interface ReplicaKeyProps extends ManagedKeyProps {
  /**
   * The multi-Region primary key to replicate, in another Region of the same account.
   *
   * Pass the `CustomerManagedKey` itself when it is defined in another Region's stack of this app and the
   * replica's stack has `crossRegionReferences: true`: CDK carries the primary's ARN across Regions (an SSM
   * parameter written in the replica's Region) and deploys the primary's stack first. A primary outside the
   * app is imported by ARN (`CustomerManagedKey.fromKeyArn(this, 'Primary', 'arn:aws:kms:us-east-1:111122223333:key/mrk-...')`).
   *
   * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.StackProps.html#crossregionreferences
   */
  readonly primaryKey: kms.IKey;
}

/**
 * A replica of a multi-Region `CustomerManagedKey` in another Region, with the same typed policy
 * intents. Rotation follows the primary key. Use it where data must be encrypted in the replica's
 * Region: replica secrets, cross-Region snapshot copies.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-replicate.html
 * @resource AWS::KMS::ReplicaKey
 *
 * @example
 * // In a stack of another Region than the primary key's
 * declare const primaryKey: CustomerManagedKey;
 * new ReplicaKey(this, 'DataKeyReplica', { primaryKey });
 */
export class ReplicaKey extends Resource implements kms.IKey {
  /**
   * The id property injectors aim at to set defaults for every `ReplicaKey`. They receive and return
   * `ReplicaKeyProps`.
   */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-kms-encryption.ReplicaKey';

  /** The multi-Region primary key this key replicates. */
  public readonly primaryKey: kms.IKey;

  /** The ARN of the replica key (same key id as the primary, in this Region). */
  public readonly keyArn: string;

  /** The id of the replica key (`mrk-...`, the primary's id). */
  public readonly keyId: string;

  /** The alias given in `alias`, with its `alias/` prefix, if any. */
  public readonly aliasName?: string;

  /**
   * Whether the key policy lets this account's IAM policies decide who uses the key
   * (`trustAccountIdentities`); when false, grants name their principals in the key policy.
   */
  public readonly trustsAccountIdentities: boolean;

  private readonly keyPolicy = new ManagedKeyPolicy();
  private aliasCount = 0;

  /**
   * @param scope the construct the replica key is defined in
   * @param id the id of the replica key, unique within `scope`
   * @param props the options of the replica key
   */
  constructor(scope: Construct, id: string, props: ReplicaKeyProps) {
    props = injectedProps(ReplicaKey.PROPERTY_INJECTION_ID, scope, id, props);
    super(scope, id);
    throwIfInvalid(this, missingPropProblems(props, ['primaryKey']));
    const trustAccountIdentities = props.trustAccountIdentities ?? true;
    const aliasName = props.alias === undefined ? undefined : withAliasPrefix(props.alias);
    const deploymentPrincipal = props.deploymentPrincipal ?? synthesizerExecutionRole(Stack.of(this));
    throwIfInvalid(this, [
      ...primaryKeyProblems(props.primaryKey, Stack.of(this)),
      ...validateKeyProps({
        keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
        keyMaterialOrigin: 'AWS_KMS',
        pendingWindow: props.pendingWindow,
        alias: aliasName,
        trustAccountIdentities,
        administrators: props.administrators,
        keyAccount: Stack.of(this).account,
        deploymentPrincipal,
        synthesizerName: Stack.of(this).synthesizer.constructor.name,
      }),
    ]);

    this.primaryKey = props.primaryKey;
    this.trustsAccountIdentities = trustAccountIdentities;
    this.keyPolicy.attachTo(this);
    const pendingWindow = props.pendingWindow ?? Duration.days(30);
    const resource = new kms.CfnReplicaKey(this, 'Resource', {
      primaryKeyArn: props.primaryKey.keyArn,
      description: props.description,
      keyPolicy: this.keyPolicy.document,
      pendingWindowInDays: pendingWindow.toDays(),
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    addKeyInvariantValidation({ key: this, kind: 'ReplicaKey', resource, keyPolicy: this.keyPolicy, pendingWindow, removalPolicy: props.removalPolicy });
    this.keyArn = resource.attrArn;
    this.keyId = resource.attrKeyId;
    this.aliasName = aliasName;

    addBaseStatements(this, {
      trustAccountIdentities,
      administrators: props.administrators ?? [],
      deploymentPrincipal,
      administration: { deletion: props.administratorsCanDeleteKey ?? true, importedMaterial: false, multiRegion: false },
      allowGrantsOutsideAwsServices: false,
    });
    for (const user of props.users ?? []) {
      this.grantEncryptDecrypt(user);
    }
    if (aliasName !== undefined) {
      this.addAlias(aliasName);
    }
  }

  /** A reference to this key, for L1 properties that take one. */
  public get keyRef(): kms.KeyReference {
    return { keyArn: this.keyArn, keyId: this.keyId };
  }

  /** Adds an alias for the replica in its Region. */
  public addAlias(aliasName: string): kms.Alias {
    const id = this.aliasCount === 0 ? 'Alias' : `Alias${this.aliasCount}`;
    this.aliasCount++;
    return new kms.Alias(this, id, { aliasName, targetKey: this });
  }

  /** Adds a statement to the replica's key policy, merging statements of the same scope. */
  public addToResourcePolicy(statement: iam.PolicyStatement, _allowNoOp?: boolean): iam.AddToResourcePolicyResult {
    this.keyPolicy.add(statement);
    return { statementAdded: true, policyDependable: this.keyPolicy.document };
  }

  /**
   * Grants actions on the replica: through IAM policies when the account is trusted, otherwise also
   * in the key policy, which then needs the grantee in the replica's stack.
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    throwIfInvalid(this, present(crossStackGranteeProblem(this, this.trustsAccountIdentities, grantee)));
    const options = { grantee, actions, resourceArns: [this.keyArn], resourceSelfArns: ['*'], resource: this };
    return this.trustsAccountIdentities ? iam.Grant.addToPrincipalOrResource(options) : iam.Grant.addToPrincipalAndResource(options);
  }

  /** Lets the principal decrypt. */
  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...accessActions(KeyAccess.DECRYPT));
  }

  /** Lets the principal encrypt, re-encrypt and generate data keys. */
  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...accessActions(KeyAccess.ENCRYPT));
  }

  /** Lets the principal encrypt and decrypt. */
  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...accessActions(KeyAccess.ENCRYPT_DECRYPT));
  }

  /** Lets the principal sign (replicas of signing keys only). */
  public grantSign(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...SIGN_ACTIONS);
  }

  /** Lets the principal verify signatures (replicas of signing keys only). */
  public grantVerify(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...VERIFY_ACTIONS);
  }

  /** Lets the principal sign and verify (replicas of signing keys only). */
  public grantSignVerify(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...SIGN_ACTIONS, ...VERIFY_ACTIONS);
  }

  /** Lets the principal generate MACs (replicas of HMAC keys only). */
  public grantGenerateMac(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...GENERATE_MAC_ACTIONS);
  }

  /** Lets the principal verify MACs (replicas of HMAC keys only). */
  public grantVerifyMac(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...VERIFY_MAC_ACTIONS);
  }

  /**
   * Lets the principal use the replica only through one AWS service in this Region, as a caller from
   * this account.
   *
   * @param grantee the principal
   * @param service the service's endpoint prefix, e.g. `secretsmanager`
   * @param access how much use; default `KeyAccess.ENCRYPT_DECRYPT`
   */
  public grantViaService(grantee: iam.IGrantable, service: string, access: KeyAccess = KeyAccess.ENCRYPT_DECRYPT): iam.Grant {
    return grantViaService(this, this.trustsAccountIdentities, grantee, service, access);
  }

  /**
   * Allows principals whose ARN matches a pattern (see `CustomerManagedKey.allowPrincipalsMatching`).
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
   * Allows another AWS account to use the replica.
   *
   * @param accountId the 12-digit account id
   * @param access how much use; default `KeyAccess.DECRYPT`
   */
  public allowAccount(accountId: string, access: KeyAccess = KeyAccess.DECRYPT): void {
    allowAccount(this, accountId, access);
  }
}

/**
 * A replica needs a multi-Region primary in another Region of its account. A primary defined in this app
 * is checked directly, and reaches the replica's stack through CDK's cross-Region references; an imported
 * one is checked through its ARN (multi-Region key ids start with `mrk-`).
 */
function primaryKeyProblems(primary: kms.IKey, replicaStack: Stack): string[] {
  const region = replicaStack.region;
  if (primary instanceof CustomerManagedKey) {
    return present(definedPrimaryProblem(primary, replicaStack));
  }
  if (Token.isUnresolved(primary.keyArn)) {
    return [];
  }
  const arn = Arn.split(primary.keyArn, ArnFormat.SLASH_RESOURCE_NAME);
  const problems: string[] = [];
  if (!arn.resourceName?.startsWith('mrk-')) {
    problems.push(`\`primaryKey\` must be a multi-Region key (its id starts with 'mrk-'), got '${primary.keyArn}'. Replicate a key created with \`multiRegion: true\`.`);
  }
  if (!Token.isUnresolved(region) && arn.region === region) {
    problems.push(`\`primaryKey\` must be in another Region than the replica, got '${primary.keyArn}' for a replica in ${region}. Put the ReplicaKey in a stack for another Region.`);
  }
  return problems;
}

/**
 * A primary of this app must be multi-Region, in another Region of the replica's account, and reach the
 * replica's stack: CDK versions before the flag became optional check only the consuming stack's
 * `crossRegionReferences`, so the replica's stack must have it.
 */
function definedPrimaryProblem(primary: CustomerManagedKey, replicaStack: Stack): string | undefined {
  const primaryStack = Stack.of(primary);
  const path = primary.node.path;
  if (!primary.multiRegion) {
    return `\`primaryKey\` must be a multi-Region key, got ${path}, which is single-Region. Set \`multiRegion: true\` on it (this replaces the key).`;
  }
  if (isKnownAndDifferent(primaryStack.account, replicaStack.account)) {
    return `\`primaryKey\` must be in the replica's account ${replicaStack.account}, got ${path} in account ${primaryStack.account}. KMS replicates keys within one account only; put the ReplicaKey in a stack of account ${primaryStack.account}.`;
  }
  if (Token.isUnresolved(primaryStack.region) || Token.isUnresolved(replicaStack.region)) {
    return `\`primaryKey\` ${path} and the replica must be in stacks with explicit Regions, got ${primaryStack.stackName} and ${replicaStack.stackName} without \`env.region\`. Set \`env.region\` on both stacks.`;
  }
  if (primaryStack.region === replicaStack.region) {
    return `\`primaryKey\` must be in another Region than the replica, got ${path} in ${replicaStack.region}. Put the ReplicaKey in a stack for another Region.`;
  }
  if (!replicaStack._crossRegionReferences) {
    return `\`primaryKey\` ${path} is in ${primaryStack.region} and reaches the replica's stack ${replicaStack.stackName} only through a cross-Region reference, which that stack does not enable. Set \`crossRegionReferences: true\` on ${replicaStack.stackName}, or import the primary with CustomerManagedKey.fromKeyArn().`;
  }
  return undefined;
}

/** Two account ids or Regions that are both known at synth time and differ. */
function isKnownAndDifferent(a: string, b: string): boolean {
  return !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
}
