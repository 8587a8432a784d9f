import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CustomerManagedKey } from '../../src/kms';
import { deployedLengthUpperBound, MANAGED_POLICY_SIZE_LIMIT } from '../../src/private/managed-policy-size';
import { SecureStringParameter, SecureStringValue } from '../../src/ssm';
import { testApp, testStack } from '../util/app';
import { nagFindings } from '../util/nag';

// Stacks of 150 to 200 parameters, synthesized with validations and compliance packs.
jest.setTimeout(300_000);

/** How many SecureStringParameters one stack holds (issue 17): names as users write them. */
const parameterName = (i: number) => `/myapp/service/config/param-${i}`;

/** `count` parameters in `stack`, each with its own key unless one is given. */
function addParameters(stack: Stack, count: number, encryptionKey?: CustomerManagedKey): void {
  for (let i = 0; i < count; i++) {
    new SecureStringParameter(stack, `Parameter${i}`, { parameterName: parameterName(i), encryptionKey });
  }
}

/**
 * The handler role's managed policies, by construct id, with the most characters each can take once
 * deployed: those under the role (the function waits for them) and the previous-keys policies beside it.
 */
function handlerPolicySizes(stack: Stack): Record<string, number> {
  const provider = stack.node.findChild('SecureStringParameterProvider');
  return Object.fromEntries([...provider.node.findChild('Role').node.children, ...provider.node.children]
    .filter((child): child is iam.ManagedPolicy => child instanceof iam.ManagedPolicy)
    .map((policy) => [policy.node.id, deployedLength(stack, policy)]));
}

function deployedLength(stack: Stack, policy: iam.ManagedPolicy): number {
  return deployedLengthUpperBound(stack, stack.resolve((policy.node.defaultChild as iam.CfnManagedPolicy).policyDocument));
}

function handlerPolicy(stack: Stack, id: string): iam.ManagedPolicy {
  const provider = stack.node.findChild('SecureStringParameterProvider');
  return (provider.node.tryFindChild(id) ?? provider.node.findChild('Role').node.findChild(id)) as iam.ManagedPolicy;
}

