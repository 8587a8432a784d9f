/**
 * The upgrade path: two versions of one app, deployed one after the other. Resources that leave the app
 * are retained with the key policy CloudFormation last gave their key; resources that stay get the new
 * version's. What was written under version 1 must stay readable under version 2.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ExternalKeyRing } from '../../src/kms';
import { EncryptedLogGroup } from '../../src/logs';
import { EncryptedBucket } from '../../src/s3';
import { ACCOUNT, REGION, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { Decision, evaluate } from '../util/policy';

jest.setTimeout(60_000);

const BUCKET = 'payments-data';

interface Version {
  readonly generations: string[];
  readonly logGroups: string[];
  /** Names of log groups removed from the app but retained, whose key access is kept. */
  readonly keptLogGroups?: string[];
}

/** A payments app: a key ring, log groups on its current key, a bucket on it that a role reads. */
function deploy(version: Version) {
  const stack = testStack('Payments');
  const ring = new ExternalKeyRing(stack, 'Ring', { alias: 'payments', generations: version.generations });
  for (const name of version.logGroups) {
    new EncryptedLogGroup(stack, `Logs${name}`, { encryptionKey: ring.currentKey, logGroupName: `/payments/${name}` });
  }
  if (version.keptLogGroups) {
    EncryptedLogGroup.keepKeyAccess(ring.currentKey, version.keptLogGroups.map((name) => `/payments/${name}`));
  }
  const bucket = new EncryptedBucket(stack, 'Bucket', { encryptionKey: ring.currentKey, bucketName: BUCKET });
  bucket.grantRead(new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
  return { stack, ring, intrinsics: new Intrinsics(stack) };
}

/** Whether CloudWatch Logs may decrypt a log group's events under a ring generation, in a deployed version. */
function logsDecrypt({ stack, ring, intrinsics }: ReturnType<typeof deploy>, generation: number, logGroup: string): Promise<Decision> {
  const keyId = stack.getLogicalId(ring.keys[generation].node.defaultChild as any);
  return evaluate(keyPolicyOf(stack, intrinsics, keyId), {
    principal: `logs.${REGION}.amazonaws.com`,
    action: 'kms:Decrypt',
    resource: intrinsics.arn(keyId),
    resourceAccount: ACCOUNT,
    context: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/payments/${logGroup}` },
  });
}

/** Whether the bucket reader may decrypt an object under a ring generation through S3, in a deployed version. */
function readerDecrypts({ stack, ring, intrinsics }: ReturnType<typeof deploy>, generation: number): Promise<Decision> {
  const keyId = stack.getLogicalId(ring.keys[generation].node.defaultChild as any);
  const identityStatements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((policy: any) => JSON.stringify(policy.Properties.Roles).includes('Reader'))
    .flatMap((policy: any) => intrinsics.resolve(policy.Properties.PolicyDocument.Statement));
  return evaluate(keyPolicyOf(stack, intrinsics, keyId), {
    principal: intrinsics.arn(stack.getLogicalId(stack.node.findChild('Reader').node.defaultChild as iam.CfnRole)),
    action: 'kms:Decrypt',
    resource: intrinsics.arn(keyId),
    resourceAccount: ACCOUNT,
    context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${BUCKET}` },
    identityStatements,
  });
}

function keyPolicyOf(stack: Stack, intrinsics: Intrinsics, keyId: string): any {
  return intrinsics.resolve(Template.fromStack(stack).toJSON().Resources[keyId].Properties.KeyPolicy);
}

describe('two versions of an app: drop a log group, move the key ring to a new generation', () => {
  const version1: Version = { generations: ['v1'], logGroups: ['api', 'batch'] };
  const version2: Version = { generations: ['v1', 'v2'], logGroups: ['api'], keptLogGroups: ['batch'] };

  test('version 1: both log groups and the reader use v1', async () => {
    const deployed = deploy(version1);
    await expect(logsDecrypt(deployed, 0, 'api')).resolves.toBe('Allowed');
    await expect(logsDecrypt(deployed, 0, 'batch')).resolves.toBe('Allowed');
    await expect(readerDecrypts(deployed, 0)).resolves.toBe('Allowed');
  });

  test('version 2: the retained log group, the log group that stays and the reader still decrypt what v1 encrypted', async () => {
    const deployed = deploy(version2);
    await expect(logsDecrypt(deployed, 0, 'api')).resolves.toBe('Allowed');
    await expect(logsDecrypt(deployed, 0, 'batch')).resolves.toBe('Allowed');
    await expect(readerDecrypts(deployed, 0)).resolves.toBe('Allowed');
    await expect(logsDecrypt(deployed, 1, 'api')).resolves.toBe('Allowed');
    await expect(readerDecrypts(deployed, 1)).resolves.toBe('Allowed');
  });

  test('version 2 without keepKeyAccess: the dropped log group could no longer be read, which is why it is needed', async () => {
    const deployed = deploy({ ...version2, keptLogGroups: undefined });
    await expect(logsDecrypt(deployed, 0, 'batch')).resolves.toBe('ImplicitlyDenied');
  });
});
