export * from './intent';
export * from './render';
export * from './agent-network';
export * from './reachability';
export * from './connections';
