import { CfnResource, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The checks of the template scanners users run over `cdk.out` that one acknowledgement also answers.
 * Each is written on the CloudFormation resource, in the form the scanner reads, with the reason that
 * the cdk-nag / cfn-guard acknowledgement of the same choice gives (the README's acknowledgements table
 * lists each, and test/scanners/ checks that table against what is written).
 */
export interface ScannerChecks {
  /**
   * checkov check ids (`CKV_AWS_117`), written as `Metadata.checkov.skip: [{ id, comment }]`.
   * @see https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html
   */
  readonly checkov?: string[];
  /**
   * cfn-lint rule ids (`W3005`), written as `Metadata.cfn-lint.config.ignore_checks`, which has no place
   * for a reason: the README's table and this code give it.
   * @see https://github.com/aws-cloudformation/cfn-lint#metadata
   */
  readonly cfnLint?: string[];
}

/** Why a function of this library cannot satisfy the compliance packs' Lambda rules. */
export interface LambdaFindingReasons {
  /** Why it runs outside a VPC (NIST/HIPAA/PCI LambdaInsideVPC). */
  readonly insideVpc: string;
  /** Why it reserves no concurrency (LambdaConcurrency). */
  readonly concurrency: string;
  /** Why it has no dead-letter queue (LambdaDLQ). */
  readonly deadLetterQueue: string;
}

/** Packs with rules for Lambda functions' network placement, concurrency and dead-letter queues (plus the Control Tower VPC control). */
const LAMBDA_RULE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/** Each Lambda finding: the reason it takes, its rule in the packs, and the same check in checkov. */
const LAMBDA_FINDINGS: ReadonlyArray<{ reason: keyof LambdaFindingReasons; packRule: string; checkov: string }> = [
  { reason: 'insideVpc', packRule: 'LambdaInsideVPC', checkov: 'CKV_AWS_117' },
  { reason: 'concurrency', packRule: 'LambdaConcurrency', checkov: 'CKV_AWS_115' },
  { reason: 'deadLetterQueue', packRule: 'LambdaDLQ', checkov: 'CKV_AWS_116' },
];

/**
 * Reserving concurrency is not an option for the library's functions: in accounts at the minimum
 * Lambda concurrency quota (10, the default for new accounts) any reservation fails the deployment.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
 */
export const NO_RESERVED_CONCURRENCY_REASON =
  'Reserved concurrency would fail the deployment in accounts at the minimum Lambda concurrency quota (10, the default for new accounts); the function runs only during deployments or rotations.';

/**
 * checkov's CKV_AWS_173 wants a customer-managed key for any environment variable. The library's
 * functions hold no secret there (EncryptionChecks' LambdaEnvironmentKmsCmk judges the names).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html
 */
const ENVIRONMENT_REASON =
  'The environment holds no secret, only settings (AWS_NODEJS_CONNECTION_REUSE_ENABLED; for the rotation function, secret names and password-generation options); Lambda encrypts it at rest with a key AWS owns.';

/**
 * aws-cdk-lib's `lambda.Function` declares `DependsOn` its role, which the `Fn::GetAtt` of the role's ARN
 * already implies (cfn-lint W3005, a warning about redundancy, not about behaviour).
 */
const ROLE_DEPENDENCY_REASON =
  "aws-cdk-lib's lambda.Function declares DependsOn its execution role, which its Fn::GetAtt of the role's ARN already implies; the redundancy changes no deployment order.";

/**
 * checkov's CKV_AWS_33 fails any key-policy `Allow` for everyone (`*`), whatever its conditions; the
 * library's organization statements are narrowed by `aws:PrincipalOrgID`, and the key's invariant
 * (KmsKeyPolicyPublic) refuses at synth any `*` statement that is not narrowed.
 */
const ORGANIZATION_PRINCIPAL_REASON =
  "The statement for everyone ('*') is narrowed by aws:PrincipalOrgID to one organization's principals outside the key's account; the key's invariant refuses any '*' statement without a narrowing condition.";

/** Answers checkov's CKV_AWS_33 on a key whose policy gains an organization statement. */
export function acknowledgeOrganizationPrincipal(key: IConstruct): void {
  skipScannerChecks(key, ORGANIZATION_PRINCIPAL_REASON, { checkov: ['CKV_AWS_33'] });
}

/** Acknowledges the packs' Lambda rules, and the same checks of checkov and cfn-lint, on one function of this library, each with its reason. */
export function acknowledgeLambdaFindings(fn: IConstruct, reasons: LambdaFindingReasons): void {
  Validations.of(fn).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: reasons.insideVpc });
  for (const finding of LAMBDA_FINDINGS) {
    const reason = reasons[finding.reason];
    Validations.of(fn).acknowledge(...LAMBDA_RULE_PACKS.map((pack) => ({ id: `${pack}::${pack}-${finding.packRule}`, reason })));
    skipScannerChecks(fn, reason, { checkov: [finding.checkov] });
  }
  skipScannerChecks(fn, ENVIRONMENT_REASON, { checkov: ['CKV_AWS_173'] });
  skipScannerChecks(fn, ROLE_DEPENDENCY_REASON, { cfnLint: ['W3005'] });
}

/**
 * Writes scanner suppressions with their reason on the CloudFormation resource of `scope` (the scope
 * itself, or its default child); a scope without one (an imported key) has nothing a scanner reads.
 * Repeated ids are written once.
 */
export function skipScannerChecks(scope: IConstruct, reason: string, checks: ScannerChecks): void {
  const resource = scope instanceof CfnResource ? scope : scope.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    return;
  }
  if (checks.checkov?.length) {
    const checkov = resource.getMetadata('checkov') ?? { skip: [] };
    for (const id of checks.checkov.filter((check) => !checkov.skip.some((skip: { id: string }) => skip.id === check))) {
      checkov.skip.push({ id, comment: reason });
    }
    resource.addMetadata('checkov', checkov);
  }
  if (checks.cfnLint?.length) {
    const cfnLint = resource.getMetadata('cfn-lint') ?? { config: { ignore_checks: [] } };
    const ignored: string[] = cfnLint.config.ignore_checks;
    ignored.push(...checks.cfnLint.filter((id) => !ignored.includes(id)));
    resource.addMetadata('cfn-lint', cfnLint);
  }
}
