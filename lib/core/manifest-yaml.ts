/**
 * The one manifest YAML reader: decodes YAML the way kubectl and the API server do
 * (sigs.k8s.io/yaml on go-yaml v2, i.e. YAML 1.1 scalars), and fast enough for whole repositories.
 *
 * Why not the `yaml` package's YAML 1.2 core schema: there `hostPID: on` is the string "on", while
 * kubectl sends `true`, so a privileged pod would scan clean. The resolution tables (in
 * manifest-yaml-scalars.ts) follow go-yaml v2 resolve.go (see test/fixtures/yaml-1.1/SOURCE.md):
 * - bool: y Y yes Yes YES true True TRUE on On ON / n N no No NO false False FALSE off Off OFF
 * - null: empty, ~ null Null NULL
 * - int: underscores dropped, then Go strconv.ParseInt(s, 0, 64) (0x, 0o, 0b and leading-0 octal),
 *   ParseUint, then a decimal float, then 0b/-0b binary
 * - .inf/.nan: kubectl cannot turn them into JSON, so the document is refused
 * - timestamps stay strings (go-yaml v2 keeps the text when decoding into interface{})
 * - merge keys `<<` apply in document order, later entries overwriting earlier ones (v2's
 *   decoder writes merged and explicit keys into the same map as it walks the mapping); in a list of
 *   merged maps the earlier map wins
 * - duplicate keys are refused as bad input (kubectl keeps the last; refusing is the safe reading).
 *
 * Parsing is js-yaml (several times faster than a CST parser); each document is parsed on its own
 * so one broken document never hides the others, and positions are computed only when a finding
 * needs a line (see {@link lineOfPath}).
 */
import * as jsyaml from 'js-yaml';
import { LineCounter, isNode, parseDocument } from 'yaml';
import { InputError } from './errors';
import { SearchMemo, decodeFastIn, decodedNegativeZero, plainCharacters, searchMemo } from './manifest-yaml-fast';
import { Resolved, resolvePlainScalar } from './manifest-yaml-scalars';

export { resolvePlainScalar };

/** Most alias references one document may hold (billion-laughs guard). */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of mappings and sequences one document may have. */
export const MAX_DEPTH = 64;
/** Most nodes one document may expand to through aliases (billion-laughs guard). */
export const MAX_EXPANDED_NODES = 1_000_000;
/** Most documents one file may hold. */
export const MAX_DOCUMENTS = 100_000;

/** A key that stands for a YAML merge key `<<` until merges are applied (quoted "<<" stays a key). */
const MERGE_KEY = '\u0000<<';

/** A document read from a stream. */
export interface YamlDocument {
  /** The decoded value, as kubectl would send it (JSON-compatible). */
  readonly value: unknown;
  /** 1-based line of the document's first content line. */
  readonly line: number;
  /** The document's text range in the stream (for positions on demand). */
  readonly start: number;
  readonly end: number;
  /** 0-based line of `start`. */
  readonly startLine: number;
  /**
   * True when every string in `value` is new or a substring of the stream's text, never of a copy
   * the parser made (js-yaml's strings are slices of its own copy): keeping them then keeps nothing
   * but that text (lib/cli/load.ts skips copying them while it keeps the text for line lookups).
   */
  readonly inText?: boolean;
  /**
   * True when `value` is already what kubectl sends (JSON: no -0) and compact (arrays at their
   * exact size): the fast decoder's documents without a -0.
   */
  readonly compact?: boolean;
}

/** A document that could not be decoded. */
export interface YamlProblem {
  readonly line: number;
  readonly column?: number;
  readonly message: string;
}

export interface YamlStream {
  readonly documents: readonly YamlDocument[];
  readonly problems: readonly YamlProblem[];
}

// --- YAML 1.1 scalar resolution (go-yaml v2): lib/core/manifest-yaml-scalars.ts ---

class NonJsonNumber extends InputError {}

