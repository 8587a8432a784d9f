import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { deployedLengthUpperBound, MANAGED_POLICY_SIZE_LIMIT, validateManagedPolicySize } from '../../private/managed-policy-size';

/**
 * Managed policies of one role, `Policy1`, `Policy2`, ... under `scope`, each with one statement that
 * lists ARNs: an ARN goes into the last one, or a new one when it would pass IAM's size limit there. The
 * role's permissions then grow by one ARN per resource, without a ceiling below the role's quota of
 * managed policies (which the caller checks), and name exactly what they reach.
 */
export class ArnListPolicies extends Construct {
  private readonly policies: Array<{ statement: iam.PolicyStatement; deployedLength: number; policy: iam.ManagedPolicy }> = [];
  private readonly arns = new Set<string>();

  /**
   * @param statementFor the statement of each policy, for the ARNs it lists first
   * @param fix what to do when one ARN alone does not fit a policy
   */
  constructor(
    scope: Construct,
    id: string,
    private readonly role: iam.IRole,
    private readonly statementFor: (arns: string[]) => iam.PolicyStatement,
    private readonly fix: string,
  ) {
    super(scope, id);
  }

  /** The managed policies so far. */
  public get managedPolicies(): iam.ManagedPolicy[] {
    return this.policies.map((entry) => entry.policy);
  }

  /** Lists `arn`, once (a key shared by many secrets is named once). */
  public add(arn: string): void {
    const stack = Stack.of(this);
    const key = JSON.stringify(stack.resolve(arn));
    if (this.arns.has(key)) {
      return;
    }
    this.arns.add(key);
    // With its quotes and the comma before it, as it stands in the statement's list.
    const arnLength = deployedLengthUpperBound(stack, stack.resolve(arn)) + ','.length;
    const last = this.policies.at(-1);
    if (last && last.deployedLength + arnLength <= MANAGED_POLICY_SIZE_LIMIT) {
      last.statement.addResources(arn);
      last.deployedLength += arnLength;
      return;
    }
    const statement = this.statementFor([arn]);
    const policy = new iam.ManagedPolicy(this, `Policy${this.policies.length + 1}`, { roles: [this.role], statements: [statement] });
    validateManagedPolicySize(policy, () => this.fix);
    this.policies.push({ statement, policy, deployedLength: policyLength(stack, statement) });
  }
}

/** The deployed length of a policy holding only `statement`, its resources counted as a list. */
function policyLength(stack: Stack, statement: iam.PolicyStatement): number {
  const json = statement.toStatementJson();
  return deployedLengthUpperBound(stack, stack.resolve({ Statement: [{ ...json, Resource: [json.Resource].flat() }], Version: '2012-10-17' }));
}
