import { createHash } from 'crypto';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { rotate } from '../../src/secretsmanager/private/rotation';
import { RotationSettings } from '../../src/secretsmanager/private/rotation-settings';

export const ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:api-key-AbCdEf';
export const TOKEN = 'token-2';
export const SECRET_NAME = 'api-key';

/** The n-th value the mocked GetRandomPassword returns: 32 characters with every class. */
export function random(n: number): string {
  return `Rand0m-${n}`.padEnd(32, 'x');
}

/**
 * An in-memory secret behind a mocked Secrets Manager client, with the version and staging-label rules the
 * rotation protocol relies on: a label is on one version at a time, a version id with a label but no value
 * (what RotateSecret creates) is not readable, PutSecretValue is idempotent per ClientRequestToken.
 */
export class FakeSecret {
  public readonly client = new SecretsManagerClient({});
  public readonly mock = mockClient(this.client);
  public rotationEnabled = true;
  public binary = false;
  /** The function's ROTATION_SETTINGS environment variable; undefined when the function has none. */
  public readonly environment: string | undefined;
  /** The secret's tags, as DescribeSecret returns them. */
  public tags: Array<{ Key: string; Value: string }> = [];
  private readonly versions = new Map<string, { value?: string; stages: string[] }>();
  private randomCount = 0;

  /**
   * @param environment the function's environment (null: it has none); by default this release's, listing the secret with `settings`
   */
  constructor(currentValue: string, settings: RotationSettings = {}, environment: string | null = currentEnvironment(SECRET_NAME, settings)) {
    this.versions.set('token-1', { value: currentValue, stages: ['AWSCURRENT'] });
    this.environment = environment ?? undefined;
    this.mock.on(DescribeSecretCommand).callsFake(() => ({
      RotationEnabled: this.rotationEnabled,
      VersionIdsToStages: Object.fromEntries([...this.versions].map(([id, version]) => [id, [...version.stages]])),
      Name: SECRET_NAME,
      Tags: this.tags,
    }));
    this.mock.on(GetSecretValueCommand).callsFake((input) => {
      const match = [...this.versions].find(([id, version]) =>
        (input.VersionId === undefined || input.VersionId === id) &&
        (input.VersionStage === undefined || version.stages.includes(input.VersionStage)) &&
        version.value !== undefined);
      if (!match) {
        throw new ResourceNotFoundException({ message: 'not found', $metadata: {} });
      }
      return this.binary ? { SecretBinary: new Uint8Array([1]) } : { VersionId: match[0], SecretString: match[1].value };
    });
    this.mock.on(GetRandomPasswordCommand).callsFake(() => ({ RandomPassword: random(++this.randomCount) }));
    this.mock.on(PutSecretValueCommand).callsFake((input) => {
      const existing = this.versions.get(input.ClientRequestToken);
      if (existing?.value !== undefined && existing.value !== input.SecretString) {
        throw new Error('ResourceExistsException: a version with this token and another value exists');
      }
      for (const stage of input.VersionStages) {
        this.removeStage(stage);
      }
      this.versions.set(input.ClientRequestToken, { value: input.SecretString, stages: [...input.VersionStages] });
      return {};
    });
    this.mock.on(UpdateSecretVersionStageCommand).callsFake((input) => {
      const from = this.versions.get(input.RemoveFromVersionId);
      if (!from?.stages.includes(input.VersionStage)) {
        throw new Error('InvalidParameterException: RemoveFromVersionId does not hold the stage');
      }
      this.removeStage('AWSPREVIOUS');
      from.stages = [...from.stages.filter((stage) => stage !== input.VersionStage), 'AWSPREVIOUS'];
      const to = this.versions.get(input.MoveToVersionId)!;
      to.stages = [...to.stages.filter((stage) => stage !== 'AWSPENDING'), input.VersionStage];
      return {};
    });
  }

  /** What RotateSecret does before invoking the function: a version id labelled AWSPENDING, no value yet. */
  public startRotation(token: string): void {
    this.removeStage('AWSPENDING');
    this.versions.set(token, { stages: ['AWSPENDING'] });
  }

  public valueAt(stage: string): string | undefined {
    return [...this.versions.values()].find((version) => version.stages.includes(stage))?.value;
  }

  public versionAt(stage: string): string | undefined {
    return [...this.versions].find(([, version]) => version.stages.includes(stage))?.[0];
  }

  private removeStage(stage: string): void {
    for (const version of this.versions.values()) {
      version.stages = version.stages.filter((s) => s !== stage);
    }
  }
}

/**
 * The environment this release writes for one secret, computed here as the format says (SHA-256 of the
 * name, base64url, 11 characters) rather than with the module under test.
 */
export function currentEnvironment(secretName: string, settings: RotationSettings): string {
  const digest = createHash('sha256').update(secretName).digest('base64url').slice(0, 11);
  return JSON.stringify({ format: 2, groups: [[settings, digest]] });
}

export async function step(secret: FakeSecret, name: string, token = TOKEN): Promise<void> {
  await rotate(secret.client, { SecretId: ARN, ClientRequestToken: token, Step: name }, secret.environment);
}

export async function fullRotation(secret: FakeSecret, token = TOKEN): Promise<void> {
  secret.startRotation(token);
  for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
    await step(secret, name, token);
  }
}

