/** Narrowing helpers for untyped manifest data: manifests are user input, never trusted shapes. */

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// What rec and arr give for a missing or mistyped field: one frozen empty value each, not a new
// one per call (the rules read absent fields millions of times in a large scan). Frozen, so a
// caller that tried to write into the placeholder would fail loudly instead of sharing state.
const NO_RECORD: Json = Object.freeze({}) as Json;
const NO_ITEMS: unknown[] = Object.freeze([]) as unknown as unknown[];

export function rec(value: unknown): Json {
  return isRecord(value) ? value : NO_RECORD;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : NO_ITEMS;
}

export function recs(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : (NO_ITEMS as Json[]);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function strs(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : (NO_ITEMS as string[]);
}

export function labelsOf(value: unknown): Record<string, string> {
  // Once per object and pod template: own keys in Object.entries order, without the entry arrays.
  const out: Record<string, string> = {};
  const from = rec(value);
  for (const k in from) {
    if (!Object.prototype.hasOwnProperty.call(from, k)) continue;
    const v = from[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Labels of an object without any (or with a mistyped field): shared and frozen, nothing writes labels. */
const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * {@link labelsOf} without the copy when it would be equal: a plain record whose own enumerable
 * values are all strings is returned as it is (same keys, order, values and prototype), and a
 * missing or mistyped field gives one frozen empty record. Indexes keep the labels of every object
 * and pod template for the whole run, so copies would be promoted to the old generation for
 * nothing. Callers only read the result, as they read the manifest.
 */
export function sharedLabels(value: unknown): Record<string, string> {
  if (!isRecord(value)) return NO_LABELS;
  if (Object.getPrototypeOf(value) !== Object.prototype) return labelsOf(value);
  let any = false;
  for (const k in value) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) return labelsOf(value);
    // A `__proto__` label does not survive the copy's assignment: copied, to read as before.
    if (typeof value[k] !== 'string' || k === '__proto__') return labelsOf(value);
    any = true;
  }
  return any ? (value as Record<string, string>) : NO_LABELS;
}

/** Kubernetes LabelSelector semantics; defined once in lib/core. */
export { labelSelectorMatches as selectorMatches } from '../core/selectors';

export function isEmptySelector(selector: unknown): boolean {
  const sel = rec(selector);
  return Object.keys(rec(sel.matchLabels)).length === 0 && recs(sel.matchExpressions).length === 0;
}
