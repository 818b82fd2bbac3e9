/**
 * Finds the pod template inside any object that carries one, and resolves each container's
 * effective security settings once, with Pod Security semantics, so no rule re-implements the
 * pod-versus-container inheritance (the largest source of scanner false positives).
 */
import { KubeObject, PathSegment } from './types';
import { Json, arr, isRecord, labelsOf, rec, str } from './util';

export interface PodTemplate {
  /** Path of the template's metadata (`metadata` for a Pod). */
  readonly metadataPath: readonly PathSegment[];
  /** Path of the pod spec (`spec` for a Pod). */
  readonly specPath: readonly PathSegment[];
  readonly metadata: Json;
  readonly spec: Json;
}

export type PodTemplateLocator = (object: KubeObject) => PodTemplate | undefined;

export interface GroupVersionKind {
  /** API group, '' for the core group. */
  readonly group: string;
  /** API version, or '*' for every version. */
  readonly version: string;
  readonly kind: string;
}

function templateAt(object: KubeObject, path: readonly string[]): PodTemplate | undefined {
  let node: unknown = object;
  for (const seg of path) node = rec(node)[seg];
  if (!isRecord(node) || !isRecord(node.spec)) return undefined;
  return {
    metadataPath: [...path, 'metadata'],
    specPath: [...path, 'spec'],
    metadata: rec(node.metadata),
    spec: node.spec,
  };
}

/** Locator for objects whose pod template sits at a fixed path (`spec.template`, …). */
export function templatePathLocator(...path: string[]): PodTemplateLocator {
  return (object) => templateAt(object, path);
}

const podLocator: PodTemplateLocator = (object) =>
  isRecord(object.spec)
    ? { metadataPath: ['metadata'], specPath: ['spec'], metadata: rec(object.metadata), spec: object.spec }
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

export function splitApiVersion(apiVersion: string | undefined): { group: string; version: string } {
  const av = apiVersion ?? '';
  const slash = av.indexOf('/');
  return slash < 0 ? { group: '', version: av } : { group: av.slice(0, slash), version: av.slice(slash + 1) };
}

export type LocatorTable = ReadonlyMap<string, PodTemplateLocator>;

export function locatorTable(
  extra: readonly { gvk: GroupVersionKind; locator: PodTemplateLocator }[] = [],
): LocatorTable {
  const table = new Map(defaultLocators);
  for (const { gvk, locator } of extra) table.set(key(gvk), locator);
  return table;
}

export function locatePodTemplate(object: KubeObject, table: LocatorTable): PodTemplate | undefined {
  const { group, version } = splitApiVersion(object.apiVersion);
  const kind = object.kind ?? '';
  const locator = table.get(key({ group, version, kind })) ?? table.get(key({ group, version: '*', kind }));
  return locator?.(object);
}

export type ContainerListName = 'initContainers' | 'containers' | 'ephemeralContainers';
export const CONTAINER_LISTS: readonly ContainerListName[] = ['initContainers', 'containers', 'ephemeralContainers'];

/** A value with the path where it was set (or where it should be set when unset). */
export interface Resolved<T> {
  readonly value: T | undefined;
  readonly path: readonly PathSegment[];
  readonly from: 'container' | 'pod' | 'unset';
}

export interface EffectiveSecurity {
  readonly runAsNonRoot: Resolved<boolean>;
  readonly runAsUser: Resolved<number>;
  readonly runAsGroup: Resolved<number>;
  readonly seccompProfileType: Resolved<string>;
  readonly appArmorProfileType: Resolved<string>;
  readonly allowPrivilegeEscalation: Resolved<boolean>;
  readonly privileged: Resolved<boolean>;
  readonly readOnlyRootFilesystem: Resolved<boolean>;
  readonly capabilitiesAdd: readonly string[];
  readonly capabilitiesDrop: readonly string[];
}

export interface ResolvedContainer {
  readonly name: string;
  readonly list: ContainerListName;
  readonly index: number;
  readonly path: readonly PathSegment[];
  readonly spec: Json;
  /** The container's own securityContext (empty when unset). */
  readonly securityContext: Json;
  readonly effective: EffectiveSecurity;
}

