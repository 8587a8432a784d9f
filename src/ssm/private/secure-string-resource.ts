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
  ListTagsForResourceCommand,
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
  OWNER_TAG_KEYS,
  STANDARD_TIER_MAX_VALUE_BYTES,
  SecureStringProperties,
  TagProperty,
  ValueKind,
  ValueSourceProperties,
  generatorAlphabet,
} from './secure-string-contract';
import { backoffMillis, sleep } from '../../private/handler-runtime';

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

/** The stack and resource a request comes from, as the ownership tags record them. */
export interface Owner {
  readonly stackId: string;
  readonly logicalId: string;
}

/** Sends an HTTP request; `fetch` in the Lambda runtime, a stub in tests. */
export type HttpPut = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number }>;

/**
 * A failure the handler itself detects (bad input, a parameter it does not own): the reason is the
 * message alone, naming the property and never a value.
 */
export class RequestFailure extends Error {
  public override readonly name = 'RequestFailure';
}

/** CloudFormation rejects responses above 4 KB; the reason is the only free-form field. */
const MAX_REASON_LENGTH = 1024;

/**
 * The answer must reach CloudFormation before Lambda ends the invocation: with this much time left the
 * handler stops waiting and sends FAILED, leaving room for the response PUT and its retries.
 */
export const ANSWER_MARGIN_MILLIS = 20_000;

/**
 * The response PUT to S3 is retried with backoff inside the invocation: 4 attempts of at most 4 s, with
 * waits below 0.5, 1 and 2 s, end within the margin above.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
export const RESPONSE_ATTEMPTS = 4;
const RESPONSE_TIMEOUT_MILLIS = 4_000;

/**
 * Handles one CloudFormation request and sends the response to its pre-signed URL. The Lambda
 * function is the ServiceToken itself, so it answers CloudFormation directly (see secure-string-provider.ts).
 * If even the retried PUT fails, the invocation fails and Lambda retries it; the retry finds the
 * parameter tagged as this resource's and succeeds with the same physical id.
 */
