/**
 * The fast manifest decoder (lib/core/manifest-yaml-fast.ts) against js-yaml with the same YAML 1.1
 * schema (loadDocument): for every input, the fast decoder either bails (undefined) or returns a
 * value identical to js-yaml's: same JSON text (so the same key order and values) and deeply,
 * strictly equal (so the same types, prototypes and -0). Whenever js-yaml refuses a document, the
 * fast decoder must bail, so every error and its line still come from js-yaml.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import fc from 'fast-check';
import { loadDocument, parseYamlStream, resolvePlainScalar, splitDocuments } from '../../lib/core/manifest-yaml';
import {
  decodeFast,
  decodeFastIn,
  decodedNegativeZero,
  plainCharacters,
  searchMemo,
} from '../../lib/core/manifest-yaml-fast';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const GOLDEN: [string, string, unknown][] = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, 'yaml-1.1', 'golden.json'), 'utf8'),
);

type Outcome = 'fast' | 'bail';

/** Decodes `chunk` both ways; throws (failing the test) when the fast answer differs. */
function compare(chunk: string): Outcome {
  const fast = decodeFast(chunk);
  let slow: unknown;
  let error: unknown;
  try {
    slow = loadDocument(chunk);
  } catch (err) {
    error = err;
  }
  if (fast === undefined) return 'bail';
  if (error !== undefined)
    throw new Error(`fast path decoded what js-yaml refuses (${String(error)}):\n${JSON.stringify(chunk)}`);
  if (JSON.stringify(fast) !== JSON.stringify(slow) || !isDeepStrictEqual(fast, slow))
    throw new Error(
      `fast path differs:\n${JSON.stringify(chunk)}\nfast ${JSON.stringify(fast)}\nslow ${JSON.stringify(slow)}`,
    );
  return 'fast';
}

/**
 * Every document of a stream, split as parseYamlStream splits it, plus the whole text as one. Each
 * document is also decoded in place (decodeFastIn, as parseYamlStream reads it), which must give
 * the same answer as decoding its slice.
 */
function compareStream(text: string): Outcome[] {
  const checked = plainCharacters(text);
  // One search memo for the whole stream, as parseYamlStream keeps it, and a fresh one per document.
  const searches = searchMemo();
  const out = splitDocuments(text).map((r) => {
    const chunk = text.slice(r.start, r.end);
    const outcome = compare(chunk);
    for (const inPlace of [
      decodeFastIn(text, r.start, r.end, checked, searches),
      decodeFastIn(text, r.start, r.end, false),
    ]) {
      const sliced = decodeFast(chunk);
      if (JSON.stringify(inPlace) !== JSON.stringify(sliced) || !isDeepStrictEqual(inPlace, sliced))
        throw new Error(`decoding in place differs:\n${JSON.stringify(chunk)} in ${JSON.stringify(text)}`);
    }
    return outcome;
  });
  compare(text);
  return out;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) yamlFiles(f, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(f);
  }
  return out;
}

