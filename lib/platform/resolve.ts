/**
 * `ApiObject.toJson()` in one pass, with the same result as cdk8s's.
 *
 * Why: cdk8s resolves an object by walking it with its App's resolvers, and looks the App up again
 * (a walk to the root), allocates a key path and a resolution context at every value; then it walks
 * the result a second time to drop empty values and sort keys: a large part of synthesis at scale,
 * and of its garbage. When the App has exactly cdk8s's default resolvers and the object has no JSON
 * patches, the walk below does the same (the same resolvers in the same order, lazy values produced
 * in the same order) in one pass, the metadata (which cdk8s resolves and sanitizes on its own
 * first) included. Anything else, and any value the walk is not sure of, takes cdk8s's own path,
 * so errors and odd values behave exactly as they do there.
 */
import {
  ApiObject,
  ApiObjectMetadataDefinition,
  ApiObjectProps,
  App,
  ImplicitTokenResolver,
  IResolver,
  Lazy,
  LazyResolver,
  NumberStringUnionResolver,
} from 'cdk8s';

/** Thrown inside the walk when a value needs cdk8s's own path; never escapes this module. */
const STOCK = Symbol('stock');

const stockToJson = ApiObject.prototype.toJson;

/** The resolvers cdk8s's App installs when none are given, in their order; only these are mirrored. */
function hasDefaultResolvers(o: ApiObject): boolean {
  const resolvers = (App.of(o) as Partial<App>).resolvers as readonly IResolver[] | undefined;
  return (
    Array.isArray(resolvers) &&
    resolvers.length === 3 &&
    resolvers[0].constructor === LazyResolver &&
    resolvers[1].constructor === ImplicitTokenResolver &&
    resolvers[2].constructor === NumberStringUnionResolver
  );
}

/**
 * cdk8s's `sanitizeValue(resolve([], value))` with the default resolvers: lazy values produced,
 * `resolve()` tokens called, number/string unions unwrapped, nulls dropped from objects, keys
 * sorted (unless `sortKeys` is false). Lazy values are produced in the order cdk8s produces them
 * (insertion order), before sorting. With `dropEmpty`, also what `filterEmptyArrays` and
 * `filterEmptyObjects` drop (empty arrays as they resolve, objects left empty once sanitized), as
 * ApiObjectMetadataDefinition's toJson sanitizes.
 */
function resolveSanitized(input: unknown, sortKeys: boolean, dropEmpty: boolean): unknown {
  // Strings, numbers and booleans: none of the resolvers applies (apiObjectJson checked that their
  // prototypes carry neither `resolve` nor `value`), so the value is its own result.
  const type = typeof input;
  if (type === 'string' || type === 'number' || type === 'boolean') return input;
  let value = input as { resolve?: unknown; value?: unknown; constructor?: unknown } | null | undefined;
  // The three default resolvers, in order; a replaced value is resolved again from the first.
  for (;;) {
    if (value == null) return undefined;
    if (value instanceof Lazy) value = value.produce();
    else if (typeof value.resolve === 'function') value = (value.resolve as () => typeof value)();
    else if (value.constructor !== Object && (typeof value.value === 'number' || typeof value.value === 'string'))
      value = { value: value.value };
    else break;
  }
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (dropEmpty && value.length === 0) return undefined;
    return value.map((x) => resolveSanitized(x, sortKeys, dropEmpty));
  }
  // cdk8s copies only objects whose constructor is Object and refuses others when sanitizing.
  if (value.constructor !== Object) throw STOCK;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const out: Record<string, unknown> = {};
  let written = 0;
  if (!sortKeys || isSorted(keys)) {
    for (const k of keys) {
      const v = resolveSanitized(record[k], sortKeys, dropEmpty);
      if (v != null) {
        out[k] = v;
        written++;
      }
    }
    return dropEmpty && written === 0 ? undefined : out;
  }
  // Produced in insertion order, then written in the default sort's order (UTF-16 code units), as
  // cdk8s's sanitizeValue sorts. Keys are unique; an insertion sort of the pairs allocates nothing.
  const resolved: unknown[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) resolved[i] = resolveSanitized(record[keys[i]], sortKeys, dropEmpty);
  if (keys.length > 32) {
    const index = new Map(keys.map((k, i) => [k, i]));
    for (const k of keys.slice().sort()) {
      const v = resolved[index.get(k)!];
      if (v != null) {
        out[k] = v;
        written++;
      }
    }
    return dropEmpty && written === 0 ? undefined : out;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i];
    const v = resolved[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > k; j--) {
      keys[j + 1] = keys[j];
      resolved[j + 1] = resolved[j];
    }
    keys[j + 1] = k;
    resolved[j + 1] = v;
  }
  for (let i = 0; i < keys.length; i++)
    if (resolved[i] != null) {
      out[keys[i]] = resolved[i];
      written++;
    }
  return dropEmpty && written === 0 ? undefined : out;
}

