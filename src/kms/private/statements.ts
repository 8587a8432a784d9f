import * as iam from 'aws-cdk-lib/aws-iam';
import {
  ADMINISTRATION_ACTIONS,
  DECRYPT_ACTIONS,
  DESCRIBE_ACTIONS,
  ENCRYPT_ACTIONS,
  IMPORT_KEY_MATERIAL_ACTIONS,
  KEY_DELETION_ACTIONS,
  REPLICATE_KEY_ACTIONS,
} from '../../private/key-use/actions';
import { organizationConditions } from '../../private/key-use/conditions';
import { KeyAccess } from '../key-access';

/** The KMS actions for an access level, always with `kms:DescribeKey` that SDKs call first. */
export function accessActions(access: KeyAccess): string[] {
  switch (access) {
    case KeyAccess.ENCRYPT:
      return [...ENCRYPT_ACTIONS, ...DESCRIBE_ACTIONS];
    case KeyAccess.DECRYPT:
      return [...DECRYPT_ACTIONS, ...DESCRIBE_ACTIONS];
    case KeyAccess.ENCRYPT_DECRYPT:
      return [...ENCRYPT_ACTIONS, ...DECRYPT_ACTIONS, ...DESCRIBE_ACTIONS];
  }
}

/**
 * The AWS default key-policy statement: the account may use and administer the key through IAM
 * policies, which also keeps the key manageable whatever else the policy says.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 */
export function accountRootStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'EnableIamPolicies',
    principals: [new iam.AccountRootPrincipal()],
    actions: ['kms:*'],
    resources: ['*'],
  });
}

/**
 * Nobody may create grants on the key directly: only AWS services may, for the AWS resources they encrypt
 * with it (EBS, RDS, ...). Grants are invisible in the key policy, so this keeps the policy the whole story.
 * This is AWS Control Tower proactive control CT.KMS.PR.3.
 *
 * `exemptGrantees` are the only grantees a principal may still create a grant for itself (the Auto Scaling
 * service-linked role of the caller's account, for shared AMIs); an Allow statement must still let it.
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grantee-principal
 */
export function awsServiceGrantsOnlyStatement(exemptGrantees: string[] = []): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'LimitGrantsToAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      ...(exemptGrantees.length > 0 ? { StringNotEquals: { 'kms:GranteePrincipal': exemptGrantees } } : {}),
    },
  });
}

/** What a key's administrators manage besides AWS's list, depending on the key. */
export interface AdministrationScope {
  /** Whether they may schedule the key's deletion. */
  readonly deletion: boolean;
  /** Whether the key has imported material (`Origin: EXTERNAL`), which they import. */
  readonly importedMaterial: boolean;
  /** Whether the key is a multi-Region primary, which they replicate. */
  readonly multiRegion: boolean;
}

/** The administration actions for a key: AWS's list plus what the key's kind needs. */
export function administrationActions(scope: AdministrationScope): string[] {
  return [
    ...ADMINISTRATION_ACTIONS,
    ...(scope.deletion ? KEY_DELETION_ACTIONS : []),
    ...(scope.importedMaterial ? IMPORT_KEY_MATERIAL_ACTIONS : []),
    ...(scope.multiRegion ? REPLICATE_KEY_ACTIONS : []),
  ];
}

/**
 * Key administrators: manage the key (including its policy and on-demand rotation). They cannot
 * encrypt or decrypt, but `kms:PutKeyPolicy` lets them give themselves that right.
 */
export function administratorsStatement(principals: iam.IPrincipal[], actions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'KeyAdministrators',
    principals,
    actions,
    resources: ['*'],
  });
}

/**
 * The principal that deploys the key (CloudFormation's execution role) administers it: KMS's lockout safety
 * check refuses a key policy that would not let the principal creating the key, or putting its policy, put
 * the policy again; CloudFormation also updates and tags the key, and schedules the deletion of a key that
 * is not retained (`actions` then include it; of a retained key, only when its administrators may too).
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html#KMS-CreateKey-request-BypassPolicyLockoutSafetyCheck
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html#KMS-PutKeyPolicy-request-BypassPolicyLockoutSafetyCheck
 */
export function deploymentPrincipalStatement(principal: iam.IPrincipal, actions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'KeyDeployment',
    principals: [principal],
    actions,
    resources: ['*'],
  });
}

/**
 * Principals whose ARN matches a pattern, whether or not they exist yet: the principal is the account
 * root (always valid) and `aws:PrincipalArn` narrows it, so a missing role never fails a deployment.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function principalArnPatternStatement(account: string, arnPatterns: string[], access: KeyAccess): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal(account)],
    actions: accessActions(access),
    resources: ['*'],
    conditions: { ArnLike: { 'aws:PrincipalArn': arnPatterns } },
  });
}

/**
 * Every principal in an AWS Organization except those of the key's own account (`aws:PrincipalAccount`),
 * which keep needing their IAM policies or the key policy's own statements: `Principal: *` would
 * otherwise grant them use directly, past `trustAccountIdentities: false`.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount
 */
export function organizationStatement(organizationId: string, keyAccount: string, access: KeyAccess): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.AnyPrincipal()],
    actions: accessActions(access),
    resources: ['*'],
    conditions: organizationConditions(organizationId, keyAccount),
  });
}

/** Another account's root: that account decides through its own IAM policies who may use the key. */
export function accountStatement(account: string, access: KeyAccess): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal(account)],
    actions: accessActions(access),
    resources: ['*'],
  });
}

