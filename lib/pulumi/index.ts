/** Deploying the construct tree with Pulumi: the component, its planning functions and the stack config reader. */
export * from './kinds';
export * from './objects';
export * from './dependencies';
export * from './component';
