import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { isEveryone, isPublicWithoutNarrowing, PRINCIPAL_NARROWING_KEYS } from '../../private/public-principal';
import { durationAsWritten, present } from '../../private/validation';

/** What `validateKeyProps` checks, after defaults are applied. */
export interface KeyPropsToValidate {
  readonly keySpec: kms.KeySpec;
  readonly keyMaterialOrigin: string;
  readonly keyUsage?: kms.KeyUsage;
  readonly rotationPeriod?: Duration;
  readonly pendingWindow?: Duration;
  readonly alias?: string;
  readonly trustAccountIdentities: boolean;
  readonly administrators?: iam.IPrincipal[];
  /** The account the key is in. */
  readonly keyAccount: string;
  /** The principal deploying the key (explicit or the synthesizer's execution role), if known. */
  readonly deploymentPrincipal?: iam.IPrincipal;
  /** The class of the stack's synthesizer, to name it when it has no execution role. */
  readonly synthesizerName: string;
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
  if (!props.trustAccountIdentities && props.deploymentPrincipal === undefined) {
    problems.push(
      `\`deploymentPrincipal\` must be set when \`trustAccountIdentities\` is false and the stack's synthesizer (${props.synthesizerName}) gives CloudFormation no execution role, got none: KMS refuses a key policy that would not let its deployer change it again. Name the role that runs \`cdk deploy\`, or use the DefaultStackSynthesizer.`,
    );
  }
  problems.push(...(props.administrators ?? []).flatMap((principal) => present(foreignAdministratorProblem(principal, props.keyAccount))));
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
 * KMS lets principals of other accounts use a key, never manage it, so such an administrator could never
 * change the key policy.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
function foreignAdministratorProblem(principal: iam.IPrincipal, keyAccount: string): string | undefined {
  const account = principalAccountOf(principal);
  if (account === undefined || Token.isUnresolved(account) || Token.isUnresolved(keyAccount) || account === keyAccount) {
    return undefined;
  }
  return `\`administrators\` must be principals of the key's account ${keyAccount}, got ${describePrincipal(principal)} of account ${account}: KMS lets other accounts use a key, never manage it. Name a role of account ${keyAccount}.`;
}

/** The account of a principal; an `ArnPrincipal` does not say, so it is read from the ARN. */
function principalAccountOf(principal: iam.IPrincipal): string | undefined {
  if (principal.principalAccount !== undefined) {
    return principal.principalAccount;
  }
  return principal instanceof iam.ArnPrincipal && !Token.isUnresolved(principal.arn) ? principal.arn.split(':')[4] : undefined;
}

/** A principal in the user's terms: its ARN, or the path of the construct that defines it. */
function describePrincipal(principal: iam.IPrincipal): string {
  const arn = principal instanceof iam.ArnPrincipal ? principal.arn : (principal as Partial<iam.IRole>).roleArn;
  if (arn !== undefined && !Token.isUnresolved(arn)) {
    return `'${arn}'`;
  }
  return Construct.isConstruct(principal) ? principal.node.path : principal.toString();
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
const PRINCIPAL_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:[A-Za-z0-9+=,.@_/*?-]+$/;
const ASSUMED_ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\//;

/**
 * `aws:PrincipalArn` of a role session is the role's ARN, never the `sts::…:assumed-role/` ARN.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function validatePrincipalArnPattern(arnPattern: string): string | undefined {
  if (Token.isUnresolved(arnPattern) || PRINCIPAL_ARN_PATTERN.test(arnPattern)) {
    return undefined;
  }
  if (ASSUMED_ROLE_ARN_PATTERN.test(arnPattern)) {
    return `\`arnPattern\` must match role ARNs, not role sessions, got '${arnPattern}': aws:PrincipalArn of a session is its role's ARN, so an assumed-role pattern never matches. Use 'arn:aws:iam::<account>:role/<role name pattern>'.`;
  }
  return `\`arnPattern\` must be an IAM role or user ARN with a 12-digit account id and wildcards only after it, got '${arnPattern}'. Example: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*'.`;
}

const SERVICE_NAME_PATTERN = /^[a-z0-9-]+$/;

export function validateServiceName(service: string): string | undefined {
  if (Token.isUnresolved(service) || SERVICE_NAME_PATTERN.test(service)) {
    return undefined;
  }
  return `\`service\` must be a service endpoint prefix such as 's3' or 'secretsmanager', got '${service}'. Leave out the Region and '.amazonaws.com'.`;
}

/** Condition keys that narrow a public principal in a key policy: the global ones, and the caller's account. */
const KEY_POLICY_NARROWING_KEYS = [...PRINCIPAL_NARROWING_KEYS, 'kms:CallerAccount'];

/**
 * Statements that allow everyone (`*`) without a condition that narrows the principal: anyone with an AWS
 * account could use the key. Takes the resolved policy JSON.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
 */
export function publicAllowProblems(policy: { Statement?: Array<Record<string, any>> }): string[] {
  return (policy.Statement ?? [])
    // Only statements for everyone are parsed back into a PolicyStatement: a synth checks every key policy.
    .filter((statement) => isEveryone(statement.Principal)
      && isPublicWithoutNarrowing(iam.PolicyStatement.fromJson(statement), KEY_POLICY_NARROWING_KEYS))
    .map(
      (statement) =>
        `The key policy allows everyone ('*')${statement.Sid ? ` in statement '${statement.Sid}'` : ''} without a condition that narrows the principal. Add one with a fixed value of ${KEY_POLICY_NARROWING_KEYS.join(', ')}, or name the principals.`,
    );
}
