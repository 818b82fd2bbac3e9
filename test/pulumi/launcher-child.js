'use strict';
// Runs Pulumi.yaml's main (scripts/pulumi.js: the program compiled) under mocks, as the language
// host would load it, and prints what it exported and registered. Plain JS: no ts-node, no tsx.
const pulumi = require('@pulumi/pulumi');

async function main() {
  const registered = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered.push({ type: a.type, name: a.name });
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: (a) => a.inputs,
    },
    'agent-baseline',
    'dev',
    false,
  );
  const exported = require('../../scripts/pulumi.js');
  const want = exported.kubernetesObjects.length;
  for (let i = 0; i < 2000 && registered.filter((r) => r.type.startsWith('kubernetes:')).length < want; i++) {
    await new Promise((resolve) => globalThis.setImmediate(resolve));
  }
  process.stdout.write(
    `${JSON.stringify({ kubernetesObjects: exported.kubernetesObjects, vaultPolicies: exported.vaultPolicies, registered, stackTraceLimit: Error.stackTraceLimit, execArgv: process.execArgv })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