// js-yaml calls resolve then construct on the same text: remember the last answer.
let lastScalar = '';
let lastResolved: Resolved;
function resolveOnce(data: string): Resolved {
  if (data !== lastScalar || lastResolved === undefined) {
    lastScalar = data;
    lastResolved = resolvePlainScalar(data);
  }
  return lastResolved;
}

const implicitScalar = new jsyaml.Type('tag:agent-baseline/yaml-1.1', {
  kind: 'scalar',
  resolve: (data: string) => data === '<<' || resolveOnce(data) !== undefined,
  construct: (data: string) => {
    if (data === '<<') return MERGE_KEY;
    const value = (resolveOnce(data) as { value: unknown }).value;
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new NonJsonNumber(`'${data}' has no JSON form (kubectl refuses it)`);
    return value;
  },
});

/** Explicit core tags, resolved as go-yaml v2 does for `!!bool x`, `!!int x`, `!!float x`, `!!null x`. */
const explicit = (tag: string, accept: (v: unknown) => boolean, convert: (v: unknown) => unknown = (v) => v) =>
  new jsyaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data: string) => {
      const r = resolvePlainScalar(data);
      return r !== undefined && accept(r.value);
    },
    construct: (data: string) => convert((resolvePlainScalar(data) as { value: unknown }).value),
  });

const binary = new jsyaml.Type('tag:yaml.org,2002:binary', {
  kind: 'scalar',
  resolve: (data: string) => /^[A-Za-z0-9+/=\s]*$/.test(data),
  construct: (data: string) => Buffer.from(data.replace(/\s/g, ''), 'base64').toString('utf8'),
});

/** Other tags (`!Ref`, `!!set`, …) are ignored as go-yaml v2 does for interface{} targets. */
const anyTag = (prefix: string) =>
  (['scalar', 'sequence', 'mapping'] as const).map(
    (kind) =>
      new jsyaml.Type(prefix, {
        kind,
        multi: true,
        construct: (data: unknown) => (kind === 'mapping' && data === null ? {} : data),
      }),
  );

export const KUBE_YAML_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [implicitScalar],
  explicit: [
    explicit('bool', (v) => typeof v === 'boolean'),
    explicit('int', (v) => typeof v === 'number' && Number.isInteger(v)),
    explicit('float', (v) => typeof v === 'number' && Number.isFinite(v)),
    explicit('null', (v) => v === null),
    binary,
    ...anyTag('!'),
    ...anyTag('tag:yaml.org,2002:'),
  ],
});

// --- Documents ---

/** Splits a stream at document markers (`---` at column 0), so each document is parsed alone. */
export function splitDocuments(text: string): { start: number; end: number; startLine: number }[] {
  const out: { start: number; end: number; startLine: number }[] = [];
  let start = 0;
  let startLine = 0;
  let line = 0;
  let pos = 0;
  let ended = false;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl;
    const c = text.charCodeAt(pos);
    if (c === 45 /* - */ && text.startsWith('---', pos) && isMarkerEnd(text, pos + 3, lineEnd)) {
      if (pos > start) out.push({ start, end: pos, startLine });
      start = pos;
      startLine = line;
      ended = false;
    } else if (c === 46 /* . */ && text.startsWith('...', pos) && isMarkerEnd(text, pos + 3, lineEnd)) {
      ended = true;
    } else if (c === 37 /* % */ && ended) {
      // A directive after `...` belongs to the next document.
      out.push({ start, end: pos, startLine });
      start = pos;
      startLine = line;
      ended = false;
    }
    pos = lineEnd + 1;
    line++;
  }
  if (start < text.length) out.push({ start, end: text.length, startLine });
  return out;
}

function isMarkerEnd(text: string, at: number, lineEnd: number): boolean {
  if (at >= lineEnd) return true;
  const c = text.charCodeAt(at);
  return c === 32 || c === 9 || c === 13;
}

function firstContentLine(text: string, start: number, end: number, startLine: number): number {
  let line = startLine;
  let pos = start;
  while (pos < end) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 || nl > end ? end : nl;
    const body = text.slice(pos, lineEnd).trim();
    if (body !== '' && !body.startsWith('#') && !body.startsWith('%') && body !== '---') return line + 1;
    pos = lineEnd + 1;
    line++;
  }
  return startLine + 1;
}

