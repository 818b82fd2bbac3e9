/**
 * Evaluates the Kyverno expressions the project generates, with real engines: CEL with
 * @marcbachmann/cel-js, JMESPath with @jmespath-community/jmespath (Kyverno's JMESPath is a fork
 * of the community implementation). Kyverno's own functions are shimmed, small and documented:
 *
 * CEL (ImageValidatingPolicy):
 * - `time.now()`: cel-js has no namespaced functions, so the text `time.now()` is rewritten to the
 *   variable `kyvernoNow` (the fixed test clock) before evaluation; nothing else is rewritten.
 * - `verifyAttestationSignatures(image, attestation, attestors)`: 1 when the test image carries a
 *   signed statement of that attestation's predicate type, else an error (as Kyverno fails).
 * - `extractPayload(image, attestation)`: the image's in-toto statement of that type.
 * - `getImageData(image)`: `{ manifest }` of the test image.
 *
 * JMESPath (ClusterPolicy verifyImages conditions, evaluated against the predicate as Kyverno does):
 * - `time_now_utc()`, `time_after(a, b)`, `time_since(layout, from, to)` (returns a Go duration
 *   string such as `170h0m0s`, with `''` for `to` meaning now), as in pkg/engine/jmespath/time.go.
 * - operators Equals, AnyIn, AnyNotIn, DurationLessThanOrEquals as Kyverno's condition operators.
 */
import { registerFunction, search, TYPE_STRING } from '@jmespath-community/jmespath';
import { celEnvironment, toCel } from './cel';
import type { Module } from 'node:module';

const nodeProcess = process as unknown as { getBuiltinModule(id: string): unknown };
const nativeRequire = (nodeProcess.getBuiltinModule('node:module') as typeof Module).createRequire(__filename);
const vm = nativeRequire('node:vm') as typeof import('node:vm');
const mainDate = vm.runInThisContext('(ms) => new Date(ms)') as (ms: number) => Date;
/** Builds the evaluation context in the evaluator's realm (see test/helpers/cel.ts). */
const mainContext = vm.runInThisContext(
  '(base, vars, now) => Object.assign({}, base, { variables: Object.assign({}, vars), kyvernoNow: now })',
) as (base: unknown, vars: Record<string, unknown>, now: Date) => Record<string, unknown>;

/** One test image: its attestations (in-toto statements by predicate type) and manifest. */
export interface TestImage {
  readonly statements: Readonly<Record<string, { predicateType: string; predicate: unknown }>>;
  readonly manifest: Record<string, unknown>;
}

export interface IvpolSpec {
  readonly attestations?: readonly { name: string; intoto: { type: string } }[];
  readonly variables?: readonly { name: string; expression: string }[];
  readonly validations: readonly { expression: string; message: string }[];
}

/** Failed validation messages of an ImageValidatingPolicy for a pod with `images`. */
export function evaluateIvpol(
  spec: IvpolSpec,
  images: Readonly<Record<string, TestImage>>,
  now: Date,
  containers: readonly string[] = Object.keys(images),
): string[] {
  const env = celEnvironment() as unknown as {
    registerFunction(sig: string, fn: (...a: unknown[]) => unknown): void;
    evaluate(e: string, ctx: Record<string, unknown>): unknown;
  };
  const typeOf = new Map((spec.attestations ?? []).map((a) => [a.name, a.intoto.type]));
  const statement = (image: unknown, attestation: unknown) => {
    const type = typeOf.get(String(attestation));
    const s = type === undefined ? undefined : images[String(image)]?.statements[type];
    if (!s) throw new Error(`no verified ${String(type)} attestation for ${String(image)}`);
    return s;
  };
  env.registerFunction(
    'verifyAttestationSignatures(string, string, list): int',
    (i, a) => (statement(i, a), BigInt(1)),
  );
  env.registerFunction('extractPayload(string, string): dyn', (i, a) => toCel(statement(i, a)));
  env.registerFunction('getImageData(string): dyn', (i) => toCel({ manifest: images[String(i)]?.manifest ?? {} }));
  const attestationNames = Object.fromEntries([...typeOf.keys()].map((n) => [n, n]));
  const base = {
    images: { containers: [...containers] },
    attestations: attestationNames,
    attestors: { ci: 'ci', attester: 'attester' },
  };
  const variables: Record<string, unknown> = {};
  const ctx = () => mainContext(toCel(base), variables, mainDate(now.getTime()));
  const shim = (e: string) => e.split('time.now()').join('kyvernoNow');
  for (const v of spec.variables ?? []) variables[v.name] = env.evaluate(shim(v.expression), ctx());
  const failed: string[] = [];
  for (const v of spec.validations) {
    if (v.expression.includes('verifyImageSignatures(')) continue; // image signatures: not under test here
    let result: unknown;
    try {
      result = env.evaluate(shim(v.expression), ctx());
    } catch (e) {
      result = `error: ${(e as Error).message.split('\n')[0]}`;
    }
    if (result !== true) failed.push(result === false ? v.message : `${v.message} [${String(result)}]`);
  }
  return failed;
}