export async function run(
  event: CloudFormationCustomResourceEvent,
  clients: Clients,
  put: HttpPut,
  remainingMillis: number,
  wait: (millis: number) => Promise<void> = sleep,
): Promise<void> {
  const name = (event.ResourceProperties as Partial<SecureStringProperties> | undefined)?.Name;
  log('request', event, name);
  let response: CloudFormationCustomResourceResponse;
  try {
    const outcome = await beforeDeadline(handleEvent(event, clients), remainingMillis - ANSWER_MARGIN_MILLIS);
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
    log('failed', event, name, reason);
    response = {
      Status: 'FAILED',
      Reason: reason,
      PhysicalResourceId: failedPhysicalId(event),
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
  }
  await respond(event.ResponseURL, response, put, wait);
}

/** Creates, updates or deletes the parameter. */
export async function handleEvent(event: CloudFormationCustomResourceEvent, clients: Clients): Promise<Outcome> {
  const owner = { stackId: event.StackId, logicalId: event.LogicalResourceId };
  switch (event.RequestType) {
    case 'Create':
      return create(checkedProperties(event.ResourceProperties), owner, clients);
    case 'Update': {
      const props = checkedProperties(event.ResourceProperties);
      const old = event.OldResourceProperties as unknown as SecureStringProperties;
      return old.Name === props.Name ? update(old, props, owner, clients) : rename(props, owner, clients);
    }
    case 'Delete':
      return remove(event.PhysicalResourceId, event.ResourceProperties as unknown as SecureStringProperties, owner, clients.ssm);
    default:
      throw new RequestFailure(`Unknown RequestType '${String((event as { RequestType: unknown }).RequestType)}'`);
  }
}

/** PUTs the response to CloudFormation's pre-signed S3 URL, retrying with backoff. */
export async function respond(
  url: string,
  response: CloudFormationCustomResourceResponse,
  put: HttpPut,
  wait: (millis: number) => Promise<void> = sleep,
): Promise<void> {
  const body = JSON.stringify(response);
  let failure = '';
  for (let attempt = 1; attempt <= RESPONSE_ATTEMPTS; attempt++) {
    try {
      // The URL is signed without a content type, so none is sent.
      const result = await put(url, {
        method: 'PUT',
        headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
        body,
        signal: AbortSignal.timeout(RESPONSE_TIMEOUT_MILLIS),
      });
      if (result.ok) {
        return;
      }
      failure = `HTTP ${result.status}`;
    } catch (error) {
      failure = (error as Error).name;
    }
    if (attempt < RESPONSE_ATTEMPTS) {
      await wait(backoffMillis(attempt - 1));
    }
  }
  throw new Error(`CloudFormation did not accept the response after ${RESPONSE_ATTEMPTS} attempts (last: ${failure})`);
}

/**
 * The properties of a Create or Update, checked before anything is called: a malformed template or a
 * hand-written custom resource fails with the property named.
 */
export function checkedProperties(raw: unknown): SecureStringProperties {
  const props = (raw ?? {}) as Record<string, any>;
  for (const key of ['Name', 'KeyId']) {
    if (typeof props[key] !== 'string' || props[key] === '') {
      throw new RequestFailure(`Property ${key} is missing or not a string`);
    }
  }
  const source = props.Value as Partial<ValueSourceProperties> | undefined;
  if (typeof source !== 'object' || source === null) {
    throw new RequestFailure('Property Value is missing or not an object');
  }
  switch (source.Kind) {
    case ValueKind.GENERATED: {
      const length = Number(source.Length ?? GENERATED_LENGTH.default);
      if (!Number.isInteger(length) || length < GENERATED_LENGTH.min || length > GENERATED_LENGTH.max) {
        throw new RequestFailure(`Property Value.Length must be a whole number from ${GENERATED_LENGTH.min} to ${GENERATED_LENGTH.max}`);
      }
      if (generatorAlphabet(source.ExcludeCharacters ?? '').length === 0) {
        throw new RequestFailure('Property Value.ExcludeCharacters leaves no character to generate a value from');
      }
      break;
    }
    case ValueKind.SECRET:
      if (typeof source.SecretId !== 'string' || source.SecretId === '') {
        throw new RequestFailure('Property Value.SecretId is missing or not a string');
      }
      break;
    case ValueKind.PLAIN_TEXT:
      if (typeof source.PlainText !== 'string') {
        throw new RequestFailure('Property Value.PlainText is missing or not a string');
      }
      break;
    default:
      throw new RequestFailure(`Property Value.Kind is unknown: '${String(source.Kind)}'`);
  }
  return props as SecureStringProperties;
}

/**
 * Who a parameter belongs to, from its ownership tags: this resource, another resource of this stack
 * (`sibling`), another stack or no one known (`foreign`), no one because it was created before the tags
 * existed (`untagged`), or nobody (`absent`).
 */
export type Ownership =
  | { readonly kind: 'ours' | 'foreign' | 'untagged' | 'absent' }
  | { readonly kind: 'sibling'; readonly logicalId: string };

/**
 * Reads the ownership tags of a parameter. A name the template no longer lists is readable only when it
 * carries this stack's tag (statements.ts), so there a refusal means the parameter is not provably ours.
 */
export async function ownership(ssm: SSMClient, name: string, owner: Owner): Promise<Ownership> {
  let tags: TagProperty[];
  try {
    const { TagList } = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }));
    tags = (TagList ?? []) as TagProperty[];
  } catch (error) {
    if (['InvalidResourceId', 'ParameterNotFound'].includes((error as Error).name)) {
      return { kind: 'absent' };
    }
    throw error;
  }
  const tag = (key: string) => tags.find((candidate) => candidate.Key === key)?.Value;
  const [stackId, logicalId] = [tag(OWNER_TAG_KEYS.stackId), tag(OWNER_TAG_KEYS.logicalId)];
  if (stackId === undefined) {
    return { kind: 'untagged' };
  }
  if (stackId !== owner.stackId) {
    return { kind: 'foreign' };
  }
  return logicalId === owner.logicalId ? { kind: 'ours' } : { kind: 'sibling', logicalId: String(logicalId) };
}

