/**
 * The baseline of the benchmark: plain aws-cdk-lib L2s configured as close to the library's defaults as
 * aws-cdk-lib gets (a rotating key per construct, SSE-KMS with a bucket key, enforceSSL, versioning,
 * BLOCK_ALL, an access-logs bucket, a key-policy statement for CloudWatch Logs, a rotating secret).
 * Key-policy statements a plain app has to write by hand come from the library's statement builders, so
 * the baseline carries the same JSON without repeating it here.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { BENCH_ENV, SHARING_ACCOUNT, UnitBuilder, benchApp, spreadOverStacks } from './stacks';
import { encryptionContextArn, logsServiceStatement } from '../../src/logs/private/statements';
import { accountsAudience, snapshotGrantStatement, snapshotUseStatement, viaServiceEndpoints } from '../../src/sharing/private/statements';

/** One builder per library construct, keyed by the library construct it stands in for. */
export const BASELINE_CONSTRUCTS: Record<string, UnitBuilder> = {
  CustomerManagedKey: (scope, i) => rotatingKey(scope, `Key${i}`),
  EncryptedBucket: (scope, i) => {
    const accessLogs = new s3.Bucket(scope, `Bucket${i}AccessLogs`, {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
    });
    new s3.Bucket(scope, `Bucket${i}`, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: rotatingKey(scope, `Bucket${i}Key`),
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
    });
  },
  EncryptedLogGroup: (scope, i) => {
    const key = rotatingKey(scope, `LogGroup${i}Key`);
    const logGroupName = `/bench/LogGroup${i}`;
    const stack = Stack.of(scope);
    // aws-cdk-lib's LogGroup adds no key-policy statement: without this one, creating the log group fails.
    key.addToResourcePolicy(logsServiceStatement([encryptionContextArn(logGroupName, stack)], stack));
    new logs.LogGroup(scope, `LogGroup${i}`, { logGroupName, encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR });
  },
  // CloudFormation cannot create SecureString parameters: a String parameter is as close as it gets.
  SecureStringParameter: (scope, i) => new ssm.StringParameter(scope, `Parameter${i}`, { stringValue: 'not-secret' }),
  RotatingSecret: (scope, i) => {
    const secret = new secretsmanager.Secret(scope, `Secret${i}`, { encryptionKey: rotatingKey(scope, `Secret${i}Key`) });
    secret.addRotationSchedule('Rotation', { rotationLambda: rotationFunction(Stack.of(scope)), automaticallyAfter: Duration.days(30) });
  },
  SnapshotSharingGrant: (scope, i) => {
    const key = rotatingKey(scope, `SharedKey${i}`);
    const audience = accountsAudience([SHARING_ACCOUNT]);
    const endpoints = viaServiceEndpoints(['ec2'], [BENCH_ENV.region], Stack.of(scope).urlSuffix);
    key.addToResourcePolicy(snapshotUseStatement(audience, endpoints));
    key.addToResourcePolicy(snapshotGrantStatement(audience, endpoints));
  },
};

/** An app with `units` of each baseline stand-in, spread over stacks like the library app. */
export function baselineApp(units: number, outdir?: string): App {
  const app = benchApp(outdir);
  spreadOverStacks(app, 'Baseline', units, (scope, i) => Object.values(BASELINE_CONSTRUCTS).forEach((add) => add(scope, i)));
  return app;
}

/** A stack with `count` instances of one baseline stand-in. */
export function baselineConstructStack(name: string, count: number): Stack {
  const stack = new Stack(benchApp(), 'Construct', { env: BENCH_ENV });
  for (let i = 0; i < count; i++) {
    BASELINE_CONSTRUCTS[name](stack, i);
  }
  return stack;
}

/** The closest aws-cdk-lib gets to a CustomerManagedKey's defaults. */
function rotatingKey(scope: Construct, id: string): kms.Key {
  return new kms.Key(scope, id, { enableKeyRotation: true, rotationPeriod: Duration.days(365), pendingWindow: Duration.days(30) });
}

/**
 * One rotation function per stack, as the library's generic rotation has. Its code is a placeholder:
 * the benchmark only synthesizes, and inline code keeps the baseline free of asset staging.
 */
function rotationFunction(stack: Stack): lambda.IFunction {
  const id = 'RotationFunction';
  return stack.node.tryFindChild(id) as lambda.Function | undefined ?? new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
    timeout: Duration.seconds(30),
  });
}
