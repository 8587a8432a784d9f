import { Stack, Stage, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';

/*
 * A bucket has one policy: of two AWS::S3::BucketPolicy resources for one bucket, the one deployed last
 * replaces the other, deny statements and all. The check runs at synth, on the final tree, so it sees
 * policies defined in other stacks and after the bucket. The app is indexed once per synthesis (by a
 * validation on the stage, which runs before those of the constructs below it), not once per bucket.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucketpolicy.html
 */

/** The bucket policies of an app, by each value that names their bucket. */
type PoliciesByBucket = Map<string, s3.CfnBucketPolicy[]>;

const indexes = new WeakMap<Stage, PoliciesByBucket>();
const indexedStages = new WeakSet<Stage>();

/**
 * Fails synthesis when an AWS::S3::BucketPolicy other than the bucket's own targets `bucket` or its
 * access-logs bucket (when that bucket is defined in the app).
 */
export function requireSingleBucketPolicy(bucket: s3.Bucket, accessLogsBucket: s3.IBucket): void {
  const stage = Stage.of(bucket);
  if (stage && !indexedStages.has(stage)) {
    indexedStages.add(stage);
    stage.node.addValidation({
      validate: () => {
        indexes.set(stage, indexBucketPolicies(stage.node.root));
        return [];
      },
    });
  }
  bucket.node.addValidation({
    validate: () => {
      const index = (stage && indexes.get(stage)) ?? indexBucketPolicies(bucket.node.root);
      return [
        ...otherPolicies(index, bucket).map((policy) => secondPolicyProblem(policy, `this bucket (${bucket.node.path})`, 'addToResourcePolicy()')),
        ...(accessLogsBucket instanceof s3.Bucket ? otherPolicies(index, accessLogsBucket) : []).map((policy) =>
          secondPolicyProblem(policy, `its access-logs bucket ${accessLogsBucket.node.path}`, 'serverAccessLogsBucket.addToResourcePolicy()')),
      ];
    },
  });
}

function indexBucketPolicies(root: IConstruct): PoliciesByBucket {
  const index: PoliciesByBucket = new Map();
  for (const construct of root.node.findAll()) {
    if (construct instanceof s3.CfnBucketPolicy) {
      for (const name of new Set([construct.bucket, resolvedInStack(construct, construct.bucket)])) {
        index.set(name, [...index.get(name) ?? [], construct]);
      }
    }
  }
  return index;
}

/** The bucket policies that target a bucket of this app, except its own. */
function otherPolicies(index: PoliciesByBucket, bucket: s3.Bucket): s3.CfnBucketPolicy[] {
  const resource = bucket.node.defaultChild as s3.CfnBucket;
  const names = [bucket.bucketName, resource.ref, resolvedInStack(resource, resource.ref)];
  if (resource.bucketName !== undefined && !Token.isUnresolved(resource.bucketName)) {
    names.push(resource.bucketName);
  }
  const own = bucket.policy?.node.defaultChild;
  return [...new Set(names.flatMap((name) => index.get(name) ?? []))].filter((policy) => policy !== own);
}

/** A value as its stack resolves it, qualified by the stack (a `Ref` means nothing elsewhere). */
function resolvedInStack(scope: IConstruct, value: string): string {
  const stack = Stack.of(scope);
  return `${stack.node.path}:${JSON.stringify(stack.resolve(value))}`;
}

function secondPolicyProblem(policy: s3.CfnBucketPolicy, target: string, method: string): string {
  const owner = policy.node.scope instanceof s3.BucketPolicy ? policy.node.scope : policy;
  return `AWS::S3::BucketPolicy ${owner.node.path} also targets ${target}: a bucket has one policy, and the one deployed last replaces the other with all its deny statements. Remove ${owner.node.id} and add its statements with ${method}.`;
}
