/**
 * RBAC equivalents (issue 13 item 4 and issue 14 item 2): every permission as dangerous as one the
 * risk list already refuses is flagged by the rbac pack and refused by the grant APIs, from the
 * one list in lib/rbac/risks.ts.
 */
import { AgentBaselineError } from '../../lib/core';
import { ApiGrant, GuardedBindingProps, createRoleBinding, ruleRisks } from '../../lib/rbac';
import { bot, fixture } from '../rbac/helpers';
import { EXIT, Obj, cliScan, findingsOf } from './helpers';

type RuleSpec = { apiGroups: string[]; resources: string[]; verbs: string[] };

const role = (rules: RuleSpec[], extra: Obj = {}): Obj => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name: 'r', namespace: 'agents' },
  rules,
  ...extra,
});

const R = (apiGroups: string[], resources: string[], verbs: string[]): RuleSpec => ({ apiGroups, resources, verbs });

// [case, rule, finding ID, message fragment]
const CASES: [string, RuleSpec, string, string][] = [
  [
    'update secrets',
    R([''], ['secrets'], ['update']),
    'RBAC-SecretWrite',
    'create, update, patch or deletecollection on secrets',
  ],
  ['patch secrets', R([''], ['secrets'], ['patch']), 'RBAC-SecretWrite', 'tampering with delivered credentials'],
  ['create secrets', R([''], ['secrets'], ['create']), 'RBAC-SecretWrite', 'planting a ServiceAccount token Secret'],
  ['deletecollection secrets', R([''], ['secrets'], ['deletecollection']), 'RBAC-SecretWrite', 'on secrets'],
  [
    'patch pods/ephemeralcontainers',
    R([''], ['pods/ephemeralcontainers'], ['patch']),
    'RBAC-PodExec',
    'an ephemeral debug container',
  ],
  ['update */ephemeralcontainers', R([''], ['*/ephemeralcontainers'], ['update']), 'RBAC-PodExec', 'ephemeral'],
  ['get pods/proxy', R([''], ['pods/proxy'], ['get']), 'RBAC-PodExec', 'pods/proxy'],
  ['create services/proxy', R([''], ['services/proxy'], ['create']), 'RBAC-PodExec', 'services/proxy'],
  ['get */proxy', R([''], ['*/proxy'], ['get']), 'RBAC-PodExec', 'code execution in, or reach into, other pods'],
  [
    'create webhooks',
    R(['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations'], ['create']),
    'RBAC-AdmissionWrite',
    'disables the guardrails',
  ],
  [
    'deletecollection VAP bindings',
    R(['admissionregistration.k8s.io'], ['validatingadmissionpolicybindings'], ['deletecollection']),
    'RBAC-AdmissionWrite',
    'admission',
  ],
  [
    'patch MutatingAdmissionPolicies',
    R(['admissionregistration.k8s.io'], ['mutatingadmissionpolicies'], ['patch']),
    'RBAC-AdmissionWrite',
    'admission',
  ],
  [
    'create Kyverno PolicyExceptions',
    R(['kyverno.io'], ['policyexceptions'], ['create']),
    'RBAC-AdmissionWrite',
    'Kyverno',
  ],
  [
    'delete Kyverno ClusterPolicies',
    R(['kyverno.io'], ['clusterpolicies'], ['delete']),
    'RBAC-AdmissionWrite',
    'Kyverno',
  ],
  [
    'update policies.kyverno.io anything',
    R(['policies.kyverno.io'], ['imagevalidatingpolicies'], ['update']),
    'RBAC-AdmissionWrite',
    'Kyverno',
  ],
  [
    'delete Sigstore ClusterImagePolicies',
    R(['policy.sigstore.dev'], ['clusterimagepolicies'], ['delete']),
    'RBAC-AdmissionWrite',
    'Sigstore',
  ],
  [
    'patch Gatekeeper constraints',
    R(['constraints.gatekeeper.sh'], ['k8sallowedrepos'], ['patch']),
    'RBAC-AdmissionWrite',
    'Gatekeeper',
  ],
  ['patch namespaces', R([''], ['namespaces'], ['patch']), 'RBAC-NamespaceWrite', 'rewrites the Pod Security labels'],
  ['update namespaces', R([''], ['namespaces'], ['update']), 'RBAC-NamespaceWrite', 'update or patch on namespaces'],
  [
    'create NetworkPolicies',
    R(['networking.k8s.io'], ['networkpolicies'], ['create']),
    'RBAC-NetworkPolicyWrite',
    'opens the network isolation',
  ],
  [
    'delete NetworkPolicies',
    R(['networking.k8s.io'], ['networkpolicies'], ['delete']),
    'RBAC-NetworkPolicyWrite',
    'NetworkPolicies',
  ],
  [
    'patch CiliumNetworkPolicies',
    R(['cilium.io'], ['ciliumnetworkpolicies'], ['patch']),
    'RBAC-NetworkPolicyWrite',
    'Cilium',
  ],
  [
    'update Istio AuthorizationPolicies',
    R(['security.istio.io'], ['authorizationpolicies'], ['update']),
    'RBAC-NetworkPolicyWrite',
    'Istio',
  ],
  [
    'patch deployments',
    R(['apps'], ['deployments'], ['patch']),
    'RBAC-CreateWorkloads',
    'create, update or patch on pods',
  ],
  ['update jobs', R(['batch'], ['jobs'], ['update']), 'RBAC-CreateWorkloads', 'runs arbitrary images'],
  [
    'patch extensions daemonsets',
    R(['extensions'], ['daemonsets'], ['patch']),
    'RBAC-CreateWorkloads',
    'runs arbitrary images',
  ],
  ['create persistentvolumes', R([''], ['persistentvolumes'], ['create']), 'RBAC-PersistentVolumeCreate', 'hostPath'],
];

