import { invalidProp } from '../core';
import { ClassifiedObject, SynthesizedObject, objectKey } from './objects';

/** A classified object with the keys of the objects it must be applied after. */
export interface PlannedObject extends ClassifiedObject {
  /** Keys of the objects to apply first (sorted); they become Pulumi `dependsOn` edges. */
  readonly dependsOn: readonly string[];
}

type Json = Record<string, unknown>;

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);
/** Vault Secrets Operator kinds that write a Secret named by `spec.destination.name`. */
const SECRET_PRODUCERS = new Set(['VaultStaticSecret', 'VaultDynamicSecret', 'VaultPKISecret']);

/**
 * Tie-break for objects with no edge between them: registration reads top-down like a manifest,
 * with the namespace and cluster-wide prerequisites first.
 */
const KIND_RANK: Readonly<Record<string, number>> = {
  Namespace: 0,
  CustomResourceDefinition: 0,
  PriorityClass: 1,
  RuntimeClass: 1,
  ServiceAccount: 2,
  Role: 2,
  ClusterRole: 2,
  ConfigMap: 3,
  Secret: 3,
};
const DEFAULT_RANK = 4;
const WORKLOAD_RANK = 5;

/**
 * Orders the objects so every object comes after what it references, and records those edges:
 * the namespace it lives in; the ServiceAccount, PriorityClass, RuntimeClass, ConfigMaps,
 * Secrets, SecretProviderClasses and Vault secrets a workload uses; a binding's role and
 * ServiceAccount subjects; a Vault secret's VaultAuth and its VaultConnection; an admission
 * policy binding's policy. References to objects outside the set are left to the cluster.
 */
export function planDependencies(scope: string, objects: readonly ClassifiedObject[]): PlannedObject[] {
  const keys = new Set(objects.map((o) => o.key));
  const producers = secretProducers(objects);
  const edges = new Map<string, Set<string>>(objects.map((o) => [o.key, new Set<string>()]));
  for (const o of objects) {
    for (const ref of references(o.object, producers)) if (keys.has(ref) && ref !== o.key) edges.get(o.key)?.add(ref);
    // A Vault secret names the workloads it restarts; they consume its Secret, so they come after it.
    for (const target of restartTargets(o.object)) if (keys.has(target)) edges.get(target)?.add(o.key);
  }
  return topologicalOrder(scope, objects, edges);
}

/**
 * Kahn's algorithm with a binary heap: among the objects whose references are all placed, the one
 * with the lowest (kind rank, input index) goes next. That is the order the first, quadratic
 * version produced by rescanning every pending object after each step (test/pulumi/dependencies
 * compares the two on generated platforms); this one is O((n + e) log n).
 */
function topologicalOrder(
  scope: string,
  objects: readonly ClassifiedObject[],
  edges: Map<string, Set<string>>,
): PlannedObject[] {
  const rank = (o: ClassifiedObject): number =>
    KIND_RANK[o.object.kind] ?? (WORKLOAD_KINDS.has(o.object.kind) ? WORKLOAD_RANK : DEFAULT_RANK);
  const indexOf = new Map(objects.map((o, i) => [o.key, i]));
  const ranks = objects.map(rank);
  const waitingOn = objects.map((o) => edges.get(o.key)?.size ?? 0);
  const dependents: number[][] = objects.map(() => []);
  objects.forEach((o, i) => {
    for (const dep of edges.get(o.key) ?? []) dependents[indexOf.get(dep) as number].push(i);
  });
  const ready = new MinHeap((a, b) => ranks[a] - ranks[b] || a - b);
  waitingOn.forEach((n, i) => n === 0 && ready.push(i));
  const placed = new Array<boolean>(objects.length).fill(false);
  const ordered: PlannedObject[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    const o = objects[next];
    placed[next] = true;
    ordered.push({ ...o, dependsOn: [...(edges.get(o.key) ?? [])].sort() });
    for (const d of dependents[next]) if (--waitingOn[d] === 0) ready.push(d);
  }
  if (ordered.length < objects.length) {
    invalidProp(
      scope,
      'objects',
      objects.filter((_, i) => !placed[i]).map((o) => o.key),
      'objects whose references form no cycle',
      'no apply order exists',
    );
  }
  return ordered;
}

/** A binary min-heap of numbers under `compare`. */
class MinHeap {
  private readonly items: number[] = [];

  constructor(private readonly compare: (a: number, b: number) => number) {}

  public push(item: number): void {
    const items = this.items;
    let i = items.push(item) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i], items[parent]) >= 0) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  public pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && this.compare(items[l], items[m]) < 0) m = l;
      if (r < items.length && this.compare(items[r], items[m]) < 0) m = r;
      if (m === i) return top;
      [items[i], items[m]] = [items[m], items[i]];
      i = m;
    }
  }
}

