import { AgentBaselineError } from '../../lib/core';
import { ApiGrant, GuardedBindingProps, createClusterRoleBinding, createRoleBinding } from '../../lib/rbac';
import { bot, fixture } from './helpers';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AgentBaselineError);
    return (e as Error).message;
  }
  throw new Error('expected an AgentBaselineError, got none');
}

function grantError(grant: ApiGrant): string {
  const { ns } = fixture();
  return messageOf(() => bot(ns, { apiGrants: [grant] }));
}

const WILDCARD =
  "(risk: unbounded access that grows as new APIs are added). Allowed: a grant without '*' in verbs, resources, apiGroups or nonResourceURLs";
const ESCALATION =
  "(risk: privilege escalation: grants permissions the holder does not have). Allowed: a grant without the verbs 'escalate' and 'bind'";
const IMPERSONATION =
  "(risk: privilege escalation: acts as another user, group or ServiceAccount). Allowed: a grant without the verb 'impersonate'";
const EXEC =
  '(risk: code execution in, or reach into, other pods). Allowed: a grant without exec, attach, port-forward or proxy into pods (pods/exec, pods/attach, pods/portforward, pods/proxy, services/proxy), or adding ephemeral containers';
const NODES_PROXY =
  '(risk: code execution through the kubelet API in any pod on the node). Allowed: a grant without any verb on nodes/proxy';
const SECRETS =
  '(risk: credential theft (list alone returns the secret data); deliver secrets with Vault instead). Allowed: a grant without get, list or watch on secrets';
const RBAC_WRITE =
  '(risk: self-granting: the holder can give itself any permission). Allowed: a grant without create, update or patch on roles, rolebindings, clusterroles or clusterrolebindings';
const TOKEN = '(risk: mints tokens for other identities). Allowed: a grant without create on serviceaccounts/token';
const ADMISSION = '(risk: disables the guardrails that admission enforces)';
const CSR = '(risk: mints cluster credentials)';
const WORKLOAD =
  "(risk: runs arbitrary images as any ServiceAccount in the namespace, unless admission guards it). Allowed: a grant without create, update or patch on pods, deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs or replicationcontrollers, or acknowledgeRisks: [{ risk: 'workload-create', reason: '<why the agent needs it>' }]";

const g = (apiGroups: string[], resources: string[], verbs: string[], extra: Partial<ApiGrant> = {}): ApiGrant => ({
  apiGroups,
  resources,
  verbs,
  ...extra,
});

const REFUSED: [string, ApiGrant, string][] = [
  ['* in verbs', g([''], ['configmaps'], ['*']), WILDCARD],
  ['* in resources', g([''], ['*'], ['get']), WILDCARD],
  ['* in apiGroups', g(['*'], ['configmaps'], ['get']), WILDCARD],
  ['*/subresource', g([''], ['*/exec'], ['create']), WILDCARD],
  ['escalate on roles', g(['rbac.authorization.k8s.io'], ['roles'], ['escalate']), ESCALATION],
  [
    'bind on clusterroles',
    g(['rbac.authorization.k8s.io'], ['clusterroles'], ['bind'], { clusterWide: true }),
    ESCALATION,
  ],
  ['impersonate on serviceaccounts', g([''], ['serviceaccounts'], ['impersonate']), IMPERSONATION],
  ['create on pods/exec', g([''], ['pods/exec'], ['create']), EXEC],
  ['get on pods/exec (WebSocket exec)', g([''], ['pods/exec'], ['get']), EXEC],
  ['create on pods/attach', g([''], ['pods/attach'], ['create']), EXEC],
  ['create on pods/portforward', g([''], ['pods/portforward'], ['create']), EXEC],
  ['get on nodes/proxy, cluster-wide', g([''], ['nodes/proxy'], ['get'], { clusterWide: true }), NODES_PROXY],
  ['get on nodes/proxy, namespaced', g([''], ['nodes/proxy'], ['get']), NODES_PROXY],
  ['get on secrets', g([''], ['secrets'], ['get']), SECRETS],
  ['list on secrets', g([''], ['secrets'], ['list']), SECRETS],
  ['watch on secrets', g([''], ['secrets'], ['watch']), SECRETS],
  ['get on one named secret', g([''], ['secrets'], ['get'], { resourceNames: ['db'] }), SECRETS],
  ['create on roles', g(['rbac.authorization.k8s.io'], ['roles'], ['create']), RBAC_WRITE],
  ['update on rolebindings', g(['rbac.authorization.k8s.io'], ['rolebindings'], ['update']), RBAC_WRITE],
  [
    'patch on clusterroles',
    g(['rbac.authorization.k8s.io'], ['clusterroles'], ['patch'], { clusterWide: true }),
    RBAC_WRITE,
  ],
  [
    'create on clusterrolebindings',
    g(['rbac.authorization.k8s.io'], ['clusterrolebindings'], ['create'], { clusterWide: true }),
    RBAC_WRITE,
  ],
  ['create on serviceaccounts/token', g([''], ['serviceaccounts/token'], ['create']), TOKEN],
  [
    'patch on validatingwebhookconfigurations',
    g(['admissionregistration.k8s.io'], ['validatingwebhookconfigurations'], ['patch'], { clusterWide: true }),
    ADMISSION,
  ],
  [
    'update on validatingadmissionpolicies',
    g(['admissionregistration.k8s.io'], ['validatingadmissionpolicies'], ['update'], { clusterWide: true }),
    ADMISSION,
  ],
  [
    'update on certificatesigningrequests/approval',
    g(['certificates.k8s.io'], ['certificatesigningrequests/approval'], ['update'], { clusterWide: true }),
    CSR,
  ],
  ['approve on signers', g(['certificates.k8s.io'], ['signers'], ['approve'], { clusterWide: true }), CSR],
  ['create on pods without acknowledgement', g([''], ['pods'], ['create']), WORKLOAD],
  ['create on deployments without acknowledgement', g(['apps'], ['deployments'], ['create']), WORKLOAD],
  ['create on jobs without acknowledgement', g(['batch'], ['jobs'], ['create', 'get']), WORKLOAD],
  ['create on cronjobs without acknowledgement', g(['batch'], ['cronjobs'], ['create']), WORKLOAD],
  [
    'an acknowledgement cannot excuse a refused risk',
    g([''], ['secrets'], ['list'], {
      acknowledgeRisks: [{ risk: 'secret-read', reason: 'needs to read the database password' }],
    }),
    SECRETS,
  ],
];

