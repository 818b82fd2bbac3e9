/**
 * The one-process synth (`npm run synth`, scripts/synth.js) writes what `cdk8s synth` writes, byte
 * for byte, and the cdk8s plugin's second pass is skipped only when one in-process run of the rule
 * packs covered every manifest it is handed, unchanged, with the same options.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { AgentApp, VALIDATED_MARKER_FILE, markerOptions } from '../../lib/platform';
import { rulesValidation } from '../../lib/platform/suppressions';
import { buildDefaultPlatform } from '../../stacks/platform';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/bad-manifests');

interface Shim {
  AgentBaselineValidation: new (p?: object) => { validate(ctx: unknown): Promise<void> };
  validatedInProcess(manifests: readonly string[], properties: object): boolean;
  markerOptions(p: object): unknown;
}
const shim = require('../../lib/rules/plugin') as Shim;

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function yamlFiles(dir: string): string[] {
  return Object.keys(tree(dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(dir, f));
}

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env },
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-entry-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function pluginContext(manifests: string[]) {
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  const violations: { ruleName: string }[] = [];
  const submitted: { status: string; metadata?: Record<string, string> }[] = [];
  return {
    violations,
    submitted,
    ctx: {
      manifests,
      parseManifest: (f: string) => parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS()),
      report: {
        addViolation: (v: { ruleName: string }) => violations.push(v),
        submit: (status: string, metadata?: Record<string, string>) => submitted.push({ status, metadata }),
      },
    },
  };
}

describe('npm run synth (one process)', () => {
  it('writes byte-identical output to `cdk8s synth`, and the CLI skips its second pass', () => {
    const one = path.join(tmp, 'one');
    const cli = path.join(tmp, 'cli');
    run(['scripts/synth.js', '--output', one]);
    const viaCli = run([path.join(ROOT, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth', '--output', cli]);
    const a = tree(one);
    const b = tree(cli);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(Object.keys(a)).toEqual(
      expect.arrayContaining([
        VALIDATED_MARKER_FILE,
        'construct-metadata.json',
        path.join('audit', 'audit-policy.yaml'),
        expect.stringMatching(/^0000-platform-agents-.*\.k8s\.yaml$/),
      ]),
    );
    for (const f of Object.keys(a)) expect([f, a[f]]).toEqual([f, b[f]]);
    expect(viaCli.stdout).toContain('validatedInProcess');
  });

  it('fails, naming the rule and the construct, when the whole App does not pass', () => {
    const app = new AgentApp({ outdir: path.join(tmp, 'bad'), recordConstructMetadata: true });
    // A chart beside no platform at all: only the whole-App pass of `npm run synth` sees it.
    new ApiObject(new Chart(app, 'side'), 'root-pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'root-pod', namespace: 'x' },
      spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] },
    });
    process.env.AGENT_BASELINE_VALIDATE_WHOLE_APP = 'true';
    try {
      expect(() => app.synth()).toThrow(
        /Validation failed with the following errors:\n\s+\[side\/root-pod\] \[[A-Z]+-[\w-]+\] Pod\/x\/root-pod/,
      );
    } finally {
      delete process.env.AGENT_BASELINE_VALIDATE_WHOLE_APP;
    }
  });
});

describe('scripts/bundle.js', () => {
  it('rebuilds when a source changes, so a bundle never runs stale code', () => {
    const bundler = require('../../scripts/bundle') as {
      bundle(entry: string, name: string): unknown;
      run(b: unknown): { value: number };
    };
    const dir = path.join(ROOT, 'build', 'bundle-test');
    fs.mkdirSync(dir, { recursive: true });
    const entry = path.join(dir, 'entry.ts');
    const dep = path.join(dir, 'dep.ts');
    try {
      fs.writeFileSync(entry, "import { v } from './dep';\nexport const value: number = v;\n");
      fs.writeFileSync(dep, 'export const v = 1;\n');
      const b = bundler.bundle(path.relative(ROOT, entry), 'bundle-test/out');
      expect(bundler.run(b).value).toBe(1);
      expect(bundler.run(b).value).toBe(1); // from the code cache
      fs.writeFileSync(dep, 'export const v = 22;\n');
      expect(bundler.run(b).value).toBe(22);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the validated marker', () => {
  function synthInto(dir: string, build: (app: AgentApp) => void): void {
    const app = new AgentApp({ outdir: dir, recordConstructMetadata: true });
    build(app);
    app.synth();
  }

  it('is written for the default platform and lets the plugin skip exactly those files', async () => {
    const dir = path.join(tmp, 'marker');
    synthInto(dir, (app) => buildDefaultPlatform(app));
    const manifests = yamlFiles(dir);
    expect(shim.validatedInProcess(manifests, {})).toBe(true);
    const skipped = pluginContext(manifests);
    await new shim.AgentBaselineValidation().validate(skipped.ctx);
    expect(skipped.submitted).toEqual([{ status: 'success', metadata: { validatedInProcess: expect.any(String) } }]);
  });

  it.each<[string, (dir: string, manifests: string[]) => [string[], object]]>([
    [
      'a manifest edited after synthesis',
      (_dir, m) => {
        fs.appendFileSync(m[0], `---\n${fs.readFileSync(path.join(FIXTURES, 'pss-privileged.yaml'), 'utf8')}`);
        return [m, {}];
      },
    ],
    [
      'a manifest added beside them',
      (dir, m) => {
        const extra = path.join(dir, 'extra.k8s.yaml');
        fs.copyFileSync(path.join(FIXTURES, 'pss-privileged.yaml'), extra);
        return [[...m, extra], {}];
      },
    ],
    ['other plugin options', (_dir, m) => [m, { failOn: 'warning' }]],
    ['other packs', (_dir, m) => [m, { packs: ['pss-restricted'] }]],
    ['a subset of the files', (_dir, m) => [m.slice(1), {}]],
    [
      'no marker',
      (dir, m) => {
        fs.rmSync(path.join(dir, VALIDATED_MARKER_FILE));
        return [m, {}];
      },
    ],
  ])('does not let the plugin skip after %s', (name, change) => {
    const dir = path.join(tmp, `changed-${name.replace(/\W+/g, '-')}`);
    synthInto(dir, (app) => buildDefaultPlatform(app));
    const [manifests, properties] = change(dir, yamlFiles(dir));
    expect(shim.validatedInProcess(manifests, properties)).toBe(false);
  });

  it('runs the full pass, and reports the violation, for a manifest edited after synthesis', async () => {
    const dir = path.join(tmp, 'edited');
    synthInto(dir, (app) => buildDefaultPlatform(app));
    const manifests = yamlFiles(dir);
    const target = manifests.find((f) => f.endsWith('.k8s.yaml')) as string;
    fs.appendFileSync(target, `---\n${fs.readFileSync(path.join(FIXTURES, 'pss-privileged.yaml'), 'utf8')}`);
    const full = pluginContext(manifests);
    await new shim.AgentBaselineValidation().validate(full.ctx);
    expect(full.submitted[0].status).toBe('failure');
    expect(full.violations.length).toBeGreaterThan(0);
  });

  it('is not written when no single rule run covered every object', () => {
    const dir = path.join(tmp, 'partial');
    synthInto(dir, (app) => {
      const checked = new Chart(app, 'checked');
      new ApiObject(checked, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'x' } });
      checked.node.addValidation(rulesValidation(checked));
      const other = new Chart(app, 'other');
      new ApiObject(other, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'x' } });
      other.node.addValidation(rulesValidation(other));
    });
    expect(fs.existsSync(path.join(dir, VALIDATED_MARKER_FILE))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'construct-metadata.json'))).toBe(true);
  });

  it('is not written when cdk8s runs no validation plugin', () => {
    const dir = path.join(tmp, 'no-plugin');
    const app = new AgentApp({ outdir: dir, recordConstructMetadata: false });
    buildDefaultPlatform(app);
    app.synth();
    expect(fs.readdirSync(dir)).not.toContain(VALIDATED_MARKER_FILE);
  });

  it.each([
    {},
    { failOn: 'warning' },
    { packs: ['pss-restricted', 'rbac'] },
    { pssVersion: 'v1.28', requireSandbox: true, sandboxRuntimeClasses: ['gvisor'] },
  ])('the plugin normalizes options %j as the app records them', (options) => {
    expect(shim.markerOptions(options)).toEqual(markerOptions(options as never));
  });
});
