import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { check } from './findings';
import { deniesInsecureTransport } from '../../src/checks/private/s3-rules';
import { secretWord } from '../../src/checks/private/ssm-rules';
import { ACCOUNT, OTHER_ACCOUNT, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { ALLOW_ALL_IDENTITY, evaluate } from '../util/policy';

// The first synthesis and policy simulation load aws-cdk-lib and the evaluator.
jest.setTimeout(60_000);

const TLS_RULE = 'cdk-kms-encryption::S3BucketTlsDeny';
const PUBLIC_KEY_RULE = 'cdk-kms-encryption::KmsKeyPolicyPublic';

/** The resolved policy of the only resource of `type` in the stack, from property `property`. */
function resolvedPolicy(stack: Stack, type: string, property: string): any {
  const intrinsics = new Intrinsics(stack);
  const resources = Template.fromStack(stack).findResources(type);
  return intrinsics.resolve(Object.values<any>(resources)[0].Properties[property]);
}

describe('S3BucketTlsDeny agrees with policy evaluation', () => {
  test.each<[string, (stack: Stack) => s3.Bucket, boolean]>([
    ['enforceSSL', (stack) => new s3.Bucket(stack, 'Bucket', { enforceSSL: true }), true],
    ['a deny on GetObject only', (stack) => {
      const bucket = new s3.Bucket(stack, 'Bucket');
      bucket.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
      return bucket;
    }, false],
  ])('%s', async (_case, build, passes) => {
    // GIVEN
    const stack = testStack();
    build(stack);

    // WHEN
    const reported = ruleIdsOf(build).includes(TLS_RULE);
    const policy = resolvedPolicy(stack, 'AWS::S3::BucketPolicy', 'PolicyDocument');
    const bucketArn = new Intrinsics(stack).arn(new Intrinsics(stack).logicalIdOf('AWS::S3::Bucket'));
    const putOverHttp = await evaluate(policy, {
      principal: `arn:aws:iam::${ACCOUNT}:role/writer`,
      action: 's3:PutObject',
      resource: `${bucketArn}/data.csv`,
      resourceAccount: ACCOUNT,
      context: { 'aws:SecureTransport': 'false' },
      identityStatements: [ALLOW_ALL_IDENTITY],
    });

    // THEN the rule passes exactly when AWS denies an upload over plain HTTP
    expect(reported).toBe(!passes);
    expect(putOverHttp).toBe(passes ? 'ExplicitlyDenied' : 'Allowed');
  });
});

describe('KmsKeyPolicyPublic agrees with policy evaluation', () => {
  test.each<[string, iam.PolicyStatementProps, boolean]>([
    ['Allow to * without a condition', { principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }, false],
    ['Allow to * within an organization', {
      principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'], conditions: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
    }, true],
  ])('%s', async (_case, statement, passes) => {
    // GIVEN
    const build = (scope: Stack) => new kms.Key(scope, 'Key', { enableKeyRotation: true }).addToResourcePolicy(new iam.PolicyStatement(statement));
    const stack = testStack();
    build(stack);

    // WHEN
    const reported = ruleIdsOf(build).includes(PUBLIC_KEY_RULE);
    const intrinsics = new Intrinsics(stack);
    const stranger = await evaluate(resolvedPolicy(stack, 'AWS::KMS::Key', 'KeyPolicy'), {
      principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/stranger`,
      action: 'kms:Decrypt',
      resource: intrinsics.arn(intrinsics.logicalIdOf('AWS::KMS::Key')),
      resourceAccount: ACCOUNT,
      context: { 'aws:PrincipalOrgID': 'o-stranger000' },
      identityStatements: [ALLOW_ALL_IDENTITY],
    });

    // THEN the rule passes exactly when a principal outside the organization is refused
    expect(reported).toBe(!passes);
    expect(stranger).toBe(passes ? 'ImplicitlyDenied' : 'Allowed');
  });
});

describe('deniesInsecureTransport (bucket policies with resources as text), for bucket b', () => {
  const deny = (overrides: Record<string, unknown>) => ({
    Statement: [{
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      ...overrides,
    }],
  });

  test.each<[string, any, boolean]>([
    ['the enforceSSL statement', deny({}), true],
    ['Principal "*" and Action "*"', deny({ Principal: '*', Action: '*' }), true],
    ['BoolIfExists with a boolean false', deny({ Condition: { BoolIfExists: { 'aws:SecureTransport': false } } }), true],
    ['a single statement, not a list', { Statement: deny({}).Statement[0] }, true],
    ['Allow instead of Deny', deny({ Effect: 'Allow' }), false],
    ['one principal only', deny({ Principal: { AWS: 'arn:aws:iam::111111111111:root' } }), false],
    ['GetObject only', deny({ Action: 's3:GetObject' }), false],
    ['objects only', deny({ Resource: 'arn:aws:s3:::b/*' }), false],
    ['SecureTransport true', deny({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } }), false],
    ['no condition key', deny({ Condition: { Bool: { 'aws:ViaAWSService': 'false' } } }), false],
    ['no statements', {}, false],
    ['Resource "*"', deny({ Resource: '*' }), true],
    ['arn:aws:s3:::* (every bucket and object)', deny({ Resource: 'arn:aws:s3:::*' }), true],
    ['arn:aws:s3:::b* (the bucket and all objects, and more)', deny({ Resource: 'arn:aws:s3:::b*' }), true],
    ['the ARNs split over two statements', { Statement: [deny({ Resource: 'arn:aws:s3:::b' }).Statement[0], deny({ Resource: 'arn:aws:s3:::b/*' }).Statement[0]] }, true],
    ['the partition as ${AWS::Partition}', deny({ Resource: ['arn:${AWS::Partition}:s3:::b', 'arn:${AWS::Partition}:s3:::b/*'] }), true],
    ['another bucket\'s objects (bb/*)', deny({ Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::bb/*'] }), false],
    ['a prefix only (b/logs/*)', deny({ Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/logs/*'] }), false],
    ['another bucket\'s ARN', deny({ Resource: ['arn:aws:s3:::c', 'arn:aws:s3:::b/*'] }), false],
    ['a wildcard inside the object pattern (b/*/x*)', deny({ Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*/x*'] }), false],
    ['bucket only', deny({ Resource: 'arn:aws:s3:::b' }), false],
    ['a TLS-version deny only: plain HTTP has no TLS version', deny({ Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } }), false],
  ])('%s', (_case, policy, expected) => {
    expect(deniesInsecureTransport(policy, 'arn:aws:s3:::b')).toBe(expected);
  });
});

describe('secretWord', () => {
  test.each<[string, string | undefined]>([
    ['/app/db/password', 'password'],
    ['DbPassword', 'password'],
    ['/app/dbpassword', 'password'],
    ['/app/passwd', 'passwd'],
    ['/app/client-secret', 'secret'],
    ['/app/GITHUB_TOKEN', 'token'],
    ['/app/api key', 'apikey'],
    ['/app/apiKey', 'apikey'],
    ['/app/api_key', 'apikey'],
    ['/app/apikey', 'apikey'],
    ['/app/signing/private-key', 'privatekey'],
    ['/app/PrivateKey', 'privatekey'],
    ['/app/db-host', undefined],
    ['/app/DbSecretArn', undefined],
    ['/app/secret-name', undefined],
    ['/app/api-key-id', undefined],
    ['/app/secretary', undefined],
    ['/app/public-key', undefined],
  ])('%s → %s', (name, expected) => {
    expect(secretWord(name)).toBe(expected);
  });
});

/** Rule ids the checks report on the same resources in a fresh app (findings fail synthesis, so not on `stack`). */
function ruleIdsOf(build: (stack: Stack) => unknown): string[] {
  return check((stack) => {
    build(stack);
  }).map((finding) => finding.ruleId);
}
