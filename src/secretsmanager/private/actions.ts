/**
 * Secrets Manager actions a rotation function needs on the secrets it rotates.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html
 */
export const ROTATION_SECRET_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
] as const;

/**
 * Generating a random value; the action has no resource, so policies name `*`.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
 */
export const RANDOM_PASSWORD_ACTIONS = ['secretsmanager:GetRandomPassword'] as const;

/**
 * What a function needs to write its logs to a log group it does not create.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html#monitoring-cloudwatchlogs-loggroups
 */
export const LOG_WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;

/**
 * What `grantRead` and `grantWrite` allow on a secret, as aws-cdk-lib's `Secret` grants do.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
 */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] as const;
export const SECRET_WRITE_ACTIONS = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecret', 'secretsmanager:UpdateSecretVersionStage'] as const;
