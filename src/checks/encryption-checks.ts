import { Annotations, CfnResource, IAspect, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CheckLevel } from './check-level';
import { RULES, RuleDefinition } from './private/rules';
import { validateChecksProps } from './private/validation';
import { throwIfInvalidFor } from '../private/validation';

/** A rule switched off, with the reason an auditor will read. */
export interface DisabledRule {
  /** The rule id, one of `EncryptionChecks.RULE_IDS`, e.g. `cdk-kms-encryption:S3BucketKey`. */
  readonly ruleId: string;
  /** Why the rule does not apply to this app. Must not be empty. */
  readonly reason: string;
}

/** The level one rule reports at, instead of its default. */
export interface RuleLevel {
  /** The rule id, one of `EncryptionChecks.RULE_IDS`. */
  readonly ruleId: string;
  /** How the rule reports what it finds. */
  readonly level: CheckLevel;
}

/** A rule of `EncryptionChecks`, as `EncryptionChecks.rules()` describes it. */
export interface EncryptionRule {
  /** The stable rule id, e.g. `cdk-kms-encryption:S3BucketKmsCmk`. */
  readonly ruleId: string;
  /** The CloudFormation resource type the rule checks, e.g. `AWS::S3::Bucket`. */
  readonly resourceType: string;
  /** The level the rule reports at unless configured otherwise. */
  readonly defaultLevel: CheckLevel;
  /** What a compliant resource looks like. */
  readonly description: string;
}

/** Properties of {@link EncryptionChecks}. */
export interface EncryptionChecksProps {
  /**
   * The level every rule reports at; `ruleLevels` still wins for the rules it names.
   *
   * @default - each rule's own level (see `EncryptionChecks.rules()`)
   */
  readonly level?: CheckLevel;

  /**
   * Levels for individual rules.
   *
   * @default - no rule-specific levels
   */
  readonly ruleLevels?: RuleLevel[];

  /**
   * Rules to switch off for the whole scope, each with a reason.
   *
   * @default - every rule runs
   */
  readonly disabledRules?: DisabledRule[];
}

/**
 * Checks every resource in the scope it is applied to (an app, a stage or a stack) for the
 * guarantees of this library, including resources defined with plain aws-cdk-lib:
 * customer-managed KMS keys for S3 buckets, log groups, secrets, SQS queues, SNS topics, DynamoDB
 * tables, EBS volumes and RDS instances and clusters; S3 Bucket Keys and a TLS-only bucket policy;
 * key rotation, no unconditional public key-policy statement and room left in the key policy; and
 * no secret-looking SSM parameter stored in plain text.
 *
 * Each finding is an annotation on the resource with a stable rule id and a message that says the
 * fix: an error (`cdk deploy` refuses to deploy) or an acknowledgeable warning, by rule. A value only
 * known at deploy time (a parameter, an import) is reported as a warning that it could not be
 * checked, never as a pass.
 *
 * @example
 * declare const app: App;
 * Aspects.of(app).add(new EncryptionChecks(), { priority: AspectPriority.READONLY });
 */
export class EncryptionChecks implements IAspect {
  /** The id of every rule, e.g. `cdk-kms-encryption:S3BucketKmsCmk`. */
  public static readonly RULE_IDS: string[] = RULES.map((rule) => rule.id);

  /** Every rule: id, resource type, default level and what a compliant resource looks like. */
  public static rules(): EncryptionRule[] {
    return RULES.map((rule) => ({
      ruleId: rule.id,
      resourceType: rule.resourceType,
      defaultLevel: rule.level,
      description: rule.description,
    }));
  }

  private readonly activeRules: RuleDefinition[];
  private readonly levels: Map<string, CheckLevel>;

  /** @param props levels per rule, and rules switched off */
  constructor(props: EncryptionChecksProps = {}) {
    // An aspect has no scope of its own; failing here points at the line that configures it.
    throwIfInvalidFor('EncryptionChecks', validateChecksProps(EncryptionChecks.RULE_IDS, props));
    const disabled = new Set((props.disabledRules ?? []).map((rule) => rule.ruleId));
    this.activeRules = RULES.filter((rule) => !disabled.has(rule.id));
    this.levels = new Map(RULES.map((rule) => [rule.id, props.level ?? rule.level]));
    for (const { ruleId, level } of props.ruleLevels ?? []) {
      if (!Token.isUnresolved(ruleId)) {
        this.levels.set(ruleId, level);
      }
    }
  }

  /** Checks one construct; only CloudFormation resources of the types the rules cover are checked. */
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) {
      return;
    }
    for (const rule of this.activeRules.filter((candidate) => candidate.resourceType === node.cfnResourceType)) {
      const result = rule.check(node);
      if (result === undefined) {
        continue;
      }
      if (result.checked && this.levels.get(rule.id) === CheckLevel.ERROR) {
        Annotations.of(node).addError(`[${rule.id}] ${result.message}`);
      } else {
        Annotations.of(node).addWarningV2(rule.id, result.message);
      }
    }
  }
}
