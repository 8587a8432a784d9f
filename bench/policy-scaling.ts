/**
 * Policy sizes as a key or a per-stack handler gets more users:
 * - the key policy, as more log groups, buckets, parameters, secrets and sharing accounts use one key
 *   (KMS rejects key policies above 32,768 bytes; the library checks the size at synth time);
 * - the managed policies of the one handler function per stack, as more parameters or secrets share it (IAM
 *   rejects managed policies above 6,144 characters, whitespace not counted, and allows 10 to a role).
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html#key-policy-limit
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { CAPACITY_CONSTRUCTS } from './apps/capacity';
import { BENCH_ENV, benchApp } from './apps/stacks';
import { linearFit } from './measure';
import { CustomerManagedKey } from '../src/kms';
import { EncryptedLogGroup, LogGroupKeyPolicyScope } from '../src/logs';
import { KEY_POLICY_SIZE_LIMIT, policySizeBytes } from '../src/private/key-use/key-policy';
import { MANAGED_POLICY_SIZE_LIMIT, deployedLengthUpperBound } from '../src/private/managed-policy-size';
import { EncryptedBucket } from '../src/s3';
import { RotatingSecret } from '../src/secretsmanager';
import { SnapshotService, SnapshotSharingGrant } from '../src/sharing';
import { SecureStringParameter } from '../src/ssm';

/** How many of one kind of user one key gets, and how they are defined. */
interface Series {
  readonly name: string;
  readonly counts: number[];
  /** The count that must stay under the limit (a target of the issue), if any. */
  readonly target?: number;
  /** The policy's size limit. */
  readonly limit: number;
  readonly measure: (count: number) => PolicyPoint;
}

/** Defines `count` users of `key` in `app`. */
type DefineUsers = (app: App, key: kms.IKey, count: number) => void;

/** A policy at one count. */
export interface PolicyPoint {
  readonly count: number;
  /** Bytes as the template gives them (what the library's synth check of key policies measures). */
  readonly templateBytes: number;
  /**
   * Bytes the service receives, with intrinsics resolved; for a handler's managed policy, the most
   * characters it can take (what the library's synth check of those measures).
   */
  readonly deployedBytes: number;
  /** The library's synth-time verdict on the policy: no error, or the error's text. */
  readonly synthError?: string;
  /**
   * For a handler's permissions, which may be spread over several managed policies: how many, and the
   * deployed bytes of all of them (`deployedBytes` is then the largest, which the limit applies to).
   */
  readonly policies?: number;
  readonly totalDeployedBytes?: number;
}

/** How one key's policy grows with one kind of user. */
export interface PolicySeries {
  readonly name: string;
  readonly limit: number;
  readonly points: PolicyPoint[];
  /** Deployed bytes added per user (least squares). */
  readonly bytesPerUser: number;
  /** The count at which the deployed policy would exceed the limit; undefined when it does not grow. */
  readonly limitAt?: number;
  readonly target?: number;
  /** Whether the target count stays under the limit and passes the library's synth check. */
  readonly targetMet?: boolean;
}

const SERIES: Series[] = [
  {
    name: 'log groups (keyPolicyScope ACCOUNT)',
    counts: [1, 10, 100, 500, 1000],
    target: 1000,
    limit: KEY_POLICY_SIZE_LIMIT,
    measure: keyPolicyWith(inStacksOf(400, (scope, key, i) => new EncryptedLogGroup(scope, `LogGroup${i}`, { encryptionKey: key, keyPolicyScope: LogGroupKeyPolicyScope.ACCOUNT }))),
  },
  {
    name: 'log groups (keyPolicyScope LOG_GROUP, default)',
    counts: [1, 10, 100, 500, 1000],
    limit: KEY_POLICY_SIZE_LIMIT,
    measure: keyPolicyWith(inStacksOf(400, (scope, key, i) => new EncryptedLogGroup(scope, `LogGroup${i}`, { encryptionKey: key }))),
  },
  {
    name: 'buckets',
    counts: [1, 10, 100, 500, 1000],
    limit: KEY_POLICY_SIZE_LIMIT,
    measure: keyPolicyWith(inStacksOf(90, (scope, key, i) => new EncryptedBucket(scope, `Bucket${i}`, { encryptionKey: key }))),
  },
  {
    name: 'SecureString parameters',
    counts: [1, 10, 100, 500, 1000],
    limit: KEY_POLICY_SIZE_LIMIT,
    measure: keyPolicyWith(inStacksOf(200, (scope, key, i) => new SecureStringParameter(scope, `Parameter${i}`, { encryptionKey: key }))),
  },
  {
    name: 'secrets',
    counts: [1, 10, 50, 100, 500],
    limit: KEY_POLICY_SIZE_LIMIT,
    measure: keyPolicyWith(inStacksOf(100, (scope, key, i) => new RotatingSecret(scope, `Secret${i}`, { encryptionKey: key }))),
  },
  {
    name: 'sharing accounts (one SnapshotSharingGrant, EBS and RDS)',
    counts: [1, 10, 50, 100, 200],
    target: 200,
    limit: KEY_POLICY_SIZE_LIMIT,
    measure: keyPolicyWith((app, key, count) => new SnapshotSharingGrant(usersStack(app, 0), 'Sharing', {
      key,
      accounts: Array.from({ length: count }, (_, i) => String(200_000_000_000 + i)),
      services: [SnapshotService.EBS, SnapshotService.RDS],
    })),
  },
  {
    name: 'SecureString parameters in one stack, each with its key (handler role policies)',
    counts: [1, 10, 25, 50],
    limit: MANAGED_POLICY_SIZE_LIMIT,
    measure: handlerPoliciesWith('SecureStringParameter'),
  },
  {
    name: 'secrets in one stack, each with its key (generic rotation policies)',
    counts: [1, 10, 25, 50],
    limit: MANAGED_POLICY_SIZE_LIMIT,
    measure: handlerPoliciesWith('RotatingSecret'),
  },
];

