/**
 * Scans of real public files (kubernetes/examples, see test/fixtures/kubernetes-examples/SOURCE.md)
 * and of `helm template`-style output: the scan completes, every object is reported, skipped and
 * unreadable files are listed with reasons, and the exit code follows the rules.
 */
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import * as fs from 'fs';
import { EXIT, Format, ScanOptions, runScan } from '../../lib/cli/scan';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'test', 'fixtures', 'kubernetes-examples');
const HELM = path.join(ROOT, 'test', 'fixtures', 'helm-rendered');

function scan(paths: string[], options: ScanOptions = {}) {
  let out = '';
  let err = '';
  const code = runScan(paths, options, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

type JsonReport = {
  results: { file: string; kind: string; name: string; findings: { rule: string; fingerprint: string }[] }[];
  inputs: {
    errors: { file: string; line: number; message: string }[];
    skipped: { file: string; line: number; message: string }[];
  };
  summary: { objects: number; findings: number; ruleFindings: number };
};

describe('kubernetes/examples', () => {
  const r = scan([EXAMPLES], { format: 'json' });
  const json = JSON.parse(r.out) as JsonReport;

  it('reports every object, even though some files cannot be read, and exits 2', () => {
    expect(r.code).toBe(EXIT.badInput);
    expect(json.summary.objects).toBe(22);
    const frontends = json.results.filter((x) => x.kind === 'Deployment' && x.name === 'frontend').map((x) => x.file);
    expect(frontends.length).toBe(3);
    expect(new Set(frontends).size).toBe(3);
    expect(json.results.find((x) => x.kind === 'StatefulSet')?.file).toMatch(/cassandra-statefulset\.yaml$/);
  });

  it('lists the duplicate-key files as input errors with file:line, and the Cassandra configs as skipped', () => {
    expect(json.inputs.errors.map((e) => [path.basename(e.file), e.line, e.message])).toEqual([
      ['etcd-controller.yaml', 12, 'invalid YAML: duplicated mapping key'],
      ['quobyte-admin-secret.yaml', 9, 'invalid YAML: duplicated mapping key'],
    ]);
    expect(json.inputs.skipped.map((e) => [e.file, e.message])).toEqual([
      [
        'test/fixtures/kubernetes-examples/databases/cassandra/image/files/cassandra.yaml',
        'not a Kubernetes object (apiVersion is missing)',
      ],
      [
        'test/fixtures/kubernetes-examples/databases/cassandra/java/src/test/resources/cassandra.yaml',
        'not a Kubernetes object (apiVersion is missing)',
      ],
    ]);
    expect(r.err.trim().split('\n')).toHaveLength(4);
    expect(r.err).not.toMatch(/Warning:|\n\s+at /);
  });

  it('text and JUnit list the unreadable and skipped inputs too', () => {
    const text = scan([EXAMPLES]).out;
    expect(text).toMatch(
      /Inputs that could not be read:\n {2}\S*etcd-controller\.yaml:12: invalid YAML: duplicated mapping key/,
    );
    expect(text).toMatch(/Skipped:\n {2}\S*image\/files\/cassandra\.yaml:10: not a Kubernetes object/);
    const junit = scan([EXAMPLES], { format: 'junit' }).out;
    expect(junit).toMatch(/<testsuite name="inputs" tests="4" failures="0" errors="2" skipped="2">/);
  });

  it('scan databases/cassandra completes: three objects, the config skipped, exit 1 on findings', () => {
    const c = scan([path.join(EXAMPLES, 'databases', 'cassandra')], { format: 'json' });
    expect(c.code).toBe(EXIT.failing);
    expect(
      JSON.parse(c.out)
        .results.map((x: { kind: string }) => x.kind)
        .sort(),
    ).toEqual(['Service', 'StatefulSet', 'StorageClass']);
  });

  it('SARIF validates against 2.1.0, fingerprints are unique, inputs are tool notifications', () => {
    const sarif = JSON.parse(scan([EXAMPLES], { format: 'sarif' }).out);
    const schema = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'),
    );
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif)).toBe(true);
    const run = sarif.runs[0];
    const prints = run.results.map(
      (x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints['agentBaseline/v1'],
    );
    expect(prints.length).toBe(json.summary.findings);
    expect(new Set(prints).size).toBe(prints.length);
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(
      run.invocations[0].toolExecutionNotifications.map((n: { level: string; descriptor: { id: string } }) => [
        n.level,
        n.descriptor.id,
      ]),
    ).toEqual([
      ['error', 'input-error'],
      ['error', 'input-error'],
      ['note', 'input-skipped'],
      ['note', 'input-skipped'],
    ]);
  });

  it('the guestbook compliance report fits in under 300 lines and names each object with its file', () => {
    const report = scan([path.join(EXAMPLES, 'web', 'guestbook')], { format: 'markdown' as Format }).out;
    expect(report.split('\n').length).toBeLessThan(300);
    expect(report).toMatch(/Deployment\/frontend \(`[^`]*all-in-one\/frontend\.yaml:\d+`\)/);
    expect(report).toMatch(/Deployment\/frontend \(`[^`]*guestbook\/frontend-deployment\.yaml:\d+`\)/);
    expect(report).toMatch(/No object in scope: /);
    expect(report).toMatch(/## Objects\n\n\| Object \| File \|/);
    expect(report.match(/^\| Deployment\/frontend \| `/gm)).toHaveLength(3);
    expect(report).not.toMatch(/_No object in scope\._/);
  });

  it('merges findings on the same field: fewer problems than rule findings', () => {
    const gb = JSON.parse(scan([path.join(EXAMPLES, 'web', 'guestbook')], { format: 'json' }).out) as JsonReport;
    expect(gb.summary.findings).toBeLessThan(gb.summary.ruleFindings);
    const text = scan([path.join(EXAMPLES, 'web', 'guestbook')]).out;
    // Summary first, then grouped by file.
    expect(text.split('\n')[0]).toMatch(/^agent-baseline: 19 objects, \d+ problems/);
    expect(text).toMatch(
      /\n\S*test\/fixtures\/kubernetes-examples\/web\/guestbook\/all-in-one\/frontend\.yaml\n {2}Service\/frontend \(line 1\)\n/,
    );
  });

  it('--framework picks one framework; unknown ones and unknown PSS versions are refused with a clear message', () => {
    const cis = scan([path.join(EXAMPLES, 'web', 'guestbook')], { format: 'markdown', framework: 'cis' }).out;
    expect(cis).toMatch(/## CIS Kubernetes/);
    expect(cis).not.toMatch(/## Pod Security Standards|## NSA\/CISA/);
    const bad = scan([EXAMPLES], { framework: 'iso' });
    expect([bad.code, bad.err]).toEqual([
      EXIT.badInput,
      "agent-baseline: --framework: unknown framework 'iso'; expected one of pss, nsa, cis, owasp, soc2, gdpr\n",
    ]);
    const v = scan([EXAMPLES], { pssVersion: 'v1.99' });
    expect(v.code).toBe(EXIT.badInput);
    expect(v.err).toMatch(/--pss-version: invalid value 'v1\.99'; expected v1\.0 to v1\.\d+ or latest/);
    expect(v.out).toBe('');
  });
});

describe('helm template output', () => {
  it('reads every rendered object, skips empty templates silently and the values-like document with a notice', () => {
    const r = scan([HELM], { format: 'json' });
    const json = JSON.parse(r.out) as JsonReport;
    expect(json.results.map((x) => `${x.kind}/${x.name}`)).toEqual([
      'ServiceAccount/release-web',
      'Service/release-web',
      'Deployment/release-web',
      'Pod/release-web-test-connection',
    ]);
    expect(json.inputs.skipped).toEqual([
      {
        file: 'test/fixtures/helm-rendered/rendered.yaml',
        line: 93,
        message: 'not a Kubernetes object (apiVersion is missing)',
      },
    ]);
    expect(r.code).toBe(EXIT.failing);
    // `hostNetwork: on` is true, as kubectl sends it.
    const dep = json.results.find((x) => x.kind === 'Deployment');
    expect(JSON.stringify(dep?.findings)).toMatch(/PSS-hostNamespaces/);
  });
});
