export * from './render';
export * from './identity';
export * from './jwt-checks';
