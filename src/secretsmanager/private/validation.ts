import { Duration, Token } from 'aws-cdk-lib';
import { durationAsWritten } from '../../private/validation';

/**
 * Secrets Manager rotates at most every four hours and at least every 1000 days.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html
 */
const MIN_INTERVAL_HOURS = 4;
const MAX_INTERVAL_DAYS = 1000;
const RANGE = `between ${MIN_INTERVAL_HOURS} hours and ${MAX_INTERVAL_DAYS} days`;

/** The `rate()` expression for an interval: hours below a day, days from a day on. */
export function rateExpression(interval: Duration): string {
  const hours = interval.toHours({ integral: false });
  if (hours < 24) {
    return `rate(${hours} ${hours === 1 ? 'hour' : 'hours'})`;
  }
  const days = interval.toDays({ integral: false });
  return `rate(${days} ${days === 1 ? 'day' : 'days'})`;
}

/** Problems with an interval given as a Duration. */
export function intervalProblems(interval: Duration): string[] {
  if (Token.isUnresolved(interval.toMilliseconds({ integral: false }))) {
    return [];
  }
  const hours = interval.toHours({ integral: false });
  if (hours < MIN_INTERVAL_HOURS || hours > MAX_INTERVAL_DAYS * 24) {
    return [`\`rotationSchedule\` must be ${RANGE}, got ${durationAsWritten(interval)}.`];
  }
  const whole = hours < 24 ? Number.isInteger(hours) : Number.isInteger(hours / 24);
  return whole
    ? []
    : [`\`rotationSchedule\` must be a whole number of hours below 1 day, or of days, got ${durationAsWritten(interval)}. Secrets Manager schedules take rate(N hours) or rate(N days).`];
}

const RATE = /^rate\((\d+) (hours?|days?)\)$/;
const CRON = /^cron\((.*)\)$/;

/**
 * Problems with a `rate()` or `cron()` expression, following the rules Secrets Manager applies.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 */
export function expressionProblems(expression: string): string[] {
  if (Token.isUnresolved(expression)) {
    return [];
  }
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const hours = rate[2].startsWith('hour') ? value : value * 24;
    return hours < MIN_INTERVAL_HOURS || hours > MAX_INTERVAL_DAYS * 24
      ? [`\`rotationSchedule\` must be ${RANGE}, got '${expression}'.`]
      : [];
  }
  const cron = CRON.exec(expression);
  if (!cron) {
    return [`\`rotationSchedule\` must be a rate() or cron() expression, got '${expression}'. Examples: 'rate(30 days)', 'cron(0 4 ? * SUN *)'.`];
  }
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) {
    return [`\`rotationSchedule\` cron expressions have 6 fields (minutes hours day-of-month month day-of-week year), got '${expression}'.`];
  }
  const problems: string[] = [];
  if (fields[0] !== '0') {
    problems.push(`\`rotationSchedule\` cron expressions must have 0 in the minutes field (rotation windows open on the hour), got '${expression}'.`);
  }
  if (fields[5] !== '*') {
    problems.push(`\`rotationSchedule\` cron expressions must have * in the year field, got '${expression}'.`);
  }
  return problems;
}

/** What `replicaProblems` checks of each replica. */
export interface ReplicaToValidate {
  readonly region: string;
  /** The Region of the replica's key, when the key has one (imported by ARN, or defined in a stack). */
  readonly keyRegion?: string;
}

/** A secret cannot replicate to its own Region, nor twice to the same Region. */
export function replicaProblems(replicas: ReplicaToValidate[], stackRegion: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  replicas.forEach((replica, index) => {
    if (Token.isUnresolved(replica.region)) {
      return;
    }
    if (!Token.isUnresolved(stackRegion) && replica.region === stackRegion) {
      problems.push(
        `\`replicaRegions[${index}].region\` must differ from the stack's Region, got '${replica.region}'. The primary secret already lives there; remove this replica.`,
      );
    } else if (seen.has(replica.region)) {
      problems.push(`\`replicaRegions[${index}].region\` '${replica.region}' is listed twice. Keep one replica per Region.`);
    } else if (replica.keyRegion !== undefined && !Token.isUnresolved(replica.keyRegion) && replica.keyRegion !== replica.region) {
      problems.push(
        `\`replicaRegions[${index}].encryptionKey\` must be a key in the replica's Region ${replica.region}, got a key in ${replica.keyRegion}. Secrets Manager encrypts a replica with a key of its own Region: pass a key from ${replica.region}, such as a ReplicaKey of the primary key.`,
      );
    }
    seen.add(replica.region);
  });
  return problems;
}

