/**
 * How the generic rotation function learns, per secret, what value to generate, and the floor every
 * new value must meet. The function is shared by every secret of a stack and a rotation event names only
 * the secret, so the stack's template gives the function a list of (secret names, settings) in its
 * environment, one entry per distinct settings. Changing it takes `lambda:UpdateFunctionConfiguration` (a deployment), not a tag on the
 * secret (docs/decisions/0007-handler-lifecycle.md). Only Node's own modules: the handler bundle shares this module.
 */
import { createHash } from 'crypto';

/** The function's environment variable holding its `SettingsEnvironment` as JSON. */
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

/**
 * The form of ROTATION_SETTINGS this release writes: a JSON object, which the releases that wrote a JSON
 * array refuse ("must hold a JSON array"), so their code never generates a value from settings it cannot
 * read while CloudFormation updates the function's code and configuration in two steps. Every secret the
 * function rotates is listed, with its settings: a secret that is not listed is not this stack's.
 */
export const SETTINGS_FORMAT = 2;

/** A group of the environment: settings, the digests of the secret names that use them, and names known only at deployment. */
export type SettingsGroup = [Record<string, unknown>, string] | [Record<string, unknown>, string, string[]];

/** The environment's value: `{ format, groups }`. */
export interface SettingsEnvironment {
  readonly format: number;
  readonly groups: SettingsGroup[];
}

/** Characters of a name's digest: 11 base64url characters carry 66 bits of its SHA-256. */
const DIGEST_LENGTH = 11;

/**
 * A secret name's digest, as the environment lists it: the names of 200 secrets would not fit in
 * Lambda's 4 KB of environment, their digests do. Secret names are unique in an account and Region.
 */
export function secretNameDigest(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('base64url').slice(0, DIGEST_LENGTH);
}

/** One group of the environment, for the secrets named `names` (literal) and `deployTimeNames` (tokens). */
export function settingsGroup(settings: RotationSettings, names: string[], deployTimeNames: string[]): SettingsGroup {
  const digests = names.map(secretNameDigest).join('');
  return deployTimeNames.length === 0 ? [settingsJson(settings), digests] : [settingsJson(settings), digests, deployTimeNames];
}

/** A tag as DescribeSecret returns it. */
interface SecretTag {
  readonly Key?: string;
  readonly Value?: string;
}

/** The ROTATION_SETTINGS environment variable as this and every earlier release wrote it. */
type ParsedEnvironment =
  /** Releases before the environment held settings: each secret carried them in a tag (LEGACY_SETTINGS_TAG). */
  | { readonly kind: 'tags' }
  /** Releases that listed secrets with other than the default settings, by name (`[name, settings]` or `[[names], settings]`). */
  | { readonly kind: 'names'; readonly entries: unknown[] }
  /** This release: every secret the function rotates, by digest. */
  | { readonly kind: 'complete'; readonly groups: SettingsGroup[] };

/**
 * The tag in which releases before the settings moved to the environment kept each secret's settings
 * (base64 of their JSON). It is read only while the function's environment has no settings variable at
 * all: the window in which CloudFormation has updated the function's code but not yet its configuration.
 */
export const LEGACY_SETTINGS_TAG = 'cdk-kms-encryption:generic-rotation';

