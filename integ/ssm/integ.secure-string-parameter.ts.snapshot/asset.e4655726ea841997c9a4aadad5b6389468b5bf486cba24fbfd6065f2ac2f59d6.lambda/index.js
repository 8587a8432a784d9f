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

// src/ssm/private/secure-string-resource.ts
var MAX_REASON_LENGTH = 1024;
async function run(event, clients2, put) {
  const props = event.ResourceProperties;
  log("request", event, props.Name);
  let response;
  try {
    const outcome = await handleEvent(event, clients2);
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
    log("failed", event, props.Name, reason);
    response = {
      Status: "FAILED",
      Reason: reason,
      PhysicalResourceId: failedPhysicalId(event),
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId
    };
  }
  await respond(event.ResponseURL, response, put);
}
async function handleEvent(event, clients2) {
  const props = event.ResourceProperties;
  switch (event.RequestType) {
    case "Create":
      return create(props, clients2);
    case "Update": {
      const old = event.OldResourceProperties;
      return old.Name === props.Name ? update(old, props, clients2) : create(props, clients2);
    }
    case "Delete":
      return remove(event.PhysicalResourceId, props, clients2.ssm);
  }
}
async function respond(url, response, put) {
  const body = JSON.stringify(response);
  const result = await put(url, {
    method: "PUT",
    headers: { "content-type": "", "content-length": String(Buffer.byteLength(body)) },
    body
  });
  if (!result.ok) {
    throw new Error(`CloudFormation rejected the response with HTTP ${result.status}`);
  }
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
  const { SecretString: secret } = await client.send(new import_client_secrets_manager.GetSecretValueCommand({ SecretId: secretId }));
  if (secret === void 0) {
    throw new Error(`Secret ${secretId} has no SecretString; binary secrets cannot be copied into a parameter`);
  }
  if (!jsonField) {
    return secret;
  }
  let parsed;
  try {
    parsed = JSON.parse(secret);
  } catch {
    throw new Error(`Secret ${secretId} is not JSON, so its field '${jsonField}' cannot be read`);
  }
  const field = typeof parsed === "object" && parsed !== null ? parsed[jsonField] : void 0;
  if (typeof field !== "string" && typeof field !== "number" && typeof field !== "boolean") {
    throw new Error(`Secret ${secretId} has no string field '${jsonField}'`);
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
async function create(props, clients2) {
  const value = await newValue(props.Value, clients2);
  return putParameter(clients2.ssm, {
    ...parameterAttributes(props),
    Value: value,
    Overwrite: false,
    Tags: props.Tags && props.Tags.length > 0 ? props.Tags : void 0
  });
}
async function update(old, props, clients2) {
  const value = props.Value.Kind === "generated" /* GENERATED */ && sameSource(old.Value, props.Value) ? await currentValue(clients2.ssm, props.Name) : await newValue(props.Value, clients2);
  const outcome = await putParameter(clients2.ssm, {
    ...parameterAttributes(props),
    Description: props.Description ?? (old.Description ? "" : void 0),
    AllowedPattern: props.AllowedPattern ?? (old.AllowedPattern ? "" : void 0),
    Policies: props.Policies ?? (old.Policies ? "[]" : void 0),
    Value: value,
    Overwrite: true
  });
  const { add, remove: removed } = tagChanges(old.Tags, props.Tags);
  if (add.length > 0) {
    await clients2.ssm.send(new import_client_ssm.AddTagsToResourceCommand({ ResourceType: "Parameter", ResourceId: props.Name, Tags: add }));
  }
  if (removed.length > 0) {
    await clients2.ssm.send(new import_client_ssm.RemoveTagsFromResourceCommand({ ResourceType: "Parameter", ResourceId: props.Name, TagKeys: removed }));
  }
  return outcome;
}
async function remove(physicalResourceId, props, ssm) {
  const outcome = { physicalResourceId, data: { Version: "" } };
  if (props.Retain === "true" || physicalResourceId !== props.Name) {
    return outcome;
  }
  try {
    await ssm.send(new import_client_ssm.DeleteParameterCommand({ Name: props.Name }));
  } catch (error) {
    if (!(error instanceof import_client_ssm.ParameterNotFound)) {
      throw error;
    }
  }
  return outcome;
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
    const failure = new Error(redact(String(error.message), input.Value));
    failure.name = error.name;
    throw failure;
  }
}
async function newValue(source, clients2) {
  switch (source.Kind) {
    case "generated" /* GENERATED */:
      return generateValue(Number(source.Length ?? GENERATED_LENGTH.default), source.ExcludeCharacters ?? "");
    case "secret" /* SECRET */:
      return readSecret(clients2.secretsManager, source.SecretId, source.JsonField);
    case "plainText" /* PLAIN_TEXT */:
      return source.PlainText ?? "";
    default:
      throw new Error(`Unknown value source '${String(source.Kind)}'`);
  }
}
async function currentValue(ssm, name) {
  const { Parameter } = await ssm.send(new import_client_ssm.GetParameterCommand({ Name: name, WithDecryption: true }));
  return Parameter?.Value ?? "";
}
function sameSource(a, b) {
  return a.Kind === b.Kind && a.Length === b.Length && a.ExcludeCharacters === b.ExcludeCharacters;
}
function failedPhysicalId(event) {
  return event.RequestType === "Create" ? `${event.LogicalResourceId}-not-created-${event.RequestId}` : event.PhysicalResourceId;
}
function describeError(error) {
  const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
  return `${name}: ${message}`.slice(0, MAX_REASON_LENGTH);
}
function log(stage, event, name, reason) {
  const physicalResourceId = event.RequestType === "Create" ? void 0 : event.PhysicalResourceId;
  const { RequestType: requestType, LogicalResourceId: logicalResourceId } = event;
  console.log(JSON.stringify({ stage, requestType, logicalResourceId, physicalResourceId, name, reason }));
}

// src/ssm/private/secure-string.lambda.ts
var clients = { ssm: new import_client_ssm2.SSMClient({}), secretsManager: new import_client_secrets_manager2.SecretsManagerClient({}) };
async function handler(event) {
  await run(event, clients, fetch);
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler
});
