import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct, IMixin } from 'constructs';
import { KEY_PROPERTY_RETROFITS } from './private/key-property-retrofits';
import { KeyChange, REPLACEMENT_ROWS, ReplacementRow, fateOfReplaced } from './private/replacement-retrofits';
import { RETROFITS } from './private/retrofits';
import { isManagedByThisLibrary } from './private/scope';
import { StackIndex } from './private/stack-index';
import { asTemplateResource } from './private/template-resource';
import { RULES, RuleDefinition } from '../checks/private/rules';
import { CustomerManagedKey } from '../kms/customer-managed-key';
import { addToKeyPolicyOrWarn } from '../private/key-use/key-policy';
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

  /**
   * Whether to also set the key on resources whose key is set at creation: EFS file systems, ElastiCache
   * replication groups and serverless caches, Backup vaults, ECR repositories, Step Functions activities, RDS
   * instances and clusters, DocumentDB and Neptune clusters, OpenSearch domains whose template already has
   * encryption-at-rest options, and EBS volumes. For apps or resources not deployed yet: CloudFormation replaces a
   * deployed one with a new, empty one (and keeps, snapshots or deletes the old one as its `UpdateReplacePolicy`
   * says), or, for an EBS volume, fails the update. A `cdk-kms-encryption:encryptedByReplacement` warning names
   * each such resource and what happens to a deployed one.
   *
   * @default false - they keep their encryption, with a `cdk-kms-encryption:encryptionNotRetrofitted` warning
   */
  readonly allowReplacement?: boolean;
}

/**
 * Brings the resources of an existing app under a customer-managed KMS key in place, without replacing
 * them (logical ids and physical resources stay): S3 buckets (SSE-KMS with an S3 Bucket Key, SSE-C
 * blocked, the bucket policy of an `EncryptedBucket`), CloudWatch log groups, Secrets Manager secrets,
 * SQS queues, SNS topics, DynamoDB tables and global tables, Kinesis streams, Firehose delivery streams,
 * CloudTrail trails, Step Functions state machines, CodeBuild projects, EC2 launch templates and OpenSearch
 * domains without encryption-at-rest options, each with the key-policy statement its service needs.
 * Principals already granted access through IAM policies of the resource's stack get the KMS actions the
 * service needs for them, only through that service.
 *
 * Mixins apply when called, to the constructs that exist then: apply it after defining the resources and
 * their grants (one instance per application: it indexes each stack's policies when it first meets it).
 * What it cannot fix gets a warning with a stable id: a resource already encrypted with another
 * customer-managed key (`cdk-kms-encryption:otherCustomerManagedKey`), a bucket receiving logs AWS delivers
 * only to SSE-S3 buckets: S3 server access logs, Application and Classic Load Balancer logs, CloudFront
 * standard logs (`cdk-kms-encryption:accessLogsTargetNotRetrofitted`), a resource whose key is set at
 * creation, such as EFS, ElastiCache, Backup vaults, ECR repositories, EBS volumes, RDS, DocumentDB and
 * Neptune (`cdk-kms-encryption:encryptionNotRetrofitted`), unless `allowReplacement` sets their key too, with
 * a warning each. Constructs of this library are left alone: they manage their own keys.
 *
 * @example
 * declare const app: App;
 * Mixins.of(app).apply(new CustomerManagedEncryption());
 * // An app not deployed yet: also resources whose key is set at creation.
 * Mixins.of(app).apply(new CustomerManagedEncryption({ allowReplacement: true }));
 */
export class CustomerManagedEncryption implements IMixin {
  /** The id of the key defined in each stack when no `key` is given. */
  public static readonly DEFAULT_KEY_ID = 'CustomerManagedEncryptionKey';

  private readonly key?: kms.IKey;
  private readonly allowReplacement: boolean;
  /** Each stack's policies and buckets, collected when the mixin first meets the stack. */
  private readonly indexes = new Map<Stack, StackIndex>();

  constructor(props: CustomerManagedEncryptionProps = {}) {
    throwIfInvalidFor('CustomerManagedEncryption', present(props.key && symmetricKeyProblem('key', props.key)));
    this.key = props.key;
    this.allowReplacement = props.allowReplacement ?? false;
  }

