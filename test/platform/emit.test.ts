/**
 * The fast emitter writes exactly what cdk8s's `Yaml.stringify` writes: on real platforms, on
 * every bad-manifest fixture, on table-driven YAML 1.1 traps, and on arbitrary JSON documents.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { App, Yaml } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { buildScalePlatform } from '../../bench/fixture';
import { AgentApp, synthesizeCharts } from '../../lib/platform';
import { stringifyManifests } from '../../lib/platform/emit';
import { buildDefaultPlatform } from '../../stacks/platform';
import { NUM_RUNS } from '../properties/arbitraries';

const FIXTURES = path.join(__dirname, '../fixtures/bad-manifests');

function docsOf(build: (app: App) => void): unknown[] {
  const app = new AgentApp();
  build(app);
  return synthesizeCharts(app).flatMap((c) => c.objects);
}

/** Strings the YAML 1.1 schema, the quoting rules or the document markers treat specially. */
const TRAPS: readonly string[] = [
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'yEs', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False'],
  ...['on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL', '~', '', ' ', 'nul', 'yess', 'onn'],
  ...['8080', '0', '-1', '+1', '007', '0o17', '0x1F', '0b101', '1_000', '1e3', '1.5', '.5', '.inf', '-.inf', '.nan'],
  ...[
    '1:20',
    '190:20:30',
    '2001-12-14',
    '2001-12-14t21:59:43.10-05:00',
    '250m',
    '1Gi',
    '512Mi',
    '1.28',
    'v1.28',
    'e0',
    'E5',
    'e-0',
    'E-12',
    'e12x',
    'ee1',
  ],
  ...['<<', '=', '- a', '-a', '-', '?', '? a', ':', 'a: b', 'a:b', 'a #b', 'a#b', '#a', '&a', '*a', '!a', '|', '>'],
  ...['%a', '@a', '`a', "'a'", '"a"', '{a}', '[a]', 'a,b', 'a ', ' a', 'a\tb', '---', '--- a', '...', 'a\n--- b'],
  ...['multi\nline', 'trailing\n', '\nleading', 'a\\b', 'é', '日本', '\u0000', '\u007f', '\ufeffa', 'a\u2028b'],
  ...['http://x:8081', 'ghcr.io/acme-ai/assistant:1.4.2@sha256:4f6c', 'app.kubernetes.io/name', 'x'.repeat(300)],
];

describe('stringifyManifests', () => {
  it.each<[string, (app: App) => void]>([
    ['the default platform', (app) => buildDefaultPlatform(app)],
    ['30 generated agents', (app) => buildScalePlatform(app, 30)],
    ['101 generated agents', (app) => buildScalePlatform(app, 101)],
  ])('equals Yaml.stringify on %s', (_name, build) => {
    const docs = docsOf(build);
    expect(stringifyManifests(docs)).toEqual(Yaml.stringify(...docs));
  });

  it('equals Yaml.stringify on every bad-manifest fixture', () => {
    const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(FIXTURES, f), 'utf8')).map((d) => d.toJS());
      expect([f, stringifyManifests(docs)]).toEqual([f, Yaml.stringify(...docs)]);
    }
  });

  it.each(TRAPS.map((t) => [JSON.stringify(t), t]))(
    'writes %s as the library does, as value, key and item',
    (_l, t) => {
      const docs = [{ a: t }, { [t]: 1 }, { a: [t, { [t]: t }] }, { a: { b: [[t]] } }];
      expect(stringifyManifests(docs)).toEqual(Yaml.stringify(...docs));
    },
  );

  it.each<[string, unknown[]]>([
    ['empty collections', [{ a: {}, b: [], c: [{}, []], d: { e: [[]] } }]],
    ['scalars of every type', [{ a: null, b: true, c: false, d: 0, e: -7, f: 1.5, g: -0, h: 1e21, i: NaN }]],
    ['undefined values and holes', [{ a: undefined, b: [1, undefined] }, { c: new Array(3).fill(1, 0, 1) }]],
    [
      'an object shared inside a document (anchors)',
      (() => {
        const shared = { app: 'x' };
        return [{ a: shared, b: { c: shared } }];
      })(),
    ],
    [
      'an object shared across documents',
      (() => {
        const shared = { app: 'x' };
        return [{ a: shared }, { b: shared }];
      })(),
    ],
    ['non-object documents and undefined documents', [[1, 2], 'text', 3, null, undefined, {}, { a: 1 }]],
    ['nested sequences and maps', [{ a: [[1, [2, { b: [3] }]], { c: [{ d: 4 }] }] }]],
    ['a Date', [{ a: new Date(0) }]],
  ])('equals Yaml.stringify on %s', (_name, docs) => {
    expect(stringifyManifests(docs)).toEqual(Yaml.stringify(...docs));
  });

  it('formats many new strings at once as the library does one by one', () => {
    // A fresh module, so no string is cached yet and all of them go through one batched call.
    jest.isolateModules(() => {
      const fresh = require('../../lib/platform/emit') as typeof import('../../lib/platform/emit');
      const docs = [
        {
          values: TRAPS,
          nested: { a: [...TRAPS].reverse(), b: Object.fromEntries(TRAPS.map((t, i) => [`k${i}`, t])) },
        },
      ];
      expect(fresh.stringifyManifests(docs)).toEqual(Yaml.stringify(...docs));
      // Each value again, alone: what the batch cached is what the library writes for it.
      for (const t of TRAPS) expect([t, fresh.stringifyManifests([{ a: t }])]).toEqual([t, Yaml.stringify({ a: t })]);
    });
  });

  it('equals Yaml.stringify on arbitrary JSON documents', () => {
    // The emitter's own plain-string class, with digits and dashes often: the fast path must match the library there.
    const plainish = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_./-]{0,6}$|^[eEyYnN][-0-9]{0,3}$/);
    const key = fc.oneof(fc.constantFrom(...TRAPS), fc.string(), plainish);
    const leaf = fc.oneof(
      fc.constantFrom(...TRAPS),
      plainish,
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('tree'), { maxLength: 4 }),
      object: fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
    }));
    const doc = fc.dictionary(key, tree, { minKeys: 1, maxKeys: 6 });
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 3 }), (docs) => {
        expect(stringifyManifests(docs)).toEqual(Yaml.stringify(...docs));
      }),
      { numRuns: NUM_RUNS * 5 },
    );
  });
});