export interface PodContext {
  readonly template: PodTemplate;
  readonly spec: Json;
  readonly specPath: readonly PathSegment[];
  readonly labels: Record<string, string>;
  readonly podSecurityContext: Json;
  readonly containers: readonly ResolvedContainer[];
}

type Getter<T> = (sc: Json) => T | undefined;

function inherit<T>(
  ctr: Json,
  pod: Json,
  ctrPath: readonly PathSegment[],
  podPath: readonly PathSegment[],
  field: string[],
  get: Getter<T>,
): Resolved<T> {
  const c = get(ctr);
  if (c !== undefined) return { value: c, path: [...ctrPath, ...field], from: 'container' };
  const p = get(pod);
  if (p !== undefined) return { value: p, path: [...podPath, ...field], from: 'pod' };
  return { value: undefined, path: [...ctrPath, ...field], from: 'unset' };
}

function own<T>(ctr: Json, ctrPath: readonly PathSegment[], field: string[], get: Getter<T>): Resolved<T> {
  const v = get(ctr);
  return { value: v, path: [...ctrPath, ...field], from: v === undefined ? 'unset' : 'container' };
}

const bool: (f: string) => Getter<boolean> = (f) => (sc) =>
  typeof sc[f] === 'boolean' ? (sc[f] as boolean) : undefined;
const num: (f: string) => Getter<number> = (f) => (sc) => (typeof sc[f] === 'number' ? (sc[f] as number) : undefined);
const profileType: (f: string) => Getter<string> = (f) => (sc) =>
  isRecord(sc[f]) ? (str(sc[f].type) ?? '') : undefined;

function resolveContainer(
  spec: Json,
  specPath: readonly PathSegment[],
  list: ContainerListName,
  index: number,
  c: Json,
): ResolvedContainer {
  const path = [...specPath, list, index];
  const sc = rec(c.securityContext);
  const pod = rec(spec.securityContext);
  const scPath = [...path, 'securityContext'];
  const podPath = [...specPath, 'securityContext'];
  const caps = rec(sc.capabilities);
  const names = (v: unknown) => recsOrStrings(v);
  return {
    name: str(c.name) ?? `${list}[${index}]`,
    list,
    index,
    path,
    spec: c,
    securityContext: sc,
    effective: {
      runAsNonRoot: inherit(sc, pod, scPath, podPath, ['runAsNonRoot'], bool('runAsNonRoot')),
      runAsUser: inherit(sc, pod, scPath, podPath, ['runAsUser'], num('runAsUser')),
      runAsGroup: inherit(sc, pod, scPath, podPath, ['runAsGroup'], num('runAsGroup')),
      seccompProfileType: inherit(sc, pod, scPath, podPath, ['seccompProfile', 'type'], profileType('seccompProfile')),
      appArmorProfileType: inherit(
        sc,
        pod,
        scPath,
        podPath,
        ['appArmorProfile', 'type'],
        profileType('appArmorProfile'),
      ),
      allowPrivilegeEscalation: own(sc, scPath, ['allowPrivilegeEscalation'], bool('allowPrivilegeEscalation')),
      privileged: own(sc, scPath, ['privileged'], bool('privileged')),
      readOnlyRootFilesystem: own(sc, scPath, ['readOnlyRootFilesystem'], bool('readOnlyRootFilesystem')),
      capabilitiesAdd: names(caps.add),
      capabilitiesDrop: names(caps.drop),
    },
  };
}

function recsOrStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Every container of the pod spec: init, regular and ephemeral, as PSA's visitor walks them. */
export function resolveContainers(spec: Json, specPath: readonly PathSegment[]): ResolvedContainer[] {
  const out: ResolvedContainer[] = [];
  for (const list of CONTAINER_LISTS) {
    arr(spec[list]).forEach((c, i) => {
      if (isRecord(c)) out.push(resolveContainer(spec, specPath, list, i, c));
    });
  }
  return out;
}

export function podContext(template: PodTemplate): PodContext {
  return {
    template,
    spec: template.spec,
    specPath: template.specPath,
    labels: labelsOf(template.metadata.labels),
    podSecurityContext: rec(template.spec.securityContext),
    containers: resolveContainers(template.spec, template.specPath),
  };
}
