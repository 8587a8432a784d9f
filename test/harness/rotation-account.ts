import { StackVersion, Step } from './deployment';
import { Handler } from './driver';
import { FakeAws, fakeAwsForThisFile, removeStage, Secret } from './fake-aws';

/**
 * The fake of a rotation test file (fakeAwsForThisFile), with the handlers' log silenced during each test
 * and the function's configuration, which `RotationAccount.rotate` puts in the environment, gone after it.
 */
export function rotationFakeAwsForThisFile(): FakeAws {
  const aws = fakeAwsForThisFile();
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    delete process.env.ROTATION_SETTINGS;
  });
  return aws;
}

/** A version of a stack, with the handler bundles its functions run. */
export interface Release {
  readonly version: StackVersion;
  readonly rotation: Handler;
  readonly secureString?: Handler;
}

/** The functions of the stack being deployed, by logical id. */
export interface FunctionIds {
  readonly rotationFunction: string;
  readonly secureStringFunction?: string;
}

export const ROTATION_FUNCTION = 'CdkKmsEncryptionGenericRotationFunctionB0EEB82C';
const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/** One rotation Secrets Manager ran, after which step, and how it ended. */
export interface Rotation {
  readonly after: string;
  /** The ARN of the secret rotated. */
  readonly secret: string;
  readonly outcome: 'rotated' | 'failed';
  readonly reason?: string;
}

/**
 * The account as a deployment leaves it, for the generic rotation: the secret (created with its template's
 * value, its tags, key and rotation function as each step sets them), the function's code and configuration
 * (each set by its own step, as Lambda's two calls do). Rotations run as Secrets Manager runs them, as the
 * function's role, under the policies in force (`aws.iam`).
 */
export class RotationAccount {
  public readonly rotations: Rotation[] = [];
  private readonly code: Record<string, Handler> = {};
  private environment?: string;
  private secretArn?: string;
  private role?: string;

  constructor(private readonly aws: FakeAws, private readonly ids: FunctionIds) {}

  /** Records what a step did in the account; `release` is the version whose definitions it applied. */
  public observe(step: Step, release: Release): void {
    const version = release.version;
    const resolved = (logicalId: string) => version.intrinsics.resolve(version.resources[logicalId]?.Properties ?? {});
    if (step.type === 'AWS::SecretsManager::RotationSchedule') {
      const schedule = resolved(step.logicalId);
      const secret = this.secretAt(schedule.SecretId);
      // Deleting a rotation schedule turns the secret's rotation off (CancelRotateSecret).
      secret.rotationEnabled = step.action !== 'delete';
      secret.rotationLambdaArn = step.action === 'delete' ? undefined : schedule.RotationLambdaARN;
      if (step.action !== 'delete') {
        this.secretArn = secret.arn;
      } else if (this.secretArn === secret.arn) {
        // A rollback reinstates the replaced schedule without a step: the secret it names rotates again.
        this.secretArn = [...this.aws.secrets.values()].find((candidate) => candidate.rotationEnabled)?.arn ?? secret.arn;
      }
      return;
    }
    if (step.action === 'delete') {
      return;
    }
    if (step.logicalId === this.ids.rotationFunction) {
      if (step.action !== 'update-configuration') {
        this.code[step.logicalId] = release.rotation;
      }
      if (step.action !== 'update-code') {
        this.environment = resolved(step.logicalId).Environment?.Variables?.ROTATION_SETTINGS;
        this.role = resolved(step.logicalId).Role;
      }
    }
    if (step.logicalId === this.ids.secureStringFunction && step.action !== 'update-configuration') {
      this.code[step.logicalId] = release.secureString!;
    }
    if (step.type === 'AWS::SecretsManager::Secret') {
      this.putSecret(version, step.logicalId, resolved(step.logicalId));
    }
  }

  public handlerOf(functionLogicalId: string): Handler {
    return this.code[functionLogicalId];
  }

  /**
   * A whole rotation of the secret the schedule names, by the function's code and configuration of this
   * moment, or `instead` of them (the state Lambda would be in had it taken its two calls in the other order).
   */
  public async rotate(after: string, token: string, instead: { code?: Handler; environment?: string } = {}): Promise<void> {
    if (this.secretArn === undefined || !this.secret().rotationEnabled) {
      return;
    }
    const secret = this.secret();
    removeStage(secret, 'AWSPENDING');
    secret.versions.set(token, { stages: ['AWSPENDING'] });
    const environment = 'environment' in instead ? instead.environment : this.environment;
    if (environment === undefined) {
      delete process.env.ROTATION_SETTINGS;
    } else {
      process.env.ROTATION_SETTINGS = environment;
    }
    this.aws.iam.caller = this.role;
    try {
      for (const step of STEPS) {
        const event = { SecretId: secret.arn, ClientRequestToken: token, Step: step };
        await (instead.code ?? this.code[this.ids.rotationFunction])(event, { getRemainingTimeInMillis: () => 120_000 });
      }
      this.rotations.push({ after, secret: secret.arn, outcome: 'rotated' });
    } catch (error) {
      this.rotations.push({ after, secret: secret.arn, outcome: 'failed', reason: (error as Error).message });
    }
  }

  /** The secret the rotation schedule names now. */
  public secret(): Secret {
    return this.secretAt(this.secretArn!);
  }

  /** The secret at an ARN. */
  public secretAt(arn: string): Secret {
    const secret = this.aws.secrets.get(arn);
    if (!secret) {
      throw new Error(`rotation-account: no secret ${arn}`);
    }
    return secret;
  }

  /** Creates the secret with its generated value, or updates its tags and key (Secrets Manager keeps the value). */
  private putSecret(version: StackVersion, logicalId: string, properties: any): void {
    const arn = version.intrinsics.arn(logicalId);
    const generator = properties.GenerateSecretString ?? {};
    const generated = generator.GenerateStringKey
      ? JSON.stringify({ ...JSON.parse(generator.SecretStringTemplate), [generator.GenerateStringKey]: 'initial-Password-0123456789abcdef!' })
      : 'initial-Password-0123456789abcdef!';
    const secret: Secret = this.aws.secrets.get(arn) ?? {
      arn,
      name: properties.Name,
      rotationEnabled: false,
      tags: [],
      versions: new Map([['initial', { value: generated, stages: ['AWSCURRENT'] }]]),
    };
    secret.tags = properties.Tags ?? [];
    secret.keyId = properties.KmsKeyId;
    this.aws.secrets.set(arn, secret);
  }
}

/** The value labelled AWSCURRENT. */
export function currentValue(secret: Secret): string {
  return [...secret.versions.values()].find((version) => version.stages.includes('AWSCURRENT'))!.value!;
}

/**
 * The version whose definition a step applied or removed: the next one while updating (and for what the
 * rollback cleanup deletes, which it created), the old one while rolling back or cleaning up after an update.
 */
export function releaseOf(step: Step, old: Release, next: Release): Release {
  return step.phase === 'rollback' || step.phase === 'cleanup' ? old : next;
}
