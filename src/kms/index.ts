export * from './customer-managed-key';
export * from './external-key-ring';
export * from './key-access';
export * from './replica-key';