function parseEnvironment(environment: string | undefined): ParsedEnvironment {
  if (environment === undefined) {
    return { kind: 'tags' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(environment);
  } catch {
    throw new Error(`The function's ${ROTATION_SETTINGS_ENV} environment variable is not JSON.`);
  }
  if (Array.isArray(parsed)) {
    return { kind: 'names', entries: parsed };
  }
  const object = parsed as Partial<SettingsEnvironment> | null;
  if (typeof object !== 'object' || object === null || object.format !== SETTINGS_FORMAT || !Array.isArray(object.groups)) {
    throw new Error(`The function's ${ROTATION_SETTINGS_ENV} environment variable has a form this code does not know (format ${SETTINGS_FORMAT} expected).`);
  }
  return { kind: 'complete', groups: object.groups };
}

/**
 * Whether the function rotates the secret `secretName`: with this release's environment, only the secrets
 * it lists (its stack's); with an earlier release's, the role's policy in force decides alone.
 */
export function rotatesSecret(secretName: string, environment: string | undefined): boolean {
  const parsed = parseEnvironment(environment);
  return parsed.kind !== 'complete' || groupOf(parsed.groups, secretName) !== undefined;
}

/**
 * The settings of one secret, from the function's environment in any form a release wrote it, or from the
 * secret's legacy tag when the environment has no settings variable. Never the defaults for lack of
 * settings: a secret neither listed by this release's environment nor tagged in the tag window fails.
 */
export function settingsFor(secretName: string, environment: string | undefined, tags?: readonly SecretTag[]): RotationSettings {
  const parsed = parseEnvironment(environment);
  switch (parsed.kind) {
    case 'complete': {
      const group = groupOf(parsed.groups, secretName);
      if (group === undefined) {
        throw new Error(`The function's ${ROTATION_SETTINGS_ENV} environment variable does not list secret ${secretName}.`);
      }
      return group[0] as RotationSettings;
    }
    case 'names': {
      // An entry names one secret (`[name, settings]`) or several; a secret not listed had the defaults.
      const entry = parsed.entries
        .find((candidate) => Array.isArray(candidate) && [candidate[0]].flat().includes(secretName)) as unknown[] | undefined;
      return (entry?.[1] ?? {}) as RotationSettings;
    }
    case 'tags':
      return settingsFromLegacyTag(secretName, tags);
  }
}

function groupOf(groups: SettingsGroup[], secretName: string): SettingsGroup | undefined {
  const digest = secretNameDigest(secretName);
  return groups.find((group) => {
    const digests = String(group[1]);
    const listed = Array.from({ length: digests.length / DIGEST_LENGTH }, (_, index) => digests.slice(index * DIGEST_LENGTH).slice(0, DIGEST_LENGTH));
    return listed.includes(digest) || (group[2] ?? []).includes(secretName);
  });
}

const STRING_SETTINGS = ['jsonField', 'excludeCharacters'];
const NUMBER_SETTINGS = ['passwordLength'];
const BOOLEAN_SETTINGS = ['excludeLowercase', 'excludeNumbers', 'excludePunctuation', 'excludeUppercase', 'includeSpace', 'requireEachIncludedType'];

/** The settings in a secret's legacy tag, type-checked as the release that wrote them did; no tag fails. */
function settingsFromLegacyTag(secretName: string, tags: readonly SecretTag[] = []): RotationSettings {
  const value = tags.find((tag) => tag.Key === LEGACY_SETTINGS_TAG)?.Value;
  if (value === undefined) {
    throw new Error(`The function has no ${ROTATION_SETTINGS_ENV} environment variable (CloudFormation has not yet updated its configuration) and secret ${secretName} has no ${LEGACY_SETTINGS_TAG} tag: its rotation settings are unknown.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`The ${LEGACY_SETTINGS_TAG} tag of secret ${secretName} is not base64-encoded JSON of an object.`);
  }
  const record = parsed as Record<string, unknown>;
  const types: Array<[string[], string]> = [[STRING_SETTINGS, 'string'], [NUMBER_SETTINGS, 'number'], [BOOLEAN_SETTINGS, 'boolean']];
  const wrong = Object.keys(record).filter((key) => !types.some(([keys, type]) => keys.includes(key) && typeof record[key] === type));
  if (wrong.length > 0) {
    throw new Error(`The ${LEGACY_SETTINGS_TAG} tag of secret ${secretName} has unknown or mistyped settings: ${wrong.sort().join(', ')}.`);
  }
  return record as RotationSettings;
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
