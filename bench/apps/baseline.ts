/**
 * The baseline of the benchmark: plain aws-cdk-lib L2s configured as close to the library's defaults as
 * aws-cdk-lib gets (a rotating key per construct, SSE-KMS with a bucket key, TLS 1.2 or later only, SSE-C
 * blocked, versioning, BLOCK_ALL, ACLs disabled, an access-logs bucket, a key-policy statement for
 * CloudWatch Logs, a rotating secret).
 * Key-policy statements a plain app has to write by hand come from the library's statement builders, so
 * the baseline carries the same JSON without repeating it here.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { BENCH_ENV, SHARING_ACCOUNT, UnitBuilder, benchApp, spreadOverStacks } from './stacks';
import { encryptionContextArn, logsServiceStatement } from '../../src/logs/private/statements';
import { accountsAudience, snapshotGrantStatement, snapshotUseStatement, viaServiceEndpoints } from '../../src/sharing/private/statements';

/**
 * What EncryptedBucket sets on both its buckets that an s3.Bucket prop can express: TLS only (1.2 or
 * later), SSE-C blocked, no public access, ACLs disabled, versioned. The upload-header denies have no
 * s3.Bucket prop, so the baseline goes without them.
 */
const PRIVATE_BUCKET: s3.BucketProps = {
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C],
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  versioned: true,
};

/** One builder per library construct, keyed by the library construct it stands in for. */
export const BASELINE_CONSTRUCTS: Record<string, UnitBuilder> = {
  CustomerManagedKey: (scope, i) => rotatingKey(scope, `Key${i}`),
  EncryptedBucket: (scope, i) => {
    const accessLogs = new s3.Bucket(scope, `Bucket${i}AccessLogs`, {
      ...PRIVATE_BUCKET,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    new s3.Bucket(scope, `Bucket${i}`, {
      ...PRIVATE_BUCKET,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: rotatingKey(scope, `Bucket${i}Key`),
      bucketKeyEnabled: true,
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
  SecureStringParameter: (scope, i) => secureStringParameter(scope, i),
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

/**
 * CloudFormation cannot create SecureString parameters. The closest plain aws-cdk-lib gets to one under
 * its own key is an AwsCustomResource calling PutParameter (one provider function per stack), which puts
 * the value into the template: what SecureStringParameter exists to avoid. The value is a placeholder.
 */
function secureStringParameter(scope: Construct, i: number): void {
  const key = rotatingKey(scope, `Parameter${i}Key`);
  const name = `/bench/Parameter${i}`;
  const put: cr.AwsSdkCall = {
    service: 'SSM',
    action: 'putParameter',
    parameters: { Name: name, Type: 'SecureString', KeyId: key.keyArn, Value: 'not-secret', Overwrite: true },
    physicalResourceId: cr.PhysicalResourceId.of(name),
  };
  const parameter = new cr.AwsCustomResource(scope, `Parameter${i}`, {
    onCreate: put,
    onUpdate: put,
    onDelete: { service: 'SSM', action: 'deleteParameter', parameters: { Name: name } },
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({
      resources: [Stack.of(scope).formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) })],
    }),
    installLatestAwsSdk: false,
  });
  key.grantEncrypt(parameter);
}

/** The closest aws-cdk-lib gets to a CustomerManagedKey's defaults. */
function rotatingKey(scope: Construct, id: string): kms.Key {
  return new kms.Key(scope, id, {
    keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
    enableKeyRotation: true,
    rotationPeriod: Duration.days(365),
    pendingWindow: Duration.days(30),
  });
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
