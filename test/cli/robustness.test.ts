import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { DEFAULT_MAX_FILE_BYTES, InputError, parseManifests } from '../../lib/cli/load';
import { runReach } from '../../lib/cli/reach';
import { EXIT, runScan } from '../../lib/cli/scan';
import { NUM_RUNS } from '../properties/arbitraries';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'agent-baseline.js');
const STACK_FRAME = /\n\s+at /;

const GOOD = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: agents
data:
  mode: fast
`;

/** Malformed inputs, generated at test time (a large file is never committed). */
const MALFORMED: Record<string, () => string | Buffer> = {
  'binary data': () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
  'invalid UTF-8': () => Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0x28, 0x0a]),
  'truncated YAML': () => GOOD.slice(0, GOOD.indexOf('name:') + 7) + '\n  labels: {a: [1, 2',
  'a billion-laughs alias bomb': () =>
    [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefghi'.split('').map((c, i) => {
        const prev = 'abcdefghi'[i];
        return `${c}: &${c} [${Array(9).fill(`*${prev}`).join(',')}]`;
      }),
    ].join('\n'),
  '100k nested arrays': () => `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
  '100k nested mappings': () => `${'{a: '.repeat(100_000)}1${'}'.repeat(100_000)}\n`,
  // Just over the default per-file limit (64 MiB).
  'a 65 MiB file': () => `# ${'x'.repeat(65 * 1024 * 1024)}\n`,
};

let dir: string;
const files: Record<string, string> = {};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-baseline-robust-'));
  for (const [name, make] of Object.entries(MALFORMED)) {
    const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yaml`);
    fs.writeFileSync(file, make());
    files[name] = file;
  }
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  return spawnSync(process.execPath, ['--max-old-space-size=256', BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the manifest loader on random input', () => {
  test('either parses or refuses with an InputError, for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          parseManifests(Buffer.from(bytes), 'random.yaml');
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as Error).message).toMatch(/^random\.yaml/);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('either parses or refuses with an InputError, for random YAML-ish text and truncations of a manifest', () => {
    const yamlish = fc.string({
      unit: fc.constantFrom(...'ab: -[]{}&*!|>\'"#\n  ,?%@`\t\\'.split('')),
      maxLength: 200,
    });
    const truncated = fc.nat({ max: GOOD.length }).map((n) => GOOD.slice(0, n));
    fc.assert(
      fc.property(fc.oneof(yamlish, truncated, fc.string({ unit: 'grapheme', maxLength: 100 })), (text) => {
        try {
          parseManifests(Buffer.from(text), 'random.yaml');
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('scan and reach never throw on random input: exit 0, 1 or 2, messages without stack traces', () => {
    const file = path.join(os.tmpdir(), `agent-baseline-random-${process.pid}.yaml`);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
          fc.string(),
        ),
        (content) => {
          fs.writeFileSync(file, content);
          let err = '';
          const scanCode = runScan([file], {}, { out: () => undefined, err: (t) => (err += t) });
          expect([EXIT.ok, EXIT.failing, EXIT.badInput]).toContain(scanCode);
          const reachCode = runReach(
            file,
            { from: 'agents/a', to: '10.0.0.1', port: '443' },
            { out: () => undefined, err: (t) => (err += t) },
          );
          expect(reachCode).toBe(2);
          expect(err).not.toMatch(STACK_FRAME);
        },
      ),
      { numRuns: NUM_RUNS },
    );
    fs.rmSync(file, { force: true });
  });
});

describe('the CLI on malformed input, in a 256 MB heap', () => {
  test('the 65 MiB file is over the size cap', () => {
    expect(fs.statSync(files['a 65 MiB file']).size).toBeGreaterThan(DEFAULT_MAX_FILE_BYTES);
  });

  test.each(Object.keys(MALFORMED))('scan exits 2 with a message for %s', (name) => {
    const r = cli(['scan', files[name]]);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(path.basename(files[name]));
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  test('reach exits 2 with a message for a directory of malformed files', () => {
    const r = cli(['reach', dir, '--from', 'agents/a', '--to', 'agents/b', '--port', '8080']);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^agent-baseline reach: /);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  test('reach exits 2 for each malformed file on its own', () => {
    for (const name of ['a billion-laughs alias bomb', '100k nested arrays', 'binary data']) {
      const r = cli(['reach', files[name], '--from', 'agents/a', '--to', '10.0.0.1', '--port', '443']);
      expect([name, r.status, r.signal]).toEqual([name, 2, null]);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
  });
});
