export * from './customer-managed-key';
export * from './key-access';