/** Measures every series. */
export function measurePolicyScaling(): PolicySeries[] {
  return SERIES.map(measureSeries);
}

function measureSeries(series: Series): PolicySeries {
  const points = series.counts.map(series.measure);
  const fit = linearFit(points.map((p) => p.count), points.map((p) => p.deployedBytes));
  const grows = fit.slope >= 1;
  const limitAt = grows ? Math.floor((series.limit - fit.intercept) / fit.slope) : undefined;
  const atTarget = points.find((p) => p.count === series.target);
  return {
    name: series.name,
    limit: series.limit,
    points,
    bytesPerUser: fit.slope,
    limitAt,
    target: series.target,
    targetMet: atTarget && atTarget.deployedBytes <= series.limit && atTarget.synthError === undefined,
  };
}

/**
 * The key policy of one key in its own stack, with its users in further stacks (cross-stack references,
 * as large apps have). Only the key's own validation runs, so sizes above the limit can still be measured.
 */
function keyPolicyWith(define: DefineUsers): Series['measure'] {
  return (count) => {
    const app = benchApp();
    const key = new CustomerManagedKey(new Stack(app, 'KeyStack', { env: BENCH_ENV }), 'Key');
    define(app, key, count);
    const policy = (key.node.defaultChild as kms.CfnKey).keyPolicy;
    const errors = key.node.validate();
    return {
      count,
      templateBytes: policySizeBytes(key, policy),
      deployedBytes: Buffer.byteLength(JSON.stringify(deployedForm(Stack.of(key).resolve(policy)))),
      synthError: errors.length > 0 ? errors.join(' ') : undefined,
    };
  };
}

/**
 * The managed policies in a stack of `count` instances of a library construct, each with its own key and
 * named as in the capacity measurement: the policies of the stack's shared handler function, which may
 * spread its statements over several, at the most characters each can take once deployed (what the
 * library's synth check measures). Only the policies' own validation runs, so sizes above the limit can
 * still be measured.
 */
function handlerPoliciesWith(construct: string): Series['measure'] {
  return (count) => {
    const stack = new Stack(benchApp(), 'Construct', { env: BENCH_ENV });
    for (let i = 0; i < count; i++) {
      CAPACITY_CONSTRUCTS[construct].withOwnKey(stack, i);
    }
    const policies = stack.node.findAll().filter((node): node is iam.ManagedPolicy => node instanceof iam.ManagedPolicy);
    if (policies.length === 0) {
      throw new Error(`policy-scaling: expected a managed policy for ${construct}, found none`);
    }
    const documents = policies.map((policy) => stack.resolve((policy.node.defaultChild as iam.CfnManagedPolicy).policyDocument));
    const deployed = documents.map((document) => deployedLengthUpperBound(stack, document));
    const errors = policies.flatMap((policy) => policy.node.validate());
    return {
      count,
      templateBytes: Math.max(...documents.map((document) => Buffer.byteLength(JSON.stringify(document)))),
      deployedBytes: Math.max(...deployed),
      synthError: errors.length > 0 ? errors.join(' ') : undefined,
      policies: policies.length,
      totalDeployedBytes: deployed.reduce((a, b) => a + b, 0),
    };
  };
}

/** Defines users one by one, `perStack` to a stack, to stay under 500 resources per stack. */
function inStacksOf(perStack: number, add: (scope: Construct, key: kms.IKey, index: number) => void): DefineUsers {
  return (app, key, count) => {
    for (let i = 0; i < count; i++) {
      add(usersStack(app, Math.floor(i / perStack)), key, i);
    }
  };
}

function usersStack(app: App, index: number): Stack {
  const id = `Users${index}`;
  return app.node.tryFindChild(id) as Stack | undefined ?? new Stack(app, id, { env: BENCH_ENV });
}

/**
 * A resolved key policy as KMS receives it: the pseudo parameters a key policy of this library holds
 * replaced by their values in the bench environment, and `Fn::Join` applied. Anything else (a reference to
 * a resource) fails the benchmark, rather than being counted at the wrong size.
 */
function deployedForm(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(deployedForm);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const object = value as Record<string, any>;
  const keys = Object.keys(object);
  if (keys.length === 1 && keys[0] === 'Ref' && object.Ref in PSEUDO_PARAMETERS) {
    return PSEUDO_PARAMETERS[object.Ref];
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [separator, parts] = object['Fn::Join'];
    return (deployedForm(parts) as string[]).join(separator);
  }
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    throw new Error(`policy-scaling: cannot resolve ${JSON.stringify(object)} in a key policy`);
  }
  return Object.fromEntries(keys.map((key) => [key, deployedForm(object[key])]));
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::AccountId': BENCH_ENV.account,
  'AWS::Region': BENCH_ENV.region,
};
