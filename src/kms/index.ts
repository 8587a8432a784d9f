export * from './customer-managed-key';
export * from './external-key-ring';
export * from './key-access';
export * from './managed-key-props';
export * from './replica-key';
