import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CloudFormationStack, StackVersion, Step } from './deployment';
import { Handler, loadBundledHandler } from './driver';
import { ACCOUNT, REGION, Secret } from './fake-aws';
import { currentValue, Release, releaseOf, ROTATION_FUNCTION, RotationAccount, rotationFakeAwsForThisFile } from './rotation-account';
import { addShowcaseStacks } from '../../demo/showcase';

/**
 * The upgrade of the showcase's configured stack from each committed baseline (baselines/) to today's,
 * through the deployment model (deployment.ts): CloudFormation's order, Lambda's code and configuration in
 * two steps, the policies in force at each step enforced on every request. After every step that touches the
 * generic rotation (its function, role, policies and permission, the secret, its key and its schedule) a whole
 * rotation of the JSON secret arrives, with the code and configuration the function has at that moment. A
 * rotation may fail in a window; it may never replace the JSON value or lose a field, and AWSCURRENT is
 * always a value the settings allow.
 */

jest.setTimeout(300_000);

const STACK = { stackName: 'ShowcaseConfigured', account: ACCOUNT, region: REGION };
const BASELINES = path.join(__dirname, 'baselines');
const SSM_FUNCTION = 'SecureStringParameterProviderFunction4D7CF17E';
const SECRET = 'DatabaseCredentials8547B3E7';
const SCHEDULE = 'DatabaseCredentialsRotationSchedule1A4F5AFB';
const IDS = { rotationFunction: ROTATION_FUNCTION, secureStringFunction: SSM_FUNCTION };

/** A bundle of a baseline: the asset directory whose code is the rotation function's or not. */
function baselineHandler(commit: string, rotation: boolean): Handler {
  const dir = path.join(BASELINES, commit);
  const file = fs.readdirSync(dir).map((entry) => path.join(dir, entry, 'index.js'))
    .find((candidate) => fs.existsSync(candidate) && fs.readFileSync(candidate, 'utf8').includes('createSecret') === rotation)!;
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = require(file).handler;
  });
  return handler!;
}

function baseline(commit: string): Release {
  const template = JSON.parse(fs.readFileSync(path.join(BASELINES, commit, `${STACK.stackName}.template.json`), 'utf8'));
  return { version: new StackVersion(template, STACK), rotation: baselineHandler(commit, true), secureString: baselineHandler(commit, false) };
}

const aws = rotationFakeAwsForThisFile();
let today: Release;
beforeAll(() => {
  const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
  const stack = addShowcaseStacks(app).find((candidate) => candidate.stackName === STACK.stackName)!;
  today = {
    version: StackVersion.of(stack),
    rotation: loadBundledHandler('secretsmanager/private/rotation.lambda'),
    secureString: loadBundledHandler('ssm/private/secure-string.lambda'),
  };
});

/** Whether a step touches what a rotation of the secret depends on. */
function touchesRotation(step: Step): boolean {
  return step.logicalId.startsWith('CdkKmsEncryptionGenericRotation') || [SECRET, SCHEDULE, 'DataKey17AFBB84'].includes(step.logicalId);
}

/** AWSCURRENT is the JSON object the template made, its password rotated or not, never anything else. */
function expectIntact(secret: Secret): void {
  const value = JSON.parse(currentValue(secret));
  expect(Object.keys(value).sort()).toEqual(['password', 'username']);
  expect(value.username).toEqual('app');
  expect(value.password.length).toBeGreaterThanOrEqual(32);
}

