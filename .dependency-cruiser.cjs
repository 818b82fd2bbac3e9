/**
 * The import rules of agent-baseline, checked by dependency-cruiser in `npm test`
 * (test/architecture/layering.test.ts). Type-only imports count: they tie modules together as much
 * as value imports do, so `tsPreCompilationDeps` is on.
 *
 * Layers, lowest first (a layer imports only from layers below it and itself):
 *   lib/core    primitives: errors, settings, baseline constants, validators, interfaces (IAgentNamespace)
 *   lib/common  domain knowledge as pure data and functions (RBAC risk list, image references,
 *               guardrail labels), used by both the rule engine and the constructs
 *   lib/rules   the rule engine: plain objects in, findings out
 *   construct modules: every other folder under lib/ (platform, namespace, network, rbac, vault,
 *               image-policy, guardrails, identity, audit, workload, pulumi, and any new concern)
 *   lib/cli, lib/index.ts, stacks/, main.ts, bin/: entry points, may import anything below
 *
 * Run it alone: npx depcruise lib stacks main.ts bin bench policy
 */
const LOWER = {
  core: '^lib/core/',
  common: '^lib/(core|common)/',
  rules: '^lib/(core|common|rules)/',
};

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle between files (type-only imports included).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'An import cycle between folders: concern A imports concern B and B imports A, through any files.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-only-core',
      severity: 'error',
      comment: 'lib/core is the bottom layer: it imports nothing else from lib/.',
      from: { path: LOWER.core },
      to: { path: '^lib/', pathNot: LOWER.core },
    },
    {
      name: 'common-imports-only-core',
      severity: 'error',
      comment: 'lib/common holds pure data and functions: it imports only lib/core and itself.',
      from: { path: '^lib/common/' },
      to: { path: '^lib/', pathNot: LOWER.common },
    },
    {
      name: 'rules-imports-no-construct-module',
      severity: 'error',
      comment:
        'The rule engine imports only lib/core, lib/common and itself; move what it needs from a construct module to lib/common.',
      from: { path: '^lib/rules/' },
      to: { path: '^lib/', pathNot: LOWER.rules },
    },
    {
      name: 'rules-imports-no-cdk8s',
      severity: 'error',
      comment: 'The rule engine checks plain objects and runs without cdk8s or constructs (CLI, Pulumi policy).',
      from: { path: '^lib/(rules|common)/', pathNot: '^lib/rules/(cdk8s-plugin\\.ts|plugin/)' },
      to: { path: '(^|/)node_modules/(cdk8s|cdk8s-plus-[0-9]+|constructs)/' },
    },
    {
      name: 'cli-is-an-entry-point',
      severity: 'error',
      comment: 'Nothing in the library imports the CLI.',
      from: { path: '^lib/', pathNot: '^lib/cli/' },
      to: { path: '^lib/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|build|coverage)/' },
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
  },
};