/** Why a parameter that is not this resource's cannot be taken over. */
function notOursReason(name: string, owned: Ownership): string {
  return owned.kind === 'sibling'
    ? `parameter ${name} already exists and was created by another resource of this stack (${owned.logicalId})`
    : `parameter ${name} already exists and was not created by this stack`;
}

/** The ownership tags of parameters created for `owner`. */
export function ownerTags(owner: Owner): TagProperty[] {
  return [
    { Key: OWNER_TAG_KEYS.stackId, Value: owner.stackId },
    { Key: OWNER_TAG_KEYS.logicalId, Value: owner.logicalId },
  ];
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
  let secret: string | undefined;
  try {
    ({ SecretString: secret } = await client.send(new GetSecretValueCommand({ SecretId: secretId })));
  } catch (error) {
    throw awsFailure(error, `Property Value.SecretId: secret ${secretId} cannot be read`);
  }
  if (secret === undefined) {
    throw new RequestFailure(`Property Value.SecretId: secret ${secretId} has no SecretString; binary secrets cannot be copied into a parameter`);
  }
  if (!jsonField) {
    return secret;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    // JSON.parse quotes the text it failed on, so its message must not be passed on.
    throw new RequestFailure(`Property Value.JsonField: secret ${secretId} is not JSON, so its field '${jsonField}' cannot be read`);
  }
  const field = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[jsonField] : undefined;
  if (typeof field !== 'string' && typeof field !== 'number' && typeof field !== 'boolean') {
    throw new RequestFailure(`Property Value.JsonField: secret ${secretId} has no string field '${jsonField}'`);
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

/**
 * Creates the parameter, tagged with its owner. Without Overwrite, a taken name fails instead of being
 * taken over; the handler then adopts the parameter only if the tags say this resource created it.
 */
async function create(props: SecureStringProperties, owner: Owner, clients: Clients): Promise<Outcome> {
  const value = await newValue(props.Value, clients);
  try {
    return await putParameter(clients.ssm, {
      ...parameterAttributes(props),
      Value: value,
      Overwrite: false,
      Tags: [...(props.Tags ?? []), ...ownerTags(owner)],
    });
  } catch (error) {
    if ((error as Error).name !== 'ParameterAlreadyExists') {
      throw error;
    }
  }
  const owned = await ownership(clients.ssm, props.Name, owner);
  if (owned.kind !== 'ours') {
    throw new RequestFailure(notOursReason(props.Name, owned));
  }
  // A retried or duplicated Create, or a rollback to a name this resource still holds: the parameter is
  // brought in line with the template, keeping a generated value.
  const kept = props.Value.Kind === ValueKind.GENERATED ? await currentValue(clients.ssm, props.Name) : value;
  return overwrite(props, kept, undefined, clients.ssm);
}

async function update(old: SecureStringProperties, props: SecureStringProperties, owner: Owner, clients: Clients): Promise<Outcome> {
  const owned = await ownership(clients.ssm, props.Name, owner);
  if (owned.kind === 'foreign' || owned.kind === 'sibling') {
    throw new RequestFailure(`parameter ${props.Name} was not created by this stack`);
  }
  if (owned.kind === 'absent') {
    // Deleted outside CloudFormation: created again, as the template describes it.
    return create(props, owner, clients);
  }
  // A generated value is kept across updates that do not change how it is generated. It is read under
  // the old key, which the handler's role may still use for decryption (statements.ts).
  const value = props.Value.Kind === ValueKind.GENERATED && sameSource(old.Value, props.Value)
    ? await currentValue(clients.ssm, props.Name)
    : await newValue(props.Value, clients);
  if (old.Tier === 'Advanced' && props.Tier === 'Standard') {
    return recreateAsStandard(props, value, owner, clients.ssm);
  }
  const outcome = await overwrite(props, value, old, clients.ssm);
  const { add, remove: removed } = tagChanges(old.Tags, props.Tags);
  // Parameters created before the ownership tags get them on their next update.
  const tags = owned.kind === 'untagged' ? [...add, ...ownerTags(owner)] : add;
  if (tags.length > 0) {
    await clients.ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: props.Name, Tags: tags }));
  }
  if (removed.length > 0) {
    await clients.ssm.send(new RemoveTagsFromResourceCommand({ ResourceType: 'Parameter', ResourceId: props.Name, TagKeys: removed }));
  }
  return outcome;
}

