import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CustomerManagedKey } from '../../src/kms';
import { RotatingSecret } from '../../src/secretsmanager';
import { ACCOUNT, REGION, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { evaluate } from '../util/policy';

/** Two secrets on one key that trusts only its policy; `grant` runs on the first. */
function twoSecretsOnOneKey(grant: (secret: RotatingSecret, reader: iam.Role) => void) {
  const stack = testStack();
  const key = new CustomerManagedKey(stack, 'Key', {
    trustAccountIdentities: false,
    administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/admin`)],
  });
  const granted = new RotatingSecret(stack, 'Granted', { encryptionKey: key });
  const other = new RotatingSecret(stack, 'Other', { encryptionKey: key });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'reader' });
  grant(granted, reader);
  const intrinsics = new Intrinsics(stack);
  const resources = Template.fromStack(stack).toJSON().Resources;
  const identityStatements = Object.values<any>(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties.Roles).includes(stack.getLogicalId(reader.node.defaultChild as iam.CfnRole)))
    .flatMap((resource) => intrinsics.resolve(resource.Properties.PolicyDocument).Statement);
  const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
  return {
    keyPolicy: intrinsics.resolve(resources[keyId].Properties.KeyPolicy),
    keyArn: intrinsics.arn(keyId),
    identityStatements,
    secretArn: (secret: RotatingSecret) => intrinsics.arn(secretLogicalId(stack, secret)),
    granted,
    other,
  };
}

function secretLogicalId(stack: Stack, secret: RotatingSecret): string {
  return stack.getLogicalId(secret.node.defaultChild as secretsmanager.CfnSecret);
}

describe('RotatingSecret grants on a key that does not trust account identities', () => {
  test.each<[string, (secret: RotatingSecret, reader: iam.Role) => void, string]>([
    ['grantRead', (secret, reader) => secret.grantRead(reader), 'kms:Decrypt'],
    ['grantWrite', (secret, reader) => secret.grantWrite(reader), 'kms:GenerateDataKey'],
  ])('%s lets the reader use the key for the granted secret only', async (_name, grant, action) => {
    // GIVEN
    const setup = twoSecretsOnOneKey(grant);
    const request = (secretArn: string) => evaluate(setup.keyPolicy, {
      principal: `arn:aws:iam::${ACCOUNT}:role/reader`,
      action,
      resource: setup.keyArn,
      resourceAccount: ACCOUNT,
      context: {
        'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`,
        'kms:CallerAccount': ACCOUNT,
        'kms:EncryptionContext:SecretARN': secretArn,
      },
      identityStatements: setup.identityStatements,
    });

    // THEN
    expect(await request(setup.secretArn(setup.granted))).toBe('Allowed');
    expect(await request(setup.secretArn(setup.other))).toBe('ImplicitlyDenied');
  }, 60_000); // the first synthesis of a test file loads aws-cdk-lib
});
