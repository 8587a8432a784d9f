export * from './customer-managed-encryption';
