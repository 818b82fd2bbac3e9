/**
 * A fast emitter for synthesized manifests whose output is byte-identical to cdk8s's
 * `Yaml.stringify(...docs)`.
 *
 * Why: cdk8s builds a full YAML document tree per object (the `yaml` library's Document model)
 * and was a third of synthesis time at scale. Kubernetes objects are plain JSON trees, so the
 * structure (block maps, `- ` sequences, `{}`/`[]` for empties, two-space indent) is emitted here
 * directly. Every scalar and key is still formatted by cdk8s's own `Yaml.stringify` (once per
 * distinct value, cached), so quoting decisions under YAML 1.1 ('8080', 'yes', 'on', '0x1F',
 * '~', leading '*', ': ' ...) are the library's, never re-implemented. Anything outside that
 * shape falls back, per document, to `Yaml.stringify`: multi-line or block scalars, document
 * markers, undefined values, non-plain objects, non-integer numbers, and objects shared within
 * one document (the library would write anchors and aliases for those).
 */
import { Yaml } from 'cdk8s';

/**
 * Thrown inside the fast path when a document needs the library; never escapes this module. A
 * plain sentinel, not an Error: it is control flow, not a refusal, and needs no stack.
 */
const FALLBACK: { readonly fallback: true } = Object.freeze({ fallback: true });

const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/m;
const scalarCache = new Map<string, string>();
const keyCache = new Map<string, string>();

/**
 * Strings the library writes plain in any block position, decided without asking it: a letter, then
 * letters, digits, `_`, `.`, `/`, `-` (no space, colon, quote or indicator), and not one of the
 * scalars of the library's YAML 1.1 schema that start with a letter: the boolean and null words
 * and exponent-only floats such as `e0` (other numbers and timestamps start with a digit, sign or
 * dot). Everything else asks the library.
 */
const OBVIOUSLY_PLAIN = /^[A-Za-z][A-Za-z0-9_./-]*$/;
const YAML11_WORDS = /^(?:y|yes|n|no|true|false|on|off|null|e-?[0-9]+)$/i;

function obviouslyPlain(value: string): boolean {
  return OBVIOUSLY_PLAIN.test(value) && !YAML11_WORDS.test(value);
}

/** A one-line scalar as the library writes it at document root (no trailing newline). */
function formatString(value: string): string {
  if (obviouslyPlain(value)) return value;
  let out = scalarCache.get(value);
  if (out !== undefined) return out;
  // At the root the library turns strings with document markers into block scalars; nested it would not.
  if (DOCUMENT_MARKER.test(value) || value.includes('\n')) throw FALLBACK;
  const text = Yaml.stringify(value);
  const body = text.slice(0, -1);
  if (!text.endsWith('\n') || body.includes('\n')) throw FALLBACK;
  out = body;
  scalarCache.set(value, out);
  return out;
}

/** A mapping key as the library writes it (plain or quoted; complex `? ` keys fall back). */
function formatKey(key: string): string {
  if (obviouslyPlain(key)) return key;
  let out = keyCache.get(key);
  if (out !== undefined) return out;
  // Keys with document markers are quoted or not depending on their depth.
  if (DOCUMENT_MARKER.test(key)) throw FALLBACK;
  const text = Yaml.stringify({ [key]: null });
  const suffix = ': null\n';
  const body = text.slice(0, -suffix.length);
  if (!text.endsWith(suffix) || body.includes('\n') || body.startsWith('? ')) throw FALLBACK;
  out = body;
  keyCache.set(key, out);
  return out;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A leaf on the same line as its key or dash, or undefined when the value is a non-empty collection. */
function inline(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return formatString(value);
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw FALLBACK;
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
      if (!isPlainObject(value)) throw FALLBACK;
      for (const _ in value) return undefined;
      return '{}';
    default:
      // undefined (the library writes it as null only when asked to keep it), functions, symbols, bigints.
      throw FALLBACK;
  }
}

class Emitter {
  private out = '';
  private readonly seen = new Set<object>();

