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
var ROTATION_SETTINGS_ENV = "ROTATION_SETTINGS";
var MIN_ROTATED_LENGTH = 16;
var DEFAULT_PASSWORD_LENGTH = 32;
var CHARACTER_CLASSES = [
  { name: "lowercase", excludedBy: "excludeLowercase", characters: "abcdefghijklmnopqrstuvwxyz" },
  { name: "uppercase", excludedBy: "excludeUppercase", characters: "ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
  { name: "number", excludedBy: "excludeNumbers", characters: "0123456789" },
  { name: "punctuation", excludedBy: "excludePunctuation", characters: "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" }
];
function settingsFor(secretName, environment) {
  let entries;
  try {
    entries = JSON.parse(environment ?? "[]");
  } catch {
    throw new Error(`The function's ${ROTATION_SETTINGS_ENV} environment variable is not JSON.`);
  }
  if (!Array.isArray(entries)) {
    throw new Error(`The function's ${ROTATION_SETTINGS_ENV} environment variable must hold a JSON array.`);
  }
  const entry = entries.find((candidate) => Array.isArray(candidate) && [candidate[0]].flat().includes(secretName));
  return entry?.[1] ?? {};
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
  const settings = settingsFor(metadata.Name ?? "", settingsEnvironment);
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
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = void 0;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${what} is not a JSON object, but generic rotation is configured to rotate one of its fields.`);
  }
  return parsed;
}

// src/private/handler-runtime.ts
var SDK_CLIENT_OPTIONS = {
  retryMode: "adaptive",
  maxAttempts: 10,
  requestHandler: { connectionTimeout: 3e3, requestTimeout: 1e4 }
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
