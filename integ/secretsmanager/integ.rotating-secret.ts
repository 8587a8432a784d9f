/**
 * Deploys a JSON RotatingSecret with the bundled generic rotation function, starts a rotation and checks,
 * through the Secrets Manager API, that AWSCURRENT moved to the version the rotation created. Only
 * version ids leave the assertion functions (`outputPaths`), never the secret's value.
 * Run against an account with `npm run integ:update -- --force` (see README).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CustomerManagedKey } from '../../src/kms/customer-managed-key';
import { RotatingSecret, SecretRotationSchedule } from '../../src/secretsmanager';

const app = new App();
const stack = new Stack(app, 'RotatingSecretInteg');
const secret = new RotatingSecret(stack, 'Secret', {
  // Test keys are scheduled for deletion (7 days) and secrets deleted when the integ stack is destroyed.
  encryptionKey: new CustomerManagedKey(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY, pendingWindow: Duration.days(7) }),
  removalPolicy: RemovalPolicy.DESTROY,
  generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'integ' }), generateStringKey: 'password' },
  rotationSchedule: SecretRotationSchedule.rate(Duration.days(7)),
  // The assertion below starts the first rotation, so none may be running.
  rotateImmediately: false,
});

const integ = new IntegTest(app, 'RotatingSecretTest', { testCases: [stack] });

const rotation = integ.assertions.awsApiCall('SecretsManager', 'rotateSecret', { SecretId: secret.secretArn }, ['VersionId']);

rotation.next(
  integ.assertions
    .awsApiCall('SecretsManager', 'getSecretValue', { SecretId: secret.secretArn, VersionStage: 'AWSCURRENT' }, ['VersionId'])
    .expect(ExpectedResult.objectLike({ VersionId: rotation.getAttString('VersionId') }))
    .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) }),
);
