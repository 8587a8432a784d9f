import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  accountsAudience,
  autoScalingGrantCreationStatement,
  autoScalingGrantStatement,
  autoScalingRoleArn,
  autoScalingRoleOfCaller,
  copyActionsStatement,
  copyKeyGrantStatement,
  copyKeyUseStatement,
  organizationAudience,
  SharingAudience,
  snapshotGrantStatement,
  snapshotUseStatement,
  unique,
  viaServiceEndpoints,
} from './private/statements';
import { autoScalingProblem, keyWildcardProblem, regionProblem, servicesProblems, sharingProblems } from './private/validation';
import { SnapshotService } from './snapshot-service';
import { exemptGranteeFromGrantLimit } from '../kms/private/intents';
import { acknowledgeOrganizationPrincipal } from '../private/acknowledgements';
import { injectedProps } from '../private/injection';
import { missingPropProblems, present, throwIfInvalid, throwIfInvalidFor } from '../private/validation';

/** What is shared and with whom: the props of a {@link SnapshotSharingGrant} without the key. */
export interface SnapshotSharingOptions {
  /**
   * The accounts the snapshots are shared with (12-digit ids), not including the key's own account.
   *
   * @default - no accounts; `organizationId` must be set
   */
  readonly accounts?: string[];

  /**
   * An AWS Organization whose accounts the snapshots are shared with (`o-` followed by 10 to 32 lowercase
   * letters or digits).
   *
   * @default - no organization; `accounts` must name at least one account
   */
  readonly organizationId?: string;

  /** The services whose snapshots or images are shared. */
  readonly services: SnapshotService[];

  /**
   * Regions besides the key's own from which the target accounts use the key through the services, for
   * example to copy a shared snapshot into another Region.
   *
   * @default - only the key's Region
   */
  readonly additionalRegions?: string[];

  /**
   * Whether the target accounts may give their EC2 Auto Scaling service-linked role
   * (`AWSServiceRoleForAutoScaling`) the KMS grant it needs to launch instances from a shared AMI.
   *
   * Auto Scaling cannot use a key of another account through the key policy alone: AWS documents a grant,
   * created from the target account, for that account's service-linked role. The key policy then allows
   * the target accounts to create exactly that grant, for their own role and with the operations EBS
   * needs, and nothing else; the key's deny of grants outside AWS services stays for every other grantee
   * (`kms:GranteePrincipal`). Requires `SnapshotService.AMI`.
   *
   * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html#policy-example-cmk-cross-account-access
   * @default false
   */
  readonly autoScalingServiceLinkedRole?: boolean;
}

/** Properties of a {@link SnapshotSharingGrant}. */
export interface SnapshotSharingGrantProps extends SnapshotSharingOptions {
  /**
   * The customer managed key the shared snapshots are encrypted with. It must be defined in this app so
   * its key policy can be edited; AWS managed keys (`aws/ebs`, `aws/rds`) cannot be shared at all.
   */
  readonly key: kms.IKey;
}

/** What a role in the target account copies, and with which keys. */
export interface SnapshotCopyPolicyOptions {
  /**
   * The key of the sharing account that the shared snapshots are encrypted with, imported in the target
   * account's app, for example with `kms.Key.fromKeyArn`. Its ARN names one key: a wildcard (`key/*`) is
   * refused, since the role could then use every key it matches.
   */
  readonly sharedKey: kms.IKey;

  /** The target account's own key that the copies are encrypted with; like `sharedKey`, one key. */
  readonly copyKey: kms.IKey;

  /** The services whose shared snapshots or images the role copies. */
  readonly services: SnapshotService[];

  /**
   * Regions besides the shared key's and the copy key's from which the role uses the keys through the services.
   *
   * @default - the shared key's Region and the copy key's Region
   */
  readonly additionalRegions?: string[];

  /**
   * Whether the role may create the grant the account's EC2 Auto Scaling service-linked role needs to
   * launch instances from a shared AMI (see `SnapshotSharingOptions.autoScalingServiceLinkedRole`).
   *
   * @default false
   */
  readonly autoScalingServiceLinkedRole?: boolean;
}

/**
 * Lets other accounts, or the accounts of an organization, copy and restore EBS snapshots, RDS and Aurora
 * snapshots and AMIs encrypted with a customer managed key, by adding least-privilege statements to the
 * key's policy.
 *
 * The target accounts may describe the key, decrypt, re-encrypt and generate data keys, and create grants
 * only for AWS resources, all only through the chosen services (`kms:ViaService`) in the key's Region and
 * the additional Regions, and only as callers from the target accounts. They can neither encrypt with the
 * key directly nor administer it.
 *
 * Sharing the snapshots themselves (`ModifySnapshotAttribute`, `ModifyDBSnapshotAttribute`,
 * `ModifyImageAttribute`) stays with you; the target account's role needs the policy from
 * `SnapshotSharingGrant.targetAccountPolicy`.
 *
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/share-kms-key.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/share-encrypted-snapshot.html
 *
 * @example
 * const key = new CustomerManagedKey(this, 'BackupKey');
 * new SnapshotSharingGrant(this, 'ShareWithRecovery', {
 *   key,
 *   accounts: ['111122223333'],
 *   services: [SnapshotService.EBS],
 * });
 */
