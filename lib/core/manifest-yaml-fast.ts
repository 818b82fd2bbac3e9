/**
 * A fast decoder for the plain subset of YAML that generated and hand-written manifests use, tried
 * before js-yaml by manifest-yaml.ts (decodeOne). It returns exactly what `js-yaml.load(text,
 * {schema: KUBE_YAML_SCHEMA})` returns, or `undefined` ("bail") for anything outside the subset or
 * anything doubtful; the caller then runs js-yaml, so errors, their lines and every limit still come
 * from that one path only. test/cli/fast-yaml.test.ts proves the equivalence over every fixture and
 * over generated documents.
 *
 * The subset: block mappings and sequences by indentation (including `- key: v` and `- - v`
 * compact nesting and a sequence at its key's indentation), one-line plain scalars resolved by the
 * shared YAML 1.1 resolver (manifest-yaml-scalars.ts), one-line single- and double-quoted scalars
 * (js-yaml's escapes except `\U`), one-line flow collections, literal and folded block scalars
 * without an indentation indicator, comments, blank lines, CRLF line ends and a leading BOM.
 * Everything else bails: anchors, aliases, tags, merge keys, explicit keys, multi-line plain or
 * quoted scalars, directives, `...`, tabs, control and other unusual characters, duplicate keys,
 * `__proto__`/`constructor`/`prototype` keys, `.inf`/`.nan`, and nesting deeper than
 * {@link MAX_FAST_DEPTH}.
 *
 * The code follows js-yaml 4's loader (lib/loader.js) rule by rule; the comments name the rule.
 */
import { resolvePlainScalar } from './manifest-yaml-scalars';

/** Deepest collection nesting decoded here; js-yaml's own limit (MAX_DEPTH + 2 nodes) is far above. */
export const MAX_FAST_DEPTH = 40;

/** Thrown (never an Error, so no stack is captured) to abandon the fast path. */
const BAIL: unique symbol = Symbol('bail');

/**
 * Anything but LF, CR and printable characters js-yaml reads as plain content: tabs (js-yaml treats
 * them as separation space in some places), C0/C1 controls and DEL (refused or special), the
 * non-ASCII line breaks U+0085/U+2028/U+2029, BOMs after the start, U+FFFE/U+FFFF and surrogates
 * (astral characters are rare enough to leave to js-yaml).
 */
