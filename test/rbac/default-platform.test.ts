import { SUPPRESSIONS_ANNOTATION } from '../../lib/core';
import { RBAC_ACKNOWLEDGEMENTS_ANNOTATION, roleRefRisk, ruleRisks, subjectRisk } from '../../lib/rbac';
import { runRules } from '../../lib/rules';
import { KubeObject, findObject, podSpecOf, synthDefaultPlatform } from '../helpers/synth';

const { objects } = synthDefaultPlatform();
const RBAC_KINDS = ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];
const rbac = objects.filter((o) => RBAC_KINDS.includes(o.kind));

describe('RBAC of the default platform', () => {
  test('emits exactly the tool-runner Role and the people roles', () => {
    expect(rbac.map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole -/agents-agent-auditor',
      'ClusterRoleBinding -/agents-agent-auditor',
      'Role agents/agent-auditor',
      'Role agents/agent-operator',
      'Role agents/agent-viewer',
      'Role agents/tool-runner-api',
      'RoleBinding agents/agent-auditor',
      'RoleBinding agents/agent-operator',
      'RoleBinding agents/agent-viewer',
      'RoleBinding agents/tool-runner-api',
    ]);
  });

  test('the tool-runner holds one narrow Role on batch/jobs, with the acknowledgement recorded', () => {
    const role = findObject(objects, 'Role', 'tool-runner-api', 'agents');
    expect(role.rules).toEqual([
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'watch'] },
    ]);
    const acks = JSON.parse(role.metadata.annotations?.[RBAC_ACKNOWLEDGEMENTS_ANNOTATION] ?? '[]');
    expect(acks).toEqual([
      {
        risk: 'workload-create',
        reason: expect.stringMatching(/.{10,}/),
        rule: role.rules && (role.rules as unknown[])[0],
      },
    ]);
    expect(JSON.parse(role.metadata.annotations?.[SUPPRESSIONS_ANNOTATION] ?? '[]')).toEqual([
      { rule: 'RBAC-CreateWorkloads', reason: acks[0].reason },
    ]);
    expect(findObject(objects, 'RoleBinding', 'tool-runner-api', 'agents').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'tool-runner', namespace: 'agents' },
    ]);
  });

  test('only the agent with grants gets an API token', () => {
    const tokens = (name: string) =>
      JSON.stringify((podSpecOf(findObject(objects, 'Deployment', name)) as KubeObject).volumes).includes(
        'https://kubernetes.default.svc',
      );
    expect(tokens('tool-runner')).toBe(true);
    expect(tokens('assistant')).toBe(false);
  });

  test('viewers, operators and auditors are bound to the example groups', () => {
    const subjects = (name: string) => findObject(objects, 'RoleBinding', name, 'agents').subjects;
    expect(subjects('agent-viewer')).toEqual([
      { kind: 'Group', name: 'agents-viewers', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
    expect(subjects('agent-operator')).toEqual([
      { kind: 'Group', name: 'agents-oncall', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
    expect(subjects('agent-auditor')).toEqual([
      { kind: 'Group', name: 'security-auditors', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
  });

  test('carries no refused permission except the acknowledged one, and no risky binding', () => {
    const risks = rbac.flatMap((o) =>
      ((o.rules as Parameters<typeof ruleRisks>[0][]) ?? []).flatMap((r) =>
        ruleRisks(r).map((k) => `${o.metadata.name}:${k.id}`),
      ),
    );
    expect(risks).toEqual(['tool-runner-api:workload-create', 'agent-operator:workload-create']);
    for (const b of rbac.filter((o) => o.kind.endsWith('Binding'))) {
      expect(roleRefRisk(b.roleRef as { kind: string; name: string })).toBeUndefined();
      for (const s of b.subjects as { kind: string; name: string }[]) expect(subjectRisk(s)).toBeUndefined();
    }
    expect(rbac.filter((o) => o.kind.startsWith('Cluster')).every((o) => o.metadata.namespace === undefined)).toBe(
      true,
    );
  });

  test('RBAC objects snapshot', () => {
    expect(rbac).toMatchSnapshot();
  });

  test('the rule engine finds nothing unsuppressed in the RBAC objects', () => {
    const report = runRules(objects);
    const rbacFindings = report.results.filter((r) => RBAC_KINDS.includes(r.kind)).flatMap((r) => r.findings);
    expect(rbacFindings.filter((f) => !f.suppressed)).toEqual([]);
    expect(rbacFindings.filter((f) => f.suppressed).map((f) => f.rule)).toEqual([
      'RBAC-CreateWorkloads',
      'RBAC-CreateWorkloads',
    ]);
  });
});