describe('refused grants', () => {
  test.each(REFUSED)('%s', (_name, grant, fragment) => {
    const message = grantError(grant);
    expect(message).toContain('[platform/agents/bot] apiGrants[0]: invalid value ');
    expect(message).toContain(fragment);
  });

  test('the message shows the offending rule', () => {
    expect(grantError(g([''], ['secrets'], ['list']))).toContain(
      'invalid value {"apiGroups":[""],"resources":["secrets"],"verbs":["list"]}',
    );
  });

  test.each<[string, ApiGrant, string]>([
    [
      'an acknowledgement of a risk the grant does not carry',
      g([''], ['configmaps'], ['get'], {
        acknowledgeRisks: [{ risk: 'workload-create', reason: 'left over from an old grant' }],
      }),
      'apiGrants[0].acknowledgeRisks[0].risk: invalid value "workload-create" (an acknowledgement must not outlive the permission it excuses). Allowed: a risk this grant carries (none)',
    ],
    [
      'an acknowledgement without a reason',
      g(['batch'], ['jobs'], ['create'], { acknowledgeRisks: [{ risk: 'workload-create', reason: 'because' }] }),
      'apiGrants[0].acknowledgeRisks[0].reason: invalid value "because". Allowed: a reason of at least 10 characters explaining why',
    ],
    [
      'the same risk acknowledged twice',
      g(['batch'], ['jobs'], ['create'], {
        acknowledgeRisks: [
          { risk: 'workload-create', reason: 'runs tool calls as Jobs' },
          { risk: 'workload-create', reason: 'runs tool calls as Jobs' },
        ],
      }),
      'apiGrants[0].acknowledgeRisks: invalid value "workload-create". Allowed: each risk acknowledged once',
    ],
    [
      'create restricted by resourceNames',
      g(['apps'], ['deployments'], ['get', 'create'], { resourceNames: ['bot'] }),
      'apiGrants[0].verbs: invalid value ["get","create"] (\'create\' requests carry no name, so the API server would never grant it)',
    ],
    [
      'a cluster-scoped resource in a namespaced grant',
      g([''], ['nodes'], ['get']),
      'apiGrants[0].resources: invalid value ["nodes"] (a namespaced Role on a cluster-scoped resource grants nothing). Allowed: namespaced resources, or clusterWide: true for \'nodes\'',
    ],
    [
      'an unknown verb',
      g([''], ['configmaps'], ['read']),
      'apiGrants[0].verbs[0]: invalid value "read". Allowed: one of get, list, watch, create, update, patch, delete, deletecollection',
    ],
    [
      'a resource in upper case',
      g([''], ['ConfigMaps'], ['get']),
      'apiGrants[0].resources[0]: invalid value "ConfigMaps". Allowed: a lower-case plural resource',
    ],
    [
      'no verbs',
      g([''], ['configmaps'], []),
      'apiGrants[0].verbs: invalid value []. Allowed: a non-empty list of verbs',
    ],
    [
      'duplicate verbs',
      g([''], ['configmaps'], ['get', 'get']),
      'apiGrants[0].verbs: invalid value ["get","get"]. Allowed: a non-empty list of verbs, without duplicates (\'get\' repeats)',
    ],
    [
      'an invalid API group',
      g(['Apps'], ['deployments'], ['get']),
      'apiGrants[0].apiGroups[0]: invalid value "Apps". Allowed: a DNS-1123 subdomain',
    ],
  ])('refuses %s', (_name, grant, fragment) => {
    expect(grantError(grant)).toContain(fragment);
  });

  test('the same grant twice is refused', () => {
    const { ns } = fixture();
    const agent = bot(ns);
    agent.grantApiAccess(g([''], ['configmaps'], ['get']));
    expect(messageOf(() => agent.grantApiAccess(g([''], ['configmaps'], ['get'])))).toContain(
      '[platform/agents/bot] apiGrants[1]: invalid value {"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]}. Allowed: a grant not already given to this agent',
    );
  });
});

