import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import fc from 'fast-check';
import { AgentBaselineError } from '../../lib/core';
import { Peer } from '../../lib/network';
import { HardenedAgent } from '../../lib/workload';
import { NUM_RUNS } from './arbitraries';
import { Scenario, ScenarioOverrides, buildScenario, flatAgents, scenario } from './scenario';

/** An invalid variant of a valid scenario: what to change, and the construct and field that must be blamed. */
interface Mutation {
  readonly what: string;
  /** Construct path relative to the platform (`''` for the platform itself, `{ns}` / `{agent}` placeholders). */
  readonly at: '' | 'ImagePolicy' | '{ns}' | '{agent}';
  readonly field: string;
  readonly overrides?: ScenarioOverrides;
  /** Applied to the first agent after the valid scenario is built. */
  readonly onAgent?: (agent: HardenedAgent) => void;
}

const badText = fc.constantFrom('', ' ', 'Ünïcode', '名前', 'a'.repeat(300), 'emoji-😀', 'UPPER', 'tab\there');
const badCidr = fc.constantFrom(
  '',
  '0.0.0.0/0',
  '::/0',
  '10.0.0.1/8',
  '300.1.1.0/24',
  '203.0.113.0/33',
  '203.0.113.0',
  'ü.0.0.0/8',
  '2001:db8::1/32',
);
const badVersion = fc.constantFrom('', '1.27', '1.35', '2.0', 'latest', 'v1.２８', '1.28.0.1');

const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  badVersion.map<Mutation>((v) => ({
    what: 'kubernetesVersion',
    at: '',
    field: 'kubernetesVersion',
    overrides: { platform: { kubernetesVersion: v } },
  })),
  badCidr.map<Mutation>((cidr) => ({
    what: 'apiServerEndpoints',
    at: '',
    field: 'apiServerEndpoints.cidrs[0]',
    overrides: { platform: { apiServerEndpoints: { cidrs: [cidr], port: 443 } } },
  })),
  fc.oneof(badText, fc.constantFrom('default', 'kube-agents', '-a', 'a-')).map<Mutation>((name) => ({
    what: 'namespace name',
    at: '{ns}',
    field: 'name',
    overrides: { firstNamespaceName: name },
  })),
  fc
    .constantFrom<[string, readonly string[]]>(
      ['allowedPrefixes', []],
      ['allowedPrefixes[0]', ['']],
      ['allowedPrefixes[0]', ['*']],
      ['allowedPrefixes[0]', ['acme/']],
    )
    .map<Mutation>(([field, allowedPrefixes]) => ({
      what: 'image policy prefixes',
      at: 'ImagePolicy',
      field,
      overrides: { imagePolicy: { allowedPrefixes } },
    })),
  badCidr.map<Mutation>((cidr) => ({
    what: 'egress CIDR',
    at: '{agent}',
    field: 'allowEgressTo.peer.cidr',
    onAgent: (a) => a.allowEgressTo(Peer.cidr(cidr), 443),
  })),
  fc.integer({ min: -70000, max: 0 }).map<Mutation>((port) => ({
    what: 'egress port',
    at: '{agent}',
    field: 'allowEgressTo.ports[0].port',
    onAgent: (a) => a.allowEgressTo(Peer.cidr('198.51.100.0/24'), port),
  })),
  fc
    .constantFrom<[string, Parameters<HardenedAgent['grantApiAccess']>[0]]>(
      ['apiGrants[1]', { apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }],
      ['apiGrants[1]', { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
      ['apiGrants[1]', { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }],
      ['apiGrants[1].verbs', { apiGroups: [''], resources: ['pods'], verbs: [] }],
      ['apiGrants[1].resources[0]', { apiGroups: [''], resources: [''], verbs: ['get'] }],
    )
    .map<Mutation>(([field, grant]) => ({
      what: 'API grant',
      at: '{agent}',
      field,
      onAgent: (a) => {
        a.grantApiAccess({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] });
        a.grantApiAccess(grant);
      },
    })),
  badText.map<Mutation>((name) => ({
    what: 'vault secret name',
    at: '{agent}',
    field: 'secrets.items[0].name',
    onAgent: (a) =>
      a.addVaultSecrets({
        mode: a.platform.settings.vaultDeliveryModes[0],
        items: [{ name, mount: 'kv', path: 'agents/x', keys: ['k'] }],
      }),
  })),
  fc.constantFrom('api.openai.com', '*.openai.com').map<Mutation>((fqdn) => ({
    what: 'FQDN egress without Cilium (conflicting options)',
    at: '{agent}',
    field: 'allowEgressToFqdn.fqdn',
    overrides: { platform: { cni: 'generic' } },
    onAgent: (a) => a.allowEgressToFqdn(fqdn),
  })),
  fc.constantFrom('*', '', 'API.OPENAI.COM', 'ünï.com', `${'a'.repeat(64)}.com`).map<Mutation>((fqdn) => ({
    what: 'bad FQDN',
    at: '{agent}',
    field: 'allowEgressToFqdn.fqdn',
    overrides: { platform: { cni: 'cilium' } },
    onAgent: (a) => a.allowEgressToFqdn(fqdn),
  })),
);

/** The scenario with Vault and grants left off the first agent, so agent-level mutations are the first error. */
function withPlainFirstAgent(s: Scenario): Scenario {
  const [first, ...rest] = s.namespaces;
  const [agent, ...others] = first.agents;
  return {
    ...s,
    namespaces: [{ ...first, agents: [{ name: agent.name, props: agent.props }, ...others] }, ...rest],
  };
}

function expectedPath(s: Scenario, m: Mutation): string {
  const first = flatAgents(s)[0];
  if (m.at === '') return 'platform';
  if (m.at === 'ImagePolicy') return 'platform/ImagePolicy';
  if (m.at === '{ns}') return `platform/${first.namespace}`;
  return `platform/${first.namespace}/${first.name}`;
}

describe('every invalid platform configuration', () => {
  test('throws AgentBaselineError naming the construct path and the field, and writes nothing', () => {
    fc.assert(
      fc.property(scenario.map(withPlainFirstAgent), mutations, (s, m) => {
        const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-baseline-mut-'));
        let error: unknown;
        try {
          const app = new App({ outdir });
          const agents = buildScenario(app, s, m.overrides);
          m.onAgent?.(agents[0]);
          app.synth();
        } catch (e) {
          error = e;
        }
        const written = fs.readdirSync(outdir);
        fs.rmSync(outdir, { recursive: true, force: true });
        const where = expectedPath(s, m);
        expect([m.what, error instanceof AgentBaselineError ? 'AgentBaselineError' : String(error)]).toEqual([
          m.what,
          'AgentBaselineError',
        ]);
        const e = error as AgentBaselineError;
        expect([m.what, e.details.path, e.details.field]).toEqual([m.what, where, m.field]);
        expect(e.message).toContain(`[${where}] ${m.field}: invalid value`);
        expect(written).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
