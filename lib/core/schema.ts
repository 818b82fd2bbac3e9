/**
 * Run-time checks of props against one zod schema per props type. `cdk8s synth` runs TypeScript
 * without type-checking, so `replica: 3` or `network: { egres: [...] }` would otherwise be dropped
 * silently. Schemas check shape only (known keys, types, enums); the constructs check meaning.
 */
import { IConstruct } from 'constructs';
import leven from 'leven';
import { z } from 'zod';
import { SECRET_LIKE_ENV_NAME } from './baseline';
import { invalidProp } from './errors';

type Scope = IConstruct | string;
type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** The construct path a child `id` of `scope` will have, for checks that run before its constructor. */
export function childPath(scope: IConstruct, id: string): string {
  return scope.node.path === '' ? id : `${scope.node.path}/${id}`;
}

/** Renders `['resources', 'cpu', 'request']` / `['items', 0, 'keys']` as `resources.cpu.request` / `items[0].keys`. */
export function renderField(prefix: string, path: Path): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[seg as string];
  }
  return node;
}

/** The closest known name to a mistyped one, when it is close enough to be the intended one. */
export function didYouMean(given: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = leven(given.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  const limit = Math.max(2, Math.floor(given.length / 3));
  if (best !== undefined && bestDistance <= limit) return best;
  // An abbreviation: 'mem' for 'memory', 'env' for 'environment'.
  return given.length >= 3 ? known.find((k) => k.toLowerCase().startsWith(given.toLowerCase())) : undefined;
}

/** Known keys of the object schema at `path` under `schema`, following optionals, arrays, records and unions. */
function knownKeys(schema: z.core.$ZodType, path: Path): string[] {
  const defOf = (s: z.core.$ZodType) => s._zod.def as unknown as Record<string, unknown> & { type: string };
  const unwrap = (s: z.core.$ZodType): z.core.$ZodType[] => {
    const def = defOf(s);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'readonly':
      case 'default':
      case 'nonoptional':
        return unwrap(def.innerType as z.core.$ZodType);
      case 'pipe':
        return unwrap(def.in as z.core.$ZodType);
      case 'union':
        return (def.options as z.core.$ZodType[]).flatMap(unwrap);
      case 'lazy':
        return unwrap((def.getter as () => z.core.$ZodType)());
      default:
        return [s];
    }
  };
  let current = unwrap(schema);
  for (const seg of path) {
    current = current.flatMap((s) => {
      const def = defOf(s);
      if (def.type === 'object') {
        const child = (def.shape as Record<string, z.core.$ZodType>)[String(seg)];
        return child ? unwrap(child) : [];
      }
      if (def.type === 'array') return unwrap(def.element as z.core.$ZodType);
      if (def.type === 'record') return unwrap(def.valueType as z.core.$ZodType);
      return [];
    });
  }
  const keys = current.flatMap((s) => {
    const def = defOf(s);
    return def.type === 'object' ? Object.keys(def.shape as object) : [];
  });
  return [...new Set(keys)];
}

/** Issues that stop a construct from reading its props at all: unknown keys, and an object or list of the wrong shape. */
function structural(issue: Issue): boolean {
  return (
    issue.code === 'unrecognized_keys' ||
    (issue.code === 'invalid_type' && ['object', 'array', 'record', 'map', 'set'].includes(issue.expected))
  );
}

/** The issue a user should fix first: an unknown key (a typo explains the rest), then the shallowest. */
function pick(
  issues: readonly Issue[],
  base: Path = [],
  keep: (i: Issue) => boolean = () => true,
): { issue: Issue; path: Path } | undefined {
  const flat: Array<{ issue: Issue; path: Path }> = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union') {
      // The branch the user most likely meant: the one with the fewest problems.
      const branches = [...issue.errors].sort((a, b) => a.length - b.length);
      const leaf = branches[0] && branches[0].length > 0 ? pick(branches[0], path, keep) : undefined;
      if (leaf) flat.push(leaf);
    } else if (keep(issue)) flat.push({ issue, path });
  }
  const rank = (x: { issue: Issue; path: Path }) => (x.issue.code === 'unrecognized_keys' ? 0 : 1);
  flat.sort((a, b) => rank(a) - rank(b) || a.path.length - b.path.length);
  return flat[0];
}

