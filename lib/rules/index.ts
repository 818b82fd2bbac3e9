/** The rule engine: plain Kubernetes objects in, a report out. No dependency on cdk8s or constructs. */
export * from './types';
export * from './rule';
export * from './engine';
export * from './pod-template';
export * from './object-set';
export * from './pss-version';
export * from './suppressions';
export { registerPack, packByName, packNames, DEFAULT_PACKS, GDPR_PACK } from './packs';
export * from './report';
export * from './references';
export {
  validateObjectsForSynth,
  synthViolations,
  validateResolvedObjects,
  foreignVaultAnnotations,
  VAULT_INJECTOR_ANNOTATION_PREFIX,
} from './synth';
export type {
  SynthValidationOptions,
  SynthViolation,
  ResolvedObject,
  ResolvedObjectsCheck,
  ResolvedValidationOptions,
} from './synth';
export * from './catalog';
export * from './problems';
