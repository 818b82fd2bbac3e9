/** Deploying the construct tree with Pulumi: the component, its planning functions and the stack config reader. */
export * from './kinds';
export * from './objects';
export * from './dependencies';
export * from './component';
export type { BatchSizeField } from '../core';
export {
  CreatedOnReadMap,
  CreationQueue,
  REGISTRATION_BATCH_SIZE,
  REGISTRATION_STACK_TRACE_LIMIT,
  RegistrationPacer,
  withRegistrationStackTraces,
} from '../core';
export * from './config';
// The Vault side (policies, auth roles, audit devices) as Pulumi resources; public as `agent-baseline/pulumi`.
export * from '../vault/pulumi';
