import { randomBytes } from 'crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { IamRequest, secretsManagerRequests, ssmRequests, Tag } from './aws-requests';
import { AccessDenied, PoliciesInForce } from './policies-in-force';

export type { Tag } from './aws-requests';

/**
 * A stateful stand-in for the parts of Parameter Store, Secrets Manager and CloudFormation's response
 * URL that the bundled handlers use, served over HTTP on localhost. The handlers run unchanged: their
 * SDK clients reach it through `AWS_ENDPOINT_URL`, so the SDK's own retry, backoff and timeout logic is
 * what gets tested, not a mock of `send`.
 *
 * Every request is authorized first, as AWS does, against the IAM policies in force (`iam`): the
 * service's own action and the KMS calls it makes for the caller (aws-requests.ts). A denied request
 * fails with AccessDeniedException before the service looks at the resource.
 *
 * Both services speak the AWS JSON 1.1 protocol: `POST /` with `X-Amz-Target: <prefix>.<Operation>`,
 * errors as HTTP 400 with `{"__type": "<ErrorCode>", "message": ...}`.
 * @see https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
 */

export interface Parameter {
  name: string;
  value: string;
  version: number;
  keyId: string;
  tier: string;
  description?: string;
  allowedPattern?: string;
  policies?: string;
  tags: Tag[];
  /** Every version written (PutParameter keeps them), oldest first, with its key and labels. */
  history?: ParameterVersion[];
}

export interface ParameterVersion {
  readonly version: number;
  readonly value: string;
  readonly keyId: string;
  labels: string[];
}

export interface SecretVersion {
  value?: string;
  stages: string[];
}

export interface Secret {
  readonly arn: string;
  readonly name: string;
  rotationEnabled: boolean;
  readonly versions: Map<string, SecretVersion>;
  tags: Tag[];
  /** The key that encrypts its values, when its KMS use is to be authorized. */
  keyId?: string;
  /** The function its rotation invokes (`secretsmanager:resource/AllowRotationLambdaArn`). */
  rotationLambdaArn?: string;
}

/** A response CloudFormation received on its pre-signed URL. */
export interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly StackId: string;
}

/** What to do to the next calls of one operation. */
type Fault = { readonly kind: 'throttle' } | { readonly kind: 'error'; readonly type: string } | { readonly kind: 'hang' };

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';

/** The server's unique base of the response URL: a PUT to anything else is a 404. */
const RESPONSE_PATH = '/cloudformation-response/';

class AwsError extends Error {
  constructor(public readonly type: string, message: string) {
    super(message);
  }
}

