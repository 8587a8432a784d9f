import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ArnListPolicies } from '../../src/private/arn-list-policies';
import { deployedLengthUpperBound, MANAGED_POLICY_SIZE_LIMIT } from '../../src/private/managed-policy-size';
import { testApp, testStack } from '../util/app';

const parameterArn = (i: number) => `arn:aws:ssm:eu-west-1:111111111111:parameter/app/${'x'.repeat(40)}-${i}`;
const keyArn = (i: number) => `arn:aws:kms:eu-west-1:111111111111:key/${String(i).padStart(36, '0')}`;

/** Policies `Policy1`, ... with a parameter statement and a key statement, each ARN pair added in turn. */
function pairPolicies(stack: Stack, fix = (additions: number) => `fix after ${additions}`) {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return new ArnListPolicies(stack, {
    statementsFor: ([parameter, key]) => [
      new iam.PolicyStatement({ actions: ['ssm:PutParameter'], resources: [parameter] }),
      new iam.PolicyStatement({ actions: ['kms:Encrypt'], resources: [key] }),
    ],
    define: (statements, number) => new iam.ManagedPolicy(stack, `Policy${number}`, { roles: [role], statements }),
    fix,
  });
}

function resources(stack: Stack, policy: iam.ManagedPolicy): string[][] {
  const document = stack.resolve((policy.node.defaultChild as iam.CfnManagedPolicy).policyDocument);
  return document.Statement.map((statement: { Resource: string | string[] }) => [statement.Resource].flat());
}

function deployedLength(stack: Stack, policy: iam.ManagedPolicy): number {
  return deployedLengthUpperBound(stack, stack.resolve((policy.node.defaultChild as iam.CfnManagedPolicy).policyDocument));
}

test('the i-th ARN of each add goes into the i-th statement of the last policy, each ARN once per policy', () => {
  // GIVEN
  const stack = testStack();
  const policies = pairPolicies(stack);

  // WHEN two parameters share a key
  policies.add(parameterArn(1), keyArn(1));
  policies.add(parameterArn(2), keyArn(1));
  policies.add(parameterArn(3), keyArn(2));

  // THEN
  expect(policies.managedPolicies).toHaveLength(1);
  expect(resources(stack, policies.managedPolicies[0])).toEqual([[parameterArn(1), parameterArn(2), parameterArn(3)], [keyArn(1), keyArn(2)]]);
});

test('a policy is filled up to IAM\'s limit, then the next one is defined, listing again the key the pair needs', () => {
  // GIVEN
  const stack = testStack();
  const policies = pairPolicies(stack);

  // WHEN
  for (let i = 0; i < 100; i++) {
    policies.add(parameterArn(i), keyArn(0));
  }

  // THEN every policy is under the limit, and the next pair would not have fit the full ones
  const [first, ...others] = policies.managedPolicies;
  expect(others.length).toBeGreaterThan(0);
  for (const policy of policies.managedPolicies) {
    expect(deployedLength(stack, policy)).toBeLessThanOrEqual(MANAGED_POLICY_SIZE_LIMIT);
  }
  expect(deployedLength(stack, first) + `,"${parameterArn(99)}"`.length).toBeGreaterThan(MANAGED_POLICY_SIZE_LIMIT);
  expect(policies.managedPolicies.map((policy) => policy.node.id)).toEqual(policies.managedPolicies.map((_, i) => `Policy${i + 1}`));
  expect(resources(stack, others[0])[1]).toEqual([keyArn(0)]);
});

test('addOnce lists an ARN that no policy lists yet, in the first statement', () => {
  // GIVEN a first policy filled with keys
  const stack = testStack();
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const policies = new ArnListPolicies(stack, {
    statementsFor: (arns) => [new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: arns })],
    define: (statements, number) => new iam.ManagedPolicy(stack, `Policy${number}`, { roles: [role], statements }),
    fix: () => 'fix',
  });
  for (let i = 0; i < 100; i++) {
    policies.addOnce(keyArn(i));
  }
  expect(policies.managedPolicies.length).toBeGreaterThan(1);

  // WHEN a key of the first policy comes again
  policies.addOnce(keyArn(0));

  // THEN no policy lists it twice
  const listed = policies.managedPolicies.flatMap((policy) => resources(stack, policy).flat());
  expect(listed).toHaveLength(100);
  expect(new Set(listed).size).toEqual(100);
});

test('a policy too large even for one pair fails synth with the caller\'s fix and how many it took', () => {
  // GIVEN
  const app = testApp();
  const stack = testStack('TestStack', {}, app);
  const policies = pairPolicies(stack);

  // WHEN
  policies.add(`arn:aws:ssm:eu-west-1:111111111111:parameter/${'p'.repeat(MANAGED_POLICY_SIZE_LIMIT)}`, keyArn(1));

  // THEN
  expect(() => app.synth()).toThrow(/The policy TestStack\/Policy1 can reach \d+ characters once deployed, above IAM's 6144-character limit for a managed policy\. fix after 1/);
});
