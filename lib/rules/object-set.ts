/** The whole input, indexed for cross-object rules (policies selecting pods, bindings, namespaces). */
import { LocatorTable, PodContext, PodTemplateLocator, locatorFor } from './pod-template';
import { ResolvedPod } from './resolved-pod';
import { KubeObject } from './types';
import { isRecord, selectorMatches, sharedLabels } from './util';

/** Reads the label selector of an object (a NetworkPolicy's podSelector, a PDB's selector). */
export type SelectorOf = (item: IndexedObject) => unknown;

/**
 * The first matchLabels entry with a string value: every pod the selector matches carries exactly
 * that label (matchLabels is an AND of equalities), so the selector only needs testing against
 * pods that do. Undefined when the selector has no such entry (empty, expressions only, odd values).
 */
function anchorOf(selector: unknown): [string, string] | undefined {
  if (!isRecord(selector) || !isRecord(selector.matchLabels)) return undefined;
  const ml = selector.matchLabels;
  for (const k in ml) {
    if (!Object.prototype.hasOwnProperty.call(ml, k)) continue;
    const v = ml[k];
    if (typeof v === 'string') return [k, v];
  }
  return undefined;
}

/**
 * Objects of one kind and namespace, bucketed by their selector's anchor label, so "which of them
 * select these labels" tests only the candidates that can match, then applies the full selector.
 * Relies on the objects not changing during a run (the engine treats its input as immutable).
 */
class SelectorIndex {
  private readonly anchored = new Map<string, Map<string, IndexedObject[]>>();
  private readonly unanchored: IndexedObject[] = [];
  // The same pod labels are looked up by several rules: answered once per labels object.
  private readonly answers = new WeakMap<Record<string, string>, readonly IndexedObject[]>();

  constructor(
    items: readonly IndexedObject[],
    private readonly selectorOf: SelectorOf,
  ) {
    for (const item of items) {
      const anchor = anchorOf(selectorOf(item));
      if (!anchor) {
        this.unanchored.push(item);
        continue;
      }
      let values = this.anchored.get(anchor[0]);
      if (!values) this.anchored.set(anchor[0], (values = new Map()));
      const bucket = values.get(anchor[1]);
      if (bucket) bucket.push(item);
      else values.set(anchor[1], [item]);
    }
  }

  /** Every object whose selector matches the labels, in input order. */
  public matching(labels: Record<string, string>): readonly IndexedObject[] {
    const known = this.answers.get(labels);
    if (known) return known;
    let out: IndexedObject[] = [];
    let sources = 0;
    for (const o of this.unanchored) if (selectorMatches(this.selectorOf(o), labels)) out.push(o);
    if (out.length) sources++;
    if (this.anchored.size) {
      for (const k of Object.keys(labels)) {
        const bucket = this.anchored.get(k)?.get(labels[k]);
        if (!bucket) continue;
        const before = out.length;
        for (const o of bucket) if (selectorMatches(this.selectorOf(o), labels)) out.push(o);
        if (out.length > before) sources++;
      }
    }
    // Each object sits in one bucket only, so there are no duplicates; several buckets need re-ordering.
    if (sources > 1) out = out.sort((a, b) => a.index - b.index);
    this.answers.set(labels, out);
    return out;
  }
}

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

const ANY_NAMESPACE: unique symbol = Symbol('any namespace');

/** Names a fact derived from a whole ObjectSet (see {@link ObjectSet.derive}); compare by identity. */
export interface DerivedKey<T> {
  /** What the fact is, for debugging. */
  readonly name: string;
  /** Never set: carries the value type. @default undefined (a type marker only) */
  readonly type?: T;
}

/** The whole input, indexed by kind, namespace and name so cross-object rules stay linear. */
export class ObjectSet {
  /** Every object, in input order. */
  public readonly items: readonly IndexedObject[];
  private readonly byKind = new Map<string, IndexedObject[]>();
  // Rules look up the same kind/namespace once per object: memoized so a scan stays linear.
  private readonly byKindNamespace = new Map<string, Map<string, IndexedObject[]>>();
  // kind -> namespace (or ANY_NAMESPACE) -> name -> first object of that name.
  private readonly byName = new Map<string, Map<string | typeof ANY_NAMESPACE, Map<string, IndexedObject>>>();
  private readonly workloadsByNamespace = new Map<string | undefined, IndexedObject[]>();
  private readonly selectorIndexes = new Map<SelectorOf, Map<string, Map<string, SelectorIndex>>>();
  private readonly derived = new Map<DerivedKey<unknown>, unknown>();
  private readonly namespaceLabelCache = new Map<string, Readonly<Record<string, string>>>();

