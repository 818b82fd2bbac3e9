'use strict';
/**
 * Resolves `agent-baseline` and `agent-baseline/<entry>` to this checkout's TypeScript sources, for
 * ts-node (the Pulumi CLI runs stacks/pulumi.ts through it), which ignores tsconfig `paths`.
 * Registered by tsconfig.json's `ts-node.require`; tsx and jest map the same names themselves
 * (tsconfig `paths`, jest `moduleNameMapper`). The map comes from package.json `exports`.
 */
const Module = require('module');
const path = require('path');

const root = path.join(__dirname, '..');
const pkg = require('../package.json');
const sources = new Map();
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target === 'string') continue;
  const source = target.require.replace(/^\.\/build\//, '').replace(/\.js$/, '.ts');
  sources.set(subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`, path.join(root, source));
}

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, sources.get(request) ?? request, ...rest);
};
