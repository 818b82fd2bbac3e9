/**
 * The security baseline, defined once. Constructs emit these values, the rule engine checks for
 * them and the README cites them: change a default here and every consumer follows.
 *
 * This module holds plain data and pure functions only (no constructs), so the rule engine can
 * import it without depending on cdk8s.
 */

/** Pod Security Standards level every agent namespace enforces. */
export const POD_SECURITY_LEVEL = 'restricted';

/**
 * UIDs and GIDs must be strictly above this. kubesec and Trivy KSV-0020/0021 use "> 10000", the
 * strictest threshold among the scanners (kube-score and Checkov use >= 10000, PSS only != 0).
 */
export const MIN_NON_ROOT_ID_EXCLUSIVE = 10000;

/** Default UID, GID and fsGroup: the first ID that clears every scanner's threshold. */
export const DEFAULT_RUN_AS_USER = 10001;
export const DEFAULT_RUN_AS_GROUP = 10001;
export const DEFAULT_FS_GROUP = 10001;

/** CKV_K8S_31 accepts only RuntimeDefault, so Localhost is not offered. */
export const SECCOMP_PROFILE_TYPE = 'RuntimeDefault';
export const APPARMOR_PROFILE_TYPE = 'RuntimeDefault';
/** The appArmorProfile field exists from Kubernetes 1.30; earlier versions use the beta annotation. */
export const APPARMOR_FIELD_MIN_MINOR = 30;
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
export const APPARMOR_ANNOTATION_VALUE = 'runtime/default';

/** Lowest port an agent may listen on: no NET_BIND_SERVICE is ever added (KSV-0117). */
export const MIN_UNPRIVILEGED_PORT = 1024;

/** Volume source types Pod Security "restricted" allows. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** The securityContext every container (init and ephemeral included) gets. */
export interface ContainerSecurityBaseline {
  readonly allowPrivilegeEscalation: false;
  readonly privileged: false;
  readonly readOnlyRootFilesystem: true;
  readonly runAsNonRoot: true;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly capabilities: { readonly drop: readonly string[] };
  readonly seccompProfile: { readonly type: string };
}

export function containerSecurityContext(runAsUser: number, runAsGroup: number): ContainerSecurityBaseline {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser,
    runAsGroup,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: SECCOMP_PROFILE_TYPE },
  };
}

/** The pod-level securityContext. Set at both levels: some scanners read only one of them. */
export function podSecurityContext(runAsUser: number, runAsGroup: number, fsGroup: number) {
  return {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup,
    fsGroup,
    seccompProfile: { type: SECCOMP_PROFILE_TYPE },
  };
}

/** Default container resources: requests and limits for CPU, memory and ephemeral storage. */
export const DEFAULT_RESOURCES = {
  cpu: { request: '100m', limit: '500m' },
  memory: { request: '256Mi', limit: '512Mi' },
  ephemeralStorage: { request: '64Mi', limit: '256Mi' },
} as const;

/** Default writable paths, each backed by an emptyDir because the root filesystem is read-only. */
export const DEFAULT_WRITABLE_PATHS: readonly string[] = ['/tmp'];

/** Default replica count: kube-score and Polaris want at least 2. */
export const DEFAULT_REPLICAS = 2;

/**
 * Env var names that look like they carry a secret. A literal value under such a name is refused
 * (Polaris sensitiveContainerEnvVar, kube-linter env-var-secret); secrets come from Vault.
 */
export const SECRET_LIKE_ENV_NAME = /(_KEY$|_TOKEN$|PASSWORD|SECRET|PASSWD|BEARER|CREDENTIAL|APIKEY|API_KEY)/i;

/** `app.kubernetes.io/managed-by` value on everything the constructs emit. */
export const MANAGED_BY = 'agent-baseline';

/** Annotation prefix for everything this project records on objects. */
export const ANNOTATION_PREFIX = 'agent-baseline.io/';
/** Annotation that records an explicit, reasoned weakening of the baseline. */
export const WAIVER_ANNOTATION = `${ANNOTATION_PREFIX}waivers`;
/** The rule an unpinned image breaks; `allowUnpinnedImage` waives exactly this rule. */
export const IMAGE_DIGEST_RULE_ID = 'HRD-ImageDigest';

/** Annotation that carries rule suppressions (JSON list of {rule, reason, container?}). */
export const SUPPRESSIONS_ANNOTATION = `${ANNOTATION_PREFIX}suppressions`;

/** Cluster DNS, selected the way NetworkPolicies must select it. */
export const KUBE_DNS = {
  namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
  podLabels: { 'k8s-app': 'kube-dns' },
  port: 53,
} as const;
export const NODE_LOCAL_DNS_IP = '169.254.20.10';

/** Projected service-account tokens never live longer than this (seconds). */
export const MAX_TOKEN_EXPIRATION_SECONDS = 3600;
/** Where projected tokens are mounted: away from the legacy path that KSV-0036 watches. */
export const PROJECTED_TOKEN_MOUNT_DIR = '/var/run/secrets/tokens';
/** Where the kubelet mounts the legacy token and where client libraries look for one; nothing else is mounted there. */
export const LEGACY_SERVICE_ACCOUNT_TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Label that marks a namespace as holding agents (the rule engine's `agent` pack looks for it). */
export const AGENT_NAMESPACE_LABEL = `${ANNOTATION_PREFIX}agent-namespace`;

/** The username a ServiceAccount authenticates as (audit policies, admission matchConditions, rules). */
export function serviceAccountUsername(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** The Kubernetes label namespaces get automatically, used to select namespaces by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