describe('one stack holds as many SecureStringParameters as CloudFormation allows', () => {
  test.each([
    ['150, each with its own key', 150, false, ['Policy', 'Policy2', 'Policy3', 'Policy4', 'Policy5', 'Policy6', 'PreviousKeysPolicy', 'PreviousKeysPolicy2', 'PreviousKeysPolicy3']],
    ['200 on one shared key', 200, true, ['Policy', 'Policy2', 'Policy3', 'Policy4', 'PreviousKeysPolicy']],
  ] as const)('%s synthesize, validations included, with every handler policy under IAM\'s limit', (_, count, shared, policyIds) => {
    // GIVEN
    const app = testApp();
    const stack = testStack('TestStack', {}, app);

    // WHEN
    addParameters(stack, count, shared ? new CustomerManagedKey(stack, 'SharedKey') : undefined);

    // THEN app.synth() runs every construct's validations, the policy size checks among them
    expect(() => app.synth()).not.toThrow();
    const sizes = handlerPolicySizes(stack);
    expect(Object.keys(sizes)).toEqual(policyIds);
    expect(Math.max(...Object.values(sizes))).toBeLessThanOrEqual(MANAGED_POLICY_SIZE_LIMIT);
    // The function runs only once every policy of parameters and keys is attached; the previous-keys
    // policies change only after every parameter.
    const template = Template.fromStack(stack);
    const logicalIdOf = (id: string) => stack.getLogicalId(handlerPolicy(stack, id).node.defaultChild as iam.CfnManagedPolicy);
    const [previousKeys, parameterPolicies] = [policyIds.filter((id) => id.startsWith('PreviousKeys')), policyIds.filter((id) => !id.startsWith('PreviousKeys'))];
    const functionDependsOn = Object.values<any>(template.findResources('AWS::Lambda::Function'))[0].DependsOn;
    expect(functionDependsOn).toEqual(expect.arrayContaining(parameterPolicies.map(logicalIdOf)));
    expect(functionDependsOn).not.toEqual(expect.arrayContaining([logicalIdOf(previousKeys[0])]));
    const parameters = Object.keys(template.findResources('Custom::SecureStringParameter'));
    expect(parameters).toHaveLength(count);
    for (const id of previousKeys) {
      expect(template.toJSON().Resources[logicalIdOf(id)].DependsOn).toEqual(expect.arrayContaining(parameters));
    }
  });

  test('an environment-agnostic stack of 150, each with its own key, synthesizes (pseudo parameters sized at their longest)', () => {
    const app = testApp();
    const stack = new Stack(app, 'Agnostic');
    addParameters(stack, 150);
    expect(() => app.synth()).not.toThrow();
    expect(Math.max(...Object.values(handlerPolicySizes(stack)))).toBeLessThanOrEqual(MANAGED_POLICY_SIZE_LIMIT);
  });

  test('150 with their own keys: zero findings under the four cdk-nag packs and the Control Tower controls (cfn-guard)', () => {
    // GIVEN
    const app = testApp();
    Validations.of(app).addPlugins(new CfnGuardValidator());
    addParameters(testStack('TestStack', {}, app), 150);

    // WHEN / THEN
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('the handler policies\' limits fail at synth, with the count, the limit and the fix', () => {
  test('more parameter ARNs than 9 managed policies hold: the role\'s quota of 10 policies', () => {
    // GIVEN 40 parameters with names of 960 characters on one key: 5 ARNs fill each of the 8 policies that
    // list them, and one policy names the key for decryption
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'SharedKey');
    const longName = (i: number) => `/${String(i).padStart(959, 'n')}`;
    for (let i = 0; i < 40; i++) {
      new SecureStringParameter(stack, `Parameter${i}`, { parameterName: longName(i), encryptionKey: key });
    }
    expect(Object.keys(handlerPolicySizes(stack))).toHaveLength(10);

    // WHEN / THEN
    expect(() => new SecureStringParameter(stack, 'Parameter40', { parameterName: longName(40), encryptionKey: key })).toThrow(
      '[TestStack/Parameter40] Invalid configuration: This stack defines 41 SecureStringParameters, whose ARNs and keys fill the 9 managed policies of their handler\'s role that list them (IAM attaches at most 10 managed policies to a role, and the first holds the handler\'s other permissions). Define some of them in another stack, let more of them share a key, or give them shorter names.',
    );
  });

  test('the first policy: read grants on the secrets the parameters copy', () => {
    // GIVEN parameters copying unnamed secrets, whose ARNs count at their longest (a 512-character name)
    const stack = testStack();
    const copy = (i: number) => new SecureStringParameter(stack, `Parameter${i}`, {
      value: SecureStringValue.fromSecret(new secretsmanager.Secret(stack, `Secret${i}`)),
    });
    for (let i = 0; i < 9; i++) {
      copy(i);
    }
    const policy = handlerPolicy(stack, 'Policy');
    expect(policy.node.validate()).toEqual([]);

    // WHEN
    copy(9);

    // THEN
    expect(policy.node.validate()).toEqual([
      `The policy TestStack/SecureStringParameterProvider/Role/Policy can reach ${handlerPolicySizes(stack).Policy} characters once deployed, above IAM's 6144-character limit for a managed policy. This policy holds the handler's log writing, its deletes of parameters tagged for this stack and read grants on the 10 secrets that this stack's SecureStringParameters copy (SecureStringValue.fromSecret). Define some of the parameters that copy secrets in another stack.`,
    ]);
    expect(() => Template.fromStack(stack)).toThrow(/Role\/Policy can reach \d+ characters once deployed/);
  });

  test('a policy of parameter ARNs that something else filled', () => {
    // GIVEN
    const stack = testStack();
    addParameters(stack, 3);
    const policy = handlerPolicy(stack, 'Policy2');
    expect(policy.node.validate()).toEqual([]);

    // WHEN an aspect or escape hatch adds to it
    policy.addStatements(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [`arn:aws:ssm:eu-west-1:111111111111:parameter/${'x'.repeat(6_000)}`] }));

    // THEN
    expect(policy.node.validate()).toEqual([
      `The policy TestStack/SecureStringParameterProvider/Role/Policy2 can reach ${handlerPolicySizes(stack).Policy2} characters once deployed, above IAM's 6144-character limit for a managed policy. This policy of their handler lists the ARNs of 3 of this stack's 3 SecureStringParameters and of their keys. Give them shorter names, or define some of them in another stack.`,
    ]);
  });
});

test('the handler policies\' sizes: a key shared by parameters is named once in each policy', () => {
  const sizes = (shared: boolean) => {
    const stack = testStack();
    addParameters(stack, 10, shared ? new CustomerManagedKey(stack, 'SharedKey') : undefined);
    return handlerPolicySizes(stack);
  };
  const [own, shared] = [sizes(false), sizes(true)];
  expect(shared.Policy).toEqual(own.Policy);
  // Nine key ARNs fewer in each: one named instead of ten.
  expect(own.Policy2 - shared.Policy2).toBeGreaterThan(9 * 'arn:aws:kms:eu-west-1:111111111111:key/'.length);
  expect(own.PreviousKeysPolicy - shared.PreviousKeysPolicy).toEqual(own.Policy2 - shared.Policy2);
});
