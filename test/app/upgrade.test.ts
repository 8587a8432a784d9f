/**
 * The upgrade from the previous releases: the showcase app as each of them synthesized it (committed
 * baselines under test/harness/baselines/, written by scripts/baseline-assembly.ts), compared with today's.
 * A resource that holds data is never replaced or removed unannounced, every logical id that leaves is
 * announced in the README's Upgrading section, and every update of a custom resource is listed here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GetRandomPasswordCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { App } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { addShowcaseStacks } from '../../demo/showcase';
import { ARN, FakeSecret, TOKEN } from '../secretsmanager/fake-secret';

jest.setTimeout(120_000);

const BASELINES = path.join(__dirname, '..', 'harness', 'baselines');
const README = path.join(__dirname, '..', '..', 'README.md');
const STACKS = ['ShowcaseDefaults', 'ShowcaseConfigured'];

/**
 * Resource types that hold data, with the properties whose change replaces the resource (for a custom
 * resource: the properties its handler answers with a new physical id).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-replicakey.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-secret.html
 */
const DATA_TYPES: Record<string, string[]> = {
  'AWS::KMS::Key': ['KeySpec', 'KeyUsage', 'MultiRegion'],
  'AWS::KMS::ReplicaKey': ['PrimaryKeyArn'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::SSM::Parameter': ['Name'],
  'Custom::SecureStringParameter': ['Name', 'ServiceToken'],
};

/** What an upgrade from one baseline does to one stack, by logical id. */
interface Changes {
  readonly removed: string[];
  readonly added: string[];
  /** Resources that hold data and are replaced: a type change or a replacing property. */
  readonly replaced: string[];
  /** Custom resources whose properties change: each instance gets an Update, which runs its handler. */
  readonly customResourceUpdates: string[];
}

/** The expected changes, by baseline and stack; each removed logical id is announced in the README. */
const EXPECTED: Record<string, Record<string, Changes>> = {
  '32a4a74': {
    ShowcaseDefaults: {
      removed: [],
      added: ['CdkKmsEncryptionGenericRotationKeyPoliciesPolicy1708EA871', 'CdkKmsEncryptionGenericRotationPreviousKeyPoliciesPolicy126F965C7', 'CdkKmsEncryptionGenericRotationSecretPoliciesPolicy107D7F276',
        'SecureStringParameterProviderPreviousKeysPolicy529B39A5'],
      replaced: [],
      customResourceUpdates: [],
    },
    ShowcaseConfigured: {
      removed: [],
      added: ['CdkKmsEncryptionGenericRotationKeyPoliciesPolicy1708EA871', 'CdkKmsEncryptionGenericRotationPreviousKeyPoliciesPolicy126F965C7', 'CdkKmsEncryptionGenericRotationSecretPoliciesPolicy107D7F276',
        'SecureStringParameterProviderPreviousKeysPolicy529B39A5'],
      replaced: [],
      customResourceUpdates: [],
    },
  },
  '1bcacb7': {
    ShowcaseDefaults: {
      removed: ['CdkKmsEncryptionGenericRotationLogGroupKeyAEC346FD', 'SecretRotationPermissionBF242A4C', 'SecureStringParameterProviderLogGroupKey5F968C51'],
      added: [
        'CdkKmsEncryptionGenericRotationInvokePermissionBA39F251', 'CdkKmsEncryptionGenericRotationKeyPoliciesPolicy1708EA871',
        'CdkKmsEncryptionGenericRotationPreviousKeyPoliciesPolicy126F965C7', 'CdkKmsEncryptionGenericRotationSecretPoliciesPolicy107D7F276',
        'CdkKmsEncryptionHandlerLogsKey44DCF2D6', 'SecureStringParameterProviderPreviousKeysPolicy529B39A5',
        'SecureStringParameterProviderRolePolicy2478BB7A5',
      ],
      replaced: [],
      customResourceUpdates: [],
    },
    ShowcaseConfigured: {
      removed: ['CdkKmsEncryptionGenericRotationLogGroupKeyAEC346FD', 'DatabaseCredentialsRotationPermission29EEB2A0', 'SecureStringParameterProviderLogGroupKey5F968C51'],
      added: [
        'CdkKmsEncryptionGenericRotationInvokePermissionBA39F251', 'CdkKmsEncryptionGenericRotationKeyPoliciesPolicy1708EA871',
        'CdkKmsEncryptionGenericRotationPreviousKeyPoliciesPolicy126F965C7', 'CdkKmsEncryptionGenericRotationSecretPoliciesPolicy107D7F276',
        'CdkKmsEncryptionHandlerLogsKey44DCF2D6', 'SecureStringParameterProviderPreviousKeysPolicy529B39A5',
        'SecureStringParameterProviderRolePolicy2478BB7A5',
      ],
      replaced: [],
      customResourceUpdates: [],
    },
  },
};

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>;

function templateResources(dir: string, stack: string): Resources {
  return JSON.parse(fs.readFileSync(path.join(dir, `${stack}.template.json`), 'utf8')).Resources;
}

function changesBetween(before: Resources, after: Resources): Changes {
  const kept = Object.keys(before).filter((id) => id in after);
  const changed = (id: string, property: string) =>
    JSON.stringify(before[id].Properties?.[property]) !== JSON.stringify(after[id].Properties?.[property]);
  return {
    removed: Object.keys(before).filter((id) => !(id in after)).sort(),
    added: Object.keys(after).filter((id) => !(id in before)).sort(),
    replaced: kept.filter((id) => before[id].Type in DATA_TYPES
      && (before[id].Type !== after[id].Type || DATA_TYPES[before[id].Type].some((property) => changed(id, property)))).sort(),
    customResourceUpdates: kept.filter((id) => before[id].Type.startsWith('Custom::')
      && JSON.stringify(before[id].Properties) !== JSON.stringify(after[id].Properties)).sort(),
  };
}

/** The README's Upgrading section: its names in backticks, without slashes (`Secret/Key` reads as SecretKey). */
function announcedNames(): string[] {
  const readme = fs.readFileSync(README, 'utf8');
  const start = readme.indexOf('\n## Upgrading');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/`([A-Za-z0-9/]{6,})`/g)].map((match) => match[1].replace(/\//g, ''));
}

/** A logical id is announced when a name in the Upgrading section ends its path (the id without its hash). */
function isAnnounced(logicalId: string, names: string[]): boolean {
  const stem = logicalId.replace(/[0-9A-F]{8}$/, '');
  return names.some((name) => stem.endsWith(name));
}

let today: string;
beforeAll(() => {
  today = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-'));
  const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS }, outdir: today });
  addShowcaseStacks(app);
  app.synth();
});
afterAll(() => fs.rmSync(today, { recursive: true, force: true }));

