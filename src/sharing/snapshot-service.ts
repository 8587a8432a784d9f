/**
 * An AWS service whose snapshots or images, encrypted with a customer managed key, are shared with other
 * accounts. The service decides the `kms:ViaService` endpoint the key policy allows and the actions a role
 * in the target account needs to copy what is shared.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 *
 * @example
 * declare const key: CustomerManagedKey;
 * new SnapshotSharingGrant(this, 'ShareBackups', {
 *   key,
 *   accounts: ['111122223333'],
 *   services: [SnapshotService.EBS, SnapshotService.RDS, SnapshotService.AMI],
 * });
 */
export class SnapshotService {
  /**
   * Amazon EBS snapshots: copy them and create volumes from them.
   *
   * @see https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html
   */
  public static readonly EBS = new SnapshotService('ec2', ['ec2:CopySnapshot', 'ec2:DescribeSnapshots']);

  /**
   * Amazon RDS DB snapshots and Aurora DB cluster snapshots: copy them and restore from them.
   *
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/share-encrypted-snapshot.html
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/share-encrypted-snapshot.html
   */
  public static readonly RDS = new SnapshotService('rds', [
    'rds:CopyDBSnapshot',
    'rds:CopyDBClusterSnapshot',
    'rds:DescribeDBSnapshots',
    'rds:DescribeDBClusterSnapshots',
  ]);

  /**
   * Amazon Machine Images backed by encrypted EBS snapshots: copy them and launch instances from them.
   *
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html
   */
  public static readonly AMI = new SnapshotService('ec2', ['ec2:CopyImage', 'ec2:DescribeImages']);

  /**
   * Another service that uses the key on the target account's behalf, such as `redshift`.
   *
   * @param endpointPrefix the service's endpoint prefix, as in `kms:ViaService` (`<prefix>.<region>.amazonaws.com`)
   * @param copyActions the IAM actions a role in the target account needs to copy a shared snapshot
   */
  public static of(endpointPrefix: string, copyActions: string[] = []): SnapshotService {
    return new SnapshotService(endpointPrefix, copyActions);
  }

  /**
   * @param endpointPrefix The service's endpoint prefix, as in `kms:ViaService`.
   * @param copyActions The IAM actions a role in the target account needs to copy a shared snapshot.
   */
  private constructor(public readonly endpointPrefix: string, public readonly copyActions: string[]) {}
}
