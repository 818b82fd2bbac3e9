import { describeIdentity, isClusterScopedKind, objectIdentity } from '../../lib/core/object-identity';
import { BUILT_IN_KINDS, isClusterScoped } from '../../lib/pulumi/kinds';
import { KubeObject, runRules } from '../../lib/rules';
import { Obj, find, findings, findingsOf, goodSet } from './helpers';

const RULE = 'HRD-DuplicateObject';

/** The base set with `extra` appended: what an attacker adds beside the construct's objects. */
function withAdded(...extra: Obj[]): Obj[] {
  return [...goodSet(), ...extra];
}

const copy = (o: Obj): Obj => JSON.parse(JSON.stringify(o)) as Obj;

/** A NetworkPolicy of the given name and API version that selects no pod of the set. */
function inertPolicy(name: string, apiVersion = 'networking.k8s.io/v1', namespace = 'agents'): Obj {
  return {
    apiVersion,
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nothing' } }, policyTypes: ['Ingress'] },
  };
}

describe('objectIdentity: one key per object the API server stores', () => {
  it.each([
    ['core namespaced', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'a' } }, '/Secret/a/s'],
    ['no namespace written', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, '/Secret//s'],
    [
      'cluster-scoped, namespace written and ignored',
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r', namespace: 'x' } },
      'rbac.authorization.k8s.io/ClusterRole//r',
    ],
    [
      'removed version: the replacement group',
      { apiVersion: 'extensions/v1beta1', kind: 'Deployment', metadata: { name: 'd', namespace: 'a' } },
      'apps/Deployment/a/d',
    ],
    [
      'removed version of a cluster-scoped kind',
      { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kind: 'ClusterRoleBinding', metadata: { name: 'b' } },
      'rbac.authorization.k8s.io/ClusterRoleBinding//b',
    ],
    [
      'a Gatekeeper constraint (every kind of its group is cluster-scoped)',
      {
        apiVersion: 'constraints.gatekeeper.sh/v1beta1',
        kind: 'K8sAllowedRepos',
        metadata: { name: 'c', namespace: 'a' },
      },
      'constraints.gatekeeper.sh/K8sAllowedRepos//c',
    ],
    [
      'a namespaced custom kind',
      { apiVersion: 'kyverno.io/v1', kind: 'Policy', metadata: { name: 'p', namespace: 'a' } },
      'kyverno.io/Policy/a/p',
    ],
  ])('%s', (_what, object, key) => {
    expect(objectIdentity(object)?.key).toBe(key);
  });

  it.each([
    ['generateName only', { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'p-' } }],
    ['empty name', { apiVersion: 'v1', kind: 'Pod', metadata: { name: '' } }],
    ['no kind', { apiVersion: 'v1', metadata: { name: 'p' } }],
    ['no apiVersion', { kind: 'Pod', metadata: { name: 'p' } }],
    ['a name that is not a string', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 7 } }],
  ])('names no object: %s', (_what, object) => {
    expect(objectIdentity(object)).toBeUndefined();
  });

  it('names objects as messages show them', () => {
    const namespaced = objectIdentity({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'a' } });
    const cluster = objectIdentity({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', namespace: 'x' } });
    expect([namespaced, cluster].map((i) => i && describeIdentity(i))).toEqual(['Secret a/s', 'Namespace a']);
  });

  it('is the list the Pulumi path strips namespaces by (one source of truth)', () => {
    for (const key of Object.keys(BUILT_IN_KINDS)) {
      const [apiVersion, kind] = [key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1)];
      const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
      expect(isClusterScoped(apiVersion, kind)).toBe(isClusterScopedKind(group, kind));
    }
    expect(isClusterScoped('v1', 'Namespace')).toBe(true);
    expect(isClusterScoped('gateway.networking.k8s.io/v1', 'GatewayClass')).toBe(true);
    expect(isClusterScoped('networking.k8s.io/v1', 'NetworkPolicy')).toBe(false);
  });
});

