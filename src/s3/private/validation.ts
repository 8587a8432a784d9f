import { RemovalPolicy, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { isPublicWithoutNarrowing, PRINCIPAL_NARROWING_KEYS } from '../../private/public-principal';
import { present, tokensAsPlaceholders } from '../../private/validation';

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
 * An EncryptedBucket destination's policy denies replicas under any key but its own and its
 * `additionalAllowedKeys`, so S3 would fail to write every replica.
 */
export function replicaKeyNotAllowedProblem(
  destinationPath: string, replicaKey: kms.IKey, allowedKeys: kms.IKey[], stack: Stack,
): string | undefined {
  const resolvedArn = (key: kms.IKey) => JSON.stringify(stack.resolve(key.keyArn));
  if (allowedKeys.some((key) => resolvedArn(key) === resolvedArn(replicaKey))) {
    return undefined;
  }
  return `\`replicaKey\` of replicateTo must be a key the bucket policy of ${destinationPath} allows (${allowedKeys.map(describeKey).join(', ')}), got ${describeKey(replicaKey)}: that policy denies every replica under another key. Leave replicaKey out to use the destination's encryptionKey, or add the key to the destination's additionalAllowedKeys.`;
}

/**
 * Replicas keep the source object's encryption type, which an EncryptedBucket destination of the other
 * type denies (and would otherwise fill a DSSE-KMS bucket with single-layer objects).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
 */
export function replicationEncryptionTypeProblem(destinationPath: string, sourceType: string, destinationType: string): string | undefined {
  if (sourceType === destinationType) {
    return undefined;
  }
  return `\`destination\` of replicateTo must use this bucket's encryptionType (${sourceType}), got ${destinationPath} with ${destinationType}: replicas keep the source's encryption type, which the destination's policy denies. Give both buckets the same encryptionType.`;
}

/** A key as the user defined it: its construct path, or the ARN it was imported with. */
function describeKey(key: kms.IKey): string {
  return Token.isUnresolved(key.keyArn) ? key.node.path : key.keyArn;
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

/**
 * A bucket-policy statement must not make the bucket public: an Allow for everyone needs a condition that
 * pins the caller, as S3's own definition of a public policy requires.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 */
export function publicStatementProblem(statement: iam.PolicyStatement): string | undefined {
  if (!isPublicWithoutNarrowing(statement, PRINCIPAL_NARROWING_KEYS)) {
    return undefined;
  }
  const json = statement.toStatementJson();
  const conditionKeys = Object.values<Record<string, unknown>>(json.Condition ?? {}).flatMap((comparisons) => Object.keys(comparisons));
  const found = conditionKeys.length === 0 ? 'no condition' : `a condition only on ${conditionKeys.join(', ')}`;
  return `\`addToResourcePolicy\` must not allow everyone ('*') without narrowing the principal, got a statement${json.Sid ? ` '${json.Sid}'` : ''} allowing ${[json.Action ?? json.NotAction].flat().join(', ')} with ${found}. Add a condition with a fixed value on one of ${PRINCIPAL_NARROWING_KEYS.join(', ')}, or name the principals.`;
}

/**
 * Problems with one `replicationRules` entry. Every object of an EncryptedBucket is KMS-encrypted, so a rule
 * that skips KMS-encrypted objects replicates nothing; S3 does not replicate delete markers for tag filters.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html
 */
export function replicationRuleProblems(rule: s3.ReplicationRule, index: number): string[] {
  const prop = `replicationRules[${index}]`;
  return present(
    rule.sseKmsEncryptedObjects === false
      ? `\`${prop}.sseKmsEncryptedObjects\` must be true, got false: every object of an EncryptedBucket is KMS-encrypted, so the rule would replicate nothing. Remove it.`
      : undefined,
    rule.deleteMarkerReplication && (rule.filter?.tags ?? []).length > 0
      ? `\`${prop}.deleteMarkerReplication\` cannot be true with a tag filter: S3 does not replicate delete markers for tag-based rules. Remove the tags or deleteMarkerReplication.`
      : undefined,
  );
}
