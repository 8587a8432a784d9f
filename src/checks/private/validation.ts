import { Token } from 'aws-cdk-lib';
import type { EncryptionChecksProps } from '../encryption-checks';

/** Every problem with the props of `EncryptionChecks`, each naming the prop, echoing the value and saying the fix. */
export function validateChecksProps(ruleIds: string[], props: EncryptionChecksProps): string[] {
  const problems: string[] = [];
  const unknown = (prop: string, ruleId: string) => {
    if (!Token.isUnresolved(ruleId) && !ruleIds.includes(ruleId)) {
      // Rule ids before the validation plugin had one colon: 'cdk-kms-encryption:S3BucketKey'.
      const renamed = ruleIds.find((id) => id === ruleId.replace(/^([^:]+):(?!:)/, '$1::'));
      problems.push(`\`${prop}\` names an unknown rule id '${ruleId}'. Use ${renamed ? `'${renamed}'` : `one of EncryptionChecks.RULE_IDS, e.g. '${ruleIds[0]}'`}.`);
    }
  };
  for (const { ruleId, reason } of props.disabledRules ?? []) {
    unknown('disabledRules', ruleId);
    if (!Token.isUnresolved(reason) && reason.trim().length === 0) {
      problems.push(`\`disabledRules\` must give a \`reason\` for '${ruleId}', got '${reason}'. Say why the rule does not apply, for whoever audits the app.`);
    }
  }
  for (const { ruleId } of props.ruleLevels ?? []) {
    unknown('ruleLevels', ruleId);
  }
  return problems;
}
