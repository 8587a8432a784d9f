export * from './kms';