const UNUSUAL = /[^\n\r\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;
const LONE_CR = /\r(?!\n)/;

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;

// --- Per-document state (one document is decoded at a time; between calls only the key and value
// caches are kept, and they hold flat strings, never a document's text) ---

let src = '';
/** Lines: start offset, end offset (before CR/LF), leading spaces, kind. */
let lineStart = new Int32Array(1024);
let lineEnd = new Int32Array(1024);
let lineInd = new Int32Array(1024);
let lineKind = new Uint8Array(1024);
let nLines = 0;
const CONTENT = 0;
const BLANK = 1;
const COMMENT = 2;
/** Index of the first line not yet consumed by the node just parsed (a content line, or nLines). */
let cur = 0;
/** Flow-collection cursor. */
let fp = 0;
/**
 * The entries of the sequences being read, innermost last: a sequence's entries are
 * entries[base, top), copied out at its end by {@link sequenceOf}. One array for every sequence,
 * instead of an array per sequence grown by pushing (room for 17) and then copied to its exact size.
 */
const entries: unknown[] = [];
let top = 0;
/** Highest `top` of the current document: entries below it are cleared after it. */
let used = 0;

/** The sequence whose entries start at `base`, at its exact size; pops them. */
function sequenceOf(base: number): unknown[] {
  const out = entries.slice(base, top);
  if (top > used) used = top;
  top = base;
  return out;
}
/** Set by readKey. */
let keyText = '';
let afterColon = 0;
/** Whether the document holds a -0 (the one value that reads differently as JSON, where it is 0). */
let negativeZero = false;

/**
 * Whether the last value {@link decodeFast} returned holds a -0 (a key counts too; it only makes
 * the caller look). Without one, the value is exactly what JSON would carry, and compact: arrays
 * are sliced to their exact size (pushing leaves room for 17 elements).
 */
export function decodedNegativeZero(): boolean {
  return negativeZero;
}

/**
 * Decodes one document's text (as split by manifest-yaml.ts) or returns undefined when the text is
 * outside the subset.
 */
export function decodeFast(chunk: string): unknown {
  return decodeFastIn(chunk, 0, chunk.length, false);
}

/**
 * Whether a stream's text holds no character the fast decoder refuses on sight ({@link UNUSUAL},
 * a lone CR), so that {@link decodeFastIn} need not look for them again in each of its documents.
 * One pass over a file instead of one per document.
 */
export function plainCharacters(text: string): boolean {
  return !UNUSUAL.test(text) && (text.indexOf('\r') < 0 || !LONE_CR.test(text));
}

/**
 * {@link decodeFast} of `text.slice(start, end)`, read in place: a file's documents are decoded
 * from the file's own (flat) string, which V8 reads faster than a slice of it, and no slice is made
 * unless the fast path bails. `checked`: {@link plainCharacters} holds for all of `text`.
 */
export function decodeFastIn(
  text: string,
  start: number,
  end: number,
  checked: boolean,
  searches: SearchMemo = searchMemo(),
): unknown {
  let from = start;
  // js-yaml strips a BOM at the very start.
  if (from < end && text.charCodeAt(from) === 0xfeff) from++;
  if (!checked && !plainCharacters(from === 0 && end === text.length ? text : text.slice(from, end))) return undefined;
  src = text;
  negativeZero = false;
  memo = searches;
  if (memo.text !== text) {
    memo.text = text;
    memo.colonFrom = memo.hashFrom = 1;
    memo.colonAt = memo.hashAt = -1;
  }
  try {
    if (!scanLines(from, end)) return undefined;
    // A document without content is js-yaml's to read (null, or undefined for a bare line end).
    const first = nextContent(0);
    if (first >= nLines) return undefined;
    const value = blockNodeAtLine(first, 0);
    if (cur < nLines) return undefined;
    return value;
  } catch (err) {
    if (err === BAIL) return undefined;
    throw err;
  } finally {
    // Nothing may keep the text alive (a key is a substring of it), nor a huge document's lines.
    src = '';
    keyText = '';
    memo = NO_MEMO;
    // Neither may the entry stack keep this document's values (a bail leaves entries above 0).
    if (top > used) used = top;
    if (used > 65536) entries.length = 0;
    else for (let k = 0; k < used; k++) entries[k] = undefined;
    top = 0;
    used = 0;
    if (lineStart.length > 65536) {
      lineStart = new Int32Array(1024);
      lineEnd = new Int32Array(1024);
      lineInd = new Int32Array(1024);
      lineKind = new Uint8Array(1024);
    }
  }
}

/**
 * Where the next key-ending `:` and the next `#` are in one text, found by native searches (much
 * faster than reading the text a character at a time) and remembered: the decoder asks at growing
 * positions, so each stretch of the text is searched about once. Valid for `text` only.
 */
export interface SearchMemo {
  text: string;
  /** colonAt is the first key-ending colon at or after every position in [colonFrom, colonAt]. */
  colonFrom: number;
  colonAt: number;
  /** hashAt is the first `#` at or after every position in [hashFrom, hashAt]. */
  hashFrom: number;
  hashAt: number;
}

/** A memo for one stream's text (parseYamlStream keeps one while it decodes a file's documents). */
export function searchMemo(): SearchMemo {
  return { text: '', colonFrom: 1, colonAt: -1, hashFrom: 1, hashAt: -1 };
}

const NO_MEMO = searchMemo();
let memo = NO_MEMO;

/**
 * The first `:` at or after `p` that ends a plain key or refuses a plain value (js-yaml: a `:`
 * followed by a space or the line end), or src.length. Lone CRs have bailed, so a line ends at
 * LF, CRLF or the end of the text.
 */
function colonFrom(p: number): number {
  if (memo.colonFrom <= p && p <= memo.colonAt) return memo.colonAt;
  const len = src.length;
  let c = src.indexOf(':', p);
  for (;;) {
    if (c < 0) {
      c = len;
      break;
    }
    const n = c + 1 < len ? src.charCodeAt(c + 1) : SPACE;
    if (n === SPACE || n === 10 || n === 13) break;
    c = src.indexOf(':', c + 1);
  }
  memo.colonFrom = p;
  memo.colonAt = c;
  return c;
}

/** The first `#` at or after `p`, or src.length. */
function hashFrom(p: number): number {
  if (memo.hashFrom <= p && p <= memo.hashAt) return memo.hashAt;
  const k = src.indexOf('#', p);
  memo.hashFrom = p;
  memo.hashAt = k < 0 ? src.length : k;
  return memo.hashAt;
}

/**
 * The `#` of the first comment (` #`) in src(p, limit), or `limit`. Searching for the rare `#`
 * and looking behind it is much faster than searching for ` #` (V8 scans for a pattern's first
 * character, and spaces are everywhere); only the `#`s before `limit` are looked at, so comment
 * lines (`####` banners) that the decoder never reads cost nothing.
 */
function commentIn(p: number, limit: number): number {
  let k = hashFrom(p + 1);
  while (k < limit && src.charCodeAt(k - 1) !== SPACE) k = hashFrom(k + 1);
  return k < limit ? k : limit;
}

function bail(): never {
  throw BAIL;
}

/** A copy of a line table with room for `size` lines. */
function widened<T extends Int32Array | Uint8Array>(table: T, size: number): T {
  const wider = new (table.constructor as new (length: number) => T)(size);
  wider.set(table);
  return wider;
}

function grow(n: number): void {
  if (n < lineStart.length) return;
  const size = Math.max(n + 1, lineStart.length * 2);
  lineStart = widened(lineStart, size);
  lineEnd = widened(lineEnd, size);
  lineInd = widened(lineInd, size);
  lineKind = widened(lineKind, size);
}

/**
 * Splits src[from, len) into lines (a final LF ends the last line rather than opening an empty one, as
 * js-yaml sees it) and classifies them. False when a document marker is anywhere but a first `---`.
 */
function scanLines(from: number, len: number): boolean {
  const text = src;
  let n = 0;
  let pos = from;
  let content = false;
  while (pos < len) {
    grow(n);
    const nl = text.indexOf('\n', pos);
    let end = nl === -1 || nl >= len ? len : nl;
    const next = end === len ? len : nl + 1;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    let p = pos;
    while (p < end && text.charCodeAt(p) === SPACE) p++;
    lineStart[n] = pos;
    lineEnd[n] = end;
    lineInd[n] = p - pos;
    let kind = CONTENT;
    if (p === end) kind = BLANK;
    else if (text.charCodeAt(p) === HASH) kind = COMMENT;
    else if (p === pos && end - pos >= 3) {
      const c = text.charCodeAt(pos);
      if (
        (c === DASH || c === 46) /* - . */ &&
        text.charCodeAt(pos + 1) === c &&
        text.charCodeAt(pos + 2) === c &&
        (end === pos + 3 || text.charCodeAt(pos + 3) === SPACE)
      ) {
        // `---` opening the document, with at most a comment after it, starts it; any other marker
        // (`...`, `--- value`, a second `---`) is left to js-yaml.
        if (c !== DASH || n !== 0) return false;
        let q = pos + 3;
        while (q < end && text.charCodeAt(q) === SPACE) q++;
        if (q < end && text.charCodeAt(q) !== HASH) return false;
        kind = COMMENT;
      }
    }
    // js-yaml takes `---` opening the first content line as a marker whatever follows (`---x: 1`).
    if (kind === CONTENT && !content) {
      content = true;
      if (p === pos && text.startsWith('---', pos)) return false;
    }
    lineKind[n] = kind;
    n++;
    pos = next;
  }
  nLines = n;
  return true;
}

function nextContent(i: number): number {
  while (i < nLines && lineKind[i] !== CONTENT) i++;
  return i;
}

/** A block sequence entry indicator at `p`: `-` followed by a space or the line end. */
function isDash(p: number, end: number): boolean {
  return src.charCodeAt(p) === DASH && (p + 1 === end || src.charCodeAt(p + 1) === SPACE);
}

/** A node that starts its own line: a block sequence or mapping (a lone scalar line bails). */
function blockNodeAtLine(i: number, depth: number): unknown {
  const col = lineInd[i];
  const p = lineStart[i] + col;
  const end = lineEnd[i];
  if (isDash(p, end)) return blockSequence(i, col, depth);
  if (readKey(p, end)) return blockMapping(i, col, depth);
  return bail();
}

/**
 * A block sequence whose first entry's `-` is on line `i` at column `col` (`- - x` puts a nested
 * one mid-line). Entries continue on lines indented exactly `col` that start with `- `.
 */
function blockSequence(i: number, col: number, depth: number): unknown[] {
  if (depth > MAX_FAST_DEPTH) bail();
  const base = top;
  let line = i;
  for (;;) {
    const end = lineEnd[line];
    let q = lineStart[line] + col + 1;
    while (q < end && src.charCodeAt(q) === SPACE) q++;
    if (q === end || src.charCodeAt(q) === HASH) {
      // Entry on the following lines (more indented than the `-`), else null.
      const next = nextContent(line + 1);
      if (next < nLines && lineInd[next] > col) {
        const entry = blockNodeAtLine(next, depth + 1);
        entries[top++] = entry;
      } else {
        // js-yaml goes on after an empty entry without checking the indentation, so a `- ` line
        // less indented would join this sequence rather than its parent's.
        if (next < nLines && lineInd[next] < col && isDash(lineStart[next] + lineInd[next], lineEnd[next])) bail();
        entries[top++] = null;
        cur = next;
      }
    } else {
      const entry = inlineNode(line, q, col, depth + 1, true);
      entries[top++] = entry;
    }
    const next = cur;
    if (next >= nLines) return sequenceOf(base);
    const ind = lineInd[next];
    // js-yaml: "bad indentation of a sequence entry", or a plain scalar continued on that line.
    if (ind > col) bail();
    if (ind < col || !isDash(lineStart[next] + col, lineEnd[next])) return sequenceOf(base);
    line = next;
  }
}

/**
 * A block mapping whose first key starts on line `i` at column `col`, already read by readKey
 * (keyText, afterColon). Entries continue on lines indented exactly `col`.
 */
function blockMapping(i: number, col: number, depth: number): Record<string, unknown> {
  if (depth > MAX_FAST_DEPTH) bail();
  const out: Record<string, unknown> = {};
  let line = i;
  for (;;) {
    const key = keyText;
    const end = lineEnd[line];
    let q = afterColon;
    while (q < end && src.charCodeAt(q) === SPACE) q++;
    let value: unknown;
    if (q === end || src.charCodeAt(q) === HASH) {
      // Value on the following lines: more indented, or a `- ` sequence at the key's own
      // indentation (js-yaml's indentStatus 0 case); otherwise null.
      const next = nextContent(line + 1);
      if (next < nLines && lineInd[next] > col) value = blockNodeAtLine(next, depth + 1);
      else if (next < nLines && lineInd[next] === col && isDash(lineStart[next] + col, lineEnd[next]))
        value = blockSequence(next, col, depth + 1);
      else {
        value = null;
        cur = next;
      }
    } else value = inlineNode(line, q, col, depth + 1, false);
    store(out, key, value);
    const next = cur;
    if (next >= nLines) return out;
    const ind = lineInd[next];
    if (ind < col) return out;
    // More indented: a continued scalar or bad indentation. Same column: must be the next key.
    if (ind > col) bail();
    const p = lineStart[next] + col;
    if (!readKey(p, lineEnd[next])) bail();
    line = next;
  }
}

/** Stores one entry. Duplicates are js-yaml's error to report; it defines `__proto__` specially. */
function store(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') bail();
  if (Object.prototype.hasOwnProperty.call(out, key)) bail();
  out[key] = value;
}

/**
 * A node that starts mid-line at `q` (after `key: ` or `- `), in a collection at column `owner`.
 * Compact collections (`- key: v`, `- - v`) are allowed only in sequence entries, as in js-yaml.
 * Sets `cur` to the first line after the node.
 */
function inlineNode(line: number, q: number, owner: number, depth: number, compact: boolean): unknown {
  const end = lineEnd[line];
  const c = src.charCodeAt(q);
  if (compact) {
    const col = q - lineStart[line];
    if (isDash(q, end)) return blockSequence(line, col, depth);
    if (readKey(q, end)) return blockMapping(line, col, depth);
  }
  let value: unknown;
  if (c === 91 /* [ */ || c === 123 /* { */) {
    fp = q;
    value = flowCollection(end, depth);
    afterNode(fp, end);
  } else if (c === 34 /* " */) {
    fp = q;
    value = doubleQuoted(end);
    afterNode(fp, end);
  } else if (c === 39 /* ' */) {
    fp = q;
    value = singleQuoted(end);
    afterNode(fp, end);
  } else if (c === 124 /* | */ || c === 62 /* > */) {
    // js-yaml reads block scalars with the parent's indentation + 1 as the least text indentation.
    return blockScalar(line, q, owner + 1);
  } else value = blockPlain(q, end);
  cur = nextContent(line + 1);
  return value;
}

/** After a quoted scalar or flow collection: only spaces and a comment may end the line. */
function afterNode(p: number, end: number): void {
  while (p < end && src.charCodeAt(p) === SPACE) p++;
  if (p < end && src.charCodeAt(p) !== HASH) bail();
}

/**
 * Characters that cannot start a plain scalar (js-yaml readPlainScalar): flow indicators, `#`,
 * `&`, `*`, `!`, `|`, `>`, `'`, `"`, `%`, `@`, `` ` `` (and whitespace, never seen here).
 */
const NOT_PLAIN_START: readonly boolean[] = Array.from({ length: 128 }, (_, i) =>
  ',[]{}#&*!|>\'"%@`'.includes(String.fromCharCode(i)),
);

function isFlowIndicator(c: number): boolean {
  return c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
}

/** The resolved value of a plain scalar's text (js-yaml's implicit type: the shared resolver). */
function plainValue(text: string): unknown {
  // `<<` is the merge key, which the schema turns into a marker for the merge pass.
  if (text === '<<') bail();
  const r = resolvePlainScalar(text);
  if (r === undefined) return text;
  const v = r.value;
  // .inf/.nan: the schema refuses them (no JSON form).
  if (typeof v === 'number' && !Number.isFinite(v)) bail();
  if (v === 0 && 1 / (v as number) < 0) negativeZero = true;
  return v;
}

/**
 * The value cache: short plain scalars that stay strings repeat across a repository (`TCP`,
 * `Always`, `100m`, `RuntimeDefault`, label values), and each one decoded is a string that lives as
 * long as its object. Those that read as their own text are kept once in a small direct-mapped
 * table, indexed by their length and first, middle and last characters; a hit is checked with `===`
 * on the text, so only which string object a value is changes, never the value. Entries are flat
 * copies: none refers to a document's text. Bounded: {@link VALUE_CACHE_SIZE} strings of at most
 * {@link VALUE_CACHE_MAX_LENGTH} characters.
 */
const VALUE_CACHE_SIZE = 4096;
const VALUE_CACHE_MAX_LENGTH = 40;
const valueCache: string[] = new Array<string>(VALUE_CACHE_SIZE).fill('');

/**
 * A cache's slot for the text src[start, stop): a hash of its length and first, middle and last
 * characters (a hit is checked against the whole text, so a weak hash costs only misses).
 */
function cacheSlot(start: number, stop: number, size: number): number {
  let h = Math.imul(stop - start, 0x9e3779b1) ^ src.charCodeAt(start);
  h = Math.imul(h, 31) ^ src.charCodeAt((start + stop) >> 1);
  h = Math.imul(h, 31) ^ src.charCodeAt(stop - 1);
  return (h ^ (h >>> 13)) & (size - 1);
}

/** The value of the plain scalar text src[start, stop). */
function plainScalar(start: number, stop: number): unknown {
  const length = stop - start;
  if (length > VALUE_CACHE_MAX_LENGTH) return plainValue(src.slice(start, stop));
  const slot = cacheSlot(start, stop, VALUE_CACHE_SIZE);
  const text = src.slice(start, stop);
  const known = valueCache[slot];
  if (text === known) return known;
  const value = plainValue(text);
  // V8 copies substrings shorter than 13 characters; a longer one is a view into the text.
  if (value === text) valueCache[slot] = length < 13 ? text : (' ' + text).slice(1);
  return value;
}

/** A one-line plain scalar in block context from `q` (not a key: a `: ` in it bails). */
function blockPlain(q: number, end: number): unknown {
  const c = src.charCodeAt(q);
  if (c < 128 && NOT_PLAIN_START[c]) bail();
  if ((c === DASH || c === 63 /* ? */ || c === COLON) && (q + 1 === end || src.charCodeAt(q + 1) === SPACE)) bail();
  // It ends at a comment (` #`) or the line end; a `: ` or a `:` ending it before then bails.
  // (src[q] is neither a space nor `#`, so a comment's `#` is after q.)
  const stop = commentIn(q, end);
  if (colonFrom(q) < stop) bail();
  let last = stop - 1;
  while (src.charCodeAt(last) === SPACE) last--;
  return plainScalar(q, last + 1);
}

/**
 * Reads a block mapping key at `p`: a one-line quoted scalar or a plain scalar, then optional
 * spaces, `:` and a space or the line end. Sets keyText (the key as js-yaml stores it: the
 * resolved value through String()) and afterColon. False when the text there is not a key.
 */
function readKey(p: number, end: number): boolean {
  const c = src.charCodeAt(p);
  if (c === 34 /* " */ || c === 39 /* ' */) {
    fp = p;
    const text = c === 34 ? doubleQuoted(end) : singleQuoted(end);
    let j = fp;
    while (j < end && src.charCodeAt(j) === SPACE) j++;
    if (j === end || src.charCodeAt(j) !== COLON) return false;
    // js-yaml: "a whitespace character is expected after the key-value separator".
    if (j + 1 < end && src.charCodeAt(j + 1) !== SPACE) bail();
    keyText = text;
    afterColon = j + 1;
    return true;
  }
  if (c < 128 && NOT_PLAIN_START[c]) return false;
  if ((c === DASH || c === 63 /* ? */ || c === COLON) && (p + 1 === end || src.charCodeAt(p + 1) === SPACE))
    return false;
  // The key ends at the first `: ` (or `:` ending the line) on this line, unless a comment (` #`)
  // starts before it. (src[p] is neither a space nor `#`, nor a key-ending `:`.)
  const colon = colonFrom(p);
  if (colon >= end || commentIn(p, colon) < colon) return false;
  let last = colon - 1;
  while (src.charCodeAt(last) === SPACE) last--;
  keyText = plainKey(p, last + 1);
  afterColon = colon + 1;
  return true;
}

/** js-yaml stores a plain key as String(its resolved value): `on` is "true", `0x10` is "16". */
function keyString(text: string): string {
  const v = plainValue(text);
  return typeof v === 'string' ? v : String(v);
}

/**
 * The key cache: mapping keys repeat across every document of a scan (`apiVersion`, `name`,
 * `containerPort`), so the plain keys that read as their own text are kept once, as internalized
 * strings, in a small table indexed by a hash of their text (direct-mapped: a collision replaces
 * the entry). A hit is checked by comparing the entry with the key's text (`===` on a short-lived
 * substring: V8 allocates, compares and drops it faster than a charCodeAt loop or startsWith
 * compares in place), so the cache changes which string object a key is, never its value; it saves
 * resolving the key and V8's string-table lookup when the key is used as a property name (as
 * JSON.parse's key cache does). Bounded: {@link KEY_CACHE_SIZE} keys of at most
 * {@link KEY_CACHE_MAX_LENGTH} characters, none referring to a document's text.
 */
const KEY_CACHE_SIZE = 4096;
const KEY_CACHE_MAX_LENGTH = 64;
const keyCache: string[] = new Array<string>(KEY_CACHE_SIZE).fill('');

/** The key for the plain scalar text src[start, stop). */
function plainKey(start: number, stop: number): string {
  const length = stop - start;
  if (length > KEY_CACHE_MAX_LENGTH) return keyString(src.slice(start, stop));
  const slot = cacheSlot(start, stop, KEY_CACHE_SIZE);
  const known = keyCache[slot];
  const text = src.slice(start, stop);
  if (text === known) return known;
  const key = keyString(text);
  // Only keys that are their own text (not `on` -> "true") and that store() accepts are cached.
  if (key === text && key !== '__proto__' && key !== 'constructor' && key !== 'prototype')
    keyCache[slot] = internalized(key);
  return key;
}

/** The same characters as V8's internalized string (a property key), flat and sharing nothing. */
function internalized(key: string): string {
  const holder: Record<string, number> = {};
  holder[key] = 0;
  for (const k in holder) return k;
  return key;
}

// --- Quoted scalars (one line) ---

/** js-yaml's one-character escapes (simpleEscapeSequence), less `\<TAB>` (tabs bail earlier). */
const SIMPLE_ESCAPES: readonly (string | undefined)[] = (() => {
  const t: (string | undefined)[] = new Array(128).fill(undefined);
  const pairs: [string, string][] = [
    ['0', '\x00'],
    ['a', '\x07'],
    ['b', '\x08'],
    ['t', '\x09'],
    ['n', '\x0A'],
    ['v', '\x0B'],
    ['f', '\x0C'],
    ['r', '\x0D'],
    ['e', '\x1B'],
    [' ', ' '],
    ['"', '"'],
    ['/', '/'],
    ['\\', '\\'],
    ['N', '\x85'],
    ['_', '\xA0'],
    ['L', '\u2028'],
    ['P', '\u2029'],
  ];
  for (const [k, v] of pairs) t[k.charCodeAt(0)] = v;
  return t;
})();

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lc = c | 0x20;
  if (lc >= 97 && lc <= 102) return lc - 87;
  return -1;
}

