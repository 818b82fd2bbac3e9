import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { EXIT, Format, ScanOptions, runScan } from '../../lib/cli/scan';
import { MAX_ALIAS_COUNT } from '../../lib/cli/load';

const ROOT = path.join(__dirname, '..', '..');
const BAD = path.join(ROOT, 'test', 'fixtures', 'bad-manifests');
const CLI = path.join(ROOT, 'test', 'fixtures', 'cli');

function scan(paths: string[], options: ScanOptions = {}, stdin?: string) {
  let out = '';
  let err = '';
  const code = runScan(paths, options, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    readStdin: () => Buffer.from(stdin ?? ''),
  });
  return { code, out, err };
}

function tmpFile(name: string, content: string | Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-scan-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('scan exit codes', () => {
  it('exits 0 for a clean set and 1 for failing findings', () => {
    expect(scan([path.join(BAD, 'good.yaml')]).code).toBe(EXIT.ok);
    expect(scan([path.join(BAD, 'pss-privileged.yaml')]).code).toBe(EXIT.failing);
  });

  it('--fail-on controls what fails', () => {
    const warnOnly = path.join(BAD, 'hrd-pull-policy.yaml');
    expect(scan([warnOnly]).code).toBe(EXIT.ok);
    expect(scan([warnOnly], { failOn: 'warning' }).code).toBe(EXIT.failing);
    expect(scan([path.join(BAD, 'pss-privileged.yaml')], { failOn: 'never' }).code).toBe(EXIT.ok);
  });

  it('skips a document that is not a Kubernetes object with a one-line notice, and scans the rest', () => {
    const r = scan([path.join(CLI, 'not-k8s.yaml')], { format: 'json' });
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toMatch(/not-k8s\.yaml:7: skipped, not a Kubernetes object \(apiVersion is missing\)\n$/);
    const json = JSON.parse(r.out);
    expect(json.results.map((x: { name: string }) => x.name)).toEqual(['ok']);
    expect(json.inputs.skipped).toEqual([
      { file: 'test/fixtures/cli/not-k8s.yaml', line: 7, message: 'not a Kubernetes object (apiVersion is missing)' },
    ]);
  });

  it.each([
    [
      'invalid YAML',
      [path.join(CLI, 'invalid.yaml')],
      /invalid\.yaml:7:1: invalid YAML: unexpected end of the stream within a flow collection/,
    ],
    ['a missing file', ['/nonexistent/x.yaml'], /\/nonexistent\/x\.yaml: cannot read \(ENOENT\)/],
  ])('exits 2 for %s, naming file and line', (_what, paths, message) => {
    const r = scan(paths);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for binary input, alias bombs, deep nesting and bad options', () => {
    expect(scan([tmpFile('bin.yaml', Buffer.from([0x61, 0, 0x62]))]).err).toMatch(/binary content/);
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 12 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    const bombResult = scan([tmpFile('bomb.yaml', bomb)]);
    expect(bombResult.code).toBe(EXIT.badInput);
    expect(bombResult.err).toMatch(/bomb\.yaml:1: .*(alias|Excessive)/i);
    expect(MAX_ALIAS_COUNT).toBeLessThanOrEqual(100);
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: ${'['.repeat(80)}${']'.repeat(80)}\n`;
    expect(scan([tmpFile('deep.yaml', deep)]).err).toMatch(/deep\.yaml:1: document nests deeper than 64 levels/);
    expect(scan([path.join(BAD, 'good.yaml')], { pssVersion: 'v2.0' }).err).toMatch(
      /--pss-version: invalid value 'v2.0'/,
    );
    expect(scan([path.join(BAD, 'good.yaml')], { pack: ['nope'] }).err).toMatch(/--pack: unknown pack 'nope'/);
  });

  it('reads stdin for -, and directories recursively (skipping construct-metadata.json)', () => {
    const text = fs.readFileSync(path.join(BAD, 'good.yaml'), 'utf8');
    expect(scan(['-'], {}, text).code).toBe(EXIT.ok);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-dir-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'a.yml'), text);
    fs.writeFileSync(path.join(dir, 'construct-metadata.json'), '{"not": "k8s"}');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    fs.writeFileSync(path.join(dir, 'sub', 'vault-role.json'), '{"bound_service_account_names": ["agent"]}');
    const r = scan([dir], { format: 'json' });
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toMatch(/vault-role\.json:1: skipped, not a Kubernetes object \(apiVersion is missing\)/);
    // Named explicitly or found by recursion, a file that is not a manifest is skipped the same way.
    const explicit = scan([path.join(dir, 'sub', 'vault-role.json')]);
    expect(explicit.code).toBe(EXIT.ok);
    expect(explicit.err).toMatch(/vault-role\.json:1: skipped/);
    // The hardened fixture: 10 objects plus its attestation policy and runtime rules (issue 20).
    expect(JSON.parse(r.out).results).toHaveLength(12);
  });
});

describe('formats', () => {
  const file = path.join(BAD, 'hrd-secret-env.yaml');
  const run = (format: Format) => scan([file], { format });

  it('json lists every object, with findings and line numbers', () => {
    const json = JSON.parse(run('json').out);
    expect(json.results).toHaveLength(12);
    const dep = json.results.find((r: { kind: string }) => r.kind === 'Deployment');
    expect(dep).toMatchObject({ file, apiVersion: 'apps/v1', namespace: 'agents', name: 'agent' });
    expect(dep.findings).toContainEqual(
      expect.objectContaining({
        rule: 'HRD-SecretInEnv',
        severity: 'error',
        suppressed: false,
        path: 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef',
        line: expect.any(Number),
      }),
    );
    expect(json.results.find((r: { kind: string }) => r.kind === 'LimitRange').findings).toEqual([]);
    expect(json.summary).toMatchObject({ objects: 12, failOn: 'error' });
  });

  it('sarif validates against the SARIF 2.1.0 schema, with rules, help and locations', () => {
    const schema = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'),
    );
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(run('sarif').out);
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const results = sarif.runs[0].results;
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe(
        'test/fixtures/bad-manifests/hrd-secret-env.yaml',
      );
      expect(r.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    }
    const rule = sarif.runs[0].tool.driver.rules.find((x: { id: string }) => x.id === 'HRD-SecretInEnv');
    expect(rule.help.text).toMatch(/Fix:/);
  });

  it('junit is well-formed with failures per rule', () => {
    const xml = run('junit').out;
    expect(xml).toMatch(/^<\?xml version="1.0"/);
    expect(xml).toMatch(/<testcase name="HRD-SecretInEnv" classname="Deployment\/agents\/agent"><failure type="error"/);
    expect(xml.match(/<testsuite /g)).toHaveLength(12);
  });

  it('markdown and text name the rule, path and fix', () => {
    const md = run('markdown').out;
    expect(md).toMatch(/## Pod Security Standards/);
    expect(md).toMatch(/## CIS Kubernetes/);
    expect(md).toMatch(
      /\| ❌ 5\.4\.1 — Prefer using secrets as files[^|]*\|[^\n]*\| ❌ Deployment\/agents\/agent \(`[^`]*hrd-secret-env\.yaml:\d+`\): HRD-SecretInEnv/,
    );
    const text = run('text').out;
    expect(text).toMatch(
      /error\s+HRD-SecretInEnv {2}spec\.template\.spec\.containers\[0\]\.env\[0\]\.valueFrom\.secretKeyRef \(line \d+\)/,
    );
  });
});

describe('the installed binary', () => {
  const bin = path.join(ROOT, 'bin', 'agent-baseline.js');
  const node = (args: string[], input?: string) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: 'utf8', input });

  it('exits 1 with findings, 2 on usage errors, without stack traces', () => {
    const failing = node(['scan', path.join(BAD, 'pss-privileged.yaml'), '--format', 'json']);
    expect(failing.status).toBe(1);
    expect(JSON.parse(failing.stdout).summary.failing).toBeGreaterThan(0);
    const usage = node(['scan', 'x.yaml', '--format', 'pdf']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--format <format>' argument 'pdf' is invalid/);
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });

  it('report prints the compliance report and exits 0 by default', () => {
    const r = node(['report', '-'], fs.readFileSync(path.join(BAD, 'pss-privileged.yaml'), 'utf8'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/# agent-baseline compliance report/);
    expect(r.stdout).toMatch(
      /\| ❌ baseline\/privileged — No privileged containers \| `PSS-privileged` \| 0 \| 1 \| 0 \|/,
    );
  });
});
