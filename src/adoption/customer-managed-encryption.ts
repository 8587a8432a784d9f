import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct, IMixin } from 'constructs';
import { KEY_PROPERTY_RETROFITS, REPLACED_BY_A_NEW_KEY } from './private/key-property-retrofits';
import { RETROFITS } from './private/retrofits';
import { isManagedByThisLibrary } from './private/scope';
import { StackIndex } from './private/stack-index';
import { asTemplateResource } from './private/template-resource';
import { RULES } from '../checks/private/rules';
import { CustomerManagedKey } from '../kms/customer-managed-key';
import { symmetricKeyProblem } from '../private/key-use/key-spec';
import { present, throwIfInvalid, throwIfInvalidFor } from '../private/validation';

/** Properties of {@link CustomerManagedEncryption}. */
export interface CustomerManagedEncryptionProps {
  /**
   * The symmetric customer-managed key every supported resource below the scope is encrypted with. It must
   * be in the Region of those resources; its policy gets the statements each service needs (an imported
   * key's policy cannot be edited: a `cdk-kms-encryption:keyPolicyNotEditable` warning shows them).
   *
   * @default - one CustomerManagedKey per stack, `CustomerManagedEncryptionKey` at the stack's root
   */
  readonly key?: kms.IKey;
}

/**
 * Brings the resources of an existing app under a customer-managed KMS key in place, without replacing
 * them (logical ids and physical resources stay): S3 buckets (SSE-KMS with an S3 Bucket Key, SSE-C
 * blocked, the bucket policy of an `EncryptedBucket`), CloudWatch log groups, Secrets Manager secrets,
 * SQS queues, SNS topics, DynamoDB tables and global tables, Kinesis streams, Firehose delivery streams,
 * CloudTrail trails, Step Functions state machines, CodeBuild projects and EC2 launch templates, each with the key-policy statement its
 * service needs.
 * Principals already granted access through IAM policies of the resource's stack get the KMS actions the
 * service needs for them, only through that service.
 *
 * Mixins apply when called, to the constructs that exist then: apply it after defining the resources and
 * their grants (one instance per application: it indexes each stack's policies when it first meets it). What it cannot fix gets a warning with a stable id: a resource already encrypted with
 * another customer-managed key (`cdk-kms-encryption:otherCustomerManagedKey`), a bucket receiving logs AWS
 * delivers only to SSE-S3 buckets: S3 server access logs, Application and Classic Load Balancer logs,
 * CloudFront standard logs (`cdk-kms-encryption:accessLogsTargetNotRetrofitted`), a resource type whose key
 * cannot change in place, such as EFS, ElastiCache, Backup vaults, ECR repositories, EBS volumes and RDS
 * (`cdk-kms-encryption:encryptionNotRetrofitted`). Constructs of this library are left
 * alone: they manage their own keys.
 *
 * @example
 * declare const app: App;
 * Mixins.of(app).apply(new CustomerManagedEncryption());
 */
export class CustomerManagedEncryption implements IMixin {
  /** The id of the key defined in each stack when no `key` is given. */
  public static readonly DEFAULT_KEY_ID = 'CustomerManagedEncryptionKey';

  private readonly key?: kms.IKey;
  /** Each stack's policies and buckets, collected when the mixin first meets the stack. */
  private readonly indexes = new Map<Stack, StackIndex>();

  constructor(props: CustomerManagedEncryptionProps = {}) {
    throwIfInvalidFor('CustomerManagedEncryption', present(props.key && symmetricKeyProblem('key', props.key)));
    this.key = props.key;
  }

  /** Every CloudFormation resource the mixin encrypts or reports on, outside this library's constructs. */
  public supports(construct: IConstruct): boolean {
    return CfnResource.isCfnResource(construct)
      && (retrofitOf(construct.cfnResourceType) !== undefined || NOT_RETROFITTED.has(construct.cfnResourceType))
      && !isManagedByThisLibrary(construct);
  }

  /** Encrypts one resource with the key, or warns why it cannot. */
  public applyTo(construct: IConstruct): void {
    if (!this.supports(construct)) {
      return;
    }
    const resource = construct as CfnResource;
    const retrofit = retrofitOf(resource.cfnResourceType);
    if (retrofit === undefined) {
      warnNotRetrofitted(resource);
      return;
    }
    const stack = Stack.of(resource);
    const key = this.key ?? defaultKey(stack);
    throwIfInvalid(resource, present(regionProblem(resource, key)));
    retrofit(resource, key, this.indexOf(stack));
  }

  private indexOf(stack: Stack): StackIndex {
    const index = this.indexes.get(stack) ?? new StackIndex(stack);
    this.indexes.set(stack, index);
    return index;
  }
}

/**
 * EBS volumes and RDS storage take their key only at creation: a new key replaces the resource, so the
 * mixin reports them with EncryptionChecks' rule for the type instead of changing them.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html#Overview.Encryption.Limitations
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
 */
const NOT_RETROFITTED = new Map(['AWS::EC2::Volume', 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', ...REPLACED_BY_A_NEW_KEY].map((type) =>
  [type, RULES.find((rule) => rule.id.endsWith('KmsCmk') && rule.resourceTypes.includes(type))!]));

/** The retrofit of a resource type: the six of retrofits.ts, or a row of key-property-retrofits.ts. */
function retrofitOf(resourceType: string) {
  return RETROFITS[resourceType] ?? KEY_PROPERTY_RETROFITS[resourceType];
}

/** Warns when the rule finds the resource without a customer-managed key; a key reference is judged at synthesis. */
function warnNotRetrofitted(resource: CfnResource): void {
  const { resource: synthesized, app } = asTemplateResource(resource);
  const finding = NOT_RETROFITTED.get(resource.cfnResourceType)?.check(synthesized, app);
  if (!finding?.checked) {
    return;
  }
  Annotations.of(resource).addWarningV2('cdk-kms-encryption:encryptionNotRetrofitted',
    `CustomerManagedEncryption cannot bring ${resource.node.path} (${resource.cfnResourceType}) under a customer-managed key in place: its key is set at creation, and a new key replaces the resource. ${finding.message}`);
}

/** The stack's key for the mixin, defined once at the stack's root under a stable id. */
function defaultKey(stack: Stack): kms.IKey {
  const existing = stack.node.tryFindChild(CustomerManagedEncryption.DEFAULT_KEY_ID);
  return existing as kms.IKey | undefined ?? new CustomerManagedKey(stack, CustomerManagedEncryption.DEFAULT_KEY_ID, {
    description: `Encrypts the resources of ${stack.node.path} that CustomerManagedEncryption brought under a customer-managed key`,
  });
}

/** A KMS key encrypts data only in its own Region. */
function regionProblem(resource: CfnResource, key: kms.IKey): string | undefined {
  const keyRegion = key.env.region;
  const region = Stack.of(resource).region;
  if (Token.isUnresolved(keyRegion) || Token.isUnresolved(region) || keyRegion === region) {
    return undefined;
  }
  return `\`key\` must be in the Region of the resource (${region}), got a key in ${keyRegion}. Pass a key of ${region}, or apply CustomerManagedEncryption without \`key\` to define one per stack.`;
}
