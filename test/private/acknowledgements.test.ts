import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptedBucket, KmsEncryptionType } from '../../src';
import { CustomerManagedKey } from '../../src/kms';
import { skipScannerChecks } from '../../src/private/acknowledgements';
import { testStack } from '../util/app';

/** The Metadata of every resource of `type` in the stack. */
function metadataOf(stack: Stack, type: string): any[] {
  return Object.values<any>(Template.fromStack(stack).findResources(type)).map((resource) => resource.Metadata);
}

describe('skipScannerChecks', () => {
  test('writes each scanner\'s form on the CloudFormation resource, once per id, each checkov skip with its reason', () => {
    // GIVEN
    const stack = testStack();
    const bucket = new s3.Bucket(stack, 'Bucket');

    // WHEN: the L2 (its default child) and the L1 itself, with a repeated id
    skipScannerChecks(bucket, 'first reason', { checkov: ['CKV_AWS_18'], cfnLint: ['W3005'] });
    skipScannerChecks(bucket.node.defaultChild!, 'second reason', { checkov: ['CKV_AWS_18', 'CKV_AWS_21'], cfnLint: ['W3005', 'W1234'] });

    // THEN
    expect(metadataOf(stack, 'AWS::S3::Bucket')).toEqual([{
      'checkov': { skip: [{ id: 'CKV_AWS_18', comment: 'first reason' }, { id: 'CKV_AWS_21', comment: 'second reason' }] },
      'cfn-lint': { config: { ignore_checks: ['W3005', 'W1234'] } },
    }]);
  });

  test('a construct without a CloudFormation resource (an imported key) gets nothing, and nothing fails', () => {
    const stack = testStack();
    new s3.CfnBucket(stack, 'Other');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(() => skipScannerChecks(key, 'reason', { checkov: ['CKV_AWS_33'] })).not.toThrow();
    expect(Template.fromStack(stack).toJSON().Resources).toEqual({ Other: { Type: 'AWS::S3::Bucket' } });
  });
});

describe('suppressions are as narrow as the choice they answer', () => {
  test('a default EncryptedBucket: only its access-logs bucket skips CKV_AWS_18; a DSSE-KMS bucket also skips CKV_AWS_19', () => {
    // GIVEN
    const stack = testStack();
    new EncryptedBucket(stack, 'Plain');
    new EncryptedBucket(stack, 'Dsse', { encryptionType: KmsEncryptionType.DSSE_KMS });

    // THEN: by logical id, the checkov ids each bucket skips
    const skips = Object.fromEntries(Object.entries<any>(Template.fromStack(stack).findResources('AWS::S3::Bucket'))
      .map(([logicalId, resource]) => [logicalId, (resource.Metadata?.checkov?.skip ?? []).map((skip: any) => skip.id)]));
    expect(skips).toEqual({
      Plain295EB121: [],
      PlainAccessLogs4A804BFD: ['CKV_AWS_18'],
      Dsse78668DA5: ['CKV_AWS_19'],
      DsseAccessLogs54164C72: ['CKV_AWS_18'],
    });
  });

  test('a key skips CKV_AWS_33 only once it has an organization statement', () => {
    const stack = testStack();
    new CustomerManagedKey(stack, 'Plain');
    new CustomerManagedKey(stack, 'Shared').allowOrganization('o-abcdefghij');
    expect(metadataOf(stack, 'AWS::KMS::Key')).toEqual([
      undefined,
      { checkov: { skip: [{ id: 'CKV_AWS_33', comment: expect.stringContaining('aws:PrincipalOrgID') }] } },
    ]);
  });
});