/** A double-quoted scalar at fp that closes on this line; fp ends after the closing quote. */
function doubleQuoted(end: number): string {
  let j = fp + 1;
  let seg = j;
  let out = '';
  for (;;) {
    if (j >= end) bail(); // continues on the next line
    const c = src.charCodeAt(j);
    if (c === 34) {
      fp = j + 1;
      return out + src.slice(seg, j);
    }
    if (c === 92 /* \ */) {
      out += src.slice(seg, j);
      j++;
      if (j >= end) bail(); // escaped line break
      const e = src.charCodeAt(j);
      const simple = e < 128 ? SIMPLE_ESCAPES[e] : undefined;
      if (simple !== undefined) {
        out += simple;
        j++;
      } else if (e === 120 /* x */ || e === 117 /* u */) {
        // js-yaml: 2 or 4 hex digits, one UTF-16 unit (String.fromCharCode).
        const n = e === 120 ? 2 : 4;
        let code = 0;
        for (let k = 1; k <= n; k++) {
          const d = j + k < end ? hexDigit(src.charCodeAt(j + k)) : -1;
          if (d < 0) bail();
          code = code * 16 + d;
        }
        out += String.fromCharCode(code);
        j += n + 1;
      } else bail(); // \U (surrogate arithmetic) and unknown escapes
      seg = j;
    } else j++;
  }
}

