/**
 * The truth table of every data row of the coverage (src/checks/private/key-coverage/key-property-rows.ts)
 * and of the concern rules, on one synthesized app: one stack per row, one L1 resource per case.
 */
import { App, CfnParameter, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Finding, findingsOf } from './findings';
import { KEY_PROPERTY_ROWS } from '../../src/checks/private/key-coverage/key-property-rows';
import { KeyPropertyRow, fixOf, resourceNounOf, ruleNameOf, valuesAt } from '../../src/checks/private/key-coverage/key-rows';
import { CustomerManagedKey } from '../../src/kms';
import { testApp, testStack } from '../util/app';

const NOT_CHECKED = (what: string) =>
  `Could not be checked: ${what} is only known at deploy time (a parameter, an import or another token). Make sure it complies, then acknowledge this finding.`;
const IMPORTED_KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** The properties that put `value` at a spec path, list paths with one element. */
function at(path: string, value: unknown, into: Record<string, any> = {}): Record<string, any> {
  const [head, ...rest] = path.split('.');
  const list = head.endsWith('[]');
  const name = list ? head.slice(0, -2) : head;
  const inner = rest.length === 0 ? value : at(rest.join('.'), value, (list ? into[name]?.[0] : into[name]) ?? {});
  return { ...into, [name]: list ? [inner] : inner };
}

/** Each generic case: the key value (by stack), and the finding it must give, as [level, message] or none. */
type Case = [string, (stack: Stack) => unknown, (row: KeyPropertyRow, path: string) => [string, string] | undefined];
const CASES: Case[] = [
  ['AwsManaged', (s) => `arn:${s.partition}:kms:${s.region}:${s.account}:alias/aws/x`,
    (row) => ['error', `The ${resourceNounOf(row.resourceType)} is encrypted with an AWS managed key, not a customer-managed key. ${fixOf(row)}`]],
  ['AwsManagedAlias', (_s) => 'alias/aws/x', (row) => ['error', `The ${resourceNounOf(row.resourceType)} is encrypted with an AWS managed key, not a customer-managed key. ${fixOf(row)}`]],
  ['AppKey', (s) => once(s, 'Key', () => new CustomerManagedKey(s, 'Key')).keyArn, () => undefined],
  ['ImportedArn', () => IMPORTED_KEY_ARN, () => undefined],
  ['Parameter', (s) => once(s, 'KeyArn', () => new CfnParameter(s, 'KeyArn')).valueAsString, (row, path) => ['warning', NOT_CHECKED(`the ${resourceNounOf(row.resourceType)}'s \`${path}\``)]],
];

function once<T>(stack: Stack, id: string, define: () => T): T {
  return (stack.node.tryFindChild(id) as T | undefined) ?? define();
}

/** The properties that switch the row's encryption on, so that only the key decides. */
const switchedOn = (row: KeyPropertyRow) => (row.switchedOnBy ? at(row.switchedOnBy.path, row.switchedOnBy.on[0]) : {});
const merge = (a: Record<string, any>, path: string, value: unknown) => at(path, value, a);

let app: App;
let findings: Finding[];
const findingsAt = (path: string, rule: string) => findings
  .filter((finding) => finding.path === path && finding.ruleId === `cdk-kms-encryption::${rule}`)
  .map((finding) => [finding.level, finding.message]);

