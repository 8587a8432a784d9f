import { Duration, Errors, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import {
  CustomerManagedKey,
  EncryptedBucket,
  ExternalKeyRing,
  ParameterPolicy,
  ReplicaKey,
  RotatingSecret,
  SecureStringParameter,
  SecureStringValue,
  SnapshotService,
  SnapshotSharingGrant,
} from '../../src';
import { durationAsWritten, throwIfInvalid, throwIfInvalidFor, tokensAsPlaceholders } from '../../src/private/validation';
import { ACCOUNT, testApp, testStack } from '../util/app';

/** Runs `build`, which must throw an aws-cdk-lib ValidationError, and returns that error's message. */
function validationErrorOf(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    expect(Errors.isValidationError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

describe('throwIfInvalid', () => {
  test('throws a ValidationError attributed to the construct, listing every problem', () => {
    // GIVEN
    const construct = new Construct(testStack(), 'Thing');

    // WHEN
    let thrown: unknown;
    try {
      throwIfInvalid(construct, ['`a` is wrong.', '`b` is wrong.']);
    } catch (error) {
      thrown = error;
    }

    // THEN
    expect(Errors.isValidationError(thrown)).toBe(true);
    expect(thrown).toMatchObject({
      constructPath: 'TestStack/Thing',
      message: '[TestStack/Thing] Invalid configuration: \n  - `a` is wrong.\n  - `b` is wrong.',
    });
  });

  test('names the child a constructor validates before super(), attributed to its parent', () => {
    const stack = testStack();
    expect(() => throwIfInvalid(stack, ['`a` is wrong.'], 'Child')).toThrow(expect.objectContaining({
      constructPath: 'TestStack',
      message: '[TestStack/Child] Invalid configuration: `a` is wrong.',
    }));
  });

  test('throws nothing without problems', () => {
    expect(() => throwIfInvalid(testStack(), [])).not.toThrow();
  });
});

test('throwIfInvalidFor throws a ValidationError naming the subject', () => {
  expect(validationErrorOf(() => throwIfInvalidFor('EncryptionChecks', ['`a` is wrong.'])))
    .toBe('[EncryptionChecks] Invalid configuration: `a` is wrong.');
});

test.each([
  [Duration.hours(2412), '2412 hours'],
  [Duration.hours(2), '2 hours'],
  [Duration.days(1), '1 day'],
  [Duration.minutes(90), '90 minutes'],
  [Duration.seconds(30), '30 seconds'],
  [Duration.millis(1), '1 milli'],
])('durationAsWritten(%s) is %s', (duration, written) => {
  expect(durationAsWritten(duration)).toBe(written);
});

test('tokensAsPlaceholders shows what a token stands for', () => {
  const environmentAgnostic = new Stack(testApp(), 'Stack');
  expect(tokensAsPlaceholders(environmentAgnostic.formatArn({ service: 'kms', resource: 'key', resourceName: 'k' })))
    .toBe('arn:<AWS.Partition>:kms:<AWS.Region>:<AWS.AccountId>:key/k');
});

describe('messages users see', () => {
  test.each<[string, (stack: Stack) => unknown, string]>([
    ['a reserved alias on an ExternalKeyRing', (stack) => new ExternalKeyRing(stack, 'Ring', { alias: 'alias/aws/x', generations: ['v1'] }),
      "[TestStack/Ring] Invalid configuration: `alias` must not start with 'alias/aws/', which AWS reserves for AWS managed keys, got 'alias/aws/x'. Choose another name."],
    ['a rotation period that is not whole days', (stack) => new CustomerManagedKey(stack, 'Key', { rotationPeriod: Duration.hours(2412) }),
      '[TestStack/Key] Invalid configuration: `rotationPeriod` must be a whole number of days, got 2412 hours. Use Duration.days(100) or Duration.days(101).'],
    ['a rotation period in hours below the minimum', (stack) => new CustomerManagedKey(stack, 'Key', { rotationPeriod: Duration.hours(2) }),
      '[TestStack/Key] Invalid configuration: `rotationPeriod` must be between 90 and 2560 days, got 2 hours.'],
    ['an alias as the key of a bucket', (stack) => new EncryptedBucket(stack, 'Bucket', { encryptionKey: kms.Alias.fromAliasName(stack, 'Alias', 'alias/my-app/data') }),
      '[TestStack/Bucket] Invalid configuration: `encryptionKey` must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got an alias ARN of key my-app/data. An alias or key id never matches the key ARN S3 checks; import the key with kms.Key.fromKeyArn and its key ARN.'],
    ['grantPublicAccess on an EncryptedBucket', (stack) => new EncryptedBucket(stack, 'Bucket').grantPublicAccess('public/', 's3:GetObject'),
      "[TestStack/Bucket] Invalid configuration: `grantPublicAccess` is not available on an EncryptedBucket, which blocks all public access, got grantPublicAccess('public/', 's3:GetObject'). Grant named principals with grantRead, or serve the objects through CloudFront with an origin access control."],
    ['a SnapshotSharingGrant without its key (from JavaScript)', (stack) => new SnapshotSharingGrant(stack, 'Sharing', { accounts: [ACCOUNT], services: [SnapshotService.EBS] } as any),
      '[TestStack/Sharing] Invalid configuration: `key` is required, got undefined. Pass `key`.'],
    ['an ExternalKeyRing without props (from JavaScript)', (stack) => new ExternalKeyRing(stack, 'Ring', undefined as any),
      '[TestStack/Ring] Invalid configuration: \n  - `alias` is required, got no props. Pass `alias`.\n  - `generations` is required, got no props. Pass `generations`.'],
    ['a ReplicaKey without its primary key (from JavaScript)', (stack) => new ReplicaKey(stack, 'Replica', {} as any),
      '[TestStack/Replica] Invalid configuration: `primaryKey` is required, got undefined. Pass `primaryKey`.'],
    ['a target-account policy without options (from JavaScript)', () => SnapshotSharingGrant.targetAccountPolicy({} as any),
      '[SnapshotSharingGrant.targetAccountPolicy] Invalid configuration: \n  - `copyKey` is required, got undefined. Pass `copyKey`.\n  - `sharedKey` is required, got undefined. Pass `sharedKey`.\n  - `services` is required, got undefined. Pass `services`.'],
  ])('%s', (_name, build, message) => {
    expect(validationErrorOf(() => build(testStack()))).toBe(message);
  });
});

describe('inputs that used to fail only at deploy or run time', () => {
  test('two SecureStringParameters with one name in one account and Region', () => {
    // GIVEN
    const app = testApp();
    new SecureStringParameter(testStack('First', {}, app), 'Parameter', { parameterName: '/app/db' });

    // WHEN / THEN
    expect(validationErrorOf(() => new SecureStringParameter(testStack('Second', {}, app), 'Parameter', { parameterName: '/app/db' }))).toBe(
      "[Second/Parameter] Invalid configuration: `parameterName` '/app/db' is already the name of First/Parameter, in the same account and Region. Parameter names are unique per account and Region: choose another name, or share the first parameter.",
    );
  });

  test('the same parameter name in another Region is fine', () => {
    const app = testApp();
    new SecureStringParameter(testStack('First', {}, app), 'Parameter', { parameterName: '/app/db' });
    expect(() => new SecureStringParameter(testStack('Second', { env: { account: ACCOUNT, region: 'us-east-1' } }, app), 'Parameter', { parameterName: '/app/db' }))
      .not.toThrow();
  });

  test.each<[string, (stack: Stack) => unknown, string]>([
    ['a secret name with a space and !', (stack) => new RotatingSecret(stack, 'Secret', { secretName: 'my secret!' }),
      "[TestStack/Secret] Invalid configuration: `secretName` may contain only letters, digits and / _ + = . @ - and be 1 to 512 characters, got 'my secret!'. Replace the other characters, e.g. 'my-secret-'."],
    ['an empty plain-text value', (stack) => new SecureStringParameter(stack, 'Parameter', { value: SecureStringValue.unsafePlainText('') }),
      "[TestStack/Parameter] Invalid configuration: `unsafePlainText` value must not be empty, got ''. Pass the value, or use SecureStringValue.generated()."],
    ['an expiration in the past', (stack) => new SecureStringParameter(stack, 'Parameter', {
      tier: ssm.ParameterTier.ADVANCED,
      policies: [ParameterPolicy.expiration(new Date('2001-01-01'))],
    }),
    '[TestStack/Parameter] Invalid configuration: `expiration` must be in the future, got 2001-01-01T00:00:00.000Z, which has passed. Give a later date, or remove the Expiration policy.'],
    ['a replica key in another Region than its replica', (stack) => new RotatingSecret(stack, 'Secret', {
      replicaRegions: [{ region: 'eu-central-1', encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicaKey', `arn:aws:kms:us-east-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`) }],
    }),
    "[TestStack/Secret] Invalid configuration: `replicaRegions[0].encryptionKey` must be a key in the replica's Region eu-central-1, got a key in us-east-1. Secrets Manager encrypts a replica with a key of its own Region: pass a key from eu-central-1, such as a ReplicaKey of the primary key."],
  ])('%s', (_name, build, message) => {
    expect(validationErrorOf(() => build(testStack()))).toBe(message);
  });

  test('an allowedPattern that generated values cannot match is a warning', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    new SecureStringParameter(stack, 'Parameter', { value: SecureStringValue.generated({ length: 40 }), allowedPattern: '^[0-9]{4}$' });

    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Parameter', Match.stringLikeRegexp(
      "^`allowedPattern` '\\^\\[0-9\\]\\{4\\}\\$' does not match a value like the generated ones \\(40 characters from '!\"#.*'\\): Parameter Store would reject the value and the deployment fail\\. Widen the pattern, or set `length` and `excludeCharacters` of SecureStringValue\\.generated\\(\\) to fit it\\. \\[ack: cdk-kms-encryption:allowedPatternRejectsGeneratedValue\\]$",
    ));
  });

  test('an allowedPattern generated values match, or a token, gives no warning', () => {
    const stack = testStack();
    new SecureStringParameter(stack, 'Fits', { value: SecureStringValue.generated({ length: 40 }), allowedPattern: '^[!-~]{40}$' });
    new SecureStringParameter(stack, 'Token', { allowedPattern: Lazy.string({ produce: () => '^x$' }) });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('allowedPattern'));
  });
});
