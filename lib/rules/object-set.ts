/** The whole input, indexed for cross-object rules (policies selecting pods, bindings, namespaces). */
import { LocatorTable, PodContext, locatePodTemplate, podContext } from './pod-template';
import { KubeObject } from './types';
import { labelsOf } from './util';

/** An input object with the fields rules look up, computed once. */
export interface IndexedObject {
  /** The object itself. */
  readonly object: KubeObject;
  /** Position in the input. */
  readonly index: number;
  /** kind, '' when unset. */
  readonly kind: string;
  /** metadata.name, '' when unset. */
  readonly name: string;
  /** metadata.namespace, '' when unset. */
  readonly namespace: string;
  /** metadata.labels (string values only), for selector matching. */
  readonly labels: Record<string, string>;
  /** The pod template, for workloads and known CRDs. @default undefined (the object has no pod template) */
  readonly pod?: PodContext;
}

/** The whole input, indexed by kind, namespace and name so cross-object rules stay linear. */
export class ObjectSet {
  /** Every object, in input order. */
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

  /** Objects of a kind, in one namespace when given ('' for cluster-scoped). */
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

  /** The first object of a kind and name, in one namespace when given. */
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

  /** The Namespace object of that name, if the input has it. */
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
