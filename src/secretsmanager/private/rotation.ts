/**
 * The generic rotation function's logic: Secrets Manager's four-step rotation protocol for secrets with
 * no downstream service (API keys, tokens, shared secrets), following AWS's SecretsManagerRotationTemplate.
 * Values are never logged: log lines name the secret, the step and the version id only.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
 * @see https://github.com/aws-samples/aws-secrets-manager-rotation-lambdas/blob/master/SecretsManagerRotationTemplate/lambda_function.py
 */
// Handler code only: esbuild bundles it with rotation.lambda.ts, and the Lambda runtime provides the SDK.
// eslint-disable-next-line import/no-extraneous-dependencies
import {
  DescribeSecretCommand,
  DescribeSecretCommandOutput,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { RotationSettings, rotatesSecret, settingsFor, valueProblem } from './rotation-settings';

/** The event Secrets Manager sends for each step. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: string;
}

const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';

/**
 * Entry point: refuses, before any call, a secret that is not one of its stack's; checks that the version
 * the event names is the one being rotated, then runs its step. A version that is already AWSCURRENT
 * means the rotation finished (a retry), so nothing is done. `settingsEnvironment` is the function's
 * ROTATION_SETTINGS variable, which the template sets.
 */
export async function rotate(client: SecretsManagerClient, event: RotationEvent, settingsEnvironment?: string): Promise<void> {
  const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
  // Anyone who may call RotateSecret on a secret can point it at this function: it acts only on the
  // secrets its template lists (the role's policy names the same secrets' ARNs).
  if (!rotatesSecret(secretNameOf(arn), settingsEnvironment)) {
    throw new Error(`Secret ${arn} is not a secret of this function's stack: its generic rotation function rotates only those. Nothing was read or changed; point the secret's rotation at its own function.`);
  }
  const metadata = await client.send(new DescribeSecretCommand({ SecretId: arn }));
  if (!metadata.RotationEnabled) {
    throw new Error(`Secret ${arn} is not enabled for rotation.`);
  }
  const stages = metadata.VersionIdsToStages ?? {};
  if (!(token in stages)) {
    throw new Error(`Secret version ${token} has no stage for rotation of secret ${arn}.`);
  }
  if (stages[token].includes(CURRENT)) {
    console.log(`${step}: version ${token} of ${arn} is already ${CURRENT}.`);
    return;
  }
  if (!stages[token].includes(PENDING)) {
    throw new Error(`Secret version ${token} is not ${PENDING} for rotation of secret ${arn}.`);
  }
  // Settings come from the template by the secret's name; from its tags only while the function still
  // has the configuration of a release that kept them there (rotation-settings.ts).
  const settings = settingsFor(metadata.Name ?? '', settingsEnvironment, metadata.Tags);
  switch (step) {
    case 'createSecret':
      return createSecret(client, arn, token, settings);
    case 'setSecret':
      // No downstream service holds the value: consumers read it from Secrets Manager.
      return;
    case 'testSecret':
      return testSecret(client, arn, token, settings);
    case 'finishSecret':
      return finishSecret(client, arn, token, metadata);
    default:
      throw new Error(`Unknown rotation step ${step} for secret ${arn}.`);
  }
}

/**
 * Stores a new value as AWSPENDING under the request token, once: a retried step finds the pending
 * version and leaves it alone. `PutSecretValue` with the token as `ClientRequestToken` is idempotent too.
 */
export async function createSecret(client: SecretsManagerClient, arn: string, token: string, settings: RotationSettings): Promise<void> {
  const current = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: CURRENT }));
  try {
    await client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: PENDING }));
    console.log(`createSecret: version ${token} of ${arn} already exists.`);
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) {
      throw error;
    }
  }
  const shape = shapeProblem(stringValue(current.SecretString, arn), settings.jsonField);
  if (shape) {
    throw new Error(`createSecret: secret ${arn} ${shape} Nothing was stored.`);
  }
  const random = await client.send(new GetRandomPasswordCommand({
    PasswordLength: settings.passwordLength,
    ExcludeCharacters: settings.excludeCharacters,
    ExcludeLowercase: settings.excludeLowercase,
    ExcludeNumbers: settings.excludeNumbers,
    ExcludePunctuation: settings.excludePunctuation,
    ExcludeUppercase: settings.excludeUppercase,
    IncludeSpace: settings.includeSpace,
    RequireEachIncludedType: settings.requireEachIncludedType,
  }));
  const problem = valueProblem(random.RandomPassword ?? '', settings);
  if (problem) {
    throw new Error(`createSecret: the generated value for ${arn} ${problem}`);
  }
  const value = nextValue(stringValue(current.SecretString, arn), random.RandomPassword!, settings.jsonField);
  await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: value, VersionStages: [PENDING] }));
  console.log(`createSecret: stored version ${token} of ${arn} as ${PENDING}.`);
}

