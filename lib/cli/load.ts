/**
 * Reads manifests for the CLI: YAML and JSON files, directories, multi-document streams and stdin,
 * keeping file and line for every object. Input is untrusted, so sizes, aliases and nesting are
 * capped and every refusal names the file and line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Document, LineCounter, isNode, parseAllDocuments } from 'yaml';
import type { KubeObject, PathSegment, SourcedObject } from '../rules';
import { InputError } from '../core/errors';

export const MAX_FILE_BYTES = 8 * 1024 * 1024;
export const MAX_ALIAS_COUNT = 100;
export const MAX_DEPTH = 64;
export const MAX_DOCUMENTS = 10000;
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_FILES = new Set(['construct-metadata.json']);
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** Input that cannot be scanned; the CLI exits 2 with this message. */
export { InputError };

export interface LoadOptions {
  /** Reads stdin for `-` (injected so tests need not spawn). */
  readonly readStdin?: () => Buffer;
  /** Told about JSON files found in directories that are not Kubernetes objects (build metadata, Vault roles). */
  readonly onSkip?: (message: string) => void;
}

/** JSON found by directory recursion is often other tooling's output; only an explicit path must be a manifest. */
function isForeignJson(data: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(data.toString('utf8'));
    return notKubeObject(value) !== undefined;
  } catch {
    return false;
  }
}

export function loadInputs(paths: readonly string[], options: LoadOptions = {}): SourcedObject[] {
  const out: SourcedObject[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(...parseManifests((options.readStdin ?? (() => fs.readFileSync(0)))(), '<stdin>'));
      continue;
    }
    for (const file of expand(p)) {
      const data = readFile(file);
      if (file !== p && path.extname(file) === '.json' && isForeignJson(data)) {
        options.onSkip?.(`${file}: skipped, a JSON file that is not a Kubernetes object`);
        continue;
      }
      out.push(...parseManifests(data, file));
    }
  }
  return out;
}

function expand(p: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch (err) {
    throw new InputError(`${p}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (stat.isFile()) return [p];
  if (!stat.isDirectory()) throw new InputError(`${p}: not a file or directory`);
  const files: string[] = [];
  for (const entry of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(p, entry.name);
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) files.push(...expand(full));
    else if (entry.isFile() && MANIFEST_EXTENSIONS.has(path.extname(entry.name)) && !SKIPPED_FILES.has(entry.name))
      files.push(full);
  }
  return files;
}

function readFile(file: string): Buffer {
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_FILE_BYTES) throw new InputError(`${file}: file is larger than ${MAX_FILE_BYTES} bytes`);
    return fs.readFileSync(file);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function decode(data: Buffer, file: string): string {
  if (data.length > MAX_FILE_BYTES) throw new InputError(`${file}: input is larger than ${MAX_FILE_BYTES} bytes`);
  if (data.includes(0)) throw new InputError(`${file}: binary content (NUL byte) is not a manifest`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new InputError(`${file}: not valid UTF-8 text`);
  }
}

function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop() as [unknown, number];
    if (d > limit) return true;
    if (v && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

function lineLocator(doc: Document, counter: LineCounter, prefix: readonly PathSegment[]) {
  return (p: readonly PathSegment[]): number | undefined => {
    const full = [...prefix, ...p];
    for (let k = full.length; k >= 0; k--) {
      const node = doc.getIn(full.slice(0, k), true);
      if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/** Parses one YAML/JSON stream into sourced objects, or throws an InputError with file:line. */
export function parseManifests(data: Buffer | string, file: string): SourcedObject[] {
  const text = typeof data === 'string' ? data : decode(data, file);
  const counter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      lineCounter: counter,
      prettyErrors: false,
      uniqueKeys: true,
    }) as Document.Parsed[];
  } catch (err) {
    throw new InputError(`${file}: cannot parse (${err instanceof RangeError ? 'nesting too deep' : String(err)})`);
  }
  if (!Array.isArray(docs)) throw new InputError(`${file}: cannot parse`);
  if (docs.length > MAX_DOCUMENTS) throw new InputError(`${file}: more than ${MAX_DOCUMENTS} documents`);
  const out: SourcedObject[] = [];
  for (const doc of docs) {
    const line = doc.contents?.range ? counter.linePos(doc.contents.range[0]).line : counter.linePos(doc.range[0]).line;
    if (doc.errors.length) {
      const e = doc.errors[0];
      const pos = e.linePos?.[0] ?? counter.linePos(e.pos[0]);
      throw new InputError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${e.message.split('\n')[0]}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      throw new InputError(
        `${file}:${line}: ${err instanceof RangeError ? 'nesting too deep' : (err as Error).message}`,
      );
    }
    if (value === null || value === undefined) continue;
    if (depthExceeds(value, MAX_DEPTH))
      throw new InputError(`${file}:${line}: document nests deeper than ${MAX_DEPTH} levels`);
    out.push(...toObjects(value, file, line, doc, counter));
  }
  return out;
}

function toObjects(value: unknown, file: string, line: number, doc: Document, counter: LineCounter): SourcedObject[] {
  const problem = notKubeObject(value);
  if (problem) throw new InputError(`${file}:${line}: not a Kubernetes object (${problem})`);
  const obj = value as KubeObject;
  if (obj.kind === 'List' || (obj.kind ?? '').endsWith('List')) {
    const items = Array.isArray(obj.items) ? obj.items : [];
    return items.map((item, i) => {
      const locate = lineLocator(doc, counter, ['items', i]);
      const itemLine = locate([]) ?? line;
      const itemProblem = notKubeObject(item);
      if (itemProblem)
        throw new InputError(`${file}:${itemLine}: list item ${i} is not a Kubernetes object (${itemProblem})`);
      return { object: item as KubeObject, source: { file, line: itemLine, locate } };
    });
  }
  return [{ object: obj, source: { file, line, locate: lineLocator(doc, counter, []) } }];
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

/** Names other subcommands (reach) use for the same loader. */
export { InputError as ManifestLoadError };
export const loadManifests = loadInputs;
