import * as iam from 'aws-cdk-lib/aws-iam';
import { REPLICATION_DESTINATION_BUCKET_ACTIONS, REPLICATION_DESTINATION_OBJECT_ACTIONS } from './actions';

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
