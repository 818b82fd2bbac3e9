/**
 * The files `agent-baseline init` writes. Versions come from agent-baseline's own package.json, so
 * a scaffold always asks for the peers and tools this release was tested with.
 */
import { OwnPackageJson } from '../core/package-json';

/** What a scaffold is parameterised by. */
export interface ScaffoldOptions {
  /** The npm name of the new app. */
  readonly name: string;
  /** The dependency spec written for agent-baseline (a version range, or `file:` a tarball). */
  readonly packageSpec: string;
}

/** The dev tools a scaffold uses: synth, tests, type-check. */
const SCAFFOLD_DEV_TOOLS = ['@types/jest', '@types/node', 'cdk8s-cli', 'jest', 'ts-jest', 'tsx', 'typescript'] as const;
/** The peers a scaffold depends on itself, so there is one copy of each. */
const SCAFFOLD_PEERS = ['cdk8s', 'cdk8s-plus-28', 'constructs'] as const;

function pick(from: Readonly<Record<string, string>>, names: readonly string[], what: string): Record<string, string> {
  return Object.fromEntries(
    names.map((n) => {
      const range = from[n];
      if (range === undefined) throw new Error(`agent-baseline init: package.json has no ${what} entry for ${n}`);
      return [n, range];
    }),
  );
}

/** The files of a new app, path relative to its directory -> content, in writing order. */
export function scaffoldFiles(own: OwnPackageJson, options: ScaffoldOptions): ReadonlyMap<string, string> {
  const packageJson = {
    name: options.name,
    version: '0.1.0',
    private: true,
    scripts: {
      synth: 'cdk8s synth --no-check-upgrade',
      test: 'tsc --noEmit && jest',
      scan: 'agent-baseline scan dist',
    },
    dependencies: {
      'agent-baseline': options.packageSpec,
      ...pick(own.peerDependencies, SCAFFOLD_PEERS, 'peerDependencies'),
    },
    devDependencies: pick(own.devDependencies, SCAFFOLD_DEV_TOOLS, 'devDependencies'),
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'node16',
      moduleResolution: 'node16',
      lib: ['ES2022'],
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      esModuleInterop: true,
      // Each file compiles on its own: ts-jest and tsx transpile without type-checking (npm test runs tsc first).
      isolatedModules: true,
      // cdk8s-plus-28's own .d.ts files do not compile under exactOptionalPropertyTypes.
      skipLibCheck: true,
      noEmit: true,
      types: ['node', 'jest'],
    },
    include: ['main.ts', 'test/**/*.ts'],
  };
  return new Map([
    ['package.json', `${JSON.stringify(packageJson, null, 2)}\n`],
    ['tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`],
    ['cdk8s.yaml', CDK8S_YAML(own.version)],
    ['main.ts', MAIN_TS],
    ['test/main.test.ts', TEST_TS],
    ['jest.config.js', JEST_CONFIG],
    ['README.md', README(options.name)],
    ['.gitignore', 'node_modules/\ndist/\n.cdk8s/\n'],
  ]);
}

const CDK8S_YAML = (version: string) => `language: typescript
app: node -r tsx/cjs main.ts
output: dist
# Every synth is checked by agent-baseline's rule engine; a failing finding fails the synth.
validations:
  - package: ./node_modules/agent-baseline/plugin
    version: ${version}
    class: AgentBaselineValidation
`;

const MAIN_TS = `/**
 * Your agent platform. \`npm run synth\` runs this file through cdk8s and writes dist/:
 * the Kubernetes manifests, dist/vault (Vault policies and roles) and the API-server audit policy.
 */
import { writeAuditPolicy } from 'agent-baseline/audit';
import { AgentNamespace } from 'agent-baseline/namespace';
import { AgentApp, AgentPlatform } from 'agent-baseline/platform';
import { writeVaultArtifacts } from 'agent-baseline/vault';
import { HardenedAgent } from 'agent-baseline/workload';

/** Builds the platform into a new app; tests call this with their own outdir. */
export function buildApp(outdir?: string): AgentApp {
  const app = new AgentApp(outdir === undefined ? {} : { outdir });

  // What your cluster has installed: Kubernetes minor, CNI, mesh, Vault delivery modes.
  const platform = new AgentPlatform(app, 'platform', { kubernetesVersion: '1.30' });

  // A namespace with Pod Security "restricted", a quota and a default-deny NetworkPolicy.
  const agents = new AgentNamespace(platform, 'agents');

  // One agent: non-root, read-only root filesystem, no service-account token, no egress but DNS.
  // Images must be pinned by digest: replace this one with yours.
  const assistant = new HardenedAgent(agents, 'assistant', {
    image: 'ghcr.io/acme-ai/assistant:1.4.2@sha256:4f6c1d0b8e3a2f9c7d5e1b0a3c8f6e2d9b7a5c3e1f0d8b6a4c2e0f9d7b5a3c1e',
    ports: [{ name: 'http', port: 8080 }],
    resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '512Mi', limit: '1Gi' } },
    config: { LLM_PROVIDER: 'openai' },
  });

  // Next steps (each is declared here and recorded in the output; nothing is open by default):
  // - let the agent reach its LLM API:  assistant.allowEgressTo(Peer.cidr('203.0.113.0/24'), 443)
  //   (import { Peer } from 'agent-baseline/network')
  // - give it secrets from Vault:       assistant.addVaultSecrets({ mode: 'injector', items: [...] })
  // - let it call the Kubernetes API:   assistant.grantApiAccess({ apiGroups, resources, verbs })
  // - add a second agent and let one call the other: assistant.allowEgressTo(Peer.agent(toolRunner), 'http')
  // The reference for each is in agent-baseline's docs/ (README "Documentation").
  void assistant;
  return app;
}

if (require.main === module) {
  const app = buildApp();
  app.synth();
  // API-server and Vault configuration, not objects to apply: written after synth, which empties dist/.
  writeAuditPolicy(app, app.outdir);
  writeVaultArtifacts(app, app.outdir);
}
`;

const TEST_TS = `import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isFailing, KubeObject, runRules } from 'agent-baseline/rules';
import { buildApp } from '../main';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'agents-'));
const objects = buildApp(outdir)
  .synthCharts()
  .flatMap((c) => c.objects) as KubeObject[];

test('every object passes the rule engine (the same check as the cdk8s validation plugin)', () => {
  const failing = runRules(objects).results.flatMap((r) => r.findings.filter((f) => isFailing(f, 'error')));
  expect(failing).toEqual([]);
});

test('the assistant is a Deployment behind a default-deny NetworkPolicy', () => {
  expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata?.name)).toEqual(['assistant']);
  expect(objects.some((o) => o.kind === 'NetworkPolicy' && o.metadata?.name === 'default-deny')).toBe(true);
});

test('the output is the reviewed one', () => {
  // The first run records test/__snapshots__ (commit it); review every later change, accept it with \`npx jest -u\`.
  expect(objects).toMatchSnapshot();
});
`;

const JEST_CONFIG = `/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\\\.ts$': ['ts-jest', { diagnostics: false }] },
};
`;

const README = (name: string) => `# ${name}

AI agents on Kubernetes, hardened by [agent-baseline](https://github.com/agent-baseline/agent-baseline).

\`\`\`sh
npm install && npm run synth   # writes the manifests, dist/vault and the audit policy to dist/
npm test                       # type-check, then the tests (the first run records the snapshot: commit it)
\`\`\`

Define your agents in main.ts. \`npx agent-baseline scan dist\` checks any manifest against the same rules.
`;
