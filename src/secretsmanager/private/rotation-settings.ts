/**
 * How the generic rotation function learns, per secret, what value to generate, and the floor every
 * new value must meet. The function is shared by every secret of a stack and a rotation event names only
 * the secret, so the stack's template gives the function a list of (secret names, settings) in its
 * environment, one entry per distinct settings. Changing it takes `lambda:UpdateFunctionConfiguration` (a deployment), not a tag on the
 * secret (docs/decisions/0007-handler-lifecycle.md). No imports: the handler bundle shares this module.
 */

/** The function's environment variable holding `[[[secretName, ...], settings], ...]` as JSON. */
export const ROTATION_SETTINGS_ENV = 'ROTATION_SETTINGS';

/**
 * Lambda allows 4 KB for all of a function's environment variables together.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const MAX_SETTINGS_ENV_LENGTH = 4000;

/**
 * No rotated value is shorter than this, whatever the settings say. 16 characters from the default
 * alphabet carry about 100 bits.
 */
export const MIN_ROTATED_LENGTH = 16;

/**
 * GetRandomPassword's default length.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
 */
export const DEFAULT_PASSWORD_LENGTH = 32;

/** What the rotation function generates for one secret: the `GetRandomPassword` options and the JSON field. */
export interface RotationSettings {
  /** The field of a JSON secret to replace; the whole value is replaced when undefined. */
  readonly jsonField?: string;
  readonly passwordLength?: number;
  readonly excludeCharacters?: string;
  readonly excludeLowercase?: boolean;
  readonly excludeNumbers?: boolean;
  readonly excludePunctuation?: boolean;
  readonly excludeUppercase?: boolean;
  readonly includeSpace?: boolean;
  readonly requireEachIncludedType?: boolean;
}

/**
 * GetRandomPassword's character classes and the option that excludes each.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
 */
const CHARACTER_CLASSES = [
  { name: 'lowercase', excludedBy: 'excludeLowercase', characters: 'abcdefghijklmnopqrstuvwxyz' },
  { name: 'uppercase', excludedBy: 'excludeUppercase', characters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' },
  { name: 'number', excludedBy: 'excludeNumbers', characters: '0123456789' },
  { name: 'punctuation', excludedBy: 'excludePunctuation', characters: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' },
] as const;

/** Only the settings that are set, so defaults stay Secrets Manager's and the environment stays small. */
export function settingsJson(settings: RotationSettings): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

/** The settings of one secret from the function's environment; GetRandomPassword's defaults when it is not listed. */
export function settingsFor(secretName: string, environment: string | undefined): RotationSettings {
  let entries: unknown;
  try {
    entries = JSON.parse(environment ?? '[]');
  } catch {
    throw new Error(`The function's ${ROTATION_SETTINGS_ENV} environment variable is not JSON.`);
  }
  if (!Array.isArray(entries)) {
    throw new Error(`The function's ${ROTATION_SETTINGS_ENV} environment variable must hold a JSON array.`);
  }
  // An entry names one secret (`[name, settings]`, the form before secrets shared entries) or several:
  // CloudFormation updates the function's code and its environment in separate calls, so for a moment
  // the new code can read the earlier form.
  const entry = entries.find((candidate) => Array.isArray(candidate) && [candidate[0]].flat().includes(secretName));
  return (entry?.[1] ?? {}) as RotationSettings;
}

/** The length a new value must have at least: the configured one, never below the floor. */
export function requiredLength(settings: RotationSettings): number {
  return Math.max(MIN_ROTATED_LENGTH, settings.passwordLength ?? DEFAULT_PASSWORD_LENGTH);
}

/** Problems with settings that no generated value could satisfy (checked at synth, and by the function). */
export function settingsProblems(settings: RotationSettings): string[] {
  const problems: string[] = [];
  if (settings.passwordLength !== undefined && settings.passwordLength < MIN_ROTATED_LENGTH) {
    problems.push(`\`generateSecretString.passwordLength\` must be at least ${MIN_ROTATED_LENGTH} for generic rotation, got ${settings.passwordLength}.`);
  }
  if (includedClasses(settings).every((characters) => characters === '') && !settings.includeSpace) {
    problems.push('`generateSecretString` excludes every character class (lowercase, uppercase, numbers, punctuation), so no value can be generated. Include at least one.');
  }
  return problems;
}

/**
 * Why a new value does not meet the settings, or undefined when it does: long enough, only characters
 * the settings allow, and one of every included class unless `requireEachIncludedType` is false. The
 * reason never contains the value.
 */
export function valueProblem(value: string, settings: RotationSettings): string | undefined {
  const length = requiredLength(settings);
  if ([...value].length < length) {
    return `is shorter than the ${length} characters the rotation settings require.`;
  }
  const classes = includedClasses(settings);
  const allowed = classes.join('') + (settings.includeSpace ? ' ' : '');
  if ([...value].some((character) => !allowed.includes(character))) {
    return 'contains characters the rotation settings exclude.';
  }
  if (settings.requireEachIncludedType !== false) {
    const missing = CHARACTER_CLASSES.filter((_, index) =>
      classes[index] !== '' && ![...value].some((character) => classes[index].includes(character)));
    if (missing.length > 0) {
      return `lacks a character of a class the rotation settings require (${missing.map((characterClass) => characterClass.name).join(', ')}).`;
    }
  }
  return undefined;
}

/** The characters of each class the settings include, by class ('' for an excluded one). */
function includedClasses(settings: RotationSettings): string[] {
  const excluded = settings.excludeCharacters ?? '';
  return CHARACTER_CLASSES.map((characterClass) => settings[characterClass.excludedBy]
    ? ''
    : [...characterClass.characters].filter((character) => !excluded.includes(character)).join(''));
}