  public document(doc: Record<string, unknown>): string {
    this.map(doc, '');
    // `+=` builds a rope of thousands of pieces; reading a character flattens it to one string
    // now, so the pieces die young instead of being copied by every scavenge until the join.
    this.out.charCodeAt(0);
    return this.out;
  }

  private enter(value: object): void {
    if (this.seen.has(value)) throw FALLBACK;
    this.seen.add(value);
  }

  /** A non-empty map whose first line continues the current line (after `- `) or starts at `indent`. */
  private map(value: Record<string, unknown>, indent: string, continued = false): void {
    this.enter(value);
    let first = continued;
    for (const key of Object.keys(value)) {
      const child = value[key];
      this.out += (first ? '' : indent) + formatKey(key);
      first = false;
      const leaf = inline(child);
      if (leaf !== undefined) {
        this.out += `: ${leaf}\n`;
      } else if (Array.isArray(child)) {
        this.out += ':\n';
        this.seq(child, indent + '  ');
      } else {
        this.out += ':\n';
        this.map(child as Record<string, unknown>, indent + '  ');
      }
    }
  }

  /** A non-empty sequence, each item after `- ` at `indent` (the first may continue the line). */
  private seq(value: readonly unknown[], indent: string, continued = false): void {
    this.enter(value);
    let first = continued;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw FALLBACK; // holes
      const item = value[i];
      this.out += (first ? '' : indent) + '- ';
      first = false;
      const leaf = inline(item);
      if (leaf !== undefined) this.out += `${leaf}\n`;
      else if (Array.isArray(item)) this.seq(item, indent + '  ', true);
      else this.map(item as Record<string, unknown>, indent + '  ', true);
    }
  }
}

/** One document as the library writes it: the fast path when the shape allows, else `Yaml.stringify`. */
function stringifyDocument(doc: unknown): string {
  if (
    typeof doc === 'object' &&
    doc !== null &&
    !Array.isArray(doc) &&
    isPlainObject(doc) &&
    inline(doc) === undefined
  ) {
    try {
      return new Emitter().document(doc);
    } catch (e) {
      if (e !== FALLBACK) throw e;
    }
  }
  return Yaml.stringify(doc);
}

/** Adds to `into` the strings under `value` that formatString would ask the library about. */
function collectStrings(value: unknown, into: Set<string>, seen: Set<object>): void {
  if (typeof value === 'string') {
    if (!obviouslyPlain(value) && !scalarCache.has(value) && !value.includes('\n') && !DOCUMENT_MARKER.test(value))
      into.add(value);
    return;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) for (const item of value) collectStrings(item, into, seen);
  else if (isPlainObject(value)) for (const key of Object.keys(value)) collectStrings(value[key], into, seen);
}

/**
 * Formats `values` with one call of the library instead of one per value: a block sequence of
 * them, one `- ` line per value. Each one-line scalar is written as the library writes it at the
 * root (as formatString assumes for every position; document markers and line breaks, where
 * positions differ, are never batched). When the output is not exactly one `- ` line per value,
 * nothing is cached and formatString asks per value as before. One call per synthesis instead of
 * about 160 saves building as many YAML documents (a few ms of every cold synth).
 */
function formatStrings(values: readonly string[]): void {
  if (values.length === 0) return;
  const lines = Yaml.stringify(values).split('\n');
  if (lines.length !== values.length + 1 || lines[values.length] !== '') return;
  if (!lines.every((line, i) => i === values.length || line.startsWith('- '))) return;
  values.forEach((value, i) => scalarCache.set(value, lines[i]!.slice(2)));
}

/** Equal to cdk8s's `Yaml.stringify(...docs)`: documents joined by `---`. */
export function stringifyManifests(docs: readonly unknown[]): string {
  const strings = new Set<string>();
  collectStrings(docs, strings, new Set());
  formatStrings([...strings]);
  return docs.map((d) => (d === undefined ? '\n' : stringifyDocument(d))).join('---\n');
}
