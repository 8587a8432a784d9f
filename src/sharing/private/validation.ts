import { Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { validateOrganizationId, validateServiceName } from '../../kms/private/validation';
import { symmetricKeyProblem } from '../../private/key-use/key-spec';
import { accountIdProblem, present, tokensAsPlaceholders } from '../../private/validation';
import { SnapshotService } from '../snapshot-service';

/** What `sharingProblems` checks. */
export interface SharingToValidate {
  readonly key: kms.IKey;
  readonly accounts: string[];
  readonly organizationId?: string;
  readonly services: SnapshotService[];
  readonly additionalRegions: string[];
  readonly autoScalingServiceLinkedRole: boolean;
}

/** @see https://docs.aws.amazon.com/general/latest/gr/rande.html#regional-endpoints */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Every problem with the props of a `SnapshotSharingGrant`, each naming the prop, echoing the value and saying the fix. */
export function sharingProblems(props: SharingToValidate): string[] {
  const keyAccount = props.key.env.account;
  return [
    ...keyProblems(props.key),
    ...(props.accounts.length === 0 && props.organizationId === undefined
      ? ['`accounts` or `organizationId` must name who the snapshots are shared with, got neither. Name the target account ids, or the organization id.']
      : []),
    ...props.accounts.flatMap((account) => present(accountIdProblem('accounts', account), ownAccountProblem(account, keyAccount))),
    ...present(props.organizationId === undefined ? undefined : validateOrganizationId(props.organizationId)),
    ...servicesProblems(props.services),
    ...props.additionalRegions.flatMap((region) => present(regionProblem(region))),
    ...present(autoScalingProblem(props.autoScalingServiceLinkedRole, props.services)),
  ];
}

/** Problems with the services, shared by the construct and the target-account policy. */
export function servicesProblems(services: SnapshotService[]): string[] {
  if (services.length === 0) {
    return ['`services` must name at least one service, got none. Use SnapshotService.EBS, SnapshotService.RDS or SnapshotService.AMI.'];
  }
  return services.flatMap((service) => present(validateServiceName(service.endpointPrefix)));
}

/** A Region name such as `eu-central-1`; tokens are trusted. */
export function regionProblem(region: string): string | undefined {
  if (Token.isUnresolved(region) || REGION_PATTERN.test(region)) {
    return undefined;
  }
  return `\`additionalRegions\` must contain Region names such as 'eu-central-1', got '${region}'.`;
}

/**
 * Keys whose snapshots cannot be shared by this construct: AWS managed keys cannot be shared at all, and an
 * imported key's policy cannot be edited here, so the target accounts would be denied use of the key.
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html#share-snapshot-considerations
 */
function keyProblems(key: kms.IKey): string[] {
  const name = awsManagedKeyName(key);
  if (name !== undefined) {
    return [
      `\`key\` must be a customer managed key, got the AWS managed key '${name}': AWS managed keys cannot be shared with other accounts, so neither can snapshots encrypted with them. Copy the snapshot with a CustomerManagedKey and share the copy.`,
    ];
  }
  // An alias defined in this app edits the policy of the key it points at.
  const target = key instanceof kms.Alias ? key.aliasTargetKey : key;
  const resource = target.node.defaultChild;
  if (!(resource instanceof kms.CfnKey || resource instanceof kms.CfnReplicaKey)) {
    return [
      `\`key\` must be a key defined in this app, got the imported key ${key.node.path}: its key policy cannot be edited here, so the target accounts would be denied use of the key and could not copy the shared snapshots. Use SnapshotSharingGrant in the app that defines the key.`,
    ];
  }
  return present(symmetricKeyProblem('key', target));
}

/** The alias of an AWS managed key (`alias/aws/ebs`), given as an alias or an alias ARN. */
function awsManagedKeyName(key: kms.IKey): string | undefined {
  const name = isAlias(key) ? (key as kms.IAlias).aliasName : key.keyArn;
  if (Token.isUnresolved(name)) {
    return undefined;
  }
  const match = /(?:^|:)(alias\/aws\/.*)$/.exec(name);
  return match ? match[1] : undefined;
}

function isAlias(key: kms.IKey): boolean {
  return typeof (key as Partial<kms.IAlias>).aliasName === 'string';
}

function ownAccountProblem(account: string, keyAccount: string): string | undefined {
  if (Token.isUnresolved(account) || Token.isUnresolved(keyAccount) || account !== keyAccount) {
    return undefined;
  }
  return `\`accounts\` must not contain the key's own account, got '${account}': snapshots are shared with other accounts, and this account already uses the key through its own IAM policies. Remove it.`;
}

/**
 * A key of the target account's policy whose ARN has a wildcard. IAM matches `*` and `?` in a statement's
 * Resource, so `key/*` (or `kms:*:…`, an account `*`) lets the role use, through the services, every key it
 * matches whose key policy trusts the role's account: every key of its own account with the default key
 * policy, and any other account's key shared with it. The parts of the ARN that are tokens (a parameter, an
 * import) are not known at synth and are taken as one key.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
export function keyWildcardProblem(prop: string, key: kms.IKey): string | undefined {
  const arn = tokensAsPlaceholders(key.keyArn);
  if (!/[*?]/.test(arn)) {
    return undefined;
  }
  return `\`${prop}\` must be one key, got the key ARN '${arn}', whose wildcard would let the role use every key it matches. `
    + 'Import the key with kms.Key.fromKeyArn and its full key ARN (arn:aws:kms:<region>:<account>:key/<key-id>).';
}

/** The Auto Scaling option is about launching instances from shared AMIs. */
export function autoScalingProblem(autoScalingServiceLinkedRole: boolean, services: SnapshotService[]): string | undefined {
  if (!autoScalingServiceLinkedRole || services.includes(SnapshotService.AMI)) {
    return undefined;
  }
  return '`autoScalingServiceLinkedRole` applies to shared AMIs, got services without SnapshotService.AMI. Add SnapshotService.AMI to `services`, or leave `autoScalingServiceLinkedRole` unset.';
}
