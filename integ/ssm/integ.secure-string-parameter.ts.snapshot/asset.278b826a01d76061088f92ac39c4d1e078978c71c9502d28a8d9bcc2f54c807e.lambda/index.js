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

// src/ssm/private/secure-string.lambda.ts
var secure_string_lambda_exports = {};
__export(secure_string_lambda_exports, {
  handler: () => handler
});
module.exports = __toCommonJS(secure_string_lambda_exports);
var import_client_secrets_manager2 = require("@aws-sdk/client-secrets-manager");
var import_client_ssm2 = require("@aws-sdk/client-ssm");

// src/ssm/private/secure-string-resource.ts
var import_crypto = require("crypto");
var import_client_secrets_manager = require("@aws-sdk/client-secrets-manager");
var import_client_ssm = require("@aws-sdk/client-ssm");

// src/ssm/private/secure-string-contract.ts
var OWNER_TAG_KEYS = {
  stackId: "cdk-kms-encryption:stack-id",
  logicalId: "cdk-kms-encryption:logical-id"
};
var GENERATED_LENGTH = { min: 1, max: 4096, default: 32 };
function generatorAlphabet(excludeCharacters) {
  let alphabet = "";
  for (let code = 33; code <= 126; code++) {
    const character = String.fromCharCode(code);
    if (!excludeCharacters.includes(character)) {
      alphabet += character;
    }
  }
  return alphabet;
}

