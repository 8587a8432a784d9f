import { Annotations, IResolvable, Lazy, PhysicalName, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { REPLICATION_DESTINATION_OBJECT_ACTIONS, REPLICATION_SOURCE_BUCKET_ACTIONS, REPLICATION_SOURCE_OBJECT_ACTIONS } from './private/actions';
import { refusedBucketPropProblems } from './private/base-props';
import { allowLogDelivery, denyInsecureTransport, denyOutdatedTls, enforcementStatements } from './private/bucket-policy';
import { addBucketInvariantValidation } from './private/invariants';
import { addKeyCycleValidation } from './private/key-cycle';
import { keyIdentifiers, s3CrossAccountKeyPolicyConditions, s3KeyActions, s3KeyPolicyConditions, s3KeyPolicyStatement, s3KeyUseConditions } from './private/key-use';
import { nagResourceName } from './private/nag';
import { destinationBucketPolicyStatements } from './private/replication';
import { requireSingleBucketPolicy } from './private/single-bucket-policy';
import {
  autoDeleteObjectsProblem,
  keyArnProblem,
  minimumTlsVersionProblem,
  publicStatementProblem,
  replicaKeyNotAllowedProblem,
  replicaKeyProblem,
  replicationEncryptionTypeProblem,
  replicationRuleProblems,
  serverAccessLogsBucketProblem,
} from './private/validation';
import { CustomerManagedKey } from '../kms/customer-managed-key';
import { ReplicaKey } from '../kms/replica-key';
import { skipScannerChecks } from '../private/acknowledgements';
import { injectedProps, skippingBaseInjector } from '../private/injection';
import { S3_REPLICATION_REPLICA_KEY_ACTIONS, S3_REPLICATION_SOURCE_KEY_ACTIONS } from '../private/key-use/actions';
import { regionalEndpoint } from '../private/key-use/conditions';
import { crossStackGranteeProblem } from '../private/key-use/cross-stack';
import { addToKeyPolicyOrWarn } from '../private/key-use/key-policy';
import { withOtherGenerations } from '../private/key-use/key-ring';
import { symmetricKeyProblem } from '../private/key-use/key-spec';
import { failValidation, present, throwIfInvalid } from '../private/validation';

/**
 * Which server-side encryption with KMS keys the bucket uses.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html
 */
export enum KmsEncryptionType {
  /** SSE-KMS (`aws:kms`), with an S3 Bucket Key to cut KMS requests and cost. */
  SSE_KMS = 'aws:kms',
  /**
   * Dual-layer DSSE-KMS (`aws:kms:dsse`), for workloads that require two layers of encryption. S3 Bucket
   * Keys are not supported with it, so every object operation calls KMS.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingDSSEncryption.html
   */
  DSSE_KMS = 'aws:kms:dsse',
}

/** Properties of an {@link EncryptedBucket}. */
export interface EncryptedBucketProps {
  /**
   * The physical name of the bucket.
   *
   * @default - CloudFormation generates a unique name
   */
  readonly bucketName?: string;

  /**
   * The symmetric KMS key that encrypts every object. Its key ARN goes into the bucket policy, so an
   * imported key must be imported by key ARN (not an alias or key id).
   *
   * @default - a new CustomerManagedKey, defined next to the bucket with the id `<id>Key`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Whether objects are encrypted with SSE-KMS or dual-layer DSSE-KMS.
   *
   * @default KmsEncryptionType.SSE_KMS
   */
  readonly encryptionType?: KmsEncryptionType;

  /**
   * Other keys that uploads may name in `x-amz-server-side-encryption-aws-kms-key-id`, while clients
   * move from an old key to `encryptionKey`. Header-less uploads always use `encryptionKey`.
   *
   * @default - only `encryptionKey`
   */
  readonly additionalAllowedKeys?: kms.IKey[];

  /**
   * Whether every upload must say how it is encrypted (`x-amz-server-side-encryption` with the bucket's
   * algorithm and key). When false, uploads without encryption headers are allowed and S3 encrypts them
   * with the bucket's default encryption, which is always this bucket's key.
   *
   * When true, multipart uploads are denied. S3 accepts the encryption headers only on
   * CreateMultipartUpload, and authorizes UploadPart and CompleteMultipartUpload as `s3:PutObject` without
   * them; no bucket policy condition tells those apart from a header-less PutObject. Clients must write each
   * object with one PutObject or CopyObject (up to 5 GB) that names the algorithm and key: SDK transfer
   * managers and `aws s3 cp` switch to multipart above a threshold (8 MB for `aws s3 cp`). In both modes,
   * every write that names another algorithm, another key, KMS without a key id, or SSE-C is denied.
   * Synthesis warns with `cdk-kms-encryption:requireEncryptionHeadersDeniesMultipartUploads`.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html
   * @default false
   */
  readonly requireEncryptionHeaders?: boolean;

  /**
   * The oldest TLS version requests may use: 1.2 or 1.3. Plain HTTP is always denied.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html#example-object-tls-version
   * @default 1.2
   */
  readonly minimumTlsVersion?: number;

  /**
   * The bucket that receives server access logs. It must use SSE-S3: S3 cannot deliver server access
   * logs to a bucket whose default encryption is SSE-KMS.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshooting-server-access-logging.html
   * @default - a companion logs bucket (SSE-S3, TLS only, private, versioned), with the id `AccessLogs`
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * The key prefix of the server access log objects.
   *
   * @default - no prefix
   */
  readonly serverAccessLogsPrefix?: string;

  /**
   * Lifecycle rules, for example to expire noncurrent versions.
   *
   * @default - no lifecycle rules
   */
  readonly lifecycleRules?: s3.LifecycleRule[];

  /**
   * What happens to the bucket (and a key or logs bucket this construct creates) when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether to delete every object when the bucket is deleted, through a custom resource. Requires
   * `removalPolicy: RemovalPolicy.DESTROY`; meant for test stacks.
   *
   * @default false
   */
  readonly autoDeleteObjects?: boolean;

  /**
   * A prefix of the bucket name in the account-regional namespace (with `bucketNamespace: ACCOUNT_REGIONAL`),
   * as on `s3.Bucket`.
   *
   * @default - no prefix
   */
  readonly bucketNamePrefix?: string;

  /**
   * The namespace of the bucket name, as on `s3.Bucket`.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/gpbucketnamespaces.html
   * @default - the global namespace
   */
  readonly bucketNamespace?: s3.BucketNamespace;

  /**
   * Whether Object Lock is enabled: objects cannot be deleted or overwritten during their retention
   * period. It cannot be turned off once enabled.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
   * @default false
   */
  readonly objectLockEnabled?: boolean;

  /**
   * The default retention of new objects; implies `objectLockEnabled`.
   *
   * @default - no default retention
   */
  readonly objectLockDefaultRetention?: s3.ObjectLockRetention;

  /**
   * Whether attribute-based access control (tags in policies) is enabled for the bucket, as on `s3.Bucket`.
   *
   * @default - not set
   */
  readonly abacStatus?: boolean;

  /**
   * Whether S3 sends the bucket's events to Amazon EventBridge.
   *
   * @default false
   */
  readonly eventBridgeEnabled?: boolean;

  /**
   * The minimum object size lifecycle transitions apply to.
   *
   * @default - S3's default (128 KB for every storage class)
   */
  readonly transitionDefaultMinimumObjectSize?: s3.TransitionDefaultMinimumObjectSize;

  /**
   * The key format of server access log objects in the logs bucket.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html#server-access-logging-overview
   * @default - S3's default, no partitioning
   */
  readonly targetObjectKeyFormat?: s3.TargetObjectKeyFormat;

  /**
   * CORS rules, for browsers reading objects from other origins.
   *
   * @default - no CORS configuration
   */
  readonly cors?: s3.CorsRule[];

  /**
   * CloudWatch request metrics configurations.
   *
   * @default - no metrics configuration
   */
  readonly metrics?: s3.BucketMetrics[];

  /**
   * Inventory configurations. Inventory reports go to a bucket whose policy must let S3 write them.
   *
   * @default - no inventory
   */
  readonly inventories?: s3.Inventory[];

  /**
   * Intelligent-Tiering archive configurations.
   *
   * @default - none
   */
  readonly intelligentTieringConfigurations?: s3.IntelligentTieringConfiguration[];

  /**
   * Whether Transfer Acceleration is enabled.
   *
   * @default false
   */
  readonly transferAcceleration?: boolean;

  /**
   * The role of the handler that configures event notifications.
   *
   * @default - a new role
   */
  readonly notificationsHandlerRole?: iam.IRole;

  /**
   * Replication rules, each set up as `replicateTo()` does it (SSE-KMS objects, the replica key, the KMS
   * permissions on both keys), with every option of `s3.ReplicationRule`: filter by prefix and tags, priority,
   * delete markers, replication time control and metrics, replica modifications, owner translation.
   *
   * @default - no replication, unless `replicateTo()` is called
   */
  readonly replicationRules?: s3.ReplicationRule[];

  /**
   * The role S3 assumes to replicate. It gets a managed policy with what replication needs, and keys defined
   * in this app name it where their policy does not delegate to IAM.
   *
   * @default - a role is created when the bucket first replicates
   */
  readonly replicationRole?: iam.IRole;

  /**
   * Whether to skip the validation of SQS, SNS and Lambda notification destinations.
   *
   * @default false
   */
  readonly notificationsSkipDestinationValidation?: boolean;
}

/** Options of {@link EncryptedBucket.replicateTo}. */
export interface ReplicationOptions {
  /**
   * The key that encrypts replicas in the destination bucket.
   *
   * @default - the destination bucket's `encryptionKey`
   */
  readonly replicaKey?: kms.IKey;

  /**
   * Replicate only objects whose key starts with this prefix.
   *
   * @default - every object
   */
  readonly prefix?: string;

  /**
   * The storage class of the replicas.
   *
   * @default - the storage class of the source object
   */
  readonly storageClass?: s3.StorageClass;
}

/**
 * What `replicateTo` set up, and what a destination in another account must add itself.
 */
export interface ReplicationPermissions {
  /** The role S3 assumes to replicate objects of this bucket. */
  readonly role: iam.IRole;

  /**
   * Statements the destination bucket's policy must contain. Added when the destination bucket is
   * defined in this app; for an imported bucket in another account, the owner of that account adds them.
   */
  readonly destinationBucketPolicyStatements: iam.PolicyStatement[];

  /**
   * Statements the replica key's policy must contain. Added when the key is defined in this app; for an
   * imported key, the owner of that key adds them.
   */
  readonly replicaKeyPolicyStatements: iam.PolicyStatement[];
}

/**
 * An S3 bucket encrypted with a customer-managed KMS key that cannot be written any other way.
 *
 * - SSE-KMS with an S3 Bucket Key (or DSSE-KMS), SSE-C blocked, all public access blocked, ACLs
 *   disabled (`BucketOwnerEnforced`), versioning on, retained by default.
 * - The bucket policy denies plain HTTP and TLS below `minimumTlsVersion` for every action, and uploads
 *   that ask for another algorithm, another key, KMS without a key id (which would use `aws/s3`) or
 *   SSE-C. Header-less uploads get the default encryption, unless `requireEncryptionHeaders` is set.
 * - Server access logs go to an SSE-S3 companion bucket, or to the bucket you pass.
 * - `grant*` methods also grant the KMS actions S3 needs, only through S3 and only for this bucket's
 *   encryption context.
 * - `replicateTo` replicates SSE-KMS objects, with the KMS permissions replication needs.
 *
 * @resource AWS::S3::Bucket
 *
 * @example
 * declare const appRole: iam.IRole;
 * const bucket = new EncryptedBucket(this, 'Data');
 * bucket.grantReadWrite(appRole);
 */
export class EncryptedBucket extends s3.Bucket {
  /**
   * The id property injectors aim at to set defaults for every `EncryptedBucket` (injectors aimed at
   * `s3.Bucket.PROPERTY_INJECTION_ID` do not reach it). They receive and return `EncryptedBucketProps`.
   */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-kms-encryption.EncryptedBucket';

  /** The bucket that receives this bucket's server access logs. */
  public readonly serverAccessLogsBucket: s3.IBucket;

  /** The encryption this bucket requires. */
  public readonly encryptionType: KmsEncryptionType;

  /** `encryptionKey`, which this class always sets. */
  private readonly key: kms.IKey;
  /** The keys writes may name: `encryptionKey`, then `additionalAllowedKeys`. */
  private readonly allowedKeys: kms.IKey[];
  private replication?: { readonly role: iam.IRole; readonly policy: iam.ManagedPolicy };
  private readonly replicationRoleProp?: iam.IRole;
  private readonly replicationRules: s3.CfnBucket.ReplicationRuleProperty[] = [];

  /**
   * @param scope the construct the bucket is defined in
   * @param id the id of the bucket, unique within `scope`
   * @param props the options of the bucket
   */
  constructor(scope: Construct, id: string, props: EncryptedBucketProps = {}) {
    props = injectedProps(EncryptedBucket.PROPERTY_INJECTION_ID, scope, id, props);
    const encryptionType = props.encryptionType ?? KmsEncryptionType.SSE_KMS;
    throwIfInvalid(scope, validateProps(props), id);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // Construct children can only be added after super(), and s3.Bucket needs the key first.
    const encryptionKey = props.encryptionKey ?? new CustomerManagedKey(scope, `${id}Key`, {
      description: `Encrypts the objects of the S3 bucket ${scope.node.path}/${id}`,
      removalPolicy,
    });

    super(scope, id, skippingBaseInjector(scope, s3.Bucket.PROPERTY_INJECTION_ID, {
      bucketName: props.bucketName,
      encryption: encryptionType === KmsEncryptionType.DSSE_KMS ? s3.BucketEncryption.DSSE : s3.BucketEncryption.KMS,
      encryptionKey,
      // S3 Bucket Keys are not supported with DSSE-KMS.
      bucketKeyEnabled: encryptionType === KmsEncryptionType.SSE_KMS,
      blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C],
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: props.lifecycleRules,
      removalPolicy,
      autoDeleteObjects: props.autoDeleteObjects,
      bucketNamePrefix: props.bucketNamePrefix,
      bucketNamespace: props.bucketNamespace,
      objectLockEnabled: props.objectLockEnabled,
      objectLockDefaultRetention: props.objectLockDefaultRetention,
      abacStatus: props.abacStatus,
      eventBridgeEnabled: props.eventBridgeEnabled,
      transitionDefaultMinimumObjectSize: props.transitionDefaultMinimumObjectSize,
      cors: props.cors,
      metrics: props.metrics,
      inventories: props.inventories,
      intelligentTieringConfigurations: props.intelligentTieringConfigurations,
      transferAcceleration: props.transferAcceleration,
      notificationsHandlerRole: props.notificationsHandlerRole,
      notificationsSkipDestinationValidation: props.notificationsSkipDestinationValidation,
    }));

    this.key = encryptionKey;
    this.encryptionType = encryptionType;
    const hasLifecycleRules = (props.lifecycleRules ?? []).length > 0;
    this.serverAccessLogsBucket = props.serverAccessLogsBucket
      ?? this.defineAccessLogsBucket(removalPolicy, props.autoDeleteObjects, hasLifecycleRules);
    this.logTo(this.serverAccessLogsBucket, props.serverAccessLogsPrefix ?? '', props.targetObjectKeyFormat);
    requireSingleBucketPolicy(this, this.serverAccessLogsBucket);

    (this.node.defaultChild as s3.CfnBucket).replicationConfiguration = this.renderReplication();
    this.replicationRoleProp = props.replicationRole;
    acknowledgeApplicationChoices(this, hasLifecycleRules);
    if (encryptionType === KmsEncryptionType.DSSE_KMS) {
      acknowledgeDsseEncryption(this);
    }

    this.allowedKeys = [encryptionKey, ...props.additionalAllowedKeys ?? []];
    const denyStatements = enforcementStatements(this.bucketArn, {
      algorithm: encryptionType,
      // Aliases may be added to a key after the bucket is defined.
      allowedKeyIdentifiers: Lazy.uncachedList({ produce: () => this.allowedKeys.flatMap(keyIdentifiers) }),
      minimumTlsVersion: props.minimumTlsVersion,
      requireEncryptionHeaders: props.requireEncryptionHeaders,
    });
    denyStatements.forEach((statement) => this.addToResourcePolicy(statement));
    addBucketInvariantValidation({ bucket: this, algorithm: encryptionType, key: encryptionKey, denyStatements });
    addKeyCycleValidation(this, encryptionKey);
    if (props.requireEncryptionHeaders) {
      Annotations.of(this).addWarningV2('cdk-kms-encryption:requireEncryptionHeadersDeniesMultipartUploads', MULTIPART_WARNING);
    }
    for (const rule of props.replicationRules ?? []) {
      this.replicate(rule.destination, replicationSettings(rule));
    }
  }

  /**
   * Adds a statement to the bucket policy. An `Allow` for everyone (`*`, `AnyPrincipal`) fails unless a
   * condition pins the caller to a fixed value of `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`,
   * `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` or
   * `aws:userid`: Block Public Access would reject the policy at deployment.
   */
  public override addToResourcePolicy(permission: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    throwIfInvalid(this, present(publicStatementProblem(permission)));
    return super.addToResourcePolicy(permission);
  }

  /**
   * Grants the KMS part of every bucket grant (`grantRead`, `grantWrite`, `grantPut`, `grantReadWrite`,
   * `grants.*`): the actions S3 uses on the caller's behalf, only through S3 in this Region
   * (`kms:ViaService`) and only for this bucket's encryption context (`kms:EncryptionContext:aws:s3:arn`).
   * The key policy of a key defined in this app names the grantee too (always for a grantee of another
   * account, with `kms:CallerAccount`); it carries the encryption context only when `bucketName` is set
   * (the generated name would make the key depend on the bucket).
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
   */
  public override grantOnKey(grantee: iam.IGrantable, ...actions: string[]): iam.GrantOnKeyResult {
    const keyActions = s3KeyActions(actions);
    if (keyActions.length === 0) {
      return {};
    }
    const stack = Stack.of(this);
    const endpoint = regionalEndpoint('s3', this.env.region, stack.urlSuffix);
    const conditions = s3KeyUseConditions(endpoint, this.bucketArn);
    // Objects written under earlier generations of an ExternalKeyRing stay encrypted under those keys.
    const grant = withOtherGenerations(
      iam.Grant.addToPrincipal({ grantee, actions: keyActions, resourceArns: [this.key.keyArn], conditions }),
      this.key, grantee, keyActions, conditions,
    );
    // The IAM statement suffices while the key policy delegates to IAM; otherwise, and for grantees of
    // another account, the key policy names the grantee too (an imported key only through its owner).
    if (isDefinedInApp(this.key) && !delegatesToIam(this.key)) {
      throwIfInvalid(this, present(crossStackGranteeProblem(this.key, delegatesToIam(this.key), grantee)));
      const keyPolicyConditions = s3KeyPolicyConditions(endpoint, this.physicalName, stack);
      this.key.addToResourcePolicy(s3KeyPolicyStatement(grantee.grantPrincipal, keyActions, keyPolicyConditions));
    } else if (isOtherAccount(grantee.grantPrincipal.principalAccount, this)) {
      const keyPolicyConditions = isDefinedInApp(this.key)
        ? s3CrossAccountKeyPolicyConditions(endpoint, this.physicalName, grantee.grantPrincipal.principalAccount!, stack)
        : conditions;
      addToKeyPolicyOrWarn(this, this.key, s3KeyPolicyStatement(grantee.grantPrincipal, keyActions, keyPolicyConditions));
    }
    return { grant };
  }

  /**
   * Lets the principal read objects (`s3:GetObject*`, `s3:List*`) and decrypt them with the bucket's
   * key, through S3 only (see `grantOnKey`). Same as `grants.read()`; either is fine here.
   *
   * @param identity the principal
   * @param objectsKeyPattern restrict the grant to object keys matching this pattern (default: all)
   */
  public override grantRead(identity: iam.IGrantable, objectsKeyPattern?: any): iam.Grant {
    return super.grantRead(identity, objectsKeyPattern);
  }

  /**
   * Lets the principal write and delete objects and encrypt them with the bucket's key, through S3
   * only. Same as `grants.write()`; either is fine here.
   *
   * @param identity the principal
   * @param objectsKeyPattern restrict the grant to object keys matching this pattern (default: all)
   * @param allowedActionPatterns restrict the grant to these actions (default: all write actions)
   */
  public override grantWrite(identity: iam.IGrantable, objectsKeyPattern?: any, allowedActionPatterns?: string[]): iam.Grant {
    return super.grantWrite(identity, objectsKeyPattern, allowedActionPatterns);
  }

  /**
   * Lets the principal put objects and encrypt them with the bucket's key, through S3 only. Same as
   * `grants.put()`; either is fine here.
   *
   * @param identity the principal
   * @param objectsKeyPattern restrict the grant to object keys matching this pattern (default: all)
   */
  public override grantPut(identity: iam.IGrantable, objectsKeyPattern?: any): iam.Grant {
    return super.grantPut(identity, objectsKeyPattern);
  }

  /**
   * Lets the principal read, write and delete objects with the key permissions both need, through S3
   * only. Same as `grants.readWrite()`; either is fine here.
   *
   * @param identity the principal
   * @param objectsKeyPattern restrict the grant to object keys matching this pattern (default: all)
   */
  public override grantReadWrite(identity: iam.IGrantable, objectsKeyPattern?: any): iam.Grant {
    return super.grantReadWrite(identity, objectsKeyPattern);
  }

  /**
   * Not available: an EncryptedBucket blocks all public access whatever its props, so this always
   * fails. Grant named principals with `grantRead`, or serve objects through CloudFront with an origin
   * access control.
   *
   * @param keyPrefix not used
   * @param allowedActions not used
   */
  public override grantPublicAccess(keyPrefix?: string, ...allowedActions: string[]): iam.Grant {
    const request = [keyPrefix ?? '*', ...allowedActions].map((part) => `'${part}'`).join(', ');
    return failValidation(this, [
      `\`grantPublicAccess\` is not available on an EncryptedBucket, which blocks all public access, got grantPublicAccess(${request}). Grant named principals with grantRead, or serve the objects through CloudFront with an origin access control.`,
    ]);
  }

  /**
   * Replicates this bucket's objects, all of them SSE-KMS encrypted, into another bucket.
   *
   * Creates (once) the replication role, with `kms:Decrypt` on this bucket's key and
   * `kms:Encrypt`/`kms:GenerateDataKey` on the replica key, each only through S3 and for the bucket
   * concerned. Replicas are encrypted with `replicaKey`. Keys defined in this app get the matching
   * key-policy statements. For a destination in another account, the returned statements are added to
   * its bucket and key policies when they are defined in this app; otherwise a warning shows them, and
   * that account's owner adds them. Import such a destination with `s3.Bucket.fromBucketAttributes`,
   * giving its `account`, `region` and `encryptionKey`.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
   * @param destination a versioned bucket encrypted with a KMS key
   * @param options replica key, prefix and storage class
   */
  public replicateTo(destination: s3.IBucket, options: ReplicationOptions = {}): ReplicationPermissions {
    return this.replicate(destination, { replicaKey: options.replicaKey, prefix: options.prefix, storageClass: options.storageClass });
  }

  /** `replicateTo`, with every option of `s3.ReplicationRule`. */
  private replicate(destination: s3.IBucket, options: ReplicationSettings): ReplicationPermissions {
    const replicaKey = options.replicaKey ?? destination.encryptionKey;
    throwIfInvalid(this, present(replicaKeyProblem(destination.node.path, replicaKey)));
    const key = replicaKey!; // checked above
    if (destination instanceof EncryptedBucket) {
      throwIfInvalid(this, present(
        replicaKeyNotAllowedProblem(destination.node.path, key, destination.allowedKeys, Stack.of(this)),
        replicationEncryptionTypeProblem(destination.node.path, this.encryptionType, destination.encryptionType),
      ));
    }
    const { role, policy } = this.replication ??= this.defineReplicationRole();
    const prefix = options.prefix ?? '';
    const stack = Stack.of(this);
    const sourceEndpoint = regionalEndpoint('s3', this.env.region, stack.urlSuffix);
    const destinationEndpoint = regionalEndpoint('s3', destination.env.region, stack.urlSuffix);

    const sourceObjects = `${this.bucketArn}/${prefix}*`;
    const replicaObjects = `${destination.bucketArn}/${prefix}*`;
    policy.addStatements(
      new iam.PolicyStatement({ actions: REPLICATION_SOURCE_BUCKET_ACTIONS, resources: [this.bucketArn] }),
      new iam.PolicyStatement({ actions: REPLICATION_SOURCE_OBJECT_ACTIONS, resources: [sourceObjects] }),
      new iam.PolicyStatement({ actions: REPLICATION_DESTINATION_OBJECT_ACTIONS, resources: [replicaObjects] }),
      new iam.PolicyStatement({
        actions: [...S3_REPLICATION_SOURCE_KEY_ACTIONS],
        resources: [this.key.keyArn],
        conditions: s3KeyUseConditions(sourceEndpoint, this.bucketArn),
      }),
      new iam.PolicyStatement({
        actions: [...S3_REPLICATION_REPLICA_KEY_ACTIONS],
        resources: [key.keyArn],
        conditions: s3KeyUseConditions(destinationEndpoint, destination.bucketArn),
      }),
    );
    for (const objects of [sourceObjects, replicaObjects]) {
      Validations.of(policy.node.defaultChild!).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, objects)}]`,
        reason: 'Replication reads every new object version under the replicated prefix and writes its replica; object keys are not known in advance, so the object ARN ends in a wildcard.',
      });
    }
    // Key policies that do not delegate to IAM, or keys of another account, must name the role.
    if (isDefinedInApp(this.key) && !delegatesToIam(this.key)) {
      const keyPolicyConditions = s3KeyPolicyConditions(sourceEndpoint, this.physicalName, stack);
      this.key.addToResourcePolicy(s3KeyPolicyStatement(role, S3_REPLICATION_SOURCE_KEY_ACTIONS, keyPolicyConditions));
    }
    const replicaKeyStatements = (isDefinedInApp(key) && !delegatesToIam(key)) || isOtherAccount(key.env.account, this)
      ? [s3KeyPolicyStatement(role, S3_REPLICATION_REPLICA_KEY_ACTIONS, s3KeyPolicyConditions(destinationEndpoint, destination.bucketName, stack))]
      : [];
    replicaKeyStatements.forEach((statement) => addToKeyPolicyOrWarn(this, key, statement));

    const crossAccount = isOtherAccount(destination.env.account, this);
    const bucketStatements = crossAccount ? destinationBucketPolicyStatements(role, destination.bucketArn) : [];
    for (const statement of bucketStatements) {
      if (!destination.addToResourcePolicy(statement).statementAdded) {
        Annotations.of(this).addWarningV2(
          'cdk-kms-encryption:replicationDestinationPolicyNotEditable',
          `The bucket policy of ${destination.node.path} cannot be edited in this app. Its owner must add this statement, or replication will fail: ${JSON.stringify(stack.resolve(statement.toStatementJson()))}`,
        );
      }
    }

    const tags = options.tags ?? [];
    const replicationTime = options.replicationTimeControl;
    const metricsThreshold = options.metrics ?? replicationTime;
    this.replicationRules.push({
      id: options.id ?? `ReplicateTo${this.replicationRules.length}`,
      priority: options.priority ?? this.replicationRules.length,
      status: 'Enabled',
      filter: tags.length === 0 ? { prefix } : { and: { prefix: prefix || undefined, tagFilters: tags } },
      deleteMarkerReplication: { status: options.deleteMarkerReplication ? 'Enabled' : 'Disabled' },
      sourceSelectionCriteria: {
        sseKmsEncryptedObjects: { status: 'Enabled' },
        replicaModifications: options.replicaModifications === undefined ? undefined : { status: options.replicaModifications ? 'Enabled' : 'Disabled' },
      },
      destination: {
        bucket: destination.bucketArn,
        account: crossAccount ? destination.env.account : undefined,
        accessControlTranslation: crossAccount || options.accessControlTransition ? { owner: 'Destination' } : undefined,
        encryptionConfiguration: { replicaKmsKeyId: key.keyArn },
        storageClass: options.storageClass?.toString(),
        replicationTime: replicationTime && { status: 'Enabled', time: { minutes: replicationTime.minutes } },
        metrics: metricsThreshold && { status: 'Enabled', eventThreshold: { minutes: metricsThreshold.minutes } },
      },
    });
    return {
      role,
      destinationBucketPolicyStatements: bucketStatements,
      replicaKeyPolicyStatements: isOtherAccount(key.env.account, this) ? replicaKeyStatements : [],
    };
  }

  /**
   * The companion logs bucket: SSE-S3 (the only encryption S3 log delivery supports), TLS only, private.
   * When this bucket has lifecycle rules, only the logs bucket still has lifecycle findings to acknowledge.
   */
  private defineAccessLogsBucket(removalPolicy: RemovalPolicy, autoDeleteObjects: boolean | undefined, hasLifecycleRules: boolean): s3.Bucket {
    const logs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C],
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy,
      autoDeleteObjects,
    });
    logs.addToResourcePolicy(denyInsecureTransport(logs.bucketArn));
    logs.addToResourcePolicy(denyOutdatedTls(logs.bucketArn, 1.2));
    acknowledgeAccessLogsBucketFindings(logs, hasLifecycleRules);
    return logs;
  }

  private logTo(logsBucket: s3.IBucket, prefix: string, keyFormat?: s3.TargetObjectKeyFormat): void {
    (this.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: logsBucket.bucketName,
      logFilePrefix: prefix || undefined,
      // Rendered as s3.Bucket renders it for its own logging configuration (an internal of TargetObjectKeyFormat).
      targetObjectKeyFormat: (keyFormat as unknown as { _render(): s3.CfnBucket.TargetObjectKeyFormatProperty } | undefined)?._render(),
    };
    const statement = allowLogDelivery(logsBucket.bucketArn, prefix, this.bucketArn, Stack.of(this).account);
    if (!logsBucket.addToResourcePolicy(statement).statementAdded) {
      Annotations.of(this).addWarningV2(
        'cdk-kms-encryption:accessLogsPolicyNotEditable',
        `The bucket policy of ${logsBucket.node.path} cannot be edited in this app. Add this statement to it, or S3 cannot deliver server access logs: ${JSON.stringify(Stack.of(this).resolve(statement.toStatementJson()))}`,
      );
    }
  }

  /**
   * The role S3 assumes to replicate, with a managed policy (compliance packs flag inline policies). Its
   * object statements end in `/<prefix>*`: replication reads every new object version and writes its
   * replica, whose keys cannot be listed in advance.
   */
  private defineReplicationRole(): { role: iam.IRole; policy: iam.ManagedPolicy } {
    const role = this.replicationRoleProp ?? new iam.Role(this, 'ReplicationRole', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: `Replicates the objects of ${this.node.path}`,
      // A physical name lets a destination in another account name the role in its policies.
      roleName: PhysicalName.GENERATE_IF_NEEDED,
    });
    const policy = new iam.ManagedPolicy(this, 'ReplicationPolicy', { roles: [role] });
    this.replicationRoleArn = role.roleArn;
    return { role, policy };
  }

  /** Rendered at synth time, from the rules `replicateTo` added. */
  private renderReplication(): IResolvable {
    return Lazy.any({
      produce: () => this.replication === undefined
        ? undefined
        : { role: this.replication.role.roleArn, rules: this.replicationRules },
    });
  }
}

const MULTIPART_WARNING = '`requireEncryptionHeaders` denies every multipart upload: S3 authorizes UploadPart and CompleteMultipartUpload as s3:PutObject without encryption headers, and no bucket policy can tell them from a header-less PutObject. Clients must write each object in one PutObject or CopyObject (up to 5 GB) with the headers. Leave the option out to allow multipart uploads: header-less uploads then get this bucket\'s key, and every write naming another algorithm, key or SSE-C is still denied.';

/** The compliance packs that check S3 replication and KMS default encryption. */
const REPLICATION_AND_KMS_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/**
 * Choices only the application can make, for the bucket and its companion logs bucket alike. They are
 * acknowledged once, on this construct, which covers both buckets below it (and nothing else these
 * bucket rules check): every acknowledgement records a stack trace, a cost paid on each synth.
 */
function acknowledgeApplicationChoices(bucket: EncryptedBucket, hasLifecycleRules: boolean): void {
  for (const pack of REPLICATION_AND_KMS_PACKS) {
    Validations.of(bucket).acknowledge({
      id: `${pack}::${pack}-S3BucketReplicationEnabled`,
      reason: 'Replication needs a second bucket in another Region or account, with its own key: a disaster-recovery choice the application makes by calling replicateTo(), which adds the replication configuration. The companion access-logs bucket holds best-effort request records written by S3 itself; replicating them would need another SSE-S3 logs bucket with the same finding.',
    });
  }
  acknowledgeNotificationAndLockChoices(bucket);
  if (!hasLifecycleRules) {
    acknowledgeLifecycleChoice(bucket);
  }
}

/**
 * AWS Control Tower proactive controls (cfn-guard) on who is told of changes and whether objects can be
 * locked: choices the application makes, which a library default could only make by locking data.
 */
function acknowledgeNotificationAndLockChoices(scope: IConstruct): void {
  Validations.of(scope).acknowledge(
    {
      id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
      reason: 'Event notifications need a destination only the application knows (an SNS topic, SQS queue, Lambda function or EventBridge); add them with addEventNotification().',
    },
    {
      id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
      reason: 'Object Lock makes objects undeletable for a retention period the application must choose for its data and regulations; it cannot be turned off once enabled.',
    },
  );
}

/** The Control Tower lifecycle controls (cfn-guard), which pass once the bucket has lifecycle rules. */
function acknowledgeLifecycleChoice(scope: IConstruct): void {
  const reason = 'How long current and noncurrent versions are kept is the application\'s data-retention decision; a default would delete data. Pass lifecycleRules to set it for the bucket.';
  Validations.of(scope).acknowledge(
    { id: 'cdk-validator-cfnguard::s3_lifecycle_policy_check', reason },
    { id: 'cdk-validator-cfnguard::s3_version_lifecycle_policy_check', reason },
  );
}

/** The packs' KMS-encryption rule compares the algorithm with `aws:kms` only; DSSE-KMS is KMS encryption too. */
function acknowledgeDsseEncryption(bucket: s3.Bucket): void {
  const reason = 'The bucket uses dual-layer DSSE-KMS (aws:kms:dsse) with a customer-managed key, which is stronger than the SSE-KMS the rule looks for; the rule only recognizes the algorithm name aws:kms.';
  for (const pack of REPLICATION_AND_KMS_PACKS) {
    Validations.of(bucket.node.defaultChild!).acknowledge({ id: `${pack}::${pack}-S3DefaultEncryptionKMS`, reason });
  }
  skipScannerChecks(bucket, reason, { checkov: ['CKV_AWS_19'] });
}

/**
 * What the companion logs bucket cannot satisfy, by the nature of S3 server access logging, and, when
 * only it lacks lifecycle rules, its lifecycle findings (otherwise acknowledged once for both buckets).
 */
function acknowledgeAccessLogsBucketFindings(logs: s3.Bucket, hasOwnLifecycleFindings: boolean): void {
  for (const pack of REPLICATION_AND_KMS_PACKS) {
    Validations.of(logs.node.defaultChild!).acknowledge({
      id: `${pack}::${pack}-S3DefaultEncryptionKMS`,
      reason: 'S3 delivers server access logs only to buckets whose default encryption is SSE-S3, not SSE-KMS (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshooting-server-access-logging.html).',
    });
  }
  // [Control Tower rule, the same check in checkov, reason]
  const controlTower: Array<[string, string | undefined, string]> = [
    ['s3_bucket_default_encryption_kms_check', undefined, 'S3 delivers server access logs only to buckets whose default encryption is SSE-S3, not SSE-KMS (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshooting-server-access-logging.html).'],
    ['s3_bucket_logging_enabled_check', 'CKV_AWS_18', 'This is the access-logs bucket: logging its own access into itself would log every delivery, without end.'],
  ];
  for (const [rule, checkov, reason] of controlTower) {
    Validations.of(logs.node.defaultChild!).acknowledge({ id: `cdk-validator-cfnguard::${rule}`, reason });
    skipScannerChecks(logs, reason, { checkov: checkov ? [checkov] : [] });
  }
  if (hasOwnLifecycleFindings) {
    acknowledgeLifecycleChoice(logs.node.defaultChild!);
  }
}

function validateProps(props: EncryptedBucketProps): string[] {
  return present(
    ...refusedBucketPropProblems(props),
    props.encryptionKey && keyArnProblem('encryptionKey', props.encryptionKey.keyArn),
    props.encryptionKey && symmetricKeyProblem('encryptionKey', props.encryptionKey),
    minimumTlsVersionProblem(props.minimumTlsVersion),
    autoDeleteObjectsProblem(props.autoDeleteObjects, props.removalPolicy),
    ...(props.additionalAllowedKeys ?? []).map((key, index) => keyArnProblem(`additionalAllowedKeys[${index}]`, key.keyArn)),
    serverAccessLogsBucketProblem(props.serverAccessLogsBucket),
    ...(props.replicationRules ?? []).flatMap(replicationRuleProblems),
  );
}

/** Whether a key is defined in this app, so its key policy can be edited here. */
function isDefinedInApp(key: kms.IKey): boolean {
  return key.node.defaultChild instanceof kms.CfnKey;
}

/**
 * Whether IAM policies of this account decide who uses a key defined in this app. aws-cdk-lib keys
 * always keep the account-root statement (`@aws-cdk/aws-kms:defaultKeyPolicies`) unless given a
 * custom `policy`, which this library's keys never are.
 */
function delegatesToIam(key: kms.IKey): boolean {
  return key instanceof CustomerManagedKey || key instanceof ReplicaKey ? key.trustsAccountIdentities : true;
}

/** Whether an account is known and differs from the construct's. */
function isOtherAccount(account: string | undefined, scope: Construct): boolean {
  const own = Stack.of(scope).account;
  return account !== undefined && !Token.isUnresolved(account) && !Token.isUnresolved(own) && account !== own;
}

/** What one replication rule sets: `ReplicationOptions` and the rest of `s3.ReplicationRule`. */
interface ReplicationSettings extends ReplicationOptions {
  readonly id?: string;
  readonly priority?: number;
  readonly tags?: s3.CfnBucket.TagFilterProperty[];
  readonly deleteMarkerReplication?: boolean;
  readonly replicationTimeControl?: s3.ReplicationTimeValue;
  readonly metrics?: s3.ReplicationTimeValue;
  readonly replicaModifications?: boolean;
  readonly accessControlTransition?: boolean;
}

function replicationSettings(rule: s3.ReplicationRule): ReplicationSettings {
  return {
    replicaKey: rule.kmsKey,
    prefix: rule.filter?.prefix,
    storageClass: rule.storageClass,
    id: rule.id,
    priority: rule.priority,
    tags: rule.filter?.tags?.map((tag) => ({ key: tag.key, value: tag.value })),
    deleteMarkerReplication: rule.deleteMarkerReplication,
    replicationTimeControl: rule.replicationTimeControl,
    metrics: rule.metrics,
    replicaModifications: rule.replicaModifications,
    accessControlTransition: rule.accessControlTransition,
  };
}
