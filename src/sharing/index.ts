export * from './snapshot-service';
export * from './snapshot-sharing-grant';
