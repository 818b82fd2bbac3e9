/**
 * Weakening is never silent. A generated platform gets random raw changes after construction: JSON
 * patches on its objects, objects added in sibling charts, baseline pieces removed, suppressions.
 * A change is a weakening when the Pod Security evaluator, the RBAC risk list or the reachability
 * evaluator allows strictly more afterwards. Every weakening must either fail synth naming a
 * construct path, or show up as a suppressed finding with a readable reason.
 */
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import fc from 'fast-check';
import { reasonProblem } from '../../lib/core';
import { buildClusterModel, evaluateFlow } from '../../lib/network';
import { resolveApp } from '../../lib/platform';
import { Suppressions } from '../../lib/platform/suppressions';
import { roleRefRisk, ruleRisks, subjectRisk } from '../../lib/rbac';
import { KubeObject, runRules } from '../../lib/rules';
import { HardenedAgent } from '../../lib/workload';
import { NUM_RUNS } from './arbitraries';
import { buildScenario, scenario } from './scenario';

/** Small by default (each run synthesizes a platform twice); `npm run test:deep` raises it. */
const RUNS = process.env.FC_NUM_RUNS ? NUM_RUNS : 15;

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const key = (o: KubeObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** What the three evaluators allow, as comparable sets of strings. */
function allowed(objects: readonly KubeObject[], agents: readonly HardenedAgent[]): Set<string> {
  const out = new Set<string>();
  // Pod Security: every restricted-profile violation (suppressed or not) is something now allowed.
  for (const r of runRules(objects, { packs: ['pss-restricted'] }).results)
    for (const f of r.findings) out.add(`pss ${f.rule} ${r.kind}/${r.namespace}/${r.name} ${f.path}`);
  // RBAC: the shared risk list over every rule, subject and role reference.
  for (const o of objects) {
    if (o.kind === 'Role' || o.kind === 'ClusterRole')
      for (const rule of arr(o.rules))
        for (const risk of ruleRisks(rec(rule) as never)) out.add(`rbac ${key(o)} ${risk.id}`);
    if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
      for (const s of arr(o.subjects)) {
        const r = subjectRisk(rec(s) as never);
        if (r) out.add(`rbac ${key(o)} subject ${JSON.stringify(s)} ${r}`);
      }
      const r = roleRefRisk(rec(o.roleRef) as never);
      if (r) out.add(`rbac ${key(o)} roleRef ${r}`);
      // A binding of any role to an agent's ServiceAccount gives that agent more.
      for (const s of arr(o.subjects).map(rec))
        if (s.kind === 'ServiceAccount' && agents.some((a) => a.serviceAccountName === s.name))
          out.add(`rbac ${key(o)} binds ${String(s.namespace)}/${String(s.name)} to ${JSON.stringify(o.roleRef)}`);
    }
  }
  // Reachability: agents to each other, to outside addresses, and from a pod of another namespace.
  const model = buildClusterModel(objects);
  const pods = agents.map((a) => ({ kind: 'pod' as const, namespace: a.namespace.name, labels: a.selectorLabels }));
  const outside = ['8.8.8.8', '169.254.169.254', '10.0.0.5'].map((address) => ({ kind: 'address' as const, address }));
  const stranger = { kind: 'pod' as const, namespace: 'stranger', labels: { app: 'stranger' } };
  const flows = pods.flatMap((from, i) => [
    ...pods.flatMap((to, j) => (i === j ? [] : [443, 8080].map((port) => ({ from, to, port })))),
    ...outside.flatMap((to) => [80, 443, 5432].map((port) => ({ from, to, port }))),
    ...[443, 8080].map((port) => ({ from: stranger, to: from, port })),
  ]);
  for (const q of flows)
    if (evaluateFlow(model, q).allowed) out.add(`reach ${JSON.stringify(q.from)} -> ${JSON.stringify(q.to)}:${q.port}`);
  return out;
}

interface Change {
  readonly what: string;
  readonly apply: (app: App, agents: readonly HardenedAgent[], i: number) => void;
}

