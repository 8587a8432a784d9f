import { IConstruct } from 'constructs';
import { CustomerManagedKey } from '../../kms/customer-managed-key';
import { ExternalKeyRing } from '../../kms/external-key-ring';
import { ReplicaKey } from '../../kms/replica-key';
import { EncryptedLogGroup } from '../../logs/encrypted-log-group';
import { EncryptedBucket } from '../../s3/encrypted-bucket';
import { RotatingSecret } from '../../secretsmanager/rotating-secret';
import { SecureStringParameter } from '../../ssm/secure-string-parameter';

const LIBRARY_CONSTRUCTS = [
  CustomerManagedKey, ReplicaKey, ExternalKeyRing, EncryptedBucket, EncryptedLogGroup, RotatingSecret, SecureStringParameter,
];

/** Whether a construct of this library contains the construct: it chose its key and policies itself. */
export function isManagedByThisLibrary(construct: IConstruct): boolean {
  return construct.node.scopes.some((scope) => LIBRARY_CONSTRUCTS.some((type) => scope instanceof type));
}
