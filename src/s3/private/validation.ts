import { RemovalPolicy, Token, Tokenization } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { tokensAsPlaceholders } from '../../private/validation';

/** What S3 accepts in `s3:TlsVersion` conditions that still allow modern clients. */
export const SUPPORTED_MINIMUM_TLS_VERSIONS = [1.2, 1.3];

/**
 * A key ARN as S3 compares it with `s3:x-amz-server-side-encryption-aws-kms-key-id`; unresolved parts
 * (partition, account, key id of a key defined in the app) are checked as placeholders.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_SSEKMSEncryption.html
 */
const KEY_ARN_PATTERN = /^arn:[^:]+:kms:[^:]+:[^:]+:key\/[^/]+$/;
const ALIAS_ARN_PATTERN = /^arn:[^:]+:kms:[^:]+:[^:]+:alias\/(.+)$/;
const TOKEN_PLACEHOLDER = 'token';

/**
 * Problem with a key whose ARN goes into the bucket policy's key check: an alias or a bare key id would
 * never equal the key ARN S3 compares, so every upload naming the real key would be denied.
 */
export function keyArnProblem(prop: string, keyArn: string): string | undefined {
  const fragments = Tokenization.reverseString(keyArn);
  if (fragments.length === 1 && fragments.tokens.length === 1) {
    return undefined; // a whole token, such as Fn::GetAtt of a key in this app
  }
  const shape = fragments.tokens.reduce((text, token) => text.split(Token.asString(token)).join(TOKEN_PLACEHOLDER), keyArn);
  if (KEY_ARN_PATTERN.test(shape)) {
    return undefined;
  }
  const alias = ALIAS_ARN_PATTERN.exec(keyArn);
  const got = alias ? `an alias ARN of key ${tokensAsPlaceholders(alias[1])}` : `'${tokensAsPlaceholders(keyArn)}'`;
  return `\`${prop}\` must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got ${got}. An alias or key id never matches the key ARN S3 checks; import the key with kms.Key.fromKeyArn and its key ARN.`;
}

export function minimumTlsVersionProblem(version: number | undefined): string | undefined {
  if (version === undefined || Token.isUnresolved(version) || SUPPORTED_MINIMUM_TLS_VERSIONS.includes(version)) {
    return undefined;
  }
  return `\`minimumTlsVersion\` must be 1.2 or 1.3, got ${version}. Use 1.2 (the default) unless every client supports TLS 1.3.`;
}

export function autoDeleteObjectsProblem(autoDeleteObjects: boolean | undefined, removalPolicy: RemovalPolicy | undefined): string | undefined {
  if (!autoDeleteObjects || removalPolicy === RemovalPolicy.DESTROY) {
    return undefined;
  }
  return `\`autoDeleteObjects\` requires \`removalPolicy: RemovalPolicy.DESTROY\`, got removalPolicy ${removalPolicy ?? 'RETAIN (the default)'}. Set removalPolicy to DESTROY, or remove autoDeleteObjects so the bucket and its objects are kept.`;
}

/** `replicateTo` needs a key for the replicas: S3 replicates SSE-KMS objects only with a replica key. */
export function replicaKeyProblem(destinationPath: string, replicaKey: kms.IKey | undefined): string | undefined {
  if (replicaKey === undefined) {
    return `\`destination\` of replicateTo must be encrypted with a KMS key, got bucket ${destinationPath} without an encryptionKey. Pass \`replicaKey\` (the key the destination bucket uses), or import the destination bucket with its encryptionKey.`;
  }
  return keyArnProblem('replicaKey', replicaKey.keyArn);
}

/**
 * S3 delivers server access logs only to buckets whose default encryption is SSE-S3.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshooting-server-access-logging.html
 */
export function serverAccessLogsBucketProblem(bucket: s3.IBucket | undefined): string | undefined {
  if (bucket?.encryptionKey === undefined) {
    return undefined;
  }
  return `\`serverAccessLogsBucket\` must use SSE-S3, got ${bucket.node.path}, encrypted with a KMS key: S3 cannot deliver server access logs to an SSE-KMS bucket. Pass a bucket with BucketEncryption.S3_MANAGED, or leave it out to get a companion logs bucket.`;
}
