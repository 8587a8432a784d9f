import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { deployedLengthUpperBound, MANAGED_POLICY_SIZE_LIMIT, validateManagedPolicySize } from './managed-policy-size';

/**
 * How many managed policies IAM attaches to a role by default: the caller checks that its policies of ARN
 * lists and its others stay within it.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
 */
export const MANAGED_POLICIES_PER_ROLE = 10;

/** How the policies of an {@link ArnListPolicies} are made. */
export interface ArnListPoliciesOptions {
  /** The statements of a new policy, each listing one of `arns` (the ARNs it is defined for). */
  readonly statementsFor: (arns: string[]) => iam.PolicyStatement[];
  /** Defines the `number`-th policy (from 1) with `statements`, where its caller's logical ids want it. */
  readonly define: (statements: iam.PolicyStatement[], number: number) => iam.ManagedPolicy;
  /** What to do when a policy is too large, given how many `add` calls it took. */
  readonly fix: (additions: number) => string;
}

/** One policy: its statements, what each lists (as resolved JSON), and its most characters once deployed. */
interface ArnListPolicy {
  readonly policy: iam.ManagedPolicy;
  readonly statements: iam.PolicyStatement[];
  readonly listed: Array<Set<string>>;
  deployedLength: number;
  additions: number;
}

/**
 * ARNs spread over the managed policies of one role, for roles shared by every resource of a kind in a
 * stack (a custom-resource handler, a rotation function): the i-th ARN of an `add` goes into the i-th
 * statement of the last policy, or into a new policy when it would pass IAM's size limit there. The role's
 * permissions then grow by one ARN per resource, without a ceiling below the role's quota of managed
 * policies (which the caller checks), and name exactly what they reach. Each policy is checked at synth
 * against the size limit (validateManagedPolicySize), with the caller's fix.
 */
export class ArnListPolicies {
  private readonly policies: ArnListPolicy[] = [];
  /** Every ARN listed in the first statement of any policy, as resolved JSON. */
  private readonly listedAnywhere = new Set<string>();

  constructor(private readonly stack: Stack, private readonly options: ArnListPoliciesOptions) {}

  /** The managed policies so far. */
  public get managedPolicies(): iam.ManagedPolicy[] {
    return this.policies.map((entry) => entry.policy);
  }

  /**
   * Lists `arns[i]` in statement i of the last policy, except those it lists already, or defines a new
   * policy for them when they do not fit.
   */
  public add(...arns: string[]): void {
    const resolved = arns.map((arn) => JSON.stringify(this.stack.resolve(arn)));
    const last = this.policies.at(-1);
    if (last) {
      const missing = arns.map((arn, i) => ({ arn, i, key: resolved[i] })).filter(({ i, key }) => !last.listed[i].has(key));
      const growth = missing.reduce((sum, { arn }) => sum + this.listedLength(arn), 0);
      if (last.deployedLength + growth <= MANAGED_POLICY_SIZE_LIMIT) {
        missing.forEach(({ arn, i, key }) => {
          last.statements[i].addResources(arn);
          last.listed[i].add(key);
        });
        last.deployedLength += growth;
        last.additions++;
        this.listedAnywhere.add(resolved[0]);
        return;
      }
    }
    this.policies.push(this.newPolicy(arns, resolved));
    this.listedAnywhere.add(resolved[0]);
  }

  /** Lists `arn` in the first statement, unless a policy lists it there already (a key shared by many resources is named once). */
  public addOnce(arn: string): void {
    if (!this.listedAnywhere.has(JSON.stringify(this.stack.resolve(arn)))) {
      this.add(arn);
    }
  }

  private newPolicy(arns: string[], resolved: string[]): ArnListPolicy {
    const statements = this.options.statementsFor(arns);
    const policy = this.options.define(statements, this.policies.length + 1);
    const entry: ArnListPolicy = {
      policy,
      statements,
      listed: resolved.map((key) => new Set([key])),
      deployedLength: policyLength(this.stack, statements),
      additions: 1,
    };
    validateManagedPolicySize(policy, () => this.options.fix(entry.additions));
    return entry;
  }

  /** An ARN with its quotes and the comma before it, as it stands in a statement's list. */
  private listedLength(arn: string): number {
    return ','.length + deployedLengthUpperBound(this.stack, this.stack.resolve(arn));
  }
}

/** The deployed length of a policy holding `statements`, their resources counted as lists. */
function policyLength(stack: Stack, statements: iam.PolicyStatement[]): number {
  const json = statements.map((statement) => statement.toStatementJson())
    .map((statement) => ({ ...statement, Resource: [statement.Resource].flat() }));
  return deployedLengthUpperBound(stack, stack.resolve({ Statement: json, Version: '2012-10-17' }));
}