/** Applies merge keys in go-yaml v2 order and enforces the alias and depth limits. */
class Finisher {
  private aliases = 0;
  private readonly done = new Map<object, unknown>();
  private readonly sizes = new Map<object, number>();

  constructor(private readonly hasAnchors: boolean) {}

  /** Nodes the value stands for once every alias is expanded (what JSON would hold). */
  public expandedSize(value: unknown): number {
    if (value === null || typeof value !== 'object') return 1;
    const known = this.sizes.get(value);
    if (known !== undefined) return known;
    let n = 1;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      n += this.expandedSize(child);
      if (n > MAX_EXPANDED_NODES)
        throw new LimitError(`aliases expand the document to more than ${MAX_EXPANDED_NODES} nodes (alias bomb?)`);
    }
    this.sizes.set(value, n);
    return n;
  }

  public finish(value: unknown, depth: number): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) throw new LimitError(`document nests deeper than ${MAX_DEPTH} levels`);
    if (this.hasAnchors) {
      const seen = this.done.get(value);
      if (seen !== undefined) {
        if (++this.aliases > MAX_ALIAS_COUNT)
          throw new LimitError(`more than ${MAX_ALIAS_COUNT} alias references (alias bomb?)`);
        return seen;
      }
    }
    let out: unknown;
    if (Array.isArray(value)) {
      const arr = value as unknown[];
      for (let i = 0; i < arr.length; i++) arr[i] = this.finish(arr[i], depth + 1);
      out = arr;
    } else {
      const obj = value as Record<string, unknown>;
      if (Object.prototype.hasOwnProperty.call(obj, MERGE_KEY)) out = this.merge(obj, depth);
      else {
        for (const k of Object.keys(obj)) obj[k] = this.finish(obj[k], depth + 1);
        out = obj;
      }
    }
    if (this.hasAnchors) this.done.set(value, out);
    return out;
  }

  private merge(obj: Record<string, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj)) {
      if (k !== MERGE_KEY) {
        out[k] = this.finish(obj[k], depth + 1);
        continue;
      }
      const source = this.finish(obj[k], depth + 1);
      const maps = Array.isArray(source) ? [...source].reverse() : [source];
      for (const m of maps) {
        if (m === null || typeof m !== 'object' || Array.isArray(m))
          throw new LimitError('map merge requires map or sequence of maps as the value');
        for (const [mk, mv] of Object.entries(m as Record<string, unknown>)) out[mk] = mv;
      }
    }
    return out;
  }
}

class LimitError extends InputError {}

function problemOf(err: unknown, fallbackLine: number, chunk: string): YamlProblem {
  if (err instanceof jsyaml.YAMLException) {
    type Mark = { line: number; column: number; position: number };
    let mark: Mark | undefined = (err as unknown as { mark?: Mark }).mark;
    const reason = (err as jsyaml.YAMLException & { reason?: string }).reason ?? err.message;
    // js-yaml appends a newline to text without one; the end of the text is where it really stops.
    if (mark && mark.position >= chunk.length && !chunk.endsWith('\n')) {
      const lastNl = chunk.lastIndexOf('\n');
      let lines = 0;
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
      mark = { line: lines, column: chunk.length - lastNl - 1, position: chunk.length };
    }
    return mark
      ? { line: mark.line + 1, column: mark.column + 1, message: `invalid YAML: ${reason}` }
      : { line: fallbackLine, message: `invalid YAML: ${reason}` };
  }
  if (err instanceof RangeError) return { line: fallbackLine, message: 'nesting too deep' };
  if (err instanceof LimitError || err instanceof NonJsonNumber) return { line: fallbackLine, message: err.message };
  return { line: fallbackLine, message: `invalid YAML: ${err instanceof Error ? err.message : String(err)}` };
}

/**
 * js-yaml's reading of one document's text with the YAML 1.1 schema, before merge keys and alias
 * limits are applied (the value {@link decodeFast} must equal), or throws.
 */
