"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/secretsmanager/private/rotation.lambda.ts
var rotation_lambda_exports = {};
__export(rotation_lambda_exports, {
  handler: () => handler
});
module.exports = __toCommonJS(rotation_lambda_exports);
var import_client_secrets_manager2 = require("@aws-sdk/client-secrets-manager");

// src/secretsmanager/private/rotation.ts
var import_client_secrets_manager = require("@aws-sdk/client-secrets-manager");

// src/secretsmanager/private/rotation-settings.ts
var import_crypto = require("crypto");
var ROTATION_SETTINGS_ENV = "ROTATION_SETTINGS";
var MIN_ROTATED_LENGTH = 16;
var DEFAULT_PASSWORD_LENGTH = 32;
var CHARACTER_CLASSES = [
  { name: "lowercase", excludedBy: "excludeLowercase", characters: "abcdefghijklmnopqrstuvwxyz" },
  { name: "uppercase", excludedBy: "excludeUppercase", characters: "ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
  { name: "number", excludedBy: "excludeNumbers", characters: "0123456789" },
  { name: "punctuation", excludedBy: "excludePunctuation", characters: "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" }
];
var SETTINGS_FORMAT = 2;
var DIGEST_LENGTH = 11;
function secretNameDigest(name) {
  return (0, import_crypto.createHash)("sha256").update(name, "utf8").digest("base64url").slice(0, DIGEST_LENGTH);
}
var LEGACY_SETTINGS_TAG = "cdk-kms-encryption:generic-rotation";
function parseEnvironment(environment) {
  if (environment === void 0) {
    return { kind: "tags" };
  }
  let parsed;
  try {
    parsed = JSON.parse(environment);
  } catch {
    throw new Error(`The function's ${ROTATION_SETTINGS_ENV} environment variable is not JSON.`);
  }
  if (Array.isArray(parsed)) {
    return { kind: "names", entries: parsed };
  }
  const object = parsed;
  if (typeof object !== "object" || object === null || object.format !== SETTINGS_FORMAT || !Array.isArray(object.groups)) {
    throw new Error(`The function's ${ROTATION_SETTINGS_ENV} environment variable has a form this code does not know (format ${SETTINGS_FORMAT} expected).`);
  }
  return { kind: "complete", groups: object.groups };
}
function rotatesSecret(secretName, environment) {
  const parsed = parseEnvironment(environment);
  return parsed.kind !== "complete" || groupOf(parsed.groups, secretName) !== void 0;
}
function settingsFor(secretName, environment, tags) {
  const parsed = parseEnvironment(environment);
  switch (parsed.kind) {
    case "complete": {
      const group = groupOf(parsed.groups, secretName);
      if (group === void 0) {
        throw new Error(`The function's ${ROTATION_SETTINGS_ENV} environment variable does not list secret ${secretName}.`);
      }
      return group[0];
    }
    case "names": {
      const entry = parsed.entries.find((candidate) => Array.isArray(candidate) && [candidate[0]].flat().includes(secretName));
      return entry?.[1] ?? {};
    }
    case "tags":
      return settingsFromLegacyTag(secretName, tags);
  }
}
function groupOf(groups, secretName) {
  const digest = secretNameDigest(secretName);
  return groups.find((group) => {
    const digests = String(group[1]);
    const listed = Array.from({ length: digests.length / DIGEST_LENGTH }, (_, index) => digests.slice(index * DIGEST_LENGTH).slice(0, DIGEST_LENGTH));
    return listed.includes(digest) || (group[2] ?? []).includes(secretName);
  });
}
var STRING_SETTINGS = ["jsonField", "excludeCharacters"];
var NUMBER_SETTINGS = ["passwordLength"];
var BOOLEAN_SETTINGS = ["excludeLowercase", "excludeNumbers", "excludePunctuation", "excludeUppercase", "includeSpace", "requireEachIncludedType"];
function settingsFromLegacyTag(secretName, tags = []) {
  const value = tags.find((tag) => tag.Key === LEGACY_SETTINGS_TAG)?.Value;
  if (value === void 0) {
    throw new Error(`The function has no ${ROTATION_SETTINGS_ENV} environment variable (CloudFormation has not yet updated its configuration) and secret ${secretName} has no ${LEGACY_SETTINGS_TAG} tag: its rotation settings are unknown.`);
  }
  let parsed;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
  } catch {
    parsed = void 0;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`The ${LEGACY_SETTINGS_TAG} tag of secret ${secretName} is not base64-encoded JSON of an object.`);
  }
  const record = parsed;
  const types = [[STRING_SETTINGS, "string"], [NUMBER_SETTINGS, "number"], [BOOLEAN_SETTINGS, "boolean"]];
  const wrong = Object.keys(record).filter((key) => !types.some(([keys, type]) => keys.includes(key) && typeof record[key] === type));
  if (wrong.length > 0) {
    throw new Error(`The ${LEGACY_SETTINGS_TAG} tag of secret ${secretName} has unknown or mistyped settings: ${wrong.sort().join(", ")}.`);
  }
  return record;
}
function requiredLength(settings) {
  return Math.max(MIN_ROTATED_LENGTH, settings.passwordLength ?? DEFAULT_PASSWORD_LENGTH);
}
function valueProblem(value, settings) {
  const length = requiredLength(settings);
  if ([...value].length < length) {
    return `is shorter than the ${length} characters the rotation settings require.`;
  }
  const classes = includedClasses(settings);
  const allowed = classes.join("") + (settings.includeSpace ? " " : "");
  if ([...value].some((character) => !allowed.includes(character))) {
    return "contains characters the rotation settings exclude.";
  }
  if (settings.requireEachIncludedType !== false) {
    const missing = CHARACTER_CLASSES.filter((_, index) => classes[index] !== "" && ![...value].some((character) => classes[index].includes(character)));
    if (missing.length > 0) {
      return `lacks a character of a class the rotation settings require (${missing.map((characterClass) => characterClass.name).join(", ")}).`;
    }
  }
  return void 0;
}
function includedClasses(settings) {
  const excluded = settings.excludeCharacters ?? "";
  return CHARACTER_CLASSES.map((characterClass) => settings[characterClass.excludedBy] ? "" : [...characterClass.characters].filter((character) => !excluded.includes(character)).join(""));
}

