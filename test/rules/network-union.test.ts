/**
 * AGT-NetworkPolicyUnion, table-driven: NetworkPolicies are additive, so every policy beside the
 * agent's own that selects an agent pod and opens a flow is an error, however it selects the pod.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { runRules } from '../../lib/rules';
import { KubeObject } from '../../lib/rules/types';
import { HardenedAgent } from '../../lib/workload';
import { synthDefaultPlatform } from '../helpers/synth';

type Json = Record<string, unknown>;
const RULE = 'AGT-NetworkPolicyUnion';
const NS = 'agents';
const ASSISTANT = { 'app.kubernetes.io/name': 'assistant', 'app.kubernetes.io/instance': 'assistant' };
const OWN_LABELS = {
  'app.kubernetes.io/name': 'assistant',
  'app.kubernetes.io/instance': 'assistant',
  'app.kubernetes.io/component': 'agent',
  'app.kubernetes.io/part-of': 'agents',
  'app.kubernetes.io/managed-by': 'agent-baseline',
};

const netpol = (name: string, spec: Json, labels: Json = {}, namespace = NS): KubeObject =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels },
    spec,
  }) as KubeObject;

const BASE = synthDefaultPlatform().objects as KubeObject[];

function findings(extra: KubeObject[]): string[] {
  return runRules([...BASE, ...extra], { packs: ['agent'] })
    .results.flatMap((r) => r.findings.map((f) => ({ ...f, name: `${r.kind}/${r.name}` })))
    .filter((f) => f.rule === RULE)
    .map((f) => `${f.name} ${f.path}: ${f.message}`);
}

describe(RULE, () => {
  it('passes the default platform', () => {
    expect(findings([])).toEqual([]);
  });

  const cases: [string, KubeObject[], RegExp[]][] = [
    [
      'sibling egress to another agent on 8080',
      [
        netpol('extra', {
          podSelector: { matchLabels: ASSISTANT },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'tool-runner' } } }],
              ports: [{ protocol: 'TCP', port: 8080 }],
            },
          ],
        }),
      ],
      [
        /^NetworkPolicy\/extra spec\.podSelector: NetworkPolicy extra selects agent Deployment assistant and adds egress to pods app\.kubernetes\.io\/name=tool-runner in namespace agents on TCP\/8080 beside the agent's own policy assistant$/,
      ],
    ],
    [
      'ingress from another namespace',
      [
        netpol('from-ops', {
          podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'assistant' } },
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } },
                  podSelector: { matchLabels: { app: 'debug' } },
                },
              ],
            },
          ],
        }),
      ],
      [/adds ingress from pods app=debug in namespaces kubernetes\.io\/metadata\.name=ops on every port/],
    ],
    [
      'a matchExpressions selector that selects the agent',
      [
        netpol('by-expression', {
          podSelector: {
            matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['agent'] }],
          },
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 5432 }] }],
        }),
      ],
      [
        /selects agent Deployment assistant and adds egress to 10\.0\.0\.0\/8 on TCP\/5432/,
        /selects agent Deployment tool-runner/,
      ],
    ],
    [
      'podSelector {} in the namespace that opens egress',
      [
        netpol('open-egress', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] }],
        }),
      ],
      [/open-egress selects agent Deployment assistant/, /open-egress selects agent Deployment tool-runner/],
    ],
    [
      "a forged duplicate of the agent's own policy",
      [
        netpol(
          'assistant-2',
          {
            podSelector: { matchLabels: ASSISTANT },
            policyTypes: ['Egress'],
            egress: [{ to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ port: 443 }] }],
          },
          OWN_LABELS,
        ),
      ],
      [
        /^NetworkPolicy\/assistant-2 metadata\.labels: NetworkPolicy assistant-2 duplicates the own labels of agent Deployment assistant \(its own policy is assistant\): adds egress to 192\.0\.2\.0\/24 on TCP\/443$/,
      ],
    ],
    [
      'a CiliumNetworkPolicy selecting the agent',
      [
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { name: 'cilium-extra', namespace: NS },
          spec: {
            endpointSelector: { matchLabels: ASSISTANT },
            egress: [
              {
                toEndpoints: [{ matchLabels: { app: 'b' } }],
                toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }],
              },
            ],
          },
        } as KubeObject,
      ],
      [/^CiliumNetworkPolicy\/cilium-extra spec\.endpointSelector: .*adds egress toEndpoints .*app.*b.* on TCP\/8080/],
    ],
    // Not widenings: they must pass.
    [
      'a pure deny policy',
      [netpol('deny', { podSelector: { matchLabels: ASSISTANT }, policyTypes: ['Ingress', 'Egress'] })],
      [],
    ],
    [
      'a second DNS-only default-deny',
      [
        netpol('deny-2', {
          podSelector: {},
          policyTypes: ['Ingress', 'Egress'],
          egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }],
        }),
      ],
      [],
    ],
    [
      'a policy selecting no agent',
      [netpol('db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: {} }] }] })],
      [],
    ],
    ['a policy in another namespace', [netpol('elsewhere', { podSelector: {}, ingress: [{}] }, {}, 'other')], []],
  ];

  it.each(cases)('%s', (_what, extra, expected) => {
    const got = findings(extra);
    expect(got).toHaveLength(expected.length);
    expected.forEach((re) => expect(got.some((g) => re.test(g))).toBe(true));
  });

  it('refuses at synth a sibling policy written beside an AgentPlatform, naming the construct path', () => {
    const app = Testing.app();
    const ns = new AgentNamespace(new AgentPlatform(app, 'platform'), 'agents');
    const agent = new HardenedAgent(ns, 'assistant', {
      image: 'ghcr.io/acme-ai/assistant:1.4.2@sha256:' + 'a'.repeat(64),
      ports: [{ name: 'http', port: 8080 }],
    });
    const chart = new Chart(app, 'sibling');
    new ApiObject(chart, 'extra', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'extra', namespace: ns.name },
      spec: {
        podSelector: { matchLabels: agent.selectorLabels },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'b' } } }], ports: [{ port: 8080 }] }],
      },
    });
    expect(() => app.synth()).toThrow(/\[sibling\/extra\][^\n]*AGT-NetworkPolicyUnion/);
  });
});
