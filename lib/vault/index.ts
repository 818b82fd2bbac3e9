/**
 * Secrets from Vault: typed declarations, the three delivery modes and the Vault side as data.
 * The Pulumi resources live in `./pulumi` (not re-exported here, so the cdk8s path never loads
 * `@pulumi/*`).
 */
export * from './types';
export * from './limits';
export * from './resolve';
export * from './plan';
export * from './injector';
export * from './operator';
export * from './csi';
export * from './secrets';
export * from './artifacts';