  constructor(objects: readonly KubeObject[], locators: LocatorTable) {
    // The locator depends only on apiVersion and kind: looked up once per pair, not per object.
    // null: the pair has no locator (so one `get` answers both questions).
    const byType = new Map<string | undefined, Map<string | undefined, PodTemplateLocator | null>>();
    const locate = (object: KubeObject) => {
      let kinds = byType.get(object.apiVersion);
      if (!kinds) byType.set(object.apiVersion, (kinds = new Map()));
      let locator = kinds.get(object.kind);
      if (locator === undefined)
        kinds.set(object.kind, (locator = locatorFor(locators, object.apiVersion, object.kind) ?? null));
      return locator?.(object);
    };
    this.items = objects.map((object, index) => {
      const template = locate(object);
      const item: IndexedObject = {
        object,
        index,
        kind: object.kind ?? '',
        name: object.metadata?.name ?? '',
        namespace: object.metadata?.namespace ?? '',
        labels: sharedLabels(object.metadata?.labels),
        pod: template ? new ResolvedPod(template) : undefined,
      };
      const list = this.byKind.get(item.kind);
      if (list) list.push(item);
      else this.byKind.set(item.kind, [item]);
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
    let scopes = this.byName.get(kind);
    if (!scopes) this.byName.set(kind, (scopes = new Map()));
    const scope = namespace ?? ANY_NAMESPACE;
    let names = scopes.get(scope);
    if (!names) {
      names = new Map();
      // The first object of a name wins, as Array.find would have it.
      for (const o of this.ofKind(kind, namespace)) if (!names.has(o.name)) names.set(o.name, o);
      scopes.set(scope, names);
    }
    return names.get(name);
  }

  /**
   * Objects of a kind in a namespace whose selector (read by `selectorOf`, a module-level function
   * so the index is shared) matches the labels, in input order: `ofKind(kind, namespace).filter(o
   * => selectorMatches(selectorOf(o), labels))`, without testing every pair. Built once per kind,
   * namespace and reader; the labels object must not change afterwards (pod labels never do).
   */
  public selecting(
    kind: string,
    namespace: string,
    selectorOf: SelectorOf,
    labels: Record<string, string>,
  ): readonly IndexedObject[] {
    let byKind = this.selectorIndexes.get(selectorOf);
    if (!byKind) this.selectorIndexes.set(selectorOf, (byKind = new Map()));
    let byNamespace = byKind.get(kind);
    if (!byNamespace) byKind.set(kind, (byNamespace = new Map()));
    let index = byNamespace.get(namespace);
    if (!index) byNamespace.set(namespace, (index = new SelectorIndex(this.ofKind(kind, namespace), selectorOf)));
    return index.matching(labels);
  }

  /**
   * A fact about the whole set, computed once on first use (agent workloads per namespace, ...).
   * The key is a module-level constant naming the fact; the set never changes, so it is never stale.
   */
  public derive<T>(key: DerivedKey<T>, build: (set: ObjectSet) => NoInfer<T>): T {
    if (this.derived.has(key)) return this.derived.get(key) as T;
    const value = build(this);
    this.derived.set(key, value);
    return value;
  }

  /**
   * One entry of a per-set table of facts (attestation coverage per namespace, risks per Role
   * entry, ...): `build` runs once per `entry` and set, and its answer is kept for the run.
   */
  public memo<K, V>(key: DerivedKey<Map<K, V>>, entry: K, build: () => V): V {
    const table = this.derive(key, () => new Map<K, V>());
    if (table.has(entry)) return table.get(entry) as V;
    const value = build();
    table.set(entry, value);
    return value;
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
  public namespaceLabels(name: string): Readonly<Record<string, string>> {
    // Asked per workload by several rules: one frozen record per namespace, which also lets
    // selector lookups keyed by the labels object answer once per namespace.
    let labels = this.namespaceLabelCache.get(name);
    if (!labels) {
      labels = Object.freeze({ ...(this.namespace(name)?.labels ?? {}), 'kubernetes.io/metadata.name': name });
      this.namespaceLabelCache.set(name, labels);
    }
    return labels;
  }
}
