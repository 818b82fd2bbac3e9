export * from './contract';
export * from './pod';
export * from './props';
export type { ResolvedResources } from './validate-props';
