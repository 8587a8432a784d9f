import { Stack } from 'aws-cdk-lib';

/**
 * Conditions that confine a principal's use of a key to what an AWS service does on its behalf, shared by
 * key policies and IAM policies across the library.
 */

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

/** The principals of an organization, without those of the key's own account. */
export function organizationConditions(organizationId: string, keyAccount: string): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:PrincipalOrgID': organizationId },
    StringNotEquals: { 'aws:PrincipalAccount': keyAccount },
  };
}

/** The endpoint `kms:ViaService` compares against in the stack's Region, e.g. `s3.eu-west-1.amazonaws.com`. */
export function serviceEndpoint(service: string, stack: Stack): string {
  return regionalEndpoint(service, stack.region, stack.urlSuffix);
}

/** A service's endpoint in a Region: `<prefix>.<region>.<urlSuffix>`. */
export function regionalEndpoint(endpointPrefix: string, region: string, urlSuffix: string): string {
  return `${endpointPrefix}.${region}.${urlSuffix}`;
}