function references(object: SynthesizedObject, producers: Map<string, string[]>): string[] {
  const ns = object.metadata.namespace;
  const refs: string[] = ns ? [objectKey('Namespace', ns)] : [];
  const spec = asJson(object.spec);
  if (WORKLOAD_KINDS.has(object.kind)) refs.push(...podSpecReferences(podSpecOf(object), ns, producers));
  if (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding')
    refs.push(...bindingReferences(object, ns));
  if (typeof spec.vaultAuthRef === 'string') refs.push(namespacedRef('VaultAuth', spec.vaultAuthRef, ns));
  if (typeof spec.vaultConnectionRef === 'string')
    refs.push(namespacedRef('VaultConnection', spec.vaultConnectionRef, ns));
  const vaultSa = asJson(spec.kubernetes).serviceAccount;
  if (object.kind === 'VaultAuth' && typeof vaultSa === 'string') refs.push(objectKey('ServiceAccount', vaultSa, ns));
  if (object.kind.startsWith('ValidatingAdmissionPolicyBinding') && typeof spec.policyName === 'string') {
    refs.push(objectKey('ValidatingAdmissionPolicy', spec.policyName));
  }
  return refs;
}

function podSpecOf(object: SynthesizedObject): Json {
  const spec = asJson(object.spec);
  if (object.kind === 'Pod') return spec;
  if (object.kind === 'CronJob') return asJson(asJson(asJson(asJson(spec.jobTemplate).spec).template).spec);
  return asJson(asJson(spec.template).spec);
}

function podSpecReferences(pod: Json, ns: string | undefined, producers: Map<string, string[]>): string[] {
  const refs: string[] = [];
  const named = (kind: string, name: unknown) => {
    if (typeof name !== 'string') return;
    if (kind === 'Secret') refs.push(...(producers.get(objectKey('Secret', name, ns)) ?? []));
    refs.push(objectKey(kind, name, ns));
  };
  named('ServiceAccount', pod.serviceAccountName);
  if (typeof pod.priorityClassName === 'string') refs.push(objectKey('PriorityClass', pod.priorityClassName));
  if (typeof pod.runtimeClassName === 'string') refs.push(objectKey('RuntimeClass', pod.runtimeClassName));
  for (const s of asArray(pod.imagePullSecrets)) named('Secret', s.name);
  const containers = [...asArray(pod.containers), ...asArray(pod.initContainers), ...asArray(pod.ephemeralContainers)];
  for (const c of containers) {
    for (const e of asArray(c.envFrom)) {
      named('ConfigMap', asJson(e.configMapRef).name);
      named('Secret', asJson(e.secretRef).name);
    }
    for (const e of asArray(c.env)) {
      const from = asJson(e.valueFrom);
      named('ConfigMap', asJson(from.configMapKeyRef).name);
      named('Secret', asJson(from.secretKeyRef).name);
    }
  }
  for (const v of asArray(pod.volumes)) {
    named('ConfigMap', asJson(v.configMap).name);
    named('Secret', asJson(v.secret).secretName);
    named('PersistentVolumeClaim', asJson(v.persistentVolumeClaim).claimName);
    named('SecretProviderClass', asJson(asJson(v.csi).volumeAttributes).secretProviderClass);
    for (const source of asArray(asJson(v.projected).sources)) {
      named('ConfigMap', asJson(source.configMap).name);
      named('Secret', asJson(source.secret).name);
    }
  }
  return refs;
}

function bindingReferences(object: SynthesizedObject, ns: string | undefined): string[] {
  const roleRef = asJson(object.roleRef);
  const refs: string[] = [];
  if (typeof roleRef.name === 'string')
    refs.push(
      roleRef.kind === 'ClusterRole' ? objectKey('ClusterRole', roleRef.name) : objectKey('Role', roleRef.name, ns),
    );
  for (const s of asArray(object.subjects)) {
    if (s.kind === 'ServiceAccount' && typeof s.name === 'string')
      refs.push(objectKey('ServiceAccount', s.name, typeof s.namespace === 'string' ? s.namespace : ns));
  }
  return refs;
}

/** Secret key → the Vault Secrets Operator objects that write that Secret. */
function secretProducers(objects: readonly ClassifiedObject[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const o of objects) {
    const name = asJson(asJson(o.object.spec).destination).name;
    if (!SECRET_PRODUCERS.has(o.object.kind) || typeof name !== 'string') continue;
    const key = objectKey('Secret', name, o.object.metadata.namespace);
    out.set(key, [...(out.get(key) ?? []), o.key]);
  }
  return out;
}

function restartTargets(object: SynthesizedObject): string[] {
  if (!SECRET_PRODUCERS.has(object.kind)) return [];
  return asArray(asJson(object.spec).rolloutRestartTargets)
    .filter((t) => typeof t.kind === 'string' && typeof t.name === 'string')
    .map((t) => objectKey(t.kind as string, t.name as string, object.metadata.namespace));
}

/** VSO references are `name` or `namespace/name`. */
function namespacedRef(kind: string, ref: string, ns: string | undefined): string {
  const slash = ref.indexOf('/');
  return slash < 0 ? objectKey(kind, ref, ns) : objectKey(kind, ref.slice(slash + 1), ref.slice(0, slash));
}

function asJson(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(asJson) : [];
}
