import { JsonPatch, Testing } from 'cdk8s';
import { podPlumbing } from '../../lib/agent-pod/plumbing';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { KubeObject, runRules } from '../../lib/rules';
import { HardenedAgent } from '../../lib/workload';
import { refusal } from '../helpers/refusal';

const IMAGE = `ghcr.io/acme/agent:1.0.0@sha256:${'a'.repeat(64)}`;

function ns(): AgentNamespace {
  return new AgentNamespace(new AgentPlatform(Testing.app(), 'platform'), 'agents');
}
function agent(extra: Record<string, unknown> = {}): HardenedAgent {
  return new HardenedAgent(ns(), 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }], ...extra });
}

describe('label keys are validated', () => {
  const badKeys: Array<[string, RegExp]> = [
    ['has space', /a label key \[prefix\/\]name/],
    ['UPPER.example.com/x', /a label key/],
    ['example.com/', /a label key/],
    ['/name', /a label key/],
    ['a/b/c', /a label key/],
    [`${'x'.repeat(64)}`, /a label key/],
    ['-leading', /a label key/],
    ['kubernetes.io/metadata.name', /reserved prefixes/],
    ['node-role.kubernetes.io/control-plane', /reserved prefixes/],
    ['k8s.io/x', /reserved prefixes/],
    ['agent-baseline.io/runs-generated-code', /reserved prefixes/],
    ['team.agent-baseline.io/x', /reserved prefixes/],
  ];
  it.each(badKeys)('agent label key %j is refused', (key, pattern) => {
    const message = refusal(() => agent({ labels: { [key]: 'v' } }));
    expect(message.startsWith(`[platform/agents/bot] labels.${key}: invalid value ${JSON.stringify(key)}`)).toBe(true);
    expect(message).toMatch(pattern);
  });
  it.each(badKeys)('namespace label key %j is refused', (key, pattern) => {
    const platform = new AgentPlatform(Testing.app(), 'platform');
    const message = refusal(() => new AgentNamespace(platform, 'agents', { labels: { [key]: 'v' } }));
    expect(message.startsWith(`[platform/agents] labels.${key}:`)).toBe(true);
    expect(message).toMatch(pattern);
  });
  it.each(badKeys)('platform label key %j is refused', (key, pattern) => {
    const message = refusal(() => new AgentPlatform(Testing.app(), 'platform', { labels: { [key]: 'v' } }));
    expect(message.startsWith(`[platform] labels.${key}:`)).toBe(true);
    expect(message).toMatch(pattern);
  });
  it('well-formed keys and values are accepted everywhere; bad values are refused', () => {
    const labels = { team: 'search', 'acme.com/cost-center': 'cc-12', 'a.b_c-d': 'x' };
    const platform = new AgentPlatform(Testing.app(), 'platform', { labels });
    const namespace = new AgentNamespace(platform, 'agents', { labels });
    expect(
      () => new HardenedAgent(namespace, 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }], labels }),
    ).not.toThrow();
    expect(refusal(() => new AgentNamespace(platform, 'other', { labels: { team: 'has space' } }))).toContain(
      '[platform/other] labels.team: invalid value "has space". Allowed: a label value',
    );
  });
});

describe('projected token mountPath', () => {
  it.each([
    '/var/run/secrets/kubernetes.io/serviceaccount',
    '/var/run/secrets/kubernetes.io/serviceaccount/',
    '/var/run/secrets/kubernetes.io',
    '/var/run/secrets',
    '/var/run',
    '/var/run/secrets/kubernetes.io/serviceaccount/sub',
  ])('%s is refused', (mountPath) => {
    const a = agent();
    expect(refusal(() => podPlumbing(a).addProjectedServiceAccountToken({ audience: 'api', mountPath }))).toBe(
      `[platform/agents/bot] token.mountPath: invalid value ${JSON.stringify(mountPath)} (client libraries load any token found there as the pod API credential, whatever its audience). Allowed: a path outside /var/run/secrets/kubernetes.io/serviceaccount and its parents, e.g. /var/run/secrets/tokens/<name>`,
    );
  });
  it('a path under /var/run/secrets/tokens is accepted', () => {
    expect(() =>
      podPlumbing(agent()).addProjectedServiceAccountToken({
        audience: 'api',
        mountPath: '/var/run/secrets/tokens/api',
      }),
    ).not.toThrow();
  });
});

function pod(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'x' },
    spec: { containers: [{ name: 'c', image: IMAGE }], ...spec },
  };
}
function findings(obj: KubeObject, rule: string) {
  return runRules([obj], { packs: ['hardening'] })
    .results.flatMap((r) => r.findings)
    .filter((f) => f.rule === rule);
}

