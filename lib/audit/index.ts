export * from './policy';
export * from './write';
