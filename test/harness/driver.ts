import { existsSync } from 'fs';
import * as path from 'path';
import { ACCOUNT, CfnResponse, FakeAws, REGION } from './fake-aws';

/** A bundled Lambda entry point, as the runtime calls it. */
export type Handler = (event: any, context: LambdaContext) => Promise<unknown>;

/** The part of the Lambda context the handlers read. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/**
 * Loads a handler from `assets/` (what `npx projen bundle` writes and the package ships), in a fresh
 * module registry so its SDK clients are built with the environment the test set.
 */
export function loadBundledHandler(asset: string): Handler {
  const file = path.join(__dirname, '..', '..', 'assets', asset, 'index.js');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`npx projen bundle\` (npm test does) before the harness.`);
  }
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = require(file).handler;
  });
  return handler!;
}

/** The id of a stack named `HarnessStack`, as test/util/intrinsics.ts resolves `AWS::StackId`. */
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/HarnessStack/1c2fa620-982a-11e3-aff7-50e2416294e0`;

/** Lambda retries a failed asynchronous invocation twice. */
const ASYNC_ATTEMPTS = 3;

/**
 * Plays CloudFormation for one custom resource: sends requests as CloudFormation does (a pre-signed
 * response URL, unique request ids, old properties on Update) and invokes the handler as Lambda invokes an
 * asynchronous ServiceToken, including Lambda's retries when the invocation fails.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
export class CloudFormationDriver {
  private requests = 0;
  /** How many times the handler was invoked for the last request. */
  public invocations = 0;

  constructor(
    private readonly aws: FakeAws,
    private readonly handler: Handler,
    private readonly logicalId = 'Parameter',
    /** The function's timeout. */
    private readonly timeoutMillis = 120_000,
  ) {}

  public create(properties: object): Promise<CfnResponse> {
    return this.send({ RequestType: 'Create', ResourceProperties: properties });
  }

  public update(physicalResourceId: string, properties: object, oldProperties: object): Promise<CfnResponse> {
    return this.send({ RequestType: 'Update', PhysicalResourceId: physicalResourceId, ResourceProperties: properties, OldResourceProperties: oldProperties });
  }

  public delete(physicalResourceId: string, properties: object): Promise<CfnResponse> {
    return this.send({ RequestType: 'Delete', PhysicalResourceId: physicalResourceId, ResourceProperties: properties });
  }

  /**
   * Delivers one request (again, for `duplicate`: CloudFormation and Lambda deliver at least once) and
   * returns the first response CloudFormation accepted: later ones for the same request are ignored.
   */
  public async send(request: Record<string, unknown>, options: { duplicate?: boolean } = {}): Promise<CfnResponse> {
    const requestId = `request-${++this.requests}`;
    const event = {
      ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:handler`,
      ResponseURL: this.aws.responseUrl(requestId),
      StackId: STACK_ID,
      RequestId: requestId,
      LogicalResourceId: this.logicalId,
      ResourceType: 'Custom::SecureStringParameter',
      ...request,
    };
    this.invocations = 0;
    for (let delivery = 0; delivery < (options.duplicate ? 2 : 1); delivery++) {
      await this.invokeAsync(event);
    }
    const [first] = this.aws.responses.get(requestId) ?? [];
    if (!first) {
      throw new Error(`The handler never answered ${request.RequestType} ${requestId}: CloudFormation would wait for ServiceTimeout.`);
    }
    return first;
  }

  private async invokeAsync(event: object): Promise<void> {
    for (let attempt = 0; attempt < ASYNC_ATTEMPTS; attempt++) {
      this.invocations++;
      const deadline = Date.now() + this.timeoutMillis;
      const context: LambdaContext = { getRemainingTimeInMillis: () => deadline - Date.now() };
      try {
        await withTimeout(this.handler(event, context), this.timeoutMillis);
        return;
      } catch {
        // Lambda retries the invocation.
      }
    }
  }
}

/** What the Lambda runtime does at the function's timeout: the invocation ends, whatever it awaited. */
async function withTimeout<T>(promise: Promise<T>, millis: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Task timed out')), millis);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
