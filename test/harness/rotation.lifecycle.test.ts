import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { installPolicies, StackVersion } from './deployment';
import { Handler, loadBundledHandler } from './driver';
import { ACCOUNT, REGION, removeStage, Secret } from './fake-aws';
import { rotationFakeAwsForThisFile } from './rotation-account';
import { RotatingSecret } from '../../src/secretsmanager';
import { testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';

/**
 * Whole rotations against the bundled generic rotation function (assets/), with the environment the
 * synthesized template gives it, over a stateful Secrets Manager.
 */

// Synthesis takes seconds on a loaded machine; a throttled call waits for the SDK's backoff.
jest.setTimeout(60_000);

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
const LEGACY_SETTINGS_TAG = 'cdk-kms-encryption:generic-rotation';
/** What a principal allowed only `secretsmanager:TagResource` would write to weaken the next value. */
const WEAKENING_SETTINGS = { passwordLength: 1, excludeLowercase: true, excludeUppercase: true, excludePunctuation: true };

const aws = rotationFakeAwsForThisFile();

/** The environment of the stack's rotation function, set for the handler, which is then loaded. */
function deployedFunction(stack: Stack): Handler {
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
  const rotation = Object.values(functions).find((fn) => String(fn.Properties.Description).includes('generic rotation'))!;
  const variables = new Intrinsics(stack).resolve(rotation.Properties.Environment?.Variables ?? {});
  // Its requests are authorized against the stack's policies, as its role.
  installPolicies(aws.iam, StackVersion.of(stack));
  aws.iam.caller = new Intrinsics(stack).resolve(rotation.Properties.Role);
  Object.assign(process.env, variables);
  return loadBundledHandler('secretsmanager/private/rotation.lambda');
}

/**
 * The stack's only secret as CloudFormation and RotateSecret leave it: its template's tags (the ownership
 * tag among them), key and rotation function.
 */
function deployedSecret(stack: Stack, name: string, value: string): Secret {
  const intrinsics = new Intrinsics(stack);
  const resources = Template.fromStack(stack).toJSON().Resources;
  const properties = intrinsics.resolve(resources[intrinsics.logicalIdOf('AWS::SecretsManager::Secret')].Properties);
  const schedule = intrinsics.resolve(resources[intrinsics.logicalIdOf('AWS::SecretsManager::RotationSchedule')].Properties);
  // At the ARN the template's `Ref` gives: the function's policies name its secrets by ARN.
  const secret: Secret = {
    arn: intrinsics.arn(intrinsics.logicalIdOf('AWS::SecretsManager::Secret')),
    name,
    rotationEnabled: true,
    versions: new Map([['initial', { value, stages: ['AWSCURRENT'] }]]),
    tags: properties.Tags ?? [],
    keyId: properties.KmsKeyId,
    rotationLambdaArn: schedule.RotationLambdaARN,
  };
  aws.secrets.set(secret.arn, secret);
  return secret;
}

/** A secret with default generation in a deployed stack, and the stack's rotation function. */
function deployedApiKey(): { handler: Handler; secret: Secret } {
  const stack = testStack();
  new RotatingSecret(stack, 'Secret', { secretName: 'api-key' });
  const handler = deployedFunction(stack);
  return { handler, secret: deployedSecret(stack, 'api-key', 'initial-value-0123456789abcdefGHIJ') };
}

/** One step, as Secrets Manager invokes the function. */
function invoke(handler: Handler, secret: Secret, token: string, step: string): Promise<unknown> {
  return handler({ SecretId: secret.arn, ClientRequestToken: token, Step: step }, { getRemainingTimeInMillis: () => 120_000 });
}

/** What RotateSecret does before invoking the function: a version id labelled AWSPENDING, no value yet. */
function startRotation(secret: Secret, token: string): void {
  removeStage(secret, 'AWSPENDING');
  secret.versions.set(token, { stages: ['AWSPENDING'] });
}

/**
 * Secrets Manager invokes the function once per step and retries a step that failed with the same
 * token; a rotation that still fails stays pending until the next attempt.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
 */
async function rotate(handler: Handler, secret: Secret, token: string, retries = 2): Promise<void> {
  startRotation(secret, token);
  for (const step of STEPS) {
    for (let attempt = 0; ; attempt++) {
      try {
        await invoke(handler, secret, token, step);
        break;
      } catch (error) {
        if (attempt === retries) {
          throw error;
        }
      }
    }
  }
}

function current(secret: Secret): string {
  return [...secret.versions.values()].find((version) => version.stages.includes('AWSCURRENT'))!.value!;
}

describe('settings come from the template, not from anything a tag can change', () => {
  test('a principal that can tag the secret cannot change the length or alphabet of its next value', async () => {
    // GIVEN a secret with default generation, deployed; then someone tags it with weak settings
    const { handler, secret } = deployedApiKey();
    secret.tags = [...secret.tags, { Key: LEGACY_SETTINGS_TAG, Value: Buffer.from(JSON.stringify(WEAKENING_SETTINGS)).toString('base64') }];

    // WHEN
    await rotate(handler, secret, 'token-1');

    // THEN Secrets Manager's defaults: 32 characters with every class
    const value = current(secret);
    expect(value).toHaveLength(32);
    expect(value).toMatch(/[a-z]/);
    expect(value).toMatch(/[A-Z]/);
    expect(value).toMatch(/[0-9]/);
  });

  test('the template\'s settings apply: length, exclusions and the rotated JSON field', async () => {
    // GIVEN
    const stack = testStack();
    new RotatingSecret(stack, 'Secret', {
      secretName: 'db',
      generateSecretString: { passwordLength: 40, excludePunctuation: true, secretStringTemplate: '{"username":"app"}', generateStringKey: 'password' },
    });
    const handler = deployedFunction(stack);
    const secret = deployedSecret(stack, 'db', JSON.stringify({ username: 'app', password: 'first-password-0123456789' }));

    // WHEN
    await rotate(handler, secret, 'token-1');

    // THEN
    const value = JSON.parse(current(secret));
    expect(value.username).toEqual('app');
    expect(value.password).toHaveLength(40);
    expect(value.password).toMatch(/^[A-Za-z0-9]+$/);
  });
});

describe('the floor: a value below it is never promoted', () => {
  test.each([
    ['too short', 'Ab1!Ab1!Ab1!', 'is shorter than the 32 characters the rotation settings require.'],
    ['without an uppercase letter', 'abcdefghij0123456789!!!!abcdefgh', 'lacks a character of a class the rotation settings require (uppercase).'],
  ])('a pending value %s fails testSecret, with a reason that does not contain it', async (_, weak, problem) => {
    // GIVEN a rotation whose pending value was replaced by someone with PutSecretValue
    const { handler, secret } = deployedApiKey();
    startRotation(secret, 'token-1');
    await invoke(handler, secret, 'token-1', 'createSecret');
    secret.versions.get('token-1')!.value = weak;

    // WHEN
    const test = invoke(handler, secret, 'token-1', 'testSecret');

    // THEN
    await expect(test).rejects.toThrow(`testSecret: version token-1 of ${secret.arn} ${problem}`);
    await test.catch((error: Error) => expect(error.message).not.toContain(weak));
    expect(current(secret)).toEqual('initial-value-0123456789abcdefGHIJ');
  });
});

describe('retries and throttling', () => {
  test.each([
    ['createSecret', 'GetRandomPassword'],
    ['createSecret', 'PutSecretValue'],
    ['testSecret', 'GetSecretValue'],
    ['finishSecret', 'UpdateSecretVersionStage'],
  ])('%s fails once (%s): the retried step completes the rotation, with one new version', async (_, operation) => {
    // GIVEN
    const { handler, secret } = deployedApiKey();
    aws.failOnce(operation, 'InternalServiceError');

    // WHEN
    await rotate(handler, secret, 'token-1');

    // THEN
    expect(secret.versions.get('token-1')!.stages).toEqual(['AWSCURRENT']);
    expect(secret.versions.get('initial')!.stages).toEqual(['AWSPREVIOUS']);
    expect(secret.versions.size).toEqual(2);
  });

  test('a pending version left behind by a failed rotation: the next rotation replaces it', async () => {
    // GIVEN a rotation that stored a pending value and then failed for good
    const { handler, secret } = deployedApiKey();
    startRotation(secret, 'token-1');
    await invoke(handler, secret, 'token-1', 'createSecret');

    // WHEN the next rotation starts with a new token
    await rotate(handler, secret, 'token-2');

    // THEN
    expect(secret.versions.get('token-2')!.stages).toEqual(['AWSCURRENT']);
    expect(secret.versions.get('token-1')!.stages).toEqual([]);
    expect(current(secret)).toHaveLength(32);
  });

  test('a throttling burst on every call is retried with backoff inside each step', async () => {
    // GIVEN
    const { handler, secret } = deployedApiKey();
    for (const operation of ['DescribeSecret', 'GetSecretValue', 'GetRandomPassword', 'PutSecretValue', 'UpdateSecretVersionStage']) {
      aws.throttle(operation, 3);
    }

    // WHEN
    await rotate(handler, secret, 'token-1', 0);

    // THEN
    expect(secret.versions.get('token-1')!.stages).toEqual(['AWSCURRENT']);
  }, 120_000);

  test('a call that never returns is given up after the request timeout and retried inside the step', async () => {
    // GIVEN
    const { handler, secret } = deployedApiKey();
    aws.hangOnce('PutSecretValue');

    // WHEN no step is retried by Secrets Manager
    await rotate(handler, secret, 'token-1', 0);

    // THEN
    expect(secret.versions.get('token-1')!.stages).toEqual(['AWSCURRENT']);
    expect(aws.callCount('PutSecretValue')).toEqual(2);
  }, 30_000);
});

describe('the confused deputy: another team\'s secret pointed at the function', () => {
  /**
   * What a principal with `secretsmanager:TagResource`, `RotateSecret` and `lambda:InvokeFunction` on the
   * function, but no PutSecretValue and no key access, makes of another team's secret: this stack's
   * ownership tag, and a rotation configuration naming the function. Its key is the stack's own.
   */
  function foreignSecretPointedAt(stack: Stack, api: Secret): Secret {
    const secret: Secret = {
      arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:team-b/credentials-XyZ123`,
      name: 'team-b/credentials',
      rotationEnabled: true,
      versions: new Map([['initial', { value: JSON.stringify({ username: 'team-b', password: 'their-password-0123456789abcdef' }), stages: ['AWSCURRENT'] }]]),
      tags: [{ Key: 'cdk-kms-encryption:stack-id', Value: new Intrinsics(stack).stackId() }],
      keyId: api.keyId,
      rotationLambdaArn: api.rotationLambdaArn,
    };
    aws.secrets.set(secret.arn, secret);
    return secret;
  }

  test('today\'s function refuses it before any call, and its value stays', async () => {
    // GIVEN
    const stack = testStack();
    new RotatingSecret(stack, 'Secret', { secretName: 'api-key' });
    const handler = deployedFunction(stack);
    const foreign = foreignSecretPointedAt(stack, deployedSecret(stack, 'api-key', 'initial-value-0123456789abcdefGHIJ'));
    const calls = aws.calls.length;

    // WHEN
    const rotation = rotate(handler, foreign, 'token-1', 0);

    // THEN
    await expect(rotation).rejects.toThrow(`Secret ${foreign.arn} is not a secret of this function's stack`);
    expect(aws.calls.length).toEqual(calls);
    expect(current(foreign)).toEqual(JSON.stringify({ username: 'team-b', password: 'their-password-0123456789abcdef' }));
  });

  test('the role\'s policies deny every rotation call on it, whatever its tags', async () => {
    // GIVEN today's policies in force (they alone stopped nothing in 32a4a74, whose statement trusted the tag)
    const stack = testStack();
    new RotatingSecret(stack, 'Secret', { secretName: 'api-key' });
    deployedFunction(stack);
    const foreign = foreignSecretPointedAt(stack, deployedSecret(stack, 'api-key', 'initial-value-0123456789abcdefGHIJ'));

    // WHEN / THEN each call the rotation makes is denied, as the role
    for (const [operation, input] of [['DescribeSecret', {}], ['GetSecretValue', { VersionStage: 'AWSCURRENT' }], ['PutSecretValue', {}]] as const) {
      const request = {
        action: `secretsmanager:${operation}`,
        resource: foreign.arn,
        context: {
          'aws:ResourceTag/cdk-kms-encryption:stack-id': foreign.tags[0].Value,
          'secretsmanager:resource/AllowRotationLambdaArn': foreign.rotationLambdaArn!,
          ...('VersionStage' in input ? { 'secretsmanager:VersionStage': input.VersionStage } : {}),
        },
      };
      await expect(aws.iam.decide(aws.iam.caller!, request)).resolves.toEqual('ImplicitlyDenied');
    }
  });
});