describe('fast manifest decoder equals js-yaml or bails', () => {
  it('on every YAML document under test/fixtures, and decodes nearly all of them', () => {
    const files = yamlFiles(FIXTURES);
    expect(files.length).toBeGreaterThan(4000);
    let docs = 0;
    let bails = 0;
    for (const f of files) {
      for (const outcome of compareStream(fs.readFileSync(f, 'utf8'))) {
        docs++;
        if (outcome === 'bail') bails++;
      }
    }
    // Anchors, multi-line plain scalars and broken fixtures bail: 93 of 5,525 when this was written.
    expect(bails / docs).toBeLessThan(0.03);
  });

  it.each(GOLDEN)('on the YAML 1.1 golden case %s', (_name, yaml) => {
    compareStream(yaml);
    compareStream(`${yaml}\n`);
  });

  // Documents the fast path must decode itself (the subset), each compared with js-yaml.
  it.each([
    ['block mapping', 'a: 1\nb: two\n'],
    ['nested mapping', 'a:\n  b:\n    c: d\n'],
    ['block sequence', '- a\n- b\n'],
    ['compact mapping in a sequence', 'items:\n  - name: x\n    value: 1\n  - name: y\n'],
    ['sequence at its key indentation', 'a:\n- x\n- y\nb: 2\n'],
    ['compact nested sequences', '- - a\n  - b\n- - c\n'],
    ['wide compact indentation', '-   a: 1\n    b: 2\n'],
    ['empty values', 'a:\nb: ~\nc: null\nd: []\ne: {}\n'],
    ['empty sequence entries', '-\n- a\n-\n'],
    ['comments everywhere', '# head\na: 1 # one\n  # deeper comment\n# shallow\nb: # two\n  c: 3\n'],
    ['YAML 1.1 words', 'a: [on, off, yes, no, y, n, Y, N, True, FALSE, ~, Null]\n'],
    ['YAML 1.1 numbers', 'a: [0x1F, 017, 0o17, 0b101, -0b11, 1_000, 1e3, .5, +1, -0, -0.0, 08, 1e400]\n'],
    ['strings that look like numbers', 'a: [2001-12-14, "1:20", 1:20, 80:80, 1.2.3, 0x, 1e]\n'],
    ['resolved keys', 'on: 1\n0x10: 2\n~: 3\n1e3: 4\n.5: 5\n'],
    ['quoted keys and values', '"a: b": \'c # d\'\n\'it\'\'s\': "say \\"hi\\""\n'],
    ['double-quoted escapes', 'a: "\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\"\\/\\\\\\N\\_\\L\\P\\x41\\u00e9\\u2028"\n'],
    ['plain scalars with indicators inside', 'a: b#c\nd: e:f\ng: h, [i] {j}\nk: -l\nm: ?n\no: :p\nq: a - b\n'],
    ['flow collections', 'a: {b: 1, c: [x, "y", \'z\'], d: {}, e: []}\nf: [ a , b , ]\ng: {"h":1, i: }\n'],
    ['flow keys ending at a flow indicator', 'a: {b:, c: d}\n'],
    ['literal block scalars', 'a: |\n  line 1\n\n    more\n  # not a comment\nb: |-\n  x\nc: |+\n  y\n\nd: 1\n'],
    ['folded block scalars', 'a: >\n  one\n  two\n\n  three\n    indented\n  four\nb: >-\n  x\n  y\n'],
    ['block scalar in a sequence', '- |\n  text\n- >\n  folded\n  text\n- x\n'],
    ['empty block scalars', 'a: |\nb: >-\nc: |+\n\nd: 1\n'],
    ['document marker', '--- # first\na: 1\n'],
    ['CRLF line ends', 'a: 1\r\nb:\r\n  - x\r\n  - |\r\n    y\r\n'],
    ['BOM', '\ufeffa: 1\n'],
    ['trailing spaces', 'a: 1   \nb:   \n  - x  \nc: "q"  \n'],
    ['no final newline', 'a: 1\nb: |\n  x'],
    ['indented root', '  a: 1\n  b: 2\n'],
    ['unicode', 'a: ünïcödé ✓\n"ключ": 值\n'],
    ['-0 and big integers', 'a: -0.0\nb: 12345678901234567890\nc: 9223372036854775807\nd: -9223372036854775808\n'],
  ])('decodes %s itself, as js-yaml does', (_name, yaml) => {
    expect(compareStream(yaml)).not.toContain('bail');
  });

  // Outside the subset or refused by js-yaml: the fast path must step aside.
  it.each([
    ['anchor and alias', 'a: &x 1\nb: *x\n'],
    ['merge key', 'a: {x: 1}\nb:\n  <<: {y: 2}\n'],
    ['quoted merge-key look-alike is fine but plain << bails', 'a: <<\n'],
    ['tag', 'a: !!str 1\n'],
    ['explicit key', '? a\n: b\n'],
    ['multi-line plain scalar', 'a: one\n  two\n'],
    ['multi-line plain scalar after a blank line', 'a: one\n\n  two\n'],
    ['multi-line double-quoted scalar', 'a: "one\n  two"\n'],
    ['multi-line flow collection', 'a: [1,\n  2]\n'],
    ['block scalar with an indentation indicator', 'a: |2\n   x\n'],
    ['tab', 'a:\t1\n'],
    ['duplicate key', 'a: 1\na: 2\n'],
    ['duplicate key in flow', 'a: {b: 1, b: 2}\n'],
    ['duplicate resolved key', 'on: 1\ntrue: 2\n'],
    ['__proto__ key', '__proto__: 1\n'],
    ['constructor key', 'constructor: 1\n'],
    ['.inf', 'a: .inf\n'],
    ['.nan key', '.nan: 1\n'],
    ['\\U escape', 'a: "\\U0001F600"\n'],
    ['unknown escape', 'a: "\\q"\n'],
    ['control character', 'a: "\u0001"\n'],
    ['document end marker', 'a: 1\n...\n'],
    ['directive', '%YAML 1.1\n---\na: 1\n'],
    ['scalar document', 'just text\n'],
    ['comment only', '# nothing here\n'],
    ['bare line end', '  \n'],
    ['JSON document', '{"a": 1}\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['mapping value on the key line', 'a: b: c\n'],
    ['sequence on the key line', 'a: - b\n'],
    ['missing space after a quoted key colon', '"a":b\n'],
    ['flow entry without a value', 'a: {b}\n'],
    ['pair in a flow sequence', 'a: [b: c]\n'],
    ['empty flow entry', 'a: [b, , c]\n'],
    ['text after a flow collection', 'a: [b] c\n'],
    ['lone CR', 'a: 1\rb: 2\n'],
    ['deep nesting', `a: ${'['.repeat(50)}${']'.repeat(50)}\n`],
  ])('bails on %s', (_name, yaml) => {
    expect(decodeFast(yaml)).toBeUndefined();
    compareStream(yaml);
  });

  it('decodes a document of 70,000 lines, and small ones after it', () => {
    const big = `items:\n${Array.from({ length: 70_000 }, (_, i) => `  - {name: k${i}, value: ${i}}`).join('\n')}\n`;
    expect(compare(big)).toBe('fast');
    expect(compareStream('a: 1\nb: [x]\n')).toEqual(['fast']);
  });

  it('leaves errors and their lines to js-yaml', () => {
    const text = 'a: 1\n---\nb: 1\nb: 2\n---\nc: [1,\n';
    const { documents, problems } = parseYamlStream(text);
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }]);
    expect(problems.map((p) => p.line)).toEqual([4, 7]);
    expect(problems[0].message).toMatch(/duplicated mapping key/);
  });
});

