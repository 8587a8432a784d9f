import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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

/**
 * Reserving concurrency is not an option for the library's functions: in accounts at the minimum
 * Lambda concurrency quota (10, the default for new accounts) any reservation fails the deployment.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
 */
export const NO_RESERVED_CONCURRENCY_REASON =
  'Reserved concurrency would fail the deployment in accounts at the minimum Lambda concurrency quota (10, the default for new accounts); the function runs only during deployments or rotations.';

/** Acknowledges the packs' Lambda rules on one function of this library, each with its reason. */
export function acknowledgeLambdaFindings(fn: IConstruct, reasons: LambdaFindingReasons): void {
  Validations.of(fn).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: reasons.insideVpc });
  for (const pack of LAMBDA_RULE_PACKS) {
    Validations.of(fn).acknowledge(
      { id: `${pack}::${pack}-LambdaInsideVPC`, reason: reasons.insideVpc },
      { id: `${pack}::${pack}-LambdaConcurrency`, reason: reasons.concurrency },
      { id: `${pack}::${pack}-LambdaDLQ`, reason: reasons.deadLetterQueue },
    );
  }
}
