import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE } from './ownership-tag';
import { addInvariantValidation, Invariant, retentionInvariants, sameJson } from '../../private/invariants';

/**
 * Fails synthesis when the secret, as synthesized, has another key or removal policy than the
 * `RotatingSecret` set, or (with generic rotation) lacks the stack's ownership tag.
 */
export function addSecretInvariantValidation(
  secret: secretsmanager.Secret,
  key: kms.IKey,
  removalPolicy: RemovalPolicy | undefined,
  genericRotation: boolean,
): void {
  addInvariantValidation(secret, 'RotatingSecret', secret.node.defaultChild as secretsmanager.CfnSecret, () => [
    { name: 'its encryption key', path: 'Properties.KmsKeyId', expected: Stack.of(secret).resolve(key.keyArn), prop: 'encryptionKey' },
    ...retentionInvariants('RotatingSecret', removalPolicy),
    ...(genericRotation ? [ownershipTagInvariant(Stack.of(secret))] : []),
  ]);
}

/**
 * The tag without which the previous release's policy of the generic rotation function, still in force
 * for part of an upgrade, denies every call on the secret (ownership-tag.ts).
 */
function ownershipTagInvariant(stack: Stack): Invariant {
  const expected = { Key: OWNERSHIP_TAG_KEY, Value: stack.resolve(OWNERSHIP_TAG_VALUE) };
  return {
    name: `the tag ${OWNERSHIP_TAG_KEY} with the stack's id, which generic rotation requires`,
    path: 'Properties.Tags',
    expected,
    holds: (found) => Array.isArray(found) && found.some((tag) => sameJson(tag, expected)),
    prop: 'tags',
    fix: 'keep that tag on this secret (do not remove or override it), or rotate it with `SecretRotation.fromFunction`',
  };
}