// --- Generated documents ---

/** Scalars that YAML 1.1 (or YAML syntax) reads in surprising ways. */
const NASTY = [
  'on',
  'off',
  'On',
  'OFF',
  'yes',
  'no',
  'Yes',
  'NO',
  'y',
  'n',
  'Y',
  'N',
  'true',
  'False',
  'TRUE',
  '~',
  'null',
  'Null',
  'NULL',
  '',
  ' ',
  '0x1F',
  '0X1f',
  '017',
  '0o17',
  '0b101',
  '-0b11',
  '08',
  '09.5',
  '1_000',
  '1e3',
  '1E-3',
  '.5',
  '+1',
  '-1',
  '-0',
  '-0.0',
  '0.0',
  '1.0',
  '1e400',
  '12345678901234567890',
  '.inf',
  '-.Inf',
  '.NaN',
  '2001-12-14',
  '2001-12-14T21:59:43.10-05:00',
  '2001-12-14 21:59:43.10',
  '1:20',
  '80:80',
  '190:20:30',
  '1.2.3',
  '<<',
  '=',
  'a: b',
  'a:b',
  'a #b',
  'a#b',
  '#x',
  '- x',
  '-x',
  '? x',
  '?x',
  ':x',
  'x:',
  '{a}',
  '[a]',
  'a,b',
  '&a',
  '*a',
  '!x',
  '!!str',
  '|',
  '>',
  '%x',
  '@x',
  '`x',
  "it's",
  'say "hi"',
  'back\\slash',
  'tab\there',
  'ünïcödé',
  'line\u2028sep',
  ' lead',
  'trail ',
  'two\nlines',
  'trailing\n',
  '\n',
  '---',
  '...',
  '__proto__',
  'constructor',
  'toString',
  'a  b',
  'x\u0085y',
  '\u00a0',
  'emoji 😀',
];
const KEYS = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'namespace',
  'labels',
  'app.kubernetes.io/name',
  'spec',
  'containers',
  'image',
  'ports',
  'port',
  'hostPID',
  'value',
  'a',
  'b',
  '0',
  '1',
  'data',
];
const ALPHABET = 'ab01 :-#\'",[]{}&*!|>%@`?~._\\/\n\t'.split('');

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 12 }) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 8 }) },
);
const tree = fc.letrec<{ value: unknown; map: unknown; seq: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: scalar },
    { weight: 2, arbitrary: tie('seq') },
    { weight: 3, arbitrary: tie('map') },
  ),
  seq: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 5, selector: ([k]) => k }),
}));
/** A document: a mapping (as manifests are) or a sequence, never empty. */
const manifestValue = fc.oneof(
  { weight: 4, arbitrary: tree.map.filter((m) => (m as unknown[]).length > 0) },
  { weight: 1, arbitrary: tree.seq.filter((s) => (s as unknown[]).length > 0) },
);