  /** Every CloudFormation resource the mixin encrypts or reports on, outside this library's constructs. */
  public supports(construct: IConstruct): boolean {
    return CfnResource.isCfnResource(construct)
      && (retrofitOf(construct.cfnResourceType) !== undefined || SET_AT_CREATION.has(construct.cfnResourceType))
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
      this.encryptAtCreation(resource, SET_AT_CREATION.get(resource.cfnResourceType)!);
      return;
    }
    retrofit(resource, this.keyFor(resource), this.indexOf(Stack.of(resource)));
  }

  /**
   * A resource whose key is set at creation, when EncryptionChecks' rule for the type finds it without a
   * customer-managed key: encrypted where that is an update in place or `allowReplacement` is set, with a warning
   * naming the replacement; otherwise a warning why not. A key reference is judged at synthesis.
   */
  private encryptAtCreation(resource: CfnResource, { row, rule }: SetAtCreation): void {
    const { resource: synthesized, app } = asTemplateResource(resource);
    const finding = rule.check(synthesized, app);
    if (!finding?.checked) {
      return;
    }
    const change = row.keyChange(synthesized.properties);
    if (change !== KeyChange.IN_PLACE && !this.allowReplacement) {
      Annotations.of(resource).addWarningV2('cdk-kms-encryption:encryptionNotRetrofitted', notRetrofittedMessage(resource, row, change, finding.message));
      return;
    }
    const key = this.keyFor(resource);
    for (const [name, value] of Object.entries(row.encryption(key))) {
      resource.addPropertyOverride(name, value);
    }
    row.keyPolicy(Stack.of(resource)).forEach((statement) => addToKeyPolicyOrWarn(resource, key, statement));
    if (change !== KeyChange.IN_PLACE) {
      const named = row.nameProperty !== undefined && synthesized.properties[row.nameProperty] !== undefined ? row.nameProperty : undefined;
      Annotations.of(resource).addWarningV2('cdk-kms-encryption:encryptedByReplacement', replacementMessage(resource, row, change, named));
    }
  }

  /** The mixin's key for the resource's stack, in the resource's Region. */
  private keyFor(resource: CfnResource): kms.IKey {
    const key = this.key ?? defaultKey(Stack.of(resource));
    throwIfInvalid(resource, present(regionProblem(resource, key)));
    return key;
  }

  private indexOf(stack: Stack): StackIndex {
    const index = this.indexes.get(stack) ?? new StackIndex(stack);
    this.indexes.set(stack, index);
    return index;
  }
}

/** A resource type whose key is set at creation, and the EncryptionChecks rule that finds it without a customer-managed key. */
interface SetAtCreation {
  readonly row: ReplacementRow;
  readonly rule: RuleDefinition;
}

/** The types of replacement-retrofits.ts, each with the EncryptionChecks rule that decides whether a resource needs the key. */
const SET_AT_CREATION = new Map<string, SetAtCreation>(REPLACEMENT_ROWS.map((row) => [row.resourceType, {
  row, rule: RULES.find((rule) => rule.id.endsWith('KmsCmk') && rule.resourceTypes.includes(row.resourceType))!,
}]));

/** The retrofit of a resource type: the six of retrofits.ts, or a row of key-property-retrofits.ts. */
function retrofitOf(resourceType: string) {
  return RETROFITS[resourceType] ?? KEY_PROPERTY_RETROFITS[resourceType];
}

/** Why the mixin leaves a resource whose key is set at creation as it is, with the rule's finding. */
function notRetrofittedMessage(resource: CfnResource, row: ReplacementRow, change: KeyChange, finding: string): string {
  const why = change === KeyChange.FAILS
    ? `its key is set at creation, and a deployed ${row.noun} can neither change it nor be replaced by CloudFormation for it`
    : 'its key is set at creation, and a new key replaces the resource';
  return `CustomerManagedEncryption cannot bring ${resource.node.path} (${resource.cfnResourceType}) under a customer-managed key in place: ${why}. ${finding} `
    + `For a ${row.noun} not deployed yet, apply CustomerManagedEncryption with \`allowReplacement: true\`.`;
}

/** What the key means for the resource if it is already deployed. */
function replacementMessage(resource: CfnResource, row: ReplacementRow, change: KeyChange, nameProperty: string | undefined): string {
  const what = `CustomerManagedEncryption sets the key of ${resource.node.path} (${resource.cfnResourceType}) because of \`allowReplacement\`: `;
  if (change === KeyChange.FAILS) {
    return `${what}if the ${row.noun} is already deployed, the update fails and rolls back, since EBS cannot encrypt an existing volume or change its key. `
      + 'For a deployed volume, copy a snapshot of it with the key and create the volume from the copy instead.';
  }
  const named = nameProperty === undefined ? ''
    : ` Its name (\`${nameProperty}\`) is fixed, so for a deployed one the update fails until the name changes: CloudFormation replaces only resources it names itself.`;
  return `${what}if the ${row.noun} is already deployed, CloudFormation replaces it with a new, empty one and ${fateOfReplaced(resource)}.${named}`;
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
