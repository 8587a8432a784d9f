import * as iam from 'aws-cdk-lib/aws-iam';
import { CustomerManagedKey } from '../../src/kms';
import { SecureStringParameter } from '../../src/ssm';
import { ACCOUNT, REGION, testStack } from '../util/app';
import { grantSetup, keyRequest } from '../util/grants';

describe('SecureStringParameter grants on a key that does not trust account identities', () => {
  test.each<[string, (parameter: SecureStringParameter, reader: iam.Role) => void, string]>([
    ['grantRead', (parameter, reader) => parameter.grantRead(reader), 'kms:Decrypt'],
    ['grantWrite', (parameter, reader) => parameter.grantWrite(reader), 'kms:Encrypt'],
  ])('%s lets the grantee use the key for the granted parameter only', async (_name, grant, action) => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', {
      trustAccountIdentities: false,
      administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/admin`)],
    });
    const granted = new SecureStringParameter(stack, 'Granted', { encryptionKey: key, parameterName: '/app/granted' });
    new SecureStringParameter(stack, 'Other', { encryptionKey: key, parameterName: '/app/other' });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'reader' });

    // WHEN
    grant(granted, reader);

    // THEN
    const setup = grantSetup(stack, key, reader);
    const request = (name: string) => keyRequest(setup, action, {
      'kms:ViaService': `ssm.${REGION}.amazonaws.com`,
      'kms:EncryptionContext:PARAMETER_ARN': `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${name}`,
    });
    expect(await request('/app/granted')).toBe('Allowed');
    expect(await request('/app/other')).toBe('ImplicitlyDenied');
  }, 60_000); // the first synthesis of a test file loads aws-cdk-lib
});