/**
 * Secrets Manager's naming rules.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html#SecretsManager-CreateSecret-request-Name
 */
const SECRET_NAME_CHARACTERS = /^[A-Za-z0-9/_+=.@-]+$/;
const SECRET_NAME_MAX_LENGTH = 512;

/** A secret name Secrets Manager would reject at deploy time. */
export function secretNameProblems(name: string | undefined): string[] {
  if (name === undefined || Token.isUnresolved(name)) {
    return [];
  }
  if (!SECRET_NAME_CHARACTERS.test(name) || name.length > SECRET_NAME_MAX_LENGTH) {
    return [
      `\`secretName\` may contain only letters, digits and / _ + = . @ - and be 1 to ${SECRET_NAME_MAX_LENGTH} characters, got '${name}'. Replace the other characters, e.g. '${name.replace(/[^A-Za-z0-9/_+=.@-]/g, '-')}'.`,
    ];
  }
  return [];
}

/** What `hostedRotationProblems` checks. */
export interface HostedRotationToValidate {
  readonly rotationType: string;
  readonly isMultiUser: boolean;
  readonly hasVpc: boolean;
  readonly hasVpcSubnets: boolean;
  readonly hasSecurityGroups: boolean;
  readonly hasMasterSecret: boolean;
}

/**
 * Hosted rotation functions reach the database through the network settings given here, and
 * multi-user rotation needs the secret of the user that changes passwords.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-secretsmanager-rotationschedule-hostedrotationlambda.html
 */
export function hostedRotationProblems(hosted: HostedRotationToValidate): string[] {
  const problems: string[] = [];
  if (!hosted.hasVpc && (hosted.hasVpcSubnets || hosted.hasSecurityGroups)) {
    problems.push(
      `\`vpc\` must be set for hosted rotation ${hosted.rotationType} when \`vpcSubnets\` or \`securityGroups\` are, got none. Give the VPC of the database.`,
    );
  }
  if (hosted.hasVpc && !hosted.hasSecurityGroups) {
    problems.push(
      `\`securityGroups\` must be set for hosted rotation ${hosted.rotationType} in a VPC, got none. Give security groups your database accepts connections from.`,
    );
  }
  if (hosted.isMultiUser && !hosted.hasMasterSecret) {
    problems.push(`\`masterSecret\` must be set for multi-user hosted rotation ${hosted.rotationType}, got none. Give the secret of the user that changes passwords.`);
  }
  if (!hosted.isMultiUser && hosted.hasMasterSecret) {
    problems.push(`\`masterSecret\` is only used by multi-user hosted rotation, got it for ${hosted.rotationType}. Remove it, or use the multi-user rotation type.`);
  }
  return problems;
}

/** What `genericRotationProblems` checks. */
export interface GenericRotationToValidate {
  readonly jsonField?: string;
  readonly generateStringKey?: string;
}

/** The field generic rotation replaces must be the field Secrets Manager generated. */
export function genericRotationProblems(generic: GenericRotationToValidate): string[] {
  const problems: string[] = [];
  const { jsonField, generateStringKey } = generic;
  if (jsonField !== undefined && !Token.isUnresolved(jsonField)) {
    if (generateStringKey === undefined) {
      problems.push(
        `\`jsonField\` '${jsonField}' needs a JSON secret, but \`generateSecretString\` generates a plain string. Set \`secretStringTemplate\` and \`generateStringKey: '${jsonField}'\`, or remove \`jsonField\`.`,
      );
    } else if (!Token.isUnresolved(generateStringKey) && generateStringKey !== jsonField) {
      problems.push(
        `\`jsonField\` '${jsonField}' differs from \`generateSecretString.generateStringKey\` '${generateStringKey}'. Rotate the generated field: remove \`jsonField\` or make them equal.`,
      );
    }
  }
  return problems;
}
