/**
 * Deploy-time logic of the SecureStringParameter custom resource: small functions that take the SDK
 * clients as arguments, so they are unit-tested against mocked clients.
 *
 * Values never leave this module except in the PutParameter request: they are not logged, not put
 * in the CloudFormation response (Data, Reason) and not echoed in error messages.
 */
import { randomBytes } from 'crypto';
// Handler code only: esbuild bundles it with secure-string.lambda.ts, and the Lambda runtime provides the SDK.
// eslint-disable-next-line import/no-extraneous-dependencies
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
// eslint-disable-next-line import/no-extraneous-dependencies
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  PutParameterCommandInput,
  RemoveTagsFromResourceCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
} from 'aws-lambda';
import {
  GENERATED_LENGTH,
  SecureStringProperties,
  TagProperty,
  ValueKind,
  ValueSourceProperties,
  generatorAlphabet,
} from './secure-string-contract';

/** The AWS clients the handler uses. */
export interface Clients {
  readonly ssm: SSMClient;
  readonly secretsManager: SecretsManagerClient;
}

/** What a successful request reports to CloudFormation: no value, only the name and version. */
export interface Outcome {
  readonly physicalResourceId: string;
  readonly data: { readonly Version: string };
}

/** Sends an HTTP request; `fetch` in the Lambda runtime, a stub in tests. */
export type HttpPut = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ ok: boolean; status: number }>;

/** CloudFormation rejects responses above 4 KB; the reason is the only free-form field. */
const MAX_REASON_LENGTH = 1024;

/**
 * Handles one CloudFormation request and sends the response to its pre-signed URL. The Lambda
 * function is the ServiceToken itself, so it answers CloudFormation directly (see secure-string-provider.ts).
 */
export async function run(event: CloudFormationCustomResourceEvent, clients: Clients, put: HttpPut): Promise<void> {
  const props = event.ResourceProperties as unknown as SecureStringProperties;
  log('request', event, props.Name);
  let response: CloudFormationCustomResourceResponse;
  try {
    const outcome = await handleEvent(event, clients);
    response = {
      Status: 'SUCCESS',
      PhysicalResourceId: outcome.physicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      Data: outcome.data,
    };
  } catch (error) {
    const reason = describeError(error);
    log('failed', event, props.Name, reason);
    response = {
      Status: 'FAILED',
      Reason: reason,
      PhysicalResourceId: failedPhysicalId(event),
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
  }
  await respond(event.ResponseURL, response, put);
}

/** Creates, updates or deletes the parameter. */
export async function handleEvent(event: CloudFormationCustomResourceEvent, clients: Clients): Promise<Outcome> {
  const props = event.ResourceProperties as unknown as SecureStringProperties;
  switch (event.RequestType) {
    case 'Create':
      return create(props, clients);
    case 'Update': {
      const old = event.OldResourceProperties as unknown as SecureStringProperties;
      // A new name is a new parameter: CloudFormation sees the new physical id and deletes the old one.
      return old.Name === props.Name ? update(old, props, clients) : create(props, clients);
    }
    case 'Delete':
      return remove(event.PhysicalResourceId, props, clients.ssm);
  }
}

/** PUTs the response to CloudFormation's pre-signed S3 URL. */
export async function respond(url: string, response: CloudFormationCustomResourceResponse, put: HttpPut): Promise<void> {
  const body = JSON.stringify(response);
  // The URL is signed without a content type, so none is sent.
  const result = await put(url, {
    method: 'PUT',
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  if (!result.ok) {
    throw new Error(`CloudFormation rejected the response with HTTP ${result.status}`);
  }
}

/**
 * A random value from `crypto.randomBytes` (the operating system's CSPRNG). Bytes outside the largest
 * multiple of the alphabet size are dropped, so every character is equally likely.
 */
export function generateValue(length: number, excludeCharacters: string, random: (size: number) => Buffer = randomBytes): string {
  const alphabet = generatorAlphabet(excludeCharacters);
  if (alphabet.length === 0 || length < GENERATED_LENGTH.min || length > GENERATED_LENGTH.max) {
    throw new Error(`Cannot generate ${length} characters from ${alphabet.length} allowed characters`);
  }
  const limit = 256 - (256 % alphabet.length);
  let value = '';
  while (value.length < length) {
    for (const byte of random(length)) {
      if (byte < limit && value.length < length) {
        value += alphabet[byte % alphabet.length];
      }
    }
  }
  return value;
}

/** The secret string, or one top-level field of a JSON secret. */
export async function readSecret(client: SecretsManagerClient, secretId: string, jsonField?: string): Promise<string> {
  const { SecretString: secret } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (secret === undefined) {
    throw new Error(`Secret ${secretId} has no SecretString; binary secrets cannot be copied into a parameter`);
  }
  if (!jsonField) {
    return secret;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    // JSON.parse quotes the text it failed on, so its message must not be passed on.
    throw new Error(`Secret ${secretId} is not JSON, so its field '${jsonField}' cannot be read`);
  }
  const field = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[jsonField] : undefined;
  if (typeof field !== 'string' && typeof field !== 'number' && typeof field !== 'boolean') {
    throw new Error(`Secret ${secretId} has no string field '${jsonField}'`);
  }
  return String(field);
}

/** Replaces every occurrence of a value in a text, so error messages cannot carry it. */
export function redact(text: string, value: string): string {
  return value.length === 0 ? text : text.split(value).join('*****');
}

/** Which tags to add (new or changed) and which keys to remove when tags change. */
export function tagChanges(before: TagProperty[] = [], after: TagProperty[] = []): { add: TagProperty[]; remove: string[] } {
  const old = new Map(before.map((tag) => [tag.Key, tag.Value]));
  const keys = new Set(after.map((tag) => tag.Key));
  return {
    add: after.filter((tag) => old.get(tag.Key) !== tag.Value),
    remove: before.map((tag) => tag.Key).filter((key) => !keys.has(key)),
  };
}

async function create(props: SecureStringProperties, clients: Clients): Promise<Outcome> {
  const value = await newValue(props.Value, clients);
  // Without Overwrite, an existing parameter of the same name makes this fail instead of being taken over.
  return putParameter(clients.ssm, {
    ...parameterAttributes(props),
    Value: value,
    Overwrite: false,
    Tags: props.Tags && props.Tags.length > 0 ? props.Tags : undefined,
  });
}

async function update(old: SecureStringProperties, props: SecureStringProperties, clients: Clients): Promise<Outcome> {
  // A generated value is kept across updates that do not change how it is generated.
  const value = props.Value.Kind === ValueKind.GENERATED && sameSource(old.Value, props.Value)
    ? await currentValue(clients.ssm, props.Name)
    : await newValue(props.Value, clients);
  // PutParameter cannot take tags with Overwrite, and an attribute left out would keep its old value.
  const outcome = await putParameter(clients.ssm, {
    ...parameterAttributes(props),
    Description: props.Description ?? (old.Description ? '' : undefined),
    AllowedPattern: props.AllowedPattern ?? (old.AllowedPattern ? '' : undefined),
    Policies: props.Policies ?? (old.Policies ? '[]' : undefined),
    Value: value,
    Overwrite: true,
  });
  const { add, remove: removed } = tagChanges(old.Tags, props.Tags);
  if (add.length > 0) {
    await clients.ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: props.Name, Tags: add }));
  }
  if (removed.length > 0) {
    await clients.ssm.send(new RemoveTagsFromResourceCommand({ ResourceType: 'Parameter', ResourceId: props.Name, TagKeys: removed }));
  }
  return outcome;
}

