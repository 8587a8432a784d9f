import { Duration, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { durationAsWritten } from '../../private/validation';

/** What `validateKeyProps` checks, after defaults are applied. */
export interface KeyPropsToValidate {
  readonly keySpec: kms.KeySpec;
  readonly keyMaterialOrigin: string;
  readonly keyUsage?: kms.KeyUsage;
  readonly rotationPeriod?: Duration;
  readonly pendingWindow?: Duration;
  readonly alias?: string;
  readonly trustAccountIdentities: boolean;
  readonly administrators?: unknown[];
}

/** @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html#rotation-period */
const ROTATION_DAYS = { min: 90, max: 2560 };
/** @see https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html */
const PENDING_WINDOW_DAYS = { min: 7, max: 30 };
/** @see https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html */
const ALIAS_PATTERN = /^alias\/[a-zA-Z0-9/_-]+$/;
const ALIAS_MAX_LENGTH = 256;

/** The alias name KMS expects: `alias/` is added when missing (tokens are left as they are). */
export function withAliasPrefix(alias: string): string {
  return Token.isUnresolved(alias) || alias.startsWith('alias/') ? alias : `alias/${alias}`;
}

/** Every problem with a key's props, each naming the prop, echoing the value and saying the fix. */
export function validateKeyProps(props: KeyPropsToValidate): string[] {
  const problems: string[] = [];
  const symmetric = props.keySpec === kms.KeySpec.SYMMETRIC_DEFAULT;

  if (props.rotationPeriod !== undefined && !props.rotationPeriod.isUnresolved()) {
    const written = durationAsWritten(props.rotationPeriod);
    if (!symmetric) {
      problems.push(
        `\`rotationPeriod\` cannot be set on a ${props.keySpec} key, got ${written}: KMS rotates only symmetric encryption keys. Remove \`rotationPeriod\`, or use keySpec SYMMETRIC_DEFAULT.`,
      );
    } else if (props.keyMaterialOrigin === 'EXTERNAL') {
      problems.push(
        `\`rotationPeriod\` cannot be set on a key with imported material (keyMaterialOrigin EXTERNAL), got ${written}: KMS cannot rotate material it did not generate. Remove \`rotationPeriod\` and rotate with an ExternalKeyRing.`,
      );
    } else {
      problems.push(...wholeDaysProblems('rotationPeriod', props.rotationPeriod, ROTATION_DAYS));
    }
  }

  if (props.pendingWindow !== undefined && !props.pendingWindow.isUnresolved()) {
    problems.push(...wholeDaysProblems('pendingWindow', props.pendingWindow, PENDING_WINDOW_DAYS));
  }

  const aliasProblem = aliasNameProblem(props.alias);
  if (aliasProblem) {
    problems.push(aliasProblem);
  }

  const usageProblem = keyUsageProblem(props.keySpec, props.keyUsage);
  if (usageProblem) {
    problems.push(usageProblem);
  }

  if (!props.trustAccountIdentities && (props.administrators ?? []).length === 0) {
    problems.push(
      '`administrators` must name at least one principal when `trustAccountIdentities` is false, got none: the key could never be managed again. Name the roles that administer the key, or keep `trustAccountIdentities` true.',
    );
  }
  return problems;
}

/** An alias name KMS would reject, after `withAliasPrefix`. */
export function aliasNameProblem(alias: string | undefined): string | undefined {
  if (alias === undefined || Token.isUnresolved(alias)) {
    return undefined;
  }
  if (alias.startsWith('alias/aws/')) {
    return `\`alias\` must not start with 'alias/aws/', which AWS reserves for AWS managed keys, got '${alias}'. Choose another name.`;
  }
  if (!ALIAS_PATTERN.test(alias) || alias.length > ALIAS_MAX_LENGTH) {
    return `\`alias\` may contain only letters, digits, '/', '_' and '-' and be at most ${ALIAS_MAX_LENGTH} characters, got '${alias}'.`;
  }
  return undefined;
}

/** KMS takes these periods in whole days within a range. */
function wholeDaysProblems(prop: string, duration: Duration, range: { min: number; max: number }): string[] {
  const days = duration.toDays({ integral: false });
  if (days < range.min || days > range.max) {
    return [`\`${prop}\` must be between ${range.min} and ${range.max} days, got ${durationAsWritten(duration)}.`];
  }
  if (!Number.isInteger(days)) {
    return [
      `\`${prop}\` must be a whole number of days, got ${durationAsWritten(duration)}. Use Duration.days(${Math.floor(days)}) or Duration.days(${Math.ceil(days)}).`,
    ];
  }
  return [];
}

/**
 * Key usages each key spec supports.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
 */
const USAGES_BY_SPEC: Record<string, kms.KeyUsage[]> = {
  [kms.KeySpec.SYMMETRIC_DEFAULT]: [kms.KeyUsage.ENCRYPT_DECRYPT],
  [kms.KeySpec.RSA_2048]: [kms.KeyUsage.ENCRYPT_DECRYPT, kms.KeyUsage.SIGN_VERIFY],
  [kms.KeySpec.RSA_3072]: [kms.KeyUsage.ENCRYPT_DECRYPT, kms.KeyUsage.SIGN_VERIFY],
  [kms.KeySpec.RSA_4096]: [kms.KeyUsage.ENCRYPT_DECRYPT, kms.KeyUsage.SIGN_VERIFY],
  [kms.KeySpec.ECC_NIST_P256]: [kms.KeyUsage.SIGN_VERIFY, kms.KeyUsage.KEY_AGREEMENT],
  [kms.KeySpec.ECC_NIST_P384]: [kms.KeyUsage.SIGN_VERIFY, kms.KeyUsage.KEY_AGREEMENT],
  [kms.KeySpec.ECC_NIST_P521]: [kms.KeyUsage.SIGN_VERIFY, kms.KeyUsage.KEY_AGREEMENT],
  [kms.KeySpec.ECC_SECG_P256K1]: [kms.KeyUsage.SIGN_VERIFY],
  [kms.KeySpec.HMAC_224]: [kms.KeyUsage.GENERATE_VERIFY_MAC],
  [kms.KeySpec.HMAC_256]: [kms.KeyUsage.GENERATE_VERIFY_MAC],
  [kms.KeySpec.HMAC_384]: [kms.KeyUsage.GENERATE_VERIFY_MAC],
  [kms.KeySpec.HMAC_512]: [kms.KeyUsage.GENERATE_VERIFY_MAC],
  [kms.KeySpec.SM2]: [kms.KeyUsage.ENCRYPT_DECRYPT, kms.KeyUsage.SIGN_VERIFY, kms.KeyUsage.KEY_AGREEMENT],
};

function keyUsageProblem(keySpec: kms.KeySpec, keyUsage: kms.KeyUsage | undefined): string | undefined {
  const supported = USAGES_BY_SPEC[keySpec];
  if (supported === undefined) {
    return undefined; // a spec newer than this table: KMS decides
  }
  if (keyUsage === undefined) {
    return supported.includes(kms.KeyUsage.ENCRYPT_DECRYPT)
      ? undefined
      : `\`keyUsage\` must be set for a ${keySpec} key, which does not support the default ENCRYPT_DECRYPT. Use one of: ${supported.join(', ')}.`;
  }
  return supported.includes(keyUsage)
    ? undefined
    : `\`keyUsage\` ${keyUsage} does not fit keySpec ${keySpec}. Use one of: ${supported.join(', ')}.`;
}

/** A grant that the key's usage cannot serve, e.g. `grantSign` on an encryption key. */
export function keyUsageForGrantProblem(method: string, needed: kms.KeyUsage, keySpec: kms.KeySpec, keyUsage: kms.KeyUsage): string | undefined {
  if (keyUsage === needed) {
    return undefined;
  }
  return `\`${method}\` needs a key with keyUsage ${needed}, got a ${keySpec} key with keyUsage ${keyUsage}. Use a key created for ${needed}.`;
}

/** @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html */
const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;

export function validateOrganizationId(organizationId: string, prop = 'organizationId'): string | undefined {
  if (Token.isUnresolved(organizationId) || ORGANIZATION_ID_PATTERN.test(organizationId)) {
    return undefined;
  }
  return `\`${prop}\` must be 'o-' followed by 10 to 32 lowercase letters or digits, got '${organizationId}'. Copy it from the AWS Organizations console.`;
}

/** An IAM principal ARN (role or user) in a named account; wildcards only in the resource part. */
const PRINCIPAL_ARN_PATTERN = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/*?-]+$/;

export function validatePrincipalArnPattern(arnPattern: string): string | undefined {
  if (Token.isUnresolved(arnPattern) || PRINCIPAL_ARN_PATTERN.test(arnPattern)) {
    return undefined;
  }
  return `\`arnPattern\` must be an IAM or STS ARN with a 12-digit account id and wildcards only after it, got '${arnPattern}'. Example: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*'.`;
}

const SERVICE_NAME_PATTERN = /^[a-z0-9-]+$/;

export function validateServiceName(service: string): string | undefined {
  if (Token.isUnresolved(service) || SERVICE_NAME_PATTERN.test(service)) {
    return undefined;
  }
  return `\`service\` must be a service endpoint prefix such as 's3' or 'secretsmanager', got '${service}'. Leave out the Region and '.amazonaws.com'.`;
}

/**
 * Statements that allow everyone (`*`) with no condition: anyone on the internet could use the key.
 * Takes the resolved policy JSON.
 */
export function unconditionalPublicAllowProblems(policy: { Statement?: Array<Record<string, any>> }): string[] {
  return (policy.Statement ?? [])
    .filter((statement) => statement.Effect === 'Allow' && isEveryone(statement.Principal) && !statement.Condition)
    .map(
      (statement) =>
        `The key policy allows everyone ('*') without a condition${statement.Sid ? ` in statement '${statement.Sid}'` : ''}. Add a narrowing condition (for example aws:PrincipalOrgID) or name the principals.`,
    );
}

/** Whether a policy principal is everyone: `*` or `{ AWS: '*' }` (alone or in a list). */
export function isEveryone(principal: unknown): boolean {
  if (principal === '*') {
    return true;
  }
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}
