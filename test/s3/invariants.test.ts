import { Aspects, IAspect, PropertyInjectors, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { CustomerManagedKey } from '../../src/kms';
import { EncryptedBucket, EncryptedBucketProps } from '../../src/s3';
import { testStack } from '../util/app';

const CAUSE = 'A property injector, mixin, aspect or L1 override (addPropertyOverride) changed';

/** Props an injector aimed at plain buckets might set, each weakening an EncryptedBucket. */
function weakening(props: s3.BucketProps): s3.BucketProps {
  return {
    ...props,
    versioned: false,
    encryption: s3.BucketEncryption.S3_MANAGED,
    encryptionKey: undefined,
    bucketKeyEnabled: false,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
  };
}

function synthError(configure: (bucket: EncryptedBucket) => void): string {
  const stack = testStack();
  configure(new EncryptedBucket(stack, 'Bucket'));
  try {
    Template.fromStack(stack);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('synthesis succeeded');
}

describe('EncryptedBucket invariants on the synthesized bucket', () => {
  test('an injector aimed at s3.Bucket no longer reaches an EncryptedBucket, and still reaches plain buckets', () => {
    // GIVEN
    const stack = testStack();
    PropertyInjectors.of(stack.node.scope!).add({ constructUniqueId: s3.Bucket.PROPERTY_INJECTION_ID, inject: weakening });

    // WHEN
    new EncryptedBucket(stack, 'Bucket');
    new s3.Bucket(stack, 'Plain');

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true, ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    const plain = template.toJSON().Resources[stack.getLogicalId(stack.node.findChild('Plain').node.defaultChild as s3.CfnBucket)];
    expect(plain.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(false);
  });

  test('an injector aimed at EncryptedBucket that sets what its props cannot express fails, naming each prop', () => {
    // GIVEN
    const stack = testStack();
    PropertyInjectors.of(stack).add({
      constructUniqueId: EncryptedBucket.PROPERTY_INJECTION_ID,
      inject: (props: EncryptedBucketProps) => weakening(props as s3.BucketProps),
    });

    // WHEN / THEN
    expect(() => new EncryptedBucket(stack, 'Bucket')).toThrow(
      /`versioned` is not available on an EncryptedBucket, got false: versioning is always on\..*\n.*`encryption` is not available.*\n.*`bucketKeyEnabled`.*\n.*`blockPublicAccess`/,
    );
  });

  test('an injector aimed at EncryptedBucket sets defaults (a shared key, tags, lifecycle rules)', () => {
    // GIVEN
    const stack = testStack();
    const sharedKey = new CustomerManagedKey(stack, 'SharedKey');
    PropertyInjectors.of(stack).add({
      constructUniqueId: EncryptedBucket.PROPERTY_INJECTION_ID,
      inject: (props: EncryptedBucketProps) => ({
        ...props,
        encryptionKey: sharedKey,
        lifecycleRules: [{ noncurrentVersionExpiration: { toDays: () => 90 } as any }],
      }),
    });

    // WHEN
    const bucket = new EncryptedBucket(stack, 'Bucket');
    Tags.of(bucket).add('team', 'storage');

    // THEN
    expect(bucket.encryptionKey).toBe(sharedKey);
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SharedKey'), 'Arn'] } } })] },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } })] },
      Tags: [{ Key: 'team', Value: 'storage' }],
    });
  });

  test.each<[string, (bucket: EncryptedBucket) => void, string]>([
    [
      'a versioning mixin',
      (bucket) => bucket.with(new s3.mixins.BucketVersioning(false)),
      `EncryptedBucket must keep versioning enabled: found Properties.VersioningConfiguration.Status "Suspended", expected "Enabled". ${CAUSE} \`versioned\`; remove that change for this construct.`,
    ],
    [
      'a Block Public Access mixin',
      (bucket) => bucket.with(new s3.mixins.BucketBlockPublicAccess(s3.BlockPublicAccess.BLOCK_ACLS_ONLY)),
      `EncryptedBucket must keep Block Public Access BlockPublicPolicy: found Properties.PublicAccessBlockConfiguration.BlockPublicPolicy false, expected true. ${CAUSE} \`blockPublicAccess\`; remove that change for this construct.`,
    ],
    [
      'an override to AES256',
      (bucket) => (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride('BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault', { SSEAlgorithm: 'AES256' }),
      `EncryptedBucket must keep aws:kms default encryption: found Properties.BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.SSEAlgorithm "AES256", expected "aws:kms". ${CAUSE} \`encryption\`; remove that change for this construct.`,
    ],
    [
      'an aspect that turns ACLs back on',
      (bucket) => Aspects.of(bucket).add(new ObjectWriterOwnership()),
      `EncryptedBucket must keep ACLs disabled: found Properties.OwnershipControls.Rules.0.ObjectOwnership "ObjectWriter", expected "BucketOwnerEnforced". ${CAUSE} \`objectOwnership\`; remove that change for this construct.`,
    ],
    [
      'an override that lets SSE-C through',
      (bucket) => (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride('BucketEncryption.ServerSideEncryptionConfiguration.0.BlockedEncryptionTypes.EncryptionType', ['NONE']),
      `EncryptedBucket must keep SSE-C blocked: found Properties.BucketEncryption.ServerSideEncryptionConfiguration.0.BlockedEncryptionTypes.EncryptionType ["NONE"], expected ["SSE-C"]. ${CAUSE} \`blockedEncryptionTypes\`; remove that change for this construct.`,
    ],
  ])('%s fails synthesis', (_name, configure, message) => {
    expect(synthError(configure)).toContain(`[TestStack/Bucket] ${message}`);
  });

  test('an override that removes a deny statement of the bucket policy fails synthesis', () => {
    const message = synthError((bucket) => {
      const policy = bucket.policy!.node.defaultChild as s3.CfnBucketPolicy;
      policy.addPropertyOverride('PolicyDocument.Statement', [{ Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 's3:GetObject', Resource: '*' }]);
    });
    expect(message).toContain(
      "[TestStack/Bucket] EncryptedBucket must keep the bucket-policy statement 'DenyInsecureTransport': found PolicyDocument statement 'DenyInsecureTransport' of TestStack/Bucket/Policy/Resource (not set), "
      + `expected {"Effect":"Deny","Action":["s3:*"],"Condition":{"Bool":["aws:SecureTransport"]}}. ${CAUSE} \`policy\`; remove that change for this construct.`,
    );
  });
});

class ObjectWriterOwnership implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof s3.CfnBucket) {
      node.ownershipControls = { rules: [{ objectOwnership: 'ObjectWriter' }] };
    }
  }
}
