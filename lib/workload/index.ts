export * from './agent';
export * from './base';
export * from './props';
export * from './scheduled';
export * from './stateful';
export * from './task';
export { AGENT_CONTAINER_NAME } from '../agent-pod/pod';
export type { ProjectedTokenOptions, AgentVolumeMount, Waiver } from '../agent-pod/contract';
