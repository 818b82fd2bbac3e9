export * from './platform';
export * from './app';
export { appValidation, resolveApp } from './app-validation';
export { recordBaselinePieces, recordVaultAnnotations, addResolvedCheck } from './records';
// Rule suppressions on constructs (the documented `Suppressions.add`); the synth hook stays internal.
export { Suppressions } from './suppressions';
export type { SuppressionProps } from './suppressions';
