import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { addInvariantValidation, retentionInvariants } from '../../private/invariants';

/** Fails synthesis when the secret, as synthesized, has another key or removal policy than the `RotatingSecret` set. */
export function addSecretInvariantValidation(secret: secretsmanager.Secret, key: kms.IKey, removalPolicy: RemovalPolicy | undefined): void {
  addInvariantValidation(secret, 'RotatingSecret', secret.node.defaultChild as secretsmanager.CfnSecret, () => [
    { name: 'its encryption key', path: 'Properties.KmsKeyId', expected: Stack.of(secret).resolve(key.keyArn), prop: 'encryptionKey' },
    ...retentionInvariants('RotatingSecret', removalPolicy),
  ]);
}
