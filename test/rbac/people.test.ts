import { AgentBaselineError } from '../../lib/core';
import { AgentPeopleAccess, PEOPLE_ROLES, PeopleRule, peopleRoleRules, ruleRisks } from '../../lib/rbac';
import { KubeObject, appObjects, findObject } from '../helpers/synth';
import { fixture } from './helpers';

const RBAC_LABELS = {
  'app.kubernetes.io/component': 'rbac',
  'app.kubernetes.io/managed-by': 'agent-baseline',
  'app.kubernetes.io/part-of': 'agents',
};
const ALL_ENGINES = { cni: 'cilium', mesh: 'istio', imagePolicyEngines: ['vap', 'kyverno', 'sigstore'] } as const;

function settingsOf(props: Parameters<typeof fixture>[0] = {}) {
  return fixture(props).platform.settings;
}

function grants(rules: PeopleRule[], apiGroup: string, resource: string, verb: string): boolean {
  return rules.some((r) => r.apiGroups.includes(apiGroup) && r.resources.includes(resource) && r.verbs.includes(verb));
}

describe('people roles', () => {
  const settings = settingsOf(ALL_ENGINES);

  test.each(PEOPLE_ROLES)('%s never touches secrets and carries no refused permission', (role) => {
    const rules = peopleRoleRules(role, settings);
    const all = [...rules.namespaced, ...rules.cluster];
    expect(all.flatMap((r) => r.resources).filter((r) => r.startsWith('secrets'))).toEqual([]);
    expect(all.flatMap((r) => ruleRisks(r)).filter((r) => !r.acknowledgeable)).toEqual([]);
    // The one acknowledgeable risk a people role carries: the operator's patch on Deployments
    // (rollout restart), which is as strong as creating workloads and so recorded with its reason.
    expect(all.flatMap((r) => ruleRisks(r)).map((r) => r.id)).toEqual(role === 'operator' ? ['workload-create'] : []);
    expect(all.flatMap((r) => [...r.verbs, ...r.resources, ...r.apiGroups]).some((v) => v.includes('*'))).toBe(false);
  });

  test('viewer reads workloads and events, and nothing else', () => {
    const { namespaced, cluster } = peopleRoleRules('viewer', settings);
    expect(cluster).toEqual([]);
    expect([...new Set(namespaced.flatMap((r) => r.verbs))]).toEqual(['get', 'list', 'watch']);
    for (const [group, resource] of [
      ['apps', 'deployments'],
      ['', 'pods'],
      ['batch', 'jobs'],
      ['', 'events'],
      ['events.k8s.io', 'events'],
    ]) {
      expect(grants(namespaced, group, resource, 'list')).toBe(true);
    }
    expect(grants(namespaced, '', 'pods/log', 'get')).toBe(false);
  });

  test('operator scales, restarts and reads logs', () => {
    const { namespaced, cluster } = peopleRoleRules('operator', settings);
    expect(cluster).toEqual([]);
    expect(grants(namespaced, 'apps', 'deployments/scale', 'patch')).toBe(true);
    expect(grants(namespaced, 'apps', 'deployments/scale', 'update')).toBe(true);
    expect(grants(namespaced, 'apps', 'deployments', 'patch')).toBe(true);
    expect(grants(namespaced, '', 'pods/log', 'get')).toBe(true);
    expect(grants(namespaced, '', 'pods', 'list')).toBe(true);
    for (const verb of ['create', 'delete', 'update'])
      expect(grants(namespaced, 'apps', 'deployments', verb)).toBe(false);
    expect(grants(namespaced, '', 'pods', 'delete')).toBe(false);
  });

  test('auditor reads RBAC, policies and events; cluster-scoped kinds only in its ClusterRole', () => {
    const { namespaced, cluster } = peopleRoleRules('auditor', settings);
    expect([...new Set([...namespaced, ...cluster].flatMap((r) => r.verbs))]).toEqual(['get', 'list', 'watch']);
    for (const resource of ['roles', 'rolebindings'])
      expect(grants(namespaced, 'rbac.authorization.k8s.io', resource, 'list')).toBe(true);
    for (const resource of ['clusterroles', 'clusterrolebindings'])
      expect(grants(cluster, 'rbac.authorization.k8s.io', resource, 'list')).toBe(true);
    expect(grants(namespaced, 'networking.k8s.io', 'networkpolicies', 'list')).toBe(true);
    for (const resource of [
      'validatingadmissionpolicies',
      'validatingadmissionpolicybindings',
      'validatingwebhookconfigurations',
      'mutatingwebhookconfigurations',
    ]) {
      expect(grants(cluster, 'admissionregistration.k8s.io', resource, 'list')).toBe(true);
    }
    expect(grants(namespaced, '', 'events', 'list')).toBe(true);
    expect(grants(namespaced, 'cilium.io', 'ciliumnetworkpolicies', 'list')).toBe(true);
    expect(grants(namespaced, 'security.istio.io', 'authorizationpolicies', 'list')).toBe(true);
    expect(grants(cluster, 'kyverno.io', 'clusterpolicies', 'list')).toBe(true);
    expect(grants(cluster, 'policy.sigstore.dev', 'clusterimagepolicies', 'list')).toBe(true);
    // The ClusterRoleBinding must grant no namespaced data: only cluster-scoped kinds go in the ClusterRole.
    const namespacedKinds = ['roles', 'rolebindings', 'networkpolicies', 'events', 'secrets', 'pods', 'configmaps'];
    expect(cluster.flatMap((r) => r.resources).filter((r) => namespacedKinds.includes(r))).toEqual([]);
  });

  test('auditor rules follow the installed engines', () => {
    const plain = peopleRoleRules('auditor', settingsOf({ imagePolicyEngines: ['vap'] }));
    const groups = [...plain.namespaced, ...plain.cluster].flatMap((r) => r.apiGroups);
    expect(groups.filter((g) => /cilium|istio|kyverno|sigstore/.test(g))).toEqual([]);
  });

  test('roles are bound to the named groups and users; unheld roles are not emitted', () => {
    const { app, ns } = fixture();
    new AgentPeopleAccess(ns, 'people', { viewers: { groups: ['agents-viewers'], users: ['alice@example.com'] } });
    const objects = appObjects(app);
    const rbac = objects.filter((o) => ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
    expect(rbac.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Role/agent-viewer', 'RoleBinding/agent-viewer']);
    expect(findObject(objects, 'RoleBinding', 'agent-viewer')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'agent-viewer', namespace: 'agents', labels: RBAC_LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'agent-viewer' },
      subjects: [
        { kind: 'Group', name: 'agents-viewers', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'User', name: 'alice@example.com', apiGroup: 'rbac.authorization.k8s.io' },
      ],
    });
  });

  test('the auditor ClusterRole and ClusterRoleBinding are cluster-scoped and named per namespace', () => {
    const { ns, platform } = fixture({ imagePolicyEngines: ['vap'] });
    new AgentPeopleAccess(ns, 'people', { auditors: { groups: ['security-auditors'] } });
    const objects = platform.toJson() as KubeObject[];
    expect(findObject(objects, 'ClusterRole', 'agents-agent-auditor')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'agents-agent-auditor', labels: RBAC_LABELS },
      rules: [
        {
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['clusterroles', 'clusterrolebindings'],
          verbs: ['get', 'list', 'watch'],
        },
        {
          apiGroups: ['admissionregistration.k8s.io'],
          resources: [
            'validatingadmissionpolicies',
            'validatingadmissionpolicybindings',
            'validatingwebhookconfigurations',
            'mutatingwebhookconfigurations',
          ],
          verbs: ['get', 'list', 'watch'],
        },
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    expect(findObject(objects, 'ClusterRoleBinding', 'agents-agent-auditor')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'agents-agent-auditor', labels: RBAC_LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'agents-agent-auditor' },
      subjects: [{ kind: 'Group', name: 'security-auditors', apiGroup: 'rbac.authorization.k8s.io' }],
    });
  });

  test.each([
    [
      'system:authenticated',
      'viewers.groups[0]: invalid value "system:authenticated" (risk: grants the permissions to everyone, or to identities that bypass RBAC)',
    ],
    [
      'system:unauthenticated',
      'viewers.groups[0]: invalid value "system:unauthenticated" (risk: grants the permissions to everyone',
    ],
    [
      'system:anonymous',
      'viewers.groups[0]: invalid value "system:anonymous" (risk: grants the permissions to everyone',
    ],
    ['system:masters', 'viewers.groups[0]: invalid value "system:masters" (risk: grants the permissions to everyone'],
    [
      'system:serviceaccounts',
      'viewers.groups[0]: invalid value "system:serviceaccounts" (risk: grants the permissions to everyone, or to identities that bypass RBAC)',
    ],
    [
      'system:serviceaccounts:agents',
      'viewers.groups[0]: invalid value "system:serviceaccounts:agents" (system: identities are assigned by Kubernetes to whole classes of clients, not to people)',
    ],
    ['', 'viewers.groups[0]: invalid value "". Allowed: a non-empty string'],
  ])('refuses the group %j', (group, fragment) => {
    const run = () => new AgentPeopleAccess(fixture().ns, 'people', { viewers: { groups: [group] } });
    expect(run).toThrow(AgentBaselineError);
    expect(run).toThrow(`[platform/agents/people] ${fragment}`);
  });

  test('refuses a user listed twice', () => {
    const { ns } = fixture();
    expect(() => new AgentPeopleAccess(ns, 'people', { operators: { users: ['bob', 'bob'] } })).toThrow(
      '[platform/agents/people] operators: invalid value "bob". Allowed: each group and user listed once',
    );
  });

  test('refuses a system: user', () => {
    const { ns } = fixture();
    expect(
      () => new AgentPeopleAccess(ns, 'people', { auditors: { users: ['system:kube-controller-manager'] } }),
    ).toThrow(
      '[platform/agents/people] auditors.users[0]: invalid value "system:kube-controller-manager" (system: identities',
    );
  });
});
