import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * S3 actions of the replication role, on the source bucket, its objects and the destination objects.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
 */
export const REPLICATION_SOURCE_BUCKET_ACTIONS = ['s3:GetReplicationConfiguration', 's3:ListBucket'];
export const REPLICATION_SOURCE_OBJECT_ACTIONS = [
  's3:GetObjectVersionForReplication',
  's3:GetObjectVersionAcl',
  's3:GetObjectVersionTagging',
];
export const REPLICATION_DESTINATION_OBJECT_ACTIONS = [
  's3:ReplicateObject',
  's3:ReplicateDelete',
  's3:ReplicateTags',
  's3:ObjectOwnerOverrideToBucketOwner',
];
/**
 * What the destination bucket's policy must allow the replication role when the bucket is in another
 * account, besides the object actions.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html
 */
export const REPLICATION_DESTINATION_BUCKET_ACTIONS = ['s3:List*', 's3:GetBucketVersioning', 's3:PutBucketVersioning'];

/**
 * The statements a destination bucket in another account must add to its bucket policy so that the
 * replication role may write replicas into it.
 */
export function destinationBucketPolicyStatements(role: iam.IPrincipal, destinationBucketArn: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      principals: [role],
      actions: REPLICATION_DESTINATION_OBJECT_ACTIONS,
      resources: [`${destinationBucketArn}/*`],
    }),
    new iam.PolicyStatement({
      principals: [role],
      actions: REPLICATION_DESTINATION_BUCKET_ACTIONS,
      resources: [destinationBucketArn],
    }),
  ];
}
