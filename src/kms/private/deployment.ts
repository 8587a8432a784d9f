import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The role CloudFormation deploys the stack with, from the stack's synthesizer (the top-level stack's,
 * for a nested stack): `DefaultStackSynthesizer` names the bootstrap `cfn-exec-role`, with `${Qualifier}`
 * already filled in and `${AWS::Partition}`, `${AWS::AccountId}`, `${AWS::Region}` left for CloudFormation.
 * `CliCredentialsStackSynthesizer` and `LegacyStackSynthesizer` pass no role: CloudFormation then acts with
 * the credentials of whoever runs `cdk deploy`, which the app cannot know.
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.DefaultStackSynthesizer.html#cloudformationexecutionrolearn
 * @see https://docs.aws.amazon.com/cdk/v2/guide/customize-synth.html
 */
export function synthesizerExecutionRole(stack: Stack): iam.IPrincipal | undefined {
  let top = stack;
  while (top.nestedStackParent) {
    top = top.nestedStackParent;
  }
  const arn = (top.synthesizer as { readonly cloudFormationExecutionRoleArn?: string }).cloudFormationExecutionRoleArn;
  return arn === undefined ? undefined : new iam.ArnPrincipal(withPseudoParameters(arn, top));
}

/** The synthesizer's `${AWS::...}` placeholders as the stack's own pseudo parameters (or its concrete values). */
function withPseudoParameters(arn: string, stack: Stack): string {
  return arn
    .replace(/\$\{AWS::Partition\}/g, stack.partition)
    .replace(/\$\{AWS::AccountId\}/g, stack.account)
    .replace(/\$\{AWS::Region\}/g, stack.region);
}
