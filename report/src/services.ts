import { NameParts } from './values';

/**
 * How an AWS service uses a key for the data of one resource type: the service that calls KMS
 * (`kms:ViaService`, or the service principal itself) and the encryption context it sends, from which the
 * report tells "only for bucket app-data" from "any bucket". Types without a row are used through the
 * service their CloudFormation namespace names, without an encryption context the report knows.
 */
export interface ServiceUse {
  /** The first label of the service's endpoint, as `kms:ViaService` and service principals name it (`s3`). */
  readonly endpoint: string;
  /** What a reader calls the service (`S3`, `Parameter Store`). */
  readonly label: string;
  /** What a reader calls one resource (`bucket`). */
  readonly noun: string;
  /** The encryption context the service sends for the resource named `parts.name`. */
  readonly context?: (parts: NameParts) => Record<string, string>;
  /** The service calls KMS as its own service principal, not on behalf of a caller (CloudWatch Logs). */
  readonly asServicePrincipal?: boolean;
}

const arn = (service: string, resource: string, p: NameParts, global = false) =>
  `arn:${p.partition}:${service}:${global ? '' : p.region}:${global ? '' : p.account}:${resource}`;

const SERVICE_USES: Record<string, ServiceUse> = {
  /** @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context */
  'AWS::S3::Bucket': {
    endpoint: 's3',
    label: 'S3',
    noun: 'bucket',
    // The object's ARN, or the bucket's with an S3 Bucket Key: the object one covers both.
    context: (p) => ({ 'kms:EncryptionContext:aws:s3:arn': `${arn('s3', p.name, p, true)}/object` }),
  },
  /** @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html */
  'AWS::Logs::LogGroup': {
    endpoint: 'logs',
    label: 'CloudWatch Logs',
    noun: 'log group',
    asServicePrincipal: true,
    context: (p) => ({ 'kms:EncryptionContext:aws:logs:arn': arn('logs', `log-group:${p.name}`, p) }),
  },
  /** @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz */
  'AWS::SecretsManager::Secret': {
    endpoint: 'secretsmanager',
    label: 'Secrets Manager',
    noun: 'secret',
    context: (p) => ({ 'kms:EncryptionContext:SecretARN': arn('secretsmanager', `secret:${p.name}-AbCdEf`, p) }),
  },
  /** @see https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html#parameter-store-encryption-context */
  'Custom::SecureStringParameter': {
    endpoint: 'ssm',
    label: 'Parameter Store',
    noun: 'parameter',
    context: (p) => ({ 'kms:EncryptionContext:PARAMETER_ARN': arn('ssm', `parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`, p) }),
  },
  /** @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html */
  'AWS::SQS::Queue': {
    endpoint: 'sqs',
    label: 'SQS',
    noun: 'queue',
    context: (p) => ({ 'kms:EncryptionContext:aws:sqs:arn': arn('sqs', p.name, p) }),
  },
  /**
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
   * @see https://docs.amazonaws.cn/en_us/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html (a key policy on `kms:EncryptionContext:aws:sns:topicArn`)
   */
  'AWS::SNS::Topic': {
    endpoint: 'sns',
    label: 'SNS',
    noun: 'topic',
    context: (p) => ({ 'kms:EncryptionContext:aws:sns:topicArn': arn('sns', p.name, p) }),
  },
  /** @see https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html#dynamodb-encryption-context */
  'AWS::DynamoDB::Table': {
    endpoint: 'dynamodb',
    label: 'DynamoDB',
    noun: 'table',
    context: (p) => ({ 'kms:EncryptionContext:aws:dynamodb:tableName': p.name, 'kms:EncryptionContext:aws:dynamodb:subscriberId': p.account }),
  },
  /** @see https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html (EBS uses the volume id) */
  'AWS::EC2::Volume': {
    endpoint: 'ec2',
    label: 'EC2',
    noun: 'volume',
    context: (p) => ({ 'kms:EncryptionContext:aws:ebs:id': `vol-${p.name}` }),
  },
  /** @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html */
  'AWS::Lambda::Function': {
    endpoint: 'lambda',
    label: 'Lambda',
    noun: 'function',
    context: (p) => ({ 'kms:EncryptionContext:aws:lambda:FunctionArn': arn('lambda', `function:${p.name}`, p) }),
  },
};

/**
 * Endpoints whose name is not the CloudFormation namespace lower-cased.
 * @see https://docs.aws.amazon.com/general/latest/gr/aws-service-information.html
 */
const ENDPOINTS: Record<string, string> = {
  AmazonMQ: 'mq',
  CertificateManager: 'acm',
  EFS: 'elasticfilesystem',
  Elasticsearch: 'es',
  OpenSearchService: 'es',
  KinesisFirehose: 'firehose',
  StepFunctions: 'states',
  SSM: 'ssm',
  ElastiCache: 'elasticache',
  EKS: 'eks',
  MSK: 'kafka',
  Redshift: 'redshift',
  RDS: 'rds',
  DocDB: 'rds',
  Neptune: 'rds',
  Timestream: 'timestream',
  Cassandra: 'cassandra',
};

/** Services whose endpoint label reads better otherwise. */
const LABELS: Record<string, string> = {
  ec2: 'EC2',
  rds: 'RDS',
  ssm: 'Parameter Store',
  s3: 'S3',
  logs: 'CloudWatch Logs',
  secretsmanager: 'Secrets Manager',
  sqs: 'SQS',
  sns: 'SNS',
  dynamodb: 'DynamoDB',
  es: 'OpenSearch Service',
  elasticfilesystem: 'EFS',
  states: 'Step Functions',
  kinesis: 'Kinesis',
};

/** How the service of a resource type uses its key. */
export function serviceUseOf(resourceType: string): ServiceUse {
  const known = SERVICE_USES[resourceType];
  if (known) {
    return known;
  }
  const [, namespace, resource] = resourceType.split('::');
  const endpoint = ENDPOINTS[namespace] ?? namespace.toLowerCase();
  return { endpoint, label: serviceLabel(endpoint), noun: resource.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase() };
}

/** `ec2` → `EC2`, for conditions in words. */
export function serviceLabel(endpoint: string): string {
  return LABELS[endpoint] ?? endpoint;
}

/** `logs.eu-west-1.amazonaws.com` → its endpoint label and Region; undefined for a value of another form or with wildcards. */
export function parseServiceHost(host: string): { endpoint: string; region: string } | undefined {
  const match = /^([a-z0-9-]+)\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/.exec(host);
  return match ? { endpoint: match[1], region: match[2] } : undefined;
}

/** `s3.eu-west-1.amazonaws.com`. */
export function serviceHost(endpoint: string, region: string): string {
  return `${endpoint}.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}
