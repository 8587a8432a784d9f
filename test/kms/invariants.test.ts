import { Duration, PropertyInjectors, RemovalPolicies, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomerManagedKey, CustomerManagedKeyProps, ReplicaKey } from '../../src/kms';
import { ACCOUNT, testStack } from '../util/app';

const CAUSE = 'A property injector, mixin, aspect or L1 override (addPropertyOverride) changed';
const PRIMARY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;

function synthError(stack: Stack): string {
  try {
    Template.fromStack(stack);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('synthesis succeeded');
}

function keyResource(stack: Stack, key: kms.IKey): any {
  return Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(key.node.defaultChild as kms.CfnKey)];
}

describe('CustomerManagedKey invariants on the synthesized key', () => {
  test('an injector aimed at kms.Key no longer reaches a CustomerManagedKey, and still reaches plain keys', () => {
    // GIVEN
    const stack = testStack();
    PropertyInjectors.of(stack).add({
      constructUniqueId: kms.Key.PROPERTY_INJECTION_ID,
      inject: (props: kms.KeyProps) => ({
        ...props, enableKeyRotation: false, removalPolicy: RemovalPolicy.DESTROY, pendingWindow: Duration.days(7),
      }),
    });

    // WHEN
    const key = new CustomerManagedKey(stack, 'Key');
    const plain = new kms.Key(stack, 'Plain');

    // THEN
    expect(keyResource(stack, key)).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 } });
    expect(keyResource(stack, plain)).toMatchObject({ DeletionPolicy: 'Delete', Properties: { PendingWindowInDays: 7 } });
  });

  test('an injector aimed at CustomerManagedKey sets the defaults its props offer', () => {
    // GIVEN
    const stack = testStack();
    PropertyInjectors.of(stack).add({
      constructUniqueId: CustomerManagedKey.PROPERTY_INJECTION_ID,
      inject: (props: CustomerManagedKeyProps) => ({ rotationPeriod: Duration.days(180), ...props }),
    });

    // WHEN
    const key = new CustomerManagedKey(stack, 'Key');

    // THEN
    expect(keyResource(stack, key)).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true, RotationPeriodInDays: 180 } });
  });

  test('an injector aimed at CustomerManagedKey that turns rotation off fails, naming the prop', () => {
    // GIVEN
    const stack = testStack();
    PropertyInjectors.of(stack).add({
      constructUniqueId: CustomerManagedKey.PROPERTY_INJECTION_ID,
      inject: (props: CustomerManagedKeyProps) => ({ ...props, enableKeyRotation: false }),
    });

    // WHEN / THEN
    expect(() => new CustomerManagedKey(stack, 'Key')).toThrow(
      '[TestStack/Key] Invalid configuration: `enableKeyRotation` is not available on a CustomerManagedKey, got false: rotation is always on for keys that can rotate; set its period with `rotationPeriod`.',
    );
  });

  test.each<[string, (key: CustomerManagedKey) => void, string]>([
    [
      'an override that turns rotation off',
      (key) => (key.node.defaultChild as kms.CfnKey).addPropertyOverride('EnableKeyRotation', false),
      `CustomerManagedKey must keep automatic rotation: found Properties.EnableKeyRotation false, expected true. ${CAUSE} \`enableKeyRotation\`; remove that change for this construct.`,
    ],
    [
      'a change to the L1 that shortens the pending window',
      (key) => { (key.node.defaultChild as kms.CfnKey).pendingWindowInDays = 7; },
      `CustomerManagedKey must keep its pending window: found Properties.PendingWindowInDays 7, expected 30. ${CAUSE} \`pendingWindow\`; remove that change for this construct.`,
    ],
    [
      'RemovalPolicies.destroy() on its scope',
      (key) => RemovalPolicies.of(Stack.of(key)).destroy(),
      `CustomerManagedKey must keep retention: found DeletionPolicy "Delete", expected "Retain". ${CAUSE} \`removalPolicy\`; to delete it with its stack, pass \`removalPolicy\` to the CustomerManagedKey itself.`,
    ],
  ])('%s fails synthesis', (_name, configure, message) => {
    const stack = testStack();
    configure(new CustomerManagedKey(stack, 'Key'));
    expect(synthError(stack)).toContain(`[TestStack/Key] ${message}`);
  });

  test('a removal policy chosen through the prop is kept', () => {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY });
    RemovalPolicies.of(stack).destroy();
    expect(keyResource(stack, key).DeletionPolicy).toBe('Delete');
  });

  test('a ReplicaKey whose removal policy an escape hatch changed fails synthesis', () => {
    const stack = new Stack(testStack().node.scope!, 'ReplicaStack', { env: { account: ACCOUNT, region: 'eu-west-2' } });
    const replica = new ReplicaKey(stack, 'Replica', { primaryKey: CustomerManagedKey.fromKeyArn(stack, 'Primary', PRIMARY_ARN) });
    (replica.node.defaultChild as kms.CfnReplicaKey).applyRemovalPolicy(RemovalPolicy.DESTROY);
    expect(synthError(stack)).toContain(
      `[ReplicaStack/Replica] ReplicaKey must keep retention: found DeletionPolicy "Delete", expected "Retain". ${CAUSE} \`removalPolicy\`; to delete it with its stack, pass \`removalPolicy\` to the ReplicaKey itself.`,
    );
  });
});
