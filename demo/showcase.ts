/**
 * Every construct of the library in its default and its fully configured form. `npm run demo`
 * synthesizes these stacks with the cdk CLI, and the app-wide tests (test/app/) check them under every
 * compliance pack, for determinism, and for plaintext secrets.
 */
import { App, Duration, Stack, StackProps, Validations, aws_ssm as ssm } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  CustomerManagedKey,
  EncryptedBucket,
  EncryptedLogGroup,
  ExternalKeyRing,
  KeyAccess,
  KmsEncryptionType,
  LogGroupKeyPolicyScope,
  ParameterPolicy,
  RotatingSecret,
  SecretRotation,
  SecretRotationSchedule,
  SecureStringParameter,
  SecureStringValue,
  SnapshotService,
  SnapshotSharingGrant,
} from '../src';

/** Placeholder environment: the showcase is synthesized, never deployed as is. */
export const SHOWCASE_ENV = { account: '111111111111', region: 'eu-west-1' };
/** The account snapshots are shared with. */
export const BACKUP_ACCOUNT = '222222222222';

/** Each construct with no props but the required ones. */
export class DefaultsStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const key = new CustomerManagedKey(this, 'Key');
    new EncryptedBucket(this, 'Bucket');
    new EncryptedLogGroup(this, 'LogGroup');
    new SecureStringParameter(this, 'Parameter');
    new RotatingSecret(this, 'Secret');
    new SnapshotSharingGrant(this, 'SnapshotSharing', { key, accounts: [BACKUP_ACCOUNT], services: [SnapshotService.EBS] });
  }
}

/** Each construct with the options that matter, sharing one administered key where it can. */
export class ConfiguredStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const admin = new iam.ArnPrincipal(`arn:aws:iam::${this.account}:role/KeyAdministrator`);
    const app = new iam.Role(this, 'AppRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });

    const key = new CustomerManagedKey(this, 'DataKey', {
      alias: 'showcase/data',
      description: 'Data of the showcase application',
      rotationPeriod: Duration.days(180),
      pendingWindow: Duration.days(14),
      administrators: [admin],
    });
    key.allowPrincipalsMatching(`arn:aws:iam::${this.account}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_DataReader_*`, KeyAccess.DECRYPT);
    key.allowOrganization('o-abcdef1234');

    const replicaKey = new CustomerManagedKey(this, 'ReplicaBucketKey', { administrators: [admin] });
    const replica = new EncryptedBucket(this, 'ReplicaBucket', {
      encryptionKey: replicaKey,
      encryptionType: KmsEncryptionType.DSSE_KMS,
    });
    const bucket = new EncryptedBucket(this, 'Bucket', {
      encryptionKey: key,
      encryptionType: KmsEncryptionType.DSSE_KMS, // replicas keep the source's encryption type
      requireEncryptionHeaders: true,
      minimumTlsVersion: 1.3,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
    });
    Validations.of(bucket).acknowledge({
      id: 'Annotation::cdk-kms-encryption:requireEncryptionHeadersDeniesMultipartUploads',
      reason: 'Clients of this bucket write each object with one PutObject that names the algorithm and key.',
    });
    bucket.replicateTo(replica, { storageClass: s3.StorageClass.INFREQUENT_ACCESS });
    bucket.grantReadWrite(app);

    const logGroup = new EncryptedLogGroup(this, 'LogGroup', {
      encryptionKey: key,
      logGroupName: '/showcase/application',
      retention: logs.RetentionDays.THIRTEEN_MONTHS,
      logGroupClass: logs.LogGroupClass.INFREQUENT_ACCESS,
      dataProtectionPolicy: new logs.DataProtectionPolicy({ identifiers: [logs.DataIdentifier.EMAILADDRESS] }),
      keyPolicyScope: LogGroupKeyPolicyScope.ACCOUNT,
    });
    logGroup.grantWrite(app);

    const secret = new RotatingSecret(this, 'DatabaseCredentials', {
      secretName: 'showcase/database',
      description: 'Credentials rotated by the generic rotation function',
      encryptionKey: key,
      generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'app' }), generateStringKey: 'password' },
      rotation: SecretRotation.generic({ jsonField: 'password' }),
      rotationSchedule: SecretRotationSchedule.rate(Duration.days(7)),
    });
    secret.grantRead(app);

    const parameter = new SecureStringParameter(this, 'DatabasePassword', {
      parameterName: '/showcase/database/password',
      encryptionKey: key,
      value: SecureStringValue.fromSecret(secret, 'password'),
      tier: ssm.ParameterTier.ADVANCED,
      policies: [ParameterPolicy.noChangeNotification(Duration.days(30))],
      description: 'A copy of the database password for tools that read Parameter Store',
    });
    parameter.grantRead(app);
    new SecureStringParameter(this, 'ApiToken', {
      encryptionKey: key,
      value: SecureStringValue.generated({ length: 48, excludeCharacters: '"\'\\' }),
    });

    key.shareSnapshots('SnapshotSharing', {
      accounts: [BACKUP_ACCOUNT],
      organizationId: 'o-abcdef1234',
      services: [SnapshotService.EBS, SnapshotService.RDS, SnapshotService.AMI],
      additionalRegions: ['eu-central-1'],
    });

    new ExternalKeyRing(this, 'PaymentsKeys', { alias: 'showcase/payments', generations: ['v1', 'v2'], administrators: [admin] });
    new CustomerManagedKey(this, 'SigningKey', { keySpec: kms.KeySpec.ECC_NIST_P256, keyUsage: kms.KeyUsage.SIGN_VERIFY })
      .grantSign(app);

    acknowledgeApplicationRole(app);
  }
}

/**
 * The application's own role is not the library's: aws-cdk-lib's bucket grants use action wildcards
 * (`s3:GetObject*`) and an inline default policy. An application would attach a managed policy of its own.
 */
function acknowledgeApplicationRole(role: iam.Role): void {
  const reason = 'Showcase application role: aws-cdk-lib grants write an inline default policy with S3 action wildcards; not a library resource.';
  const policy = role.node.findChild('DefaultPolicy');
  for (const id of [
    'AwsSolutions::AwsSolutions-IAM5[Action::s3:Abort*]',
    'AwsSolutions::AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions::AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions::AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions::AwsSolutions-IAM5[Action::s3:List*]',
    'AwsSolutions::AwsSolutions-IAM5[Resource::<Bucket83908E77.Arn>/*]',
    'NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy',
    'HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy',
    'PCI.DSS.321::PCI.DSS.321-IAMNoInlinePolicy',
  ]) {
    Validations.of(policy).acknowledge({ id, reason });
  }
}

/** The showcase stacks, in the placeholder environment. */
export function addShowcaseStacks(app: App): Stack[] {
  return [
    new DefaultsStack(app, 'ShowcaseDefaults', { env: SHOWCASE_ENV }),
    new ConfiguredStack(app, 'ShowcaseConfigured', { env: SHOWCASE_ENV }),
  ];
}
