/**
 * Whole-platform configurations for the property tests: plain data (so fast-check can print and
 * shrink counterexamples), a builder that turns one into constructs, and the flows it declares.
 */
import { App } from 'cdk8s';
import fc from 'fast-check';
import { ImagePolicyEngine, VaultDeliveryMode } from '../../lib/core';
import { ImagePolicy, ImagePolicyProps } from '../../lib/image-policy';
import { AgentNamespace } from '../../lib/namespace';
import { Peer } from '../../lib/network';
import { AgentPlatform, AgentPlatformProps } from '../../lib/platform';
import { ApiGrant } from '../../lib/rbac';
import { AgentVaultSecretsProps, VaultSecret } from '../../lib/vault';
import { HardenedAgent, HardenedAgentProps } from '../../lib/workload';
import { IMAGE_PREFIXES, ROOMY_QUOTA, agentProps, dnsLabel, kubernetesVersion } from './arbitraries';

/** A flow between two generated agents (indexes into the flattened agent list). */
export interface FlowSpec {
  readonly from: number;
  readonly to: number;
  /** Index into the target's ports; undefined means every port of the target. */
  readonly port?: number;
  /** Which sides declare it: both, only the caller's egress, or only the target's ingress. */
  readonly sides: 'both' | 'egress' | 'ingress';
}

export interface CidrEgressSpec {
  readonly agent: number;
  /** Third octet of 203.0.113.0/24-style documentation blocks: `198.51.<n>.0/24`. */
  readonly block: number;
  readonly port: number;
}

export interface AgentSpec {
  readonly name: string;
  readonly props: HardenedAgentProps;
  readonly grant?: number;
  readonly vault?: { readonly mode: VaultDeliveryMode; readonly database: boolean };
  readonly internetPorts?: readonly number[];
}

export interface Scenario {
  readonly version: string;
  readonly cni: 'generic' | 'cilium';
  readonly vaultModes: readonly VaultDeliveryMode[];
  readonly engines: readonly ImagePolicyEngine[];
  readonly imagePolicy: boolean;
  readonly apiServer: { readonly cidrs: readonly string[]; readonly port: number };
  readonly namespaces: ReadonlyArray<{ readonly name: string; readonly agents: readonly AgentSpec[] }>;
  readonly flows: readonly FlowSpec[];
  readonly cidrEgress: readonly CidrEgressSpec[];
}

/** Grants an agent may hold without acknowledging a risk (read-only or self-scoped). */
export const SAFE_GRANTS: readonly ApiGrant[] = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'update'], resourceNames: ['agent-state'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch'] },
];

const KV_SECRET: VaultSecret = { name: 'llm', mount: 'kv', path: 'agents/llm', keys: ['api_key'] };
const DB_SECRET: VaultSecret = {
  name: 'db',
  kind: 'database',
  mount: 'database',
  path: 'agent',
  keys: ['username', 'password'],
  database: { type: 'dynamic', dbName: 'tools', creationStatements: ['CREATE ROLE "{{name}}";'] },
};

export function vaultProps(spec: NonNullable<AgentSpec['vault']>): AgentVaultSecretsProps {
  return { mode: spec.mode, items: spec.database ? [KV_SECRET, DB_SECRET] : [KV_SECRET] };
}

const nonEmptySubset = <T>(values: readonly T[]) =>
  fc.subarray([...values], { minLength: 1 }).map((picked) => values.filter((v) => picked.includes(v)));

const namespaceName = dnsLabel.filter((n) => n !== 'default' && !n.startsWith('kube-'));

function agentSpec(vaultModes: readonly VaultDeliveryMode[]): fc.Arbitrary<AgentSpec> {
  return fc.record(
    {
      name: dnsLabel,
      props: agentProps,
      grant: fc.nat({ max: SAFE_GRANTS.length - 1 }),
      vault: fc.record({ mode: fc.constantFrom(...vaultModes), database: fc.boolean() }),
      internetPorts: fc.uniqueArray(fc.constantFrom(443, 8443, 80), { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: ['name', 'props'] },
  );
}

export const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    version: kubernetesVersion,
    cni: fc.constantFrom<'generic' | 'cilium'>('generic', 'cilium'),
    vaultModes: nonEmptySubset<VaultDeliveryMode>(['injector', 'operator', 'csi']),
    engines: nonEmptySubset<ImagePolicyEngine>(['vap', 'kyverno', 'sigstore']),
    imagePolicy: fc.constant(true),
    apiServer: fc.record({
      cidrs: fc.uniqueArray(
        fc.integer({ min: 1, max: 254 }).map((n) => `192.0.2.${n}/32`),
        { minLength: 1, maxLength: 2 },
      ),
      port: fc.constantFrom(443, 6443),
    }),
  })
  .chain((base) =>
    fc
      .uniqueArray(
        fc.record({
          name: namespaceName,
          agents: fc.uniqueArray(agentSpec(base.vaultModes), { minLength: 1, maxLength: 2, selector: (a) => a.name }),
        }),
        { minLength: 1, maxLength: 2, selector: (ns) => ns.name },
      )
      .chain((namespaces) => {
        const count = namespaces.reduce((n, ns) => n + ns.agents.length, 0);
        const index = fc.nat({ max: count - 1 });
        return fc
          .record({
            flows: fc.array(
              fc.record(
                {
                  from: index,
                  to: index,
                  port: fc.nat({ max: 2 }),
                  sides: fc.constantFrom<FlowSpec['sides']>('both', 'egress', 'ingress'),
                },
                { requiredKeys: ['from', 'to', 'sides'] },
              ),
              { maxLength: 4 },
            ),
            cidrEgress: fc.array(
              fc.record({ agent: index, block: fc.nat({ max: 255 }), port: fc.integer({ min: 1, max: 65535 }) }),
              { maxLength: 2 },
            ),
          })
          .map((links): Scenario => ({ ...base, namespaces, ...links }));
      }),
  );

