import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RotatingSecret, SecureStringParameter } from '../../src';
import { ACCOUNT, REGION, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { expectNoNagFindings } from '../util/nag';
import { evaluate } from '../util/policy';

// Synthesizing with cdk-nag and the first policy simulation (which loads the IAM action data) take seconds.
jest.setTimeout(120_000);

const HANDLER_LOGS_KEY = 'CdkKmsEncryptionHandlerLogsKey44DCF2D6';

/** A stack with both per-stack handlers: the SecureString custom resource and the generic rotation function. */
function stackWithBothHandlers(): Stack {
  const stack = testStack();
  new SecureStringParameter(stack, 'Parameter');
  new RotatingSecret(stack, 'Secret');
  return stack;
}

/** Asks the shared key's policy whether CloudWatch Logs may encrypt for the log group named `logGroupName`. */
async function logsMayEncryptFor(stack: Stack, logGroupName: string) {
  const intrinsics = new Intrinsics(stack);
  const key = Template.fromStack(stack).toJSON().Resources[HANDLER_LOGS_KEY];
  return evaluate(intrinsics.resolve(key.Properties.KeyPolicy), {
    principal: `logs.${REGION}.amazonaws.com`,
    action: 'kms:GenerateDataKey',
    resource: intrinsics.arn(HANDLER_LOGS_KEY),
    resourceAccount: ACCOUNT,
    context: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${logGroupName}` },
  });
}

describe('the log groups of the per-stack handlers', () => {
  test('share one key per stack, each log group encrypted with it', () => {
    // GIVEN / WHEN
    const stack = stackWithBothHandlers();

    // THEN
    const resources = Template.fromStack(stack).toJSON().Resources;
    const logGroups = Object.values<any>(resources).filter((resource) => resource.Type === 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(2);
    for (const logGroup of logGroups) {
      expect(logGroup.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [HANDLER_LOGS_KEY, 'Arn'] });
    }
    // One key per parameter, one per secret, and the handlers' shared one.
    expect(Object.values<any>(resources).filter((resource) => resource.Type === 'AWS::KMS::Key')).toHaveLength(3);
    expect(resources[HANDLER_LOGS_KEY].Properties.EnableKeyRotation).toBe(true);
  });

  test('the shared key lets CloudWatch Logs encrypt for the handlers\' log groups only', async () => {
    // GIVEN
    const stack = stackWithBothHandlers();
    const names = Object.values<any>(Template.fromStack(stack).toJSON().Resources)
      .filter((resource) => resource.Type === 'AWS::Logs::LogGroup')
      .map((resource) => resource.Properties.LogGroupName as string);

    // THEN
    for (const name of names) {
      expect(await logsMayEncryptFor(stack, name)).toBe('Allowed');
    }
    expect(await logsMayEncryptFor(stack, '/aws/lambda/someone-else')).toBe('ImplicitlyDenied');
  });

  test('no cdk-nag findings with the shared key', () => {
    const stack = stackWithBothHandlers();
    expectNoNagFindings(stack.node.root as App);
  });
});
