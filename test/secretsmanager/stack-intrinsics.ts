import { Stack } from 'aws-cdk-lib';
import { Intrinsics } from '../util/intrinsics';

/** The id CloudFormation gives a stack when it creates it: its ARN, with a generated UUID. */
export function stackIdOf(stack: Stack): string {
  return `arn:aws:cloudformation:${stack.region}:${stack.account}:stack/${stack.stackName}/1c2fa620-982a-11e3-aff7-50e2416294e0`;
}

/**
 * Intrinsics that also resolve `AWS::StackId`, which the generic rotation function's policy and its
 * secrets' ownership tag name.
 */
export class StackIntrinsics extends Intrinsics {
  constructor(private readonly stackOfTemplate: Stack) {
    super(stackOfTemplate);
  }

  public override resolve(value: any): any {
    const isStackId = value !== null && typeof value === 'object' && !Array.isArray(value)
      && Object.keys(value).length === 1 && value.Ref === 'AWS::StackId';
    return isStackId ? stackIdOf(this.stackOfTemplate) : super.resolve(value);
  }
}
