/**
 * Reads manifests for the CLI: YAML and JSON files, directories (following symlinks, as
 * `kubectl apply -R` does), multi-document streams and stdin. One bad input never stops the run:
 * every file and document is read, documents that are not Kubernetes objects are skipped with a
 * notice, and documents that cannot be decoded are reported with file:line while the rest is scanned.
 *
 * Decoding is lib/core/manifest-yaml (YAML 1.1 as kubectl reads it). Files are decoded one at a
 * time; lines are computed only for objects with findings, from the file's text, kept up to a
 * budget (KEPT_TEXT_CHARS) and re-read past it.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  MAX_ALIAS_COUNT,
  MAX_DEPTH,
  MAX_DOCUMENTS,
  YamlDocument,
  documentLocator,
  parseYamlStream,
} from '../core/manifest-yaml';
import type { KubeObject, PathSegment, SourcedObject } from '../rules';
import { InputError } from '../core/errors';

export { MAX_ALIAS_COUNT, MAX_DEPTH, MAX_DOCUMENTS };

/** Default per-file limit: generated CRD bundles and rendered charts run to tens of MiB. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
/** @deprecated the default per-file limit; see {@link LoadOptions.maxFileBytes}. */
export const MAX_FILE_BYTES = DEFAULT_MAX_FILE_BYTES;
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_FILES = new Set(['construct-metadata.json']);
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** Input that cannot be scanned; the CLI exits 2 with this message. */
export { InputError };

/** An input that could not be read or decoded (the run exits 2 after reporting all findings). */
export interface InputProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** An input deliberately left out, with the reason (not an error). */
export interface SkippedInput {
  readonly file: string;
  readonly line?: number;
  readonly reason: string;
}

export interface LoadResult {
  readonly objects: SourcedObject[];
  readonly errors: InputProblem[];
  readonly skipped: SkippedInput[];
}

export interface LoadOptions {
  /** Reads stdin for `-` (injected so tests need not spawn). */
  readonly readStdin?: () => Buffer;
  /** Told about each skipped input as it is found. */
  readonly onSkip?: (message: string) => void;
  /** Largest file read, in bytes. @default DEFAULT_MAX_FILE_BYTES */
  readonly maxFileBytes?: number;
}

export function formatProblem(p: InputProblem): string {
  return `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}: ${p.message}`;
}

export function formatSkipped(s: SkippedInput): string {
  return `${s.file}${s.line ? `:${s.line}` : ''}: skipped, ${s.reason}`;
}

/** Parses a size such as `67108864`, `64MiB`, `64M`, `512KiB`. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  const n = Number(m[1]) * factor;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Reads every input; never throws for bad input. */
export function readManifests(paths: readonly string[], options: LoadOptions = {}): LoadResult {
  const objects: SourcedObject[] = [];
  const { errors, skipped } = visitManifests(paths, (o) => objects.push(o), options);
  return { objects, errors, skipped };
}

/**
 * Hands every object to `visit` as soon as its file is decoded, in input order, and keeps none of
 * them: the loading half of a scan whose memory need not grow with the repository (a rule engine
 * that indexes summaries in one pass and judges objects in a second). Never throws for bad input;
 * returns what could not be read and what was skipped, as {@link readManifests} does.
 */
export function visitManifests(
  paths: readonly string[],
  visit: (object: SourcedObject) => void,
  options: LoadOptions = {},
): Omit<LoadResult, 'objects'> {
  const errors: InputProblem[] = [];
  const skipped: SkippedInput[] = [];
  const sink: Sink = { objects: { push: visit }, errors };
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const compactor = new Compactor();
  const kept = new KeptTexts(KEPT_TEXT_CHARS);
  const skip = (s: SkippedInput) => {
    skipped.push(s);
    options.onSkip?.(formatSkipped(s));
  };
  for (const p of paths) {
    if (p === '-') {
      const data = (options.readStdin ?? (() => fs.readFileSync(0)))();
      const text = decode(data, '<stdin>', limit, errors);
      if (text !== undefined) readText(compactor, text, '<stdin>', { read: () => text, kept: true }, sink, skip);
      continue;
    }
    for (const entry of expand(p, errors, skip)) {
      const data = readFile(entry, limit, errors);
      if (data === undefined) continue;
      const text = decode(data, entry, limit, errors);
      if (text === undefined) continue;
      readText(compactor, text, entry, kept.reader(entry, text, limit), sink, skip);
    }
  }
  return { errors, skipped };
}