/**
 * Checks the pending value before it becomes current: it decrypts, is not empty, has a new value in the
 * rotated field that meets the settings' floor, and keeps every other field of a JSON secret. Whoever
 * can put a pending version cannot get a weak one promoted.
 */
export async function testSecret(client: SecretsManagerClient, arn: string, token: string, settings: RotationSettings): Promise<void> {
  const current = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: CURRENT }));
  const pending = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: PENDING }));
  const pendingText = stringValue(pending.SecretString, arn);
  const problem = pendingValueProblem(stringValue(current.SecretString, arn), pendingText, settings.jsonField)
    ?? valueProblem(rotatedPart(pendingText, settings.jsonField), settings);
  if (problem) {
    throw new Error(`testSecret: version ${token} of ${arn} ${problem}`);
  }
  console.log(`testSecret: version ${token} of ${arn} passed.`);
}

/** Moves AWSCURRENT to the pending version; Secrets Manager then moves AWSPREVIOUS and removes AWSPENDING. */
export async function finishSecret(
  client: SecretsManagerClient,
  arn: string,
  token: string,
  metadata: DescribeSecretCommandOutput,
): Promise<void> {
  const currentVersion = Object.entries(metadata.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes(CURRENT))?.[0];
  if (currentVersion === token) {
    console.log(`finishSecret: version ${token} of ${arn} is already ${CURRENT}.`);
    return;
  }
  await client.send(new UpdateSecretVersionStageCommand({
    SecretId: arn,
    VersionStage: CURRENT,
    MoveToVersionId: token,
    RemoveFromVersionId: currentVersion,
  }));
  console.log(`finishSecret: moved ${CURRENT} of ${arn} to version ${token}.`);
}

/** The next value: the random string, or the current JSON object with only `jsonField` replaced. */
export function nextValue(current: string, random: string, jsonField?: string): string {
  if (jsonField === undefined) {
    return random;
  }
  return JSON.stringify({ ...jsonObject(current, 'The current value'), [jsonField]: random });
}

/** Why a pending value must not become current, or undefined when it may. Never includes a value. */
export function pendingValueProblem(current: string, pending: string, jsonField?: string): string | undefined {
  if (jsonField === undefined) {
    if (pending.length === 0) {
      return 'is empty.';
    }
    if (isJsonObject(current) && !isJsonObject(pending)) {
      return 'would replace a JSON object with a plain value.';
    }
    return pending === current ? 'equals the current value.' : undefined;
  }
  const before = jsonObject(current, 'The current value');
  const after = jsonObject(pending, 'The pending value');
  if (typeof after[jsonField] !== 'string' || after[jsonField] === '') {
    return `has no new value in field '${jsonField}'.`;
  }
  if (after[jsonField] === before[jsonField]) {
    return `has the current value in field '${jsonField}'.`;
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete(jsonField);
  const changed = [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  return changed.length > 0 ? `changes fields other than '${jsonField}': ${changed.sort().join(', ')}.` : undefined;
}

/**
 * Why the settings cannot rotate the current value, or undefined: a JSON object rotated without a field
 * would lose every field (the settings of a JSON secret always name one; settings that do not are not its).
 */
function shapeProblem(current: string, jsonField?: string): string | undefined {
  return jsonField === undefined && isJsonObject(current)
    ? 'holds a JSON object, but its rotation settings name no field to rotate: the whole value would be replaced.'
    : undefined;
}

function isJsonObject(text: string): boolean {
  return parsedObject(text) !== undefined;
}

/**
 * The name of the secret an ARN names: Secrets Manager appends a hyphen and six characters to it.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
 */
export function secretNameOf(arn: string): string {
  return arn.split(':').slice(6).join(':').slice(0, -7);
}

/** The part of a value that rotation generates: the whole string, or the rotated field of a JSON secret. */
function rotatedPart(value: string, jsonField?: string): string {
  return jsonField === undefined ? value : String(jsonObject(value, 'The pending value')[jsonField]);
}

function stringValue(value: string | undefined, arn: string): string {
  if (value === undefined) {
    throw new Error(`Secret ${arn} has no string value: generic rotation rotates string and JSON secrets only.`);
  }
  return value;
}

/** Parses a JSON object; the error never quotes the text (JSON.parse's own message would). */
function jsonObject(text: string, what: string): Record<string, unknown> {
  const parsed = parsedObject(text);
  if (parsed === undefined) {
    throw new Error(`${what} is not a JSON object, but generic rotation is configured to rotate one of its fields.`);
  }
  return parsed;
}

/** The JSON object a text holds, or undefined when it holds anything else. */
function parsedObject(text: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
}