/** A small seeded PRNG (mulberry32): the rendering choices follow from one generated seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Entries = [unknown, unknown][];
const isMap = (v: unknown): v is Entries => Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2);

/**
 * Writes a generated value as YAML in varied styles. It need not round-trip: both decoders read
 * the same text, and odd output (a nasty word written plain, a newline in a plain scalar) is
 * exactly what the comparison should see.
 */
function render(value: unknown, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  // Tame documents write plain only what reads back as one plain scalar (most of them then decode
  // on the fast path); wild ones write anything plain.
  const tame = rnd() < 0.7;
  const plainOk = (s: string): boolean =>
    !tame || (/^[A-Za-z0-9./~+-]([A-Za-z0-9 ./:#'"~+_-]*[A-Za-z0-9./'"~+_-])?$/.test(s) && !/: | #|^[-?:] /.test(s));
  const step = pick([1, 2, 2, 2, 3, 4]);
  const comment = () => (rnd() < 0.1 ? pick([' # c', ' #', ' # a: b', '  # "q']) : '');
  const trailing = () => (rnd() < 0.05 ? pick([' ', '  ']) : '');

  const num = (n: number): string =>
    pick([String(n), String(n), Number.isInteger(n) && n >= 0 ? `0x${n.toString(16)}` : String(n)]);
  const double = (s: string): string =>
    '"' +
    [...s]
      .map((ch) => {
        if (ch === '"' || ch === '\\') return `\\${ch}`;
        if (ch === '\n') return pick(['\\n', '\\x0a', '\\u000A']);
        if (ch === '\t') return pick(['\\t', '\\x09']);
        if (ch.charCodeAt(0) < 32) return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
        if (ch === '/' && rnd() < 0.5) return '\\/';
        if (rnd() < 0.03) return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
        return ch;
      })
      .join('') +
    '"';
  const single = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  const block = (s: string, indent: number): string => {
    const head = pick(['|', '|-', '|+', '>', '>-', '>+']);
    const pad = ' '.repeat(indent + step);
    const lines = s.split('\n').map((l) => (l === '' && rnd() < 0.5 ? '' : pad + (rnd() < 0.2 ? '  ' : '') + l));
    return `${head}${comment()}\n${lines.join('\n')}`;
  };
  const inlineScalar = (v: unknown): string => {
    if (v === null) return pick(['null', '~', 'Null', '']);
    if (typeof v === 'boolean') return pick(v ? ['true', 'yes', 'on', 'True'] : ['false', 'no', 'off', 'N']);
    if (typeof v === 'number') return num(v);
    const s = String(v);
    const style = rnd();
    if (style < 0.5 && plainOk(s)) return s; // plain, whatever it means
    if (style < 0.75 || (tame && s.includes('\n'))) return double(s);
    return single(s);
  };
  const flow = (v: unknown): string => {
    if (isMap(v)) return `{${v.map(([k, x]) => `${inlineScalar(k)}: ${flow(x)}`).join(pick([', ', ',']))}}`;
    if (Array.isArray(v)) return `[${v.map((x) => flow(x)).join(pick([', ', ','])) + (rnd() < 0.1 ? ',' : '')}]`;
    return inlineScalar(v);
  };
  const keyText = (k: unknown): string => {
    const s = String(k);
    const style = rnd();
    return style < 0.7 && plainOk(s) ? s : style < 0.85 || (tame && s.includes('\n')) ? double(s) : single(s);
  };

  /** Lines of `v` as a node at `indent`, for a parent that put `lead` before it on its line. */
  const node = (v: unknown, indent: number): string[] => {
    const pad = ' '.repeat(indent);
    const lines: string[] = [];
    if (rnd() < 0.05) lines.push(pad + pick(['# comment', '#', '']));
    if (isMap(v)) {
      if (v.length === 0) return [pad + '{}'];
      for (const [k, x] of v) {
        const head = `${pad}${keyText(k)}:`;
        lines.push(...valueAfter(head, x, indent, true));
      }
      return lines;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return [pad + '[]'];
      for (const x of v) lines.push(...valueAfter(`${pad}-`, x, indent, false));
      return lines;
    }
    return [pad + inlineScalar(v)];
  };
  /** `head` is `key:` or `-`; the value follows on its line or below. */
  const valueAfter = (head: string, x: unknown, indent: number, isKey: boolean): string[] => {
    const r = rnd();
    if ((isMap(x) || Array.isArray(x)) && (x as unknown[]).length > 0) {
      if (r < 0.2) return [`${head} ${flow(x)}${comment()}${trailing()}`];
      if (!isKey && r < 0.6) {
        // Compact: the first line of the node joins the `-`.
        const inner = node(x, indent + 2);
        inner[0] = `${head} ${inner[0].slice(indent + 2)}`;
        return inner;
      }
      const below = isKey && Array.isArray(x) && !isMap(x) && r < 0.5 ? indent : indent + step;
      return [`${head}${comment()}${trailing()}`, ...node(x, below)];
    }
    if (typeof x === 'string' && (x.includes('\n') || r < 0.1)) return [`${head} ${block(x, indent)}`];
    return [`${head} ${inlineScalar(x)}${comment()}${trailing()}`];
  };

  let text = node(value, rnd() < 0.1 ? 2 : 0).join('\n') + (rnd() < 0.9 ? '\n' : '');
  if (rnd() < 0.15) text = `---${pick(['', ' # doc', ' '])}\n${text}`;
  if (rnd() < 0.1) text = text.replace(/\n/g, '\r\n');
  if (rnd() < 0.05) text = `\ufeff${text}`;
  return text;
}

/** Small edits that turn valid documents into nearly valid ones. */
function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  let t = text;
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rnd() * (t.length + 1));
    const lines = t.split('\n');
    const li = Math.floor(rnd() * lines.length);
    switch (pick(['delete', 'insert', 'indent', 'dedent', 'duplicate', 'swap'] as const)) {
      case 'delete':
        t = t.slice(0, at) + t.slice(at + 1);
        break;
      case 'insert':
        t =
          t.slice(0, at) + pick([...ALPHABET, '- ', ': ', ' #', '\r', '---\n', '...\n', '"', "'", '\\']) + t.slice(at);
        break;
      case 'indent':
        lines[li] = ` ${lines[li]}`;
        t = lines.join('\n');
        break;
      case 'dedent':
        lines[li] = lines[li].replace(/^ /, '');
        t = lines.join('\n');
        break;
      case 'duplicate':
        lines.splice(li, 0, lines[li]);
        t = lines.join('\n');
        break;
      case 'swap':
        if (li + 1 < lines.length) [lines[li], lines[li + 1]] = [lines[li + 1], lines[li]];
        t = lines.join('\n');
        break;
    }
  }
  return t;
}