async function remove(physicalResourceId: string, props: SecureStringProperties, ssm: SSMClient): Promise<Outcome> {
  const outcome = { physicalResourceId, data: { Version: '' } };
  // A physical id other than the name comes from a create that failed: that name may belong to someone else.
  if (props.Retain === 'true' || physicalResourceId !== props.Name) {
    return outcome;
  }
  try {
    await ssm.send(new DeleteParameterCommand({ Name: props.Name }));
  } catch (error) {
    if (!(error instanceof ParameterNotFound)) {
      throw error;
    }
  }
  return outcome;
}

function parameterAttributes(props: SecureStringProperties): Omit<PutParameterCommandInput, 'Value'> {
  return {
    Name: props.Name,
    Type: 'SecureString',
    KeyId: props.KeyId,
    Tier: props.Tier as PutParameterCommandInput['Tier'],
    Description: props.Description,
    AllowedPattern: props.AllowedPattern,
    Policies: props.Policies,
  };
}

async function putParameter(ssm: SSMClient, input: PutParameterCommandInput & { Value: string }): Promise<Outcome> {
  try {
    const { Version } = await ssm.send(new PutParameterCommand(input));
    return { physicalResourceId: input.Name!, data: { Version: String(Version) } };
  } catch (error) {
    // Validation messages (for example AllowedPattern) must not quote the value.
    const failure = new Error(redact(String((error as Error).message), input.Value));
    failure.name = (error as Error).name;
    throw failure;
  }
}

async function newValue(source: ValueSourceProperties, clients: Clients): Promise<string> {
  switch (source.Kind) {
    case ValueKind.GENERATED:
      return generateValue(Number(source.Length ?? GENERATED_LENGTH.default), source.ExcludeCharacters ?? '');
    case ValueKind.SECRET:
      return readSecret(clients.secretsManager, source.SecretId!, source.JsonField);
    case ValueKind.PLAIN_TEXT:
      return source.PlainText ?? '';
    default:
      throw new Error(`Unknown value source '${String(source.Kind)}'`);
  }
}

async function currentValue(ssm: SSMClient, name: string): Promise<string> {
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  return Parameter?.Value ?? '';
}

function sameSource(a: ValueSourceProperties, b: ValueSourceProperties): boolean {
  return a.Kind === b.Kind && a.Length === b.Length && a.ExcludeCharacters === b.ExcludeCharacters;
}

function failedPhysicalId(event: CloudFormationCustomResourceEvent): string {
  // Never the parameter's name on a failed create: the Delete that follows must not remove a parameter it did not create.
  return event.RequestType === 'Create' ? `${event.LogicalResourceId}-not-created-${event.RequestId}` : event.PhysicalResourceId;
}

function describeError(error: unknown): string {
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  return `${name}: ${message}`.slice(0, MAX_REASON_LENGTH);
}

/** Logs what happened, never the event: its properties may hold a plain-text value and its URL is a credential. */
function log(stage: string, event: CloudFormationCustomResourceEvent, name: string, reason?: string): void {
  const physicalResourceId = event.RequestType === 'Create' ? undefined : event.PhysicalResourceId;
  const { RequestType: requestType, LogicalResourceId: logicalResourceId } = event;
  console.log(JSON.stringify({ stage, requestType, logicalResourceId, physicalResourceId, name, reason }));
}