export class FakeAws {
  public readonly parameters = new Map<string, Parameter>();
  public readonly secrets = new Map<string, Secret>();
  /** Every response PUT CloudFormation accepted, by request id. */
  public readonly responses = new Map<string, CfnResponse[]>();
  /** Every SDK call, as `Operation`, in order (including throttled attempts). */
  public readonly calls: string[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private responseFailures = 0;
  private server?: Server;
  /** Calls not answered, until the client closes the connection. */
  private readonly hung = new Set<ServerResponse>();

  /** @param iam the policies every request is authorized against */
  constructor(public readonly iam: PoliciesInForce) {}

  /** Forgets every parameter, secret, response, fault and recorded denial (not the policies), for the next test. */
  public reset(): void {
    this.iam.denials.length = 0;
    this.parameters.clear();
    this.secrets.clear();
    this.responses.clear();
    this.faults.clear();
    this.calls.length = 0;
    this.responseFailures = 0;
  }

  /** Starts the server and points the SDK (and the handlers' clients) at it. */
  public async start(): Promise<void> {
    this.server = createServer((request, response) => void this.serve(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: this.url,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake',
      AWS_SESSION_TOKEN: 'fake',
    });
  }

  /**
   * Answers every call still hung with an error the SDK does not retry, then closes the server. A call the
   * handler abandoned at its deadline thus ends with the test: destroyed, it would be retried against a
   * closed port, outliving its test file (the jest worker could not exit). An attempt the client gave up
   * on (its requestTimeout) has closed its connection and left the list.
   */
  public async stop(): Promise<void> {
    await Promise.all([...this.hung].map((response) => new Promise<void>((resolve) => {
      // The server closes this connection once the answer is sent, so the client reads all of it first.
      response.once('close', resolve).setHeader('connection', 'close');
      answerError(response, 'FakeAwsStopped', 'the test ended before this call was answered');
    })));
    // Keep-alive sockets of the SDK clients would hold the server (and Jest) open.
    this.server!.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    // The client reads those answers in the event loop's next poll phase, before this check-phase callback:
    // the abandoned call has its answer (and its timers are cleared) before the test file ends.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** A pre-signed response URL for one request. */
  public responseUrl(requestId: string): string {
    return `${this.url}${RESPONSE_PATH}${encodeURIComponent(requestId)}`;
  }

  /** The next `count` calls of `operation` fail as Parameter Store and KMS do under load. */
  public throttle(operation: string, count: number): void {
    this.inject(operation, Array.from({ length: count }, () => ({ kind: 'throttle' as const })));
  }

  /** Forgets the faults not yet used. */
  public clearFaults(): void {
    this.faults.clear();
  }

  /** The next call of `operation` fails once with the error `type`. */
  public failOnce(operation: string, type: string): void {
    this.inject(operation, [{ kind: 'error', type }]);
  }

  /** The next call of `operation` never answers. */
  public hangOnce(operation: string): void {
    this.inject(operation, [{ kind: 'hang' }]);
  }

  /** The next `count` response PUTs get HTTP 503, as S3 answers when it is overloaded. */
  public failResponses(count: number): void {
    this.responseFailures += count;
  }

  public callCount(operation: string): number {
    return this.calls.filter((call) => call === operation).length;
  }

  /** A secret as CreateSecret leaves it: one AWSCURRENT version. */
  public addSecret(name: string, value: string, tags: Tag[] = []): Secret {
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${randomBytes(3).toString('hex')}`;
    const secret: Secret = { arn, name, rotationEnabled: true, versions: new Map([['initial', { value, stages: ['AWSCURRENT'] }]]), tags };
    this.secrets.set(arn, secret);
    return secret;
  }

  private inject(operation: string, faults: Fault[]): void {
    this.faults.set(operation, [...(this.faults.get(operation) ?? []), ...faults]);
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    if (request.method === 'PUT' && request.url?.startsWith(RESPONSE_PATH)) {
      return this.receiveResponse(decodeURIComponent(request.url.slice(RESPONSE_PATH.length)), body, response);
    }
    const [prefix, operation] = String(request.headers['x-amz-target']).split('.');
    this.calls.push(operation);
    const fault = this.faults.get(operation)?.shift();
    if (fault?.kind === 'hang') {
      this.hung.add(response);
      response.once('close', () => this.hung.delete(response));
      return;
    }
    try {
      if (fault?.kind === 'throttle') {
        throw new AwsError('ThrottlingException', 'Rate exceeded');
      }
      if (fault?.kind === 'error') {
        throw new AwsError(fault.type, `injected ${fault.type}`);
      }
      const input = JSON.parse(body || '{}');
      await this.authorize(this.requestsOf(prefix, operation, input));
      const output = prefix === 'AmazonSSM' ? this.ssm(operation, input) : this.secretsManager(operation, input);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(output));
    } catch (error) {
      const { type, message } = error instanceof AwsError ? error : { type: 'InternalServerError', message: String(error) };
      answerError(response, type, message);
    }
  }

  private requestsOf(prefix: string, operation: string, input: any): IamRequest[] {
    const env = { account: ACCOUNT, region: REGION };
    if (prefix === 'AmazonSSM') {
      const [, name, selector] = /^(.*?)(?::([^/:]+))?$/.exec(String(input.Name ?? input.ResourceId))!;
      const parameter = this.parameters.get(name);
      // A selected version is decrypted under the key it was written with.
      const selected = parameter?.history?.find((candidate) => String(candidate.version) === selector || candidate.labels.includes(selector!));
      return ssmRequests(env, operation, input, parameter && { tags: parameter.tags, keyId: selected?.keyId ?? parameter.keyId });
    }
    return secretsManagerRequests(env, operation, input, this.findSecret(input.SecretId));
  }

  private async authorize(requests: IamRequest[]): Promise<void> {
    try {
      await this.iam.authorize(requests);
    } catch (error) {
      throw error instanceof AccessDenied ? new AwsError(error.type, error.message) : error;
    }
  }

  private findSecret(secretId: unknown): Secret | undefined {
    return [...this.secrets.values()].find((candidate) => candidate.arn === secretId || candidate.name === secretId);
  }

  private receiveResponse(requestId: string, body: string, response: ServerResponse): void {
    if (this.responseFailures > 0) {
      this.responseFailures--;
      response.writeHead(503).end('Slow Down');
      return;
    }
    this.responses.set(requestId, [...(this.responses.get(requestId) ?? []), JSON.parse(body)]);
    response.writeHead(200).end();
  }

  /** @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html */
  private ssm(operation: string, input: any): unknown {
    // `name:version` and `name:label` select a version of GetParameter.
    const [, name, selector] = /^(.*?)(?::([^/:]+))?$/.exec(String(input.Name ?? input.ResourceId))!;
    const existing = this.parameters.get(name);
    const required = () => {
      if (!existing) {
        // The tagging API names a missing resource differently from the parameter API.
        throw input.ResourceId === undefined
          ? new AwsError('ParameterNotFound', `Parameter ${input.Name} not found.`)
          : new AwsError('InvalidResourceId', 'The resource ID is not valid. Verify that you entered the correct ID and try again.');
      }
      return existing;
    };
    switch (operation) {
      case 'PutParameter': {
        if (existing && !input.Overwrite) {
          throw new AwsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
        }
        if (existing && input.Tags) {
          throw new AwsError('ValidationException', 'Invalid request: tags and overwrite can\'t be used together.');
        }
        if (existing?.tier === 'Advanced' && input.Tier === 'Standard') {
          throw new AwsError('ValidationException', 'This parameter uses the advanced-parameter tier. You can\'t downgrade a parameter from the advanced-parameter tier to the standard-parameter tier.');
        }
        const parameter: Parameter = {
          name: input.Name,
          value: input.Value,
          version: (existing?.version ?? 0) + 1,
          keyId: input.KeyId,
          tier: input.Tier ?? existing?.tier ?? 'Standard',
          // An attribute left out keeps its value; an empty one removes it.
          description: input.Description ?? existing?.description,
          allowedPattern: input.AllowedPattern ?? existing?.allowedPattern,
          policies: input.Policies ?? existing?.policies,
          tags: existing?.tags ?? input.Tags ?? [],
        };
        parameter.history = [...existing?.history ?? [], { version: parameter.version, value: parameter.value, keyId: parameter.keyId, labels: [] }];
        this.parameters.set(input.Name, parameter);
        return { Version: parameter.version, Tier: parameter.tier };
      }
      case 'GetParameter': {
        const parameter = required();
        const version = selector === undefined
          ? parameter
          : parameter.history?.find((candidate) => String(candidate.version) === selector || candidate.labels.includes(selector));
        if (!version) {
          throw new AwsError('ParameterVersionNotFound', `Systems Manager could not find version ${selector} of ${name}.`);
        }
        return { Parameter: { Name: parameter.name, Type: 'SecureString', Value: version.value, Version: version.version, Selector: selector && `:${selector}` } };
      }
      case 'GetParameterHistory': {
        // One page, without values: what the handler reads of it.
        const parameter = required();
        const versions = parameter.history ?? [];
        return { Parameters: versions.map((entry) => ({ Name: parameter.name, Version: entry.version, KeyId: entry.keyId, Labels: entry.labels })) };
      }
      case 'LabelParameterVersion': {
        const parameter = required();
        const target = parameter.history?.find((candidate) => candidate.version === (input.ParameterVersion ?? parameter.version));
        if (!target) {
          throw new AwsError('ParameterVersionNotFound', `Systems Manager could not find version ${input.ParameterVersion} of ${name}.`);
        }
        // A label moves from the version that had it.
        parameter.history!.forEach((candidate) => candidate.labels = candidate.labels.filter((label) => !input.Labels.includes(label)));
        target.labels.push(...input.Labels);
        return { InvalidLabels: [], ParameterVersion: target.version };
      }
      case 'DeleteParameter':
        required();
        this.parameters.delete(input.Name);
        return {};
      case 'ListTagsForResource':
        return { TagList: required().tags };
      case 'AddTagsToResource': {
        const parameter = required();
        const keys = new Set(input.Tags.map((tag: Tag) => tag.Key));
        parameter.tags = [...parameter.tags.filter((tag) => !keys.has(tag.Key)), ...input.Tags];
        return {};
      }
      case 'RemoveTagsFromResource': {
        const parameter = required();
        parameter.tags = parameter.tags.filter((tag) => !input.TagKeys.includes(tag.Key));
        return {};
      }
      default:
        throw new AwsError('InvalidAction', `The fake does not implement ${operation}`);
    }
  }

  /** @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html */
  private secretsManager(operation: string, input: any): unknown {
    if (operation === 'GetRandomPassword') {
      return { RandomPassword: randomPassword(input) };
    }
    const secret = this.findSecret(input.SecretId);
    if (!secret) {
      throw new AwsError('ResourceNotFoundException', 'Secrets Manager can\'t find the specified secret.');
    }
    switch (operation) {
      case 'DescribeSecret':
        return {
          ARN: secret.arn,
          Name: secret.name,
          RotationEnabled: secret.rotationEnabled,
          VersionIdsToStages: Object.fromEntries([...secret.versions].map(([id, version]) => [id, version.stages])),
          Tags: secret.tags,
        };
      case 'GetSecretValue': {
        const match = [...secret.versions].find(([id, version]) =>
          (input.VersionId === undefined || input.VersionId === id) &&
          version.stages.includes(input.VersionStage ?? 'AWSCURRENT') &&
          version.value !== undefined);
        if (!match) {
          throw new AwsError('ResourceNotFoundException', 'Secrets Manager can\'t find the specified secret value.');
        }
        return { ARN: secret.arn, Name: secret.name, VersionId: match[0], SecretString: match[1].value, VersionStages: match[1].stages };
      }
      case 'PutSecretValue': {
        const existing = secret.versions.get(input.ClientRequestToken);
        if (existing?.value !== undefined && existing.value !== input.SecretString) {
          throw new AwsError('ResourceExistsException', 'A resource with the ID you requested already exists.');
        }
        for (const stage of input.VersionStages) {
          removeStage(secret, stage);
        }
        secret.versions.set(input.ClientRequestToken, { value: input.SecretString, stages: [...input.VersionStages] });
        return { ARN: secret.arn, VersionId: input.ClientRequestToken };
      }
      case 'UpdateSecretVersionStage': {
        const from = secret.versions.get(input.RemoveFromVersionId);
        if (!from?.stages.includes(input.VersionStage)) {
          throw new AwsError('InvalidParameterException', 'The staging label is not attached to RemoveFromVersionId.');
        }
        removeStage(secret, 'AWSPREVIOUS');
        from.stages = [...from.stages.filter((stage) => stage !== input.VersionStage), 'AWSPREVIOUS'];
        const to = secret.versions.get(input.MoveToVersionId)!;
        to.stages = [...to.stages.filter((stage) => stage !== 'AWSPENDING'), input.VersionStage];
        return { ARN: secret.arn };
      }
      default:
        throw new AwsError('InvalidAction', `The fake does not implement ${operation}`);
    }
  }
}

/**
 * The fake of one test file, with policies yet to be put in force: started before the file's tests,
 * stopped after them, and reset before each.
 */
export function fakeAwsForThisFile(): FakeAws {
  const aws = new FakeAws(new PoliciesInForce());
  beforeAll(() => aws.start());
  afterAll(() => aws.stop());
  beforeEach(() => aws.reset());
  return aws;
}

/** Detaches a staging label from whichever version holds it. */
export function removeStage(secret: Secret, stage: string): void {
  for (const version of secret.versions.values()) {
    version.stages = version.stages.filter((label) => label !== stage);
  }
}

const CLASSES = {
  ExcludeLowercase: 'abcdefghijklmnopqrstuvwxyz',
  ExcludeUppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ExcludeNumbers: '0123456789',
  ExcludePunctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
} as const;

/**
 * GetRandomPassword as documented: 32 characters by default, from the classes not excluded, one of each
 * when RequireEachIncludedType (the default).
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
 */
function randomPassword(input: any): string {
  const exclude = String(input.ExcludeCharacters ?? '');
  const classes = Object.entries(CLASSES)
    .filter(([option]) => !input[option])
    .map(([, characters]) => [...characters].filter((character) => !exclude.includes(character)).join(''))
    .filter((characters) => characters.length > 0);
  if (input.IncludeSpace) {
    classes.push(' ');
  }
  const length = input.PasswordLength ?? 32;
  const pick = (characters: string) => characters[randomBytes(1)[0] % characters.length];
  const alphabet = classes.join('');
  const required = input.RequireEachIncludedType === false ? [] : classes.map(pick);
  return [...required, ...Array.from({ length: length - required.length }, () => pick(alphabet))].join('');
}

/** An AWS JSON 1.1 error: HTTP 400 with the error code as `__type`. */
function answerError(response: ServerResponse, type: string, message: string): void {
  response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: type, message }));
}
