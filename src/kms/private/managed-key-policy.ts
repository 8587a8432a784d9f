import { Annotations, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { publicAllowProblems } from './validation';
import { KEY_POLICY_SIZE_LIMIT, KEY_POLICY_WARNING_RATIO, resolvedPolicySizeBytes } from '../../private/key-use/key-policy';
import { assumptionFailed } from '../../private/validation';

const policiesByKey = new WeakMap<IConstruct, ManagedKeyPolicy>();

/**
 * The key policy of a key this library defines (a `CustomerManagedKey` or a `ReplicaKey`): merges
 * statements of the same scope so the policy grows slowly, and checks the result at synth time.
 */
export class ManagedKeyPolicy {
  /** The policy attached to a key this library defines. */
  public static of(key: IConstruct): ManagedKeyPolicy | undefined {
    return policiesByKey.get(key);
  }

  /** The document given to CloudFormation. */
  public readonly document = new iam.PolicyDocument({ minimize: true });
  /** Statements added so far, by everything but their actions. */
  private readonly byScope = new Map<string, iam.PolicyStatement>();
  private key?: IConstruct;

  /**
   * Ties the policy to its key, once the key exists (a `kms.Key` needs the document in its constructor):
   * from then on statements can be added. The key's synth-time validation checks the policy as
   * synthesized, with `problems`.
   */
  public attachTo(key: IConstruct): void {
    this.key = key;
    policiesByKey.set(key, this);
  }

  /**
   * Adds a statement. One with the same effect, principals, resources and conditions as an earlier one
   * (and no `Sid`) is merged into it: aws-cdk-lib's policy minimization cannot compare principals whose
   * ARN holds the partition token, so it would keep both.
   */
  public add(statement: iam.PolicyStatement): void {
    const scope = statement.sid ? undefined : this.scopeOf(statement);
    const earlier = scope === undefined ? undefined : this.byScope.get(scope);
    if (earlier) {
      earlier.addActions(...statement.actions);
      return;
    }
    if (scope !== undefined) {
      this.byScope.set(scope, statement);
    }
    this.document.addStatements(statement);
  }

  private scopeOf(statement: iam.PolicyStatement): string {
    if (!this.key) {
      return assumptionFailed('ManagedKeyPolicy: attachTo(key) must be called before statements are added');
    }
    const { Action: _actions, ...scope } = Stack.of(this.key).resolve(statement.toStatementJson());
    return JSON.stringify(scope);
  }

  /**
   * Public `Allow` statements without a narrowing condition, and the size against the KMS limit (warning
   * at 80 %), of the key policy as synthesized (resolved).
   */
  public problems(key: IConstruct, resolved: { Statement?: Array<Record<string, any>> }): string[] {
    const problems = publicAllowProblems(resolved);
    const size = resolvedPolicySizeBytes(resolved);
    if (size > KEY_POLICY_SIZE_LIMIT) {
      problems.push(
        `The key policy is ${size} bytes, above the ${KEY_POLICY_SIZE_LIMIT}-byte KMS limit. Use account-wide statements where a construct offers them, fewer principals, or a second key.`,
      );
    } else if (size > KEY_POLICY_SIZE_LIMIT * KEY_POLICY_WARNING_RATIO) {
      Annotations.of(key).addWarningV2(
        'cdk-kms-encryption:keyPolicySize',
        `The key policy is ${size} bytes, over ${KEY_POLICY_WARNING_RATIO * 100}% of the ${KEY_POLICY_SIZE_LIMIT}-byte KMS limit. Plan a second key or account-wide statements before it is full.`,
      );
    }
    return problems;
  }
}
