package languages;

import io.github.cdkkmsencryption.CustomerManagedKey;
import io.github.cdkkmsencryption.EncryptedBucket;
import io.github.cdkkmsencryption.EncryptedLogGroup;
import io.github.cdkkmsencryption.EncryptionChecks;
import io.github.cdkkmsencryption.GeneratedValueOptions;
import io.github.cdkkmsencryption.RotatingSecret;
import io.github.cdkkmsencryption.SecretRotation;
import io.github.cdkkmsencryption.SecretRotationSchedule;
import io.github.cdkkmsencryption.SecureStringParameter;
import io.github.cdkkmsencryption.SecureStringValue;
import io.github.cdkkmsencryption.SnapshotService;
import io.github.cdkkmsencryption.SnapshotSharingGrant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.IPropertyInjector;
import software.amazon.awscdk.InjectionContext;
import software.amazon.awscdk.PropertyInjectors;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.logs.RetentionDays;

/** The language check's Java app: the stack of langs/typescript/app.ts, written as a Java user would. */
public final class LanguagesApp {
    /**
     * The organization's bucket defaults: its data key and an access-logs prefix. What the bucket's own
     * caller passes wins.
     */
    static final class OrganizationBucketDefaults implements IPropertyInjector {
        private final IKey key;

        OrganizationBucketDefaults(final IKey key) {
            this.key = key;
        }

        @Override
        public String getConstructUniqueId() {
            return EncryptedBucket.PROPERTY_INJECTION_ID;
        }

        /** The props arrive as a map keyed by the jsii (camelCase) names, and go back the same way. */
        @Override
        @SuppressWarnings("unchecked")
        public Object inject(final Object originalProps, final InjectionContext context) {
            Map<String, Object> props = new HashMap<>();
            props.put("encryptionKey", key);
            props.put("serverAccessLogsPrefix", "access-logs/");
            props.putAll((Map<String, Object>) originalProps);
            return props;
        }
    }

    public static void main(final String[] args) {
        App app = new App();
        Validations.of(app).addPlugins(new EncryptionChecks());

        Stack stack = new Stack(app, "LanguagesStack", StackProps.builder()
                .env(Environment.builder().account("111111111111").region("eu-west-1").build())
                .build());
        CustomerManagedKey key = CustomerManagedKey.Builder.create(stack, "Key").alias("languages/data").build();
        PropertyInjectors.of(app).add(new OrganizationBucketDefaults(key));
        Role reader = Role.Builder.create(stack, "Reader")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .build();

        EncryptedBucket bucket = new EncryptedBucket(stack, "Data");
        bucket.grantRead(reader);
        EncryptedBucket.Builder.create(stack, "Audit")
                .serverAccessLogsPrefix("audit-access-logs/")
                .minimumTlsVersion(1.3)
                .build();
        EncryptedLogGroup.Builder.create(stack, "Logs")
                .encryptionKey(key)
                .retention(RetentionDays.THIRTEEN_MONTHS)
                .build();
        SecureStringParameter.Builder.create(stack, "ApiKey")
                .encryptionKey(key)
                .value(SecureStringValue.generated(GeneratedValueOptions.builder()
                        .length(40)
                        .excludeCharacters("\"'\\")
                        .build()))
                .build();
        RotatingSecret.Builder.create(stack, "Token")
                .encryptionKey(key)
                .rotation(SecretRotation.generic())
                .rotationSchedule(SecretRotationSchedule.rate(Duration.days(7)))
                .build();
        SnapshotSharingGrant.Builder.create(stack, "ShareWithBackup")
                .key(key)
                .accounts(List.of("222222222222"))
                .services(List.of(SnapshotService.EBS, SnapshotService.RDS))
                .build();

        app.synth();
    }
}
