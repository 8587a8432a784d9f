export * from './check-level';
export * from './encryption-checks';