describe('fast manifest decoder on generated documents', () => {
  const runs = Number(process.env.FC_NUM_RUNS ?? 1500);

  it('equals js-yaml or bails on manifest-like values written in varied styles', () => {
    let decoded = 0;
    let total = 0;
    fc.assert(
      fc.property(manifestValue, fc.integer(), (value, seed) => {
        const outcomes = compareStream(render(value, prng(seed)));
        total += outcomes.length;
        decoded += outcomes.filter((o) => o === 'fast').length;
      }),
      { numRuns: runs },
    );
    // The generator must exercise the fast path, not only its bails.
    expect(decoded / total).toBeGreaterThan(0.3);
  });

  it('equals js-yaml or bails on nearly valid documents (edited by a character or a line)', () => {
    fc.assert(
      fc.property(manifestValue, fc.integer(), (value, seed) => {
        const rnd = prng(seed);
        compareStream(mutate(render(value, rnd), rnd));
      }),
      { numRuns: runs },
    );
  });
});

describe('YAML 1.1 resolver shortcuts', () => {
  /** Go's ParseInt then ParseUint for a decimal, through BigInt as the resolver did before its shortcut. */
  const reference = (s: string): number | undefined => {
    const big = BigInt(s.replace(/^\+/, ''));
    if (big >= -(2n ** 63n) && big <= 2n ** 63n - 1n) return Number(big);
    if (!s.startsWith('-') && !s.startsWith('+') && big <= 2n ** 64n - 1n) return Number(big);
    return undefined;
  };

  it('reads short decimal integers as the BigInt path does (including -0 as 0)', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '+', '-'), fc.stringMatching(/^(0|[1-9][0-9]{0,19})$/), (sign, digits) => {
        const text = sign + digits;
        const r = resolvePlainScalar(text);
        const expected = reference(text);
        if (expected === undefined) expect(r === undefined || typeof r.value !== 'number').toBe(true);
        else expect(Object.is(r?.value, expected)).toBe(true);
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 1000) },
    );
  });
});

