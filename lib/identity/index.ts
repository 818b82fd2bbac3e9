export * from './render';
export * from './identity';
