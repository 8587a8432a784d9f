/**
 * Which properties of the CloudFormation resource specification take a KMS key, read from the installed
 * `@aws-cdk/aws-service-spec` (the build input of aws-cdk-lib). The detection is documented in
 * docs/decisions/0018-encryption-coverage.md; the coverage test compares its answer with the committed table.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { Property, PropertyType, TypeDefinition } from '@aws-cdk/service-spec-types';

/** The resource types a `relationshipRefs` entry names when a property references a KMS key. */
const KMS_RESOURCE_TYPES = ['AWS::KMS::Key', 'AWS::KMS::Alias', 'AWS::KMS::ReplicaKey'];
/** A name that ends like an identifier of a key: `KmsKeyId`, `EncryptionKeyArn`, `KMSArn`, `CmkArn`, `KeyManagementServiceArn`. */
const KEY_IDENTIFIER_NAME = /(Key|KeyId|KeyID|KeyArn|KeyARN|KeyIdentifier|KmsArn|KMSArn|CmkArn|KmsAliasArn|KeyManagementServiceArn)$/;
/** A name that says KMS or a customer master key. */
const KMS_NAME = /kms|cmk|EncryptionKey|KeyManagementService/i;
/** Documentation that speaks of AWS KMS. */
const KMS_DOCUMENTATION = /\bKMS\b|Key Management Service/;

/** Every resource type with at least one property path that takes a KMS key (`Replicas[].KmsKeyId`), sorted. */
export function kmsKeyPropertiesOfSpec(): Map<string, string[]> {
  const db = loadAwsServiceSpecSync();
  const found = new Map<string, string[]>();
  for (const resource of db.all('resource')) {
    const paths = keyPaths(resource.properties, '', new Set(), (id) => db.get('typeDefinition', id) as TypeDefinition);
    if (paths.length > 0) {
      found.set(resource.cloudFormationType, [...new Set(paths)].sort());
    }
  }
  return new Map([...found.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Whether one property takes a KMS key (see docs/decisions/0018-encryption-coverage.md). */
export function takesKmsKey(name: string, property: Property): boolean {
  if ((property.relationshipRefs ?? []).some((ref) => KMS_RESOURCE_TYPES.includes(ref.cloudFormationType))) {
    return true;
  }
  return holdsText(property.type) && KEY_IDENTIFIER_NAME.test(name)
    && (KMS_NAME.test(name) || KMS_DOCUMENTATION.test(property.documentation ?? ''));
}

function keyPaths(
  properties: Record<string, Property>, prefix: string, visited: Set<string>, typeDefinition: (id: string) => TypeDefinition,
): string[] {
  return Object.entries(properties).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const nested = definitions(property.type, false)
      .filter(({ id }) => !visited.has(id))
      .flatMap(({ id, list }) => keyPaths(typeDefinition(id).properties, `${path}${list ? '[]' : ''}.`, new Set([...visited, id]), typeDefinition));
    return takesKmsKey(name, property) ? [path, ...nested] : nested;
  });
}

/** The type definitions a property holds, and whether through a list or map. */
function definitions(type: PropertyType, list: boolean): Array<{ id: string; list: boolean }> {
  switch (type.type) {
    case 'ref': return [{ id: type.reference.$ref, list }];
    case 'array':
    case 'map': return definitions(type.element, true);
    case 'union': return type.types.flatMap((member) => definitions(member, list));
    default: return [];
  }
}

function holdsText(type: PropertyType): boolean {
  return type.type === 'string' || (type.type === 'union' && type.types.some(holdsText));
}
