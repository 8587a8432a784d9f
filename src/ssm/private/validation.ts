import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { IConstruct } from 'constructs';
import { GENERATED_LENGTH, generatorAlphabet } from './secure-string-contract';
import { durationAsWritten } from '../../private/validation';

/**
 * Naming constraints of Parameter Store.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html
 */
const NAME_CHARACTERS = /^[a-zA-Z0-9_.\-/]+$/;
const RESERVED_PREFIX = /^(aws|ssm)/i;
const MAX_LEVELS = 15;
/** The limit applies to the name together with its ARN. */
const MAX_ARN_LENGTH = 1011;
/** Stands in for an unresolved Region: as long as the longest Region names. */
const LONGEST_REGION = 'ap-southeast-5';

/**
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 */
const MAX_DESCRIPTION_LENGTH = 1024;

/** Every problem with a parameter name SSM would reject. */
export function parameterNameProblems(name: string, stack: Stack): string[] {
  if (Token.isUnresolved(name)) {
    return [];
  }
  const problems: string[] = [];
  if (!NAME_CHARACTERS.test(name)) {
    problems.push(`\`parameterName\` may contain only letters, digits, '_', '.', '-' and '/', got '${name}'.`);
  }
  if (name.includes('/') && !name.startsWith('/')) {
    problems.push(`\`parameterName\` must begin with '/' when it contains '/' (a hierarchy), got '${name}'. Use '/${name}'.`);
  }
  const levels = name.replace(/^\//, '').split('/');
  if (levels.some((level) => level.length === 0)) {
    problems.push(`\`parameterName\` must not have empty levels ('//', a trailing '/' or '/' alone), got '${name}'.`);
  }
  if (RESERVED_PREFIX.test(levels[0])) {
    problems.push(`\`parameterName\` must not begin with 'aws' or 'ssm' (in any case), which AWS reserves, got '${name}'. Choose another first level.`);
  }
  if (levels.length > MAX_LEVELS) {
    problems.push(`\`parameterName\` may have at most ${MAX_LEVELS} levels, got ${levels.length} in '${name}'.`);
  }
  const arnLength = parameterArnLength(name, stack);
  if (arnLength > MAX_ARN_LENGTH) {
    problems.push(
      `\`parameterName\` is too long: with its ARN it is ${arnLength} characters, above SSM's limit of ${MAX_ARN_LENGTH}, got '${name}'. Shorten the name.`,
    );
  }
  return problems;
}

/** The parameters of each app by literal name and environment, to find a name given twice. */
const PARAMETERS_BY_APP = new WeakMap<IConstruct, Map<string, string>>();

/**
 * A name is unique per account and Region: a second parameter with the same name in the same
 * environment would fail to deploy. Stacks whose environment is not known are compared by stack.
 */
export function duplicateNameProblem(parameter: IConstruct, name: string, stack: Stack): string | undefined {
  if (Token.isUnresolved(name)) {
    return undefined;
  }
  const environment = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region) ? stack.node.path : `${stack.account}/${stack.region}`;
  const parameters = PARAMETERS_BY_APP.get(parameter.node.root) ?? new Map<string, string>();
  PARAMETERS_BY_APP.set(parameter.node.root, parameters);
  const key = `${environment} ${name}`;
  const first = parameters.get(key);
  if (first !== undefined) {
    return `\`parameterName\` '${name}' is already the name of ${first}, in the same account and Region. Parameter names are unique per account and Region: choose another name, or share the first parameter.`;
  }
  parameters.set(key, parameter.node.path);
  return undefined;
}

/**
 * A pattern that a value like the generated ones does not match: Parameter Store would reject the
 * value. A warning, not an error, because generated values are random and only a sample is tested.
 */
