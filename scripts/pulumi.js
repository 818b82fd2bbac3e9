'use strict';
/**
 * Pulumi.yaml's `main`: the program stacks/pulumi.ts compiled ahead by esbuild (rebuilt when a
 * source changes, run from V8's code cache) instead of transpiled and type-checked by ts-node at
 * every `pulumi up`. Without ts-node there are no source-map hooks either, which made every stack
 * trace @pulumi/pulumi captures per resource dear (docs/performance.md). node_modules stay external:
 * the program must share @pulumi/pulumi with the language host that loads it.
 */
const { bundle, run } = require('./bundle');

module.exports = run(bundle('stacks/pulumi.ts', 'pulumi', { external: true }));
