/**
 * The RBAC permissions an agent must never hold without an explicit, recorded reason, defined
 * once as data. The constructs refuse them at construct time and the rule engine's `rbac` pack
 * flags them in manifests, both from this list.
 *
 * Pure data and pure functions only (no constructs), so the rule engine can import it.
 * Sources: REFERENCE §6; https://kubernetes.io/docs/concepts/security/rbac-good-practices/
 */
import { ANNOTATION_PREFIX } from '../core/baseline';

/** The API group of RBAC objects. */
export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';

/** Annotation on a Role or ClusterRole that records each acknowledged risk with its reason. */
export const RBAC_ACKNOWLEDGEMENTS_ANNOTATION = `${ANNOTATION_PREFIX}rbac-acknowledgements`;

/** One rule of a Role or ClusterRole, as far as the risk checks need it. */
export interface PolicyRuleLike {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** A set of resources in one API group (`''` is the core group). */
export interface RiskTarget {
  readonly apiGroup: string;
  readonly resources: readonly string[];
}

/**
 * A dangerous permission. It matches a rule when the rule grants one of `verbs` (any verb when
 * `verbs` is absent) on one of `targets` (any resource when `targets` is absent).
 */
export interface RbacRuleRisk {
  /** Stable ID, used in acknowledgements and findings. */
  readonly id: string;
  /** What is refused, in a few words. */
  readonly summary: string;
  /** The risk, as a user needs to hear it. */
  readonly risk: string;
  /** @default any verb */
  readonly verbs?: readonly string[];
  /** @default any resource */
  readonly targets?: readonly RiskTarget[];
  /** A real agent may need it: allowed with an explicit acknowledgement and a reason. */
  readonly acknowledgeable: boolean;
  /** IDs of the rule engine's findings for it (lib/rules `rbac` pack), so an acknowledgement suppresses them. */
  readonly findingIds: readonly string[];
}

const WORKLOAD_KINDS: readonly RiskTarget[] = [
  { apiGroup: '', resources: ['pods', 'replicationcontrollers'] },
  { apiGroup: 'apps', resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  { apiGroup: 'batch', resources: ['jobs', 'cronjobs'] },
];

const RBAC_KINDS: readonly RiskTarget[] = [
  { apiGroup: RBAC_API_GROUP, resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'] },
];

/** Every refused permission. Wildcards are checked separately ({@link WILDCARD_RISK}): they match everything. */
export const RBAC_RULE_RISKS: readonly RbacRuleRisk[] = [
  {
    id: 'escalate-bind',
    summary: "the verbs 'escalate' and 'bind'",
    risk: 'privilege escalation: grants permissions the holder does not have',
    verbs: ['escalate', 'bind'],
    // The verbs mean something only on roles; '*' on configmaps grants no escalation.
    targets: [{ apiGroup: RBAC_API_GROUP, resources: ['roles', 'clusterroles'] }],
    acknowledgeable: false,
    findingIds: ['RBAC-EscalateBind'],
  },
  {
    id: 'impersonate',
    summary: "the verb 'impersonate'",
    risk: 'privilege escalation: acts as another user, group or ServiceAccount',
    verbs: ['impersonate'],
    targets: [
      { apiGroup: '', resources: ['users', 'groups', 'serviceaccounts'] },
      { apiGroup: 'authentication.k8s.io', resources: ['userextras/*', 'uids'] },
    ],
    acknowledgeable: false,
    findingIds: ['RBAC-Impersonate'],
  },
  {
    id: 'pod-exec',
    summary: 'any verb on pods/exec, pods/attach or pods/portforward',
    risk: 'code execution in, or reach into, other pods',
    targets: [{ apiGroup: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward'] }],
    acknowledgeable: false,
    findingIds: ['RBAC-PodExec'],
  },
  {
    id: 'nodes-proxy',
    summary: 'any verb on nodes/proxy',
    risk: 'code execution through the kubelet API in any pod on the node',
    targets: [{ apiGroup: '', resources: ['nodes/proxy'] }],
    acknowledgeable: false,
    findingIds: ['RBAC-NodesProxy'],
  },
  {
    id: 'secret-read',
    summary: 'get, list or watch on secrets',
    risk: 'credential theft (list alone returns the secret data); deliver secrets with Vault instead',
    verbs: ['get', 'list', 'watch'],
    targets: [{ apiGroup: '', resources: ['secrets'] }],
    acknowledgeable: false,
    findingIds: ['RBAC-SecretRead'],
  },
  {
    id: 'rbac-write',
    summary: 'create, update or patch on roles, rolebindings, clusterroles or clusterrolebindings',
    risk: 'self-granting: the holder can give itself any permission',
    verbs: ['create', 'update', 'patch'],
    targets: RBAC_KINDS,
    acknowledgeable: false,
    findingIds: ['RBAC-RbacWrite'],
  },
  {
    id: 'token-create',
    summary: 'create on serviceaccounts/token',
    risk: 'mints tokens for other identities',
    verbs: ['create'],
    targets: [{ apiGroup: '', resources: ['serviceaccounts/token'] }],
    acknowledgeable: false,
    findingIds: ['RBAC-TokenCreate'],
  },
  {
    id: 'admission-write',
    summary: 'update, patch or delete on admission webhooks and ValidatingAdmissionPolicies',
    risk: 'disables the guardrails that admission enforces',
    verbs: ['update', 'patch', 'delete'],
    targets: [
      {
        apiGroup: 'admissionregistration.k8s.io',
        resources: [
          'validatingwebhookconfigurations',
          'mutatingwebhookconfigurations',
          'validatingadmissionpolicies',
          'validatingadmissionpolicybindings',
        ],
      },
    ],
    acknowledgeable: false,
    findingIds: ['RBAC-AdmissionWrite'],
  },
  {
    id: 'csr-approval',
    summary: 'any verb on certificatesigningrequests/approval or signers',
    risk: 'mints cluster credentials',
    targets: [{ apiGroup: 'certificates.k8s.io', resources: ['certificatesigningrequests/approval', 'signers'] }],
    acknowledgeable: false,
    findingIds: ['RBAC-CsrApproval'],
  },
  {
    id: 'approve-verbs',
    summary: "the verbs 'approve' and 'sign'",
    risk: 'mints cluster credentials',
    verbs: ['approve', 'sign'],
    targets: [{ apiGroup: 'certificates.k8s.io', resources: ['signers'] }],
    acknowledgeable: false,
    findingIds: ['RBAC-CsrApproval'],
  },
  {
    id: 'workload-create',
    summary:
      'create on pods, deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs or replicationcontrollers',
    risk: 'runs arbitrary images as any ServiceAccount in the namespace, unless admission guards it',
    verbs: ['create'],
    targets: WORKLOAD_KINDS,
    acknowledgeable: true,
    findingIds: ['RBAC-CreateWorkloads'],
  },
];

/** A `*` anywhere in verbs, resources or apiGroups. */
export const WILDCARD_RISK: RbacRuleRisk = {
  id: 'wildcard',
  summary: "'*' in verbs, resources or apiGroups",
  risk: 'unbounded access that grows as new APIs are added',
  acknowledgeable: false,
  findingIds: ['RBAC-Wildcard'],
};

/** ClusterRoles no binding may reference. */
export const BROAD_CLUSTER_ROLES: readonly string[] = ['cluster-admin', 'admin', 'edit'];
export const BROAD_CLUSTER_ROLE_RISK = 'broad write access across the namespace or cluster';

/** Subjects that mean "everyone" (or the cluster's superuser group). */
export const BROAD_SUBJECT_NAMES: readonly string[] = [
  'system:authenticated',
  'system:unauthenticated',
  'system:anonymous',
  'system:masters',
];
export const BROAD_SUBJECT_RISK = 'grants the permissions to everyone, or to identities that bypass RBAC';
export const DEFAULT_SERVICE_ACCOUNT_RISK =
  'the default ServiceAccount is shared by every pod that names none, so nobody is accountable';

/** A subject of a RoleBinding or ClusterRoleBinding. */
export interface SubjectLike {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** Why a binding's subject is refused, or undefined when it is acceptable. */
export function subjectRisk(subject: SubjectLike): string | undefined {
  if (BROAD_SUBJECT_NAMES.includes(subject.name)) return BROAD_SUBJECT_RISK;
  if (subject.kind === 'ServiceAccount' && subject.name === 'default') return DEFAULT_SERVICE_ACCOUNT_RISK;
  return undefined;
}

/** Why a binding's roleRef is refused, or undefined when it is acceptable. */
export function roleRefRisk(roleRef: { readonly kind: string; readonly name: string }): string | undefined {
  return roleRef.kind === 'ClusterRole' && BROAD_CLUSTER_ROLES.includes(roleRef.name)
    ? BROAD_CLUSTER_ROLE_RISK
    : undefined;
}

function hasWildcard(values: readonly string[] | undefined): boolean {
  return (values ?? []).some((v) => v.includes('*'));
}

// The API server's own matching: '*' matches every resource, '*' + '/sub' every resource's subresource 'sub'.
function resourceMatches(ruleResource: string, resource: string): boolean {
  if (ruleResource === '*' || ruleResource === resource) return true;
  const slash = resource.indexOf('/');
  return slash > 0 && ruleResource === `*${resource.slice(slash)}`;
}

function targetMatches(target: RiskTarget, rule: PolicyRuleLike): boolean {
  const groups = rule.apiGroups ?? [];
  const groupMatch = groups.includes(target.apiGroup) || groups.includes('*');
  return groupMatch && (rule.resources ?? []).some((r) => target.resources.some((t) => resourceMatches(r, t)));
}

function riskMatches(risk: RbacRuleRisk, rule: PolicyRuleLike): boolean {
  const verbMatch = risk.verbs === undefined || rule.verbs.some((v) => v === '*' || risk.verbs?.includes(v));
  const targetMatch = risk.targets === undefined || risk.targets.some((t) => targetMatches(t, rule));
  return verbMatch && targetMatch;
}

/**
 * Every risk one rule carries. A wildcard rule reports {@link WILDCARD_RISK} and also every risk
 * it covers, so a scanner can explain what the wildcard grants.
 */
export function ruleRisks(rule: PolicyRuleLike): RbacRuleRisk[] {
  const found = RBAC_RULE_RISKS.filter((risk) => riskMatches(risk, rule));
  return hasWildcard(rule.verbs) || hasWildcard(rule.resources) || hasWildcard(rule.apiGroups)
    ? [WILDCARD_RISK, ...found]
    : found;
}
