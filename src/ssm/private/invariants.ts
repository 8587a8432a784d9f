import { CfnResource, CustomResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { addInvariantValidation, retentionInvariants } from '../../private/invariants';

/**
 * Fails synthesis when the SecureString custom resource, as synthesized, names another key, or is no
 * longer retained (by CloudFormation, and by the handler's `Retain` property) unless `removalPolicy` chose so.
 */
export function addParameterInvariantValidation(
  parameter: IConstruct,
  resource: CustomResource,
  key: kms.IKey,
  removalPolicy: RemovalPolicy | undefined,
): void {
  const retained = (removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN;
  addInvariantValidation(parameter, 'SecureStringParameter', resource.node.defaultChild as CfnResource, () => [
    { name: 'its encryption key', path: 'Properties.KeyId', expected: Stack.of(parameter).resolve(key.keyArn), prop: 'encryptionKey' },
    ...retentionInvariants('SecureStringParameter', removalPolicy),
    ...(retained ? [{ name: 'retention', path: 'Properties.Retain', expected: 'true', prop: 'removalPolicy' }] : []),
  ]);
}
