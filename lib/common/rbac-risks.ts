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
  /** API groups the rule covers (`''` is the core group). @default none (the rule covers no API group) */
  readonly apiGroups?: readonly string[];
  /** Resources the rule covers, subresources as `pods/exec`. @default none (the rule covers no resource) */
  readonly resources?: readonly string[];
  /** Verbs the rule grants. */
  readonly verbs: readonly string[];
  /** Object names the rule is limited to. @default undefined (meaning every object of the resources) */
  readonly resourceNames?: readonly string[];
  /** Non-resource URLs the rule covers (`/healthz`), for ClusterRoles only. @default none */
  readonly nonResourceURLs?: readonly string[];
}

/** A set of resources in one API group (`''` is the core group). `'*'` in resources: every resource of the group. */
export interface RiskTarget {
  /** The API group; `''` is the core group. */
  readonly apiGroup: string;
  /** Resources of the group, subresources as `pods/exec`; `'*'` is every resource of the group. */
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
  /** Verbs that make a rule dangerous. @default undefined (meaning any verb) */
  readonly verbs?: readonly string[];
  /** Resources on which those verbs are dangerous. @default undefined (meaning any resource) */
  readonly targets?: readonly RiskTarget[];
  /** A real agent may need it: allowed with an explicit acknowledgement and a reason. */
  readonly acknowledgeable: boolean;
  /** IDs of the rule engine's findings for it (lib/rules `rbac` pack), so an acknowledgement suppresses them. */
  readonly findingIds: readonly string[];
}

