/**
 * How the generic rotation function learns, per secret, what value to generate. The function is shared
 * by every secret of a stack and a rotation event names only the secret, so each secret carries its
 * settings in one tag the function reads through `DescribeSecret`.
 */

/** The tag on a secret that holds its generic-rotation settings (base64 of their JSON). */
export const ROTATION_SETTINGS_TAG = 'cdk-kms-encryption:generic-rotation';

/**
 * Tag values are at most 256 characters; base64 turns 3 bytes into 4 characters.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Tag.html
 */
export const MAX_SETTINGS_JSON_LENGTH = 192;

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

const STRING_SETTINGS = ['jsonField', 'excludeCharacters'] as const;
const NUMBER_SETTINGS = ['passwordLength'] as const;
const BOOLEAN_SETTINGS = [
  'excludeLowercase',
  'excludeNumbers',
  'excludePunctuation',
  'excludeUppercase',
  'includeSpace',
  'requireEachIncludedType',
] as const;

/** The JSON the tag carries: only the settings that are set, so defaults stay Secrets Manager's. */
export function settingsJson(settings: RotationSettings): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

/**
 * Reads the settings from a secret's tags. Anyone allowed to tag the secret can change them, so every
 * value is type-checked and anything unexpected fails the rotation instead of weakening the value.
 */
export function settingsFromTags(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): RotationSettings {
  const value = tags?.find((tag) => tag.Key === ROTATION_SETTINGS_TAG)?.Value;
  if (value === undefined) {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw new Error(`The ${ROTATION_SETTINGS_TAG} tag is not base64-encoded JSON.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`The ${ROTATION_SETTINGS_TAG} tag must hold a JSON object.`);
  }
  const record = parsed as Record<string, unknown>;
  const expectType = (keys: readonly string[], type: string) => {
    for (const key of keys) {
      if (record[key] !== undefined && typeof record[key] !== type) {
        throw new Error(`The ${ROTATION_SETTINGS_TAG} tag's ${key} must be a ${type}.`);
      }
    }
  };
  expectType(STRING_SETTINGS, 'string');
  expectType(NUMBER_SETTINGS, 'number');
  expectType(BOOLEAN_SETTINGS, 'boolean');
  const known = new Set<string>([...STRING_SETTINGS, ...NUMBER_SETTINGS, ...BOOLEAN_SETTINGS]);
  const unknown = Object.keys(record).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new Error(`The ${ROTATION_SETTINGS_TAG} tag has unknown settings: ${unknown.join(', ')}.`);
  }
  return record as RotationSettings;
}
