import { AgentBaselineError, SUPPRESSIONS_ANNOTATION } from '../../lib/core';
import { API_TOKEN_VOLUME, ApiGrant, RBAC_ACKNOWLEDGEMENTS_ANNOTATION } from '../../lib/rbac';
import { KubeObject, appObjects, findObject, podSpecOf } from '../helpers/synth';
import { bot, fixture } from './helpers';

const AGENT_LABELS = {
  'app.kubernetes.io/component': 'agent',
  'app.kubernetes.io/instance': 'bot',
  'app.kubernetes.io/managed-by': 'agent-baseline',
  'app.kubernetes.io/name': 'bot',
  'app.kubernetes.io/part-of': 'agents',
};
const READ_CONFIGMAPS: ApiGrant = { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] };
const RBAC_KINDS = ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];

function rbacObjects(objects: KubeObject[]): KubeObject[] {
  return objects.filter((o) => RBAC_KINDS.includes(o.kind));
}

describe('agent API access', () => {
  test('an agent without grants gets no RBAC and no API token', () => {
    const { app, ns } = fixture();
    bot(ns);
    const objects = appObjects(app);
    expect(rbacObjects(objects)).toEqual([]);
    const spec = podSpecOf(findObject(objects, 'Deployment', 'bot')) as Record<string, unknown>;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(JSON.stringify(spec.volumes)).not.toContain('serviceAccountToken');
  });

  test('a grant becomes a Role and a RoleBinding to the agent ServiceAccount', () => {
    const { app, ns } = fixture();
    bot(ns, {
      apiGrants: [
        READ_CONFIGMAPS,
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'], resourceNames: ['bot'] },
      ],
    });
    const objects = appObjects(app);
    expect(rbacObjects(objects)).toEqual([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'bot-api', namespace: 'agents', labels: AGENT_LABELS },
        rules: [
          { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'], resourceNames: ['bot'] },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'bot-api', namespace: 'agents', labels: AGENT_LABELS },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'bot-api' },
        subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'agents' }],
      },
    ]);
  });

  test('an agent with grants gets a projected, audience-bound API token, never the automount', () => {
    const { app, ns } = fixture();
    const agent = bot(ns);
    agent.grantApiAccess(READ_CONFIGMAPS);
    agent.grantApiAccess({ apiGroups: [''], resources: ['services'], verbs: ['get'] });
    const spec = podSpecOf(findObject(appObjects(app), 'Deployment', 'bot')) as Record<string, unknown>;
    expect(spec.automountServiceAccountToken).toBe(false);
    const tokenVolumes = (spec.volumes as Record<string, unknown>[]).filter((v) =>
      JSON.stringify(v).includes('serviceAccountToken'),
    );
    expect(tokenVolumes).toEqual([
      {
        name: API_TOKEN_VOLUME,
        projected: {
          sources: [
            {
              serviceAccountToken: {
                audience: 'https://kubernetes.default.svc',
                expirationSeconds: 3600,
                path: 'token',
              },
            },
          ],
        },
      },
    ]);
    const container = (spec.containers as Record<string, unknown>[])[0];
    expect(container.volumeMounts).toContainEqual({
      name: API_TOKEN_VOLUME,
      mountPath: '/var/run/secrets/tokens/kube-api-token',
      readOnly: true,
    });
  });

  test('the API audience is a cluster setting', () => {
    const { app, ns } = fixture({ apiServerAudience: 'https://kubernetes.default.svc.cluster.local' });
    bot(ns, { apiGrants: [READ_CONFIGMAPS] });
    const spec = podSpecOf(findObject(appObjects(app), 'Deployment', 'bot')) as Record<string, unknown>;
    expect(JSON.stringify(spec.volumes)).toContain('"audience":"https://kubernetes.default.svc.cluster.local"');
  });

  test('an audience with whitespace is refused', () => {
    expect(() => fixture({ apiServerAudience: 'https://kube api' })).toThrow(
      /\[platform\] apiServerAudience: invalid value "https:\/\/kube api"\. Allowed: a token audience: 1-253 characters without whitespace/,
    );
  });

  test('cluster-wide access only through an explicit ClusterRole grant, in the platform chart without a namespace', () => {
    const { app, ns, platform } = fixture();
    bot(ns, { apiGrants: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'], clusterWide: true }] });
    const platformObjects = platform.toJson() as KubeObject[];
    expect(rbacObjects(platformObjects)).toEqual([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'agents-bot-api', labels: AGENT_LABELS },
        rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'agents-bot-api', labels: AGENT_LABELS },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'agents-bot-api' },
        subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'agents' }],
      },
    ]);
    expect(rbacObjects(ns.toJson() as KubeObject[])).toEqual([]);
    expect(
      appObjects(app)
        .filter((o) => o.kind.startsWith('Cluster'))
        .every((o) => o.metadata.namespace === undefined),
    ).toBe(true);
  });

  test('an acknowledged risk is allowed and recorded, with its reason, on the Role', () => {
    const { app, ns } = fixture();
    const reason = 'runs tool calls as Jobs; admission admits only hardened pods';
    bot(ns, {
      apiGrants: [
        {
          apiGroups: ['batch'],
          resources: ['jobs'],
          verbs: ['create', 'get'],
          acknowledgeRisks: [{ risk: 'workload-create', reason }],
        },
      ],
      // An agent that can create workloads must be bounded at admission (AGT-ActionGuardrail).
      guardrails: { allowedRegistries: ['ghcr.io/acme'] },
    });
    const role = findObject(appObjects(app), 'Role', 'bot-api');
    expect(role.metadata.annotations).toEqual({
      [RBAC_ACKNOWLEDGEMENTS_ANNOTATION]: JSON.stringify([
        {
          risk: 'workload-create',
          reason,
          rule: { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get'] },
        },
      ]),
      [SUPPRESSIONS_ANNOTATION]: JSON.stringify([{ rule: 'RBAC-CreateWorkloads', reason }]),
    });
    expect(role.rules).toEqual([{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get'] }]);
  });

  test('refused grants fail at construct time with an AgentBaselineError', () => {
    const { ns } = fixture();
    expect(() => bot(ns, { apiGrants: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] })).toThrow(
      AgentBaselineError,
    );
  });
});