describe('HRD-DuplicateObject: a second declaration of an object is what the cluster keeps', () => {
  it.each([
    [
      'a default-deny that selects nothing',
      () => withAdded(inertPolicy('default-deny')),
      'NetworkPolicy agents/default-deny',
    ],
    [
      'the same, under the removed extensions/v1beta1 version',
      () => withAdded(inertPolicy('default-deny', 'extensions/v1beta1')),
      'NetworkPolicy agents/default-deny',
    ],
    [
      "the image policy's binding matching no namespace, with a namespace written on the cluster-scoped kind",
      () => {
        const set = goodSet();
        const binding = copy(find(set, 'ValidatingAdmissionPolicyBinding', 'agent-images'));
        binding.metadata.namespace = 'agents';
        binding.spec.matchResources.namespaceSelector.matchLabels['agent-baseline.io/agent-namespace'] = 'never';
        return [...set, binding];
      },
      'ValidatingAdmissionPolicyBinding agent-images',
    ],
    [
      'the agent Namespace again without its Pod Security labels',
      () => withAdded({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'agents' } }),
      'Namespace agents',
    ],
    [
      'the agent ServiceAccount with its token mounted, declared before the original: the original is then the second',
      () => {
        const set = goodSet();
        const account = copy(find(set, 'ServiceAccount', 'agent'));
        account.automountServiceAccountToken = true;
        return [account, ...set];
      },
      'ServiceAccount agents/agent',
    ],
  ])('%s', (_what, build, object) => {
    const set = build();
    const got = findingsOf(set, RULE);
    expect(got).toEqual([
      `error metadata.name: ${object} is declared 2 times with different content and this is the second: applied together, the last replaces the others, so the cluster keeps one of them while the other rules judged each`,
    ]);
  });

  it('a namespace-less default-deny is the same object as the namespaced one (it lands where it is applied)', () => {
    const unplaced = inertPolicy('default-deny');
    delete unplaced.metadata.namespace;
    expect(findingsOf(withAdded(unplaced), RULE)).toEqual([
      'error metadata.name: NetworkPolicy agents/default-deny is declared 2 times with different content and this is the second: applied together, the last replaces the others, so the cluster keeps one of them while the other rules judged each',
    ]);
  });

  it('a namespace-less declaration is judged against each namespace, not the namespaces against each other', () => {
    const config = (data: string, namespace?: string): Obj => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', ...(namespace ? { namespace } : {}) },
      data: { value: data },
    });
    const set = [config('none'), config('a', 'team-a'), config('b', 'team-b')];
    const flagged = runRules(set as KubeObject[], { now: new Date('2026-01-01') })
      .results.filter((r) => r.findings.some((f) => f.rule === RULE))
      .map((r) => r.namespace);
    expect(flagged).toEqual(['team-a', 'team-b']);
    expect(findingsOf([config('a', 'team-a'), config('b', 'team-b')], RULE)).toEqual([]);
  });

  it('reports every declaration after the first, by its place', () => {
    const set = withAdded(inertPolicy('default-deny'), inertPolicy('default-deny', 'extensions/v1beta1'));
    expect(findingsOf(set, RULE).map((m) => /this is the (\w+)/.exec(m)?.[1])).toEqual(['second', 'third']);
  });

  it.each([
    ['an identical copy', () => withAdded(copy(find(goodSet(), 'NetworkPolicy', 'default-deny')))],
    [
      'a namespace-less copy that is otherwise identical',
      () => {
        const unplaced = copy(find(goodSet(), 'NetworkPolicy', 'default-deny'));
        delete unplaced.metadata.namespace;
        return withAdded(unplaced);
      },
    ],
    ['the same name in another namespace', () => withAdded(inertPolicy('default-deny', undefined, 'other'))],
    ['the same name under another kind', () => withAdded({ ...inertPolicy('default-deny'), kind: 'ConfigMapX' })],
    ['objects without a name', () => withAdded({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'p-' } })],
  ])('passes %s', (_what, build) => {
    expect(findingsOf(build(), RULE)).toEqual([]);
  });

  it('the redeclared default-deny breaks no other rule: this one is what catches it', () => {
    const set = withAdded(inertPolicy('default-deny'));
    expect(findings(set).map((f) => f.rule)).toEqual([RULE]);
  });
});