// src/private/handler-runtime.ts
var SDK_CLIENT_OPTIONS = {
  retryMode: "adaptive",
  maxAttempts: 10,
  requestHandler: { connectionTimeout: 3e3, requestTimeout: 1e4, throwOnRequestTimeout: true }
};
function sleep(millis) {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
function backoffMillis(attempt, base = 500, cap = 8e3) {
  return Math.random() * Math.min(cap, base * 2 ** attempt);
}

// src/ssm/private/secure-string-resource.ts
var RequestFailure = class extends Error {
  name = "RequestFailure";
};
var MAX_REASON_LENGTH = 1024;
var ANSWER_MARGIN_MILLIS = 2e4;
var RESPONSE_ATTEMPTS = 4;
var RESPONSE_TIMEOUT_MILLIS = 4e3;
async function run(event, clients2, put, remainingMillis, wait = sleep) {
  const name = event.ResourceProperties?.Name;
  log("request", event, name);
  let response;
  try {
    const outcome = await beforeDeadline(handleEvent(event, clients2), remainingMillis - ANSWER_MARGIN_MILLIS);
    response = {
      Status: "SUCCESS",
      PhysicalResourceId: outcome.physicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      Data: outcome.data
    };
  } catch (error) {
    const reason = describeError(error);
    log("failed", event, name, reason);
    response = {
      Status: "FAILED",
      Reason: reason,
      PhysicalResourceId: failedPhysicalId(event),
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId
    };
  }
  await respond(event.ResponseURL, response, put, wait);
}
async function handleEvent(event, clients2) {
  const owner = { stackId: event.StackId, logicalId: event.LogicalResourceId };
  switch (event.RequestType) {
    case "Create":
      return create(checkedProperties(event.ResourceProperties), owner, clients2);
    case "Update": {
      const props = checkedProperties(event.ResourceProperties);
      const old = event.OldResourceProperties;
      return old.Name === props.Name ? update(old, props, owner, clients2) : rename(props, owner, clients2);
    }
    case "Delete":
      return remove(event.PhysicalResourceId, event.ResourceProperties, owner, clients2.ssm);
    default:
      throw new RequestFailure(`Unknown RequestType '${String(event.RequestType)}'`);
  }
}
async function respond(url, response, put, wait = sleep) {
  const body = JSON.stringify(response);
  let failure = "";
  for (let attempt = 1; attempt <= RESPONSE_ATTEMPTS; attempt++) {
    try {
      const result = await put(url, {
        method: "PUT",
        headers: { "content-type": "", "content-length": String(Buffer.byteLength(body)) },
        body,
        signal: AbortSignal.timeout(RESPONSE_TIMEOUT_MILLIS)
      });
      if (result.ok) {
        return;
      }
      failure = `HTTP ${result.status}`;
    } catch (error) {
      failure = error.name;
    }
    if (attempt < RESPONSE_ATTEMPTS) {
      await wait(backoffMillis(attempt - 1));
    }
  }
  throw new Error(`CloudFormation did not accept the response after ${RESPONSE_ATTEMPTS} attempts (last: ${failure})`);
}
function checkedProperties(raw) {
  const props = raw ?? {};
  for (const key of ["Name", "KeyId"]) {
    if (typeof props[key] !== "string" || props[key] === "") {
      throw new RequestFailure(`Property ${key} is missing or not a string`);
    }
  }
  const source = props.Value;
  if (typeof source !== "object" || source === null) {
    throw new RequestFailure("Property Value is missing or not an object");
  }
  switch (source.Kind) {
    case "generated" /* GENERATED */: {
      const length = Number(source.Length ?? GENERATED_LENGTH.default);
      if (!Number.isInteger(length) || length < GENERATED_LENGTH.min || length > GENERATED_LENGTH.max) {
        throw new RequestFailure(`Property Value.Length must be a whole number from ${GENERATED_LENGTH.min} to ${GENERATED_LENGTH.max}`);
      }
      if (generatorAlphabet(source.ExcludeCharacters ?? "").length === 0) {
        throw new RequestFailure("Property Value.ExcludeCharacters leaves no character to generate a value from");
      }
      break;
    }
    case "secret" /* SECRET */:
      if (typeof source.SecretId !== "string" || source.SecretId === "") {
        throw new RequestFailure("Property Value.SecretId is missing or not a string");
      }
      break;
    case "plainText" /* PLAIN_TEXT */:
      if (typeof source.PlainText !== "string") {
        throw new RequestFailure("Property Value.PlainText is missing or not a string");
      }
      break;
    default:
      throw new RequestFailure(`Property Value.Kind is unknown: '${String(source.Kind)}'`);
  }
  return props;
}
async function ownership(ssm, name, owner) {
  let tags;
  try {
    const { TagList } = await ssm.send(new import_client_ssm.ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name }));
    tags = TagList ?? [];
  } catch (error) {
    if (["InvalidResourceId", "ParameterNotFound"].includes(error.name)) {
      return { kind: "absent" };
    }
    throw error;
  }
  const tag = (key) => tags.find((candidate) => candidate.Key === key)?.Value;
  const [stackId, logicalId] = [tag(OWNER_TAG_KEYS.stackId), tag(OWNER_TAG_KEYS.logicalId)];
  if (stackId === void 0) {
    return { kind: "untagged" };
  }
  if (stackId !== owner.stackId) {
    return { kind: "foreign" };
  }
  return logicalId === owner.logicalId ? { kind: "ours" } : { kind: "sibling", logicalId: String(logicalId) };
}
function notOursReason(name, owned) {
  return owned.kind === "sibling" ? `parameter ${name} already exists and was created by another resource of this stack (${owned.logicalId})` : `parameter ${name} already exists and was not created by this stack`;
}
function ownerTags(owner) {
  return [
    { Key: OWNER_TAG_KEYS.stackId, Value: owner.stackId },
    { Key: OWNER_TAG_KEYS.logicalId, Value: owner.logicalId }
  ];
}
function generateValue(length, excludeCharacters, random = import_crypto.randomBytes) {
  const alphabet = generatorAlphabet(excludeCharacters);
  if (alphabet.length === 0 || length < GENERATED_LENGTH.min || length > GENERATED_LENGTH.max) {
    throw new Error(`Cannot generate ${length} characters from ${alphabet.length} allowed characters`);
  }
  const limit = 256 - 256 % alphabet.length;
  let value = "";
  while (value.length < length) {
    for (const byte of random(length)) {
      if (byte < limit && value.length < length) {
        value += alphabet[byte % alphabet.length];
      }
    }
  }
  return value;
}
async function readSecret(client, secretId, jsonField) {
  let secret;
  try {
    ({ SecretString: secret } = await client.send(new import_client_secrets_manager.GetSecretValueCommand({ SecretId: secretId })));
  } catch (error) {
    throw awsFailure(error, `Property Value.SecretId: secret ${secretId} cannot be read`);
  }
  if (secret === void 0) {
    throw new RequestFailure(`Property Value.SecretId: secret ${secretId} has no SecretString; binary secrets cannot be copied into a parameter`);
  }
  if (!jsonField) {
    return secret;
  }
  let parsed;
  try {
    parsed = JSON.parse(secret);
  } catch {
    throw new RequestFailure(`Property Value.JsonField: secret ${secretId} is not JSON, so its field '${jsonField}' cannot be read`);
  }
  const field = typeof parsed === "object" && parsed !== null ? parsed[jsonField] : void 0;
  if (typeof field !== "string" && typeof field !== "number" && typeof field !== "boolean") {
    throw new RequestFailure(`Property Value.JsonField: secret ${secretId} has no string field '${jsonField}'`);
  }
  return String(field);
}
function redact(text, value) {
  return value.length === 0 ? text : text.split(value).join("*****");
}
function tagChanges(before = [], after = []) {
  const old = new Map(before.map((tag) => [tag.Key, tag.Value]));
  const keys = new Set(after.map((tag) => tag.Key));
  return {
    add: after.filter((tag) => old.get(tag.Key) !== tag.Value),
    remove: before.map((tag) => tag.Key).filter((key) => !keys.has(key))
  };
}
async function create(props, owner, clients2) {
  const value = await newValue(props.Value, clients2);
  try {
    return await labelled(props, await putParameter(clients2.ssm, {
      ...parameterAttributes(props),
      Value: value,
      Overwrite: false,
      Tags: [...props.Tags ?? [], ...ownerTags(owner)]
    }), clients2.ssm);
  } catch (error) {
    if (error.name !== "ParameterAlreadyExists") {
      throw error;
    }
  }
  const owned = await ownership(clients2.ssm, props.Name, owner);
  if (owned.kind !== "ours") {
    throw new RequestFailure(notOursReason(props.Name, owned));
  }
  const kept = props.Value.Kind === "generated" /* GENERATED */ ? await currentValue(clients2.ssm, props.Name) : value;
  return labelled(props, await overwrite(props, kept, void 0, clients2.ssm), clients2.ssm);
}
async function update(old, props, owner, clients2) {
  const owned = await ownership(clients2.ssm, props.Name, owner);
  if (owned.kind === "foreign" || owned.kind === "sibling") {
    throw new RequestFailure(`parameter ${props.Name} was not created by this stack`);
  }
  if (owned.kind === "absent") {
    return create(props, owner, clients2);
  }
  const value = await updatedValue(old, props, clients2);
  const tier = await tierToWrite(old, props, clients2.ssm);
  const outcome = await labelled(props, await overwrite({ ...props, Tier: tier }, value, old, clients2.ssm), clients2.ssm);
  if (old.Tier === "Standard" && props.Tier === "Advanced") {
    await putLabel(clients2.ssm, props.Name, outcome, RAISED_TO_ADVANCED_LABEL);
  }
  const { add, remove: removed } = tagChanges(old.Tags, props.Tags);
  const tags = owned.kind === "untagged" ? [...add, ...ownerTags(owner)] : add;
  if (tags.length > 0) {
    await clients2.ssm.send(new import_client_ssm.AddTagsToResourceCommand({ ResourceType: "Parameter", ResourceId: props.Name, Tags: tags }));
  }
  if (removed.length > 0) {
    await clients2.ssm.send(new import_client_ssm.RemoveTagsFromResourceCommand({ ResourceType: "Parameter", ResourceId: props.Name, TagKeys: removed }));
  }
  return outcome;
}
var TIER_DOWNGRADE_REASON = "Property Tier cannot change from Advanced to Standard: Parameter Store keeps an advanced parameter advanced, and deleting it to create it again would lose its history. Keep the tier Advanced, or give the parameter a new name (a new parameter, with a new value)";
async function updatedValue(old, props, clients2) {
  if (props.Value.Kind !== "generated" /* GENERATED */) {
    return newValue(props.Value, clients2);
  }
  if (sameSource(old.Value, props.Value)) {
    return old.KeyId === props.KeyId ? currentValue(clients2.ssm, props.Name) : valueAcrossKeyChange(clients2.ssm, props.Name, props.KeyId);
  }
  return await labelledValue(clients2.ssm, props.Name, generatedLabel(props.Value)) ?? newValue(props.Value, clients2);
}
function generatedLabel(source) {
  const length = Number(source.Length ?? GENERATED_LENGTH.default);
  const excluded = (0, import_crypto.createHash)("sha256").update(source.ExcludeCharacters ?? "").digest("hex").slice(0, 16);
  return `cdk-kms-encryption.generated.${length}.${excluded}`;
}
async function labelledValue(ssm, name, label) {
  try {
    const { Parameter } = await ssm.send(new import_client_ssm.GetParameterCommand({ Name: `${name}:${label}`, WithDecryption: true }));
    return Parameter?.Value;
  } catch (error) {
    if (["ParameterVersionNotFound", "ParameterNotFound"].includes(error.name)) {
      return void 0;
    }
    throw isKeyDenied(error) ? awsFailure(error, `Property KeyId: the handler may not decrypt parameter ${name} with the key of its generated version`) : error;
  }
}
async function labelled(props, outcome, ssm) {
  if (props.Value.Kind === "generated" /* GENERATED */) {
    await putLabel(ssm, props.Name, outcome, generatedLabel(props.Value));
  }
  return outcome;
}
var RAISED_TO_ADVANCED_LABEL = "cdk-kms-encryption.raised-to-advanced";
async function putLabel(ssm, name, written, labelName) {
  await ssm.send(new import_client_ssm.LabelParameterVersionCommand({ Name: name, ParameterVersion: Number(written.data.Version), Labels: [labelName] }));
}
async function tierToWrite(old, props, ssm) {
  if (old.Tier !== "Advanced" || props.Tier !== "Standard") {
    return props.Tier;
  }
  const version = async (selector) => {
    try {
      return (await ssm.send(new import_client_ssm.GetParameterCommand({ Name: `${props.Name}${selector}` }))).Parameter?.Version;
    } catch (error) {
      if (["ParameterVersionNotFound", "ParameterNotFound"].includes(error.name)) {
        return void 0;
      }
      throw error;
    }
  };
  const [raised, current] = [await version(`:${RAISED_TO_ADVANCED_LABEL}`), await version("")];
  if (raised !== void 0 && raised === current) {
    log("kept advanced", { RequestType: "Update", LogicalResourceId: props.Name }, props.Name, "Parameter Store cannot move a parameter back to the standard tier");
    return "Advanced";
  }
  return "Standard";
}
function rename(props, owner, clients2) {
  return create(props, owner, clients2);
}
function overwrite(props, value, old, ssm) {
  const clear = (key, empty) => props[key] ?? (old === void 0 || old[key] ? empty : void 0);
  return putParameter(ssm, {
    ...parameterAttributes(props),
    Description: clear("Description", ""),
    AllowedPattern: clear("AllowedPattern", ""),
    Policies: clear("Policies", "[]"),
    Value: value,
    Overwrite: true
  });
}
async function remove(physicalResourceId, props, owner, ssm) {
  const outcome = { physicalResourceId, data: { Version: "" } };
  if (props.Retain === "true" || physicalResourceId !== props.Name) {
    return outcome;
  }
  const owned = await deletableOwnership(ssm, props.Name, owner);
  if (owned !== "ours" && owned !== "untagged") {
    log("kept", { RequestType: "Delete", PhysicalResourceId: physicalResourceId, LogicalResourceId: owner.logicalId }, props.Name, `parameter is ${owned}`);
    return outcome;
  }
  try {
    await ssm.send(new import_client_ssm.DeleteParameterCommand({ Name: props.Name }));
  } catch (error) {
    if (error.name !== "ParameterNotFound") {
      throw error;
    }
  }
  return outcome;
}
async function deletableOwnership(ssm, name, owner) {
  try {
    return (await ownership(ssm, name, owner)).kind;
  } catch (error) {
    if (error.name === "AccessDeniedException") {
      return "not readable";
    }
    throw error;
  }
}
function parameterAttributes(props) {
  return {
    Name: props.Name,
    Type: "SecureString",
    KeyId: props.KeyId,
    Tier: props.Tier,
    Description: props.Description,
    AllowedPattern: props.AllowedPattern,
    Policies: props.Policies
  };
}
async function putParameter(ssm, input) {
  try {
    const { Version } = await ssm.send(new import_client_ssm.PutParameterCommand(input));
    return { physicalResourceId: input.Name, data: { Version: String(Version) } };
  } catch (error) {
    if (isKeyDenied(error)) {
      throw awsFailure(error, keyDeniedReason(input.KeyId));
    }
    if (input.Tier === "Standard" && /downgrade/i.test(String(error.message))) {
      throw new RequestFailure(TIER_DOWNGRADE_REASON);
    }
    throw awsFailure(error, redact(String(error.message), input.Value));
  }
}
async function newValue(source, clients2) {
  switch (source.Kind) {
    case "generated" /* GENERATED */:
      return generateValue(Number(source.Length ?? GENERATED_LENGTH.default), source.ExcludeCharacters ?? "");
    case "secret" /* SECRET */:
      return readSecret(clients2.secretsManager, source.SecretId, source.JsonField);
    default:
      return source.PlainText ?? "";
  }
}
async function currentValue(ssm, name) {
  try {
    return await decryptedValue(ssm, name);
  } catch (error) {
    throw isKeyDenied(error) ? awsFailure(error, decryptDeniedReason(name)) : error;
  }
}
async function valueAcrossKeyChange(ssm, name, keyId) {
  try {
    return await decryptedValue(ssm, name);
  } catch (error) {
    if (!isKeyDenied(error)) {
      throw error;
    }
  }
  const version = await latestVersionUnder(ssm, name, keyId);
  if (version === void 0) {
    throw new RequestFailure(`Property KeyId: the handler may not decrypt parameter ${name} with the key that encrypts it now, and no version is under ${keyId}`);
  }
  return currentValue(ssm, `${name}:${version}`);
}
async function latestVersionUnder(ssm, name, keyId) {
  let latest;
  let token;
  do {
    const page = await ssm.send(new import_client_ssm.GetParameterHistoryCommand({ Name: name, WithDecryption: false, NextToken: token }));
    for (const entry of page.Parameters ?? []) {
      if (entry.KeyId === keyId && (latest === void 0 || Number(entry.Version) > latest)) {
        latest = Number(entry.Version);
      }
    }
    token = page.NextToken;
  } while (token);
  return latest;
}
async function decryptedValue(ssm, selector) {
  const { Parameter } = await ssm.send(new import_client_ssm.GetParameterCommand({ Name: selector, WithDecryption: true }));
  return Parameter?.Value ?? "";
}
function decryptDeniedReason(name) {
  return `Property KeyId: the handler may not decrypt parameter ${name} with the key that encrypts it now`;
}
function sameSource(a, b) {
  return a.Kind === b.Kind && a.Length === b.Length && a.ExcludeCharacters === b.ExcludeCharacters;
}
function isKeyDenied(error) {
  const { name, message } = error;
  return name === "InvalidKeyId" || name === "AccessDeniedException" && /kms/i.test(String(message));
}
function keyDeniedReason(keyId) {
  return `Property KeyId: the handler may not use key ${keyId} through Parameter Store (kms:Encrypt / kms:Decrypt)`;
}
function awsFailure(error, message) {
  const failure = new Error(message);
  failure.name = error.name;
  return failure;
}
async function beforeDeadline(work, millis) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`the function's time was nearly up (${ANSWER_MARGIN_MILLIS / 1e3} s left) before AWS answered; the request can be retried`);
      error.name = "TimeoutError";
      reject(error);
    }, Math.max(0, millis));
  });
  work.catch(() => void 0);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
function failedPhysicalId(event) {
  return "PhysicalResourceId" in event ? event.PhysicalResourceId : `${event.LogicalResourceId}-not-created-${event.RequestId}`;
}
function describeError(error) {
  const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
  return (error instanceof RequestFailure ? message : `${name}: ${message}`).slice(0, MAX_REASON_LENGTH);
}
function log(stage, event, name, reason) {
  const { RequestType: requestType, LogicalResourceId: logicalResourceId, PhysicalResourceId: physicalResourceId } = event;
  console.log(JSON.stringify({ stage, requestType, logicalResourceId, physicalResourceId, name, reason }));
}

// src/ssm/private/secure-string.lambda.ts
var clients = { ssm: new import_client_ssm2.SSMClient(SDK_CLIENT_OPTIONS), secretsManager: new import_client_secrets_manager2.SecretsManagerClient(SDK_CLIENT_OPTIONS) };
async function handler(event, context) {
  await run(event, clients, fetch, context.getRemainingTimeInMillis());
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler
});
