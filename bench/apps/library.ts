/**
 * The library side of the benchmark: each construct in its default form, as a user writes it first.
 * Every construct that needs a key defines its own (the default), so the baseline defines one too.
 */
import { App, Stack } from 'aws-cdk-lib';
import { BENCH_ENV, SHARING_ACCOUNT, UnitBuilder, benchApp, spreadOverStacks } from './stacks';
import { CustomerManagedKey } from '../../src/kms';
import { EncryptedLogGroup } from '../../src/logs';
import { EncryptedBucket } from '../../src/s3';
import { RotatingSecret } from '../../src/secretsmanager';
import { SnapshotService, SnapshotSharingGrant } from '../../src/sharing';
import { SecureStringParameter } from '../../src/ssm';

/** One builder per construct of the library, keyed by the construct's name. */
export const LIBRARY_CONSTRUCTS: Record<string, UnitBuilder> = {
  CustomerManagedKey: (scope, i) => new CustomerManagedKey(scope, `Key${i}`),
  EncryptedBucket: (scope, i) => new EncryptedBucket(scope, `Bucket${i}`),
  EncryptedLogGroup: (scope, i) => new EncryptedLogGroup(scope, `LogGroup${i}`),
  SecureStringParameter: (scope, i) => new SecureStringParameter(scope, `Parameter${i}`),
  RotatingSecret: (scope, i) => new RotatingSecret(scope, `Secret${i}`),
  SnapshotSharingGrant: (scope, i) => new SnapshotSharingGrant(scope, `Sharing${i}`, {
    key: new CustomerManagedKey(scope, `SharedKey${i}`),
    accounts: [SHARING_ACCOUNT],
    services: [SnapshotService.EBS],
  }),
};

/** An app with `units` of each library construct, spread over stacks. */
export function libraryApp(units: number, outdir?: string): App {
  const app = benchApp(outdir);
  spreadOverStacks(app, 'Library', units, (scope, i) => Object.values(LIBRARY_CONSTRUCTS).forEach((add) => add(scope, i)));
  return app;
}

/** A stack with `count` instances of one library construct, to measure what each instance costs. */
export function libraryConstructStack(name: string, count: number): Stack {
  const stack = new Stack(benchApp(), 'Construct', { env: BENCH_ENV });
  for (let i = 0; i < count; i++) {
    LIBRARY_CONSTRUCTS[name](stack, i);
  }
  return stack;
}
