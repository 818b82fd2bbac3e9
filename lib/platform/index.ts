export * from './platform';
export * from './app';
