import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LOG_WRITE_ACTIONS, RANDOM_PASSWORD_ACTIONS, ROTATION_SECRET_ACTIONS } from './actions';
import { SECRETS_MANAGER_KEY_ACTIONS } from '../../private/key-use/actions';
import { regionalEndpoint } from '../../private/key-use/conditions';

/**
 * The ARN pattern of every secret of the stack's account in a Region (`*` for any Region).
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
 */
export function accountSecretsArnPattern(region: string, stack: Stack): string {
  return `arn:${stack.partition}:secretsmanager:${region}:${stack.account}:secret:*`;
}

/**
 * Key-policy statement letting principals of the stack's account use the key through Secrets Manager in
 * one Region, for the secrets matching `secretArn` (Secrets Manager puts the ARN of the secret of the
 * request in the `SecretARN` encryption context). The account principal delegates to IAM, so only
 * principals whose IAM policies allow it (readers and writers of one secret each, rotation functions,
 * hosted rotation roles whose names are never known here) get through. With the pattern of every secret
 * of the account (`accountSecretsArnPattern`) the statement is the same for every secret on the key,
 * and the key policy merges it into one.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-encryption-context
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
export function secretsManagerKeyStatement(secretArn: string, region: string, stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal(stack.account)],
    actions: [...SECRETS_MANAGER_KEY_ACTIONS],
    resources: ['*'],
    conditions: {
      StringEquals: { 'kms:ViaService': regionalEndpoint('secretsmanager', region, stack.urlSuffix), 'kms:CallerAccount': stack.account },
      StringLike: { 'kms:EncryptionContext:SecretARN': secretArn },
    },
  });
}

/**
 * Key-policy statement letting one principal of another account use the key through Secrets Manager for
 * this account's secrets, as `secretsManagerKeyStatement` does for this account: one statement per
 * principal, whatever the number of secrets it is granted. Which secrets it reaches is decided by their
 * resource policies, which a principal of another account needs to call Secrets Manager on them at all;
 * Secrets Manager uses the key only for the secret of the request.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html
 */
export function secretsManagerGranteeKeyStatement(principal: iam.IPrincipal, actions: readonly string[], stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [principal],
    actions: [...actions],
    resources: ['*'],
    conditions: {
      StringEquals: { 'kms:ViaService': regionalEndpoint('secretsmanager', stack.region, stack.urlSuffix) },
      StringLike: { 'kms:EncryptionContext:SecretARN': accountSecretsArnPattern(stack.region, stack) },
    },
  });
}

/**
 * IAM statement letting a principal use a secret's key only through Secrets Manager and only for that
 * secret, whatever the key policy trusts.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html#rotating-secrets-required-permissions-function-cust-key-example
 */
export function keyViaSecretsManagerStatement(
  keyArns: string[],
  secretArns: string[],
  actions: readonly string[],
  stack: Stack,
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...actions],
    resources: keyArns,
    conditions: {
      StringEquals: {
        'kms:ViaService': regionalEndpoint('secretsmanager', stack.region, stack.urlSuffix),
        // One secret renders as a plain value, as IAM and readers of the template expect.
        'kms:EncryptionContext:SecretARN': secretArns.length === 1 ? secretArns[0] : secretArns,
      },
    },
  });
}

/** IAM statement for a rotation function on the secrets it rotates. */
export function rotationSecretStatement(secretArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: [...ROTATION_SECRET_ACTIONS], resources: secretArns });
}

/**
 * IAM statement for a rotation function shared by many secrets: the secrets `secretArns` (its stack's,
 * by ARN, which no one but CloudFormation decides) while their rotation configuration names this
 * function (`secretsmanager:resource/AllowRotationLambdaArn`, as AWS's rotation templates grant it). A
 * secret of another stack or team does not match, whatever its tags: a tag is anyone's to write who may
 * call `secretsmanager:TagResource`.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-contextkeys
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html#awssecretsmanager-policy-keys
 */
export function rotatedByFunctionStatement(functionArn: string, secretArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...ROTATION_SECRET_ACTIONS],
    resources: secretArns,
    conditions: { StringEquals: { 'secretsmanager:resource/AllowRotationLambdaArn': functionArn } },
  });
}

/**
 * IAM statement for a shared rotation function's use of the keys `keyArns` (those of its secrets, of any
 * account), only through Secrets Manager in its Region and only for secrets of its account (`SecretARN`
 * context). Naming the keys keeps Security Hub's KMS.1 quiet: its rule reads any wildcard in the resource
 * as "all keys" and ignores conditions.
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-1
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-encryption-context
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
export function rotationKeyStatement(keyArns: string[], stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...SECRETS_MANAGER_KEY_ACTIONS],
    resources: keyArns,
    conditions: {
      StringEquals: { 'kms:ViaService': regionalEndpoint('secretsmanager', stack.region, stack.urlSuffix) },
      StringLike: { 'kms:EncryptionContext:SecretARN': accountSecretsArnPattern(stack.region, stack) },
    },
  });
}

/** IAM statement for `GetRandomPassword`, which has no resource type. */
export function randomPasswordStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: [...RANDOM_PASSWORD_ACTIONS], resources: ['*'] });
}

/** IAM statement for writing to one log group (its `Arn` attribute covers its streams). */
export function logWriteStatement(logGroupArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: [...LOG_WRITE_ACTIONS], resources: [logGroupArn] });
}
