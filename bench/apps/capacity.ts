/**
 * The apps of the capacity measurement: N instances of one library construct, named as a user names them
 * (`/myapp/service/config/param-N`), each with its own key, all on one key in their stack, or all on one
 * key in a stack of its own with the users spread over further stacks.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BENCH_ENV, benchApp } from './stacks';
import { CustomerManagedKey } from '../../src/kms';
import { EncryptedLogGroup } from '../../src/logs';
import { EncryptedBucket } from '../../src/s3';
import { RotatingSecret } from '../../src/secretsmanager';
import { SnapshotService, SnapshotSharingGrant } from '../../src/sharing';
import { SecureStringParameter } from '../../src/ssm';

/** How one instance of a construct is defined, with its own key and on a given key. */
export interface CapacityConstruct {
  /** Defines instance `index` with its own key (the construct's default). */
  readonly withOwnKey: (scope: Construct, index: number) => void;
  /** Defines instance `index` on `key`; undefined for a construct that takes no key. */
  readonly onKey?: (scope: Construct, key: kms.IKey, index: number) => void;
  /**
   * Whether an instance defines resources in its own stack, so that its key's users can be spread over
   * stacks; a construct that only adds statements to its key's policy lives where its key is.
   * @default true
   */
  readonly spreadsOverStacks?: boolean;
}

/**
 * Instance numbers in ids and names have four digits (`0042`), so every instance costs the same bytes and
 * every stack of users holds as many as the first: the searches go up to 2,000.
 */
const label = (index: number) => String(index).padStart(4, '0');
/**
 * Names as an application gives them: the length of a name is what a per-resource policy statement
 * costs. Buckets keep generated names, as AWS and aws-cdk-lib recommend.
 */
const parameterName = (index: number) => `/myapp/service/config/param-${label(index)}`;
const secretName = (index: number) => `myapp/service/credentials-${label(index)}`;
const logGroupName = (index: number) => `/myapp/service/log-group-${label(index)}`;
/** One account per grant: a second grant for the same account would add nothing. */
const sharingAccount = (index: number) => String(200_000_000_000 + index);

/** The library's constructs, keyed by name. */
export const CAPACITY_CONSTRUCTS: Record<string, CapacityConstruct> = {
  CustomerManagedKey: {
    withOwnKey: (scope, i) => new CustomerManagedKey(scope, `Key${label(i)}`),
  },
  EncryptedBucket: {
    withOwnKey: (scope, i) => new EncryptedBucket(scope, `Bucket${label(i)}`),
    onKey: (scope, key, i) => new EncryptedBucket(scope, `Bucket${label(i)}`, { encryptionKey: key }),
  },
  EncryptedLogGroup: {
    withOwnKey: (scope, i) => new EncryptedLogGroup(scope, `LogGroup${label(i)}`, { logGroupName: logGroupName(i) }),
    onKey: (scope, key, i) => new EncryptedLogGroup(scope, `LogGroup${label(i)}`, { logGroupName: logGroupName(i), encryptionKey: key }),
  },
  SecureStringParameter: {
    withOwnKey: (scope, i) => new SecureStringParameter(scope, `Parameter${label(i)}`, { parameterName: parameterName(i) }),
    onKey: (scope, key, i) => new SecureStringParameter(scope, `Parameter${label(i)}`, { parameterName: parameterName(i), encryptionKey: key }),
  },
  RotatingSecret: {
    withOwnKey: (scope, i) => new RotatingSecret(scope, `Secret${label(i)}`, { secretName: secretName(i) }),
    onKey: (scope, key, i) => new RotatingSecret(scope, `Secret${label(i)}`, { secretName: secretName(i), encryptionKey: key }),
  },
  SnapshotSharingGrant: {
    withOwnKey: (scope, i) => sharingGrant(scope, new CustomerManagedKey(scope, `SharedKey${label(i)}`), i),
    onKey: sharingGrant,
    spreadsOverStacks: false,
  },
};

function sharingGrant(scope: Construct, key: kms.IKey, index: number): void {
  new SnapshotSharingGrant(scope, `Sharing${label(index)}`, { key, accounts: [sharingAccount(index)], services: [SnapshotService.EBS] });
}

/** Where the instances of a capacity app are and which key they use. */
export enum Placement {
  /** One stack; each instance with its own key. */
  OWN_KEYS = 'own keys, one stack',
  /** One stack, with one key that every instance uses. */
  SHARED_KEY = 'one shared key, one stack',
  /** One key in a stack of its own; the instances in further stacks of at most `perStack` each. */
  PER_KEY = 'one key, users in further stacks',
}

/** A capacity app to synthesize. */
export interface CapacityAppSpec {
  readonly construct: string;
  readonly placement: Placement;
  readonly count: number;
  /** For {@link Placement.PER_KEY}: instances per users stack. */
  readonly perStack?: number;
}

/**
 * The app, with the recommended feature flags as `cdk init` sets them, writing to `outdir`, with or without
 * aws-cdk-lib's built-in CloudFormation validation. `appMode: inmemory` makes a failed validation report
 * part of the error `app.synth()` throws, so its message can be classified.
 */
export function capacityApp(spec: CapacityAppSpec, outdir: string, cfnValidation: boolean): App {
  const app = benchApp(outdir, { builtinCloudFormationValidation: cfnValidation, context: { '@aws-cdk/core:appMode': 'inmemory' } });
  const construct = CAPACITY_CONSTRUCTS[spec.construct];
  const stack = (id: string) => new Stack(app, id, { env: BENCH_ENV });
  switch (spec.placement) {
    case Placement.OWN_KEYS: {
      const users = stack('Users');
      times(spec.count, (i) => construct.withOwnKey(users, i));
      break;
    }
    case Placement.SHARED_KEY: {
      const users = stack('Users');
      const key = new CustomerManagedKey(users, 'SharedKey');
      times(spec.count, (i) => onKey(spec.construct)(users, key, i));
      break;
    }
    case Placement.PER_KEY: {
      const key = new CustomerManagedKey(stack('KeyStack'), 'Key');
      const perStack = spec.perStack ?? spec.count;
      const usersStacks: Stack[] = [];
      times(spec.count, (i) => {
        const index = Math.floor(i / perStack);
        usersStacks[index] ??= stack(`Users${index}`);
        onKey(spec.construct)(usersStacks[index], key, i);
      });
      break;
    }
  }
  return app;
}

function onKey(construct: string): NonNullable<CapacityConstruct['onKey']> {
  const define = CAPACITY_CONSTRUCTS[construct].onKey;
  if (!define) {
    throw new Error(`capacity: ${construct} takes no key`);
  }
  return define;
}

function times(count: number, define: (index: number) => void): void {
  for (let i = 0; i < count; i++) {
    define(i);
  }
}
