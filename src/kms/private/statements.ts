import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ADMINISTRATION_ACTIONS, DECRYPT_ACTIONS, DESCRIBE_ACTIONS, ENCRYPT_ACTIONS } from './actions';
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
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
 */
export function awsServiceGrantsOnlyStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'LimitGrantsToAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}

/** Key administrators: manage the key (including on-demand rotation), no cryptographic use. */
export function administratorsStatement(principals: iam.IPrincipal[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'KeyAdministrators',
    principals,
    actions: [...ADMINISTRATION_ACTIONS],
    resources: ['*'],
  });
}

/**
 * Conditions limiting use of a key to one AWS service in the stack's Region, on behalf of callers
 * from the stack's account.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
 */
export function viaServiceConditions(service: string, stack: Stack): Record<string, string> {
  return {
    'kms:ViaService': serviceEndpoint(service, stack),
    'kms:CallerAccount': stack.account,
  };
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
 * Every principal in an AWS Organization.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */
export function organizationStatement(organizationId: string, access: KeyAccess): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.AnyPrincipal()],
    actions: accessActions(access),
    resources: ['*'],
    conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
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

/** The endpoint `kms:ViaService` compares against in the stack's Region, e.g. `s3.eu-west-1.amazonaws.com`. */
export function serviceEndpoint(service: string, stack: Stack): string {
  return regionalEndpoint(service, stack.region, stack.urlSuffix);
}

/** A service's endpoint in a Region: `<prefix>.<region>.<urlSuffix>`. */
export function regionalEndpoint(endpointPrefix: string, region: string, urlSuffix: string): string {
  return `${endpointPrefix}.${region}.${urlSuffix}`;
}
