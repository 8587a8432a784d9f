export * from './kms';
export * from './logs';
export * from './s3';
export * from './sharing';
export * from './secretsmanager';
export * from './ssm';
export * from './checks';
export * from './adoption';
