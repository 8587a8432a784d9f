import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { S3_OBJECT_READ_KEY_ACTIONS, S3_OBJECT_WRITE_KEY_ACTIONS } from '../../private/key-use/actions';

/**
 * Conditions that limit use of a key to S3 in one Region, on behalf of one bucket. With an S3 Bucket
 * Key the encryption context is the bucket ARN; objects written without a bucket key (DSSE-KMS, or a
 * request that turns the bucket key off) carry their object ARN, so both forms are allowed.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html#bucket-key-changes
 */
export function s3KeyUseConditions(endpoint: string, bucketArn: string): Record<string, Record<string, unknown>> {
  return {
    StringEquals: { 'kms:ViaService': endpoint },
    StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] },
  };
}

/**
 * The same conditions for a key policy. A key policy that names the bucket's ARN attribute would make the
 * key depend on the bucket, which depends on the key: the ARN is built from the bucket name when it is
 * known at synth time, and otherwise the statement is limited to S3 alone (the grantee's IAM policy still
 * carries the bucket's encryption context).
 */
export function s3KeyPolicyConditions(endpoint: string, bucketName: string, stack: Stack): Record<string, Record<string, unknown>> {
  if (Token.isUnresolved(bucketName)) {
    return { StringEquals: { 'kms:ViaService': endpoint } };
  }
  return s3KeyUseConditions(endpoint, stack.formatArn({ service: 's3', region: '', account: '', resource: bucketName }));
}

/**
 * The conditions of a key-policy statement for a grantee of another account, whose IAM policy this app
 * cannot scope: S3 in one Region, called by the grantee's account, for the bucket named by `bucketName`
 * when it is known at synth time. Never a reference to the bucket: the key would depend on the bucket,
 * which depends on the key. A generated name is only known after deployment, so that statement is scoped
 * to S3 and the caller's account alone.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
 */
export function s3CrossAccountKeyPolicyConditions(
  endpoint: string, bucketName: string, callerAccount: string, stack: Stack,
): Record<string, Record<string, unknown>> {
  const conditions = s3KeyPolicyConditions(endpoint, bucketName, stack);
  return { ...conditions, StringEquals: { ...conditions.StringEquals, 'kms:CallerAccount': callerAccount } };
}

/**
 * The KMS actions S3 uses for a caller, from the actions aws-cdk-lib's bucket grants ask for: any
 * encrypting action means the caller writes objects, `kms:Decrypt` alone that it reads them.
 * `kms:DescribeKey` is not needed: S3 calls KMS with the encryption context, never describes the key.
 */
export function s3KeyActions(requested: string[]): string[] {
  if (requested.some((action) => /^kms:(Encrypt|ReEncrypt|GenerateDataKey)/.test(action))) {
    return [...S3_OBJECT_WRITE_KEY_ACTIONS];
  }
  if (requested.includes('kms:Decrypt')) {
    return [...S3_OBJECT_READ_KEY_ACTIONS];
  }
  return [];
}

/** A key-policy statement letting one principal use the key through S3 with the given conditions. */
export function s3KeyPolicyStatement(
  principal: iam.IPrincipal,
  actions: readonly string[],
  conditions: Record<string, Record<string, unknown>>,
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [principal],
    actions: [...actions],
    resources: ['*'],
    conditions,
  });
}

/**
 * Every form in which a request may name a key in `x-amz-server-side-encryption-aws-kms-key-id`: its ARN,
 * its id, and the name and ARN of each alias this app defines for it (`alias`, `addAlias()`).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_RequestSyntax
 */
export function keyIdentifiers(key: kms.IKey): string[] {
  const stack = Stack.of(key);
  const aliasNames = key.node.children
    .filter((child): child is kms.Alias => child instanceof kms.Alias)
    // The name as written: `aliasName` is a Ref to the alias under recent feature flags.
    .map((alias) => (alias.node.defaultChild as kms.CfnAlias).aliasName);
  return [
    key.keyArn,
    key.keyId,
    ...aliasNames.flatMap((aliasName) => [aliasName, stack.formatArn({ service: 'kms', resource: aliasName })]),
  ];
}
