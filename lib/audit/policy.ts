/**
 * The Kubernetes audit Policy (`audit.k8s.io/v1`). It is API-server configuration
 * (`--audit-policy-file`), not an object to apply, so it is rendered as plain data and written to
 * a file. The first rule that matches a request wins, so the order below is the policy.
 */

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

export interface AuditGroupResources {
  /** API group, `''` for core. */
  readonly group: string;
  /** Resources (with subresources as `pods/exec`). Omitted: every resource of the group. */
  readonly resources?: readonly string[];
}

export interface AuditRule {
  readonly level: AuditLevel;
  readonly users?: readonly string[];
  readonly userGroups?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resources?: readonly AuditGroupResources[];
  readonly nonResourceURLs?: readonly string[];
  readonly namespaces?: readonly string[];
}

export interface AuditPolicy {
  readonly apiVersion: 'audit.k8s.io/v1';
  readonly kind: 'Policy';
  readonly omitStages: readonly AuditStage[];
  readonly omitManagedFields: boolean;
  readonly rules: readonly AuditRule[];
}

export interface AuditPolicyOptions {
  /** Usernames of the agents' ServiceAccounts, `system:serviceaccount:<ns>:<sa>`. */
  readonly agentUsernames: readonly string[];
  /**
   * Namespaces where agents process personal data: every request on their objects is logged at
   * Metadata (who touched what, when), whoever makes it (GDPR Art. 30, 32). @default none
   */
  readonly personalDataNamespaces?: readonly string[];
}

const READ_VERBS = ['get', 'list', 'watch'];
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * Their bodies hold credentials, so they are logged without request or response, and first: an
 * agent reading a Secret must not land in the agents' RequestResponse rule below.
 */
export const AUDIT_SENSITIVE_RESOURCES: readonly AuditGroupResources[] = [
  { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
  { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
];

/** Read-only system traffic that would drown the log: health checks and system watchers. */
export const AUDIT_NOISE_RULES: readonly AuditRule[] = [
  { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version', '/openapi*'] },
  { level: 'None', users: ['system:kube-proxy'], verbs: READ_VERBS },
  { level: 'None', userGroups: ['system:nodes'], verbs: READ_VERBS },
  {
    level: 'None',
    users: ['system:kube-scheduler', 'system:kube-controller-manager', 'system:apiserver'],
    verbs: READ_VERBS,
  },
];

/** Interactive access to pods: whatever the verb, with full bodies. */
export const AUDIT_POD_ACCESS: AuditRule = {
  level: 'RequestResponse',
  resources: [{ group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward'] }],
};

/** Changes to who may do what, and to the policies that bound it: with full bodies. Reads are not logged here. */
export const AUDIT_POLICY_CHANGES: AuditRule = {
  level: 'RequestResponse',
  verbs: WRITE_VERBS,
  resources: [
    { group: 'rbac.authorization.k8s.io' },
    { group: 'admissionregistration.k8s.io' },
    { group: '', resources: ['namespaces', 'resourcequotas', 'limitranges', 'serviceaccounts'] },
    { group: 'networking.k8s.io', resources: ['networkpolicies'] },
    { group: 'security.istio.io' },
    { group: 'node.k8s.io', resources: ['runtimeclasses'] },
  ],
};

/**
 * Renders the audit policy: credentials at Metadata first, then system noise dropped, then
 * pod access and policy changes, then everything the agents do with full bodies, then a
 * Metadata catch-all.
 */
export function renderAuditPolicy(options: AuditPolicyOptions): AuditPolicy {
  const agentUsers = [...new Set(options.agentUsernames)].sort();
  const rules: AuditRule[] = [
    { level: 'Metadata', resources: AUDIT_SENSITIVE_RESOURCES },
    ...AUDIT_NOISE_RULES,
    AUDIT_POD_ACCESS,
    AUDIT_POLICY_CHANGES,
  ];
  if (agentUsers.length > 0) rules.push({ level: 'RequestResponse', users: agentUsers });
  // Explicit although the catch-all below has the same level: the evidence must not depend on the
  // catch-all staying last, and the gdpr pack checks this rule exists.
  const personal = [...new Set(options.personalDataNamespaces ?? [])].sort();
  if (personal.length > 0) rules.push({ level: 'Metadata', namespaces: personal });
  rules.push({ level: 'Metadata' });
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
    rules,
  };
}
