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
import { decodeFast } from './manifest-yaml-fast';
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

/** Decodes one YAML document's text (already split), or throws. */
function decodeOne(chunk: string): unknown {
  // The fast decoder reads the plain subset nearly every manifest is written in and returns exactly
  // what js-yaml would; anything else, every error and every limit stay js-yaml's and the code below.
  let value = decodeFast(chunk);
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
  for (const r of ranges) {
    const chunk = text.slice(r.start, r.end);
    const line = firstContentLine(text, r.start, r.end, r.startLine);
    let value: unknown;
    try {
      value = decodeOne(chunk);
    } catch (err) {
      const p = problemOf(err, line, chunk);
      const marked = err instanceof jsyaml.YAMLException && (err as { mark?: unknown }).mark !== undefined;
      problems.push(marked ? { ...p, line: p.line + r.startLine } : p);
      continue;
    }
    if (value === null || value === undefined) continue;
    documents.push({ value, line, start: r.start, end: r.end, startLine: r.startLine });
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
    const block = blockLocate(d.lines, d.first, path);
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

/** The scanned lines of one document, with what every lookup in it needs. */
interface Positions {
  readonly text: () => string;
  readonly start: number;
  readonly lines: readonly Line[];
  /** Index of the first content line, -1 when there is none. */
  readonly first: number;
  /** Written in flow style (JSON, `{...}`): absent paths need a positional parse. */
  readonly flow: boolean;
  parsed?: { doc: ReturnType<typeof parseDocument>; counter: LineCounter };
}

/**
 * One document's positions at a time. Findings are placed object by object, so the last document
 * is the one asked for again; keeping more would hold every located document's lines (and, through
 * them, its file's text) for the whole scan, since reports keep each object's locator.
 */
let lastPositions: Positions | undefined;

function positionsOf(text: () => string, doc: Pick<YamlDocument, 'start' | 'end'>): Positions {
  if (lastPositions && lastPositions.text === text && lastPositions.start === doc.start) return lastPositions;
  const lines = scanLines(text().slice(doc.start, doc.end));
  const first = lines.findIndex((l) => l.body !== '' && !l.body.startsWith('---') && !l.body.startsWith('%'));
  const flow = first >= 0 && (lines[first].body.startsWith('{') || lines[first].body.startsWith('['));
  lastPositions = { text, start: doc.start, lines, first, flow };
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

interface Line {
  readonly indent: number;
  /** Text after the indentation; '' for blank and comment lines. */
  readonly body: string;
}

function scanLines(chunk: string): Line[] {
  return chunk.split('\n').map((raw) => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let indent = 0;
    while (indent < text.length && text.charCodeAt(indent) === 32) indent++;
    const body = text.slice(indent);
    return { indent, body: body.startsWith('#') ? '' : body };
  });
}

const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"{[][^:#]*?))\s*:(?:\s|$)/;

function keyOf(body: string): { key: string; rest: string } | undefined {
  const m = KEY.exec(body);
  if (!m) return undefined;
  const key = m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2] !== undefined ? m[2].replace(/''/g, "'") : m[3];
  return { key, rest: body.slice(m[0].length).trim() };
}

/**
 * Follows a JSON path through block mappings and sequences by indentation. Returns the 0-based line
 * of the deepest segment found and whether the whole path was found.
 */
function blockLocate(
  lines: readonly Line[],
  first: number,
  path: readonly (string | number)[],
): { line: number; complete: boolean } {
  if (first < 0) return { line: 0, complete: false };
  // The current node: it starts at line `at`, column `col`; its lines end before `end`.
  let at = first;
  let col = lines[first].indent;
  let found = first;
  let depth = 0;
  for (const seg of path) {
    if (typeof seg === 'string') {
      let hit = -1;
      for (let i = nextSibling(lines, at, at, col); i >= 0; i = nextSibling(lines, i + 1, at, col)) {
        const body = siblingBody(lines, i, at, col);
        if (body.startsWith('- ') || body === '-') {
          if (i === at) break;
          continue;
        }
        const k = keyOf(body);
        if (k && k.key === seg) {
          hit = i;
          break;
        }
      }
      if (hit < 0) return { line: found, complete: false };
      found = hit;
      if (++depth === path.length) break;
      const rest = (keyOf(siblingBody(lines, hit, at, col)) as { rest: string }).rest;
      // An inline value (flow collection, scalar) ends the walk; block values continue below.
      if (rest !== '' && !/^[|>&!]/.test(rest)) return { line: found, complete: false };
      const next = nextContent(lines, hit + 1);
      if (next < 0) return { line: found, complete: false };
      const nl = lines[next];
      if (!(nl.indent > col || (nl.indent === col && (nl.body.startsWith('- ') || nl.body === '-'))))
        return { line: found, complete: false };
      at = next;
      col = nl.indent;
    } else {
      let n = -1;
      let hit = -1;
      for (let i = nextSibling(lines, at, at, col); i >= 0; i = nextSibling(lines, i + 1, at, col)) {
        const body = siblingBody(lines, i, at, col);
        if (!(body.startsWith('- ') || body === '-')) break;
        if (++n === seg) {
          hit = i;
          break;
        }
      }
      if (hit < 0) return { line: found, complete: false };
      found = hit;
      if (++depth === path.length) break;
      const after = siblingBody(lines, hit, at, col).slice(1);
      const pad = after.length - after.trimStart().length;
      if (after.trim() === '') {
        const next = nextContent(lines, hit + 1);
        if (next < 0) return { line: found, complete: false };
        at = next;
        col = lines[next].indent;
      } else {
        at = hit;
        col = col + 1 + pad;
      }
    }
  }
  return { line: found, complete: true };
}

function lineBodyAt(l: Line, col: number): string {
  return l.body.slice(col - l.indent);
}

/**
 * The next line from `from` on that is an entry of the node starting at line `at`, column `col`
 * (the first line counts from `col`, as in `- key: value`; later ones must start at `col`), or -1
 * once a line less indented ends the node.
 */
function nextSibling(lines: readonly Line[], from: number, at: number, col: number): number {
  for (let i = from; i < lines.length; i++) {
    const l = lines[i];
    if (l.body === '') continue;
    if (i === at) return i;
    if (l.indent < col) return -1;
    if (l.indent === col) return i;
  }
  return -1;
}

/** The text of sibling line `i` from the node's column on. */
function siblingBody(lines: readonly Line[], i: number, at: number, col: number): string {
  return i === at ? lineBodyAt(lines[i], col) : lines[i].body;
}

function nextContent(lines: readonly Line[], from: number): number {
  for (let i = from; i < lines.length; i++) if (lines[i].body !== '') return i;
  return -1;
}