export function allowedPatternMismatch(allowedPattern: string | undefined, length: number, excludeCharacters: string): string | undefined {
  if (allowedPattern === undefined || Token.isUnresolved(allowedPattern) || Token.isUnresolved(length) || Token.isUnresolved(excludeCharacters)) {
    return undefined;
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(allowedPattern);
  } catch {
    return undefined; // Parameter Store's regular expressions are Java's: leave the syntax to it
  }
  const alphabet = generatorAlphabet(excludeCharacters);
  const sample = alphabet.repeat(Math.ceil(length / alphabet.length)).slice(0, length);
  if (pattern.test(sample)) {
    return undefined;
  }
  return `\`allowedPattern\` '${allowedPattern}' does not match a value like the generated ones (${length} characters from '${alphabet}'): Parameter Store would reject the value and the deployment fail. Widen the pattern, or set \`length\` and \`excludeCharacters\` of SecureStringValue.generated() to fit it.`;
}

/** Parameter policies need a tier that supports them. */
export function policiesTierProblem(tier: ssm.ParameterTier, policyCount: number): string | undefined {
  if (policyCount === 0 || tier !== ssm.ParameterTier.STANDARD) {
    return undefined;
  }
  return `\`policies\` need the Advanced or Intelligent-Tiering tier, got tier ${tier}. Set \`tier\` to ParameterTier.ADVANCED, or remove \`policies\`.`;
}

export function descriptionProblem(description: string | undefined): string | undefined {
  if (description === undefined || Token.isUnresolved(description) || description.length <= MAX_DESCRIPTION_LENGTH) {
    return undefined;
  }
  return `\`description\` may be at most ${MAX_DESCRIPTION_LENGTH} characters, got ${description.length}.`;
}

/** Problems with the options of a generated value. */
export function generatedValueProblems(length: number, excludeCharacters: string): string[] {
  const problems: string[] = [];
  if (!Token.isUnresolved(length) && (!Number.isInteger(length) || length < GENERATED_LENGTH.min || length > GENERATED_LENGTH.max)) {
    problems.push(`\`length\` of a generated value must be a whole number between ${GENERATED_LENGTH.min} and ${GENERATED_LENGTH.max}, got ${length}.`);
  }
  if (!Token.isUnresolved(excludeCharacters) && generatorAlphabet(excludeCharacters).length === 0) {
    problems.push(
      `\`excludeCharacters\` leaves no character to generate a value from, got '${excludeCharacters}'. Values use printable ASCII without the space; exclude fewer characters.`,
    );
  }
  return problems;
}

/**
 * A parameter policy's time span in the units Parameter Store accepts (whole days, else whole hours).
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-policies.html
 */
export function policyTimeSpan(prop: string, duration: Duration): { amount: string; unit: string; problem?: string } {
  const days = duration.toDays({ integral: false });
  if (Number.isInteger(days) && days >= 1) {
    return { amount: String(days), unit: 'Days' };
  }
  const hours = duration.toHours({ integral: false });
  if (Number.isInteger(hours) && hours >= 1) {
    return { amount: String(hours), unit: 'Hours' };
  }
  return { amount: '', unit: '', problem: `\`${prop}\` must be a whole number of hours or days, got ${durationAsWritten(duration)}.` };
}

/** Parameter Store rejects an expiration that has passed; the deployment is later than the synth. */
export function expirationProblem(expiresAt: Date): string | undefined {
  if (Number.isNaN(expiresAt.getTime())) {
    return '`expiration` must be a valid date, got an invalid Date.';
  }
  if (expiresAt.getTime() <= Date.now()) {
    return `\`expiration\` must be in the future, got ${expiresAt.toISOString()}, which has passed. Give a later date, or remove the Expiration policy.`;
  }
  return undefined;
}

export function versionProblem(version: number | undefined): string | undefined {
  if (version === undefined || Token.isUnresolved(version) || (Number.isInteger(version) && version >= 1)) {
    return undefined;
  }
  return `\`version\` must be a whole number from 1, got ${version}. Omit it for the latest version.`;
}

function parameterArnLength(name: string, stack: Stack): number {
  const partition = Token.isUnresolved(stack.partition) ? 'aws' : stack.partition;
  const region = Token.isUnresolved(stack.region) ? LONGEST_REGION : stack.region;
  const account = '123456789012';
  return `arn:${partition}:ssm:${region}:${account}:parameter`.length + (name.startsWith('/') ? 0 : 1) + name.length;
}
