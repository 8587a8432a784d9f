/**
 * Deploys a SecureStringParameter with a generated value and checks, through the SSM API, that it is a
 * SecureString under the customer-managed key and that it decrypts.
 * Run against an account with `npm run integ:update -- --force` (see README).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CustomerManagedKey } from '../../src/kms/customer-managed-key';
import { SecureStringParameter, SecureStringValue } from '../../src/ssm';

const app = new App();
const stack = new Stack(app, 'SecureStringParameterInteg');
const key = new CustomerManagedKey(stack, 'Key', {
  // Test keys are scheduled for deletion (7 days) when the integ stack is destroyed.
  removalPolicy: RemovalPolicy.DESTROY,
  pendingWindow: Duration.days(7),
});
const parameterName = '/cdk-kms-encryption/integ/secure-string-parameter';
new SecureStringParameter(stack, 'Parameter', {
  parameterName,
  encryptionKey: key,
  value: SecureStringValue.generated({ length: 40 }),
  description: 'cdk-kms-encryption integration test',
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'SecureStringParameterTest', { testCases: [stack] });

// Only the type and name are kept from the response, so the decrypted value is not stored in the assertion.
const read = integ.assertions.awsApiCall('SSM', 'getParameter', { Name: parameterName, WithDecryption: true }, ['Parameter.Type', 'Parameter.Name']);
read.expect(ExpectedResult.objectLike({ Parameter: { Name: parameterName, Type: 'SecureString' } }));
read.provider.addToRolePolicy({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [key.keyArn] });

integ.assertions
  .awsApiCall('SSM', 'describeParameters', { ParameterFilters: [{ Key: 'Name', Values: [parameterName] }] })
  .expect(ExpectedResult.objectLike({ Parameters: [{ Name: parameterName, Type: 'SecureString', KeyId: key.keyArn }] }));
