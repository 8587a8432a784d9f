import { PropertyInjectors, RemovalPolicies, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EncryptedLogGroup, EncryptedLogGroupProps } from '../../src/logs';
import { testStack } from '../util/app';

const CAUSE = 'A property injector, mixin, aspect or L1 override (addPropertyOverride) changed';

function logGroupResource(stack: Stack, logGroup: logs.ILogGroup): any {
  return Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup)];
}

describe('EncryptedLogGroup invariants on the synthesized log group', () => {
  test('an injector aimed at logs.LogGroup no longer reaches it; one aimed at EncryptedLogGroup sets its retention', () => {
    // GIVEN
    const stack = testStack();
    PropertyInjectors.of(stack).add(
      {
        constructUniqueId: logs.LogGroup.PROPERTY_INJECTION_ID,
        inject: (props: logs.LogGroupProps) => ({ ...props, encryptionKey: undefined, retention: logs.RetentionDays.ONE_DAY }),
      },
      {
        constructUniqueId: EncryptedLogGroup.PROPERTY_INJECTION_ID,
        inject: (props: EncryptedLogGroupProps) => ({ retention: logs.RetentionDays.TEN_YEARS, ...props }),
      },
    );

    // WHEN
    const logGroup = new EncryptedLogGroup(stack, 'Logs');
    const plain = new logs.LogGroup(stack, 'Plain');

    // THEN
    expect(logGroupResource(stack, logGroup).Properties).toMatchObject({ RetentionInDays: 3653, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^LogsKey/), 'Arn'] } });
    expect(logGroupResource(stack, plain).Properties.RetentionInDays).toBe(1);
  });

  test.each<[string, (logGroup: EncryptedLogGroup) => void, string]>([
    [
      'an override that removes the key',
      (logGroup) => (logGroup.node.defaultChild as logs.CfnLogGroup).addPropertyDeletionOverride('KmsKeyId'),
      `EncryptedLogGroup must keep its encryption key: found Properties.KmsKeyId (not set), expected {"Fn::GetAtt":["LogsKeyB5D1D597","Arn"]}. ${CAUSE} \`encryptionKey\`; remove that change for this construct.`,
    ],
    [
      'a change to the L1 retention',
      (logGroup) => { (logGroup.node.defaultChild as logs.CfnLogGroup).retentionInDays = 1; },
      `EncryptedLogGroup must keep its retention period: found Properties.RetentionInDays 1, expected 365. ${CAUSE} \`retention\`; to keep events longer or shorter, pass \`retention\` to the EncryptedLogGroup itself.`,
    ],
    [
      'RemovalPolicies.destroy() on its scope',
      (logGroup) => RemovalPolicies.of(logGroup).destroy(),
      `EncryptedLogGroup must keep retention: found DeletionPolicy "Delete", expected "Retain". ${CAUSE} \`removalPolicy\`; to delete it with its stack, pass \`removalPolicy\` to the EncryptedLogGroup itself.`,
    ],
  ])('%s fails synthesis', (_name, configure, message) => {
    const stack = testStack();
    configure(new EncryptedLogGroup(stack, 'Logs'));
    expect(() => Template.fromStack(stack)).toThrow(`[TestStack/Logs] ${message}`);
  });
});
