import { SynthesizedApp, TemplateResource } from './assembly';
import { UNKNOWN, isIntrinsic, literalText, referencedResources } from './resolve';
import { RuleResult, notChecked, violation } from './result';
import { isEveryone } from '../../private/public-principal';
import { CheckLevel } from '../check-level';

/**
 * A secret rotates: an `AWS::SecretsManager::RotationSchedule` of the app names it (`SecretId` references
 * it, or is its literal name).
 *
 * | rotation schedules of the app | result |
 * |---|---|
 * | one whose `SecretId` references the secret or names it | pass |
 * | none for it, but one whose `SecretId` is only known at deploy time | could not be checked |
 * | none for it | violation |
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-1
 */
export function secretRotation(secret: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const schedules = app.resourcesOfType('AWS::SecretsManager::RotationSchedule')
    .filter((schedule) => schedule.properties.SecretId !== undefined)
    .map((schedule) => ({ stack: schedule.stack, value: schedule.properties.SecretId }));
  const name = secret.properties.Name === undefined ? UNKNOWN : literalText(app, { stack: secret.stack, value: secret.properties.Name });
  const namesSecret = schedules.some((secretId) => referencedResources(app, secretId).includes(secret)
    || (!name.includes(UNKNOWN) && literalText(app, secretId) === name));
  if (namesSecret) {
    return undefined;
  }
  if (schedules.some((secretId) => referencedResources(app, secretId).length === 0 && literalText(app, secretId).includes(UNKNOWN))) {
    return notChecked('the secret a rotation schedule (`SecretId`) rotates');
  }
  return violation('The secret has no rotation schedule, so its value never changes. Use RotatingSecret, or call `addRotationSchedule()` (or `secretsmanager.HostedRotation`) on it.');
}

/** What a resource policy must deny over plain HTTP, per resource type. */
interface TransportDeny {
  readonly resource: string;
  readonly policyType: string;
  /** The policy property that lists the resources it applies to. */
  readonly targets: string;
  /** Actions whose deny covers every request (`sqs:*`). */
  readonly actions: string[];
  readonly fix: string;
}

const QUEUE_DENY: TransportDeny = {
  resource: 'queue', policyType: 'AWS::SQS::QueuePolicy', targets: 'Queues', actions: ['sqs:*', '*'], fix: 'Set `enforceSSL: true`.',
};
const TOPIC_DENY: TransportDeny = {
  resource: 'topic', policyType: 'AWS::SNS::TopicPolicy', targets: 'Topics', actions: ['sns:Publish', 'sns:*', '*'], fix: 'Set `enforceSSL: true`.',
};

/**
 * A queue's or topic's resource policy denies every request over plain HTTP, as cdk-nag's AwsSolutions-SQS4 /
 * AwsSolutions-SNS3 and `enforceSSL` have it.
 *
 * | policies of the app that name the resource (`Queues` / `Topics` reference it) | result |
 * |---|---|
 * | one statement: `Deny`, everyone, `sqs:*` (topics: `sns:Publish`, `sns:*`) or `*`, `Bool`/`BoolIfExists` `aws:SecureTransport` false, on the resource or `*` | pass |
 * | a policy whose `PolicyDocument` is only known at deploy time | could not be checked |
 * | no such statement | violation |
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html#enforce-encryption-data-in-transit
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html#enforce-encryption-data-in-transit
 */
export function transportDenyRule(deny: TransportDeny) {
  return (resource: TemplateResource, app: SynthesizedApp): RuleResult | undefined => {
    const policies = app.resourcesOfType(deny.policyType)
      .filter((policy) => referencedResources(app, { stack: policy.stack, value: policy.properties[deny.targets] }).includes(resource));
    const documents = policies.map((policy) => ({ stack: policy.stack, document: policy.properties.PolicyDocument }));
    if (documents.some(({ document }) => isIntrinsic(document) || (document?.Statement !== undefined && isIntrinsic(document.Statement)))) {
      return notChecked(`the ${deny.resource} policy's \`PolicyDocument\``);
    }
    const denies = documents.some(({ stack, document }) => asList(document?.Statement).some((statement: any) => statement?.Effect === 'Deny'
      && isEveryone(statement.Principal)
      && asList(statement.Action).some((action) => deny.actions.includes(String(action)))
      && ['Bool', 'BoolIfExists'].some((operator) => asList(statement.Condition?.[operator]?.['aws:SecureTransport']).some((value) => String(value) === 'false'))
      && asList(statement.Resource).some((target) => target === '*' || referencedResources(app, { stack, value: target }).includes(resource))));
    return denies ? undefined : violation(
      `No ${deny.resource} policy denies requests over plain HTTP (a Deny to everyone when aws:SecureTransport is false). ${deny.fix}`,
    );
  };
}