export function loadDocument(chunk: string): unknown {
  try {
    // js-yaml counts every node (scalars too), so two more than the collection depth.
    return jsyaml.load(chunk, { schema: KUBE_YAML_SCHEMA, maxDepth: MAX_DEPTH + 2 } as jsyaml.LoadOptions);
  } catch (err) {
    if (err instanceof jsyaml.YAMLException && /maxDepth/.test(String((err as { reason?: string }).reason)))
      throw new LimitError(`document nests deeper than ${MAX_DEPTH} levels`);
    throw err;
  }
}

/** Whether the last {@link decodeOne} came from the fast decoder (strings are substrings of the chunk). */
let decodedFast = false;

/**
 * Decodes one YAML document, `chunk` (already split: text.slice(r.start, r.end)), or throws.
 * `checked`: plainCharacters(text) holds; `searches`: the fast decoder's memo for `text`.
 */
function decodeOne(
  text: string,
  r: { start: number; end: number },
  chunk: string,
  checked: boolean,
  searches: SearchMemo,
): unknown {
  // The fast decoder reads the plain subset nearly every manifest is written in and returns exactly
  // what js-yaml would; anything else, every error and every limit stay js-yaml's and the code below.
  let value = decodeFastIn(text, r.start, r.end, checked, searches);
  decodedFast = value !== undefined;
  if (value === undefined) value = loadDocument(chunk);
  if (value === null || typeof value !== 'object') return value;
  // Merge keys and aliases need a second walk; plain documents (nearly all) are done.
  const anchors = chunk.includes('&');
  if (!anchors && !chunk.includes('<<')) return value;
  const finisher = new Finisher(anchors);
  const out = finisher.finish(value, 0);
  if (!anchors) return out;
  finisher.expandedSize(out);
  // Aliases share one object between places; kubectl sends JSON, where each place has its own copy.
  return JSON.parse(JSON.stringify(out));
}

/**
 * Decodes a YAML (or JSON) stream into documents. Never throws for bad input: a document that
 * cannot be decoded becomes a problem with its line, and the other documents are still read.
 */
export function parseYamlStream(text: string): YamlStream {
  const documents: YamlDocument[] = [];
  const problems: YamlProblem[] = [];
  const ranges = splitDocuments(text);
  if (ranges.length > MAX_DOCUMENTS) {
    return { documents, problems: [{ line: 1, message: `more than ${MAX_DOCUMENTS} documents` }] };
  }
  const checked = plainCharacters(text);
  const searches = searchMemo();
  for (const r of ranges) {
    const chunk = text.slice(r.start, r.end);
    const line = firstContentLine(text, r.start, r.end, r.startLine);
    let value: unknown;
    try {
      value = decodeOne(text, r, chunk, checked, searches);
    } catch (err) {
      const p = problemOf(err, line, chunk);
      const marked = err instanceof jsyaml.YAMLException && (err as { mark?: unknown }).mark !== undefined;
      problems.push(marked ? { ...p, line: p.line + r.startLine } : p);
      continue;
    }
    if (value === null || value === undefined) continue;
    documents.push({
      value,
      line,
      start: r.start,
      end: r.end,
      startLine: r.startLine,
      inText: decodedFast,
      compact: decodedFast && !decodedNegativeZero(),
    });
  }
  return { documents, problems };
}

/** Decodes a single YAML document as kubectl would (throws a readable Error on bad input). */
export function parseYaml(text: string): unknown {
  const { documents, problems } = parseYamlStream(text);
  if (problems.length) throw new InputError(`line ${problems[0].line}: ${problems[0].message}`);
  if (documents.length > 1) throw new InputError(`expected one YAML document, found ${documents.length}`);
  return documents[0]?.value ?? null;
}

/**
 * Lines of JSON paths inside one document, computed on demand so only documents with findings pay
 * for positions. Block-style YAML is followed by indentation; other styles (flow, JSON) are parsed
 * with positions. Falls back to the nearest ancestor the source spells out.
 */
