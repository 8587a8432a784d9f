import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SecureStringParameter } from '../../src/ssm';
import { testStack } from '../util/app';

const CAUSE = 'A property injector, mixin, aspect or L1 override (addPropertyOverride) changed';

describe('SecureStringParameter invariants on the synthesized resource', () => {
  test.each<[string, (resource: CfnResource) => void, string]>([
    [
      'an override to the AWS managed key',
      (resource) => resource.addPropertyOverride('KeyId', 'alias/aws/ssm'),
      `SecureStringParameter must keep its encryption key: found Properties.KeyId "alias/aws/ssm", expected {"Fn::GetAtt":["ParameterKey8511DEED","Arn"]}. ${CAUSE} \`encryptionKey\`; remove that change for this construct.`,
    ],
    [
      'an override that lets the handler delete the parameter',
      (resource) => resource.addPropertyOverride('Retain', 'false'),
      `SecureStringParameter must keep retention: found Properties.Retain "false", expected "true". ${CAUSE} \`removalPolicy\`; remove that change for this construct.`,
    ],
  ])('%s fails synthesis', (_name, configure, message) => {
    const stack = testStack();
    const parameter = new SecureStringParameter(stack, 'Parameter');
    configure(parameter.node.findChild('Resource').node.defaultChild as CfnResource);
    expect(() => Template.fromStack(stack)).toThrow(`[TestStack/Parameter] ${message}`);
  });
});
