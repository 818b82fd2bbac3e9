import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseYamlStream, resolvePlainScalar } from '../../lib/core/manifest-yaml';
import { readManifests, visitManifests } from '../../lib/cli/load';
import { EXIT, runScan } from '../../lib/cli/scan';

const GOLDEN: [string, string, unknown][] = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'yaml-1.1', 'golden.json'), 'utf8'),
);

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ab-load-'));
}

function scan(paths: string[], format: 'json' | 'text' = 'json') {
  let out = '';
  let err = '';
  const code = runScan(paths, { format }, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('YAML 1.1 decoding as kubectl does it (golden cases from go-yaml v2, see SOURCE.md)', () => {
  it.each(GOLDEN)('%s', (_name, yaml, expected) => {
    const { documents, problems } = parseYamlStream(yaml);
    expect(problems).toEqual([]);
    expect(documents[0].value).toEqual(expected);
  });

  it.each([
    ['duplicate keys', 'a: 1\na: 2\n', /duplicated mapping key/],
    ['.inf', 'v: .inf\n', /'\.inf' has no JSON form/],
    ['-.Inf', 'v: -.Inf\n', /has no JSON form/],
    ['.NaN', 'v: .NaN\n', /has no JSON form/],
    ['a merge of a scalar', 'a: &a 1\nb:\n  <<: *a\n', /map merge requires map or sequence of maps/],
    ['deep nesting', `v: ${'['.repeat(70)}${']'.repeat(70)}\n`, /nests deeper than 64 levels/],
  ])('refuses %s with a message', (_name, yaml, message) => {
    const { documents, problems } = parseYamlStream(yaml);
    expect(documents).toEqual([]);
    expect(problems[0].message).toMatch(message);
  });

  it('refuses an alias bomb without expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) {
      const p = String.fromCharCode(96 + i);
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${p}`).join(', ')}]`,
      );
    }
    const { problems } = parseYamlStream(lines.join('\n'));
    expect(problems[0].message).toMatch(/alias/);
  });

  it('resolves only plain scalars it knows, leaving the rest strings', () => {
    for (const s of ['hello', 'On1', 'null0', '0x', '0b2', '-', '+', '.', '1.2.3'])
      expect(resolvePlainScalar(s)).toBeUndefined();
  });

  it.each([
    ['hostPID: on', 'hostPID: on'],
    ['hostPID: yes', 'hostPID: yes'],
    ['hostPID: Y', 'hostPID: Y'],
    ['hostNetwork: ON', 'hostNetwork: ON'],
    ['hostIPC: y', 'hostIPC: y'],
    ['hostPID merged in', '<<: {hostPID: yes}'],
  ])('a pod with %s is judged as the host-namespace pod kubectl would create', (_name, field) => {
    const dir = tmpDir();
    const file = path.join(dir, 'pod.yaml');
    fs.writeFileSync(
      file,
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: apps}\nspec:\n  ${field}\n  containers:\n  - name: c\n    image: nginx\n`,
    );
    const json = JSON.parse(scan([file]).out);
    const rules = json.results[0].findings.flatMap((f: { rule: string; related?: string[] }) => [
      f.rule,
      ...(f.related ?? []),
    ]);
    expect(rules).toContain('PSS-hostNamespaces');
  });
});

describe('reading a stream document by document', () => {
  const stream = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: one, namespace: a}',
    '---',
    '- null',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: two, namespace: a}',
    'data: [unclosed',
    '---',
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- null',
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  metadata: {name: three, namespace: a}',
    '---',
    'settings: {a: 1}',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: four, namespace: a}',
    '',
  ].join('\n');

  it('reads every good document, reports the bad one with its line and skips the foreign ones', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'mixed.yaml');
    fs.writeFileSync(file, stream);
    const r = readManifests([file]);
    expect(r.objects.map((o) => o.object.metadata?.name)).toEqual(['one', 'three', 'four']);
    expect(r.objects.map((o) => o.source?.line)).toEqual([1, 16, 22]);
    expect(r.errors).toEqual([
      expect.objectContaining({ file, line: 11, message: expect.stringMatching(/invalid YAML/) }),
    ]);
    expect(r.skipped).toEqual([
      { file, line: 5, reason: 'not a Kubernetes object (expected a mapping)' },
      { file, line: 15, reason: 'list item 0 is not a Kubernetes object (expected a mapping)' },
      { file, line: 20, reason: 'not a Kubernetes object (apiVersion is missing)' },
    ]);
    // Streaming hands on the same objects, problems and notices, in the same order, keeping none.
    const seen: string[] = [];
    const streamed = visitManifests([file], (o) => seen.push(`${o.object.metadata?.name}@${o.source?.line}`));
    expect(seen).toEqual(['one@1', 'three@16', 'four@22']);
    expect(streamed).toEqual({ errors: r.errors, skipped: r.skipped });
    const s = scan([file]);
    expect(s.code).toBe(EXIT.badInput);
    expect(JSON.parse(s.out).results).toHaveLength(3);
    expect(s.err).toMatch(/mixed\.yaml:11:\d+: invalid YAML/);
  });
});

describe('objects handed to the rules are what kubectl sends (JSON)', () => {
  const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n';
  it.each([
    ['a negative zero float', 'data:\n  z: -0.0\n', { z: 0 }],
    ['a negative zero in a list', 'data:\n  z: [-0.0, 0, -0]\n', { z: [0, 0, 0] }],
    // The fast decoder's documents skip the JSON walk unless they hold a -0, wherever it is.
    ['a negative zero deep in block style', 'data:\n  l:\n  - k:\n    - 1\n    - -0.0\n', { l: [{ k: [1, 0] }] }],
    ['a negative zero in a flow mapping', 'data:\n  m: {a: [{b: -0.0}]}\n', { m: { a: [{ b: 0 }] } }],
    [
      'long and short strings',
      'data:\n  a: a-value-longer-than-thirteen\n  b: short\n',
      { a: 'a-value-longer-than-thirteen', b: 'short' },
    ],
    [
      'block and quoted strings',
      'data:\n  a: |\n    line one of a block\n  b: "quoted \\u00e9 value here"\n',
      { a: 'line one of a block\n', b: 'quoted \u00e9 value here' },
    ],
    ['nested lists and maps', 'data:\n  l: [[1, 2], {k: [true, null]}]\n', { l: [[1, 2], { k: [true, null] }] }],
    // An own data property, never the prototype (JSON.parse reads it the same way).
    [
      'a __proto__ key',
      'data:\n  __proto__: {p: a-long-string-value-here}\n',
      JSON.parse('{"__proto__": {"p": "a-long-string-value-here"}}'),
    ],
    ['a merge key', 'base: &b {p: 1, q: 2}\ndata:\n  <<: *b\n  q: 3\n', { p: 1, q: 3 }],
  ])('%s', (_name, body, data) => {
    const dir = tmpDir();
    const file = path.join(dir, 'one.yaml');
    fs.writeFileSync(file, head + body);
    const [o] = readManifests([file]).objects;
    expect(o.object.data).toEqual(data);
    expect(JSON.parse(JSON.stringify(o.object))).toEqual(o.object);
    expect(Object.is((o.object.data as { z?: unknown }).z, -0)).toBe(false);
    expect(Object.getPrototypeOf(o.object.data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('gives every alias its own copy, as JSON does', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'alias.yaml');
    fs.writeFileSync(file, `${head}data:\n  a: &m {k: v}\n  b: *m\n`);
    const [o] = readManifests([file]).objects;
    const data = o.object.data as Record<string, object>;
    expect(data.a).toEqual({ k: 'v' });
    expect(data.b).toEqual({ k: 'v' });
    expect(data.b).not.toBe(data.a);
  });

  it('places findings of several objects in one file, one document after another', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'two.yaml');
    const doc = (name: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  hostPID: true\n  containers:\n  - name: c\n    image: nginx\n`;
    fs.writeFileSync(file, `${doc('a')}---\n${doc('b')}`);
    const [a, b] = readManifests([file]).objects;
    // Interleaved lookups: each answers for its own document.
    expect(a.source?.locate?.(['spec', 'hostPID'])).toBe(6);
    expect(b.source?.locate?.(['spec', 'hostPID'])).toBe(16);
    expect(a.source?.locate?.(['spec', 'containers', 0, 'image'])).toBe(9);
    expect(b.source?.locate?.(['spec', 'containers', 0, 'image'])).toBe(19);
  });
});

