/**
 * Pulumi.yaml's main runs stacks/pulumi.ts compiled (scripts/pulumi.js), in a plain node process
 * with the project's nodeargs, and registers the same plan as the TypeScript program.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { planKubernetesObjects } from '../../lib/pulumi';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { buildDefaultPlatform } from '../../stacks/platform';

const ROOT = path.resolve(__dirname, '../..');

test('the compiled program registers the default platform with the stack-trace limit applied', () => {
  const project = parse(fs.readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8')) as {
    runtime: { options: { nodeargs: string } };
  };
  const nodeargs = project.runtime.options.nodeargs.split(/\s+/);
  const env = { ...process.env };
  delete env.PULUMI_CONFIG;
  const r = spawnSync(process.execPath, [...nodeargs, path.join(__dirname, 'launcher-child.js')], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout) as {
    kubernetesObjects: string[];
    vaultPolicies: string[];
    registered: { type: string; name: string }[];
    stackTraceLimit: number;
    execArgv: string[];
  };
  const app = new App();
  buildDefaultPlatform(app, DEFAULT_PLATFORM_CONFIG);
  const plan = planKubernetesObjects('agent-baseline', app);
  expect(out.kubernetesObjects).toEqual(plan.map((p) => p.key));
  // Registrations reach the mock monitor asynchronously: compare the sets; the plan fixes the order.
  expect(
    out.registered
      .filter((x) => x.type.startsWith('kubernetes:'))
      .map((x) => x.name)
      .sort(),
  ).toEqual(plan.map((p) => `agent-baseline/${p.key}`).sort());
  expect(out.vaultPolicies.length).toBeGreaterThan(0);
  expect(String(out.stackTraceLimit)).toBe(nodeargs[0].split('=')[1]);
  // Every nodearg reached node (--max-semi-space-size has no observable value besides).
  expect(out.execArgv).toEqual(nodeargs);
});
