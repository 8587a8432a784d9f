import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CustomerManagedKey } from '../../src/kms';
import { RotatingSecret } from '../../src/secretsmanager';
import { ACCOUNT, REGION, testStack } from '../util/app';
import { grantSetup, keyRequest } from '../util/grants';

describe('RotatingSecret grants on a key that does not trust account identities', () => {
  test.each<[string, (secret: RotatingSecret, reader: iam.Role) => void, string]>([
    ['grantRead', (secret, reader) => secret.grantRead(reader), 'kms:Decrypt'],
    ['grantWrite', (secret, reader) => secret.grantWrite(reader), 'kms:GenerateDataKey'],
  ])('%s lets the grantee use the key for the granted secret only', async (_name, grant, action) => {
    // GIVEN
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', {
      trustAccountIdentities: false,
      administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/admin`)],
    });
    const granted = new RotatingSecret(stack, 'Granted', { encryptionKey: key });
    const other = new RotatingSecret(stack, 'Other', { encryptionKey: key });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'reader' });

    // WHEN
    grant(granted, reader);

    // THEN
    const setup = grantSetup(stack, key, reader);
    const request = (secret: RotatingSecret) => keyRequest(setup, action, {
      'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`,
      'kms:EncryptionContext:SecretARN': setup.intrinsics.arn(stack.getLogicalId(secret.node.defaultChild as secretsmanager.CfnSecret)),
    });
    expect(await request(granted)).toBe('Allowed');
    expect(await request(other)).toBe('ImplicitlyDenied');
  }, 60_000); // the first synthesis of a test file loads aws-cdk-lib
});