/**
 * An RSA key for encryption is at least 3072 bits long, as NIST SP 800-57 requires for use beyond 2030.
 *
 * | `KeySpec` | `KeyUsage` | result |
 * |---|---|---|
 * | `RSA_2048` | `ENCRYPT_DECRYPT` | violation |
 * | any other (`RSA_3072`, `RSA_4096`, symmetric, ECC, HMAC; `SIGN_VERIFY`) | any | pass |
 * | only known at deploy time | any | could not be checked |
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html#key-spec-rsa
 * @see https://csrc.nist.gov/pubs/sp/800/57/pt1/r5/final
 */
export function kmsKeyRsaLength(key: TemplateResource): RuleResult | undefined {
  const { KeySpec: keySpec, KeyUsage: keyUsage } = key.properties;
  if ([keySpec, keyUsage].some((value) => value !== undefined && typeof value !== 'string')) {
    return notChecked("the key's `KeySpec` or `KeyUsage`");
  }
  return keySpec === 'RSA_2048' && keyUsage === 'ENCRYPT_DECRYPT'
    ? violation('The key is an RSA_2048 encryption key, shorter than the 3072 bits encryption needs. Use `keySpec: KeySpec.RSA_3072` or `RSA_4096` (a new key: the spec cannot change).')
    : undefined;
}

/**
 * The key policy limits `kms:CreateGrant` to grants for AWS services, in the form Control Tower's proactive
 * control CT.KMS.PR.3 requires: a statement that denies `kms:CreateGrant` to everyone on `*` when both
 * `kms:GrantIsForAWSResource` and `aws:PrincipalIsAWSService` are false (`BoolIfExists`, no other condition).
 *
 * | `KeyPolicy` | result |
 * |---|---|
 * | has such a statement | pass |
 * | absent (the default policy), or without one | violation |
 * | only known at deploy time | could not be checked |
 *
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html#ct-kms-pr-3-description
 */
export function kmsKeyGrantsForAwsServices(key: TemplateResource): RuleResult | undefined {
  const policy = key.properties.KeyPolicy;
  if (isIntrinsic(policy) || (policy?.Statement !== undefined && !Array.isArray(policy.Statement))) {
    return notChecked("the key's `KeyPolicy`");
  }
  const limits = asList(policy?.Statement).some((statement: any) => {
    const condition = statement?.Condition ?? {};
    const ifExists = condition.BoolIfExists ?? {};
    const keys = Object.keys(ifExists).map((name) => name.toLowerCase());
    return statement?.Effect === 'Deny' && isEveryone(statement.Principal)
      && asList(statement.Action).every((action) => action === 'kms:CreateGrant') && asList(statement.Resource).every((target) => target === '*')
      && Object.keys(condition).every((operator) => operator === 'BoolIfExists')
      && keys.length === 2 && ['kms:grantisforawsresource', 'aws:principalisawsservice'].every((name) =>
      keys.includes(name) && String(Object.entries(ifExists).find(([conditionKey]) => conditionKey.toLowerCase() === name)![1]) === 'false');
  });
  return limits ? undefined : violation(
    'The key policy does not limit kms:CreateGrant to AWS services (Control Tower CT.KMS.PR.3). Use CustomerManagedKey, or add a statement that denies kms:CreateGrant to everyone when kms:GrantIsForAWSResource and aws:PrincipalIsAWSService are both false (BoolIfExists).',
  );
}

/** The rules for the concerns beyond a resource's key: rotation, transport, key length, grants. */
export const CONCERN_RULES = [
  {
    name: 'SecretRotation',
    resourceTypes: ['AWS::SecretsManager::Secret'],
    level: CheckLevel.ERROR,
    description: 'A rotation schedule (AWS::SecretsManager::RotationSchedule) of the app rotates the secret.',
    check: secretRotation,
  },
  {
    name: 'SqsQueueTlsDeny',
    resourceTypes: ['AWS::SQS::Queue'],
    level: CheckLevel.ERROR,
    description: 'A queue policy denies sqs:* (or *) to everyone when aws:SecureTransport is false.',
    check: transportDenyRule(QUEUE_DENY),
  },
  {
    name: 'SnsTopicTlsDeny',
    resourceTypes: ['AWS::SNS::Topic'],
    level: CheckLevel.ERROR,
    description: 'A topic policy denies sns:Publish (or sns:*, *) to everyone when aws:SecureTransport is false.',
    check: transportDenyRule(TOPIC_DENY),
  },
  {
    name: 'KmsKeyRsaLength',
    resourceTypes: ['AWS::KMS::Key'],
    level: CheckLevel.ERROR,
    description: 'An RSA key for ENCRYPT_DECRYPT is at least 3072 bits (RSA_3072, RSA_4096).',
    check: kmsKeyRsaLength,
  },
  {
    name: 'KmsKeyGrantsForAwsServices',
    resourceTypes: ['AWS::KMS::Key'],
    level: CheckLevel.ERROR,
    description: 'The key policy denies kms:CreateGrant unless kms:GrantIsForAWSResource or aws:PrincipalIsAWSService is true (CT.KMS.PR.3).',
    check: kmsKeyGrantsForAwsServices,
  },
];

function asList(value: unknown): unknown[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}