export function documentLocator(
  text: () => string,
  doc: Pick<YamlDocument, 'start' | 'end' | 'startLine'>,
): (path: readonly (string | number)[]) => number | undefined {
  return (path) => {
    const d = positionsOf(text, doc);
    const block = d.locate(path);
    // Block style (what people and generators write): the indentation walk is exact, and a field
    // that is absent is placed at its nearest ancestor. Only a document written in flow style
    // (JSON, `{...}`) needs a positional parse.
    if (block.complete || !d.flow) return block.line + doc.startLine + 1;
    if (!d.parsed) {
      const counter = new LineCounter();
      const chunk = text().slice(doc.start, doc.end);
      d.parsed = { doc: parseDocument(chunk, { lineCounter: counter, version: '1.1', uniqueKeys: false }), counter };
    }
    for (let k = path.length; k > 0; k--) {
      const node = d.parsed.doc.getIn(path.slice(0, k), true);
      if (isNode(node) && node.range) return d.parsed.counter.linePos(node.range[0]).line + doc.startLine;
    }
    return block.line + doc.startLine + 1;
  };
}

/**
 * One document's positions at a time. Findings are placed object by object, so the last document
 * is the one asked for again; keeping more would hold every located document's lines (and, through
 * them, its file's text) for the whole scan, since reports keep each object's locator.
 */
let lastPositions: DocumentLines | undefined;

function positionsOf(text: () => string, doc: Pick<YamlDocument, 'start' | 'end'>): DocumentLines {
  if (lastPositions && lastPositions.text === text && lastPositions.start === doc.start) return lastPositions;
  lastPositions = new DocumentLines(text, text(), doc.start, doc.end);
  return lastPositions;
}

/** {@link documentLocator} for one path. */
export function locateLine(
  text: string,
  doc: Pick<YamlDocument, 'start' | 'end' | 'startLine'>,
  path: readonly (string | number)[],
): number | undefined {
  return documentLocator(() => text, doc)(path);
}

// --- Positions without a second parser, for block-style YAML (what people and generators write) ---

const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"{[][^:#]*?))\s*:(?:\s|$)/;

function keyOf(body: string): { key: string; rest: string } | undefined {
  const m = KEY.exec(body);
  if (!m) return undefined;
  const key = m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2] !== undefined ? m[2].replace(/''/g, "'") : m[3];
  return { key, rest: body.slice(m[0].length).trim() };
}

/** Where the walk stands before a path segment: the node starts at line `at`, column `col`. */
interface WalkState {
  readonly at: number;
  readonly col: number;
  /** The deepest line found so far. */
  readonly found: number;
}

/**
 * Line tables of the document being located, shared by every DocumentLines: only the last one
 * (positionsOf's) is ever used, and a new one takes them over.
 */
let lineStarts = new Int32Array(256);
/** Where each line ends, without its '\n' and one trailing '\r'. */
let lineEnds = new Int32Array(256);
/** Leading spaces of each line, -1 until needed (most lines are only compared with a column). */
let lineIndents = new Int32Array(256);

/**
 * The lines of one document, split lazily from the file's text (no copy of the document): a walk
 * scans only as far as the lines it visits, and a line's indentation is counted only as far as the
 * column it is compared with. Line i (0-based from the document's start) has its indentation
 * (leading spaces) and its body, the text after the indentation without a trailing '\r', empty for
 * blank and comment lines; bodies are offsets into the text, cut out only for the few lines whose
 * key is compared.
 */
class DocumentLines {
  /** Lines split so far. */
  private count = 0;
  /** Offset of the next line to split; -1 once the document's last line is split. */
  private next: number;
  private firstLine = -2;
  private flowStyle: boolean | undefined;
  // The previous path's walk, state by state: findings of one object share long prefixes.
  private lastPath: readonly (string | number)[] = [];
  private lastStates: WalkState[] = [];
  parsed?: { doc: ReturnType<typeof parseDocument>; counter: LineCounter };

  constructor(
    readonly text: () => string,
    private readonly src: string,
    readonly start: number,
    private readonly end: number,
  ) {
    this.next = start;
  }