// --- JMESPath -----------------------------------------------------------------------------------

let clock = new Date(0);
function goDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let s = Math.abs(Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${sign}${h}h${m}m${s}s`;
}
function parseGoDuration(text: string): number {
  const re = /(-?\d+(?:\.\d+)?)(h|m|s)/g;
  let total = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text))) total += Number(match[1]) * { h: 3600000, m: 60000, s: 1000 }[match[2] as 'h'];
  return total;
}
const parseTime = (t: unknown) => {
  const ms = Date.parse(String(t));
  if (Number.isNaN(ms)) throw new Error(`time: not RFC 3339: ${String(t)}`);
  return ms;
};
registerFunction('time_now_utc', () => clock.toISOString().replace(/\.\d{3}Z$/, 'Z'), []);
registerFunction('time_after', ([a, b]: unknown[]) => parseTime(a) > parseTime(b), [
  { types: [TYPE_STRING] },
  { types: [TYPE_STRING] },
]);
registerFunction(
  'time_since',
  ([, from, to]: unknown[]) => goDuration((to ? parseTime(to) : clock.getTime()) - parseTime(from)),
  [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
);

export interface JpCondition {
  readonly key: string;
  readonly operator: string;
  readonly value: unknown;
  readonly message: string;
}

/** Kyverno's `{{ expr }}` substitution of a whole-string key. */
function substitute(key: string, data: unknown): unknown {
  const m = /^\{\{(.*)\}\}$/s.exec(key.trim());
  if (!m) throw new Error(`not a single {{ }} expression: ${key}`);
  return search(data as never, m[1].trim());
}

/** Messages of the conditions (an `all` block) that fail on `data` at time `now`. */
export function evaluateConditions(conditions: readonly JpCondition[], data: unknown, now: Date): string[] {
  clock = now;
  return conditions.flatMap((c) => {
    let key: unknown;
    try {
      key = substitute(c.key, data);
    } catch (e) {
      return [`${c.message} [error: ${(e as Error).message}]`];
    }
    const keys = Array.isArray(key) ? key : [key];
    const values = Array.isArray(c.value) ? (c.value as unknown[]) : [c.value];
    let ok: boolean;
    switch (c.operator) {
      case 'Equals':
        ok = JSON.stringify(key) === JSON.stringify(c.value);
        break;
      case 'AnyIn':
        ok = keys.some((k) => values.includes(k));
        break;
      case 'AnyNotIn':
        ok = keys.some((k) => !values.includes(k));
        break;
      case 'DurationLessThanOrEquals':
        ok = typeof key === 'string' && parseGoDuration(key) <= parseGoDuration(String(c.value));
        break;
      default:
        throw new Error(`operator ${c.operator} has no shim`);
    }
    return ok ? [] : [c.message];
  });
}

/** Evaluates one `{{ }}` key alone (for the base-image rule's context data). */
export function evaluateKey(key: string, data: unknown, now: Date): unknown {
  clock = now;
  return substitute(key, data);
}
