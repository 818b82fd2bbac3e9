/**
 * Finds the pod template inside any object that carries one, and resolves each container's
 * effective security settings once, with Pod Security semantics, so no rule re-implements the
 * pod-versus-container inheritance (the largest source of scanner false positives).
 */
import { KubeObject, PathSegment } from './types';
import { Json, arr, isRecord, rec, sharedLabels, str, strs } from './util';

/** Where an object's pod template is and what it holds. */
export interface PodTemplate {
  /** Path of the template's metadata (`metadata` for a Pod). */
  readonly metadataPath: readonly PathSegment[];
  /** Path of the pod spec (`spec` for a Pod). */
  readonly specPath: readonly PathSegment[];
  /** The template's metadata (labels, suppression annotations); empty when unset. */
  readonly metadata: Json;
  /** The pod spec. */
  readonly spec: Json;
}

/** Finds the pod template in objects of one kind; undefined when the object has none. */
export type PodTemplateLocator = (object: KubeObject) => PodTemplate | undefined;

/** Identifies the kind a pod-template locator is registered for. */
export interface GroupVersionKind {
  /** API group, '' for the core group. */
  readonly group: string;
  /** API version, or '*' for every version. */
  readonly version: string;
  /** Kind, e.g. `Deployment`. */
  readonly kind: string;
}

/** Locator for objects whose pod template sits at a fixed path (`spec.template`, …). */
export function templatePathLocator(...path: string[]): PodTemplateLocator {
  // The same two paths for every object of the kind: made once, frozen, shared by every template
  // (the index keeps each object's template for the whole run).
  const metadataPath: readonly PathSegment[] = Object.freeze([...path, 'metadata']);
  const specPath: readonly PathSegment[] = Object.freeze([...path, 'spec']);
  return (object) => {
    let node: unknown = object;
    for (const seg of path) node = rec(node)[seg];
    if (!isRecord(node) || !isRecord(node.spec)) return undefined;
    return { metadataPath, specPath, metadata: rec(node.metadata), spec: node.spec };
  };
}

const POD_METADATA_PATH: readonly PathSegment[] = Object.freeze(['metadata']);
const POD_SPEC_PATH: readonly PathSegment[] = Object.freeze(['spec']);

const podLocator: PodTemplateLocator = (object) =>
  isRecord(object.spec)
    ? { metadataPath: POD_METADATA_PATH, specPath: POD_SPEC_PATH, metadata: rec(object.metadata), spec: object.spec }
    : undefined;

const defaultLocators = new Map<string, PodTemplateLocator>();

function key(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

/** Registers a locator globally (CRDs add theirs here, or pass `locators` to a run). */
export function registerPodTemplateLocator(gvk: GroupVersionKind, locator: PodTemplateLocator): void {
  defaultLocators.set(key(gvk), locator);
}

/**
 * Every group and version the API server has served each workload kind under. Old versions
 * (`extensions/v1beta1`, `apps/v1beta1`, `apps/v1beta2`, `batch/v1beta1`, ...) still describe the
 * same pods, and clusters or converters may still accept them, so every version is judged like
 * the current one: the version is `*`. Removed versions are reported by the api-versions pack.
 */
export const WORKLOAD_GROUPS: Readonly<Record<string, readonly string[]>> = {
  Pod: [''],
  ReplicationController: [''],
  Deployment: ['apps', 'extensions'],
  DaemonSet: ['apps', 'extensions'],
  ReplicaSet: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  Job: ['batch'],
  CronJob: ['batch'],
};

const TEMPLATE_PATHS: Readonly<Record<string, readonly string[] | undefined>> = {
  Pod: undefined,
  ReplicationController: ['spec', 'template'],
  Deployment: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

for (const [kind, groups] of Object.entries(WORKLOAD_GROUPS)) {
  const path = TEMPLATE_PATHS[kind];
  for (const group of groups) {
    registerPodTemplateLocator({ group, version: '*', kind }, path ? templatePathLocator(...path) : podLocator);
  }
}

/** Kinds with a built-in pod-template locator; rules scope themselves to these. */
export const POD_TEMPLATE_KINDS: readonly string[] = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
];

/** Splits `group/version` (or core `v1`, group '') into its parts. */
export function splitApiVersion(apiVersion: string | undefined): { group: string; version: string } {
  const av = apiVersion ?? '';
  const slash = av.indexOf('/');
  return slash < 0 ? { group: '', version: av } : { group: av.slice(0, slash), version: av.slice(slash + 1) };
}

/** Locators keyed by `group/version/kind`, version `*` matching every version. */
export type LocatorTable = ReadonlyMap<string, PodTemplateLocator>;

/** The registered locators plus a run's extra ones, which override registered ones for the same kind. */
export function locatorTable(
  extra: readonly { gvk: GroupVersionKind; locator: PodTemplateLocator }[] = [],
): LocatorTable {
  const table = new Map(defaultLocators);
  for (const { gvk, locator } of extra) table.set(key(gvk), locator);
  return table;
}

/** The object's pod template: an exact-version locator first, else the kind's `*` locator. */
export function locatePodTemplate(object: KubeObject, table: LocatorTable): PodTemplate | undefined {
  return locatorFor(table, object.apiVersion, object.kind)?.(object);
}

/** The locator for objects of an apiVersion and kind: an exact-version locator first, else the kind's `*` one. */
export function locatorFor(
  table: LocatorTable,
  apiVersion: string | undefined,
  kind: string | undefined,
): PodTemplateLocator | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  const k = kind ?? '';
  return table.get(key({ group, version, kind: k })) ?? table.get(key({ group, version: '*', kind: k }));
}

