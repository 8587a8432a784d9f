/**
 * Deploys a CustomerManagedKey and checks, through the KMS API, that what the template promises holds
 * in AWS: automatic rotation is on with the requested period, and the alias points at the key.
 * Run against an account with `npm run integ:update -- --force` (see README).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CustomerManagedKey } from '../../src';

const app = new App();
const stack = new Stack(app, 'CustomerManagedKeyInteg');
const key = new CustomerManagedKey(stack, 'Key', {
  alias: 'cdk-kms-encryption/integ/customer-managed-key',
  rotationPeriod: Duration.days(180),
  // Test keys are scheduled for deletion (7 days) when the integ stack is destroyed.
  removalPolicy: RemovalPolicy.DESTROY,
  pendingWindow: Duration.days(7),
});

const integ = new IntegTest(app, 'CustomerManagedKeyTest', { testCases: [stack] });

integ.assertions
  .awsApiCall('KMS', 'getKeyRotationStatus', { KeyId: key.keyId })
  .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true, RotationPeriodInDays: 180 }));

integ.assertions
  .awsApiCall('KMS', 'describeKey', { KeyId: 'alias/cdk-kms-encryption/integ/customer-managed-key' })
  .expect(ExpectedResult.objectLike({ KeyMetadata: { KeyId: key.keyId, KeyManager: 'CUSTOMER' } }));
