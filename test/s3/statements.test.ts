import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ENCRYPTION_HEADER_ACTIONS, SSE_C_HEADER_ACTIONS } from '../../src/s3/private/actions';
import {
  denyKmsWithoutKeyId,
  denyMissingEncryptionHeader,
  denySseC,
  denyWrongEncryptionAlgorithm,
  denyWrongEncryptionKey,
  enforcementStatements,
} from '../../src/s3/private/bucket-policy';
import { s3KeyActions, s3KeyPolicyConditions } from '../../src/s3/private/key-use';
import { keyArnProblem, minimumTlsVersionProblem } from '../../src/s3/private/validation';

const BUCKET = 'arn:aws:s3:::data';
const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('bucket policy statements', () => {
  test.each([
    ['wrong algorithm', denyWrongEncryptionAlgorithm(BUCKET, 'aws:kms'), 's3:x-amz-server-side-encryption'],
    ['wrong key', denyWrongEncryptionKey(BUCKET, [KEY]), 's3:x-amz-server-side-encryption-aws-kms-key-id'],
  ])('%s: the negated comparison only applies when the header is present (Null: false)', (_name, statement, header) => {
    const json = statement.toStatementJson();
    expect(json.Effect).toBe('Deny');
    expect(json.Condition.StringNotEquals[header]).toBeDefined();
    expect(json.Condition.Null).toEqual({ [header]: 'false' });
  });

  test('missing headers, KMS without key id and SSE-C are denied on objects for everyone, on each action S3 authorizes with them', () => {
    expect([denyMissingEncryptionHeader(BUCKET), denyKmsWithoutKeyId(BUCKET, 'aws:kms'), denySseC(BUCKET)].map((s) => s.toStatementJson())).toEqual([
      expect.objectContaining({ Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: `${BUCKET}/*`, Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } }),
      expect.objectContaining({
        Action: ENCRYPTION_HEADER_ACTIONS,
        Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' }, Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' } },
      }),
      expect.objectContaining({ Action: SSE_C_HEADER_ACTIONS, Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } } }),
    ]);
  });

  test('enforcementStatements: the deny statements of each mode, in order', () => {
    const sids = (requireEncryptionHeaders: boolean) => enforcementStatements(BUCKET, { algorithm: 'aws:kms', allowedKeyIdentifiers: [KEY], requireEncryptionHeaders })
      .map((statement) => statement.sid);
    expect(sids(false)).toEqual(['DenyInsecureTransport', 'DenyOutdatedTls', 'DenyWrongEncryptionAlgorithm', 'DenyWrongEncryptionKey', 'DenyKmsWithoutKeyId', 'DenySseC']);
    expect(sids(true)).toEqual(['DenyInsecureTransport', 'DenyOutdatedTls', 'DenyWrongEncryptionAlgorithm', 'DenyMissingEncryptionHeader', 'DenyWrongEncryptionKey', 'DenyKmsWithoutKeyId', 'DenySseC']);
  });
});

describe('key use through S3', () => {
  test.each([
    [['kms:Decrypt', 'kms:DescribeKey'], ['kms:Decrypt']],
    [['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Decrypt'], ['kms:GenerateDataKey', 'kms:Decrypt']],
    [['kms:GenerateDataKey'], ['kms:GenerateDataKey', 'kms:Decrypt']],
    [['s3:DeleteObject*'], []],
  ])('aws-cdk-lib asks for %j: S3 needs %j', (requested, expected) => {
    expect(s3KeyActions(requested)).toEqual(expected);
  });

  test('key-policy conditions name the bucket only when its name is known at synth time', () => {
    const stack = new Stack(undefined, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    expect(stack.resolve(s3KeyPolicyConditions('s3.eu-west-1.amazonaws.com', 'data', stack))).toEqual({
      StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
      StringLike: {
        'kms:EncryptionContext:aws:s3:arn': [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::data']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::data/*']] },
        ],
      },
    });
    const generated = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() }).roleName;
    expect(s3KeyPolicyConditions('s3.eu-west-1.amazonaws.com', generated, stack)).toEqual({ StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } });
  });
});

describe('validation', () => {
  test.each([
    ['a key ARN', KEY, undefined],
    ['a bare key id', '1234abcd-12ab-34cd-56ef-1234567890ab',
      "`encryptionKey` must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got '1234abcd-12ab-34cd-56ef-1234567890ab'. An alias or key id never matches the key ARN S3 checks; import the key with kms.Key.fromKeyArn and its key ARN."],
    ['an alias name', 'alias/data',
      "`encryptionKey` must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got 'alias/data'. An alias or key id never matches the key ARN S3 checks; import the key with kms.Key.fromKeyArn and its key ARN."],
  ])('keyArnProblem: %s', (_name, arn, expected) => {
    expect(keyArnProblem('encryptionKey', arn)).toBe(expected);
  });

  test.each([[1.2, undefined], [1.3, undefined], [1.0, '`minimumTlsVersion` must be 1.2 or 1.3, got 1. Use 1.2 (the default) unless every client supports TLS 1.3.']])(
    'minimumTlsVersion %s', (version, expected) => {
      expect(minimumTlsVersionProblem(version)).toBe(expected);
    },
  );
});