describe('positions in a file that starts with a byte order mark', () => {
  it('counts lines in the text as decoded (BOM dropped), in every document', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'bom.yaml');
    const body =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  hostPID: true\n';
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]));
    const [a, b] = readManifests([file]).objects;
    expect(a.source?.locate?.(['apiVersion'])).toBe(1);
    expect(b.source?.locate?.(['apiVersion'])).toBe(6);
    expect(b.source?.locate?.(['spec', 'hostPID'])).toBe(11);
  });
});

describe('directories', () => {
  it('follows symlinks to files and directories, and stops at a loop with a notice', () => {
    const dir = tmpDir();
    const real = path.join(dir, 'real');
    fs.mkdirSync(real);
    fs.writeFileSync(
      path.join(real, 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: a}\n',
    );
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(repo);
    fs.symlinkSync(path.join(real, 'cm.yaml'), path.join(repo, 'linked.yaml'));
    fs.symlinkSync(real, path.join(repo, 'linked-dir'));
    fs.symlinkSync(repo, path.join(repo, 'loop'));
    fs.symlinkSync(path.join(dir, 'missing.yaml'), path.join(repo, 'broken.yaml'));
    const r = readManifests([repo]);
    expect(r.objects.map((o) => path.relative(repo, o.source?.file ?? ''))).toEqual([
      path.join('linked-dir', 'cm.yaml'),
      'linked.yaml',
    ]);
    expect(r.errors).toEqual([]);
    expect(r.skipped.map((s) => [path.basename(s.file), s.reason.replace(/\(.*\)/, '()')])).toEqual([
      ['broken.yaml', 'broken symlink'],
      ['loop', 'symlink loop ()'],
    ]);
  });

  it('honours the per-file limit and reports the file it refused', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'big.yaml');
    fs.writeFileSync(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: a}\ndata: {a: "${'x'.repeat(2048)}"}\n`,
    );
    expect(readManifests([file], { maxFileBytes: 1024 }).errors[0].message).toMatch(
      /file is larger than 1024 bytes \(raise --max-file-size\)/,
    );
    expect(readManifests([file]).objects).toHaveLength(1);
    let err = '';
    expect(runScan([file], { maxFileSize: '1KiB' }, { out: () => undefined, err: (t) => (err += t) })).toBe(
      EXIT.badInput,
    );
    expect(err).toMatch(/big\.yaml: file is larger than 1024 bytes/);
    err = '';
    expect(runScan([file], { maxFileSize: 'lots' }, { out: () => undefined, err: (t) => (err += t) })).toBe(
      EXIT.badInput,
    );
    expect(err).toMatch(/--max-file-size: invalid value 'lots'; expected a byte count or a size such as 64MiB/);
  });
});
