import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { parseYaml } from '../../lib/core/manifest-yaml';
import { EXIT, Format, ScanOptions, runScan } from '../../lib/cli/scan';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'agent-baseline.js');
const BAD = path.join(ROOT, 'test', 'fixtures', 'bad-manifests');
const GUESTBOOK = path.join(ROOT, 'test', 'fixtures', 'kubernetes-examples', 'web', 'guestbook');

function scan(paths: string[], options: ScanOptions = {}) {
  let out = '';
  let err = '';
  const code = runScan(paths, options, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function sarifValidator() {
  const schema = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'),
  );
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('the pre-commit hook', () => {
  const hooks = parseYaml(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as {
    id: string;
    entry: string;
    files: string;
    language: string;
  }[];
  const hook = hooks.find((h) => h.id === 'agent-baseline-scan');

  it('runs its entry with the staged files, as pre-commit does', () => {
    expect(hook).toMatchObject({ language: 'node', entry: 'agent-baseline scan' });
    const files = ['good.yaml', 'pss-privileged.yaml', 'README.md']
      .map((f) => path.join(BAD, f))
      .filter((f) => new RegExp(hook?.files ?? '$^').test(f));
    expect(files.map((f) => path.basename(f))).toEqual(['good.yaml', 'pss-privileged.yaml']);
    // `agent-baseline` is the package's bin, i.e. bin/agent-baseline.js.
    const [command, ...args] = (hook?.entry ?? '').split(' ');
    expect(command).toBe('agent-baseline');
    const run = (names: string[]) =>
      spawnSync(process.execPath, [BIN, ...args, ...names], { cwd: ROOT, encoding: 'utf8' });
    expect(run([files[0]]).status).toBe(EXIT.ok);
    const failing = run(files);
    expect(failing.status).toBe(EXIT.failing);
    expect(failing.stdout).toMatch(/PSS-privileged/);
  });
});

describe('the GitHub Action', () => {
  const action = parseYaml(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    runs: { using: string; steps: { id?: string; uses?: string; run?: string; with?: Record<string, string> }[] };
    inputs: Record<string, { default: string }>;
  };

  it('is a composite action that uploads SARIF with codeql-action/upload-sarif', () => {
    expect(action.runs.using).toBe('composite');
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toBe('${{ inputs.sarif-file }}');
  });

  it.each([
    ['failing manifests', path.join(BAD, 'pss-privileged.yaml'), '', EXIT.failing],
    ['clean manifests', path.join(BAD, 'good.yaml'), '', EXIT.ok],
    [
      'a directory with an unreadable file',
      path.join(ROOT, 'test', 'fixtures', 'kubernetes-examples'),
      '',
      EXIT.badInput,
    ],
  ])('runs its scan step on %s and writes valid SARIF', (_name, paths, baseline, code) => {
    const step = action.runs.steps.find((s) => s.id === 'scan');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-action-'));
    const output = path.join(dir, 'output');
    const sarifFile = path.join(dir, 'out.sarif');
    const r = spawnSync('bash', ['-e', '-c', step?.run ?? 'exit 9'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        GITHUB_ACTION_PATH: ROOT,
        GITHUB_OUTPUT: output,
        AB_PATHS: paths,
        AB_FAIL_ON: action.inputs['fail-on'].default,
        AB_BASELINE: baseline,
        AB_ARGS: '',
        AB_SARIF: sarifFile,
      },
    });
    expect(r.status).toBe(0);
    expect(fs.readFileSync(output, 'utf8')).toBe(`exit-code=${code}\n`);
    const validate = sarifValidator();
    expect(validate(JSON.parse(fs.readFileSync(sarifFile, 'utf8')))).toBe(true);
  });
});

describe('--baseline', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-baseline-'));
  const saved = path.join(dir, 'baseline.json');

  beforeAll(() => {
    const first = scan([GUESTBOOK], { format: 'json' });
    expect(first.code).toBe(EXIT.failing);
    fs.writeFileSync(saved, first.out);
  });

  it('accepts every problem of the saved report: shown as baselined, not failing, in every format', () => {
    const json = JSON.parse(scan([GUESTBOOK], { format: 'json', baseline: saved }).out);
    const problems = json.results.flatMap((r: { findings: unknown[] }) => r.findings);
    expect(problems.length).toBeGreaterThan(100);
    expect(
      problems.every(
        (f: { status: string; baseline?: string }) =>
          f.status === 'baselined' && f.baseline !== undefined && f.baseline.endsWith('baseline.json'),
      ),
    ).toBe(true);
    expect(json.summary).toMatchObject({ failing: 0, bySeverity: { error: 0, warning: 0 } });
    expect(scan([GUESTBOOK], { baseline: saved }).code).toBe(EXIT.ok);
    const formats: [Format, RegExp][] = [
      ['text', /baselined error\s+\S+[\s\S]*accepted by baseline \S*baseline\.json/],
      ['markdown', /baselined in \S*baseline\.json/],
      ['junit', /<skipped message="baselined: accepted by \S*baseline\.json"/],
      ['sarif', /"baselineState": "unchanged"[\s\S]*accepted by baseline/],
    ];
    for (const [format, pattern] of formats)
      expect(scan([GUESTBOOK], { format, baseline: saved }).out).toMatch(pattern);
  });

  it('fails on problems the baseline does not hold', () => {
    const extra = path.join(BAD, 'pss-privileged.yaml');
    const r = scan([GUESTBOOK, extra], { format: 'json', baseline: saved });
    expect(r.code).toBe(EXIT.failing);
    const failing = JSON.parse(r.out).results.filter((x: { findings: { status: string }[] }) =>
      x.findings.some((f) => f.status === 'error'),
    );
    expect(failing.every((x: { file: string }) => x.file.endsWith('pss-privileged.yaml'))).toBe(true);
  });

  it.each([
    ['a missing file', () => path.join(dir, 'nope.json'), /--baseline \S+nope\.json: cannot read \(ENOENT\)/],
    [
      'a non-report',
      () => (fs.writeFileSync(path.join(dir, 'x.json'), '{"a": 1}'), path.join(dir, 'x.json')),
      /not an agent-baseline JSON report/,
    ],
    [
      'not JSON',
      () => (fs.writeFileSync(path.join(dir, 'y.json'), 'a: ['), path.join(dir, 'y.json')),
      /y\.json: not JSON/,
    ],
  ])('refuses %s', (_name, file, message) => {
    const r = scan([GUESTBOOK], { baseline: file() });
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toMatch(message);
  });
});