/** A single-quoted scalar at fp that closes on this line (`''` is one quote). */
function singleQuoted(end: number): string {
  let j = fp + 1;
  let seg = j;
  let out = '';
  for (;;) {
    if (j >= end) bail();
    if (src.charCodeAt(j) === 39) {
      if (j + 1 < end && src.charCodeAt(j + 1) === 39) {
        out += src.slice(seg, j + 1);
        j += 2;
        seg = j;
        continue;
      }
      fp = j + 1;
      return out + src.slice(seg, j);
    }
    j++;
  }
}

// --- Flow collections (one line) ---

/** A flow collection at fp that closes on this line (js-yaml readFlowCollection); fp ends after it. */
function flowCollection(end: number, depth: number): unknown {
  if (depth > MAX_FAST_DEPTH) bail();
  const isMap = src.charCodeAt(fp) === 123;
  const terminator = isMap ? 125 : 93;
  // Only the collection being read is made; a sequence's entries go on the entry stack.
  const map: Record<string, unknown> | undefined = isMap ? {} : undefined;
  const base = top;
  fp++;
  let readNext = true;
  for (;;) {
    skipSpaces(end);
    if (fp >= end) bail(); // continues on the next line
    const c = src.charCodeAt(fp);
    if (c === terminator) {
      fp++;
      return map ?? sequenceOf(base);
    }
    // Missing comma, empty entry, a comment (the collection would go on below), explicit `? `.
    if (!readNext || c === 44 || c === HASH) bail();
    if (c === 63 && (fp + 1 === end || src.charCodeAt(fp + 1) === SPACE)) bail();
    if (isMap) {
      const k = src.charCodeAt(fp);
      if (k === 91 || k === 123) bail(); // a collection as a key
      const key = flowNode(end, depth + 1, true) as string;
      skipSpaces(end);
      if (fp >= end || src.charCodeAt(fp) !== COLON) bail(); // `{a, b}`: keys without values
      fp++;
      skipSpaces(end);
      if (fp >= end) bail();
      const v = src.charCodeAt(fp);
      store(map as Record<string, unknown>, key, v === 44 || v === 125 ? null : flowNode(end, depth + 1, false));
    } else {
      const entry = flowNode(end, depth + 1, false);
      entries[top++] = entry;
      skipSpaces(end);
      if (fp < end && src.charCodeAt(fp) === COLON) bail(); // `[a: b]`: a single-pair mapping
    }
    skipSpaces(end);
    if (fp < end && src.charCodeAt(fp) === 44) {
      readNext = true;
      fp++;
    } else readNext = false;
  }
}

