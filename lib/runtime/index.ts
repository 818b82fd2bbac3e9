export * from './declaration';
export * from './falco/condition';
export * from './falco/rules';
export * from './tetragon';
export * from './construct';
export * from './artifacts';