/** Whether no prototype of a string, number or boolean answers to what the default resolvers look up. */
function primitivesArePlain(): boolean {
  for (const proto of [String.prototype, Number.prototype, Boolean.prototype])
    if ('resolve' in proto || 'value' in proto) return false;
  return true;
}

/** What the fields of cdk8s's ApiObjectMetadataDefinition are (they are public in its JavaScript). */
interface MetadataFields {
  readonly apiObject: unknown;
  readonly _additionalAttributes: Record<string, unknown>;
  readonly name?: string;
  readonly namespace?: string;
  readonly annotations: Record<string, unknown>;
  readonly finalizers: unknown[];
  readonly ownerReferences: unknown[];
  readonly labels: Record<string, unknown>;
}

const stockMetadataToJson = ApiObjectMetadataDefinition.prototype.toJson;

/**
 * `o.metadata.toJson()` in one pass: cdk8s resolves the metadata (allocating a key path and a
 * context per value) and sanitizes it with empty arrays and objects dropped and keys sorted. A
 * metadata object that is not cdk8s's own, or not bound to `o`, takes its own method.
 */
function metadataJson(o: ApiObject): unknown {
  const def: ApiObjectMetadataDefinition = o.metadata;
  const m = def as unknown as MetadataFields;
  const stock =
    Object.getPrototypeOf(def) === ApiObjectMetadataDefinition.prototype &&
    def.toJson === stockMetadataToJson &&
    m.apiObject === o &&
    typeof m._additionalAttributes === 'object' &&
    m._additionalAttributes !== null;
  if (!stock) return def.toJson();
  // The object cdk8s's toJson resolves, key for key in its order.
  const data = {
    ...m._additionalAttributes,
    name: m.name,
    namespace: m.namespace,
    annotations: m.annotations,
    finalizers: m.finalizers,
    ownerReferences: m.ownerReferences,
    labels: m.labels,
  };
  // cdk8s's metadata sanitizer sorts whatever CDK8S_DISABLE_SORT says.
  return resolveSanitized(data, true, true);
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/**
 * What `ApiObject.prototype.toJson` returns for `o` (the stock method, before any subclass's
 * conversion), in one pass when `patched` is false and the App's resolvers are cdk8s's defaults.
 * `props` are the props cdk8s's constructor was given (it keeps them private).
 */
export function apiObjectJson(o: ApiObject, props: ApiObjectProps, patched: boolean): Record<string, unknown> {
  if (patched || !hasDefaultResolvers(o) || !primitivesArePlain()) return stockToJson.call(o);
  let json: Record<string, unknown>;
  try {
    const data = { ...props, metadata: metadataJson(o) };
    json = resolveSanitized(data, !process.env.CDK8S_DISABLE_SORT, false) as Record<string, unknown>;
  } catch (e) {
    // cdk8s's path gives the same result or the same error (with its message and wrapping).
    if (e === STOCK) return stockToJson.call(o);
    throw new Error(`Failed serializing construct at path '${o.node.path}' with name '${o.name}': ${e}`);
  }
  // With no patches cdk8s's JsonPatch.apply returns the document itself.
  const result: Record<string, unknown> = {};
  for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(json)]) if (k in json) result[k] = json[k];
  return result;
}