/** The pod spec fields that hold containers. */
export type ContainerListName = 'initContainers' | 'containers' | 'ephemeralContainers';
/** Every container list, in the order Pod Security admission visits them. */
export const CONTAINER_LISTS: readonly ContainerListName[] = ['initContainers', 'containers', 'ephemeralContainers'];

/** A value with the path where it was set (or where it should be set when unset). */
export interface Resolved<T> {
  /** The effective value; undefined when neither container nor pod sets it. */
  readonly value: T | undefined;
  /** Where it is set; when unset, the container field to set, so findings point at the fix. */
  readonly path: readonly PathSegment[];
  /** Which securityContext supplied the value. */
  readonly from: 'container' | 'pod' | 'unset';
}

/** A container's security settings after pod-level inheritance, as Pod Security evaluates them. */
export interface EffectiveSecurity {
  /** Container value, else the pod's. */
  readonly runAsNonRoot: Resolved<boolean>;
  /** Container value, else the pod's. */
  readonly runAsUser: Resolved<number>;
  /** Container value, else the pod's. */
  readonly runAsGroup: Resolved<number>;
  /** `seccompProfile.type`, container else pod. */
  readonly seccompProfileType: Resolved<string>;
  /** `appArmorProfile.type`, container else pod. */
  readonly appArmorProfileType: Resolved<string>;
  /** Container only: the pod securityContext has no such field. */
  readonly allowPrivilegeEscalation: Resolved<boolean>;
  /** Container only. */
  readonly privileged: Resolved<boolean>;
  /** Container only. */
  readonly readOnlyRootFilesystem: Resolved<boolean>;
  /** `capabilities.add` (string entries only). */
  readonly capabilitiesAdd: readonly string[];
  /** `capabilities.drop` (string entries only). */
  readonly capabilitiesDrop: readonly string[];
}

/** One container of a pod spec with its effective security settings. */
export interface ResolvedContainer {
  /** Container name, else `<list>[<index>]`. */
  readonly name: string;
  /** The list it is in. */
  readonly list: ContainerListName;
  /** Position within that list. */
  readonly index: number;
  /** Path of the container in the object. */
  readonly path: readonly PathSegment[];
  /** The container as written. */
  readonly spec: Json;
  /** The container's own securityContext (empty when unset). */
  readonly securityContext: Json;
  /** Settings after inheritance from the pod. */
  readonly effective: EffectiveSecurity;
}

/** An object's pod template, resolved once for every rule that checks pods. */
export interface PodContext {
  /** Where the template was found. */
  readonly template: PodTemplate;
  /** The pod spec. */
  readonly spec: Json;
  /** Path of the pod spec in the object. */
  readonly specPath: readonly PathSegment[];
  /** The template's labels, for selector matching. */
  readonly labels: Record<string, string>;
  /** The pod's securityContext; empty when unset. */
  readonly podSecurityContext: Json;
  /** Init, regular and ephemeral containers, resolved. */
  readonly containers: readonly ResolvedContainer[];
}

type Getter<T> = (sc: Json) => T | undefined;

/**
 * A resolved setting whose path is built on first read: every container of every workload gets
 * ten of these, and rules read the path only for a finding.
 */
class LazyResolved<T> implements Resolved<T> {
  private built?: readonly PathSegment[];

  constructor(
    public readonly value: T | undefined,
    public readonly from: Resolved<T>['from'],
    private readonly base: readonly PathSegment[],
    private readonly field: readonly string[],
  ) {}

  public get path(): readonly PathSegment[] {
    return (this.built ??= [...this.base, ...this.field]);
  }
}

function inherit<T>(
  ctr: Json,
  pod: Json,
  ctrPath: readonly PathSegment[],
  podPath: readonly PathSegment[],
  field: readonly string[],
  get: Getter<T>,
): Resolved<T> {
  const c = get(ctr);
  if (c !== undefined) return new LazyResolved<T>(c, 'container', ctrPath, field);
  const p = get(pod);
  if (p !== undefined) return new LazyResolved<T>(p, 'pod', podPath, field);
  return new LazyResolved<T>(undefined, 'unset', ctrPath, field);
}

