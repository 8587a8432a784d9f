import { RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { CloudFormationStack, OperationResult, StackVersion } from './deployment';
import { loadBundledHandler } from './driver';
import { ACCOUNT, REGION } from './fake-aws';
import { currentValue, Release, releaseOf, ROTATION_FUNCTION, RotationAccount, rotationFakeAwsForThisFile } from './rotation-account';
import { CustomerManagedKey } from '../../src/kms';
import { RotatingSecret } from '../../src/secretsmanager';
import { OTHER_ACCOUNT, testApp } from '../util/app';

/**
 * RotatingSecret's lifecycle as a table: each change of a prop × (succeeds; fails at the resource it
 * changes, then rolls back; fails in a later resource, then rolls back), a logical-id change and the
 * stack's deletion, through CloudFormation's order (deployment.ts) with the policies in force. After every
 * step that touches the rotation, a whole rotation runs with the function's code and configuration of that
 * moment. Every rotation of the secret that stays succeeds (a key change and its rollback included); the
 * secret a rename or logical-id change leaves behind is refused, untouched, once the function's
 * configuration no longer lists it. Each row asserts the value, tags, key, versions and which secrets
 * exist and rotate afterwards.
 */

jest.setTimeout(300_000);

const STACK_NAME = 'HarnessStack';
const REPLICA_KEY = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** What one version of the app sets. */
interface Props {
  readonly id?: string;
  readonly name?: string;
  readonly sharedKey?: boolean;
  readonly passwordLength?: number;
  readonly tag?: string;
  readonly replica?: boolean;
  readonly readerOfAnotherAccount?: boolean;
  /** The value of a later resource, which every version changes so that it is updated after the secret. */
  readonly later: string;
}

const versions = new Map<string, StackVersion>();

/** The app's stack for `props`, synthesized once per file. */
function version(props: Props): StackVersion {
  const key = JSON.stringify(props);
  if (!versions.has(key)) {
    const stack = new Stack(testApp(), STACK_NAME, { env: { account: ACCOUNT, region: REGION } });
    const shared = new CustomerManagedKey(stack, 'SharedKey');
    const secret = new RotatingSecret(stack, props.id ?? 'Secret', {
      secretName: props.name ?? 'app/credentials',
      encryptionKey: props.sharedKey ? shared : undefined,
      generateSecretString: { secretStringTemplate: '{"username":"app"}', generateStringKey: 'password', passwordLength: props.passwordLength ?? 40 },
      replicaRegions: props.replica ? [{ region: 'eu-central-1', encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicaKey', REPLICA_KEY) }] : undefined,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.tag) {
      Tags.of(secret).add('team', props.tag);
    }
    if (props.readerOfAnotherAccount) {
      secret.grantRead(new iam.AccountPrincipal(OTHER_ACCOUNT));
    }
    const later = new ssm.CfnParameter(stack, 'Later', { type: 'String', value: props.later });
    later.node.addDependency(secret, stack.node.findChild('CdkKmsEncryptionGenericRotation'));
    versions.set(key, StackVersion.of(stack));
  }
  return versions.get(key)!;
}

const aws = rotationFakeAwsForThisFile();
let rotationCode: Release['rotation'];
beforeAll(() => {
  rotationCode = loadBundledHandler('secretsmanager/private/rotation.lambda');
});

/** Deploys `before`, then `after` (failing where asked), with a rotation after every step that touches it. */
async function scenario(before: Props, after: Props, failing: (next: StackVersion) => string[]) {
  const old: Release = { version: version(before), rotation: rotationCode };
  const next: Release = { version: version(after), rotation: rotationCode };
  const account = new RotationAccount(aws, { rotationFunction: ROTATION_FUNCTION });
  const stack = new CloudFormationStack(aws, (id) => account.handlerOf(id));
  const created = await stack.deploy(old.version, { between: (step) => account.observe(step, old) });
  expect(created.status).toEqual('CREATE_COMPLETE');
  await account.rotate('the first version', 'token-0');
  let tokens = 0;
  const result: OperationResult = await stack.deploy(next.version, {
    failing: failing(next.version),
    between: async (step) => {
      account.observe(step, releaseOf(step, old, next));
      if (touchesRotation(step.logicalId, step.type)) {
        await account.rotate(`${step.phase} ${step.action} ${step.logicalId}`, `token-${++tokens}`);
      }
    },
  });
  await account.rotate('the end', 'token-end');
  return { account, result, stack, final: result.status === 'UPDATE_COMPLETE' ? next.version : old.version };
}

function touchesRotation(logicalId: string, type: string): boolean {
  return logicalId.startsWith('CdkKmsEncryptionGenericRotation') || type.startsWith('AWS::SecretsManager::') || type === 'AWS::KMS::Key';
}

function logicalIdOf(stackVersion: StackVersion, type: string): string {
  return Object.keys(stackVersion.resources).find((id) => stackVersion.resources[id].Type === type)!;
}

const BASE: Props = { later: 'v1' };
/** Each prop's change, and the resource it changes (where "fails in the resource it changes" fails). */
const CHANGES: Array<[string, Props, string]> = [
  ['key (own → shared)', { sharedKey: true, later: 'v2' }, 'AWS::SecretsManager::Secret'],
  ['rotation settings (passwordLength 40 → 48)', { passwordLength: 48, later: 'v2' }, 'AWS::SecretsManager::Secret'],
  ['name (a replacement)', { name: 'app/credentials-v2', later: 'v2' }, 'AWS::SecretsManager::Secret'],
  ['tags', { tag: 'payments', later: 'v2' }, 'AWS::SecretsManager::Secret'],
  ['replica Regions', { replica: true, later: 'v2' }, 'AWS::SecretsManager::Secret'],
  ['resource policy (a reader of another account)', { readerOfAnotherAccount: true, later: 'v2' }, 'AWS::SecretsManager::ResourcePolicy'],
  ['logical id (construct id Secret → Credentials)', { id: 'Credentials', name: 'app/credentials-moved', later: 'v2' }, 'AWS::SecretsManager::Secret'],
];
const OUTCOMES: Array<[string, (next: StackVersion, type: string) => string[]]> = [
  ['succeeds', () => []],
  ['fails at the resource it changes, then rolls back', (next, type) => [logicalIdOf(next, type)]],
  ['fails in a later resource, then rolls back', () => ['Later']],
];
const ROWS = CHANGES.flatMap(([change, after, type]) => OUTCOMES.map(([outcome, failing]) => [change, outcome, after, type, failing] as const));

describe.each(ROWS)('%s: %s', (_change, outcome, after, type, failing) => {
  test('every rotation of the secret that stays succeeds in every window; value, tags, key, versions and secrets are the final version\'s', async () => {
    // WHEN
    const { account, result, final } = await scenario(BASE, after, (next) => failing(next, type));

    // THEN the operation ended as the row says
    expect(result.status).toEqual(outcome === 'succeeds' ? 'UPDATE_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE');
    expect(account.rotations.length).toBeGreaterThan(2);

    // The secret the final version's schedule rotates: its value kept every field, its tags and key are the template's
    const secretId = logicalIdOf(final, 'AWS::SecretsManager::Secret');
    const properties = final.intrinsics.resolve(final.resources[secretId].Properties!);
    const secret = account.secretAt(final.intrinsics.arn(secretId));
    expect(account.secret()).toBe(secret);
    // A rename or logical-id change refuses the secret that is leaving, forwards or in the rollback, while
    // the function's configuration lists only the other one; every other change rotates in every window.
    const renames = after.name !== undefined;
    expect(renames || account.rotations.every((attempt) => attempt.outcome === 'rotated')).toBe(true);
    expect(account.rotations.at(-1)).toEqual({ after: 'the end', secret: secret.arn, outcome: 'rotated' });
    // The secret a rename leaves behind: refused before any call once the function no longer lists it, its value untouched
    for (const refused of account.rotations.filter((attempt) => attempt.outcome === 'failed')) {
      expect(refused.reason).toEqual(`Secret ${refused.secret} is not a secret of this function's stack: its generic rotation function rotates only those. Nothing was read or changed; point the secret's rotation at its own function.`);
      expect(JSON.parse(currentValue(account.secretAt(refused.secret))).username).toEqual('app');
    }
    const value = JSON.parse(currentValue(secret));
    expect(Object.keys(value).sort()).toEqual(['password', 'username']);
    expect(value.password).toHaveLength(properties.GenerateSecretString.PasswordLength);
    expect(secret.tags).toEqual(properties.Tags);
    expect(secret.keyId).toEqual(properties.KmsKeyId);
    // Each rotation of it left one version; the last is AWSCURRENT, the one before AWSPREVIOUS
    expect(secret.versions.get('token-end')!.stages).toEqual(['AWSCURRENT']);
    expect([...secret.versions.values()].filter((stored) => stored.stages.includes('AWSPREVIOUS'))).toHaveLength(1);

    // What exists: every secret ever created is retained (a failed create creates none); only the final version's rotates
    const createdAnother = after.name !== undefined && outcome !== 'fails at the resource it changes, then rolls back';
    expect(aws.secrets.size).toEqual(createdAnother ? 2 : 1);
    expect([...aws.secrets.values()].filter((candidate) => candidate.rotationEnabled)).toEqual([secret]);
  });
});

test('deleting the stack keeps the secret and its key, with rotation off', async () => {
  // GIVEN
  const { account, stack } = await scenario(BASE, { ...BASE, tag: 'payments', later: 'v2' }, () => []);
  const secret = account.secret();

  // WHEN
  const deleted = await stack.delete({ between: (step) => account.observe(step, { version: version({ ...BASE, tag: 'payments', later: 'v2' }), rotation: rotationCode }) });

  // THEN
  expect(deleted.status).toEqual('DELETE_COMPLETE');
  expect(aws.secrets.get(secret.arn)).toBe(secret);
  expect(secret.rotationEnabled).toBe(false);
  expect(JSON.parse(currentValue(secret)).username).toEqual('app');
  expect(deleted.steps.filter((step) => step.action === 'delete').map((step) => step.type))
    .not.toEqual(expect.arrayContaining(['AWS::SecretsManager::Secret', 'AWS::KMS::Key']));
});