// src/secretsmanager/private/rotation.ts
var CURRENT = "AWSCURRENT";
var PENDING = "AWSPENDING";
async function rotate(client2, event, settingsEnvironment) {
  const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
  if (!rotatesSecret(secretNameOf(arn), settingsEnvironment)) {
    throw new Error(`Secret ${arn} is not a secret of this function's stack: its generic rotation function rotates only those. Nothing was read or changed; point the secret's rotation at its own function.`);
  }
  const metadata = await client2.send(new import_client_secrets_manager.DescribeSecretCommand({ SecretId: arn }));
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
  const settings = settingsFor(metadata.Name ?? "", settingsEnvironment, metadata.Tags);
  switch (step) {
    case "createSecret":
      return createSecret(client2, arn, token, settings);
    case "setSecret":
      return;
    case "testSecret":
      return testSecret(client2, arn, token, settings);
    case "finishSecret":
      return finishSecret(client2, arn, token, metadata);
    default:
      throw new Error(`Unknown rotation step ${step} for secret ${arn}.`);
  }
}
async function createSecret(client2, arn, token, settings) {
  const current = await client2.send(new import_client_secrets_manager.GetSecretValueCommand({ SecretId: arn, VersionStage: CURRENT }));
  try {
    await client2.send(new import_client_secrets_manager.GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: PENDING }));
    console.log(`createSecret: version ${token} of ${arn} already exists.`);
    return;
  } catch (error) {
    if (!(error instanceof import_client_secrets_manager.ResourceNotFoundException)) {
      throw error;
    }
  }
  const shape = shapeProblem(stringValue(current.SecretString, arn), settings.jsonField);
  if (shape) {
    throw new Error(`createSecret: secret ${arn} ${shape} Nothing was stored.`);
  }
  const random = await client2.send(new import_client_secrets_manager.GetRandomPasswordCommand({
    PasswordLength: settings.passwordLength,
    ExcludeCharacters: settings.excludeCharacters,
    ExcludeLowercase: settings.excludeLowercase,
    ExcludeNumbers: settings.excludeNumbers,
    ExcludePunctuation: settings.excludePunctuation,
    ExcludeUppercase: settings.excludeUppercase,
    IncludeSpace: settings.includeSpace,
    RequireEachIncludedType: settings.requireEachIncludedType
  }));
  const problem = valueProblem(random.RandomPassword ?? "", settings);
  if (problem) {
    throw new Error(`createSecret: the generated value for ${arn} ${problem}`);
  }
  const value = nextValue(stringValue(current.SecretString, arn), random.RandomPassword, settings.jsonField);
  await client2.send(new import_client_secrets_manager.PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: value, VersionStages: [PENDING] }));
  console.log(`createSecret: stored version ${token} of ${arn} as ${PENDING}.`);
}
async function testSecret(client2, arn, token, settings) {
  const current = await client2.send(new import_client_secrets_manager.GetSecretValueCommand({ SecretId: arn, VersionStage: CURRENT }));
  const pending = await client2.send(new import_client_secrets_manager.GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: PENDING }));
  const pendingText = stringValue(pending.SecretString, arn);
  const problem = pendingValueProblem(stringValue(current.SecretString, arn), pendingText, settings.jsonField) ?? valueProblem(rotatedPart(pendingText, settings.jsonField), settings);
  if (problem) {
    throw new Error(`testSecret: version ${token} of ${arn} ${problem}`);
  }
  console.log(`testSecret: version ${token} of ${arn} passed.`);
}
async function finishSecret(client2, arn, token, metadata) {
  const currentVersion = Object.entries(metadata.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes(CURRENT))?.[0];
  if (currentVersion === token) {
    console.log(`finishSecret: version ${token} of ${arn} is already ${CURRENT}.`);
    return;
  }
  await client2.send(new import_client_secrets_manager.UpdateSecretVersionStageCommand({
    SecretId: arn,
    VersionStage: CURRENT,
    MoveToVersionId: token,
    RemoveFromVersionId: currentVersion
  }));
  console.log(`finishSecret: moved ${CURRENT} of ${arn} to version ${token}.`);
}
function nextValue(current, random, jsonField) {
  if (jsonField === void 0) {
    return random;
  }
  return JSON.stringify({ ...jsonObject(current, "The current value"), [jsonField]: random });
}
function pendingValueProblem(current, pending, jsonField) {
  if (jsonField === void 0) {
    if (pending.length === 0) {
      return "is empty.";
    }
    if (isJsonObject(current) && !isJsonObject(pending)) {
      return "would replace a JSON object with a plain value.";
    }
    return pending === current ? "equals the current value." : void 0;
  }
  const before = jsonObject(current, "The current value");
  const after = jsonObject(pending, "The pending value");
  if (typeof after[jsonField] !== "string" || after[jsonField] === "") {
    return `has no new value in field '${jsonField}'.`;
  }
  if (after[jsonField] === before[jsonField]) {
    return `has the current value in field '${jsonField}'.`;
  }
  const keys = /* @__PURE__ */ new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete(jsonField);
  const changed = [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  return changed.length > 0 ? `changes fields other than '${jsonField}': ${changed.sort().join(", ")}.` : void 0;
}
function shapeProblem(current, jsonField) {
  return jsonField === void 0 && isJsonObject(current) ? "holds a JSON object, but its rotation settings name no field to rotate: the whole value would be replaced." : void 0;
}
function isJsonObject(text) {
  return parsedObject(text) !== void 0;
}
function secretNameOf(arn) {
  return arn.split(":").slice(6).join(":").slice(0, -7);
}
function rotatedPart(value, jsonField) {
  return jsonField === void 0 ? value : String(jsonObject(value, "The pending value")[jsonField]);
}
function stringValue(value, arn) {
  if (value === void 0) {
    throw new Error(`Secret ${arn} has no string value: generic rotation rotates string and JSON secrets only.`);
  }
  return value;
}
function jsonObject(text, what) {
  const parsed = parsedObject(text);
  if (parsed === void 0) {
    throw new Error(`${what} is not a JSON object, but generic rotation is configured to rotate one of its fields.`);
  }
  return parsed;
}
function parsedObject(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return void 0;
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : void 0;
}

// src/private/handler-runtime.ts
var SDK_CLIENT_OPTIONS = {
  retryMode: "adaptive",
  maxAttempts: 10,
  requestHandler: { connectionTimeout: 3e3, requestTimeout: 1e4, throwOnRequestTimeout: true }
};

// src/secretsmanager/private/rotation.lambda.ts
var client = new import_client_secrets_manager2.SecretsManagerClient(SDK_CLIENT_OPTIONS);
async function handler(event) {
  await rotate(client, event, process.env[ROTATION_SETTINGS_ENV]);
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler
});
