import { CfnParameter, Fn, RemovalPolicy, SecretValue, Size, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { check, findingsOfRule } from './findings';
import { CustomerManagedKey } from '../../src/kms';
import { testStack } from '../util/app';

const P = 'cdk-kms-encryption::';
const NOT_CHECKED = (what: string) =>
  `Could not be checked: ${what} is only known at deploy time (a parameter, an import or another token). Make sure it complies, then acknowledge this finding.`;

const S3_FIX = 'Use EncryptedBucket, or set `encryption: BucketEncryption.KMS` with `encryptionKey` set to a CustomerManagedKey.';
const SECRET_FIX = 'Use RotatingSecret, or set `encryptionKey` (and a key for each replica Region) to a CustomerManagedKey.';
const TABLE_FIX = 'Set `encryption: TableEncryption.CUSTOMER_MANAGED` and `encryptionKey` to a CustomerManagedKey.';
const TLS_FIX = "No bucket policy denies requests over plain HTTP on this bucket and all its objects. Use EncryptedBucket, or set `enforceSSL: true`, or add a statement that denies s3:* to everyone on the bucket's ARN and `<bucket ARN>/*` when aws:SecureTransport is false.";
const RDS_FIX = 'Set `storageEncrypted: true` and `storageEncryptionKey` to a CustomerManagedKey.';

const KMS_1 = 'Security Hub KMS.1 (https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-1)';
const KMS_2 = 'Security Hub KMS.2 (https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-2)';
const ALL_KEYS_FIX = (control: string) => `${control} fails on this policy, whatever its conditions. Grant on the keys instead (\`key.grantDecrypt(principal)\` and the other grant* methods), or name key ARNs in \`resources\`.`;

/** Builds the one resource a case is about, with id `R`. */
type Build = (stack: Stack) => void;

const key = (stack: Stack) => new CustomerManagedKey(stack, 'Key');
const parameterKey = (stack: Stack) => kms.Key.fromKeyArn(stack, 'ParameterKey', new CfnParameter(stack, 'KeyArn').valueAsString);
const cfnDbInstance = (stack: Stack, props: Partial<rds.CfnDBInstanceProps>) =>
  new rds.CfnDBInstance(stack, 'R', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', ...props });
/** An `iam.Policy` with id `R`, attached to a role, with one statement. */
const identityPolicy = (stack: Stack, statement: iam.PolicyStatementProps) => new iam.Policy(stack, 'R', {
  statements: [new iam.PolicyStatement(statement)],
  roles: [new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })],
});
const cfnDbCluster = (stack: Stack, props: Partial<rds.CfnDBClusterProps>) => new rds.CfnDBCluster(stack, 'R', { engine: 'aurora-postgresql', ...props });

