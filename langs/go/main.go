// The language check's Go app: the stack of langs/typescript/app.ts, written as a Go user would.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-kms-encryption/cdk-kms-encryption-go/cdkkmsencryption"
)

// organizationBucketDefaults sets the organization's bucket defaults: its data key and an access-logs prefix.
// What the bucket's own caller passes wins. It is passed as a pointer, so jsii sends it by reference, as an
// object; a struct value would travel as a map of its fields.
type organizationBucketDefaults struct {
	key awskms.IKey
}

func (*organizationBucketDefaults) ConstructUniqueId() *string {
	return cdkkmsencryption.EncryptedBucket_PROPERTY_INJECTION_ID()
}

// Inject receives the props as a map keyed by the jsii (camelCase) names, and returns them the same way.
// Values are copied as they arrive: jsii-runtime-go leaves an object reference inside this map as a raw
// {"$jsii.byref": ...} map, which cannot be passed back (see README, Install).
func (d *organizationBucketDefaults) Inject(originalProps interface{}, _ *awscdk.InjectionContext) interface{} {
	props := map[string]interface{}{"encryptionKey": d.key, "serverAccessLogsPrefix": "access-logs/"}
	for name, value := range originalProps.(map[string]interface{}) {
		props[name] = value
	}
	return props
}

func main() {
	defer jsii.Close()

	app := awscdk.NewApp(nil)
	awscdk.Validations_Of(app).AddPlugins(cdkkmsencryption.NewEncryptionChecks(nil))

	stack := awscdk.NewStack(app, jsii.String("LanguagesStack"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("eu-west-1")},
	})
	key := cdkkmsencryption.NewCustomerManagedKey(stack, jsii.String("Key"), &cdkkmsencryption.CustomerManagedKeyProps{
		Alias: jsii.String("languages/data"),
	})
	awscdk.PropertyInjectors_Of(app).Add(&organizationBucketDefaults{key: key})
	reader := awsiam.NewRole(stack, jsii.String("Reader"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})

	bucket := cdkkmsencryption.NewEncryptedBucket(stack, jsii.String("Data"), nil)
	bucket.GrantRead(reader, nil)
	cdkkmsencryption.NewEncryptedBucket(stack, jsii.String("Audit"), &cdkkmsencryption.EncryptedBucketProps{
		ServerAccessLogsPrefix: jsii.String("audit-access-logs/"),
		MinimumTlsVersion:      jsii.Number(1.3),
	})
	cdkkmsencryption.NewEncryptedLogGroup(stack, jsii.String("Logs"), &cdkkmsencryption.EncryptedLogGroupProps{
		EncryptionKey: key,
		Retention:     awslogs.RetentionDays_THIRTEEN_MONTHS,
	})
	cdkkmsencryption.NewSecureStringParameter(stack, jsii.String("ApiKey"), &cdkkmsencryption.SecureStringParameterProps{
		EncryptionKey: key,
		Value: cdkkmsencryption.SecureStringValue_Generated(&cdkkmsencryption.GeneratedValueOptions{
			Length:            jsii.Number(40),
			ExcludeCharacters: jsii.String(`"'\`),
		}),
	})
	cdkkmsencryption.NewRotatingSecret(stack, jsii.String("Token"), &cdkkmsencryption.RotatingSecretProps{
		EncryptionKey:    key,
		Rotation:         cdkkmsencryption.SecretRotation_Generic(nil),
		RotationSchedule: cdkkmsencryption.SecretRotationSchedule_Rate(awscdk.Duration_Days(jsii.Number(7))),
	})
	cdkkmsencryption.NewSnapshotSharingGrant(stack, jsii.String("ShareWithBackup"), &cdkkmsencryption.SnapshotSharingGrantProps{
		Key:      key,
		Accounts: jsii.Strings("222222222222"),
		Services: &[]cdkkmsencryption.SnapshotService{cdkkmsencryption.SnapshotService_EBS(), cdkkmsencryption.SnapshotService_RDS()},
	})

	app.Synth(nil)
}
