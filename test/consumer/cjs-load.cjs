// Run by plain node (no TypeScript loader) inside the consumer app: the CommonJS build loads, every
// cdk8s entry point resolves, internals are hidden, and nothing loads Pulumi or tsx.
'use strict';
const assert = require('node:assert');
const pkg = require('agent-baseline/package.json');

const PULUMI = new Set(['./pulumi', './policy']);
const names = Object.keys(pkg.exports).filter((s) => s !== './package.json' && !PULUMI.has(s));
for (const subpath of names) {
  const mod = require(subpath === '.' ? 'agent-baseline' : `agent-baseline/${subpath.slice(2)}`);
  assert.ok(Object.keys(mod).length > 0, `${subpath} exports nothing`);
}
for (const internal of [
  'agent-baseline/lib/platform',
  'agent-baseline/build/lib/platform/index.js',
  'agent-baseline/rules/packs',
]) {
  assert.throws(() => require(internal), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }, internal);
}
// A cdk8s-only app has no Pulumi SDK: the Pulumi entry point says which module is missing.
assert.throws(() => require('agent-baseline/pulumi'), /Cannot find module '@pulumi\//);

const root = require('agent-baseline');
const { AgentApp, AgentPlatform } = require('agent-baseline/platform');
const { AgentNamespace } = require('agent-baseline/namespace');
const { HardenedAgent } = require('agent-baseline/workload');
const { runRules } = require('agent-baseline/rules');
assert.strictEqual(root.platform.AgentApp, AgentApp);

const app = new AgentApp();
const ns = new AgentNamespace(new AgentPlatform(app, 'platform'), 'cjs');
new HardenedAgent(ns, 'worker', {
  image: 'registry.example.com/w:1@sha256:4444444444444444444444444444444444444444444444444444444444444444',
  ports: [{ name: 'http', port: 8080 }],
});
const objects = app.synthCharts().flatMap((c) => c.objects);
assert.ok(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'worker'));
assert.strictEqual(runRules(objects).summary.failing, 0);

const loaded = Object.keys(require.cache);
assert.deepStrictEqual(
  loaded.filter((k) => /[\\/](@pulumi|tsx|ts-node)[\\/]/.test(k)),
  [],
);
console.log(`cjs ok: ${names.length} entry points, ${objects.length} objects`);