const patch = (what: string, ...ops: JsonPatch[]): Change => ({
  what,
  apply: (_, agents, i) => agents[i].escapeHatch().addJsonPatch(...ops),
});
const sibling = (what: string, make: (a: HardenedAgent) => Json[]): Change => ({
  what,
  apply: (app, agents, i) => {
    const chart = new Chart(app, `sibling-${app.node.children.length}`);
    make(agents[i]).forEach((body, n) => new ApiObject(chart, `o${n}`, body as never));
  },
});
const C0 = '/spec/template/spec/containers/0';

const changes: readonly Change[] = [
  patch('hostNetwork', JsonPatch.add('/spec/template/spec/hostNetwork', true)),
  patch('hostPID', JsonPatch.add('/spec/template/spec/hostPID', true)),
  patch('privileged', JsonPatch.add(`${C0}/securityContext/privileged`, true)),
  patch('SYS_ADMIN', JsonPatch.add(`${C0}/securityContext/capabilities/add`, ['SYS_ADMIN'])),
  patch('runAsUser 0', JsonPatch.add(`${C0}/securityContext/runAsUser`, 0)),
  patch('allowPrivilegeEscalation', JsonPatch.replace(`${C0}/securityContext/allowPrivilegeEscalation`, true)),
  patch(
    'seccomp Unconfined',
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'Unconfined' }),
  ),
  patch('hostPath', JsonPatch.add('/spec/template/spec/volumes/-', { name: 'host', hostPath: { path: '/' } })),
  patch('nodeName', JsonPatch.add('/spec/template/spec/nodeName', 'control-plane-0')),
  patch('shareProcessNamespace', JsonPatch.add('/spec/template/spec/shareProcessNamespace', true)),
  {
    what: 'vault agent image',
    apply: (_, agents, i) => {
      const d = agents[i].escapeHatch();
      const has = rec(rec(rec(rec(d.toJson()).spec).template).metadata).annotations !== undefined;
      d.addJsonPatch(
        has
          ? JsonPatch.add('/spec/template/metadata/annotations/vault.hashicorp.com~1agent-image', 'evil.io/v:1')
          : JsonPatch.add('/spec/template/metadata/annotations', { 'vault.hashicorp.com/agent-image': 'evil.io/v:1' }),
      );
    },
  },
  patch('image swap', JsonPatch.replace(`${C0}/image`, 'quay.io/evil/x:1')),
  sibling('privileged pod beside the agents', (a) => [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'miner', namespace: a.namespace.name },
      spec: { containers: [{ name: 'm', image: 'quay.io/x/m:1', securityContext: { privileged: true } }] },
    },
  ]),
  sibling('secrets read bound to the agent', (a) => [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'extra', namespace: a.namespace.name },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'extra', namespace: a.namespace.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extra' },
      subjects: [{ kind: 'ServiceAccount', name: a.serviceAccountName, namespace: a.namespace.name }],
    },
  ]),
  sibling('cluster-admin for the agent', (a) => [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'oops' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: a.serviceAccountName, namespace: a.namespace.name }],
    },
  ]),
  sibling('allow-all ingress policy beside the agents', (a) => [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-all', namespace: a.namespace.name },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
    },
  ]),
  sibling('allow-all egress policy beside the agents', (a) => [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-out', namespace: a.namespace.name },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] },
    },
  ]),
  sibling('egress to another pod on 8080 beside the agent policy', (a) => [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'extra-egress', namespace: a.namespace.name },
      spec: {
        podSelector: { matchLabels: a.selectorLabels },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'b' } } }], ports: [{ port: 8080 }] }],
      },
    },
  ]),
  {
    what: "egress to anywhere patched into the agent's policy",
    apply: (_, agents, i) => agents[i].network.networkPolicy.addJsonPatch(JsonPatch.add('/spec/egress/-', {})),
  },
  {
    what: 'default-deny patched to ingress only',
    apply: (_, agents, i) =>
      (agents[i].namespace.node.findChild('DefaultDeny') as ApiObject).addJsonPatch(
        JsonPatch.replace('/spec/policyTypes', ['Ingress']),
      ),
  },
  {
    what: 'default-deny removed',
    apply: (_, agents, i) => void agents[i].namespace.node.tryRemoveChild('DefaultDeny'),
  },
  {
    what: "the agent's NetworkPolicy removed",
    apply: (_, agents, i) => void agents[i].network.node.tryRemoveChild('NetworkPolicy'),
  },
  {
    what: 'privileged with a suppression and a reason',
    apply: (_, agents, i) => {
      agents[i].escapeHatch().addJsonPatch(JsonPatch.add(`${C0}/securityContext/privileged`, true));
      Suppressions.add(agents[i].escapeHatch(), [
        { rule: 'PSS-privileged', reason: 'GPU driver debugging, ticket SEC-42' },
        { rule: 'PSS-privileged_restricted', reason: 'GPU driver debugging, ticket SEC-42' },
      ]);
    },
  },
  // Not weakenings: they must pass unnoticed.
  patch('a label', JsonPatch.add('/metadata/labels/team', 'search')),
  patch('fewer replicas', JsonPatch.replace('/spec/replicas', 1)),
];

