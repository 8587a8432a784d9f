import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Fails synthesis when the policy of the bucket's own key (in the bucket's stack) references the bucket:
 * the bucket references the key, so CloudFormation could create neither. aws-cdk-lib only warns about such
 * a cycle on some versions, and the template is rejected at deployment. Checked on the synthesized key
 * policy, so statements added by anyone after the constructor count too.
 */
export function addKeyCycleValidation(bucket: s3.Bucket, key: kms.IKey): void {
  bucket.node.addValidation({ validate: () => keyCycleProblems(bucket, key) });
}

function keyCycleProblems(bucket: s3.Bucket, key: kms.IKey): string[] {
  const cfnKey = key.node.defaultChild;
  const stack = Stack.of(bucket);
  if (!(cfnKey instanceof kms.CfnKey) || Stack.of(cfnKey) !== stack) {
    return [];
  }
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  const policy = JSON.stringify(stack.resolve(cfnKey.keyPolicy));
  const referencesBucket = policy.includes(`{"Ref":"${bucketId}"}`) || policy.includes(`{"Fn::GetAtt":["${bucketId}",`);
  return referencesBucket ? [
    `EncryptedBucket must not be referenced by the policy of its own key ${key.node.path}: the key would depend on the bucket, which depends on the key, and CloudFormation cannot deploy the cycle. Name the bucket by a literal \`bucketName\` (its ARN is then built without a reference), or scope the statement with kms:ViaService and kms:CallerAccount.`,
  ] : [];
}
