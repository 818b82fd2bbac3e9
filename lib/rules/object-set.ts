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
    return namespace === undefined ? list : list.filter((o) => o.namespace === namespace);
  }

  public find(kind: string, name: string, namespace?: string): IndexedObject | undefined {
    return this.ofKind(kind, namespace).find((o) => o.name === name);
  }

  public namespace(name: string): IndexedObject | undefined {
    return this.find('Namespace', name);
  }

  /** Objects that carry a pod template, optionally in one namespace. */
  public workloads(namespace?: string): readonly IndexedObject[] {
    return this.items.filter((o) => o.pod && (namespace === undefined || o.namespace === namespace));
  }

  /** Labels of a namespace: from its object when present, else just the automatic name label. */
  public namespaceLabels(name: string): Record<string, string> {
    return { ...(this.namespace(name)?.labels ?? {}), 'kubernetes.io/metadata.name': name };
  }
}
