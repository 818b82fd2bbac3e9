import { SUPPRESSIONS_ANNOTATION } from '../../lib/core';
import { EXEMPTIONS, KubeObject, fieldKey, fingerprints, runRules } from '../../lib/rules';

const seccompLess = (annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps', annotations },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx',
            securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    },
  },
});

const suppress = (...rules: string[]) => ({
  [SUPPRESSIONS_ANNOTATION]: JSON.stringify(
    rules.map((rule) => ({ rule, reason: 'accepted by the platform team for now' })),
  ),
});

function seccompProblem(object: KubeObject) {
  const r = runRules([object]).results[0];
  return { problem: r.problems.find((p) => p.rules.includes('HRD-SeccompRuntimeDefault')), result: r };
}

describe('one problem per field', () => {
  it('merges the PSS and hardening findings on seccompProfile into one, under the most severe rule', () => {
    const { problem, result } = seccompProblem(seccompLess());
    expect(problem?.rules).toEqual(['PSS-seccompProfile_restricted', 'HRD-SeccompRuntimeDefault']);
    expect(problem?.rule).toBe('PSS-seccompProfile_restricted');
    expect(problem?.severity).toBe('error');
    expect(problem?.peers.length).toBeGreaterThan(0);
    // The per-rule findings stay available; the summary counts problems.
    expect(result.findings.length).toBe(result.problems.length + 1);
  });

  it.each([
    ['the lesser-listed related rule only', ['HRD-SeccompRuntimeDefault'], false],
    ['the lead rule only (equal severity: both must be named)', ['PSS-seccompProfile_restricted'], false],
    ['both rules', ['PSS-seccompProfile_restricted', 'HRD-SeccompRuntimeDefault'], true],
  ])('suppressing %s', (_name, rules, suppressed) => {
    const { problem } = seccompProblem(seccompLess(suppress(...rules)));
    expect(problem?.suppressed).toBe(suppressed);
  });

  it('never lets a suppressed warning hide an error on the same field', () => {
    const { problem } = seccompProblem(seccompLess(suppress('HRD-SeccompRuntimeDefault')));
    expect(problem?.suppressed).toBe(false);
    expect(problem?.severity).toBe('error');
  });

  it.each([
    [
      undefined,
      ['spec', 'template', 'spec', 'securityContext', 'seccompProfile', 'type'],
      '\u0000spec.securityContext.seccompProfile',
    ],
    [
      'c',
      ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'seccompProfile'],
      'c\u0000containers.securityContext.seccompProfile',
    ],
    [
      'c',
      ['spec', 'containers', 2, 'securityContext', 'seccompProfile', 'type'],
      'c\u0000containers.securityContext.seccompProfile',
    ],
    [
      'd',
      ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'initContainers', 1, 'image'],
      'd\u0000initContainers.image',
    ],
  ])('field key of %s %j', (container, path, key) => {
    expect(fieldKey(container, path)).toBe(key);
  });
});

describe('known-necessary exemptions', () => {
  const binding = (over: Partial<Record<string, unknown>> = {}): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'metrics-server:auth-reader', namespace: 'kube-system' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'metrics-server', namespace: 'kube-system' }],
    ...over,
  });
  const namespaceProblem = (o: KubeObject) => runRules([o]).results[0].problems.find((p) => p.rule === 'HRD-Namespace');

  it('reports the auth-reader binding in kube-system as exempt, with the reason', () => {
    const p = namespaceProblem(binding());
    expect(p?.suppressed).toBe(true);
    expect(p?.suppression?.source).toBe('exemption');
    expect(p?.suppression?.reason).toMatch(/^exempt: aggregated API servers must bind/);
    expect(EXEMPTIONS.map((e) => e.rule)).toEqual(['HRD-Namespace']);
  });

  it.each([
    ['another role', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'admin' } }],
    [
      'a ClusterRole of that name',
      {
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'extension-apiserver-authentication-reader',
        },
      },
    ],
    ['a User subject', { subjects: [{ kind: 'User', name: 'alice' }] }],
    [
      'a Group among the subjects',
      {
        subjects: [
          { kind: 'ServiceAccount', name: 'm', namespace: 'kube-system' },
          { kind: 'Group', name: 'system:authenticated' },
        ],
      },
    ],
    ['no subjects', { subjects: [] }],
    ['the default namespace', { metadata: { name: 'x', namespace: 'default' } }],
  ])('does not exempt %s', (_name, over) => {
    expect(namespaceProblem(binding(over))?.suppressed).toBe(false);
  });
});

describe('fingerprints', () => {
  it('are unique per (rule, file, object, field) and stable across runs', () => {
    const objects = ['a.yaml', 'b.yaml'].map((file) => ({ object: seccompLess(), source: { file } }));
    const report = runRules(objects);
    const prints = [...fingerprints(report).values()];
    expect(new Set(prints).size).toBe(prints.length);
    expect([...fingerprints(runRules(objects)).values()]).toEqual(prints);
  });
});
