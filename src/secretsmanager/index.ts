export * from './rotating-secret';
