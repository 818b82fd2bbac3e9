/**
 * YAML 1.1 plain-scalar resolution as go-yaml v2 does it (what kubectl sends): the one resolver
 * shared by the js-yaml schema in manifest-yaml.ts and the fast decoder in manifest-yaml-fast.ts,
 * so both read `on`, `0755` or `1e3` the same way. The tables are listed in manifest-yaml.ts.
 */

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const SPECIAL_FLOATS = new Set([
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
]);
/** The null, bool and special-float words, resolved once (one lookup per scalar instead of four). */
const RESOLVED_NULL: Resolved = { value: null };
const KEYWORDS = new Map<string, Resolved>([
  ...[...NULLS].map((w): [string, Resolved] => [w, RESOLVED_NULL]),
  ...[...TRUES].map((w): [string, Resolved] => [w, { value: true }]),
  ...[...FALSES].map((w): [string, Resolved] => [w, { value: false }]),
  ...[...SPECIAL_FLOATS].map((w): [string, Resolved] => [w, { value: specialFloat(w) }]),
]);
/** Longest word in KEYWORDS: longer scalars skip the lookup (and hashing their text). */
const KEYWORD_MAX_LENGTH = Math.max(...[...KEYWORDS.keys()].map((w) => w.length));
/**
 * ASCII first characters that can start a non-string: the words above (y Y n N t T f F o O ~ and
 * `.` for .inf/.nan), signs, digits and `.` for numbers. Non-ASCII never resolves either, but is
 * left to the full path.
 */
const MAY_RESOLVE: readonly boolean[] = Array.from({ length: 128 }, (_, i) =>
  'yYnNtTfFoO~+-.0123456789'.includes(String.fromCharCode(i)),
);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);
const MAX_UINT64 = 2n ** 64n - 1n;

/** Go's strconv.ParseInt(s, 0, 64) then ParseUint(s, 0, 64), as a JS number; undefined when neither accepts s. */
function goParseInt(s: string): number | undefined {
  let i = 0;
  let negative = false;
  if (s[0] === '+' || s[0] === '-') {
    negative = s[0] === '-';
    i = 1;
  }
  let base = 10;
  let digits = s.slice(i);
  if (digits.length > 1 && digits[0] === '0') {
    const p = digits[1];
    if (p === 'x' || p === 'X') [base, digits] = [16, digits.slice(2)];
    else if (p === 'o' || p === 'O') [base, digits] = [8, digits.slice(2)];
    else if (p === 'b' || p === 'B') [base, digits] = [2, digits.slice(2)];
    else [base, digits] = [8, digits.slice(1)];
  }
  if (digits === '') return undefined;
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return undefined;
  // Short decimals (ports, replicas, sizes) are exact doubles well inside int64: no BigInt needed.
  // (0 - n keeps -0 out, as BigInt has no negative zero.)
  if (base === 10 && digits.length <= 15) {
    const n = Number(digits);
    return negative ? 0 - n : n;
  }
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let big = BigInt(prefix + digits);
  if (negative) big = -big;
  // ParseInt's range, else ParseUint's (which takes no sign).
  if (big >= MIN_INT64 && big <= MAX_INT64) return Number(big);
  if (!negative && s[0] !== '+' && big <= MAX_UINT64) return Number(big);
  return undefined;
}

export type Resolved = { readonly value: unknown } | undefined;

/** go-yaml v2 `resolve("", s)` for a plain scalar, narrowed to the non-string outcomes. */
export function resolvePlainScalar(s: string): Resolved {
  if (s.length === 0) return RESOLVED_NULL;
  const code = s.charCodeAt(0);
  // Most scalars (names, images, labels) start with a letter no table entry starts with.
  if (code < 128 && !MAY_RESOLVE[code]) return undefined;
  const keyword = s.length <= KEYWORD_MAX_LENGTH ? KEYWORDS.get(s) : undefined;
  if (keyword !== undefined) return keyword;
  const c = s[0];
  if (c === '.') {
    // go: strconv.ParseFloat(in, 64) on the raw text.
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s)) return finiteFloat(Number(s));
    return undefined;
  }
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9'))) return undefined;
  // Unquoted timestamps (YYYY-...) stay their text when decoded into interface{}.
  if (/^[0-9]{4}-/.test(s) && looksLikeTimestamp(s)) return undefined;
  const plain = s.includes('_') ? s.replace(/_/g, '') : s;
  const int = goParseInt(plain);
  if (int !== undefined) return { value: int };
  if (YAML_STYLE_FLOAT.test(plain)) return finiteFloat(Number(plain));
  if (plain.startsWith('-0b')) {
    const neg = goParseInt('-0b' + plain.slice(3));
    if (neg !== undefined) return { value: neg };
  }
  return undefined;
}

/** ParseFloat out of range (1e400) is an error in Go, so the text stays a string. */
function finiteFloat(n: number): Resolved {
  return Number.isFinite(n) ? { value: n } : undefined;
}

function specialFloat(s: string): number {
  return s.toLowerCase().includes('nan') ? NaN : s.startsWith('-') ? -Infinity : Infinity;
}

/** The date formats go-yaml v2 accepts as timestamps (they decode to their text). */
function looksLikeTimestamp(s: string): boolean {
  return /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))|( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?))?$/.test(
    s,
  );
}