function skipSpaces(end: number): void {
  while (fp < end && src.charCodeAt(fp) === SPACE) fp++;
}

/** One flow node at fp; a key is returned as js-yaml stores it (a string). */
function flowNode(end: number, depth: number, key: boolean): unknown {
  const c = src.charCodeAt(fp);
  if (c === 91 || c === 123) return flowCollection(end, depth);
  if (c === 34) return doubleQuoted(end);
  if (c === 39) return singleQuoted(end);
  if (c < 128 && NOT_PLAIN_START[c]) bail();
  if (c === DASH || c === 63 || c === COLON) {
    const n = fp + 1 < end ? src.charCodeAt(fp + 1) : SPACE;
    if (n === SPACE || isFlowIndicator(n)) bail();
  }
  // js-yaml readPlainScalar within a flow collection: ends at a flow indicator, at `:` followed by
  // a space, the line end or a flow indicator, and at ` #`.
  const start = fp;
  let last = fp;
  let j = fp;
  for (; j < end; j++) {
    const ch = src.charCodeAt(j);
    if (ch === SPACE) continue;
    if (ch === COLON) {
      const n = j + 1 < end ? src.charCodeAt(j + 1) : SPACE;
      if (n === SPACE || isFlowIndicator(n)) break;
    } else if (ch === HASH) {
      if (src.charCodeAt(j - 1) === SPACE) bail();
    } else if (isFlowIndicator(ch)) break;
    last = j;
  }
  fp = j;
  return key ? plainKey(start, last + 1) : plainScalar(start, last + 1);
}

