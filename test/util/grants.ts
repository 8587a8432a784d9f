import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ACCOUNT } from './app';
import { Intrinsics } from './intrinsics';
import { evaluate } from './policy';

/** What a test of a grant evaluates: the key policy, the key's ARN and the grantee role's IAM statements. */
export interface GrantSetup {
  readonly intrinsics: Intrinsics;
  readonly keyPolicy: any;
  readonly keyArn: string;
  readonly identityStatements: any[];
}

/** Synthesizes the stack and resolves the key policy of `key` and the statements of `role`'s policies. */
export function grantSetup(stack: Stack, key: kms.IKey, role: iam.Role): GrantSetup {
  const intrinsics = new Intrinsics(stack);
  const resources = Template.fromStack(stack).toJSON().Resources;
  const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  const identityStatements = Object.values<any>(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties.Roles).includes(roleId))
    .flatMap((resource) => intrinsics.resolve(resource.Properties.PolicyDocument).Statement);
  const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
  return { intrinsics, keyPolicy: intrinsics.resolve(resources[keyId].Properties.KeyPolicy), keyArn: intrinsics.arn(keyId), identityStatements };
}

/** The decision on a KMS request of the role `reader` of this account, through a service, for one encryption context. */
export function keyRequest(setup: GrantSetup, action: string, context: Record<string, string>) {
  return evaluate(setup.keyPolicy, {
    principal: `arn:aws:iam::${ACCOUNT}:role/reader`,
    action,
    resource: setup.keyArn,
    resourceAccount: ACCOUNT,
    context: { 'kms:CallerAccount': ACCOUNT, ...context },
    identityStatements: setup.identityStatements,
  });
}
