export * from './encrypted-bucket';