function objectsOf(app: App): KubeObject[] {
  return resolveApp(app.node.findAll()).map((r) => r.object);
}

describe('weakening is never silent', () => {
  it('every weakening fails synth with a construct path, or is a suppressed finding with its reason', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.tuple(fc.nat({ max: changes.length - 1 }), fc.nat()), { minLength: 1, maxLength: 3 }),
        (s, picks) => {
          const app = Testing.app();
          const agents = buildScenario(app, s);
          const before = allowed(objectsOf(app), agents);
          for (const [c, a] of picks) changes[c].apply(app, agents, a % agents.length);
          picks.forEach(([c]) => seen.add(changes[c].what));
          let message: string | undefined;
          try {
            app.synth();
          } catch (e) {
            message = (e as Error).message;
          }
          const objects = objectsOf(app);
          const gained = [...allowed(objects, agents)].filter((x) => !before.has(x));
          if (message !== undefined) {
            // Refused: the message names a construct path.
            expect(message).toMatch(/\[(platform|sibling-\d+)(\/[^\]]*)?\] /);
            return;
          }
          if (gained.length === 0) return;
          // Accepted although something is allowed now: each gain must be a suppressed PSS finding with a readable reason.
          const report = runRules(objects);
          for (const g of gained) {
            const [kind, rule, where, path] = g.split(' ');
            expect({ gained: g, kind }).toEqual({ gained: g, kind: 'pss' });
            const finding = report.results
              .filter((r) => `${r.kind}/${r.namespace}/${r.name}` === where)
              .flatMap((r) => r.findings)
              .find((f) => f.rule === rule && f.path === path);
            expect(finding).toMatchObject({ suppressed: true });
            expect(reasonProblem(finding?.suppression?.reason)).toBeUndefined();
          }
        },
      ),
      { numRuns: RUNS, seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined },
    );
    expect(seen.size).toBeGreaterThan(0);
  });

  it.each(changes.map((c) => [c.what, c] as const))('%s alone, on a fixed platform', (_, change) => {
    const s = fc.sample(scenario, { numRuns: 1, seed: 7 })[0];
    const app = Testing.app();
    const agents = buildScenario(app, s);
    const before = allowed(objectsOf(app), agents);
    change.apply(app, agents, 0);
    let message: string | undefined;
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    const gained = [...allowed(objectsOf(app), agents)].filter((x) => !before.has(x));
    if (gained.length > 0 && message === undefined) for (const g of gained) expect(g.startsWith('pss ')).toBe(true);
    if (message !== undefined) expect(message).toMatch(/\[(platform|sibling-\d+)(\/[^\]]*)?\] /);
    if (change.what === 'a label' || change.what === 'fewer replicas') expect(message).toBeUndefined();
  });
});