  /** Index of the first content line, -1 when there is none. */
  get first(): number {
    if (this.firstLine === -2) {
      let i = 0;
      for (; this.has(i); i++) {
        if (this.blank(i)) continue;
        const s = lineStarts[i] + lineIndents[i];
        if (!this.startsWith(s, lineEnds[i], '---') && this.src.charCodeAt(s) !== 37 /* % */) break;
      }
      this.firstLine = this.has(i) ? i : -1;
    }
    return this.firstLine;
  }

  /** Written in flow style (JSON, `{...}`): absent paths need a positional parse. */
  get flow(): boolean {
    if (this.flowStyle === undefined) {
      const f = this.first;
      const c = f >= 0 ? this.src.charCodeAt(lineStarts[f] + lineIndents[f]) : 0;
      this.flowStyle = c === 123 /* { */ || c === 91; /* [ */
    }
    return this.flowStyle;
  }

  /** Whether line i exists, splitting lines up to it. */
  private has(i: number): boolean {
    while (i >= this.count) {
      if (this.next < 0) return false;
      this.split();
    }
    return true;
  }

  private split(): void {
    const src = this.src;
    const p = this.next;
    const nl = src.indexOf('\n', p);
    let le: number;
    if (nl === -1 || nl >= this.end) {
      le = this.end;
      this.next = -1;
    } else {
      le = nl;
      this.next = nl + 1;
    }
    if (le > p && src.charCodeAt(le - 1) === 13 /* \r */) le--;
    const n = this.count++;
    if (n === lineStarts.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      lineStarts = grow(lineStarts);
      lineEnds = grow(lineEnds);
      lineIndents = grow(lineIndents);
    }
    lineStarts[n] = p;
    lineEnds[n] = le;
    lineIndents[n] = -1;
  }

  /** Leading spaces of line i (which must be split). */
  private indent(i: number): number {
    let n = lineIndents[i];
    if (n < 0) {
      const src = this.src;
      const p = lineStarts[i];
      const e = lineEnds[i];
      let s = p;
      while (s < e && src.charCodeAt(s) === 32) s++;
      lineIndents[i] = n = s - p;
    }
    return n;
  }

  /** Line i (split) has an empty body: only spaces, or a comment. */
  private blank(i: number): boolean {
    const s = lineStarts[i] + this.indent(i);
    return s === lineEnds[i] || this.src.charCodeAt(s) === 35; /* # */
  }

  private startsWith(s: number, e: number, prefix: string): boolean {
    return e - s >= prefix.length && this.src.startsWith(prefix, s);
  }

  /** Offset where sibling line i's text starts, counted from column `col` on the node's first line. */
  private siblingStart(i: number, at: number, col: number): number {
    const s = lineStarts[i] + this.indent(i);
    if (i !== at) return s;
    // As String.prototype.slice(col - indent) on the body.
    const len = this.bodyEnd(i) - s;
    let d = col - lineIndents[i];
    if (d < 0) d = Math.max(len + d, 0);
    return s + Math.min(d, len);
  }

  /** End of line i's body: its start for blank lines. */
  private bodyEnd(i: number): number {
    return this.blank(i) ? lineStarts[i] + lineIndents[i] : lineEnds[i];
  }

  /** A sequence entry (`- x` or a lone `-`) starts at offset s. */
  private isEntry(s: number, e: number): boolean {
    const src = this.src;
    if (src.charCodeAt(s) !== 45 /* - */ || s >= e) return false;
    return e - s === 1 || src.charCodeAt(s + 1) === 32;
  }

