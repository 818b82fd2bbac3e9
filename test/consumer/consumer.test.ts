/**
 * The package as a user gets it: `npm pack`, a scratch app outside the repository scaffolded by
 * `agent-baseline init`, a lockfile-free install of the tarball plus registry dependencies, then in
 * that app: the scaffold's own tests, synth of two of the user's own agents through the cdk8s CLI
 * (with the validation plugin), CommonJS and ESM loads with plain node, a strict type-check, and
 * `npx agent-baseline scan` of the output. Run by jest.consumer.config.js (`npm test`, `.ci/run`).
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '../..');
const MAX_UNPACKED_BYTES = 2 * 1024 * 1024;

/** npm's own variables from an enclosing `npm test` would point the nested npm at this repository. */
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !/^npm_(package_|lifecycle_|config_local_prefix|command)/i.test(k) && k !== 'INIT_CWD',
  ),
);
env.CDK8S_CHECK_UPGRADE = 'false';

function run(command: string, args: string[], cwd: string, allowFailure = false): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (!allowFailure && result.status !== 0) {
    throw new Error(
      `\`${command} ${args.join(' ')}\` in ${cwd} exited ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

interface PackResult {
  filename: string;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

let scratch: string;
let app: string;
let pack: PackResult;
const started = Date.now();

beforeAll(() => {
  scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ab-consumer-')));
  // prepack builds the package; its output goes to stderr, the JSON report to stdout.
  const packed = run('npm', ['pack', '--json', '--pack-destination', scratch], ROOT);
  pack = (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as PackResult[])[0]!;
  const tarball = path.join(scratch, pack.filename);
  app = path.join(scratch, 'my-agents');
  run(
    process.execPath,
    [path.join(ROOT, 'bin/agent-baseline.js'), 'init', app, '--package-spec', `file:${tarball}`],
    ROOT,
  );
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock'], app);
});

afterAll(() => {
  process.stdout.write(`consumer test: ${((Date.now() - started) / 1000).toFixed(1)} s, scratch app ${app}\n`);
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

test('the scratch app is outside the repository', () => {
  expect(path.relative(ROOT, app).startsWith('..')).toBe(true);
  expect(fs.existsSync(path.join(app, 'package-lock.json'))).toBe(false);
});

test('the package ships no tests and stays under 2 MB unpacked', () => {
  const paths = pack.files.map((f) => f.path);
  expect(paths.filter((p) => /(^|\/)(test|__snapshots__|fixtures)\/|\.test\.|\.spec\./.test(p))).toEqual([]);
  expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  expect(pack.unpackedSize).toBeLessThan(MAX_UNPACKED_BYTES);
  expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/agent-baseline.js']));
});

test('a cdk8s-only app installs no Pulumi SDK and one copy of each construct library', () => {
  const ls = run('npm', ['ls', '--all', '--parseable'], app);
  const installed = ls.stdout.split('\n').filter(Boolean);
  expect(installed.filter((p) => p.includes(`${path.sep}@pulumi${path.sep}`))).toEqual([]);
  expect(fs.existsSync(path.join(app, 'node_modules', '@pulumi'))).toBe(false);
  expect(run('npm', ['ls', '@pulumi/pulumi'], app, true).stdout).not.toMatch(/@pulumi\/pulumi@/);
  expect(run('npm', ['ls'], app).stdout).not.toMatch(/@pulumi/);
  for (const lib of ['cdk8s', 'constructs', 'cdk8s-plus-28']) {
    const copies = installed.filter((p) => p.endsWith(`${path.sep}node_modules${path.sep}${lib}`));
    expect([lib, copies]).toEqual([lib, [path.join(app, 'node_modules', lib)]]);
  }
  expect(fs.existsSync(path.join(app, 'node_modules', 'tsx'))).toBe(true); // the app's own dev tool…
  const shipped = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/agent-baseline/package.json'), 'utf8'));
  expect(Object.keys(shipped.dependencies)).not.toContain('tsx'); // …never agent-baseline's
});

test('the scaffold as init wrote it passes its own tests, and synthesizes the same output twice', () => {
  // The first run records the snapshot (jest --ci would refuse to write it); the second checks against it.
  // (The scaffold's type-check runs below, stricter: without skipLibCheck.)
  run('npx', ['jest', '--ci=false'], app);
  expect(fs.readdirSync(path.join(app, 'test', '__snapshots__'))).toEqual(['main.test.ts.snap']);
  run('npx', ['jest', '--ci'], app);
});

test('the installed CLI runs without a TypeScript loader, and its init refuses a non-empty directory', () => {
  const help = run('npx', ['agent-baseline', '--help'], app);
  expect(help.stdout).toMatch(/scan/);
  const refused = run('npx', ['agent-baseline', 'init', '.'], app, true);
  expect(refused.status).toBe(2);
  expect(refused.stderr).toMatch(/is not empty .*init only writes into a new or empty directory/);
});

describe('the user replaces main.ts with two agents of their own', () => {
  beforeAll(() => {
    fs.copyFileSync(path.join(__dirname, 'app', 'main.ts'), path.join(app, 'main.ts'));
    fs.copyFileSync(path.join(__dirname, 'app', 'strict-consumer.ts'), path.join(app, 'strict-consumer.ts'));
    fs.rmSync(path.join(app, 'dist'), { recursive: true, force: true });
  });

  test('cdk8s synth (with the validation plugin) writes both agents, dist/vault and the audit policy', () => {
    const synth = run('npx', ['cdk8s', 'synth', '--no-check-upgrade'], app);
    // The plugin's report (its metadata table) proves agent-baseline's validation ran on the output.
    expect(synth.stdout).toMatch(/pssVersion/);
    const dist = path.join(app, 'dist');
    const manifests = fs
      .readdirSync(dist)
      .filter((f) => f.endsWith('.k8s.yaml'))
      .map((f) => fs.readFileSync(path.join(dist, f), 'utf8'))
      .join('\n');
    expect(manifests).toMatch(/kind: Deployment\s+metadata:[\s\S]*?name: planner/);
    expect(manifests).toMatch(/kind: Deployment\s+metadata:[\s\S]*?name: searcher/);
    expect(fs.readdirSync(path.join(dist, 'vault')).length).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(dist, 'audit'))).toContain('audit-policy.yaml');
  });

  test('npx agent-baseline scan passes the output', () => {
    const scan = run('npx', ['agent-baseline', 'scan', 'dist'], app, true);
    expect(scan.status).toBe(0);
    expect(scan.stdout).toMatch(/\b0 errors\b.*\b0 failing\b/);
  });

  test('the library loads from CommonJS with plain node', () => {
    fs.copyFileSync(path.join(__dirname, 'cjs-load.cjs'), path.join(app, 'cjs-load.cjs'));
    expect(run(process.execPath, ['cjs-load.cjs'], app).stdout).toMatch(/^cjs ok/);
  });

  test('the library loads from ESM with plain node, sharing the CommonJS module state', () => {
    fs.copyFileSync(path.join(__dirname, 'esm-load.mjs'), path.join(app, 'esm-load.mjs'));
    expect(run(process.execPath, ['esm-load.mjs'], app).stdout).toMatch(/^esm ok/);
  });

  test('a TypeScript consumer type-checks under strict, noUncheckedIndexedAccess and exactOptionalPropertyTypes', () => {
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'node16',
        moduleResolution: 'node16',
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        // agent-baseline's .d.ts files are checked too.
        skipLibCheck: false,
        noEmit: true,
        types: ['node', 'jest'],
      },
      files: ['main.ts', 'strict-consumer.ts', 'test/main.test.ts'],
    };
    fs.writeFileSync(path.join(app, 'tsconfig.strict.json'), JSON.stringify(tsconfig, null, 2));
    const tsc = run('npx', ['tsc', '-p', 'tsconfig.strict.json'], app, true);
    const errors = tsc.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    // cdk8s-plus-28's own .d.ts files do not compile under exactOptionalPropertyTypes; nothing else may fail.
    expect(errors.filter((l) => !l.startsWith('node_modules/cdk8s-plus-28/'))).toEqual([]);
  });

  test('TypeScript with the older node10 resolution (no exports support) finds the same types through typesVersions', () => {
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node',
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        // The .d.ts files were checked above; this run checks that every entry point resolves.
        skipLibCheck: true,
        noEmit: true,
        types: ['node'],
      },
      files: ['strict-consumer.ts'],
    };
    fs.writeFileSync(path.join(app, 'tsconfig.node10.json'), JSON.stringify(tsconfig, null, 2));
    const tsc = run('npx', ['tsc', '-p', 'tsconfig.node10.json'], app, true);
    expect(tsc.stdout.split('\n').filter((l) => /error TS\d+/.test(l))).toEqual([]);
  });
});