/** Where decoded objects and input problems go (a LoadResult collects; visitManifests hands on). */
interface Sink {
  readonly objects: { push(object: SourcedObject): unknown };
  readonly errors: InputProblem[];
}

/**
 * The strict form: throws an InputError naming every input that could not be read. Used where a
 * partial answer would mislead (reach, tools).
 */
export function loadInputs(paths: readonly string[], options: LoadOptions = {}): SourcedObject[] {
  const r = readManifests(paths, options);
  if (r.errors.length) throw new InputError(r.errors.map(formatProblem).join('\n'));
  return r.objects;
}

/**
 * Characters of file text one read keeps for line lookups (about as many bytes: manifests are
 * mostly ASCII). Re-reading a file to place its findings cost a fifth of the rule phase at 50 MB
 * (an open, fstat, read and close per file with findings); keeping the text costs its size in
 * memory for as long as the objects' sources live. Past the budget, files are re-read.
 */
export const KEPT_TEXT_CHARS = 64 * 1024 * 1024;

/** The texts one read keeps, up to a budget; the rest are re-read when a finding needs a line. */
class KeptTexts {
  constructor(private left: number) {}

  public reader(file: string, text: string, limit: number): TextReader {
    if (text.length > this.left) return { read: cachedReader(file, limit), kept: false };
    this.left -= text.length;
    // Also the exact text the objects were decoded from, even if the file changes afterwards.
    return { read: () => text, kept: true };
  }
}

/** How line lookups get a file's text; `kept` when the text stays in memory as long as its objects. */
interface TextReader {
  readonly read: () => string;
  readonly kept: boolean;
}

/**
 * Past the kept budget, one file's text at a time is kept for line lookups; findings arrive file by file. The file is
 * read and decoded as it was for decoding (BOM dropped), so document offsets mean the same text.
 */
let lastText: { file: string; text: string } | undefined;
function cachedReader(file: string, limit: number): () => string {
  return () => {
    if (lastText?.file !== file) {
      const data = readFile(file, limit, []);
      lastText = { file, text: (data && decode(data, file, limit, [])) ?? '' };
    }
    return lastText.text;
  };
}

