/**
 * API versions the Kubernetes API server no longer serves (or will stop serving), with the
 * release that deprecated and removed them. One table, from the upstream deprecation guide
 * (https://kubernetes.io/docs/reference/using-api/deprecation-guide/), the same data Pluto
 * (versions.yaml) and kubent report. Pure data: the rule engine and the constructs share it.
 */

export interface RemovedApiVersion {
  /** `group/version` as written in apiVersion (`v1beta1` style for the core group never occurs here). */
  readonly apiVersion: string;
  /** The kind served under that version. */
  readonly kind: string;
  /** Minor (1.N) in which the version was deprecated. */
  readonly deprecatedIn: number;
  /** Minor (1.N) from which the API server no longer serves it. */
  readonly removedIn: number;
  /** The version to use instead. */
  readonly replacement: string;
}

function entries(
  apiVersion: string,
  kinds: readonly string[],
  deprecatedIn: number,
  removedIn: number,
  replacement: string,
): RemovedApiVersion[] {
  return kinds.map((kind) => ({ apiVersion, kind, deprecatedIn, removedIn, replacement }));
}

const WEBHOOKS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
const RBAC = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];
const FLOW = ['FlowSchema', 'PriorityLevelConfiguration'];

/**
 * Every deprecated or removed apiVersion and kind, with when it went and what replaces it; objects using one
 * fail on newer clusters.
 */
export const REMOVED_API_VERSIONS: readonly RemovedApiVersion[] = [
  ...entries('extensions/v1beta1', ['Deployment', 'DaemonSet', 'ReplicaSet'], 9, 16, 'apps/v1'),
  ...entries('extensions/v1beta1', ['NetworkPolicy'], 9, 16, 'networking.k8s.io/v1'),
  ...entries('extensions/v1beta1', ['PodSecurityPolicy'], 10, 16, 'none (Pod Security admission)'),
  ...entries('extensions/v1beta1', ['Ingress'], 14, 22, 'networking.k8s.io/v1'),
  ...entries('apps/v1beta1', ['Deployment', 'StatefulSet', 'ControllerRevision'], 9, 16, 'apps/v1'),
  ...entries(
    'apps/v1beta2',
    ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet', 'ControllerRevision'],
    9,
    16,
    'apps/v1',
  ),
  ...entries('batch/v2alpha1', ['CronJob'], 8, 21, 'batch/v1'),
  ...entries('batch/v1beta1', ['CronJob'], 21, 25, 'batch/v1'),
  ...entries('networking.k8s.io/v1beta1', ['Ingress', 'IngressClass'], 19, 22, 'networking.k8s.io/v1'),
  ...entries('rbac.authorization.k8s.io/v1alpha1', RBAC, 17, 22, 'rbac.authorization.k8s.io/v1'),
  ...entries('rbac.authorization.k8s.io/v1beta1', RBAC, 17, 22, 'rbac.authorization.k8s.io/v1'),
  ...entries('admissionregistration.k8s.io/v1beta1', WEBHOOKS, 16, 22, 'admissionregistration.k8s.io/v1'),
  ...entries('apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], 16, 22, 'apiextensions.k8s.io/v1'),
  ...entries('apiregistration.k8s.io/v1beta1', ['APIService'], 19, 22, 'apiregistration.k8s.io/v1'),
  ...entries('authentication.k8s.io/v1beta1', ['TokenReview'], 19, 22, 'authentication.k8s.io/v1'),
  ...entries(
    'authorization.k8s.io/v1beta1',
    ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview', 'SelfSubjectRulesReview'],
    19,
    22,
    'authorization.k8s.io/v1',
  ),
  ...entries('certificates.k8s.io/v1beta1', ['CertificateSigningRequest'], 19, 22, 'certificates.k8s.io/v1'),
  ...entries('coordination.k8s.io/v1beta1', ['Lease'], 19, 22, 'coordination.k8s.io/v1'),
  ...entries('scheduling.k8s.io/v1beta1', ['PriorityClass'], 14, 22, 'scheduling.k8s.io/v1'),
  ...entries(
    'storage.k8s.io/v1beta1',
    ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
    19,
    22,
    'storage.k8s.io/v1',
  ),
  ...entries('storage.k8s.io/v1beta1', ['CSIStorageCapacity'], 24, 27, 'storage.k8s.io/v1'),
  ...entries('policy/v1beta1', ['PodDisruptionBudget'], 21, 25, 'policy/v1'),
  ...entries('policy/v1beta1', ['PodSecurityPolicy'], 21, 25, 'none (Pod Security admission)'),
  ...entries('discovery.k8s.io/v1beta1', ['EndpointSlice'], 21, 25, 'discovery.k8s.io/v1'),
  ...entries('events.k8s.io/v1beta1', ['Event'], 19, 25, 'events.k8s.io/v1'),
  ...entries('autoscaling/v2beta1', ['HorizontalPodAutoscaler'], 22, 25, 'autoscaling/v2'),
  ...entries('autoscaling/v2beta2', ['HorizontalPodAutoscaler'], 23, 26, 'autoscaling/v2'),
  ...entries('node.k8s.io/v1beta1', ['RuntimeClass'], 20, 25, 'node.k8s.io/v1'),
  ...entries('flowcontrol.apiserver.k8s.io/v1beta1', FLOW, 23, 26, 'flowcontrol.apiserver.k8s.io/v1'),
  ...entries('flowcontrol.apiserver.k8s.io/v1beta2', FLOW, 26, 29, 'flowcontrol.apiserver.k8s.io/v1'),
  ...entries('flowcontrol.apiserver.k8s.io/v1beta3', FLOW, 29, 32, 'flowcontrol.apiserver.k8s.io/v1'),
];

const BY_KEY = new Map(REMOVED_API_VERSIONS.map((e) => [`${e.apiVersion}\u0000${e.kind}`, e]));

/** The table entry for an object's apiVersion and kind, when that version is deprecated or removed. */
export function removedApiVersion(
  apiVersion: string | undefined,
  kind: string | undefined,
): RemovedApiVersion | undefined {
  return BY_KEY.get(`${apiVersion ?? ''}\u0000${kind ?? ''}`);
}