describe('non-compliant resources are reported with the fix', () => {
  test.each<[string, string, Build, string, string, string]>([
    ['S3BucketKmsCmk', 'default s3.Bucket (SSE-S3)', (s) => new s3.Bucket(s, 'R'), 'error', 'Stack/R/Resource',
      `The bucket's default encryption is SSE-S3 (AES256), not a customer-managed KMS key. ${S3_FIX}`],
    ['S3BucketKmsCmk', 'SSE-KMS with aws/s3 (KMS_MANAGED)', (s) => new s3.Bucket(s, 'R', { encryption: s3.BucketEncryption.KMS_MANAGED }), 'error', 'Stack/R/Resource',
      `The bucket is not encrypted with a customer-managed key: S3 uses the AWS managed key aws/s3. ${S3_FIX}`],
    ['S3BucketKmsCmk', "KMSMasterKeyID 'alias/aws/s3'", (s) => new s3.CfnBucket(s, 'R', {
      bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: 'alias/aws/s3' } }] },
    }), 'error', 'Stack/R', `The bucket is encrypted with an AWS managed key, not a customer-managed key. ${S3_FIX}`],
    ['S3BucketKmsCmk', 'key ARN from a parameter', (s) => new s3.Bucket(s, 'R', { encryptionKey: parameterKey(s) }), 'warning', 'Stack/R/Resource',
      NOT_CHECKED("the bucket's `KMSMasterKeyID`")],
    ['S3BucketKey', 'SSE-KMS without a bucket key', (s) => new s3.Bucket(s, 'R', { encryptionKey: key(s) }), 'warning', 'Stack/R/Resource',
      "The bucket's SSE-KMS encryption does not use an S3 Bucket Key, so every object operation calls KMS. Use EncryptedBucket, or set `bucketKeyEnabled: true`."],
    ['S3BucketTlsDeny', 'no bucket policy', (s) => new s3.Bucket(s, 'R'), 'error', 'Stack/R/Resource',
      TLS_FIX],
    ['S3BucketTlsDeny', 'a policy that denies HTTP for GetObject only', (s) => new s3.Bucket(s, 'R').addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject'],
      resources: ['*'],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    })), 'error', 'Stack/R/Resource',
    TLS_FIX],
    ['S3BucketTlsDeny', 'a policy whose bucket is a parameter', (s) => {
      new s3.Bucket(s, 'R');
      new s3.CfnBucketPolicy(s, 'Policy', { bucket: new CfnParameter(s, 'BucketName').valueAsString, policyDocument: {} });
    }, 'warning', 'Stack/R/Resource', NOT_CHECKED('the bucket a bucket policy applies to')],
    ['LogGroupKmsCmk', 'default logs.LogGroup', (s) => new logs.LogGroup(s, 'R'), 'error', 'Stack/R/Resource',
      'The log group is not encrypted with a customer-managed key: CloudWatch Logs encrypts it with a key the service owns. Use EncryptedLogGroup, or set `encryptionKey` to a CustomerManagedKey whose policy lets the logs service use it.'],
    ['LogGroupKmsCmk', 'key imported with Fn::ImportValue', (s) => new logs.LogGroup(s, 'R', { encryptionKey: kms.Key.fromKeyArn(s, 'K', Fn.importValue('KeyArn')) }),
      'warning', 'Stack/R/Resource', NOT_CHECKED("the log group's `KmsKeyId`")],
    ['SecretKmsCmk', 'default secretsmanager.Secret (aws/secretsmanager)', (s) => new secretsmanager.Secret(s, 'R'), 'error', 'Stack/R/Resource',
      `The secret is not encrypted with a customer-managed key: Secrets Manager uses the AWS managed key aws/secretsmanager. ${SECRET_FIX}`],
    ['SecretKmsCmk', 'replica without a key', (s) => new secretsmanager.Secret(s, 'R', { encryptionKey: key(s), replicaRegions: [{ region: 'eu-central-1' }] }),
      'error', 'Stack/R/Resource',
      `The secret's replica in eu-central-1 is not encrypted with a customer-managed key: Secrets Manager uses the AWS managed key aws/secretsmanager. ${SECRET_FIX}`],
    ['SsmParameterSecureString', 'String parameter with id DbPassword', (s) => new ssm.StringParameter(s, 'DbPassword', { stringValue: 'x' }), 'error', 'Stack/DbPassword/Resource',
      "The parameter's name ('DbPassword') contains 'password', but its type String stores the value in plain text. Use SecureStringParameter, or a Secrets Manager secret."],
    ['SsmParameterSecureString', "String parameter named '/app/api_key'", (s) => new ssm.StringParameter(s, 'R', { parameterName: '/app/api_key', stringValue: 'x' }),
      'error', 'Stack/R/Resource',
      "The parameter's name ('/app/api_key') contains 'apikey', but its type String stores the value in plain text. Use SecureStringParameter, or a Secrets Manager secret."],
    ['SsmParameterSecureString', 'name from a parameter', (s) => new ssm.CfnParameter(s, 'R', { name: new CfnParameter(s, 'Name').valueAsString, type: 'String', value: 'x' }),
      'warning', 'Stack/R', NOT_CHECKED("the parameter's `Name` or `Type`")],
    ['KmsKeyRotation', 'default kms.Key', (s) => new kms.Key(s, 'R'), 'error', 'Stack/R/Resource',
      'Automatic rotation of the key material is off. Use CustomerManagedKey, or set `enableKeyRotation: true`.'],
    ['KmsKeyPolicyPublic', 'Allow to * without a condition', (s) => new kms.Key(s, 'R', { enableKeyRotation: true }).addToResourcePolicy(new iam.PolicyStatement({
      sid: 'Everyone', principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'],
    })), 'error', 'Stack/R/Resource',
    "The key policy allows everyone ('*') in statement 'Everyone' without a condition that narrows the principal. Add one with a fixed value of aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceOrgID, aws:userid, kms:CallerAccount, or name the principals."],
    ['KmsKeyPolicySize', 'a policy of 30,000 bytes', (s) => new kms.CfnKey(s, 'R', { enableKeyRotation: true, keyPolicy: largePolicy(30_000) }), 'warning', 'Stack/R',
      `The key policy is ${JSON.stringify(largePolicy(30_000)).length} bytes, over 80% of the 32768-byte KMS limit. Use account-wide statements (for example \`kms:ViaService\` with \`kms:CallerAccount\`) instead of one per principal, or a second key.`],
    ['IamPolicyKmsDecryptAllKeys', "iam.Policy: kms:Decrypt on '*'", (s) => identityPolicy(s, { actions: ['kms:Decrypt'], resources: ['*'] }), 'warning', 'Stack/R/Resource',
      `Statement 1 allows kms:Decrypt on all KMS keys ('*'). ${ALL_KEYS_FIX(KMS_2)}`],
    ['IamPolicyKmsDecryptAllKeys', 'iam.Policy: kms:Decrypt on key/* of the account, with a kms:ViaService condition', (s) => identityPolicy(s, {
      actions: ['kms:Decrypt'], resources: ['arn:aws:kms:eu-west-1:111111111111:key/*'], conditions: { StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' } },
    }), 'warning', 'Stack/R/Resource', `Statement 1 allows kms:Decrypt on all KMS keys ('arn:aws:kms:eu-west-1:111111111111:key/*'). ${ALL_KEYS_FIX(KMS_2)}`],
    ['IamPolicyKmsDecryptAllKeys', 'iam.ManagedPolicy: kms:* on formatArn(key/*)', (s) => new iam.ManagedPolicy(s, 'R', {
      statements: [new iam.PolicyStatement({ sid: 'AllKeys', actions: ['kms:*'], resources: [s.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })] })],
    }), 'warning', 'Stack/R/Resource',
    `Statement 'AllKeys' allows kms:Decrypt and kms:ReEncryptFrom on all KMS keys ('arn:aws:kms:eu-west-1:111111111111:key/*'). ${ALL_KEYS_FIX(KMS_1)}`],
    ['IamPolicyKmsDecryptAllKeys', 'NotAction that leaves kms:Decrypt', (s) => identityPolicy(s, { notActions: ['s3:*', 'kms:ReEncrypt*'], resources: ['*'] }), 'warning', 'Stack/R/Resource',
      `Statement 1 allows kms:Decrypt on all KMS keys ('*'). ${ALL_KEYS_FIX(KMS_2)}`],
    ['IamPolicyKmsDecryptAllKeys', 'a policy variable in the key ARN', (s) => identityPolicy(s, { actions: ['kms:Decrypt*'], resources: ['arn:aws:kms:eu-west-1:111111111111:key/${aws:PrincipalTag/key}'] }),
      'warning', 'Stack/R/Resource', `Statement 1 allows kms:Decrypt on all KMS keys ('arn:aws:kms:eu-west-1:111111111111:key/\${aws:PrincipalTag/key}'). ${ALL_KEYS_FIX(KMS_2)}`],
    ['IamPolicyKmsDecryptAllKeys', "a role's inline policy: kms:ReEncrypt* on '*'", (s) => new iam.CfnRole(s, 'R', {
      assumeRolePolicyDocument: {},
      policies: [{ policyName: 'Inline', policyDocument: { Statement: [{ Effect: 'Allow', Action: 'kms:ReEncrypt*', Resource: '*' }] } }],
    }), 'warning', 'Stack/R', `Statement 1 of inline policy 'Inline' allows kms:ReEncryptFrom on all KMS keys ('*'). ${ALL_KEYS_FIX(KMS_2)}`],
    ['IamPolicyKmsDecryptAllKeys', 'kms:Decrypt on a key ARN from a parameter', (s) => identityPolicy(s, { actions: ['kms:Decrypt'], resources: [new CfnParameter(s, 'KeyArn').valueAsString] }),
      'warning', 'Stack/R/Resource', NOT_CHECKED('a resource of a statement that allows kms:Decrypt or kms:ReEncryptFrom')],
    ['SqsQueueKmsCmk', 'default sqs.Queue (SSE-SQS)', (s) => new sqs.Queue(s, 'R'), 'error', 'Stack/R/Resource',
      'The queue is not encrypted with a customer-managed key: it uses SSE-SQS or no encryption. Set `encryption: QueueEncryption.KMS` and `encryptionMasterKey` to a CustomerManagedKey.'],
    ['SqsQueueKmsCmk', 'aws/sqs (KMS_MANAGED)', (s) => new sqs.Queue(s, 'R', { encryption: sqs.QueueEncryption.KMS_MANAGED }), 'error', 'Stack/R/Resource',
      'The queue is encrypted with an AWS managed key, not a customer-managed key. Set `encryption: QueueEncryption.KMS` and `encryptionMasterKey` to a CustomerManagedKey.'],
    ['SnsTopicKmsCmk', 'default sns.Topic', (s) => new sns.Topic(s, 'R'), 'error', 'Stack/R/Resource',
      'The topic is not encrypted with a customer-managed key: it has no server-side encryption. Set `masterKey` to a CustomerManagedKey.'],
    ['SnsTopicKmsCmk', 'alias/aws/sns', (s) => new sns.Topic(s, 'R', { masterKey: kms.Alias.fromAliasName(s, 'A', 'alias/aws/sns') }), 'error', 'Stack/R/Resource',
      'The topic is encrypted with an AWS managed key, not a customer-managed key. Set `masterKey` to a CustomerManagedKey.'],
    ['DynamoDbTableKmsCmk', 'default dynamodb.Table (AWS owned key)', (s) => new dynamodb.Table(s, 'R', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } }),
      'error', 'Stack/R/Resource', `The table is not encrypted with a customer-managed key: DynamoDB uses a key the service owns. ${TABLE_FIX}`],
    ['DynamoDbTableKmsCmk', 'aws/dynamodb (AWS_MANAGED)', (s) => new dynamodb.Table(s, 'R', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, encryption: dynamodb.TableEncryption.AWS_MANAGED,
    }), 'error', 'Stack/R/Resource', `The table is not encrypted with a customer-managed key: DynamoDB uses the AWS managed key aws/dynamodb. ${TABLE_FIX}`],
    ['EbsVolumeKmsCmk', 'unencrypted ec2.Volume', (s) => new ec2.Volume(s, 'R', { availabilityZone: 'eu-west-1a', size: Size.gibibytes(8) }), 'error', 'Stack/R/Resource',
      'The volume is not encrypted (`Encrypted` is not true). Set `encrypted: true` and `encryptionKey` to a CustomerManagedKey.'],
    ['EbsVolumeKmsCmk', 'encrypted with the default EBS key', (s) => new ec2.Volume(s, 'R', { availabilityZone: 'eu-west-1a', size: Size.gibibytes(8), encrypted: true }),
      'error', 'Stack/R/Resource',
      "The volume is not encrypted with a customer-managed key: EBS uses the account's default EBS key (aws/ebs unless changed). Set `encrypted: true` and `encryptionKey` to a CustomerManagedKey."],
    ['RdsInstanceKmsCmk', 'unencrypted instance', (s) => cfnDbInstance(s, {}), 'error', 'Stack/R', `The database instance is not encrypted (\`StorageEncrypted\` is not true). ${RDS_FIX}`],
    ['RdsInstanceKmsCmk', 'encrypted with aws/rds', (s) => cfnDbInstance(s, { storageEncrypted: true }), 'error', 'Stack/R',
      `The database instance is not encrypted with a customer-managed key: RDS uses the AWS managed key aws/rds. ${RDS_FIX}`],
    ['RdsClusterKmsCmk', 'unencrypted cluster', (s) => cfnDbCluster(s, {}), 'error', 'Stack/R', `The database cluster is not encrypted (\`StorageEncrypted\` is not true). ${RDS_FIX}`],
    ['RdsClusterKmsCmk', 'encrypted with aws/rds', (s) => cfnDbCluster(s, { storageEncrypted: true }), 'error', 'Stack/R',
      `The database cluster is not encrypted with a customer-managed key: RDS uses the AWS managed key aws/rds. ${RDS_FIX}`],
  ])('%s: %s', (ruleId, _case, build, level, path, message) => {
    expect(findingsOfRule(ruleId, build)).toEqual([[level, path, message]]);
  });
});