function expand(p: string, errors: InputProblem[], skip: (s: SkippedInput) => void): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch (err) {
    errors.push({ file: p, message: `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    return [];
  }
  if (stat.isFile()) return [p];
  if (!stat.isDirectory()) {
    errors.push({ file: p, message: 'not a file or directory' });
    return [];
  }
  const files: string[] = [];
  walk(p, new Set(), files, errors, skip);
  return files;
}

/** Recursion that follows symlinks like `kubectl apply -R`, refusing to enter a directory twice. */
function walk(
  dir: string,
  active: Set<string>,
  files: string[],
  errors: InputProblem[],
  skip: (s: SkippedInput) => void,
) {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch (err) {
    errors.push({ file: dir, message: `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    return;
  }
  if (active.has(real)) {
    skip({ file: dir, reason: `symlink loop (already inside ${real})` });
    return;
  }
  active.add(real);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    errors.push({ file: dir, message: `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    active.delete(real);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const st = fs.statSync(full);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        skip({ file: full, reason: 'broken symlink' });
        continue;
      }
    }
    if (isDir) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(full, active, files, errors, skip);
    } else if (isFile && MANIFEST_EXTENSIONS.has(path.extname(entry.name)) && !SKIPPED_FILES.has(entry.name)) {
      files.push(full);
    }
  }
  active.delete(real);
}

/** One open, one fstat, one read: the size check and the read see the same file, at half the calls. */
function readFile(file: string, limit: number, errors: InputProblem[]): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    if (size > limit) {
      errors.push({ file, message: `file is larger than ${limit} bytes (raise --max-file-size)` });
      return undefined;
    }
    const data = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = fs.readSync(fd, data, read, size - read, null);
      if (n === 0) break;
      read += n;
    }
    return read === size ? data : data.subarray(0, read);
  } catch (err) {
    errors.push({ file, message: `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decode(data: Buffer, file: string, limit: number, errors: InputProblem[]): string | undefined {
  if (data.length > limit) {
    errors.push({ file, message: `input is larger than ${limit} bytes (raise --max-file-size)` });
    return undefined;
  }
  if (data.includes(0)) {
    errors.push({ file, message: 'binary content (NUL byte) is not a manifest' });
    return undefined;
  }
  try {
    const text = UTF8.decode(data);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    errors.push({ file, message: 'not valid UTF-8 text' });
    return undefined;
  }
}

/** kubectl reads a JSON file as one JSON value; everything else is a YAML stream. */
function documentsOf(text: string, file: string): ReturnType<typeof parseYamlStream> {
  if (file.endsWith('.json') && /^\s*[{[]/.test(text)) {
    try {
      return {
        documents: [{ value: JSON.parse(text), line: 1, start: 0, end: text.length, startLine: 0, inText: true }],
        problems: [],
      };
    } catch {
      // Not strict JSON: read it as YAML, which reports where it breaks.
    }
  }
  return parseYamlStream(text);
}

function readText(
  compactor: Compactor,
  text: string,
  file: string,
  reader: TextReader,
  result: Sink,
  skip: (s: SkippedInput) => void,
): void {
  const { documents, problems } = documentsOf(text, file);
  for (const p of problems) result.errors.push({ file, line: p.line, column: p.column, message: p.message });
  // Text read from stdin cannot be read twice; files are re-read only when a finding needs a line.
  const kept = file === '<stdin>' || reader.kept;
  const source = file === '<stdin>' ? () => text : reader.read;
  for (const doc of documents) toObjects(compactor, doc, file, source, kept, result, skip);
}

/**
 * Positions for one object. Module-level on purpose: a closure made inside toObjects would share
 * its scope and keep the decoded document alive for the whole scan.
 */
function locator(
  lines: (path: readonly PathSegment[]) => number | undefined,
  prefix: readonly PathSegment[],
): (p: readonly PathSegment[]) => number | undefined {
  return prefix.length ? (p) => lines([...prefix, ...p]) : lines;
}

function itemSource(file: string, at: (p: readonly PathSegment[]) => number | undefined, fallback: number) {
  return {
    file,
    get line() {
      return at([]) ?? fallback;
    },
    locate: at,
  };
}

function toObjects(
  compactor: Compactor,
  doc: YamlDocument,
  file: string,
  text: () => string,
  kept: boolean,
  result: Sink,
  skip: (s: SkippedInput) => void,
): void {
  // As kubectl sends it (JSON), and compact for whole-repo scans: see Compactor. Strings are copied
  // unless they can only refer to a text that is kept anyway (see Compactor.value).
  const inKeptText = kept && doc.inText === true;
  const value = inKeptText && doc.compact === true ? doc.value : compactor.value(doc.value, !inKeptText);
  const problem = notKubeObject(value);
  if (problem) {
    skip({ file, line: doc.line, reason: `not a Kubernetes object (${problem})` });
    return;
  }
  const obj = value as KubeObject;
  // Only the document's range is kept for positions, never its decoded value.
  const lines = documentLocator(text, { start: doc.start, end: doc.end, startLine: doc.startLine });
  if (obj.kind !== undefined && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    const items: unknown[] = obj.items;
    for (let i = 0; i < items.length; i++) {
      const at = locator(lines, ['items', i]);
      const itemProblem = notKubeObject(items[i]);
      if (itemProblem) {
        skip({ file, line: at([]) ?? doc.line, reason: `list item ${i} is not a Kubernetes object (${itemProblem})` });
        continue;
      }
      result.objects.push({ object: items[i] as KubeObject, source: itemSource(file, at, doc.line) });
    }
    return;
  }
  result.objects.push({ object: obj, source: { file, line: doc.line, locate: lines } });
}

/** Shortest string V8 keeps as a view into its parent string (a substring pins the whole parent). */
const SLICE_MIN = 13;

/**
 * Turns decoded documents into what kubectl sends, in place and without a text round trip through
 * JSON (which cost a fifth of the load): the decoder makes only null, booleans, finite numbers,
 * strings, dense arrays and plain objects, and of those only -0 reads differently as JSON (0).
 * Documents with aliases arrive already copied through JSON (decodeOne), so nothing is shared.
 *
 * It also makes the objects compact, since a scan keeps every object until the rules have run:
 * - strings are copied out of the parser's input (js-yaml's scalars are substrings of its copy of
 *   the document, so one kept value would keep that whole text alive), and equal strings are kept
 *   once for the whole read (labels, images, field values repeat across a repository);
 * - arrays are copied to their exact size (the parser grows them by pushing, with room for 17).
 * 50 MB repository: 69 MiB heap for the objects through JSON, 81 MiB here while reading (with the
 * string table), 176 MiB for the parser's values as they come.
 */
class Compactor {
  private readonly strings = new Map<string, string>();
  private copy = true;

  /**
   * One document's value, compacted in place. `copy` false skips the string copies (and the string
   * table): for documents whose strings are fresh or substrings of their file's text (the fast
   * decoder's and JSON.parse's, {@link YamlDocument.inText}) while that text is kept for line lookups
   * anyway, a copy frees nothing. 50 MB repository: 168 ms of the load; peak RSS ~390 -> see
   * docs/performance.md.
   */
  public value(value: unknown, copy: boolean): unknown {
    this.copy = copy;
    return this.walk(value);
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.copy ? this.string(value) : value;
    if (typeof value === 'number') return value === 0 ? 0 : value;
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === 'object' || typeof v === 'string' || v === 0) value[i] = this.walk(v);
      }
      return value.slice();
    }
    const obj = value as Record<string, unknown>;
    for (const k in obj) {
      const v = obj[k];
      if (typeof v === 'object' || typeof v === 'string' || v === 0) obj[k] = this.walk(v);
    }
    return obj;
  }

  private string(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    // Concatenation makes a new flat string; its slice no longer refers to the parser's input.
    const own = s.length >= SLICE_MIN ? (' ' + s).slice(1) : s;
    this.strings.set(own, own);
    return own;
  }
}

function notKubeObject(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a mapping';
  const v = value as Record<string, unknown>;
  if (typeof v.apiVersion !== 'string' || v.apiVersion === '') return 'apiVersion is missing';
  if (typeof v.kind !== 'string' || v.kind === '') return 'kind is missing';
  if (v.metadata !== undefined && (typeof v.metadata !== 'object' || v.metadata === null || Array.isArray(v.metadata)))
    return 'metadata is not a mapping';
  return undefined;
}

/**
 * Parses one YAML/JSON stream strictly: the objects, or an InputError naming the first problem
 * with file:line. (Scans use {@link readManifests}, which reports every problem and goes on.)
 */
export function parseManifests(data: Buffer | string, file: string): SourcedObject[] {
  const errors: InputProblem[] = [];
  const text = typeof data === 'string' ? data : decode(data, file, DEFAULT_MAX_FILE_BYTES, errors);
  if (text === undefined) throw new InputError(formatProblem(errors[0]));
  const result: LoadResult = { objects: [], errors, skipped: [] };
  readText(new Compactor(), text, file, { read: () => text, kept: true }, result, () => undefined);
  if (result.errors.length) throw new InputError(formatProblem(result.errors[0]));
  if (result.skipped.length) throw new InputError(formatSkipped(result.skipped[0]));
  return result.objects;
}

/** Names other subcommands (reach) use for the same loader. */
export { InputError as ManifestLoadError };
export const loadManifests = loadInputs;
