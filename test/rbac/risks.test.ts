import { RBAC_RULE_RISKS, roleRefRisk, ruleRisks, subjectRisk } from '../../lib/rbac';

const ids = (rule: Parameters<typeof ruleRisks>[0]) => ruleRisks(rule).map((r) => r.id);

describe('the risk list', () => {
  test('has unique IDs, each with a risk and a rule-engine finding', () => {
    expect(new Set(RBAC_RULE_RISKS.map((r) => r.id)).size).toBe(RBAC_RULE_RISKS.length);
    for (const risk of RBAC_RULE_RISKS) {
      expect(risk.risk.length).toBeGreaterThan(10);
      expect(risk.findingIds.length).toBeGreaterThan(0);
    }
    expect(RBAC_RULE_RISKS.filter((r) => r.acknowledgeable).map((r) => r.id)).toEqual(['workload-create']);
  });

  test('matches the way the API server does', () => {
    expect(ids({ apiGroups: [''], resources: ['secrets'], verbs: ['list'] })).toEqual(['secret-read']);
    expect(ids({ apiGroups: ['example.com'], resources: ['secrets'], verbs: ['list'] })).toEqual([]);
    expect(ids({ apiGroups: [''], resources: ['secrets'], verbs: ['delete'] })).toEqual([]);
    expect(ids({ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list'] })).toEqual([]);
    expect(ids({ apiGroups: [''], resources: ['*/exec'], verbs: ['get'] })).toEqual(['wildcard', 'pod-exec']);
    expect(ids({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] })).toEqual([
      'wildcard',
      ...RBAC_RULE_RISKS.map((r) => r.id),
    ]);
    // '*' verbs are refused as a wildcard; what they grant depends on the resource, as in the API server.
    expect(ids({ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] })).toEqual(['wildcard']);
    expect(ids({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['*'] })).toEqual([
      'wildcard',
      'escalate-bind',
      'rbac-write',
    ]);
    expect(ids({ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['*'] })).toEqual(['wildcard', 'impersonate']);
    expect(ids({ apiGroups: ['certificates.k8s.io'], resources: ['signers'], verbs: ['*'] })).toEqual([
      'wildcard',
      'csr-approval',
      'approve-verbs',
    ]);
  });

  test('flags broad subjects and ClusterRoles', () => {
    expect(subjectRisk({ kind: 'Group', name: 'system:masters' })).toMatch(/everyone/);
    expect(subjectRisk({ kind: 'ServiceAccount', name: 'default', namespace: 'agents' })).toMatch(
      /default ServiceAccount/,
    );
    expect(subjectRisk({ kind: 'Group', name: 'agents-oncall' })).toBeUndefined();
    expect(roleRefRisk({ kind: 'ClusterRole', name: 'edit' })).toMatch(/broad write access/);
    expect(roleRefRisk({ kind: 'Role', name: 'edit' })).toBeUndefined();
  });
});
