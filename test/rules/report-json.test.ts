import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SUPPRESSIONS_ANNOTATION } from '../../lib/core';
import { KubeObject, ObjectResult, Report, fingerprints, runRules, statusOf, toJson } from '../../lib/rules';
import { failingCount } from '../../lib/rules/report/common';
import { stringifyWithItems } from '../../lib/rules/report/chunked';
import { render, renderParts, runScan } from '../../lib/cli/scan';

/**
 * The JSON report is written in chunks of results and by hand-kept shapes; its bytes must stay
 * those of the plain model: the whole report built as objects and given to one
 * `JSON.stringify(…, null, 2)`. This is that model, kept here as the specification.
 */
function reference(report: Report, failOn: 'error' | 'warning' | 'never' = 'error', file?: (f: string) => string) {
  const prints = fingerprints(report, file);
  const results = report.results.map((r) => ({
    file: r.source?.file ?? null,
    line: r.source?.line ?? null,
    apiVersion: r.apiVersion,
    kind: r.kind,
    namespace: r.namespace ?? null,
    name: r.name,
    findings: r.problems.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      status: statusOf(f),
      message: f.message,
      path: f.path,
      suppressed: f.suppressed,
      ...(f.rules.length > 1 ? { related: f.rules.slice(1) } : {}),
      ...(f.peers.length ? { peers: f.peers } : {}),
      ...(f.container ? { container: f.container } : {}),
      ...(f.line ? { line: f.line } : {}),
      fix: f.fix,
      fingerprint: prints.get(f),
      ...(f.suppression
        ? {
            suppression: {
              reason: f.suppression.reason,
              expires: f.suppression.expires ?? null,
              source: f.suppression.source ?? 'annotation',
            },
          }
        : {}),
      ...(f.baseline !== undefined ? { baseline: f.baseline } : {}),
    })),
  }));
  const summary = {
    ...report.summary,
    failing: failingCount(report, failOn),
    failOn,
    packs: report.packs,
    pssVersion: report.pssVersion,
  };
  return JSON.stringify({ results, inputs: report.inputs ?? { errors: [], skipped: [] }, summary }, null, 2);
}

/** A privileged Deployment (several problems), or a ConfigMap (none), named awkwardly on purpose. */
function object(i: number, name: string): KubeObject {
  if (i % 3 !== 0) return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data: {} };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      ...(i % 2 ? { namespace: 'a"b\\c' } : {}),
      ...(i % 4 === 0
        ? {
            annotations: {
              [SUPPRESSIONS_ANNOTATION]: JSON.stringify([
                { rule: 'PSS-privileged', reason: 'needs "raw"\nsockets \u2028', expires: '2999-01-01' },
              ]),
            },
          }
        : {}),
    },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: { containers: [{ name: 'c\t1', image: 'nginx', securityContext: { privileged: true } }] },
      },
    },
  };
}

const NAMES = ['plain', 'quote"d', 'back\\slash', 'new\nline', 'ctl\u0001', 'lone\ud800', 'pair\ud83d\ude00', 'é', ''];

function report(n: number): Report {
  const objects = Array.from({ length: n }, (_, i) => ({
    object: object(i, `${NAMES[i % NAMES.length]}-${i % 5}`),
    // Two results per file, some without a file or line, as the loader and direct callers give them.
    source:
      i % 7 === 6
        ? undefined
        : {
            file: `dir/file "${Math.floor(i / 2)}".yaml`,
            line: i % 5 === 4 ? undefined : i + 1,
            // Findings placed on lines (as YAML sources do), on some objects.
            ...(i % 2 ? { locate: (path: readonly unknown[]) => i + path.length } : {}),
          },
  }));
  const r = runRules(objects);
  return { ...r, inputs: { errors: [{ file: 'x.yaml', line: 3, message: 'bad "thing"' }], skipped: [] } };
}

