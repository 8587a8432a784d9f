import { Resource, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomerManagedKey } from '../../kms/customer-managed-key';
import { ReplicaKey } from '../../kms/replica-key';

/** The key a secret's replica is encrypted with in its Region, as `replicaRegions` gave it and as it is used. */
export interface ResolvedReplicaKey {
  /** The key given in `replicaRegions[i].encryptionKey`. */
  readonly given: kms.IKey;
  /** The key in the replica's Region: the given one, or the ReplicaKey of a given multi-Region primary. */
  readonly key?: kms.IKey;
}

/**
 * The key in `region` for a replica: a key of this app in that Region is used as given; for a multi-Region
 * key of this app in another Region (a primary, or a replica of it), the app's ReplicaKey of the same
 * primary in that Region, or the primary itself if it is there. An imported key is trusted to be in the Region.
 */
export function resolveReplicaKey(given: kms.IKey, region: string): ResolvedReplicaKey {
  if (!isDefinedInApp(given) || Token.isUnresolved(region) || Stack.of(given).region === region) {
    return { given, key: given };
  }
  const primary = given instanceof ReplicaKey ? given.primaryKey : given;
  if (!(primary instanceof CustomerManagedKey) || !primary.multiRegion) {
    return { given };
  }
  if (Stack.of(primary).region === region) {
    return { given, key: primary };
  }
  const replica = primary.node.root.node.findAll()
    .find((construct) => construct instanceof ReplicaKey && construct.primaryKey === primary && Stack.of(construct).region === region);
  return { given, key: replica as ReplicaKey | undefined };
}

/**
 * Problems with the key of the replica at `index` of a secret in `secretStack`: it must be in the replica's
 * Region, reachable from the secret's stack, and deployable before the secret.
 */
export function replicaKeyProblems(index: number, region: string, resolved: ResolvedReplicaKey, secretStack: Stack): string[] {
  const prop = `\`replicaRegions[${index}].encryptionKey\``;
  const { given, key } = resolved;
  if (key === undefined) {
    return [noKeyInRegionProblem(prop, given, region)];
  }
  if (!isDefinedInApp(key) || Stack.of(key) === secretStack) {
    return [];
  }
  const keyStack = Stack.of(key);
  if (key instanceof ReplicaKey && Stack.of(key.primaryKey) === secretStack && isDefinedInApp(key.primaryKey)) {
    return [`${prop} resolves to ${key.node.path}, a replica of ${key.primaryKey.node.path} in this secret's stack ${secretStack.stackName}: the replica must exist before the secret replicates, and its stack deploys after this one. Define the RotatingSecret in another stack (it then deploys after ${keyStack.stackName}).`];
  }
  if (keyStack.region !== secretStack.region && !secretStack._crossRegionReferences) {
    return [`${prop} ${key.node.path} is in ${keyStack.region} and reaches the secret's stack ${secretStack.stackName} only through a cross-Region reference, which that stack does not enable. Set \`crossRegionReferences: true\` on ${secretStack.stackName}, or import the key with kms.Key.fromKeyArn().`];
  }
  return [];
}

function noKeyInRegionProblem(prop: string, given: kms.IKey, region: string): string {
  const where = `${given.node.path} in ${Stack.of(given).region}`;
  if (given instanceof ReplicaKey || (given instanceof CustomerManagedKey && given.multiRegion)) {
    return `${prop} must be a key in ${region}, got the multi-Region key ${where}, which has no ReplicaKey in ${region} in this app. Define a ReplicaKey of its primary in a stack for ${region} before the secret, or import the replica with kms.Key.fromKeyArn().`;
  }
  return `${prop} must be a key in ${region}, got ${where}. Pass a key of ${region}: a ReplicaKey of a multi-Region key, or a key imported with kms.Key.fromKeyArn().`;
}

/** Whether the key is a resource of this app (not imported), so its Region and policy are known. */
function isDefinedInApp(key: kms.IKey): boolean {
  return key instanceof Resource && (key.node.defaultChild instanceof kms.CfnKey || key.node.defaultChild instanceof kms.CfnReplicaKey);
}
