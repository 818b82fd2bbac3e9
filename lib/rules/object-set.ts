/** The whole input, indexed for cross-object rules (policies selecting pods, bindings, namespaces). */
import { LocatorTable, PodContext, locatePodTemplate, podContext } from './pod-template';
import { KubeObject } from './types';
import { labelsOf } from './util';

export interface IndexedObject {
  readonly object: KubeObject;
  readonly index: number;
  readonly kind: string;
  readonly name: string;
  /** metadata.namespace, '' when unset. */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly pod?: PodContext;
}

export class ObjectSet {
  public readonly items: readonly IndexedObject[];
  private readonly byKind = new Map<string, IndexedObject[]>();
  // Rules look up the same kind/namespace once per object: memoized so a scan stays linear.
  private readonly byKindNamespace = new Map<string, Map<string, IndexedObject[]>>();
  private readonly byName = new Map<string, Map<string, IndexedObject>>();
  private readonly workloadsByNamespace = new Map<string | undefined, IndexedObject[]>();

  constructor(objects: readonly KubeObject[], locators: LocatorTable) {
    this.items = objects.map((object, index) => {
      const template = locatePodTemplate(object, locators);
      const item: IndexedObject = {
        object,
        index,
        kind: object.kind ?? '',
        name: object.metadata?.name ?? '',
        namespace: object.metadata?.namespace ?? '',
        labels: labelsOf(object.metadata?.labels),
        pod: template ? podContext(template) : undefined,
      };
      const list = this.byKind.get(item.kind) ?? [];
      list.push(item);
      this.byKind.set(item.kind, list);
      return item;
    });
  }

  public ofKind(kind: string, namespace?: string): readonly IndexedObject[] {
    const list = this.byKind.get(kind) ?? [];
    if (namespace === undefined) return list;
    let buckets = this.byKindNamespace.get(kind);
    if (!buckets) {
      buckets = new Map();
      for (const o of list) {
        const bucket = buckets.get(o.namespace);
        if (bucket) bucket.push(o);
        else buckets.set(o.namespace, [o]);
      }
      this.byKindNamespace.set(kind, buckets);
    }
    return buckets.get(namespace) ?? [];
  }

  public find(kind: string, name: string, namespace?: string): IndexedObject | undefined {
    const key = `${kind}\u0000${namespace ?? '\u0000any'}`;
    let names = this.byName.get(key);
    if (!names) {
      names = new Map();
      // The first object of a name wins, as Array.find would have it.
      for (const o of this.ofKind(kind, namespace)) if (!names.has(o.name)) names.set(o.name, o);
      this.byName.set(key, names);
    }
    return names.get(name);
  }

  public namespace(name: string): IndexedObject | undefined {
    return this.find('Namespace', name);
  }

  /** Objects that carry a pod template, optionally in one namespace. */
  public workloads(namespace?: string): readonly IndexedObject[] {
    if (this.workloadsByNamespace.size === 0) {
      const all = this.items.filter((o) => o.pod);
      this.workloadsByNamespace.set(undefined, all);
      for (const o of all) {
        const bucket = this.workloadsByNamespace.get(o.namespace);
        if (bucket) bucket.push(o);
        else this.workloadsByNamespace.set(o.namespace, [o]);
      }
    }
    return this.workloadsByNamespace.get(namespace) ?? [];
  }

  /** Labels of a namespace: from its object when present, else just the automatic name label. */
  public namespaceLabels(name: string): Record<string, string> {
    return { ...(this.namespace(name)?.labels ?? {}), 'kubernetes.io/metadata.name': name };
  }
}
