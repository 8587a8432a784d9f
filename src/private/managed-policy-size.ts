import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * IAM caps a customer-managed policy at 6,144 characters, whitespace excluded. A role shared by every
 * resource of a kind in a stack (a custom-resource handler, a rotation function) grows with each one.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
 */
export const MANAGED_POLICY_SIZE_LIMIT = 6_144;

/**
 * The longest value of each pseudo parameter in any partition (`aws-us-gov`, `ap-southeast-5`,
 * `amazonaws.com.cn`); a stack with an environment has literal account, Region and partition.
 */
const PSEUDO_PARAMETER_MAX_LENGTH: Record<string, number> = {
  'AWS::Partition': 10,
  'AWS::Region': 14,
  'AWS::AccountId': 12,
  'AWS::URLSuffix': 16,
  // arn:<partition>:cloudformation:<region>:<account>:stack/<name, at most 128>/<UUID, 36>
  // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html
  'AWS::StackId': 'arn:aws-us-gov:cloudformation:ap-southeast-5:123456789012:stack/'.length + 128 + '/'.length + 36,
};

/** The longest ARN IAM accepts, for a reference this module cannot size. */
const ARN_MAX_LENGTH = 2_048;
/** Names of log groups, secrets and functions this module cannot read from the template, at their longest. */
const LOG_GROUP_NAME_MAX_LENGTH = 512;
const SECRET_NAME_MAX_LENGTH = 512;
/** @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html */
const FUNCTION_NAME_MAX_LENGTH = 64;

/**
 * Registers a synth-time check that `policy` stays under IAM's size limit once deployed, so a stack with
 * too many resources for one role fails at `cdk synth` with the fix rather than at deployment.
 *
 * @param fix what to do when the policy is too large, with the number of resources that filled it
 */
export function validateManagedPolicySize(policy: iam.ManagedPolicy, fix: () => string): void {
  policy.node.addValidation({
    validate: () => {
      const stack = Stack.of(policy);
      const document = stack.resolve((policy.node.defaultChild as iam.CfnManagedPolicy).policyDocument);
      const length = deployedLengthUpperBound(stack, document);
      return length <= MANAGED_POLICY_SIZE_LIMIT
        ? []
        : [`The policy ${policy.node.path} can reach ${length} characters once deployed, above IAM's ${MANAGED_POLICY_SIZE_LIMIT}-character limit for a managed policy. ${fix()}`];
    },
  });
}

/**
 * The most characters `value` (a resolved CloudFormation value, such as a policy document) can take
 * once CloudFormation has substituted its references, as JSON without whitespace (IAM's measure):
 * literals as they are, pseudo parameters at their longest, and references to the stack's keys,
 * secrets, log groups and functions as their ARNs, from what the template says of them.
 */
export function deployedLengthUpperBound(stack: Stack, value: unknown): number {
  // Read only when a resource is referenced: sizing an ARN of literals and pseudo parameters (one per
  // parameter a stack defines) must not walk the whole tree.
  let resources: Map<string, CfnResource> | undefined;
  const resourcesByLogicalId = () => resources ??= sizedResources(stack);
  return JSON.stringify(deployedForm(value, (reference) => 'x'.repeat(referenceLength(stack, resourcesByLogicalId, reference)))).length;
}

/** The stack's resources of the kinds sized below: resolving a logical id costs a hash of the construct path. */
function sizedResources(stack: Stack): Map<string, CfnResource> {
  return new Map<string, CfnResource>(
    stack.node.findAll()
      .filter((node): node is CfnResource =>
        node instanceof kms.CfnKey || node instanceof secretsmanager.CfnSecret || node instanceof logs.CfnLogGroup
          || node instanceof lambda.CfnFunction)
      .map((resource) => [stack.resolve(resource.logicalId), resource]),
  );
}

/** A `Ref` or `Fn::GetAtt` attribute of a resource, or a pseudo parameter (`Ref` only). */
interface Reference {
  readonly logicalId: string;
  readonly attribute?: string;
}

function deployedForm(value: unknown, substitute: (reference: Reference) => string): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => deployedForm(item, substitute));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const object = value as Record<string, any>;
  const [key, ...others] = Object.keys(object);
  if (others.length === 0 && key === 'Ref') {
    return substitute({ logicalId: object.Ref });
  }
  if (others.length === 0 && key === 'Fn::GetAtt') {
    return substitute({ logicalId: object[key][0], attribute: object[key][1] });
  }
  if (others.length === 0 && key === 'Fn::Join') {
    const [separator, parts] = object[key];
    return (deployedForm(parts, substitute) as unknown[]).join(separator);
  }
  if (others.length === 0 && key.startsWith('Fn::')) {
    return 'x'.repeat(ARN_MAX_LENGTH);
  }
  return Object.fromEntries(Object.entries(object).map(([name, item]) => [name, deployedForm(item, substitute)]));
}

function referenceLength(stack: Stack, resources: () => Map<string, CfnResource>, reference: Reference): number {
  const pseudo = PSEUDO_PARAMETER_MAX_LENGTH[reference.logicalId];
  if (pseudo !== undefined) {
    return pseudo;
  }
  const resource = resources().get(reference.logicalId);
  const arnPrefix = (service: string) =>
    `arn:${literal(stack.partition, 'AWS::Partition')}:${service}:${literal(stack.region, 'AWS::Region')}:${literal(stack.account, 'AWS::AccountId')}:`;
  if (resource instanceof kms.CfnKey && reference.attribute === 'Arn') {
    // Key ids are UUIDs: 36 characters.
    return arnPrefix('kms').length + 'key/'.length + 36;
  }
  if (resource instanceof secretsmanager.CfnSecret && reference.attribute === undefined) {
    // Secrets Manager appends a hyphen and six random characters to the name.
    return arnPrefix('secretsmanager').length + 'secret:'.length + nameLength(stack, resource.name, SECRET_NAME_MAX_LENGTH) + 7;
  }
  if (resource instanceof lambda.CfnFunction && reference.attribute === 'Arn') {
    return arnPrefix('lambda').length + 'function:'.length + nameLength(stack, resource.functionName, FUNCTION_NAME_MAX_LENGTH);
  }
  if (resource instanceof logs.CfnLogGroup && reference.attribute === 'Arn') {
    return arnPrefix('logs').length + 'log-group:'.length + nameLength(stack, resource.logGroupName, LOG_GROUP_NAME_MAX_LENGTH) + ':*'.length;
  }
  return ARN_MAX_LENGTH;
}

/** A stack attribute as it is, or an x for each character of the longest value of its pseudo parameter. */
function literal(value: string, pseudoParameter: string): string {
  return Token.isUnresolved(value) ? 'x'.repeat(PSEUDO_PARAMETER_MAX_LENGTH[pseudoParameter]) : value;
}

/** The length of a name the template sets, or the longest it can be. */
function nameLength(stack: Stack, name: string | undefined, maxLength: number): number {
  const resolved = stack.resolve(name);
  return typeof resolved === 'string' ? resolved.length : maxLength;
}