function describeExpected(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'an object' : `a ${issue.expected}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ')}`;
    case 'too_small':
      return `at least ${String(issue.minimum)}${issue.origin === 'array' ? ' item(s)' : ''}`;
    case 'too_big':
      return `at most ${String(issue.maximum)}${issue.origin === 'array' ? ' item(s)' : ''}`;
    default:
      return issue.message;
  }
}

/**
 * Props that passed their schema without a single issue at a constructor's entry check. The same
 * constructor's closing check of the same object against the same schema (phase 'complete') has
 * nothing left to find, so it takes the entry result instead of parsing again (the agent schemas
 * are the largest, and every agent ran both). Each record is used once; the next entry check of
 * the same object parses afresh, so a props object changed between two constructions is checked.
 */
const passedAtEntry = new WeakMap<object, unknown>();

/**
 * Checks `props` against `schema` (phase 'entry': unknown keys and wrong object/list shapes only) and throws an AgentBaselineError naming the construct path, the
 * field (prefixed with `fieldPrefix`), the value, what is allowed and, for an unknown key, the
 * known key it was probably meant to be. Returns `props` typed.
 */
export function checkProps<T>(
  scope: Scope,
  schema: z.ZodType<T>,
  props: unknown,
  fieldPrefix = '',
  phase: 'entry' | 'complete' = 'complete',
): T {
  const record = typeof props === 'object' && props !== null ? props : undefined;
  if (phase === 'complete' && record !== undefined && passedAtEntry.get(record) === schema) {
    passedAtEntry.delete(record);
    return props as T;
  }
  // A record left by a constructor that threw before its closing check never outlives the next entry check.
  if (phase === 'entry' && record !== undefined) passedAtEntry.delete(record);
  // jitless: each schema checks a handful of objects per run, too few for zod's compiled fast path
  // (generated with new Function, so never in the synth bundle's code cache) to repay compiling it.
  // Per parse rather than z.config, so an app's own zod schemas keep their JIT.
  const result = schema.safeParse(props, { jitless: true });
  if (result.success) {
    if (phase === 'entry' && record !== undefined) passedAtEntry.set(record, schema);
    return props as T;
  }
  // An unknown key whose value is undefined drops nothing (`{ ...spread, probes: undefined }`).
  const issues = result.error.issues.filter(
    (i) => i.code !== 'unrecognized_keys' || i.keys.some((k) => valueAt(props, [...i.path, k]) !== undefined),
  );
  if (issues.length === 0) return props as T;
  // At entry only what would stop the constructor reading its props; the constructor's own checks
  // then explain bad values in its terms, and a 'complete' check at its end catches the rest.
  const picked = pick(issues, [], phase === 'entry' ? structural : undefined);
  if (picked === undefined) return props as T;
  const { issue, path } = picked;
  if (issue.code === 'unrecognized_keys') {
    const key = [...issue.keys].filter((k) => valueAt(props, [...path, k]) !== undefined).sort()[0];
    const secretLike = [...path, key].some((seg) => typeof seg === 'string' && SECRET_LIKE_ENV_NAME.test(seg));
    const known = knownKeys(schema, path);
    const suggestion = didYouMean(key, known);
    invalidProp(
      scope,
      renderField(fieldPrefix, [...path, key]),
      secretLike ? '<redacted>' : valueAt(props, [...path, key]),
      known.length > 0 ? `one of the known fields ${known.map((k) => `'${k}'`).join(', ')}` : 'no extra fields',
      suggestion !== undefined ? `unknown field; did you mean '${suggestion}'?` : 'unknown field; it would be ignored',
    );
  }
  const value = valueAt(props, path);
  const field = renderField(fieldPrefix, path) || fieldPrefix || 'props';
  if (issue.code === 'invalid_type' && value === undefined)
    invalidProp(scope, field, value, `${describeExpected(issue)} (required)`);
  invalidProp(scope, field, value, describeExpected(issue));
}