describe('refused bindings', () => {
  const sa = { kind: 'ServiceAccount' as const, name: 'bot', namespace: 'agents' };

  test('an agent named default would bind the default ServiceAccount', () => {
    const { ns } = fixture();
    expect(messageOf(() => bot(ns, { name: 'default', apiGrants: [g([''], ['configmaps'], ['get'])] }))).toContain(
      'binding.subjects[0].name: invalid value "default" (risk: the default ServiceAccount is shared by every pod that names none, so nobody is accountable)',
    );
  });

  test.each(['cluster-admin', 'admin', 'edit'])('a binding to the ClusterRole %s', (name) => {
    const { ns, platform } = fixture();
    const props: GuardedBindingProps = { name: 'x', roleRef: { kind: 'ClusterRole', name }, subjects: [sa] };
    const fragment = `binding.roleRef.name: invalid value "${name}" (risk: broad write access across the namespace or cluster). Allowed: a least-privilege Role or ClusterRole of its own`;
    expect(messageOf(() => createRoleBinding(ns, 'rb', props))).toContain(`[platform/agents] ${fragment}`);
    expect(messageOf(() => createClusterRoleBinding(platform, 'crb', props))).toContain(`[platform] ${fragment}`);
  });

  test.each(['system:authenticated', 'system:unauthenticated', 'system:anonymous', 'system:masters'])(
    'a binding to the group %s',
    (name) => {
      const { ns } = fixture();
      const props: GuardedBindingProps = {
        name: 'x',
        roleRef: { kind: 'Role', name: 'reader' },
        subjects: [sa, { kind: 'Group', name }],
      };
      expect(messageOf(() => createRoleBinding(ns, 'rb', props))).toContain(
        `[platform/agents] binding.subjects[1].name: invalid value "${name}" (risk: grants the permissions to everyone, or to identities that bypass RBAC)`,
      );
    },
  );

  test('a ServiceAccount subject needs its namespace; users and groups have none', () => {
    const { ns } = fixture();
    const bind = (subject: GuardedBindingProps['subjects'][number]) => () =>
      createRoleBinding(ns, 'rb', { name: 'x', roleRef: { kind: 'Role', name: 'r' }, subjects: [subject] });
    expect(messageOf(bind({ kind: 'ServiceAccount', name: 'bot' }))).toContain(
      'binding.subjects[0].namespace: invalid value undefined',
    );
    expect(messageOf(bind({ kind: 'Group', name: 'ops', namespace: 'agents' }))).toContain(
      'binding.subjects[0].namespace: invalid value "agents". Allowed: no namespace for a Group',
    );
  });

  test('a ClusterRoleBinding must reference a ClusterRole', () => {
    const { platform } = fixture();
    expect(
      messageOf(() =>
        createClusterRoleBinding(platform, 'crb', { name: 'x', roleRef: { kind: 'Role', name: 'r' }, subjects: [sa] }),
      ),
    ).toContain(
      `[platform] binding.roleRef.kind: invalid value "Role". Allowed: 'ClusterRole' for a ClusterRoleBinding`,
    );
  });
});