function own<T>(ctr: Json, ctrPath: readonly PathSegment[], field: readonly string[], get: Getter<T>): Resolved<T> {
  const v = get(ctr);
  return new LazyResolved<T>(v, v === undefined ? 'unset' : 'container', ctrPath, field);
}

const bool: (f: string) => Getter<boolean> = (f) => (sc) =>
  typeof sc[f] === 'boolean' ? (sc[f] as boolean) : undefined;
const num: (f: string) => Getter<number> = (f) => (sc) => (typeof sc[f] === 'number' ? (sc[f] as number) : undefined);
const profileType: (f: string) => Getter<string> = (f) => (sc) =>
  isRecord(sc[f]) ? (str(sc[f].type) ?? '') : undefined;

// Readers and field paths made once, not per container.
const RUN_AS_NON_ROOT = bool('runAsNonRoot');
const RUN_AS_USER = num('runAsUser');
const RUN_AS_GROUP = num('runAsGroup');
const SECCOMP_TYPE = profileType('seccompProfile');
const APPARMOR_TYPE = profileType('appArmorProfile');
const ALLOW_PRIVILEGE_ESCALATION = bool('allowPrivilegeEscalation');
const PRIVILEGED = bool('privileged');
const READ_ONLY_ROOT = bool('readOnlyRootFilesystem');
// Paths from the container (or the pod spec) to each field, so no securityContext path is built
// per container: a setting's path is made only when a rule reads it.
const F_RUN_AS_NON_ROOT = ['securityContext', 'runAsNonRoot'] as const;
const F_RUN_AS_USER = ['securityContext', 'runAsUser'] as const;
const F_RUN_AS_GROUP = ['securityContext', 'runAsGroup'] as const;
const F_SECCOMP = ['securityContext', 'seccompProfile', 'type'] as const;
const F_APPARMOR = ['securityContext', 'appArmorProfile', 'type'] as const;
const F_APE = ['securityContext', 'allowPrivilegeEscalation'] as const;
const F_PRIVILEGED = ['securityContext', 'privileged'] as const;
const F_READ_ONLY_ROOT = ['securityContext', 'readOnlyRootFilesystem'] as const;

function resolveContainer(
  pod: Json,
  specPath: readonly PathSegment[],
  list: ContainerListName,
  index: number,
  c: Json,
): ResolvedContainer {
  const path = [...specPath, list, index];
  const sc = rec(c.securityContext);
  const caps = rec(sc.capabilities);
  return {
    name: str(c.name) ?? `${list}[${index}]`,
    list,
    index,
    path,
    spec: c,
    securityContext: sc,
    effective: {
      runAsNonRoot: inherit(sc, pod, path, specPath, F_RUN_AS_NON_ROOT, RUN_AS_NON_ROOT),
      runAsUser: inherit(sc, pod, path, specPath, F_RUN_AS_USER, RUN_AS_USER),
      runAsGroup: inherit(sc, pod, path, specPath, F_RUN_AS_GROUP, RUN_AS_GROUP),
      seccompProfileType: inherit(sc, pod, path, specPath, F_SECCOMP, SECCOMP_TYPE),
      appArmorProfileType: inherit(sc, pod, path, specPath, F_APPARMOR, APPARMOR_TYPE),
      allowPrivilegeEscalation: own(sc, path, F_APE, ALLOW_PRIVILEGE_ESCALATION),
      privileged: own(sc, path, F_PRIVILEGED, PRIVILEGED),
      readOnlyRootFilesystem: own(sc, path, F_READ_ONLY_ROOT, READ_ONLY_ROOT),
      capabilitiesAdd: strs(caps.add),
      capabilitiesDrop: strs(caps.drop),
    },
  };
}

/** Every container of the pod spec: init, regular and ephemeral, as PSA's visitor walks them. */
export function resolveContainers(spec: Json, specPath: readonly PathSegment[]): ResolvedContainer[] {
  const out: ResolvedContainer[] = [];
  const pod = rec(spec.securityContext);
  for (const list of CONTAINER_LISTS) {
    const items = arr(spec[list]);
    for (let i = 0; i < items.length; i++) {
      const c = items[i];
      if (isRecord(c)) out.push(resolveContainer(pod, specPath, list, i, c));
    }
  }
  return out;
}

/** Resolves a located template: labels, pod securityContext and every container. */
export function podContext(template: PodTemplate): PodContext {
  return {
    template,
    spec: template.spec,
    specPath: template.specPath,
    labels: sharedLabels(template.metadata.labels),
    podSecurityContext: rec(template.spec.securityContext),
    containers: resolveContainers(template.spec, template.specPath),
  };
}
