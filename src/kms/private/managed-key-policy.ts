import { Annotations, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { KEY_POLICY_SIZE_LIMIT, KEY_POLICY_WARNING_RATIO, resolvedPolicySizeBytes } from './key-policy';
import { unconditionalPublicAllowProblems } from './validation';
import { assumptionFailed } from '../../private/validation';

/**
 * The key policy of a key this library defines (a `CustomerManagedKey` or a `ReplicaKey`): merges
 * statements of the same scope so the policy grows slowly, and checks the result at synth time.
 */
export class ManagedKeyPolicy {
  /** The document given to CloudFormation. */
  public readonly document = new iam.PolicyDocument({ minimize: true });
  /** Statements added so far, by everything but their actions. */
  private readonly byScope = new Map<string, iam.PolicyStatement>();
  private key?: IConstruct;

  /**
   * Ties the policy to its key, once the key exists (a `kms.Key` needs the document in its constructor):
   * from then on statements can be added, and synthesis checks the policy.
   */
  public attachTo(key: IConstruct): void {
    this.key = key;
    key.node.addValidation({ validate: () => this.problems(key) });
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

  /** Unconditioned `Allow` for everyone, and the size against the KMS limit (warning at 80 %). */
  private problems(key: IConstruct): string[] {
    // Resolved once for both checks: a synth resolves every key policy of the app here.
    const resolved = Stack.of(key).resolve(this.document);
    const problems = unconditionalPublicAllowProblems(resolved);
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
