/**
 * The reference app of the language check (scripts/languages.ts): the Python, Java and Go apps beside this
 * folder define the same stack, and their templates must equal this one's, asset hashes included.
 */
import { App, Duration, InjectionContext, IPropertyInjector, PropertyInjectors, Stack, Validations, aws_iam as iam, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import {
  CustomerManagedKey,
  EncryptedBucket,
  EncryptedBucketProps,
  EncryptedLogGroup,
  EncryptionChecks,
  RotatingSecret,
  SecretRotation,
  SecretRotationSchedule,
  SecureStringParameter,
  SecureStringValue,
  SnapshotService,
  SnapshotSharingGrant,
} from 'cdk-kms-encryption';

/**
 * The organization's bucket defaults: its data key and an access-logs prefix. What the bucket's own caller
 * passes wins.
 */
class OrganizationBucketDefaults implements IPropertyInjector {
  public readonly constructUniqueId = EncryptedBucket.PROPERTY_INJECTION_ID;

  constructor(private readonly key: kms.IKey) {}

  public inject(originalProps: EncryptedBucketProps, _context: InjectionContext): EncryptedBucketProps {
    return { encryptionKey: this.key, serverAccessLogsPrefix: 'access-logs/', ...originalProps };
  }
}

const app = new App();
Validations.of(app).addPlugins(new EncryptionChecks());

const stack = new Stack(app, 'LanguagesStack', { env: { account: '111111111111', region: 'eu-west-1' } });
const key = new CustomerManagedKey(stack, 'Key', { alias: 'languages/data' });
PropertyInjectors.of(app).add(new OrganizationBucketDefaults(key));
const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

const bucket = new EncryptedBucket(stack, 'Data');
bucket.grantRead(reader);
new EncryptedBucket(stack, 'Audit', { serverAccessLogsPrefix: 'audit-access-logs/', minimumTlsVersion: 1.3 });
new EncryptedLogGroup(stack, 'Logs', { encryptionKey: key, retention: logs.RetentionDays.THIRTEEN_MONTHS });
new SecureStringParameter(stack, 'ApiKey', {
  encryptionKey: key,
  value: SecureStringValue.generated({ length: 40, excludeCharacters: '"\'\\' }),
});
new RotatingSecret(stack, 'Token', {
  encryptionKey: key,
  rotation: SecretRotation.generic(),
  rotationSchedule: SecretRotationSchedule.rate(Duration.days(7)),
});
new SnapshotSharingGrant(stack, 'ShareWithBackup', {
  key,
  accounts: ['222222222222'],
  services: [SnapshotService.EBS, SnapshotService.RDS],
});

app.synth();