/**
 * A new name is a new parameter: it is created here and its name answered as the new physical id, so
 * CloudFormation treats the change as a replacement. The old parameter is left alone: CloudFormation
 * deletes it in the cleanup phase (a Delete of the old physical id), and if the stack rolls back it keeps
 * the old parameter and deletes the new one instead. Neither needs the handler to reach a name the
 * policies in force no longer list, except through the ownership tag (statements.ts).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html
 */
function rename(props: SecureStringProperties, owner: Owner, clients: Clients): Promise<Outcome> {
  return create(props, owner, clients);
}

/**
 * Writes every attribute of the template over the parameter. PutParameter cannot take tags with
 * Overwrite, and an attribute left out would keep its old value, so removed ones are cleared; with no
 * old properties (an adopted parameter) every absent one is.
 */
function overwrite(props: SecureStringProperties, value: string, old: SecureStringProperties | undefined, ssm: SSMClient): Promise<Outcome> {
  const clear = (key: 'Description' | 'AllowedPattern' | 'Policies', empty: string) =>
    props[key] ?? (old === undefined || old[key] ? empty : undefined);
  return putParameter(ssm, {
    ...parameterAttributes(props),
    Description: clear('Description', ''),
    AllowedPattern: clear('AllowedPattern', ''),
    Policies: clear('Policies', '[]'),
    Value: value,
    Overwrite: true,
  });
}

/** Parameter Store never moves a parameter down to Standard in place: it is deleted and created again. */
async function recreateAsStandard(props: SecureStringProperties, value: string, owner: Owner, ssm: SSMClient): Promise<Outcome> {
  if (props.Policies || Buffer.byteLength(value) > STANDARD_TIER_MAX_VALUE_BYTES) {
    throw new RequestFailure(
      `Property Tier cannot change from Advanced to Standard: the parameter has policies or a value above ${STANDARD_TIER_MAX_VALUE_BYTES} bytes, which need the advanced tier`,
    );
  }
  await ssm.send(new DeleteParameterCommand({ Name: props.Name }));
  return putParameter(ssm, { ...parameterAttributes(props), Value: value, Overwrite: false, Tags: [...(props.Tags ?? []), ...ownerTags(owner)] });
}

async function remove(physicalResourceId: string, props: Partial<SecureStringProperties>, owner: Owner, ssm: SSMClient): Promise<Outcome> {
  const outcome = { physicalResourceId, data: { Version: '' } };
  // A physical id other than the name comes from a create that failed: that name may belong to someone else.
  if (props.Retain === 'true' || physicalResourceId !== props.Name) {
    return outcome;
  }
  const owned = await deletableOwnership(ssm, props.Name, owner);
  if (owned !== 'ours' && owned !== 'untagged') {
    log('kept', { RequestType: 'Delete', PhysicalResourceId: physicalResourceId, LogicalResourceId: owner.logicalId }, props.Name, `parameter is ${owned}`);
    return outcome;
  }
  try {
    await ssm.send(new DeleteParameterCommand({ Name: props.Name }));
  } catch (error) {
    if ((error as Error).name !== 'ParameterNotFound') {
      throw error;
    }
  }
  return outcome;
}

/**
 * Ownership as a Delete sees it. The cleanup Delete of a renamed or removed parameter, and the rollback's
 * Delete of a new one, run under policies that do not list its name: only this stack's tag lets the
 * handler read and delete it, so a refusal means it is not provably this stack's and it is kept.
 */
