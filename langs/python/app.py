"""The language check's Python app: the stack of langs/typescript/app.ts, written as a Python user would."""
from typing import Any, Mapping

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam, aws_kms as kms, aws_logs as logs
from cdk_kms_encryption import (
    CustomerManagedKey,
    EncryptedBucket,
    EncryptedLogGroup,
    EncryptionChecks,
    RotatingSecret,
    SecretRotation,
    SecretRotationSchedule,
    SecureStringParameter,
    SecureStringValue,
    SnapshotService,
    SnapshotSharingGrant,
)


@jsii.implements(cdk.IPropertyInjector)
class OrganizationBucketDefaults:
    """The organization's bucket defaults: its data key and an access-logs prefix. What the bucket's own caller
    passes wins."""

    def __init__(self, key: kms.IKey) -> None:
        self._key = key

    @property
    def construct_unique_id(self) -> str:
        return EncryptedBucket.PROPERTY_INJECTION_ID

    def inject(self, original_props: Mapping[str, Any], context: cdk.InjectionContext) -> Mapping[str, Any]:
        # The props arrive as a mapping keyed by the jsii (camelCase) names, and go back the same way.
        return {"encryptionKey": self._key, "serverAccessLogsPrefix": "access-logs/", **original_props}


app = cdk.App()
cdk.Validations.of(app).add_plugins(EncryptionChecks())

stack = cdk.Stack(app, "LanguagesStack", env=cdk.Environment(account="111111111111", region="eu-west-1"))
key = CustomerManagedKey(stack, "Key", alias="languages/data")
cdk.PropertyInjectors.of(app).add(OrganizationBucketDefaults(key))
reader = iam.Role(stack, "Reader", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))

bucket = EncryptedBucket(stack, "Data")
bucket.grant_read(reader)
EncryptedBucket(stack, "Audit", server_access_logs_prefix="audit-access-logs/", minimum_tls_version=1.3)
EncryptedLogGroup(stack, "Logs", encryption_key=key, retention=logs.RetentionDays.THIRTEEN_MONTHS)
SecureStringParameter(
    stack,
    "ApiKey",
    encryption_key=key,
    value=SecureStringValue.generated(length=40, exclude_characters="\"'\\"),
)
RotatingSecret(
    stack,
    "Token",
    encryption_key=key,
    rotation=SecretRotation.generic(),
    rotation_schedule=SecretRotationSchedule.rate(cdk.Duration.days(7)),
)
SnapshotSharingGrant(
    stack,
    "ShareWithBackup",
    key=key,
    accounts=["222222222222"],
    services=[SnapshotService.EBS, SnapshotService.RDS],
)

app.synth()