describe.each(Object.keys(EXPECTED))('upgrading the showcase from %s', (baseline) => {
  test.each(STACKS)('%s: the changes are the expected ones, and nothing that holds data is replaced', (stack) => {
    const changes = changesBetween(templateResources(path.join(BASELINES, baseline), stack), templateResources(today, stack));
    expect(changes).toEqual(EXPECTED[baseline][stack]);
  });

  test.each(STACKS)('%s: every logical id that leaves is announced in the README\'s Upgrading section, and every resource that holds data among them is retained', (stack) => {
    const before = templateResources(path.join(BASELINES, baseline), stack);
    const { removed } = changesBetween(before, templateResources(today, stack));
    const names = announcedNames();
    expect(removed.filter((id) => !isAnnounced(id, names))).toEqual([]);
    expect(removed.filter((id) => before[id].Type in DATA_TYPES && before[id].DeletionPolicy !== 'Retain')).toEqual([]);
  });

  test('the release\'s rotation code refuses today\'s settings environment: nothing is generated or stored', async () => {
    // GIVEN the code CloudFormation has not yet replaced, with the configuration it already has (Lambda's two calls)
    const bundle = fs.readdirSync(path.join(BASELINES, baseline))
      .map((entry) => path.join(BASELINES, baseline, entry, 'index.js'))
      .find((file) => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('createSecret'))!;
    const secret = new FakeSecret(JSON.stringify({ username: 'app', password: 'first-password-0123456789abcdef' }), { jsonField: 'password' });
    secret.startRotation(TOKEN);
    // The bundle makes its own client when it loads: every other client of the module answers as the fake secret.
    const send = jest.spyOn(SecretsManagerClient.prototype, 'send').mockImplementation((command: any) => secret.client.send(command));
    process.env.ROTATION_SETTINGS = secret.environment;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { handler } = require(bundle);

      // WHEN / THEN
      await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: 'createSecret' })).rejects.toThrow(
        'The function\'s ROTATION_SETTINGS environment variable must hold a JSON array.');
      expect(secret.mock.commandCalls(GetRandomPasswordCommand)).toHaveLength(0);
      expect(secret.mock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
      expect(secret.valueAt('AWSCURRENT')).toEqual(JSON.stringify({ username: 'app', password: 'first-password-0123456789abcdef' }));
    } finally {
      send.mockRestore();
      delete process.env.ROTATION_SETTINGS;
    }
  });
});
