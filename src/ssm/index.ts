export * from './parameter-policy';
export * from './secure-string-parameter';
export * from './secure-string-value';
