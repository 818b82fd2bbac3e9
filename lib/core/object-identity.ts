/**
 * Which object the API server stores for a manifest: its resource (API group and kind), its namespace
 * unless the kind is cluster-scoped, and its name. Two manifests with one identity are one object in
 * the cluster: applied together, the last replaces the others. Pure data and functions: the rule
 * engine and the Pulumi path share them.
 */
import { IConstruct } from 'constructs';
import { removedApiVersion } from './api-versions';
import { invalidProp } from './errors';

/**
 * Cluster-scoped kinds, keyed by `group/Kind` (`/Namespace` for the core group): the API server
 * ignores a namespace written on them. Built-in kinds as of Kubernetes 1.33, then the custom kinds of
 * the engines the project writes or reads (Kyverno, Sigstore policy-controller, Cilium, Calico,
 * Gatekeeper, Gateway API, cert-manager). Every other kind is namespaced.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'resource.k8s.io/DeviceClass',
  'resource.k8s.io/ResourceSlice',
  'policy/PodSecurityPolicy',
  'extensions/PodSecurityPolicy',
  'kyverno.io/ClusterPolicy',
  'kyverno.io/ClusterCleanupPolicy',
  'policy.sigstore.dev/ClusterImagePolicy',
  'cilium.io/CiliumClusterwideNetworkPolicy',
  'crd.projectcalico.org/GlobalNetworkPolicy',
  'templates.gatekeeper.sh/ConstraintTemplate',
  'gateway.networking.k8s.io/GatewayClass',
  'cert-manager.io/ClusterIssuer',
]);

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ''). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Whether the API server stores objects of this group and kind without a namespace. */
export function isClusterScopedKind(group: string, kind: string): boolean {
  // Gatekeeper serves every constraint kind from one group, all cluster-scoped.
  return group === 'constraints.gatekeeper.sh' || CLUSTER_SCOPED_KINDS.has(`${group}/${kind}`);
}

/**
 * The group the API server serves a kind from today. A removed version names its replacement
 * (`extensions/v1beta1` Deployment → `apps`), and both spellings reach the same stored object.
 */
export function servingGroup(apiVersion: string, kind: string): string {
  const replacement = removedApiVersion(apiVersion, kind)?.replacement;
  return replacement !== undefined && /^[a-z0-9.-]+\/v\w+$/.test(replacement)
    ? apiGroupOf(replacement)
    : apiGroupOf(apiVersion);
}

/** What {@link objectIdentity} reads of a manifest. */
export interface IdentifiedObject {
  /** `group/version`, or `v1` for core. @default undefined (names no object) */
  readonly apiVersion?: unknown;
  /** The object's kind. @default undefined (names no object) */
  readonly kind?: unknown;
  /** Its name and, for a namespaced kind, namespace. @default undefined (names no object) */
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown; readonly [field: string]: unknown };
}

/** The object the API server stores for a manifest. */
export interface ObjectIdentity {
  /** The API group it is served from today (`''` for core). */
  readonly group: string;
  /** The kind, as written. */
  readonly kind: string;
  /** `''` for cluster-scoped kinds, and for a namespaced manifest that names none (it lands where it is applied). */
  readonly namespace: string;
  /** metadata.name, as written. */
  readonly name: string;
  /** `group/Kind/namespace/name`: equal keys are one object in the cluster. */
  readonly key: string;
}

/** The resource a manifest's apiVersion and kind name: where the API server stores it. */
export interface ResourceType {
  /** The API group it is served from today ({@link servingGroup}). */
  readonly group: string;
  /** The kind, as written. */
  readonly kind: string;
  /** Stored without a namespace. */
  readonly clusterScoped: boolean;
  /** `group/Kind`: equal keys are one resource. */
  readonly key: string;
}

// apiVersion -> kind -> type: a set has few distinct pairs, so each is worked out once.
const TYPES = new Map<string, Map<string, ResourceType>>();
const MAX_CACHED_API_VERSIONS = 4096;

/** The {@link ResourceType} of an apiVersion and kind (memoized: scans call it once per object). */
export function resourceType(apiVersion: string, kind: string): ResourceType {
  let kinds = TYPES.get(apiVersion);
  if (!kinds) {
    // Bounded: arbitrary input cannot grow the table without limit.
    if (TYPES.size >= MAX_CACHED_API_VERSIONS) TYPES.clear();
    TYPES.set(apiVersion, (kinds = new Map()));
  }
  let type = kinds.get(kind);
  if (!type) {
    const group = servingGroup(apiVersion, kind);
    type = Object.freeze({ group, kind, clusterScoped: isClusterScopedKind(group, kind), key: `${group}/${kind}` });
    if (kinds.size < MAX_CACHED_API_VERSIONS) kinds.set(kind, type);
  }
  return type;
}

/**
 * The object the API server stores for a manifest. Undefined when the manifest names no object (no
 * kind, no apiVersion or no name, as with generateName).
 */
export function objectIdentity(object: IdentifiedObject): ObjectIdentity | undefined {
  const { apiVersion, kind } = object;
  const name = object.metadata?.name;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string' || name === '')
    return undefined;
  const type = resourceType(apiVersion, kind);
  const written = object.metadata?.namespace;
  const namespace = type.clusterScoped || typeof written !== 'string' ? '' : written;
  return { group: type.group, kind, namespace, name, key: `${type.key}/${namespace}/${name}` };
}

/** How messages name an object: `Kind name`, or `Kind namespace/name` for a namespaced one. */
export function describeIdentity(identity: ObjectIdentity): string {
  return `${identity.kind} ${identity.namespace === '' ? '' : `${identity.namespace}/`}${identity.name}`;
}

/** What {@link claimClusterScopedName} records and names in its refusal. */
export interface ClusterScopedNameClaim {
  /** The construct whose objects carry the name (an agent, a namespace). */
  readonly owner: IConstruct;
  /** The cluster-scoped kind (`ClusterRole`, `ValidatingAdmissionPolicy`, ...). */
  readonly kind: string;
  /** The object name, built from the owner's names. */
  readonly name: string;
  /** The owner's prop the name is built from, as the refusal names it (`agentName`). */
  readonly field: string;
  /** That prop's value. */
  readonly value: string;
  /** How the name is built, for the refusal (`'<namespace>-<agent>-api'`). */
  readonly pattern: string;
}

// One table per platform (a WeakMap, so a platform that is dropped takes its table with it).
const claims = new WeakMap<IConstruct, Map<string, IConstruct>>();

/**
 * Records that `claim.owner` emits the cluster-scoped object `claim.kind` `claim.name` in `platform`,
 * and refuses a second owner of the same object. Names of cluster-scoped objects join a namespace
 * and an agent name with '-', so namespace `a` with agent `b-c` and namespace `a-b` with agent `c`
 * would otherwise write one object twice, and the later would replace the earlier's permissions
 * or policy in the cluster.
 */
export function claimClusterScopedName(platform: IConstruct, claim: ClusterScopedNameClaim): void {
  let table = claims.get(platform);
  if (!table) claims.set(platform, (table = new Map()));
  const key = `${claim.kind}/${claim.name}`;
  const holder = table.get(key);
  if (holder === undefined || holder === claim.owner) {
    table.set(key, claim.owner);
    return;
  }
  invalidProp(
    claim.owner,
    claim.field,
    claim.value,
    `another ${claim.field} or namespace name, so that the names built as ${claim.pattern} are unique in the platform`,
    `its ${claim.kind} would be named '${claim.name}', which is already ${holder.node.path}'s`,
  );
}