// --- Block scalars ---

/**
 * A literal (`|`) or folded (`>`) block scalar whose header is at `q` on `line`, ported from js-yaml
 * readBlockScalar: `minIndent` is its least text indentation (parent's + 1), raised by the first
 * non-empty line (or by a longer blank line before it, as js-yaml does). Chomping `-`/`+` are
 * supported; an explicit indentation digit bails. Sets `cur` to the first content line after it.
 */
function blockScalar(line: number, q: number, minIndent: number): string {
  const end = lineEnd[line];
  const folding = src.charCodeAt(q) === 62;
  let chomping = 0; // 0 clip, 1 strip, 2 keep
  let j = q + 1;
  for (; j < end; j++) {
    const c = src.charCodeAt(j);
    if (c === 43 /* + */ || c === DASH) {
      if (chomping !== 0) bail();
      chomping = c === 43 ? 2 : 1;
    } else if (c >= 48 && c <= 57) bail();
    else break;
  }
  if (j < end && src.charCodeAt(j) === SPACE) {
    while (j < end && src.charCodeAt(j) === SPACE) j++;
    if (j < end && src.charCodeAt(j) === HASH) j = end;
  }
  if (j !== end) bail();
  let textIndent = minIndent;
  let detected = false;
  let didRead = false;
  let emptyLines = 0;
  let atMoreIndented = false;
  let out = '';
  let ln = line + 1;
  for (; ln < nLines; ln++) {
    const s = lineStart[ln];
    const e = lineEnd[ln];
    const ind = lineInd[ln];
    const k = detected && ind > textIndent ? textIndent : ind;
    if (!detected && k > textIndent) textIndent = k;
    if (s + k === e) {
      emptyLines++;
      continue;
    }
    if (k < textIndent) break;
    if (folding) {
      if (src.charCodeAt(s + k) === SPACE) {
        atMoreIndented = true;
        out += '\n'.repeat(didRead ? 1 + emptyLines : emptyLines);
      } else if (atMoreIndented) {
        atMoreIndented = false;
        out += '\n'.repeat(emptyLines + 1);
      } else if (emptyLines === 0) {
        if (didRead) out += ' ';
      } else out += '\n'.repeat(emptyLines);
    } else out += '\n'.repeat(didRead ? 1 + emptyLines : emptyLines);
    didRead = true;
    detected = true;
    emptyLines = 0;
    out += src.slice(s + k, e);
  }
  if (chomping === 2) out += '\n'.repeat(didRead ? 1 + emptyLines : emptyLines);
  else if (chomping === 0 && didRead) out += '\n';
  cur = nextContent(ln);
  return out;
}