describe('negative zero flag', () => {
  // The loader skips its JSON walk for fast-decoded documents without a -0, so the flag must see
  // every -0 the decoder returns, in any position and spelling.
  it.each([
    ['a: -0.0\n', true],
    ['a: [1, -0.0]\n', true],
    ['a: [1, -0]\n', false], // an integer: Go's ParseInt gives 0
    ['a:\n- b: {c: -0.0e0}\n', true],
    ['a: -0.1\n', false],
    ['a: 0\n', false],
    ['a: "-0.0"\n', false],
    ['a: [0, +0, 0.0]\n', false],
  ])('%j: %s', (yaml, expected) => {
    const value = decodeFast(yaml);
    expect(value).toBeDefined();
    expect(decodedNegativeZero()).toBe(expected);
    expect(JSON.stringify(value).length > 0).toBe(true);
  });
});

describe('key cache', () => {
  // The decoder keeps plain keys that read as their own text in a small table shared by every
  // document; a hit must be the same text, a resolved key (`on` -> "true") must not stand for its
  // text, and the duplicate and __proto__ bails must hold whether a key comes from the table or not.
  const decodeTwice = (yaml: string): Outcome[] => [...compareStream(yaml), ...compareStream(yaml)];

  it.each([
    ['prefixes of each other', 'name: 1\nnames: 2\nnam: 3\nn: 4\nnamespace: {name: 5, names: 6}\n'],
    ['spaces inside and before the colon', 'a b: 1\na  b: 2\nab: 3\nc   : 4\n'],
    ['Object.prototype names', 'toString: 1\nvalueOf: 2\nhasOwnProperty: 3\nisPrototypeOf: 4\n__defineGetter__: 5\n'],
    ['integer-like keys', '0: a\n10: b\n"010": c\n1e3: d\n-1: e\n'],
    ['non-ASCII keys', 'ключ: 1\nclé: 2\n値: 3\n"ключ2": 4\n'],
    ['keys at the length limit', `${'k'.repeat(64)}: 1\n${'k'.repeat(65)}: 2\n${'k'.repeat(63)}: 3\n`],
    ['very long keys', `${'long-key-'.repeat(200)}: 1\n${'long-key-'.repeat(200)}x: 2\n`],
    ['the same keys in block and flow mappings', 'a: {name: x, port: 1}\nname: y\nport: {a: 1, name: 2}\n'],
  ])('decodes %s as js-yaml does, the first time and from the cache', (_name, yaml) => {
    expect(decodeTwice(yaml)).not.toContain('bail');
  });

  it.each([
    ['a duplicate of a cached key', 'name: 1\nx: 2\nname: 3\n'],
    ['a duplicate of a cached key in flow', 'a: {name: 1, name: 2}\n'],
    ['a resolved key after its text', 'true: 1\non: 2\n'],
    ['the text after a resolved key', 'on: 1\ntrue: 2\n'],
    ['a resolved number key after its text', '16: 1\n0x10: 2\n'],
    ['__proto__ after Object.prototype names', 'toString: 1\n__proto__: 2\n'],
    ['constructor and prototype', 'a: {constructor: 1}\n'],
    ['prototype', 'prototype: 1\n'],
  ])('bails on %s, the first time and from the cache', (_name, yaml) => {
    // Warm the cache with every key of the document (each on its own), then decode it twice.
    for (const line of yaml.split('\n')) if (line) compareStream(line);
    expect(decodeFast(yaml)).toBeUndefined();
    expect(decodeFast(yaml)).toBeUndefined();
    compareStream(yaml);
  });

  it('reads many distinct keys that share cache slots, in every order', () => {
    // 20,000 keys over 4,096 slots: every slot is shared; each key is decoded after others took its slot.
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${(i * 7919) % 20_000}-${i % 7}`);
    const doc = (ks: string[]) => ks.map((k, i) => `${k}: ${i}`).join('\n');
    for (const ks of [keys, [...keys].reverse(), keys.filter((_, i) => i % 3 === 0)]) {
      expect(compare(doc(ks))).toBe('fast');
      const flow = `m: {${ks.slice(0, 500).join(': 1, ')}: 1}\n`;
      expect(compare(flow)).toBe('fast');
    }
  });

  it('gives every key its own text on a hit (no substring of another document)', () => {
    const a = decodeFast('apiVersion: v1\nkind: ConfigMap\n') as Record<string, unknown>;
    const b = decodeFast('kind: Secret\napiVersion: v2\n') as Record<string, unknown>;
    expect(Object.keys(a)).toEqual(['apiVersion', 'kind']);
    expect(Object.keys(b)).toEqual(['kind', 'apiVersion']);
    expect(b).toEqual({ kind: 'Secret', apiVersion: 'v2' });
  });
});

describe('decoding documents in place', () => {
  it.each([
    ['a tab in one document', 'a: 1\n---\nb:\t2\n---\nc: 3\n', ['fast', 'bail', 'fast'], false],
    ['a control character in one document', 'a: "\u0001"\n---\nb: 2\n', ['bail', 'fast'], false],
    ['a lone CR in one document', 'a: 1\n---\nb: 1\rc: 2\n---\nd: 4\r\n', ['fast', 'bail', 'fast'], false],
    ['a BOM opening the stream', '\ufeffa: 1\n---\nb: 2\n', ['fast', 'fast'], false],
    ['a BOM opening a later document', 'a: 1\n---\n\ufeffb: 2\n', ['fast', 'bail'], false],
    ['a last document without a line end', 'a: 1\n---\nb: [x]', ['fast', 'fast'], true],
  ])('bails only on the document with %s', (_name, yaml, outcomes, plain) => {
    // Any refused character makes the whole stream's check fail; each document is then checked alone.
    expect(plainCharacters(yaml)).toBe(plain);
    expect(compareStream(yaml)).toEqual(outcomes);
    const { documents } = parseYamlStream(yaml);
    expect(documents.filter((d) => d.inText).length).toBe(outcomes.filter((o) => o === 'fast').length);
  });
});

describe('value cache', () => {
  // Plain scalars that stay strings are kept once in a small table shared by every document; a
  // hit must be the same text and a scalar that resolves (`on`, `0x10`, `~`) must never come from it.
  it.each([
    ['repeated values in block and flow', 'a: TCP\nb: [TCP, TCP, {c: TCP}]\nd:\n- TCP\n- tcp\n- TC P\n'],
    [
      'values around the copy and cache limits',
      `a: ${'v'.repeat(12)}\nb: ${'v'.repeat(13)}\nc: ${'v'.repeat(40)}\nd: ${'v'.repeat(41)}\n`,
    ],
    ['same ends and length, other middles', 'a: abcde\nb: abxde\nc: ab de\nd: [abcde, abxde]\n'],
    [
      'words that resolve next to their strings',
      'a: on\nb: "on"\nc: On\nd: [on, "on", oN]\ne: 0x10\nf: "0x10"\ng: ~\nh: "~"\n',
    ],
    ['non-ASCII values', 'a: ünïcödé\nb: [ünïcödé, 値]\nc: 値\n'],
    ['values with a comment after them', 'a: x # one\nb: x\nc: [x, y] # two\n'],
  ])('decodes %s as js-yaml does, the first time and from the cache', (_name, yaml) => {
    expect([...compareStream(yaml), ...compareStream(yaml)]).not.toContain('bail');
  });

  it('never returns a cached string for a scalar that resolves to something else', () => {
    // Warm with quoted and plain strings, then read the same words plain.
    for (const w of ['on', 'yes', '0x10', '1e3', '~', 'null', '-0.0', '.5', '017']) {
      compareStream(`a: "${w}"\nb: ${w}x\n`);
      const value = decodeFast(`a: ${w}\nb: [${w}]\n`) as { a: unknown; b: unknown[] };
      expect(value).toEqual(loadDocument(`a: ${w}\nb: [${w}]\n`));
      expect(typeof value.a).not.toBe('string');
    }
  });

  it('still bails on a merge key value and on .inf after warming', () => {
    compareStream('a: x\n');
    expect(decodeFast('a: <<\n')).toBeUndefined();
    expect(decodeFast('a: <<\n')).toBeUndefined();
    expect(decodeFast('a: [.inf]\n')).toBeUndefined();
  });

  it('reads many distinct values that share cache slots', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => `v${(i * 7919) % 20_000}-${'x'.repeat(i % 30)}`);
    const doc = (vs: string[]) => `a:\n${vs.map((v) => `- ${v}`).join('\n')}\nb: [${vs.slice(0, 500).join(', ')}]\n`;
    for (const vs of [values, [...values].reverse()]) expect(compare(doc(vs))).toBe('fast');
  });
});

describe('searches for key colons and comments', () => {
  // The decoder finds `: ` and ` #` with native searches remembered across a stream's documents.
  it.each([
    ['comments after keys and values', 'a: b #c\nd: e#f\ng#h: i\nj: k # l: m\n"n": o # p\n'],
    ['colons inside keys and values', 'a:b: c\nhttp://x: y\nz: http://w:80/p\nq: a:b:c\nr :s: t\n'],
    ['a colon ending a value', 'a: b:\n'],
    ['a key colon at the line end', 'a:\n  b: c\nd:\r\n  e: f\r\n'],
    ['spaces before the colon and comment', 'a   : b   # c\nd: e   \n'],
    ['a comment only in a later document', 'a: b\n---\nc: d\n---\ne: f # g\nh: i\n'],
    ['a comment only in an earlier document', 'a: b # c\n---\nd: e\n---\nf: g\n'],
    ['no colon in a document', 'a: b\n---\n- x\n- y # z\n---\n- w\n---\nk: v\n'],
    ['hashes without a space before them', 'a: b#c#d\ne#f: g\nh: "#"\n'],
  ])('decodes %s as js-yaml does', (_name, yaml) => {
    // compareStream throws when a document read in place differs from js-yaml's reading.
    expect(compareStream(yaml).length).toBe(splitDocuments(yaml).length);
  });

  it('forgets a memo made for another text', () => {
    const searches = searchMemo();
    expect(decodeFastIn('a: b # c\n', 0, 9, true, searches)).toEqual({ a: 'b' });
    // Same memo, another text of the same length: its colons and comments are elsewhere.
    expect(decodeFastIn('ab: c #d\n', 0, 9, true, searches)).toEqual({ ab: 'c' });
    expect(decodeFastIn('a b:c: d\n', 0, 9, true, searches)).toEqual({ 'a b:c': 'd' });
  });
});

describe('searches over whole streams', () => {
  // Comment banners, colons inside values and many documents without a key: the remembered
  // searches run across documents and past lines the decoder never reads.
  it.each([
    ['comment banners', Array.from({ length: 2000 }, (_, i) => `${'#'.repeat(60)}\nk${i}: v # c\n`).join('')],
    ['colons inside values', Array.from({ length: 2000 }, (_, i) => `k${i}: ${'a:'.repeat(30)}b\n`).join('')],
    ['documents without a key', Array.from({ length: 2000 }, (_, i) => `---\n- v${i} # c:\n`).join('')],
  ])('on %s', (_name, yaml) => {
    expect(compareStream(yaml).every((o) => o === 'fast')).toBe(true);
    expect(parseYamlStream(yaml).documents.every((d) => d.inText)).toBe(true);
  });
});
