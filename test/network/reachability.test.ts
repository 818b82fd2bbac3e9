import {
  Endpoint,
  FlowQuery,
  buildClusterModel,
  evaluateFlow,
  findWorkload,
  reach,
} from '../../lib/network/reachability';
import { labelSelectorMatches as selectorMatches } from '../../lib/core';

type Json = Record<string, unknown>;
const np = (namespace: string, name: string, spec: Json) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec,
});
const ns = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const pod = (
  namespace: string,
  labels: Record<string, string>,
  ports: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[] = [],
): Endpoint => ({
  kind: 'pod',
  namespace,
  labels,
  ports: ports.map((p) => ({ protocol: 'TCP', ...p })),
});
const ip = (address: string): Endpoint => ({ kind: 'address', address });
const flow = (from: Endpoint, to: Endpoint, port: number, protocol: FlowQuery['protocol'] = 'TCP'): FlowQuery => ({
  from,
  to,
  port,
  protocol,
});

const web = pod('app', { app: 'web' }, [{ name: 'http', containerPort: 8080 }]);
const client = pod('app', { app: 'client' });
const denyAll = np('app', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

describe('documented NetworkPolicy semantics', () => {
  test('a pod no policy selects is open in both directions', () => {
    const r = reach([], flow(client, web, 8080));
    expect(r.allowed).toBe(true);
    expect(r.egress).toEqual({ direction: 'egress', applies: true, selectedBy: [], allowedBy: [], allowed: true });
    expect(r.explanation[1]).toMatch(/no NetworkPolicy selects it for egress/);
  });

  test('a policy selecting other pods leaves this one open', () => {
    expect(
      reach(
        [np('app', 'db-only', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress', 'Egress'] })],
        flow(client, web, 8080),
      ).allowed,
    ).toBe(true);
  });

  test('policies in another namespace do not select the pod', () => {
    expect(
      reach([np('other', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })], flow(client, web, 8080))
        .allowed,
    ).toBe(true);
  });

  test('once selected, only the union of allows applies; each policy adds', () => {
    const allowEgress = np('app', 'client-out', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
    });
    const allowIngress = np('app', 'web-in', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }],
    });
    expect(reach([denyAll], flow(client, web, 8080)).allowed).toBe(false);
    const r = reach([denyAll, allowEgress, allowIngress], flow(client, web, 8080));
    expect(r.allowed).toBe(true);
    expect(r.egress.selectedBy).toEqual(['app/deny-all', 'app/client-out']);
    expect(r.egress.allowedBy).toEqual(['app/client-out#egress[0]']);
    expect(r.ingress.allowedBy).toEqual(['app/web-in#ingress[0]']);
  });

  test('a connection needs both the egress and the ingress allow', () => {
    const allowEgress = np('app', 'client-out', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [{}],
    });
    const r = reach([denyAll, allowEgress], flow(client, web, 8080));
    expect(r.allowed).toBe(false);
    expect(r.egress.allowed).toBe(true);
    expect(r.ingress.allowed).toBe(false);
    expect(r.explanation).toEqual([
      'DENIED: pods {"app":"client"} in app -> pods {"app":"web"} in app port 8080/TCP',
      'egress of pods {"app":"client"} in app: allowed by app/client-out#egress[0]',
      'ingress of pods {"app":"web"} in app: denied; selected by app/deny-all, and no rule of theirs allows it',
    ]);
  });

  test('policyTypes: an Ingress-only policy leaves egress open; omitted types default from the rules', () => {
    const ingressOnly = np('app', 'in', { podSelector: {}, policyTypes: ['Ingress'] });
    expect(reach([ingressOnly], flow(web, ip('203.0.113.1'), 443)).allowed).toBe(true);
    expect(reach([ingressOnly], flow(client, web, 8080)).allowed).toBe(false);
    // No policyTypes and no egress rules: Ingress only.
    expect(reach([np('app', 'legacy', { podSelector: {} })], flow(web, ip('203.0.113.1'), 443)).allowed).toBe(true);
    // No policyTypes but egress rules: Egress too.
    const legacyEgress = np('app', 'legacy', {
      podSelector: {},
      egress: [{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }] }],
    });
    expect(reach([legacyEgress], flow(web, ip('203.0.113.1'), 443)).allowed).toBe(false);
    expect(reach([legacyEgress], flow(web, ip('198.51.100.1'), 443)).allowed).toBe(true);
  });

  test('ipBlock except is honoured, for addresses and ranges', () => {
    const out = np('app', 'out', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '10.0.0.0/8'] } }] }],
    });
    expect(reach([out], flow(client, ip('203.0.113.9'), 443)).allowed).toBe(true);
    expect(reach([out], flow(client, ip('169.254.169.254'), 80)).allowed).toBe(false);
    expect(reach([out], flow(client, ip('10.1.2.3'), 443)).allowed).toBe(false);
    expect(reach([out], flow(client, ip('203.0.113.0/24'), 443)).allowed).toBe(true);
    // A range that overlaps an exception is not wholly allowed.
    expect(reach([out], flow(client, ip('8.0.0.0/6'), 443)).allowed).toBe(false);
    // ipBlock peers never match pods (pod IPs are not known from manifests).
    expect(
      reach([denyAll, out, np('app', 'in', { podSelector: {}, ingress: [{}] })], flow(client, web, 8080)).egress
        .allowed,
    ).toBe(false);
  });

  test('namespaceSelector and podSelector in one peer are ANDed; separate peers are ORed', () => {
    const objects = [ns('app'), ns('team-a', { team: 'a' }), ns('team-b', { team: 'b' })];
    const and = np('app', 'in', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { role: 'caller' } } },
          ],
        },
      ],
    });
    const or = np('app', 'in', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { team: 'a' } } },
            { podSelector: { matchLabels: { role: 'caller' } } },
          ],
        },
      ],
    });
    const callerA = pod('team-a', { role: 'caller' });
    const otherA = pod('team-a', { role: 'other' });
    const callerB = pod('team-b', { role: 'caller' });
    const callerApp = pod('app', { role: 'caller' });
    const verdicts = (policy: Json) =>
      [callerA, otherA, callerB, callerApp].map((src) => reach([...objects, policy], flow(src, web, 8080)).allowed);
    expect(verdicts(and)).toEqual([true, false, false, false]);
    // podSelector alone means the policy's own namespace.
    expect(verdicts(or)).toEqual([true, true, false, true]);
  });

  test('the kubernetes.io/metadata.name label is implied for undeclared namespaces', () => {
    const policy = np('app', 'in', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }],
    });
    expect(reach([policy], flow(pod('monitoring', { any: 'x' }), web, 8080)).allowed).toBe(true);
    expect(reach([policy], flow(pod('elsewhere', { any: 'x' }), web, 8080)).allowed).toBe(false);
  });

  test('matchExpressions: In, NotIn, Exists, DoesNotExist and unknown operators', () => {
    const labels = { tier: 'backend', env: 'prod' };
    expect(
      selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'db'] }] }, labels),
    ).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] }, labels)).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }, labels)).toBe(
      true,
    );
    expect(
      selectorMatches({ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['dev'] }] }, labels),
    ).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(
      selectorMatches({ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'tier', operator: 'Bogus' }] }, labels),
    ).toBe(false);
    expect(selectorMatches({}, labels)).toBe(true);
    const policy = np('app', 'in', {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
      policyTypes: ['Ingress'],
    });
    expect(reach([policy], flow(client, web, 8080)).ingress.selectedBy).toEqual(['app/in']);
  });

  test('ports: protocol, ranges and named ports resolved against the destination container ports', () => {
    const rule = (ports: unknown[]) =>
      np('app', 'in', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports }] });
    expect(reach([rule([{ port: 8080 }])], flow(client, web, 8080)).allowed).toBe(true);
    expect(reach([rule([{ port: 8080, protocol: 'UDP' }])], flow(client, web, 8080)).allowed).toBe(false);
    expect(reach([rule([{ port: 8000, endPort: 8100 }])], flow(client, web, 8080)).allowed).toBe(true);
    expect(reach([rule([{ port: 8000, endPort: 8050 }])], flow(client, web, 8080)).allowed).toBe(false);
    expect(reach([rule([{ protocol: 'TCP' }])], flow(client, web, 1234)).allowed).toBe(true);
    expect(reach([rule([{ port: 'http' }])], flow(client, web, 8080)).allowed).toBe(true);
    // The name must resolve to the queried port on the destination.
    expect(reach([rule([{ port: 'http' }])], flow(client, web, 9090)).allowed).toBe(false);
    expect(reach([rule([{ port: 'metrics' }])], flow(client, web, 8080)).allowed).toBe(false);
    // A named egress port never matches an address: it has no container ports.
    const out = np('app', 'out', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 'https' }] }],
    });
    expect(reach([out], flow(client, ip('203.0.113.1'), 443)).allowed).toBe(false);
  });
});

describe('workloads from manifests', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'app' },
    spec: {
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  };
  const cron = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly', namespace: 'app' },
    spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: 'nightly' } }, spec: {} } } } },
  };

  test('pod template labels and container ports are used', () => {
    const model = buildClusterModel([deployment, cron, { kind: 'ConfigMap', metadata: { name: 'x' } }]);
    expect(findWorkload(model, 'app', 'web')).toEqual(
      expect.objectContaining({
        kind: 'pod',
        namespace: 'app',
        labels: { app: 'web' },
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        name: 'Deployment app/web',
      }),
    );
    expect(findWorkload(model, 'app', 'nightly').labels).toEqual({ app: 'nightly' });
  });

  test('unknown workloads are reported with the known ones', () => {
    expect(() => findWorkload(buildClusterModel([deployment]), 'app', 'nope')).toThrow(
      'no workload app/nope in the manifests (workloads: app/web)',
    );
  });

  test('bad addresses are refused', () => {
    expect(() => evaluateFlow(buildClusterModel([]), flow(client, ip('300.1.1.1'), 443))).toThrow(
      "not an IP address or CIDR block: '300.1.1.1'",
    );
  });
});
