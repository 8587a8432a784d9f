import { PropertyInjectors, RemovalPolicy, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RotatingSecret, SecretRotation } from '../../src/secretsmanager';
import { testStack } from '../util/app';

const CAUSE = 'A property injector, mixin, aspect or L1 override (addPropertyOverride) changed';
const OWNERSHIP_TAG = { Key: 'cdk-kms-encryption:stack-id', Value: { Ref: 'AWS::StackId' } };
/** The message when the ownership tag is gone; `found` is the secret's synthesized Tags. */
const ownershipTagLost = (found: string) =>
  `RotatingSecret must keep the tag cdk-kms-encryption:stack-id with the stack's id, which generic rotation requires: found Properties.Tags ${found}, ` +
  `expected ${JSON.stringify(OWNERSHIP_TAG)}. ${CAUSE} \`tags\`; keep that tag on this secret (do not remove or override it), or rotate it with \`SecretRotation.fromFunction\`.`;

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
    [
      'an override that removes the ownership tag',
      (secret) => (secret.node.defaultChild as secretsmanager.CfnSecret).addDeletionOverride('Properties.Tags'),
      ownershipTagLost('(not set)'),
    ],
    [
      'an override that replaces the tags',
      (secret) => (secret.node.defaultChild as secretsmanager.CfnSecret).addPropertyOverride('Tags', [{ Key: 'team', Value: 'a' }]),
      ownershipTagLost('[{"Key":"team","Value":"a"}]'),
    ],
    [
      'an override of the tag\'s value',
      (secret) => (secret.node.defaultChild as secretsmanager.CfnSecret).addPropertyOverride('Tags.0.Value', 'other'),
      ownershipTagLost('[{"Key":"cdk-kms-encryption:stack-id","Value":"other"}]'),
    ],
    [
      'a removal of the tag above its priority',
      (secret) => Tags.of(secret).remove('cdk-kms-encryption:stack-id', { priority: 2_000 }),
      ownershipTagLost('(not set)'),
    ],
  ])('%s fails synthesis', (_name, configure, message) => {
    const stack = testStack();
    configure(new RotatingSecret(stack, 'Secret'));
    expect(() => Template.fromStack(stack)).toThrow(`[TestStack/Secret] ${message}`);
  });
});

describe('the ownership tag of generic rotation', () => {
  test('survives the tags a user applies to a scope, at their default priorities', () => {
    // GIVEN
    const stack = testStack();
    const secret = new RotatingSecret(stack, 'Secret');

    // WHEN
    Tags.of(stack).add('team', 'payments');
    Tags.of(stack).add('cdk-kms-encryption:stack-id', 'spoofed');
    Tags.of(secret).remove('cdk-kms-encryption:stack-id');

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', { Tags: [OWNERSHIP_TAG, { Key: 'team', Value: 'payments' }] });
  });

  test('is not required of a secret rotated by a function of the user\'s', () => {
    // GIVEN
    const stack = testStack();
    const fn = new lambda.Function(stack, 'MyRotation', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    const secret = new RotatingSecret(stack, 'Secret', { rotation: SecretRotation.fromFunction(fn) });

    // WHEN
    (secret.node.defaultChild as secretsmanager.CfnSecret).addPropertyOverride('Tags', [{ Key: 'team', Value: 'a' }]);

    // THEN
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