beforeAll(() => {
  app = testApp();
  KEY_PROPERTY_ROWS.forEach((row, index) => {
    const stack = testStack(`Row${index}`, {}, app);
    const resource = (id: string, properties: Record<string, any>) => new CfnResource(stack, id, { type: row.resourceType, properties });
    for (const path of [...(row.key ? [row.key] : []), ...(row.also ?? [])]) {
      for (const [name, value] of CASES) {
        // Cases of the other key properties have a compliant `key`, so that only the property of the case decides.
        const base = row.key && path !== row.key ? merge(switchedOn(row), row.key, IMPORTED_KEY_ARN) : switchedOn(row);
        resource(`${name}${path.replace(/\W/g, '')}`, merge(base, path, value(stack)));
      }
    }
    resource('Absent', switchedOn(row));
    if (row.switchedOnBy) {
      resource('SwitchedOff', at(row.key!, IMPORTED_KEY_ARN, at(row.switchedOnBy.path, 'off')));
      resource('SwitchFromParameter', at(row.key!, IMPORTED_KEY_ARN, at(row.switchedOnBy.path, new CfnParameter(stack, 'Switch').valueAsString)));
    }
    if (row.awsOwnedValues) {
      resource('AwsOwnedValue', at(row.key!, row.awsOwnedValues[0], switchedOn(row)));
    }
    if (row.key) {
      const parent = row.key.split('.').slice(0, -1).join('.');
      if (parent) {
        resource('IntrinsicOnThePath', at(parent.replace(/\[\]$/, ''), { 'Fn::If': ['C', {}, {}] }, switchedOn(row)));
      }
    }
  });
  const concerns = testStack('Concerns', {}, app);
  const secret = new secretsmanager.Secret(concerns, 'Rotated');
  secret.addRotationSchedule('Rotation', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), automaticallyAfter: Duration.days(30) });
  new secretsmanager.Secret(concerns, 'NotRotated');
  new secretsmanager.Secret(concerns, 'RotatedByName', { secretName: 'app/credentials' });
  new secretsmanager.CfnRotationSchedule(concerns, 'ByName', { secretId: 'app/credentials', rotationRules: { automaticallyAfterDays: 30 }, rotationLambdaArn: 'arn:aws:lambda:eu-west-1:111111111111:function:rotate' });
  new sqs.Queue(concerns, 'QueueTls', { enforceSSL: true });
  new sqs.Queue(concerns, 'QueuePlain');
  new sns.Topic(concerns, 'TopicTls', { enforceSSL: true });
  new sns.Topic(concerns, 'TopicPlain');
  new kms.Key(concerns, 'Rsa2048', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT });
  new kms.Key(concerns, 'Rsa2048Signing', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY });
  new kms.Key(concerns, 'Rsa3072', { keySpec: kms.KeySpec.RSA_3072, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT });
  new CustomerManagedKey(concerns, 'Cmk');
  const l2 = testStack('L2', {}, app);
  new ecr.Repository(l2, 'Repository');
  new ecr.Repository(l2, 'KmsManagedRepository', { encryption: ecr.RepositoryEncryption.KMS });
  new events.EventBus(l2, 'Bus');
  new sfn.Activity(l2, 'Activity');
  findings = findingsOf(app);
});

afterAll(() => {
  app = undefined as any;
  findings = [];
});

describe.each(KEY_PROPERTY_ROWS.map((row, index) => [row.resourceType, row, index] as const))('%s', (_type, row, index) => {
  const rule = ruleNameOf(row.resourceType);
  const noun = resourceNounOf(row.resourceType);
  const paths = [...(row.key ? [row.key] : []), ...(row.also ?? [])];

  test.each(paths.flatMap((path) => CASES.map(([name, , expected]) => [path, name, expected] as const)))('%s: %s', (path, name, expected) => {
    const finding = expected(row, path);
    expect(findingsAt(`Row${index}/${name}${path.replace(/\W/g, '')}`, rule)).toEqual(finding ? [finding] : []);
  });

  test(row.key ? `without \`${row.key}\`: the service's own key, reported` : 'without any key: passes (judged where set)', () => {
    expect(findingsAt(`Row${index}/Absent`, rule)).toEqual(row.key
      ? [['error', `The ${noun} is not encrypted with a customer-managed key: without it, ${row.resourceType.split('::')[1]} uses ${row.withoutKey}. ${fixOf(row)}`]]
      : []);
  });

  if (row.switchedOnBy) {
    test(`\`${row.switchedOnBy.path}\` off, or a parameter`, () => {
      expect(findingsAt(`Row${index}/SwitchedOff`, rule)).toEqual([['error', `The ${noun} is not encrypted with a KMS key (\`${row.switchedOnBy!.path}\` is 'off'). ${fixOf(row)}`]]);
      expect(findingsAt(`Row${index}/SwitchFromParameter`, rule)).toEqual([['warning', NOT_CHECKED(`the ${noun}'s \`${row.switchedOnBy!.path}\``)]]);
    });
  }
  if (row.awsOwnedValues) {
    test(`'${row.awsOwnedValues[0]}' selects a key AWS owns`, () => {
      expect(findingsAt(`Row${index}/AwsOwnedValue`, rule)).toEqual([['error', `The ${noun} is not encrypted with a customer-managed key: \`${row.key}\` is '${row.awsOwnedValues![0]}', a key AWS owns. ${fixOf(row)}`]]);
    });
  }
  if (row.key?.includes('.')) {
    test('an object on the key\'s path only known at deploy time could not be checked', () => {
      expect(findingsAt(`Row${index}/IntrinsicOnThePath`, rule).map(([level]) => level)).toEqual(['warning']);
    });
  }
});

