export * from './agent';
export * from './props';