describe('the rbac pack flags every equivalent permission', () => {
  it.each(CASES)('%s', (_name, rule, id, fragment) => {
    const set = [role([rule])];
    const got = findingsOf(set, id);
    expect(got).toEqual([expect.stringContaining('error rules[0]: rule 0 grants ')]);
    expect(got[0]).toContain(fragment);
    const cli = cliScan(set, { pack: ['rbac'] });
    expect(cli.code).toBe(EXIT.failing);
    expect(cli.out).toContain(id);
  });

  it.each([
    ['* verbs on secrets', R([''], ['secrets'], ['*']), ['RBAC-Wildcard', 'RBAC-SecretRead', 'RBAC-SecretWrite']],
    [
      '* resources in the core group',
      R([''], ['*'], ['patch']),
      ['RBAC-Wildcard', 'RBAC-SecretWrite', 'RBAC-PodExec', 'RBAC-NamespaceWrite', 'RBAC-CreateWorkloads'],
    ],
    [
      '* apiGroups on networkpolicies',
      R(['*'], ['networkpolicies'], ['create']),
      ['RBAC-Wildcard', 'RBAC-NetworkPolicyWrite'],
    ],
  ])('%s is a wildcard and every risk it covers', (_name, rule, ids) => {
    const found = new Set(ids.flatMap((id) => (findingsOf([role([rule])], id).length > 0 ? [id] : [])));
    expect([...found]).toEqual(ids);
  });

  it('delete on one named Secret and reads of harmless kinds stay allowed', () => {
    expect(ruleRisks(R([''], ['secrets'], ['delete']))).toEqual([]);
    expect(ruleRisks(R([''], ['namespaces'], ['get', 'list']))).toEqual([]);
    expect(ruleRisks(R(['networking.k8s.io'], ['networkpolicies'], ['get', 'list', 'watch']))).toEqual([]);
    expect(ruleRisks(R([''], ['pods/ephemeralcontainers'], ['get']))).toEqual([]);
  });
});

describe('aggregation is judged as unbounded', () => {
  it.each([
    [
      'a ClusterRole with an aggregationRule',
      { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: 'x' } }] } },
      {},
      'aggregationRule',
    ],
    [
      'a ClusterRole labelled aggregate-to-edit',
      {},
      { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' },
      'metadata.labels',
    ],
    [
      'a ClusterRole labelled with a custom aggregate-to-*',
      {},
      { 'example.com/aggregate-to-agents': 'true' },
      'metadata.labels',
    ],
  ])('%s', (_name, extra, labels, path) => {
    const cr: Obj = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'c', labels },
      rules: [R([''], ['configmaps'], ['get'])],
      ...extra,
    };
    expect(findingsOf([cr], 'RBAC-Aggregation')).toEqual([
      expect.stringMatching(
        new RegExp(`^error ${path.replace('.', '\\.')}: aggregated permissions: the rules are copied`),
      ),
    ]);
    expect(cliScan([cr], { pack: ['rbac'] }).code).toBe(EXIT.failing);
  });

  it.each(['system:aggregate-to-edit', 'system:aggregate-to-admin', 'system:aggregate-to-view'])(
    'a binding to %s',
    (name) => {
      const binding: Obj = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'b', namespace: 'agents' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [{ kind: 'Group', name: 'team' }],
      };
      expect(findingsOf([binding], 'RBAC-BroadRoleBinding')).toEqual([
        `error roleRef.name: binds ClusterRole ${name}: aggregated permissions: the rules are copied from (or into) other ClusterRoles by label, now and later, so they are unbounded`,
      ]);
    },
  );
});

