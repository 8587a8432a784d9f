import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AUTO_SCALING_GRANT_OPERATIONS,
  SNAPSHOT_SHARING_ACTIONS,
  SNAPSHOT_SHARING_GRANT_ACTIONS,
} from '../../private/key-use/actions';
import { organizationConditions, regionalEndpoint } from '../../private/key-use/conditions';

/**
 * Who snapshots are shared with, as a key-policy principal and the conditions that narrow calls to it
 * (`StringEquals` ones, merged with each statement's own, and `StringNotEquals` ones).
 * Each audience gets its own statements: their principals differ.
 */
export interface SharingAudience {
  readonly principals: iam.IPrincipal[];
  readonly conditions: Record<string, string | string[]>;
  readonly excluded?: Record<string, string>;
}

/**
 * Named accounts: their roots are the principals (each account's IAM policies then decide which of its
 * roles may), and `kms:CallerAccount` keeps the service calls to those accounts.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
 */
export function accountsAudience(accounts: string[]): SharingAudience {
  return {
    principals: accounts.map((account) => new iam.AccountPrincipal(account)),
    conditions: { 'kms:CallerAccount': accounts },
  };
}

/**
 * Every account of an AWS Organization but the key's own: anyone (`*`) narrowed by `aws:PrincipalOrgID`,
 * and not `aws:PrincipalAccount` of the key, whose principals keep needing their own IAM policies.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount
 */
export function organizationAudience(organizationId: string, keyAccount: string): SharingAudience {
  const { StringEquals, StringNotEquals } = organizationConditions(organizationId, keyAccount);
  return {
    principals: [new iam.AnyPrincipal()],
    conditions: StringEquals,
    excluded: StringNotEquals,
  };
}

/** An audience's own conditions merged with a statement's. */
function audienceConditions(audience: SharingAudience, conditions: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  return {
    ...conditions,
    StringEquals: { ...conditions.StringEquals, ...audience.conditions },
    ...(audience.excluded ? { StringNotEquals: audience.excluded } : {}),
  };
}

/**
 * Lets the audience describe the key, decrypt, re-encrypt and generate data keys, only through the
 * services' endpoints (`kms:ViaService`): what copying a snapshot, creating a volume or restoring a DB does.
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/share-kms-key.html
 */
export function snapshotUseStatement(audience: SharingAudience, endpoints: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: audience.principals,
    actions: [...SNAPSHOT_SHARING_ACTIONS],
    resources: ['*'],
    conditions: audienceConditions(audience, { StringEquals: { 'kms:ViaService': endpoints } }),
  });
}

/**
 * Lets the audience create grants through the services' endpoints, and only grants for AWS resources
 * (`kms:GrantIsForAWSResource`), so no one in the target accounts can hand the key to a principal.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
 */
export function snapshotGrantStatement(audience: SharingAudience, endpoints: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: audience.principals,
    actions: [...SNAPSHOT_SHARING_GRANT_ACTIONS],
    resources: ['*'],
    conditions: audienceConditions(audience, {
      StringEquals: { 'kms:ViaService': endpoints },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    }),
  });
}

/**
 * The ARN of the EC2 Auto Scaling service-linked role in the calling account: the policy variable
 * `${aws:PrincipalAccount}` makes a caller able to name only its own account's role.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
export function autoScalingRoleOfCaller(partition: string): string {
  return autoScalingRoleArn(partition, '${aws:PrincipalAccount}');
}

/**
 * The EC2 Auto Scaling service-linked role of an account.
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html
 */
export function autoScalingRoleArn(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
}

/**
 * Lets a principal of the audience create, outside any service, one kind of grant: for its own account's
 * EC2 Auto Scaling service-linked role, with the operations that role needs to launch instances from a
 * shared AMI. AWS documents this grant as the way Auto Scaling in another account gets use of the key.
 * `ForAllValues` matches when the key is absent, so `Null` requires the operations to be named.
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html#policy-example-cmk-cross-account-access
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grantee-principal
 */
export function autoScalingGrantStatement(audience: SharingAudience, partition: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: audience.principals,
    actions: [...SNAPSHOT_SHARING_GRANT_ACTIONS],
    resources: ['*'],
    conditions: audienceConditions(audience, {
      'StringEquals': { 'kms:GranteePrincipal': autoScalingRoleOfCaller(partition) },
      'ForAllValues:StringEquals': { 'kms:GrantOperations': [...AUTO_SCALING_GRANT_OPERATIONS] },
      'Null': { 'kms:GrantOperations': 'false' },
    }),
  });
}

/**
 * For a role in the target account: use of the shared key and of the account's own key, only through the
 * services, as copying a shared snapshot and re-encrypting it with the own key needs.
 */
export function copyKeyUseStatement(keyArns: string[], endpoints: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...SNAPSHOT_SHARING_ACTIONS],
    resources: keyArns,
    conditions: { StringEquals: { 'kms:ViaService': endpoints } },
  });
}

/** For a role in the target account: the grants the services create on both keys, for AWS resources only. */
export function copyKeyGrantStatement(keyArns: string[], endpoints: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...SNAPSHOT_SHARING_GRANT_ACTIONS],
    resources: keyArns,
    conditions: {
      StringEquals: { 'kms:ViaService': endpoints },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    },
  });
}

/**
 * For a role in the target account: the services' copy and describe actions. They cannot be narrowed to
 * ARNs: the source snapshot belongs to the sharing account and the copy's id is not known before it exists.
 */
export function copyActionsStatement(actions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions, resources: ['*'] });
}

/** For a role in the target account: creating the grant its EC2 Auto Scaling service-linked role needs. */
export function autoScalingGrantCreationStatement(sharedKeyArn: string, roleArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...SNAPSHOT_SHARING_GRANT_ACTIONS],
    resources: [sharedKeyArn],
    conditions: {
      'StringEquals': { 'kms:GranteePrincipal': roleArn },
      'ForAllValues:StringEquals': { 'kms:GrantOperations': [...AUTO_SCALING_GRANT_OPERATIONS] },
      'Null': { 'kms:GrantOperations': 'false' },
    },
  });
}

/** Every endpoint of the services (without repeats: EBS and AMI share `ec2`) in every Region. */
export function viaServiceEndpoints(endpointPrefixes: string[], regions: string[], urlSuffix: string): string[] {
  return unique(endpointPrefixes).flatMap((prefix) => unique(regions).map((region) => regionalEndpoint(prefix, region, urlSuffix)));
}

/** The values in first-seen order, without repeats. */
export function unique(values: string[]): string[] {
  return [...new Set(values)];
}
