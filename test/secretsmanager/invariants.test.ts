import { PropertyInjectors, RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RotatingSecret } from '../../src/secretsmanager';
import { testStack } from '../util/app';

const CAUSE = 'A property injector, mixin, aspect or L1 override (addPropertyOverride) changed';

describe('RotatingSecret invariants on the synthesized secret', () => {
  test('an injector aimed at secretsmanager.Secret no longer reaches it', () => {
    // GIVEN
    const stack = testStack();
    PropertyInjectors.of(stack).add({
      constructUniqueId: secretsmanager.Secret.PROPERTY_INJECTION_ID,
      inject: (props: secretsmanager.SecretProps) => ({ ...props, removalPolicy: RemovalPolicy.DESTROY }),
    });

    // WHEN
    new RotatingSecret(stack, 'Secret');

    // THEN
    Template.fromStack(stack).hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  test.each<[string, (secret: RotatingSecret) => void, string]>([
    [
      'an override to the AWS managed key',
      (secret) => (secret.node.defaultChild as secretsmanager.CfnSecret).addPropertyOverride('KmsKeyId', 'alias/aws/secretsmanager'),
      `RotatingSecret must keep its encryption key: found Properties.KmsKeyId "alias/aws/secretsmanager", expected {"Fn::GetAtt":["SecretKeyBCA64351","Arn"]}. ${CAUSE} \`encryptionKey\`; remove that change for this construct.`,
    ],
    [
      'an escape hatch that changes the removal policy',
      (secret) => (secret.node.defaultChild as secretsmanager.CfnSecret).applyRemovalPolicy(RemovalPolicy.DESTROY),
      `RotatingSecret must keep retention: found DeletionPolicy "Delete", expected "Retain". ${CAUSE} \`removalPolicy\`; to delete it with its stack, pass \`removalPolicy\` to the RotatingSecret itself.`,
    ],
  ])('%s fails synthesis', (_name, configure, message) => {
    const stack = testStack();
    configure(new RotatingSecret(stack, 'Secret'));
    expect(() => Template.fromStack(stack)).toThrow(`[TestStack/Secret] ${message}`);
  });
});
