export * from './platform';
export * from './app';
export { appValidation, resolveApp } from './app-validation';
export { recordBaselinePieces, recordVaultAnnotations, addResolvedCheck } from './records';
