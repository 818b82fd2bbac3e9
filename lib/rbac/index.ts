export * from '../common/rbac-risks';
export * from './grant';
export * from './binding';
export * from './agent-access';
export * from './people';
