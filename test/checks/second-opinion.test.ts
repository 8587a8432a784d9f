/**
 * A second opinion on a few data rows of the coverage (src/checks/private/key-coverage/key-property-rows.ts): cases
 * written after what cdk-nag's and checkov's rules for the same types judge (their rule named on each case). The
 * rows are never more lenient than those rules; where they are stricter (an AWS managed key, or none where a key
 * is optional for the other rule), the case says so.
 */
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Finding, findingsOf } from './findings';
import { CustomerManagedKey } from '../../src/kms';
import { testApp, testStack } from '../util/app';

type Verdict = 'pass' | 'fail';

/** [the other rule, resource type, properties (by stack), its verdict, ours, why ours differs]. */
type Case = [string, string, (stack: Stack) => Record<string, unknown>, Verdict, Verdict, string?];

const cmk = (stack: Stack) => ((stack.node.tryFindChild('Key') as CustomerManagedKey | undefined) ?? new CustomerManagedKey(stack, 'Key')).keyArn;
const STRICTER_MANAGED = 'stricter: an AWS managed key is not customer-managed';
const STRICTER_DEFAULT_KEY = 'stricter: encrypted, but with the service\'s AWS managed key';

const CASES: Case[] = [
  // cdk-nag DocumentDBClusterEncryptionAtRest: StorageEncrypted must be true.
  ['cdk-nag DocumentDBClusterEncryptionAtRest', 'AWS::DocDB::DBCluster', () => ({}), 'fail', 'fail'],
  ['cdk-nag DocumentDBClusterEncryptionAtRest', 'AWS::DocDB::DBCluster', () => ({ StorageEncrypted: false }), 'fail', 'fail'],
  ['cdk-nag DocumentDBClusterEncryptionAtRest', 'AWS::DocDB::DBCluster', () => ({ StorageEncrypted: true }), 'pass', 'fail', STRICTER_DEFAULT_KEY],
  ['cdk-nag DocumentDBClusterEncryptionAtRest', 'AWS::DocDB::DBCluster', (s) => ({ StorageEncrypted: true, KmsKeyId: cmk(s) }), 'pass', 'pass'],
  // cdk-nag NeptuneClusterEncryptionAtRest and checkov CKV_AWS_44: StorageEncrypted must be true.
  ['checkov CKV_AWS_44', 'AWS::Neptune::DBCluster', () => ({}), 'fail', 'fail'],
  ['checkov CKV_AWS_44', 'AWS::Neptune::DBCluster', () => ({ StorageEncrypted: 'false' }), 'fail', 'fail'],
  ['checkov CKV_AWS_44', 'AWS::Neptune::DBCluster', () => ({ StorageEncrypted: true }), 'pass', 'fail', STRICTER_DEFAULT_KEY],
  ['checkov CKV_AWS_44', 'AWS::Neptune::DBCluster', (s) => ({ StorageEncrypted: 'true', KmsKeyId: cmk(s) }), 'pass', 'pass'],
  // cdk-nag SageMakerNotebookInstanceKMSKeyConfigured and checkov CKV_AWS_187: any KmsKeyId.
  ['checkov CKV_AWS_187', 'AWS::SageMaker::NotebookInstance', () => ({}), 'fail', 'fail'],
  ['checkov CKV_AWS_187', 'AWS::SageMaker::NotebookInstance', (s) => ({ KmsKeyId: cmk(s) }), 'pass', 'pass'],
  ['checkov CKV_AWS_187', 'AWS::SageMaker::NotebookInstance', () => ({ KmsKeyId: 'alias/aws/sagemaker' }), 'pass', 'fail', STRICTER_MANAGED],
  ['checkov CKV_AWS_187', 'AWS::SageMaker::Domain', () => ({}), 'fail', 'fail'],
  ['checkov CKV_AWS_187', 'AWS::SageMaker::Domain', (s) => ({ KmsKeyId: cmk(s) }), 'pass', 'pass'],
  // cdk-nag TimestreamDatabaseCustomerManagedKey and checkov CKV_AWS_160: any KmsKeyId.
  ['cdk-nag TimestreamDatabaseCustomerManagedKey', 'AWS::Timestream::Database', () => ({}), 'fail', 'fail'],
  ['cdk-nag TimestreamDatabaseCustomerManagedKey', 'AWS::Timestream::Database', (s) => ({ KmsKeyId: cmk(s) }), 'pass', 'pass'],
  ['cdk-nag TimestreamDatabaseCustomerManagedKey', 'AWS::Timestream::Database', () => ({ KmsKeyId: 'alias/aws/timestream' }), 'pass', 'fail', STRICTER_MANAGED],
  // checkov CKV_AWS_136: EncryptionType KMS.
  ['checkov CKV_AWS_136', 'AWS::ECR::Repository', () => ({}), 'fail', 'fail'],
  ['checkov CKV_AWS_136', 'AWS::ECR::Repository', () => ({ EncryptionConfiguration: { EncryptionType: 'AES256' } }), 'fail', 'fail'],
  ['checkov CKV_AWS_136', 'AWS::ECR::Repository', () => ({ EncryptionConfiguration: { EncryptionType: 'KMS' } }), 'pass', 'fail', STRICTER_DEFAULT_KEY],
  ['checkov CKV_AWS_136', 'AWS::ECR::Repository', (s) => ({ EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: cmk(s) } }), 'pass', 'pass'],
];

let app: App;
let findings: Finding[];

beforeAll(() => {
  app = testApp();
  CASES.forEach(([, type, properties], index) => {
    const stack = testStack(`Case${index}`, {}, app);
    new CfnResource(stack, 'R', { type, properties: properties(stack) });
  });
  findings = findingsOf(app);
});

afterAll(() => {
  app = undefined as any;
  findings = [];
});

test.each(CASES.map(([other, type, , theirs, ours, why], index) => ({ index, other, type, theirs, ours, why })))('case $index: $other on $type', ({ index, theirs, ours, why }) => {
  const reported = findings.filter((finding) => finding.path === `Case${index}/R` && finding.ruleId.endsWith('KmsCmk'));
  expect(reported.map((finding) => finding.level)).toEqual(ours === 'fail' ? ['error'] : []);
  // Never more lenient than the other rule; stricter only with a reason.
  expect(theirs === 'fail' && ours === 'pass').toBe(false);
  expect(why !== undefined).toBe(theirs !== ours);
});
