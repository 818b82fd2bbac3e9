/**
 * A cdk8s-only user neither installs nor loads the Pulumi SDKs: every public entry point except
 * `agent-baseline/pulumi` and `agent-baseline/policy` loads without touching @pulumi/*.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '../..');
const pkg = require('../../package.json') as {
  exports: Record<string, string | { require: string }>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const PULUMI_ENTRIES = new Set(['./pulumi', './policy']);

/** The source file behind an exports entry (build/lib/x/index.js -> lib/x/index.ts). */
function sourceOf(target: string): string {
  return path.join(ROOT, target.replace(/^\.\/build\//, '').replace(/\.js$/, '.ts'));
}

/** The @pulumi packages a fresh Node process loads when requiring `files`. */
function pulumiModulesLoadedBy(files: string[]): string[] {
  const script = `
    for (const f of ${JSON.stringify(files)}) require(f);
    const loaded = Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/]@pulumi[\\\\/]/.test(k));
    process.stdout.write(JSON.stringify([...new Set(loaded.map((k) => k.replace(/^.*node_modules[\\\\/](@pulumi[\\\\/][^\\\\/]+).*$/, '$1')))]));`;
  const run = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as string[];
}

const entries = Object.entries(pkg.exports).flatMap(([name, t]) =>
  typeof t === 'string' ? [] : [[name, t.require] as const],
);

test('the cdk8s entry points load no @pulumi module', () => {
  const cdk8sOnly = entries.filter(([name]) => !PULUMI_ENTRIES.has(name)).map(([, t]) => sourceOf(t));
  expect(cdk8sOnly.length).toBeGreaterThan(10);
  expect(pulumiModulesLoadedBy(cdk8sOnly)).toEqual([]);
});

test('the Pulumi entry points do load the SDKs (so the check above can see a load)', () => {
  const pulumi = entries.filter(([name]) => PULUMI_ENTRIES.has(name)).map(([, t]) => sourceOf(t));
  expect(pulumiModulesLoadedBy(pulumi)).toEqual(expect.arrayContaining(['@pulumi/pulumi', '@pulumi/kubernetes']));
});

test('every @pulumi peer is optional', () => {
  const peers = Object.keys(
    (require('../../package.json') as { peerDependencies: Record<string, string> }).peerDependencies,
  );
  for (const p of peers.filter((n) => n.startsWith('@pulumi/')))
    expect(pkg.peerDependenciesMeta[p]?.optional).toBe(true);
});