/** The agents of a scenario in declaration order, with their namespace. */
export function flatAgents(s: Scenario): Array<AgentSpec & { readonly namespace: string }> {
  return s.namespaces.flatMap((ns) => ns.agents.map((a) => ({ ...a, namespace: ns.name })));
}

/** Flows that can be declared: a distinct target that listens, and a port it has. */
export function usableFlows(s: Scenario): FlowSpec[] {
  const agents = flatAgents(s);
  return s.flows.filter((f) => {
    const ports = agents[f.to].props.ports ?? [];
    return f.from !== f.to && ports.length > 0 && (f.port === undefined || f.port < ports.length);
  });
}

function imagePolicyProps(s: Scenario): ImagePolicyProps {
  const signed = s.engines.some((e) => e !== 'vap');
  return {
    allowedPrefixes: IMAGE_PREFIXES.map((p) => `${p}/`),
    engines: s.engines,
    signature: signed
      ? {
          keyless: {
            issuer: 'https://token.actions.githubusercontent.com',
            subjectRegExp: '^https://github[.]com/acme-ai/.+$',
          },
        }
      : undefined,
  };
}

/** Overrides that turn a valid scenario into an invalid one (see mutations.properties.test.ts). */
export interface ScenarioOverrides {
  readonly platform?: Partial<AgentPlatformProps>;
  /** Name of the first namespace (its construct id stays the generated name). */
  readonly firstNamespaceName?: string;
  readonly imagePolicy?: Partial<ImagePolicyProps>;
}

/** Builds every construct of a scenario into `app` and returns the agents in flat order. */
export function buildScenario(app: App, s: Scenario, overrides: ScenarioOverrides = {}): HardenedAgent[] {
  const platform = new AgentPlatform(app, 'platform', {
    kubernetesVersion: s.version,
    cni: s.cni,
    vaultDeliveryModes: s.vaultModes,
    imagePolicyEngines: s.engines,
    apiServerEndpoints: s.apiServer,
    // The injected Vault Agent must be an image the ImagePolicy admits.
    vault: { agentImage: `${IMAGE_PREFIXES[0]}/vault:1.18.0@sha256:${'5'.repeat(64)}` },
    ...overrides.platform,
  });
  const agents = s.namespaces.flatMap((nsSpec, n) => {
    const name = n === 0 ? (overrides.firstNamespaceName ?? nsSpec.name) : nsSpec.name;
    const ns = new AgentNamespace(platform, nsSpec.name, { name, quota: ROOMY_QUOTA });
    return nsSpec.agents.map((a) => {
      const agent = new HardenedAgent(ns, a.name, {
        ...a.props,
        apiGrants: a.grant === undefined ? undefined : [SAFE_GRANTS[a.grant]],
        secrets: a.vault === undefined ? undefined : vaultProps(a.vault),
      });
      if (a.internetPorts) agent.allowEgressToInternet({ ports: a.internetPorts });
      return agent;
    });
  });
  for (const f of usableFlows(s)) {
    const from = agents[f.from];
    const to = agents[f.to];
    const port = f.port === undefined ? undefined : to.ports[f.port].name;
    if (f.sides !== 'ingress') from.allowEgressTo(to, port);
    if (f.sides !== 'egress') to.allowIngressFrom(from, port);
  }
  for (const c of s.cidrEgress) agents[c.agent].allowEgressTo(Peer.cidr(`198.51.${c.block}.0/24`), c.port);
  if (s.imagePolicy) new ImagePolicy(platform, 'ImagePolicy', { ...imagePolicyProps(s), ...overrides.imagePolicy });
  return agents;
}

/** Ports of `to` that `from` may reach according to the declared intent: egress ∩ ingress. */
export function declaredPorts(s: Scenario, from: number, to: number): Set<number> {
  const ports = flatAgents(s)[to].props.ports ?? [];
  const sideAllows = (side: 'egress' | 'ingress') =>
    new Set(
      usableFlows(s)
        .filter((f) => f.from === from && f.to === to && f.sides !== (side === 'egress' ? 'ingress' : 'egress'))
        .flatMap((f) => (f.port === undefined ? ports : [ports[f.port]]))
        .map((p) => p.port),
    );
  const egress = sideAllows('egress');
  return new Set([...sideAllows('ingress')].filter((p) => egress.has(p)));
}
