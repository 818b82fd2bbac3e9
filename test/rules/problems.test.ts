import { SUPPRESSIONS_ANNOTATION } from '../../lib/core';
import {
  EXEMPTIONS,
  Finding,
  KubeObject,
  PathSegment,
  RuleInfo,
  fieldKey,
  fingerprints,
  mergeFindings,
  renderPath,
  runRules,
} from '../../lib/rules';

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

describe('mergeFindings groups as the per-field Map did', () => {
  // The grouping the engine had before the list-based one, kept as the reference.
  const RANK = { error: 0, warning: 1, info: 2 } as const;
  function reference(findings: readonly Finding[], rules: ReadonlyMap<string, RuleInfo>): string[][] {
    const groups = new Map<string, Finding[]>();
    for (const f of findings) {
      const key = fieldKey(f.container, f.pathSegments);
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const out: { severity: Finding['severity']; ids: string[]; message: string }[] = [];
    for (const group of groups.values()) {
      const byRule = new Map<string, Finding>();
      const extra: Finding[] = [];
      for (const f of group) {
        if (byRule.has(f.rule)) extra.push(f);
        else byRule.set(f.rule, f);
      }
      const members = [...byRule.values()].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
      out.push({ severity: members[0].severity, ids: members.map((m) => m.rule), message: members[0].message });
      for (const f of extra) out.push({ severity: f.severity, ids: [f.rule], message: f.message });
    }
    void rules;
    return out.sort((a, b) => RANK[a.severity] - RANK[b.severity]).map((p) => [p.message, ...p.ids]);
  }

  const PATHS: PathSegment[][] = [
    ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'seccompProfile', 'type'],
    ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'seccompProfile'],
    ['spec', 'containers', 1, 'securityContext', 'privileged'],
    ['spec', 'template', 'spec', 'hostPID'],
    ['spec', 'hostPID'],
    ['metadata', 'labels'],
  ];
  const SEVERITIES: Finding['severity'][] = ['warning', 'error', 'info'];
  const finding = (i: number): Finding => {
    const path = PATHS[(i * 7) % PATHS.length];
    return {
      rule: `R${i % 5}`,
      severity: SEVERITIES[(i * 3) % 3 === 0 ? i % 3 : (i + 1) % 3],
      message: `finding ${i}`,
      path: renderPath(path),
      pathSegments: path,
      fix: '',
      container: i % 4 === 0 ? undefined : 'api',
      suppressed: false,
      suppression: undefined,
      line: undefined,
    };
  };

  // Up to and past the list-based limit, so both ways of grouping are compared.
  test.each([2, 3, 5, 8, 13, 16, 17, 30])('%i findings', (n) => {
    const findings = Array.from({ length: n }, (_, i) => finding(i));
    const rules = new Map<string, RuleInfo>();
    expect(mergeFindings(findings, rules).map((p) => [p.message, ...p.rules])).toEqual(reference(findings, rules));
  });
});
