import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { deployedLengthUpperBound, MANAGED_POLICY_SIZE_LIMIT, validateManagedPolicySize } from '../../src/private/managed-policy-size';
import { ACCOUNT, REGION, testApp, testStack } from '../util/app';

/** A key, a named secret and a named log group, referenced the way policies reference them. */
function references(stack: Stack): string[] {
  const key = new kms.CfnKey(stack, 'Key', {});
  const secret = new secretsmanager.CfnSecret(stack, 'Secret', { name: 'app/db' });
  const logGroup = new logs.CfnLogGroup(stack, 'Logs', { logGroupName: '/app/logs' });
  return [key.attrArn, secret.ref, logGroup.attrArn, `ssm.${stack.region}.${stack.urlSuffix}`];
}

const KEY_ID = 'x'.repeat(36);

describe('deployedLengthUpperBound', () => {
  test('a stack with an environment: exact ARNs, the longest URL suffix and key id', () => {
    const stack = testStack();
    const resolved = stack.resolve({ Resource: references(stack) });

    expect(deployedLengthUpperBound(stack, resolved)).toBe(JSON.stringify({
      Resource: [
        `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`,
        `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:app/db-xxxxxx`,
        `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/logs:*`,
        `ssm.${REGION}.amazonaws.com.cn`,
      ],
    }).length);
  });

  test('an environment-agnostic stack: partition, Region and account at their longest', () => {
    const stack = new Stack(testApp(), 'Agnostic');
    const resolved = stack.resolve({ Resource: references(stack) });
    const prefix = (service: string) => `arn:aws-us-gov:${service}:ap-southeast-5:${ACCOUNT}:`;

    expect(deployedLengthUpperBound(stack, resolved)).toBe(JSON.stringify({
      Resource: [
        `${prefix('kms')}key/${KEY_ID}`,
        `${prefix('secretsmanager')}secret:app/db-xxxxxx`,
        `${prefix('logs')}log-group:/app/logs:*`,
        'ssm.ap-southeast-5.amazonaws.com.cn',
      ],
    }).length);
  });

  test('names only known at deploy time count at their longest, other references as the longest ARN', () => {
    const stack = testStack();
    const secret = new secretsmanager.CfnSecret(stack, 'Unnamed', {});
    const logGroup = new logs.CfnLogGroup(stack, 'UnnamedLogs', {});
    const role = new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: {} });
    const fn = new lambda.CfnFunction(stack, 'Function', { code: {}, role: role.attrArn });

    const length = (value: string) => deployedLengthUpperBound(stack, stack.resolve(value)) - 2; // without the quotes

    expect(length(secret.ref)).toBe(`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:`.length + 512 + 7);
    expect(length(logGroup.attrArn)).toBe(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:`.length + 512 + 2);
    expect(length(fn.attrArn)).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:`.length + 64);
    expect(length(role.attrArn)).toBe(2048);
    expect(length(stack.resolve({ 'Fn::ImportValue': 'Shared' }))).toBe(2048);
  });
});

describe('validateManagedPolicySize', () => {
  function policyWithResources(count: number): iam.ManagedPolicy {
    const stack = testStack();
    const policy = new iam.ManagedPolicy(stack, 'Policy');
    // Each resource is 100 characters once quoted and separated.
    const arns = Array.from({ length: count }, (_, i) => `arn:aws:s3:::${String(i).padStart(84, 'b')}`);
    policy.addStatements(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: arns }));
    validateManagedPolicySize(policy, () => `This stack has ${count} buckets.`);
    return policy;
  }

  test('a policy under the limit passes', () => {
    expect(policyWithResources(59).node.validate()).toEqual([]);
  });

  test('a policy over the limit fails, with its size, the limit and the fix', () => {
    const policy = policyWithResources(61);
    const stack = Stack.of(policy);
    const size = deployedLengthUpperBound(stack, stack.resolve((policy.node.defaultChild as iam.CfnManagedPolicy).policyDocument));

    expect(size).toBeGreaterThan(MANAGED_POLICY_SIZE_LIMIT);
    expect(policy.node.validate()).toEqual([
      `The policy TestStack/Policy can reach ${size} characters once deployed, above IAM's 6144-character limit for a managed policy. This stack has 61 buckets.`,
    ]);
  });
});