describe('JSON report', () => {
  it.each([0, 1, 2, 1023, 1024, 1025, 2049])('is the plain model stringified, byte for byte (%i results)', (n) => {
    const r = report(n);
    expect(toJson(r)).toBe(reference(r));
    // Canonical pretty JSON as well: parsing and printing again changes nothing.
    expect(toJson(r)).toBe(JSON.stringify(JSON.parse(toJson(r)), null, 2));
    // The variants are there: findings on lines, suppressions, escaped names.
    if (n >= 10) expect(toJson(r)).toMatch(/"line": \d+,\n {10}"fix"[^]*"suppression": \{[^]*"name": "lone\\ud800-\d"/);
  });

  it('passes failOn and the file mapping of fingerprints through', () => {
    const r = report(40);
    const file = (f: string) => `mapped/${f}`;
    expect(toJson(r, 'warning', file)).toBe(reference(r, 'warning', file));
    expect(toJson(r, 'never')).toBe(reference(r, 'never'));
  });

  it('keeps a repeated identity unique (occurrence suffix) across chunks', () => {
    // The same object many times in one file: every problem's identity repeats.
    const same = object(0, 'twin');
    const r = runRules(Array.from({ length: 1500 }, () => ({ object: same, source: { file: 'one.yaml', line: 1 } })));
    const printed = JSON.parse(toJson(r)) as { results: { findings: { fingerprint: string }[] }[] };
    const all = printed.results.flatMap((x) => x.findings.map((f) => f.fingerprint));
    expect(new Set(all).size).toBe(all.length);
    expect(all.some((f) => f.endsWith(':1500'))).toBe(true);
    expect(toJson(r)).toBe(reference(r));
  });

  it('writes results whose fields are not the usual types as JSON.stringify does', () => {
    const r = report(10);
    // Direct callers may hand over anything the types allow at runtime (a numeric name, say).
    const odd = r.results.map((x, i): ObjectResult => {
      if (i === 3) return { ...x, name: 42 as unknown as string, namespace: undefined };
      // A baselined problem, as applyBaseline marks it.
      if (i === 6)
        return { ...x, problems: x.problems.map((p, j) => (j === 1 ? { ...p, baseline: 'base "line".json' } : p)) };
      return x;
    });
    const changed = { ...r, results: odd };
    expect(toJson(changed)).toContain('"baseline": "base \\"line\\".json"');
    expect(toJson(changed)).toBe(reference(changed));
  });
});

describe('stringifyWithItems (reports written in chunks)', () => {
  const item = (i: number) => ({ n: i, s: `it"em\n${i}`, list: i % 2 ? [] : [i, { deep: null }], empty: {} });
  const nest = (depth: number, key: string, items: unknown): unknown => {
    // `key` at indentation level depth - 1, beside a decoy of the same name one level deeper;
    // the object is wrapped in objects and arrays, by turns, to put it there.
    let doc: unknown = { before: 'x', [key]: items, decoy: { [key]: [] }, after: [1] };
    for (let k = 0; k < depth - 2; k++) doc = k % 2 ? [doc] : { w: doc };
    return doc;
  };

  it.each([
    [2, 0],
    [2, 1],
    [2, 1024],
    [2, 1025],
    [3, 3000],
    [4, 2048],
  ])('equals JSON.stringify of the whole document (items at level %i, %i items)', (depth, count) => {
    const items = Array.from({ length: count }, (_, i) => item(i));
    const whole = nest(depth, 'results', items);
    const skeleton = nest(depth, 'results', []);
    expect(stringifyWithItems(skeleton, 'results', depth, count, item)).toBe(JSON.stringify(whole, null, 2));
  });

  it('refuses a skeleton without the property at that level', () => {
    expect(() => stringifyWithItems({ other: [] }, 'results', 2, 1, item)).toThrow(
      'internal: "results": [] is not one property of the report',
    );
  });
});

describe('the CLI writes large JSON and SARIF reports part by part', () => {
  it.each(['json', 'sarif', 'text', 'markdown', 'junit'] as const)('%s: the parts are the rendered text', (format) => {
    const r = report(2100);
    const parts = renderParts(r, format, 'error');
    expect(parts.join('')).toBe(render(r, format, 'error'));
    // JSON and SARIF come in chunks (never joined whole); the other formats in one piece.
    expect(parts.length > 1).toBe(format === 'json' || format === 'sarif');
    expect(parts[parts.length - 1].endsWith('\n')).toBe(true);
  });

  it('runScan writes a large JSON report in several writes that make one document', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-parts-'));
    try {
      const docs = Array.from(
        { length: 1100 },
        (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: ns\ndata: {}\n`,
      );
      fs.writeFileSync(path.join(dir, 'many.yaml'), docs.join('---\n'));
      const writes: string[] = [];
      const code = runScan([dir], { format: 'json' }, { out: (t) => writes.push(t), err: () => undefined });
      expect(code).toBe(0);
      expect(writes.length).toBeGreaterThan(1);
      const text = writes.join('');
      expect(text.endsWith('}\n')).toBe(true);
      const parsed = JSON.parse(text) as { results: unknown[] };
      expect(parsed.results).toHaveLength(1100);
      expect(text).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