describe.each(['32a4a74', '1bcacb7'])('upgrading from %s', (commit) => {
  test('with a rotation after every step that touches the rotation: the JSON secret is never replaced, and rotates once upgraded', async () => {
    // GIVEN the stack as the release deployed it
    const old = baseline(commit);
    const account = new RotationAccount(aws, IDS);
    const stack = new CloudFormationStack(aws, (functionLogicalId) => account.handlerOf(functionLogicalId));
    const created = await stack.deploy(old.version, { between: (step) => account.observe(step, old) });
    expect(created.failures).toEqual([]);
    expect(created.status).toEqual('CREATE_COMPLETE');
    await account.rotate('the release', 'token-0');
    expect(account.rotations).toEqual([{ after: 'the release', secret: account.secret().arn, outcome: 'rotated' }]);

    // WHEN today's version is deployed, with a rotation in every window
    let tokens = 0;
    const upgraded = await stack.deploy(today.version, {
      between: async (step) => {
        account.observe(step, releaseOf(step, old, today));
        if (touchesRotation(step)) {
          await account.rotate(`${step.phase} ${step.action} ${step.logicalId}`, `token-${++tokens}`);
          expectIntact(account.secret());
        }
        if (step.logicalId === ROTATION_FUNCTION && step.action === 'update-code') {
          // Lambda does not say which of its two calls comes first: the old code with today's configuration too.
          const configuration = today.version.intrinsics.resolve(today.version.resources[ROTATION_FUNCTION].Properties!.Environment.Variables);
          await account.rotate('old code, new configuration', `token-${++tokens}`, { code: old.rotation, environment: configuration.ROTATION_SETTINGS });
          expectIntact(account.secret());
        }
      },
    });

    // THEN the upgrade completed; every rotation left a JSON value; one after the upgrade rotates
    expect(upgraded.failures).toEqual([]);
    expect(upgraded.status).toEqual('UPDATE_COMPLETE');
    expect(account.rotations.length).toBeGreaterThan(5);
    // The old code refuses today's configuration instead of rotating the whole value with default settings.
    expect(account.rotations.find((rotation) => rotation.after === 'old code, new configuration')).toEqual({
      after: 'old code, new configuration', secret: account.secret().arn, outcome: 'failed', reason: 'The function\'s ROTATION_SETTINGS environment variable must hold a JSON array.',
    });
    const failed = account.rotations.filter((rotation) => rotation.outcome === 'failed');
    // A failed rotation is one that refused, never one that stored: its reason says why.
    for (const rotation of failed) {
      expect(rotation.reason).toMatch(/must hold a JSON array|not authorized|is not a secret of this function's stack|rotation settings/);
    }
    await account.rotate('the upgrade', 'token-final');
    expect(account.rotations.at(-1)).toEqual({ after: 'the upgrade', secret: account.secret().arn, outcome: 'rotated' });
    expectIntact(account.secret());
    // The function runs today's code with today's configuration, and its old policy no longer names secret:* or key/*.
    expect(aws.iam.statementsOf(aws.iam.caller!).flatMap((statement) => [statement.Resource].flat()))
      .not.toEqual(expect.arrayContaining([expect.stringMatching(/:(secret|key\/)\*$/)]));
  });
});

test('the harness sees the data loss the previous release shipped: 1bcacb7\'s code with 32a4a74\'s configuration', async () => {
  // GIVEN 1bcacb7 deployed; 32a4a74 lists secrets in groups, which 1bcacb7's code does not find
  const old = baseline('1bcacb7');
  const next = baseline('32a4a74');
  const account = new RotationAccount(aws, IDS);
  const stack = new CloudFormationStack(aws, (functionLogicalId) => account.handlerOf(functionLogicalId));
  expect((await stack.deploy(old.version, { between: (step) => account.observe(step, old) })).status).toEqual('CREATE_COMPLETE');

  // WHEN a rotation arrives with the old code and 32a4a74's configuration
  const configuration = next.version.intrinsics.resolve(next.version.resources[ROTATION_FUNCTION].Properties!.Environment.Variables);
  await account.rotate('old code, new configuration', 'token-1', { code: old.rotation, environment: configuration.ROTATION_SETTINGS });

  // THEN it rotated the whole value with the default settings: the JSON object is gone
  expect(account.rotations).toEqual([{ after: 'old code, new configuration', secret: account.secret().arn, outcome: 'rotated' }]);
  expect(() => expectIntact(account.secret())).toThrow();
});