describe('compliant resources are not reported', () => {
  test.each<[string, string, Build]>([
    ['S3BucketKmsCmk', 'SSE-KMS with a CustomerManagedKey', (s) => new s3.Bucket(s, 'R', { encryptionKey: key(s) })],
    ['S3BucketKmsCmk', 'a key in another stack of the app', (s) => new s3.Bucket(s, 'R', { encryptionKey: key(testStack('KeyStack', {}, s.node.root as any)) })],
    ['S3BucketKmsCmk', 'a literal key ARN', (s) => new s3.Bucket(s, 'R', { encryptionKey: kms.Key.fromKeyArn(s, 'K', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab') })],
    ['S3BucketKmsCmk', 'DSSE-KMS with a CustomerManagedKey', (s) => new s3.Bucket(s, 'R', { encryption: s3.BucketEncryption.DSSE, encryptionKey: key(s) })],
    ['S3BucketKmsCmk', 'SSE-S3 on the bucket that receives server access logs', (s) => {
      new s3.Bucket(s, 'Source', { encryptionKey: key(s), serverAccessLogsBucket: new s3.Bucket(s, 'R', { encryption: s3.BucketEncryption.S3_MANAGED }) });
    }],
    ['S3BucketKey', 'SSE-KMS with a bucket key', (s) => new s3.Bucket(s, 'R', { encryptionKey: key(s), bucketKeyEnabled: true })],
    ['S3BucketKey', 'DSSE-KMS, which does not support bucket keys', (s) => new s3.Bucket(s, 'R', { encryption: s3.BucketEncryption.DSSE, encryptionKey: key(s) })],
    ['S3BucketTlsDeny', 'enforceSSL', (s) => new s3.Bucket(s, 'R', { enforceSSL: true })],
    ['S3BucketTlsDeny', 'an L1 policy naming the bucket', (s) => {
      new s3.CfnBucket(s, 'R', { bucketName: 'named-bucket' });
      new s3.CfnBucketPolicy(s, 'Policy', {
        bucket: 'named-bucket',
        policyDocument: {
          Statement: [{
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Resource: ['arn:aws:s3:::named-bucket', 'arn:aws:s3:::named-bucket/*'],
            Condition: { Bool: { 'aws:SecureTransport': false } },
          }],
        },
      });
    }],
    ['LogGroupKmsCmk', 'a CustomerManagedKey', (s) => new logs.LogGroup(s, 'R', { encryptionKey: key(s) })],
    ['SecretKmsCmk', 'a CustomerManagedKey, also for the replica', (s) => new secretsmanager.Secret(s, 'R', {
      encryptionKey: key(s), replicaRegions: [{ region: 'eu-central-1', encryptionKey: kms.Key.fromKeyArn(s, 'K', 'arn:aws:kms:eu-central-1:111111111111:key/mrk-1') }],
    })],
    ['SsmParameterSecureString', "'/app/db-host'", (s) => new ssm.StringParameter(s, 'R', { parameterName: '/app/db-host', stringValue: 'x' })],
    ['SsmParameterSecureString', "'/app/DbSecretArn' (a reference to a secret)", (s) => new ssm.StringParameter(s, 'R', { parameterName: '/app/DbSecretArn', stringValue: 'x' })],
    ['SsmParameterSecureString', 'a SecureString L1', (s) => new ssm.CfnParameter(s, 'R', { name: '/app/password', type: 'SecureString', value: 'x' })],
    ['KmsKeyRotation', 'a CustomerManagedKey', (s) => new CustomerManagedKey(s, 'R')],
    ['KmsKeyRotation', 'an asymmetric signing key, which cannot rotate', (s) => new kms.Key(s, 'R', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY })],
    ['KmsKeyRotation', 'imported key material (EXTERNAL), which cannot rotate automatically', (s) => new kms.CfnKey(s, 'R', { origin: 'EXTERNAL' })],
    ['KmsKeyPolicyPublic', 'Allow to * narrowed by aws:PrincipalOrgID', (s) => new CustomerManagedKey(s, 'R').allowOrganization('o-abcdefghij')],
    ['KmsKeyPolicySize', 'a policy of 20,000 bytes', (s) => new kms.CfnKey(s, 'R', { enableKeyRotation: true, keyPolicy: largePolicy(20_000) })],
    ['IamPolicyKmsDecryptAllKeys', 'iam.Policy: kms:Decrypt on a key ARN', (s) => identityPolicy(s, {
      actions: ['kms:Decrypt'], resources: ['arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    })],
    ['IamPolicyKmsDecryptAllKeys', 'grantDecrypt on a CustomerManagedKey', (s) => key(s).grantDecrypt(new iam.Role(s, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }))],
    ['IamPolicyKmsDecryptAllKeys', "kms:Encrypt and kms:GenerateDataKey on '*'", (s) => identityPolicy(s, { actions: ['kms:Encrypt', 'kms:GenerateDataKey'], resources: ['*'] })],
    ['IamPolicyKmsDecryptAllKeys', "a Deny of kms:Decrypt on '*'", (s) => identityPolicy(s, { effect: iam.Effect.DENY, actions: ['kms:Decrypt'], resources: ['*'] })],
    ['SqsQueueKmsCmk', 'a CustomerManagedKey', (s) => new sqs.Queue(s, 'R', { encryptionMasterKey: key(s) })],
    ['SnsTopicKmsCmk', 'a CustomerManagedKey', (s) => new sns.Topic(s, 'R', { masterKey: key(s) })],
    ['SnsTopicKmsCmk', 'an alias of a key defined in the app', (s) => new sns.Topic(s, 'R', { masterKey: new kms.Alias(s, 'A', { aliasName: 'alias/app', targetKey: key(s) }) })],
    ['DynamoDbTableKmsCmk', 'a CustomerManagedKey', (s) => new dynamodb.Table(s, 'R', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key(s),
    })],
    ['EbsVolumeKmsCmk', 'a CustomerManagedKey', (s) => new ec2.Volume(s, 'R', { availabilityZone: 'eu-west-1a', size: Size.gibibytes(8), encrypted: true, encryptionKey: key(s) })],
    ['RdsInstanceKmsCmk', 'a CustomerManagedKey', (s) => cfnDbInstance(s, { storageEncrypted: true, kmsKeyId: key(s).keyArn })],
    ['RdsInstanceKmsCmk', 'an Aurora instance, judged by its cluster', (s) => cfnDbInstance(s, { engine: 'aurora-postgresql', dbClusterIdentifier: 'cluster' })],
    ['RdsClusterKmsCmk', 'a CustomerManagedKey (Ref)', (s) => cfnDbCluster(s, { storageEncrypted: true, kmsKeyId: key(s).keyId })],
  ])('%s: %s', (ruleId, _case, build) => {
    expect(findingsOfRule(ruleId, build)).toEqual([]);
  });
});

test('a resource of a type no rule covers is not reported, even when it holds a secret-looking value', () => {
  expect(check((s) => new ssm.CfnDocument(s, 'R', { content: { password: SecretValue.unsafePlainText('x').unsafeUnwrap() } }))).toEqual([]);
});

test('a retained key with rotation off is reported on the key resource only once per rule', () => {
  const findings = check((s) => new kms.Key(s, 'R', { removalPolicy: RemovalPolicy.RETAIN }));
  expect(findings.map((finding) => finding.ruleId)).toEqual([`${P}KmsKeyRotation`, `${P}KmsKeyGrantsForAwsServices`]);
});

/** A key policy of about `bytes` bytes: the account root plus padding statements. */
function largePolicy(bytes: number): any {
  const statements: any[] = [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }];
  let i = 0;
  while (JSON.stringify({ Version: '2012-10-17', Statement: statements }).length < bytes) {
    statements.push({ Sid: `Role${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::111111111111:role/application-role-${i++}` }, Action: 'kms:Decrypt', Resource: '*' });
  }
  return { Version: '2012-10-17', Statement: statements };
}
