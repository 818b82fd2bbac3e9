/** The authenticating gateway in front of agents: Gateway API objects and implementation policies. */
export * from './types';
export * from './resolve';
export * from './render';
export * from './envoy-gateway';
export * from './implementations';
export * from './gateway';