describe('placement rules', () => {
  const flagged: Array<[string, string, Record<string, unknown>, string, RegExp]> = [
    [
      'HRD-ShareProcessNamespace',
      'shareProcessNamespace',
      { shareProcessNamespace: true },
      'spec.shareProcessNamespace',
      /shares one process namespace/,
    ],
    ['HRD-NodeName', 'nodeName', { nodeName: 'control-plane-1' }, 'spec.nodeName', /bound to node 'control-plane-1'/],
    [
      'HRD-TolerateAll',
      'Exists without key',
      { tolerations: [{ operator: 'Exists' }] },
      'spec.tolerations[0].operator',
      /tolerates every taint/,
    ],
    [
      'HRD-TolerateAll',
      'Exists on the control-plane taint',
      { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] },
      'spec.tolerations[0].operator',
      /control-plane taint/,
    ],
    [
      'HRD-TolerateAll',
      'Exists on the master taint',
      {
        tolerations: [
          { key: 'x', operator: 'Equal', value: 'y' },
          { key: 'node-role.kubernetes.io/master', operator: 'Exists' },
        ],
      },
      'spec.tolerations[1].operator',
      /control-plane taint/,
    ],
    [
      'HRD-TolerateAll',
      'Exists on any other key',
      { tolerations: [{ key: 'gpu', operator: 'Exists' }] },
      'spec.tolerations[0].operator',
      /taint gpu with any value/,
    ],
    [
      'HRD-LegacyTokenPath',
      'a volume at the legacy token path',
      {
        volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
        containers: [
          {
            name: 'c',
            image: IMAGE,
            volumeMounts: [{ name: 't', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
          },
        ],
      },
      'spec.containers[0].volumeMounts[0].mountPath',
      /mounted at \/var\/run\/secrets\/kubernetes.io\/serviceaccount/,
    ],
    [
      'HRD-LegacyTokenPath',
      'a parent directory',
      { containers: [{ name: 'c', image: IMAGE, volumeMounts: [{ name: 't', mountPath: '/var/run/secrets/' }] }] },
      'spec.containers[0].volumeMounts[0].mountPath',
      /mounted at \/var\/run\/secrets\//,
    ],
  ];
  it.each(flagged)('%s flags %s', (rule, _, spec, path, pattern) => {
    const found = findings(pod(spec), rule);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', path, suppressed: false });
    expect(found[0].message).toMatch(pattern);
  });

  const clean: Array<[string, Record<string, unknown>]> = [
    ['shareProcessNamespace false', { shareProcessNamespace: false }],
    ['nodeName empty', { nodeName: '' }],
    ['Equal tolerations', { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'a100', effect: 'NoSchedule' }] }],
    [
      'a token under /var/run/secrets/tokens',
      {
        containers: [
          { name: 'c', image: IMAGE, volumeMounts: [{ name: 't', mountPath: '/var/run/secrets/tokens/api' }] },
        ],
      },
    ],
  ];
  it.each(clean)('%s passes', (_, spec) => {
    for (const rule of ['HRD-ShareProcessNamespace', 'HRD-NodeName', 'HRD-TolerateAll', 'HRD-LegacyTokenPath'])
      expect(findings(pod(spec), rule)).toEqual([]);
  });

  it.each([
    ['shareProcessNamespace', '/spec/template/spec/shareProcessNamespace', true, /HRD-ShareProcessNamespace/],
    ['nodeName', '/spec/template/spec/nodeName', 'master-0', /HRD-NodeName/],
    ['a toleration of everything', '/spec/template/spec/tolerations', [{ operator: 'Exists' }], /HRD-TolerateAll/],
  ])('%s patched onto an agent fails synth', (_, path, value, pattern) => {
    const a = agent();
    a.escapeHatch().addJsonPatch(JsonPatch.add(path, value));
    expect(() => Testing.synth(a.platform)).toThrow(pattern);
  });
});

describe('HRD-IngressFromAnywhere', () => {
  const agentNs = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'agents', labels: { 'agent-baseline.io/agent-namespace': 'true' } },
  };
  const policy = (ingress: unknown[], namespace = 'agents'): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'p', namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress },
  });
  const run = (objs: KubeObject[]) =>
    runRules(objs, { packs: ['hardening'] })
      .results.flatMap((r) => r.findings)
      .filter((f) => f.rule === 'HRD-IngressFromAnywhere');

  it.each([
    ['an empty rule', [{}], /has no from/],
    ['an empty from list', [{ from: [] }], /has no from/],
    ['ipBlock 0.0.0.0/0', [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }], /every address/],
    ['ipBlock ::/0', [{ from: [{ ipBlock: { cidr: '::/0' } }] }], /every address/],
    [
      'ipBlock 0.0.0.0/0 with exceptions',
      [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }],
      /every address outside its exceptions/,
    ],
    ['every namespace', [{ from: [{ namespaceSelector: {} }] }], /every pod of every namespace/],
    [
      'every namespace, every pod',
      [{ from: [{ namespaceSelector: {}, podSelector: {} }] }],
      /every pod of every namespace/,
    ],
    ['the second rule', [{ from: [{ podSelector: { matchLabels: { a: 'b' } } }] }, {}], /ingress rule 1 has no from/],
  ])('%s in an agent namespace is an error', (_, ingress, pattern) => {
    const found = run([agentNs, policy(ingress)]);
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(pattern);
  });
  it.each([
    ['a pod selector', [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }]],
    [
      'a named namespace',
      [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gw' } } }] }],
    ],
    ['a bounded block', [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }] }]],
  ])('%s passes', (_, ingress) => {
    expect(run([agentNs, policy(ingress)])).toEqual([]);
  });
  it('open ingress outside agent namespaces is not this rule’s business', () => {
    expect(run([policy([{}], 'web')])).toEqual([]);
  });
});
