import { App } from 'cdk8s';
import { synthesizeCharts } from '../platform/app';
import { IConstruct } from 'constructs';
import { invalidProp } from '../core';
import { BUILT_IN_GROUPS, BUILT_IN_KINDS, apiGroup, isClusterScoped, typeToken } from './kinds';

/** A Kubernetes object as synthesized: plain JSON with a typed envelope. */
export interface SynthesizedObject {
  /** `group/version`, or `v1` for core. */
  readonly apiVersion: string;
  /** Object kind, e.g. `Deployment`. */
  readonly kind: string;
  /** Name and (for namespaced objects) namespace, which make up the object's key. */
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** One object and how it is registered with Pulumi. */
export interface ClassifiedObject {
  /** `<namespace>/<Kind>/<name>`, or `<Kind>/<name>` for cluster-scoped objects. */
  readonly key: string;
  /** Pulumi type token of the registered resource. */
  readonly token: string;
  /** Registered through a typed `@pulumi/kubernetes` class (else through CustomResource). */
  readonly builtIn: boolean;
  /** Cluster-scoped kind: registered without a namespace, keyed as `<Kind>/<name>`. */
  readonly clusterScoped: boolean;
  /** The object as registered: the synthesized one, without metadata.namespace when cluster-scoped. */
  readonly object: SynthesizedObject;
}

/**
 * Every object the App or Chart synthesizes, in memory, chart by chart (nested Charts such as
 * AgentNamespace in AgentPlatform included). Validation and dependency resolution run once for the
 * whole app, as `cdk8s synth` does; calling `toJson()` per chart would repeat them for every chart.
 */
export function synthesizeObjects(root: IConstruct): SynthesizedObject[] {
  const app = App.of(root);
  const charts = synthesizeCharts(app);
  // Given the App itself, every chart is in scope: no walk over the whole tree to say so.
  if (root === app) return charts.flatMap(({ objects }) => objects as SynthesizedObject[]);
  const inScope = new Set<IConstruct>(root.node.findAll());
  return charts.filter(({ chart }) => inScope.has(chart)).flatMap(({ objects }) => objects as SynthesizedObject[]);
}

/** The key a reference to an object resolves to. */
export function objectKey(kind: string, name: string, namespace?: string): string {
  return namespace ? `${namespace}/${kind}/${name}` : `${kind}/${name}`;
}

/** Classifies every object; refuses what cannot be registered faithfully. */
export function classifyObjects(scope: string, objects: readonly SynthesizedObject[]): ClassifiedObject[] {
  const seen = new Set<string>();
  return objects.map((object, i) => {
    const classified = classifyObject(scope, object, i);
    if (seen.has(classified.key)) {
      invalidProp(
        scope,
        `objects[${i}]`,
        classified.key,
        'objects with distinct kind, namespace and name',
        'the second object would overwrite the first in the cluster',
      );
    }
    seen.add(classified.key);
    return classified;
  });
}

function classifyObject(scope: string, object: SynthesizedObject, i: number): ClassifiedObject {
  const field = `objects[${i}]`;
  if (
    typeof object?.apiVersion !== 'string' ||
    typeof object.kind !== 'string' ||
    typeof object.metadata?.name !== 'string'
  ) {
    invalidProp(
      scope,
      field,
      object,
      'a Kubernetes object with apiVersion, kind and metadata.name (Pulumi has no autonaming for them here)',
    );
  }
  if ('status' in object)
    invalidProp(scope, `${field}.status`, object.status, 'objects without status, which the cluster writes');
  const builtIn = BUILT_IN_KINDS[`${object.apiVersion}/${object.kind}`];
  const group = apiGroup(object.apiVersion);
  if (!builtIn && BUILT_IN_GROUPS.has(group)) {
    invalidProp(
      scope,
      `${field}.kind`,
      `${object.apiVersion}/${object.kind}`,
      `one of ${Object.keys(BUILT_IN_KINDS).join(', ')}, or a custom resource kind`,
    );
  }
  if (builtIn) {
    const extra = Object.keys(object).filter((k) => k !== 'apiVersion' && k !== 'kind' && !builtIn.fields.includes(k));
    if (extra.length > 0)
      invalidProp(
        scope,
        `${field}.${extra[0]}`,
        object[extra[0]],
        `only ${builtIn.fields.join(', ')} on a ${object.kind}`,
        'the typed Pulumi resource would drop the field silently',
      );
  }
  const clusterScoped = isClusterScoped(object.apiVersion, object.kind);
  const registered = clusterScoped ? withoutNamespace(object) : object;
  return {
    key: objectKey(object.kind, object.metadata.name, registered.metadata.namespace),
    token: typeToken(object.apiVersion, object.kind),
    builtIn: builtIn !== undefined,
    clusterScoped,
    object: registered,
  };
}

function withoutNamespace(object: SynthesizedObject): SynthesizedObject {
  if (object.metadata.namespace === undefined) return object;
  const metadata = { ...object.metadata };
  delete metadata.namespace;
  return { ...object, metadata };
}
