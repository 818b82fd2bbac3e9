export * from './errors';
export * from './baseline';
export * from './settings';
export * from './validate';
export * from './quantity';
export * from './cidr';
export * from './admission';
export * from './selectors';