// Every group a workload kind was ever served under: a rule on `extensions` deployments grants the
// same objects on clusters that still serve it, so it is judged the same.
const WORKLOAD_KINDS: readonly RiskTarget[] = [
  { apiGroup: '', resources: ['pods', 'replicationcontrollers'] },
  { apiGroup: 'apps', resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  { apiGroup: 'extensions', resources: ['deployments', 'replicasets', 'daemonsets'] },
  { apiGroup: 'batch', resources: ['jobs', 'cronjobs'] },
];

const RBAC_KINDS: readonly RiskTarget[] = [
  { apiGroup: RBAC_API_GROUP, resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'] },
];

/** Verbs that change or remove objects. */
export const WRITE_VERBS: readonly string[] = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * Every admission object whose change weakens or disables what admission enforces: the built-in
 * webhooks and admission policies with their bindings, and the policy kinds of the admission
 * engines the platform supports (Kyverno, Sigstore policy-controller, Gatekeeper). A policy
 * exception is a weakening too.
 */
export const ADMISSION_TARGETS: readonly RiskTarget[] = [
  {
    apiGroup: 'admissionregistration.k8s.io',
    resources: [
      'validatingwebhookconfigurations',
      'mutatingwebhookconfigurations',
      'validatingadmissionpolicies',
      'validatingadmissionpolicybindings',
      'mutatingadmissionpolicies',
      'mutatingadmissionpolicybindings',
    ],
  },
  {
    apiGroup: 'kyverno.io',
    resources: ['clusterpolicies', 'policies', 'policyexceptions', 'cleanuppolicies', 'clustercleanuppolicies'],
  },
  { apiGroup: 'policies.kyverno.io', resources: ['*'] },
  { apiGroup: 'policy.sigstore.dev', resources: ['clusterimagepolicies', 'trustroots'] },
  { apiGroup: 'templates.gatekeeper.sh', resources: ['constrainttemplates'] },
  { apiGroup: 'constraints.gatekeeper.sh', resources: ['*'] },
  { apiGroup: 'config.gatekeeper.sh', resources: ['configs'] },
  { apiGroup: 'mutations.gatekeeper.sh', resources: ['*'] },
];

/** Network isolation objects: Kubernetes, Cilium and Istio policies that bound what a pod reaches. */
export const NETWORK_POLICY_TARGETS: readonly RiskTarget[] = [
  { apiGroup: 'networking.k8s.io', resources: ['networkpolicies'] },
  { apiGroup: 'extensions', resources: ['networkpolicies'] },
  { apiGroup: 'policy.networking.k8s.io', resources: ['adminnetworkpolicies', 'baselineadminnetworkpolicies'] },
  { apiGroup: 'cilium.io', resources: ['ciliumnetworkpolicies', 'ciliumclusterwidenetworkpolicies'] },
  { apiGroup: 'security.istio.io', resources: ['authorizationpolicies', 'peerauthentications'] },
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
    summary:
      'exec, attach, port-forward or proxy into pods (pods/exec, pods/attach, pods/portforward, pods/proxy, services/proxy), or adding ephemeral containers',
    risk: 'code execution in, or reach into, other pods',
    targets: [
      { apiGroup: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy'] },
    ],
    acknowledgeable: false,
    findingIds: ['RBAC-PodExec'],
  },
  {
    id: 'ephemeral-containers',
    summary: 'update or patch on pods/ephemeralcontainers',
    risk: 'code execution in other pods: an ephemeral debug container runs any image inside the pod',
    verbs: ['update', 'patch'],
    targets: [{ apiGroup: '', resources: ['pods/ephemeralcontainers'] }],
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
    id: 'secret-write',
    summary: 'create, update, patch or deletecollection on secrets',
    risk: 'tampering with delivered credentials, or planting a ServiceAccount token Secret that mints a token',
    // delete removes one named Secret (an outage, not a credential); deletecollection wipes them all.
    verbs: ['create', 'update', 'patch', 'deletecollection'],
    targets: [{ apiGroup: '', resources: ['secrets'] }],
    acknowledgeable: false,
    findingIds: ['RBAC-SecretWrite'],
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
    summary:
      'create, update, patch, delete or deletecollection on admission webhooks, admission policies and their bindings, or Kyverno, Sigstore and Gatekeeper policies',
    risk: 'disables the guardrails that admission enforces',
    verbs: WRITE_VERBS,
    targets: ADMISSION_TARGETS,
    acknowledgeable: false,
    findingIds: ['RBAC-AdmissionWrite'],
  },
  {
    id: 'namespace-write',
    summary: 'update or patch on namespaces',
    risk: 'rewrites the Pod Security labels (privileged pods) and the labels policies select namespaces by',
    verbs: ['update', 'patch'],
    targets: [{ apiGroup: '', resources: ['namespaces'] }],
    acknowledgeable: false,
    findingIds: ['RBAC-NamespaceWrite'],
  },
  {
    id: 'network-policy-write',
    summary: 'create, update, patch, delete or deletecollection on NetworkPolicies (Kubernetes, Cilium, Istio)',
    risk: 'opens the network isolation: a new or changed policy widens what every selected pod reaches',
    verbs: WRITE_VERBS,
    targets: NETWORK_POLICY_TARGETS,
    acknowledgeable: false,
    findingIds: ['RBAC-NetworkPolicyWrite'],
  },
  {
    id: 'persistentvolume-create',
    summary: 'create on persistentvolumes',
    risk: 'a hostPath or other node-local PersistentVolume mounts the node file system into a pod',
    verbs: ['create'],
    targets: [{ apiGroup: '', resources: ['persistentvolumes'] }],
    acknowledgeable: false,
    findingIds: ['RBAC-PersistentVolumeCreate'],
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
      'create, update or patch on pods, deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs or replicationcontrollers',
    risk: 'runs arbitrary images as any ServiceAccount in the namespace, unless admission guards it',
    verbs: ['create', 'update', 'patch'],
    targets: WORKLOAD_KINDS,
    acknowledgeable: true,
    findingIds: ['RBAC-CreateWorkloads'],
  },
];

/** A `*` anywhere in verbs, resources, apiGroups or nonResourceURLs. */
export const WILDCARD_RISK: RbacRuleRisk = {
  id: 'wildcard',
  summary: "'*' in verbs, resources, apiGroups or nonResourceURLs",
  risk: 'unbounded access that grows as new APIs are added',
  acknowledgeable: false,
  findingIds: ['RBAC-Wildcard'],
};

/** ClusterRoles no binding may reference. */
export const BROAD_CLUSTER_ROLES: readonly string[] = ['cluster-admin', 'admin', 'edit'];
/** Why a binding to one of {@link BROAD_CLUSTER_ROLES} is refused. */
export const BROAD_CLUSTER_ROLE_RISK = 'broad write access across the namespace or cluster';

/**
 * Aggregation: the controller copies into a ClusterRole with an `aggregationRule` the rules of every
 * ClusterRole whose labels match, now and later; a ClusterRole labelled `aggregate-to-*` adds its
 * rules to the roles that aggregate it (admin, edit, view and others). Either way the permissions
 * are not in the object, so they are judged as broad as they can become.
 */
export const AGGREGATED_ROLE_PREFIX = 'system:aggregate-to-';
/** Matches a label key that aggregates a ClusterRole's rules into others (`...aggregate-to-<role>`). */
export const AGGREGATION_LABEL_PATTERN = /(^|\/)aggregate-to-/;
/** Why an aggregating or aggregated ClusterRole is refused: its permissions are not in the object. */
export const AGGREGATION_RISK =
  'aggregated permissions: the rules are copied from (or into) other ClusterRoles by label, now and later, so they are unbounded';

/** Why a ClusterRole's aggregation makes its permissions unknown, or undefined. */
export function aggregationRisk(role: {
  readonly aggregationRule?: unknown;
  readonly labels?: Readonly<Record<string, string>>;
}): string | undefined {
  if (role.aggregationRule !== undefined && role.aggregationRule !== null) return AGGREGATION_RISK;
  const label = Object.keys(role.labels ?? {}).find((k) => AGGREGATION_LABEL_PATTERN.test(k));
  return label ? `${AGGREGATION_RISK} (label ${label})` : undefined;
}

/** Subjects that mean "everyone" (or the cluster's superuser group). */
export const BROAD_SUBJECT_NAMES: readonly string[] = [
  'system:authenticated',
  'system:unauthenticated',
  'system:anonymous',
  'system:masters',
  'system:serviceaccounts',
  'system:nodes',
];
/** Group of every ServiceAccount of one namespace: `system:serviceaccounts:<namespace>`. */
export const NAMESPACE_SERVICE_ACCOUNTS_PREFIX = 'system:serviceaccounts:';
/** Username of a ServiceAccount: `system:serviceaccount:<namespace>:<name>`. */
export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';
/** Why binding the group of all ServiceAccounts of a namespace is refused. */
export const NAMESPACE_SERVICE_ACCOUNTS_RISK =
  'grants the permissions to every ServiceAccount of the namespace, including every agent and any created later';
/** Why a ServiceAccount username bound as a User subject is refused. */
export const SERVICE_ACCOUNT_AS_USER_RISK =
  'a ServiceAccount written as a User: it is granted, but hidden from every check that looks for ServiceAccount subjects';
/** Why binding everyone (`system:authenticated` and the like) or RBAC-bypassing groups is refused. */
export const BROAD_SUBJECT_RISK = 'grants the permissions to everyone, or to identities that bypass RBAC';
/** Why binding a namespace's `default` ServiceAccount is refused. */
export const DEFAULT_SERVICE_ACCOUNT_RISK =
  'the default ServiceAccount is shared by every pod that names none, so nobody is accountable';

/** A subject of a RoleBinding or ClusterRoleBinding. */
export interface SubjectLike {
  /** `User`, `Group` or `ServiceAccount`. */
  readonly kind: string;
  /** Subject name. */
  readonly name: string;
  /** Namespace of a ServiceAccount subject. @default none (only ServiceAccount subjects have one) */
  readonly namespace?: string;
}

/** Why a binding's subject is refused, or undefined when it is acceptable. */
export function subjectRisk(subject: SubjectLike): string | undefined {
  if (BROAD_SUBJECT_NAMES.includes(subject.name)) return BROAD_SUBJECT_RISK;
  if (subject.name.startsWith(NAMESPACE_SERVICE_ACCOUNTS_PREFIX)) return NAMESPACE_SERVICE_ACCOUNTS_RISK;
  if (subject.kind !== 'ServiceAccount' && subject.name.startsWith(SERVICE_ACCOUNT_USER_PREFIX))
    return SERVICE_ACCOUNT_AS_USER_RISK;
  if (subject.kind === 'ServiceAccount' && subject.name === 'default') return DEFAULT_SERVICE_ACCOUNT_RISK;
  return undefined;
}

/** Why a binding's roleRef is refused, or undefined when it is acceptable. */
export function roleRefRisk(roleRef: { readonly kind: string; readonly name: string }): string | undefined {
  if (roleRef.kind !== 'ClusterRole') return undefined;
  if (BROAD_CLUSTER_ROLES.includes(roleRef.name)) return BROAD_CLUSTER_ROLE_RISK;
  if (roleRef.name.startsWith(AGGREGATED_ROLE_PREFIX)) return AGGREGATION_RISK;
  return undefined;
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
  // '*' as a target resource: every resource of the group (kinds a CRD names per policy, as Gatekeeper does).
  const anyResource = target.resources.includes('*') && (rule.resources ?? []).length > 0;
  return (
    groupMatch &&
    (anyResource || (rule.resources ?? []).some((r) => target.resources.some((t) => resourceMatches(r, t))))
  );
}

function riskMatches(risk: RbacRuleRisk, rule: PolicyRuleLike): boolean {
  // Verbs first: most risks name a few verbs, so most rules are decided without matching targets
  // (the rule packs ask about every rule once per RBAC check: hundreds of calls per synth).
  const verbs = risk.verbs;
  if (verbs !== undefined && !rule.verbs.some((v) => v === '*' || verbs.includes(v))) return false;
  return risk.targets === undefined || risk.targets.some((t) => targetMatches(t, rule));
}

/**
 * ruleRisks by rule content. Every RBAC check of the rule packs asks about every rule of every
 * Role (in the default synth 417 calls for 26 distinct rules); matching 34 risks each time was
 * most of the packs' RBAC cost. Bounded so that a scan of many distinct roles cannot grow it without end.
 */
const risksByRule = new Map<string, readonly RbacRuleRisk[]>();
const RISKS_BY_RULE_LIMIT = 4096;

/**
 * Every risk one rule carries. A wildcard rule reports {@link WILDCARD_RISK} and also every risk
 * it covers, so a scanner can explain what the wildcard grants.
 */
export function ruleRisks(rule: PolicyRuleLike): RbacRuleRisk[] {
  // Keyed by everything the answer depends on (the risks are constants), so never stale.
  const key = JSON.stringify([rule.apiGroups, rule.resources, rule.verbs, rule.nonResourceURLs]);
  let risks = risksByRule.get(key);
  if (risks === undefined) {
    const found = RBAC_RULE_RISKS.filter((risk) => riskMatches(risk, rule));
    risks =
      hasWildcard(rule.verbs) ||
      hasWildcard(rule.resources) ||
      hasWildcard(rule.apiGroups) ||
      hasWildcard(rule.nonResourceURLs)
        ? [WILDCARD_RISK, ...found]
        : found;
    if (risksByRule.size >= RISKS_BY_RULE_LIMIT) risksByRule.clear();
    risksByRule.set(key, risks);
  }
  return [...risks];
}