describe('subjects that mean "many"', () => {
  const binding = (subject: Obj): Obj => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'b', namespace: 'agents' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    subjects: [subject],
  });
  it.each([
    [{ kind: 'Group', name: 'system:serviceaccounts' }, 'grants the permissions to everyone'],
    [{ kind: 'Group', name: 'system:serviceaccounts:agents' }, 'every ServiceAccount of the namespace'],
    [{ kind: 'Group', name: 'system:serviceaccounts:kube-system' }, 'every ServiceAccount of the namespace'],
    [{ kind: 'Group', name: 'system:nodes' }, 'grants the permissions to everyone'],
    [{ kind: 'User', name: 'system:serviceaccount:agents:bot' }, 'a ServiceAccount written as a User'],
    [{ kind: 'Group', name: 'system:serviceaccount:agents:bot' }, 'a ServiceAccount written as a User'],
  ])('%j', (subject, fragment) => {
    const got = findingsOf([binding(subject)], 'RBAC-RiskySubject');
    expect(got).toEqual([expect.stringContaining(`error subjects[0]: subject ${subject.kind} ${subject.name}: `)]);
    expect(got[0]).toContain(fragment);
    const cli = cliScan([binding(subject)], { pack: ['rbac'] });
    expect(cli.code).toBe(EXIT.failing);
  });
});

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AgentBaselineError);
    return (e as Error).message;
  }
  throw new Error('expected an AgentBaselineError, got none');
}

describe('the grant APIs refuse the same permissions, naming the construct path', () => {
  const grantable = CASES.filter(([, rule]) => rule.resources.every((r) => !r.includes('*')));
  it.each(grantable)('%s', (_name, rule, id, fragment) => {
    const { ns } = fixture();
    const grant: ApiGrant = {
      ...rule,
      clusterWide:
        ['namespaces', 'persistentvolumes'].some((r) => rule.resources.includes(r)) ||
        rule.apiGroups.some(
          (g) => g.includes('admissionregistration') || g.includes('policy.sigstore') || g.includes('gatekeeper'),
        ) ||
        (rule.apiGroups.includes('kyverno.io') && rule.resources.includes('clusterpolicies')),
    };
    const msg = messageOf(() => bot(ns, { apiGrants: [grant] }));
    expect(msg).toMatch(/^\[platform\/agents\/bot\] apiGrants\[0\]: invalid value /);
    const risk = ruleRisks(rule).find((r) => r.findingIds.includes(id));
    expect(risk).toBeDefined();
    expect(msg).toContain(`(risk: ${risk?.risk})`);
    expect(`${risk?.summary} ${risk?.risk}`).toContain(fragment.length > 0 ? fragment.split(' ')[0] : '');
  });

  it.each([
    [{ kind: 'Group' as const, name: 'system:serviceaccounts:agents' }, 'every ServiceAccount of the namespace'],
    [{ kind: 'User' as const, name: 'system:serviceaccount:agents:other' }, 'a ServiceAccount written as a User'],
    [{ kind: 'Group' as const, name: 'system:serviceaccounts' }, 'grants the permissions to everyone'],
  ])('a binding to %j', (subject, fragment) => {
    const { ns } = fixture();
    const props: GuardedBindingProps = { name: 'x', roleRef: { kind: 'Role', name: 'r' }, subjects: [subject] };
    const msg = messageOf(() => createRoleBinding(ns, 'B', props));
    expect(msg).toContain(`[platform/agents] binding.subjects[0].name: invalid value "${subject.name}" (risk: `);
    expect(msg).toContain(fragment);
  });

  it('a binding to a system:aggregate-to-* role', () => {
    const { ns } = fixture();
    const props: GuardedBindingProps = {
      name: 'x',
      roleRef: { kind: 'ClusterRole', name: 'system:aggregate-to-edit' },
      subjects: [{ kind: 'Group', name: 'team' }],
    };
    expect(messageOf(() => createRoleBinding(ns, 'B', props))).toContain(
      '[platform/agents] binding.roleRef.name: invalid value "system:aggregate-to-edit" (risk: aggregated permissions',
    );
  });
});
