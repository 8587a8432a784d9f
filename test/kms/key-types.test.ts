import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomerManagedKey, CustomerManagedKeyProps, KeyMaterialOrigin } from '../../src/kms';
import { ACCOUNT, testApp, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { expectNoNagFindings } from '../util/nag';
import { evaluate } from '../util/policy';

/** A key whose policy alone decides, and a role with one grant on it. */
function keyWithGrant(props: CustomerManagedKeyProps, grant: (key: CustomerManagedKey, role: iam.IRole) => void) {
  const stack = testStack();
  const key = new CustomerManagedKey(stack, 'Key', {
    ...props,
    trustAccountIdentities: false,
    administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)],
  });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
  grant(key, role);
  return { stack, key, role };
}

async function decide(stack: Stack, action: string): Promise<string> {
  const intrinsics = new Intrinsics(stack);
  const keyId = intrinsics.logicalIdOf('AWS::KMS::Key');
  const policy = intrinsics.resolve(Template.fromStack(stack).toJSON().Resources[keyId].Properties.KeyPolicy);
  return evaluate(policy, {
    principal: intrinsics.arn(intrinsics.logicalIdOf('AWS::IAM::Role')),
    action,
    resource: intrinsics.arn(keyId),
    resourceAccount: ACCOUNT,
  });
}

const RSA_SIGNING = { keySpec: kms.KeySpec.RSA_3072, keyUsage: kms.KeyUsage.SIGN_VERIFY };
const HMAC = { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC };

describe('key types', () => {
  test('multi-Region primary key', () => {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', { multiRegion: true });
    expect(key.multiRegion).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', { MultiRegion: true, EnableKeyRotation: true });
  });

  test('imported key material: origin EXTERNAL, no automatic rotation', () => {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', { keyMaterialOrigin: KeyMaterialOrigin.EXTERNAL });
    expect(key.rotationEnabled).toBe(false);
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      Origin: 'EXTERNAL',
      EnableKeyRotation: false,
      RotationPeriodInDays: Match.absent(),
    });
  });

  test('rotation on an imported key is a synth error', () => {
    expect(() => new CustomerManagedKey(testStack(), 'Key', {
      keyMaterialOrigin: KeyMaterialOrigin.EXTERNAL,
      rotationPeriod: Duration.days(365),
    })).toThrow(
      '[TestStack/Key] Invalid configuration: `rotationPeriod` cannot be set on a key with imported material (keyMaterialOrigin EXTERNAL), got 365 days: KMS cannot rotate material it did not generate. Remove `rotationPeriod` and rotate with an ExternalKeyRing.',
    );
  });

  describe('grants by key usage (evaluated against the key policy)', () => {
    test('grantSign: the role may sign, not verify or decrypt', async () => {
      const { stack } = keyWithGrant(RSA_SIGNING, (key, role) => key.grantSign(role));
      await expect(decide(stack, 'kms:Sign')).resolves.toBe('Allowed');
      await expect(decide(stack, 'kms:Verify')).resolves.toBe('ImplicitlyDenied');
      await expect(decide(stack, 'kms:Decrypt')).resolves.toBe('ImplicitlyDenied');
    });

    test('grantVerify: the role may verify, not sign', async () => {
      const { stack } = keyWithGrant(RSA_SIGNING, (key, role) => key.grantVerify(role));
      await expect(decide(stack, 'kms:Verify')).resolves.toBe('Allowed');
      await expect(decide(stack, 'kms:Sign')).resolves.toBe('ImplicitlyDenied');
    });

    test('grantGetPublicKey: the role may download the public key only', async () => {
      const { stack } = keyWithGrant(RSA_SIGNING, (key, role) => key.grantGetPublicKey(role));
      await expect(decide(stack, 'kms:GetPublicKey')).resolves.toBe('Allowed');
      await expect(decide(stack, 'kms:Sign')).resolves.toBe('ImplicitlyDenied');
    });

    test('grantGenerateMac and grantVerifyMac on an HMAC key', async () => {
      const generate = keyWithGrant(HMAC, (key, role) => key.grantGenerateMac(role));
      await expect(decide(generate.stack, 'kms:GenerateMac')).resolves.toBe('Allowed');
      await expect(decide(generate.stack, 'kms:VerifyMac')).resolves.toBe('ImplicitlyDenied');
      const verify = keyWithGrant(HMAC, (key, role) => key.grantVerifyMac(role));
      await expect(decide(verify.stack, 'kms:VerifyMac')).resolves.toBe('Allowed');
      await expect(decide(verify.stack, 'kms:GenerateMac')).resolves.toBe('ImplicitlyDenied');
    });
  });

  test.each<[string, CustomerManagedKeyProps, (key: CustomerManagedKey, role: iam.IGrantable) => void, string]>([
    ['sign with an encryption key', {}, (key, role) => key.grantSign(role),
      '`grantSign` needs a key with keyUsage SIGN_VERIFY, got a SYMMETRIC_DEFAULT key with keyUsage ENCRYPT_DECRYPT. Use a key created for SIGN_VERIFY.'],
    ['decrypt with a signing key', RSA_SIGNING, (key, role) => key.grantDecrypt(role),
      '`grantDecrypt` needs a key with keyUsage ENCRYPT_DECRYPT, got a RSA_3072 key with keyUsage SIGN_VERIFY. Use a key created for ENCRYPT_DECRYPT.'],
    ['MAC with a signing key', RSA_SIGNING, (key, role) => key.grantGenerateMac(role),
      '`grantGenerateMac` needs a key with keyUsage GENERATE_VERIFY_MAC, got a RSA_3072 key with keyUsage SIGN_VERIFY. Use a key created for GENERATE_VERIFY_MAC.'],
    ['public key of a symmetric key', {}, (key, role) => key.grantGetPublicKey(role),
      '`grantGetPublicKey` needs an asymmetric key, got a SYMMETRIC_DEFAULT key, which has no public key.'],
    ['public key of an HMAC key', HMAC, (key, role) => key.grantGetPublicKey(role),
      '`grantGetPublicKey` needs an asymmetric key, got a HMAC_256 key, which has no public key.'],
  ])('grant that does not fit the key: %s', (_name, props, grant, message) => {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key', props);
    expect(() => grant(key, new iam.AccountRootPrincipal())).toThrow(`[TestStack/Key] Invalid configuration: ${message}`);
  });

  test('cdk-nag: multi-Region, imported-material, signing and HMAC keys have no findings', () => {
    const app = testApp();
    const stack = testStack('KeyTypes', {}, app);
    new CustomerManagedKey(stack, 'MultiRegion', { multiRegion: true });
    new CustomerManagedKey(stack, 'External', { keyMaterialOrigin: KeyMaterialOrigin.EXTERNAL });
    new CustomerManagedKey(stack, 'Signing', RSA_SIGNING).grantSignVerify(new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/Signer`));
    new CustomerManagedKey(stack, 'Hmac', HMAC).grantGenerateMac(new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/Signer`));
    expectNoNagFindings(app);
  });
});