describe('concern rules', () => {
  test.each([
    ['SecretRotation', 'Concerns/Rotated/Resource', []],
    ['SecretRotation', 'Concerns/RotatedByName/Resource', []],
    ['SecretRotation', 'Concerns/NotRotated/Resource', [['error', 'The secret has no rotation schedule, so its value never changes. Use RotatingSecret, or call `addRotationSchedule()` (or `secretsmanager.HostedRotation`) on it.']]],
    ['SqsQueueTlsDeny', 'Concerns/QueueTls/Resource', []],
    ['SqsQueueTlsDeny', 'Concerns/QueuePlain/Resource', [['error', 'No queue policy denies requests over plain HTTP (a Deny to everyone when aws:SecureTransport is false). Set `enforceSSL: true`.']]],
    ['SnsTopicTlsDeny', 'Concerns/TopicTls/Resource', []],
    ['SnsTopicTlsDeny', 'Concerns/TopicPlain/Resource', [['error', 'No topic policy denies requests over plain HTTP (a Deny to everyone when aws:SecureTransport is false). Set `enforceSSL: true`.']]],
    ['KmsKeyRsaLength', 'Concerns/Rsa2048/Resource', [['error', 'The key is an RSA_2048 encryption key, shorter than the 3072 bits encryption needs. Use `keySpec: KeySpec.RSA_3072` or `RSA_4096` (a new key: the spec cannot change).']]],
    ['KmsKeyRsaLength', 'Concerns/Rsa2048Signing/Resource', []],
    ['KmsKeyRsaLength', 'Concerns/Rsa3072/Resource', []],
    ['KmsKeyGrantsForAwsServices', 'Concerns/Rsa3072/Resource', [['error', 'The key policy does not limit kms:CreateGrant to AWS services (Control Tower CT.KMS.PR.3). Use CustomerManagedKey, or add a statement that denies kms:CreateGrant to everyone when kms:GrantIsForAWSResource and aws:PrincipalIsAWSService are both false (BoolIfExists).']]],
    ['KmsKeyGrantsForAwsServices', 'Concerns/Cmk/Resource', []],
  ])('%s on %s', (rule, path, expected) => {
    expect(findingsAt(path, rule)).toEqual(expected);
  });
});

describe('default L2 constructs of the new types are reported in their terms', () => {
  test.each([
    ['ECRRepositoryKmsCmk', 'L2/Repository/Resource', 'The repository is not encrypted with a KMS key (`EncryptionConfiguration.EncryptionType` is not set). Set `encryption: RepositoryEncryption.KMS` and `encryptionKey` to a CustomerManagedKey.'],
    ['ECRRepositoryKmsCmk', 'L2/KmsManagedRepository/Resource', 'The repository is not encrypted with a customer-managed key: without it, ECR uses its AWS managed key (aws/…). Set `encryption: RepositoryEncryption.KMS` and `encryptionKey` to a CustomerManagedKey.'],
    ['EventsEventBusKmsCmk', 'L2/Bus/Resource', 'The event bus is not encrypted with a customer-managed key: without it, Events uses a key AWS owns. Set `kmsKey` to a CustomerManagedKey.'],
    ['StepFunctionsActivityKmsCmk', 'L2/Activity/Resource', 'The activity is not encrypted with a customer-managed key: without it, StepFunctions uses a key AWS owns. Set `encryptionConfiguration` to a `CustomerManagedEncryptionConfiguration` with a CustomerManagedKey.'],
  ])('%s on %s', (rule, path, message) => {
    expect(findingsAt(path, rule)).toEqual([['error', message]]);
  });
});

test('valuesAt reads every list element, and stops at a deploy-time object', () => {
  expect(valuesAt({ A: [{ B: 'x' }, {}] }, 'A[].B')).toEqual({ values: ['x', undefined], unresolved: false });
  expect(valuesAt({}, 'A[].B')).toEqual({ values: [], unresolved: false });
  expect(valuesAt({ A: { 'Fn::If': ['C', {}, {}] } }, 'A.B')).toEqual({ values: [], unresolved: true });
  expect(valuesAt({ A: { Ref: 'P' } }, 'A[].B')).toEqual({ values: [], unresolved: true });
});
