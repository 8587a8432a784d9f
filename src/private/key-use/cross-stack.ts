import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';

/**
 * Whether the grantee is defined in another stack of the key's account and Region. A key policy that
 * names it makes the key's stack depend on the grantee's, and the grantee's policy, which names the key,
 * the other way round: CloudFormation cannot deploy stacks that depend on each other.
 */
export function isGranteeInOtherStack(key: IConstruct, grantee: iam.IGrantable): boolean {
  const principal = grantee.grantPrincipal;
  if (!Construct.isConstruct(principal)) {
    return false;
  }
  const keyStack = Stack.of(key);
  const granteeStack = Stack.of(principal);
  return granteeStack !== keyStack && granteeStack.account === keyStack.account && granteeStack.region === keyStack.region;
}

/**
 * A key that does not trust account identities must name each grantee in its policy, so both must share a
 * stack; a key that does leaves it to the grantee's IAM policy.
 */
export function crossStackGranteeProblem(key: IConstruct, trustsAccountIdentities: boolean, grantee: iam.IGrantable): string | undefined {
  if (trustsAccountIdentities || !isGranteeInOtherStack(key, grantee)) {
    return undefined;
  }
  const principal = grantee.grantPrincipal as unknown as IConstruct;
  return `\`grantee\` must be in the stack of ${key.node.path}, whose key policy names every grantee because the key does not trust account identities, got ${principal.node.path} in stack ${Stack.of(principal).stackName}: each stack would depend on the other. Define the grantee in the key's stack, or create the key with trustAccountIdentities: true.`;
}