  /**
   * The next line from `from` on that is an entry of the node starting at line `at`, column `col`
   * (the first line counts from `col`, as in `- key: value`; later ones must start at `col`), or -1
   * once a line less indented ends the node. Lines indented past `col` are passed over after
   * `col + 1` characters.
   */
  private nextSibling(from: number, at: number, col: number): number {
    const src = this.src;
    for (let i = from; this.has(i); i++) {
      if (i === at || lineIndents[i] >= 0) {
        if (this.blank(i)) continue;
        if (i === at) return i;
        const indent = lineIndents[i];
        if (indent < col) return -1;
        if (indent === col) return i;
        continue;
      }
      const p = lineStarts[i];
      const e = lineEnds[i];
      let k = 0;
      while (k < col && p + k < e && src.charCodeAt(p + k) === 32) k++;
      // Indented past col: blank or not, not an entry of this node.
      if (k === col && p + col < e && src.charCodeAt(p + col) === 32) continue;
      lineIndents[i] = k;
      if (this.blank(i)) continue;
      if (k < col) return -1;
      return i;
    }
    return -1;
  }

  private nextContent(from: number): number {
    for (let i = from; this.has(i); i++) if (!this.blank(i)) return i;
    return -1;
  }

  /**
   * Follows a JSON path through block mappings and sequences by indentation. Returns the 0-based
   * line of the deepest segment found and whether the whole path was found. Resumes from the
   * previous path's walk where the two paths share a prefix (the walk before a segment depends
   * only on the segments before it).
   */
  public locate(path: readonly (string | number)[]): { line: number; complete: boolean } {
    const first = this.first;
    if (first < 0) return { line: 0, complete: false };
    const states = this.lastStates;
    const last = this.lastPath;
    let k = 0;
    const shared = Math.min(path.length, last.length, states.length - 1);
    while (k < shared && path[k] === last[k]) k++;
    if (states.length === 0) states.push({ at: first, col: this.indent(first), found: first });
    else states.length = k + 1;
    // A copy: the states stay valid only for the segments they were computed from.
    this.lastPath = path.slice();
    let { at, col, found } = states[k];
    const src = this.src;
    for (let depth = k; depth < path.length; depth++) {
      const seg = path[depth];
      if (typeof seg === 'string') {
        let hit = -1;
        let rest = '';
        for (let i = this.nextSibling(at, at, col); i >= 0; i = this.nextSibling(i + 1, at, col)) {
          const s = this.siblingStart(i, at, col);
          const e = lineEnds[i];
          if (this.isEntry(s, e)) {
            if (i === at) break;
            continue;
          }
          // A plain key equal to seg starts the line with seg; quoted keys need the full match.
          const c = src.charCodeAt(s);
          if (c !== 34 /* " */ && c !== 39 /* ' */ && !this.startsWith(s, e, seg)) continue;
          const key = keyOf(src.slice(s, e));
          if (key && key.key === seg) {
            hit = i;
            rest = key.rest;
            break;
          }
        }
        if (hit < 0) return { line: found, complete: false };
        found = hit;
        if (depth + 1 === path.length) break;
        // An inline value (flow collection, scalar) ends the walk; block values continue below.
        if (rest !== '' && !/^[|>&!]/.test(rest)) return { line: found, complete: false };
        const next = this.nextContent(hit + 1);
        if (next < 0) return { line: found, complete: false };
        const indent = lineIndents[next];
        const ns = lineStarts[next] + indent;
        if (!(indent > col || (indent === col && this.isEntry(ns, lineEnds[next]))))
          return { line: found, complete: false };
        at = next;
        col = indent;
      } else {
        let n = -1;
        let hit = -1;
        for (let i = this.nextSibling(at, at, col); i >= 0; i = this.nextSibling(i + 1, at, col)) {
          if (!this.isEntry(this.siblingStart(i, at, col), lineEnds[i])) break;
          if (++n === seg) {
            hit = i;
            break;
          }
        }
        if (hit < 0) return { line: found, complete: false };
        found = hit;
        if (depth + 1 === path.length) break;
        const after = src.slice(this.siblingStart(hit, at, col) + 1, lineEnds[hit]);
        const pad = after.length - after.trimStart().length;
        if (after.trim() === '') {
          const next = this.nextContent(hit + 1);
          if (next < 0) return { line: found, complete: false };
          at = next;
          col = lineIndents[next];
        } else {
          at = hit;
          col = col + 1 + pad;
        }
      }
      states.push({ at, col, found });
    }
    return { line: found, complete: true };
  }
}
