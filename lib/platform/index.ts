export * from './platform';
export * from './app';
// Rule suppressions on constructs (the documented `Suppressions.add`); the synth hook stays internal.
export { Suppressions } from './suppressions';
export type { SuppressionProps } from './suppressions';