async function deletableOwnership(ssm: SSMClient, name: string, owner: Owner): Promise<Ownership['kind'] | 'not readable'> {
  try {
    return (await ownership(ssm, name, owner)).kind;
  } catch (error) {
    if ((error as Error).name === 'AccessDeniedException') {
      return 'not readable';
    }
    throw error;
  }
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
    if (isKeyDenied(error)) {
      throw awsFailure(error, keyDeniedReason(input.KeyId!));
    }
    // Validation messages (for example AllowedPattern) must not quote the value.
    throw awsFailure(error, redact(String((error as Error).message), input.Value));
  }
}

async function newValue(source: ValueSourceProperties, clients: Clients): Promise<string> {
  switch (source.Kind) {
    case ValueKind.GENERATED:
      return generateValue(Number(source.Length ?? GENERATED_LENGTH.default), source.ExcludeCharacters ?? '');
    case ValueKind.SECRET:
      return readSecret(clients.secretsManager, source.SecretId!, source.JsonField);
    default:
      return source.PlainText ?? '';
  }
}

/** The stored value, decrypted under whatever key encrypts it now. */
async function currentValue(ssm: SSMClient, name: string): Promise<string> {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return Parameter?.Value ?? '';
  } catch (error) {
    throw isKeyDenied(error) ? awsFailure(error, `Property KeyId: the handler may not decrypt parameter ${name} with the key that encrypts it now`) : error;
  }
}

function sameSource(a: ValueSourceProperties, b: ValueSourceProperties): boolean {
  return a.Kind === b.Kind && a.Length === b.Length && a.ExcludeCharacters === b.ExcludeCharacters;
}

/** Parameter Store passes on KMS's refusal as AccessDeniedException, or InvalidKeyId for a key it cannot use. */
function isKeyDenied(error: unknown): boolean {
  const { name, message } = error as Error;
  return name === 'InvalidKeyId' || (name === 'AccessDeniedException' && /kms/i.test(String(message)));
}

function keyDeniedReason(keyId: string): string {
  return `Property KeyId: the handler may not use key ${keyId} through Parameter Store (kms:Encrypt / kms:Decrypt)`;
}

/** An AWS error with a message of ours, keeping the error's name (its code) for the reason. */
function awsFailure(error: unknown, message: string): Error {
  const failure = new Error(message);
  failure.name = (error as Error).name;
  return failure;
}

/** Resolves with `work`, or rejects with a TimeoutError once `millis` have passed. */
async function beforeDeadline<T>(work: Promise<T>, millis: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`the function's time was nearly up (${ANSWER_MARGIN_MILLIS / 1000} s left) before AWS answered; the request can be retried`);
      error.name = 'TimeoutError';
      reject(error);
    }, Math.max(0, millis));
  });
  // The abandoned work may still fail; that must not become an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function failedPhysicalId(event: CloudFormationCustomResourceEvent): string {
  // Never the parameter's name on a failed create: the Delete that follows must not remove a parameter it did not create.
  return 'PhysicalResourceId' in event ? event.PhysicalResourceId : `${event.LogicalResourceId}-not-created-${event.RequestId}`;
}

function describeError(error: unknown): string {
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  return (error instanceof RequestFailure ? message : `${name}: ${message}`).slice(0, MAX_REASON_LENGTH);
}

/** Logs what happened, never the event: its properties may hold a plain-text value and its URL is a credential. */
function log(
  stage: string,
  event: Pick<CloudFormationCustomResourceEvent, 'RequestType' | 'LogicalResourceId'> & { PhysicalResourceId?: string },
  name: unknown,
  reason?: string,
): void {
  const { RequestType: requestType, LogicalResourceId: logicalResourceId, PhysicalResourceId: physicalResourceId } = event;
  console.log(JSON.stringify({ stage, requestType, logicalResourceId, physicalResourceId, name, reason }));
}
