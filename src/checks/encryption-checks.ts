import { IAspect, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stage, Token, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CheckLevel } from './check-level';
import { SynthesizedApp, TemplateResource } from './private/assembly';
import { RULES, RULE_NAMESPACE, RuleDefinition } from './private/rules';
import { validateChecksProps } from './private/validation';
import { throwIfInvalidFor } from '../private/validation';

/** A rule switched off, with the reason an auditor will read. */
export interface DisabledRule {
  /** The rule id, one of `EncryptionChecks.RULE_IDS`, e.g. `cdk-kms-encryption::S3BucketKey`. */
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
  /** The stable rule id, e.g. `cdk-kms-encryption::S3BucketKmsCmk`. */
  readonly ruleId: string;
  /** The CloudFormation resource types the rule checks, e.g. `AWS::S3::Bucket`. */
  readonly resourceTypes: string[];
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
 * Judges the synthesized CloudFormation templates of an app — as deployed, after overrides, property
 * injectors, mixins and aspects — for the guarantees of this library, including resources defined
 * with plain aws-cdk-lib: customer-managed KMS keys for S3 buckets, log groups (and the implicit log
 * groups of Lambda functions), Lambda environment variables, secrets, SQS queues, SNS topics,
 * DynamoDB tables and global tables, Kinesis and Firehose streams, EBS volumes and the block devices of
 * instances, launch templates and launch configurations, RDS instances and clusters, EFS, ElastiCache,
 * OpenSearch, Backup vaults, CloudTrail trails and Step Functions state machines; S3 Bucket Keys and a
 * TLS-only bucket policy; key rotation, no unconditional public key-policy statement and room left in
 * the key policy; and no secret-looking SSM parameter stored in plain text.
 *
 * It is a validation plugin: each finding is a violation in `validation-report.json` with the rule id
 * (`cdk-kms-encryption::<Rule>`), the construct path and a message that says the fix, at error level
 * (synthesis fails) or warning level, by rule. `Validations.of(scope).acknowledge({ id, reason })`
 * acknowledges a finding on a resource or everything under a scope. A value only known at deploy time
 * (a parameter, an import from outside the app, a restore from a snapshot) is a warning that it could
 * not be checked, never a pass. Every other resource type of the CloudFormation specification that takes a KMS
 * key has a rule of its own (`<Service><Resource>KmsCmk`, the README's coverage table lists them), and secrets
 * rotate, queue and topic policies deny plain HTTP, RSA encryption keys have 3072 bits or more and key policies
 * limit grants to AWS services.
 *
 * Added as an aspect (`Aspects.of(scope).add(new EncryptionChecks())`), it registers itself as a
 * plugin of the enclosing stage and judges only the resources under that scope.
 *
 * @example
 * declare const app: App;
 * Validations.of(app).addPlugins(new EncryptionChecks());
 */
export class EncryptionChecks implements IPolicyValidationPlugin, IAspect {
  /** The id of every rule, e.g. `cdk-kms-encryption::S3BucketKmsCmk`. */
  public static readonly RULE_IDS: string[] = RULES.map((rule) => rule.id);

  /** Every rule: id, resource types, default level and what a compliant resource looks like. */
  public static rules(): EncryptionRule[] {
    return RULES.map((rule) => ({
      ruleId: rule.id,
      resourceTypes: [...rule.resourceTypes],
      defaultLevel: rule.level,
      description: rule.description,
    }));
  }

  /** The plugin name in `validation-report.json`. */
  public readonly name = RULE_NAMESPACE;

  /**
   * The ids of the rules that run (optional in `IPolicyValidationPlugin`; always set here).
   *
   * @default - every rule not in `disabledRules`
   */
  public readonly ruleIds?: string[];

  private readonly activeRules: RuleDefinition[];
  private readonly levels: Map<string, CheckLevel>;
  /** Construct paths of the scopes the aspect form was added to; empty for the plugin form. */
  private readonly scopes: string[] = [];
  private readonly stages = new Set<Stage>();

  /** @param props levels per rule, and rules switched off */
  constructor(props: EncryptionChecksProps = {}) {
    // A plugin has no scope of its own; failing here points at the line that configures it.
    throwIfInvalidFor('EncryptionChecks', validateChecksProps(EncryptionChecks.RULE_IDS, props));
    const disabled = new Set((props.disabledRules ?? []).map((rule) => rule.ruleId));
    this.activeRules = RULES.filter((rule) => !disabled.has(rule.id));
    this.ruleIds = this.activeRules.map((rule) => rule.id);
    this.levels = new Map(RULES.map((rule) => [rule.id, props.level ?? rule.level]));
    for (const { ruleId, level } of props.ruleLevels ?? []) {
      if (!Token.isUnresolved(ruleId)) {
        this.levels.set(ruleId, level);
      }
    }
  }

  /** Judges the synthesized templates; called by aws-cdk-lib during synthesis. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const app = SynthesizedApp.fromContext(context);
    const violations: PolicyViolation[] = [];
    for (const resource of app.resources.filter((candidate) => this.inScope(candidate))) {
      for (const rule of this.activeRules.filter((candidate) => candidate.resourceTypes.includes(resource.type))) {
        const result = rule.check(resource, app);
        if (result) {
          const level = result.checked ? this.levels.get(rule.id) : CheckLevel.WARNING;
          violations.push({
            ruleName: rule.id,
            description: result.message,
            severity: level === CheckLevel.ERROR ? 'error' : 'warning',
            violatingResources: [resource.constructPath === undefined
              ? { resourceLogicalId: resource.logicalId, templatePath: resource.stack.templatePath, locations: ['Properties'] }
              : { constructPath: resource.constructPath, locations: ['Properties'] }],
          });
        }
      }
    }
    return { success: violations.every((violation) => violation.severity !== 'error'), violations };
  }

  /** The aspect form: registers the checks as a plugin of the stage, for the scope it was added to. */
  public visit(node: IConstruct): void {
    if (this.scopes.some((scope) => isUnder(node.node.path, scope))) {
      return;
    }
    this.scopes.push(node.node.path);
    const stage = Stage.isStage(node) ? node : Stage.of(node);
    if (stage && !this.stages.has(stage)) {
      this.stages.add(stage);
      Validations.of(stage).addPlugins(this);
    }
  }

  private inScope(resource: TemplateResource): boolean {
    return this.scopes.length === 0 || resource.constructPath === undefined || this.scopes.some((scope) => isUnder(resource.constructPath!, scope));
  }
}

function isUnder(path: string, scope: string): boolean {
  return scope === '' || path === scope || path.startsWith(`${scope}/`);
}
