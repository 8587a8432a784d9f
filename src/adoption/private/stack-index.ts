import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * The constructs of one stack that the retrofits look through (IAM policies that may grant on a resource,
 * buckets that may log into another, resource policies of queues and topics), collected once per stack
 * and mixin: walking the tree for every resource would make a large app quadratic.
 */
export class StackIndex {
  /** The IAM policies of the stack, which aws-cdk-lib grants write to. */
  public readonly policies: Array<iam.Policy | iam.ManagedPolicy>;

  private readonly constructs: IConstruct[];

  constructor(stack: Stack) {
    this.constructs = stack.node.findAll();
    this.policies = this.ofType<iam.Policy | iam.ManagedPolicy>((c) => c instanceof iam.Policy || c instanceof iam.ManagedPolicy);
  }

  /** The constructs of the stack that pass `test`. */
  public ofType<T extends IConstruct>(test: (construct: IConstruct) => boolean): T[] {
    return this.constructs.filter(test) as T[];
  }
}
