// Run by plain node (no TypeScript loader) inside the consumer app: every cdk8s entry point imports
// as ESM with the same names as its CommonJS build, and shares its module state (one copy).
import assert from 'node:assert';
import { createRequire } from 'node:module';
import { AgentApp, AgentPlatform } from 'agent-baseline/platform';
import { AgentNamespace } from 'agent-baseline/namespace';
import { HardenedAgent } from 'agent-baseline/workload';
import * as root from 'agent-baseline';

const require = createRequire(import.meta.url);
const pkg = require('agent-baseline/package.json');
const PULUMI = new Set(['./pulumi', './policy']);
const names = Object.keys(pkg.exports).filter((s) => s !== './package.json' && !PULUMI.has(s));
for (const subpath of names) {
  const specifier = subpath === '.' ? 'agent-baseline' : `agent-baseline/${subpath.slice(2)}`;
  const esm = await import(specifier);
  const cjs = require(specifier);
  const esmNames = Object.keys(esm)
    .filter((n) => n !== 'default')
    .sort();
  assert.deepStrictEqual(esmNames, Object.keys(cjs).sort(), specifier);
  for (const n of esmNames) assert.strictEqual(esm[n], cjs[n], `${specifier} ${n} is a second copy`);
  assert.strictEqual(esm.default, cjs);
}
assert.strictEqual(root.platform.AgentApp, AgentApp);

const app = new AgentApp();
const ns = new AgentNamespace(new AgentPlatform(app, 'platform'), 'esm');
new HardenedAgent(ns, 'worker', {
  image: 'registry.example.com/w:1@sha256:5555555555555555555555555555555555555555555555555555555555555555',
  ports: [{ name: 'http', port: 8080 }],
});
const yaml = app.synthYaml();
assert.match(yaml, /kind: Deployment/);
console.log(`esm ok: ${names.length} entry points`);