export class SnapshotSharingGrant extends Construct {
  /**
   * The id property injectors aim at to set defaults for every `SnapshotSharingGrant`. They receive and
   * return `SnapshotSharingGrantProps`.
   */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-kms-encryption.SnapshotSharingGrant';

  /**
   * The IAM policy a role in the target account needs to copy shared snapshots or images and re-encrypt
   * the copies with the account's own key: use of both keys through the services, grants for AWS resources
   * only, and the services' copy and describe actions.
   *
   * Attach it to the role in the target account's app (`new iam.Policy(this, 'Copy', { document, roles })`).
   * Invalid options, a key ARN with a wildcard among them, fail with an error on `copyKey`.
   */
  public static targetAccountPolicy(options: SnapshotCopyPolicyOptions): iam.PolicyDocument {
    throwIfInvalidFor('SnapshotSharingGrant.targetAccountPolicy', missingPropProblems(options, ['copyKey', 'sharedKey', 'services']));
    const autoScaling = options.autoScalingServiceLinkedRole ?? false;
    const additionalRegions = options.additionalRegions ?? [];
    throwIfInvalid(options.copyKey, [
      ...present(keyWildcardProblem('sharedKey', options.sharedKey), keyWildcardProblem('copyKey', options.copyKey)),
      ...servicesProblems(options.services),
      ...additionalRegions.flatMap((region) => present(regionProblem(region))),
      ...present(autoScalingProblem(autoScaling, options.services)),
    ]);

    const copyStack = Stack.of(options.copyKey);
    const regions = [options.sharedKey.env.region, options.copyKey.env.region, ...additionalRegions];
    const endpoints = viaServiceEndpoints(endpointPrefixes(options.services), regions, copyStack.urlSuffix);
    const keyArns = [options.sharedKey.keyArn, options.copyKey.keyArn];

    const document = new iam.PolicyDocument({
      statements: [
        copyKeyUseStatement(keyArns, endpoints),
        copyKeyGrantStatement(keyArns, endpoints),
        copyActionsStatement(unique(options.services.flatMap((service) => service.copyActions))),
      ],
    });
    if (autoScaling) {
      const role = autoScalingRoleArn(copyStack.partition, options.copyKey.env.account);
      document.addStatements(autoScalingGrantCreationStatement(options.sharedKey.keyArn, role));
    }
    return document;
  }

  /** The key whose policy allows the sharing. */
  public readonly key: kms.IKey;

  /** The `kms:ViaService` endpoints the target accounts may use the key through. */
  public readonly viaServiceEndpoints: string[];

  /**
   * @param scope the construct the sharing grant is defined in
   * @param id the id of the sharing grant, unique within `scope`
   * @param props the options of the sharing grant
   */
  constructor(scope: Construct, id: string, props: SnapshotSharingGrantProps) {
    props = injectedProps(SnapshotSharingGrant.PROPERTY_INJECTION_ID, scope, id, props);
    super(scope, id);
    throwIfInvalid(this, missingPropProblems(props, ['key', 'services']));

    const accounts = unique(props.accounts ?? []);
    const additionalRegions = props.additionalRegions ?? [];
    const autoScaling = props.autoScalingServiceLinkedRole ?? false;
    throwIfInvalid(this, sharingProblems({
      key: props.key,
      accounts,
      organizationId: props.organizationId,
      services: props.services,
      additionalRegions,
      autoScalingServiceLinkedRole: autoScaling,
    }));

    this.key = props.key;
    const stack = Stack.of(props.key);
    this.viaServiceEndpoints = viaServiceEndpoints(
      endpointPrefixes(props.services),
      [props.key.env.region, ...additionalRegions],
      stack.urlSuffix,
    );

    const audiences: SharingAudience[] = [];
    if (accounts.length > 0) {
      audiences.push(accountsAudience(accounts));
    }
    if (props.organizationId !== undefined) {
      audiences.push(organizationAudience(props.organizationId, stack.account));
      acknowledgeOrganizationPrincipal(this.key);
    }
    for (const audience of audiences) {
      this.addToKeyPolicy(snapshotUseStatement(audience, this.viaServiceEndpoints));
      this.addToKeyPolicy(snapshotGrantStatement(audience, this.viaServiceEndpoints));
      if (autoScaling) {
        this.addToKeyPolicy(autoScalingGrantStatement(audience, stack.partition));
      }
    }
    if (autoScaling) {
      // The key's deny of grants outside AWS services stays, for every grantee but that role.
      exemptGranteeFromGrantLimit(keyDefinedHere(props.key), autoScalingRoleOfCaller(stack.partition));
    }
  }

  /** Validation has refused keys whose policy cannot be edited, so a statement that is not added is a bug. */
  private addToKeyPolicy(statement: iam.PolicyStatement): void {
    this.key.addToResourcePolicy(statement, false);
  }
}

/** The key an alias defined in this app points at, or the key itself. */
function keyDefinedHere(key: kms.IKey): kms.IKey {
  return key instanceof kms.Alias ? key.aliasTargetKey : key;
}

function endpointPrefixes(services: SnapshotService[]): string[] {
  return services.map((service) => service.endpointPrefix);
}
