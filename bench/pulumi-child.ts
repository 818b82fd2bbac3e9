/**
 * Pulumi registration under mocks in a fresh process, timed until every resource has reached the
 * mock monitor. Prints one JSON line. The runner runs this file compiled (esbuild, packages
 * external) with the Pulumi.yaml `nodeargs`, as the Pulumi CLI would run the program: the mocks
 * bypass the CLI, so the bench applies them itself.
 *   --mode ours  --n N   the PulumiPlatform component for an N-agent app
 *   --mode plain --count C   C plain ConfigMaps under one component: the floor, same mocks
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { AgentApp } from '../lib/platform';
import { PulumiPlatform } from '../lib/pulumi';
import { buildScalePlatform } from './fixture';
import { parseArgs, peakRssMiB } from './stats';

export interface PulumiMeasurement {
  readonly agents: number;
  readonly resources: number;
  readonly buildMs: number;
  readonly constructMs: number;
  readonly registerMs: number;
  /** User + system CPU of the process over the timed region: less sensitive to a busy machine. */
  readonly cpuMs: number;
  readonly peakRssMiB: number;
}

function urnsSettled(resources: readonly pulumi.Resource[]): Promise<unknown[]> {
  return Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let registered = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered++;
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: (a) => a.inputs,
    },
    'agent-baseline-bench',
    'bench',
    false,
  );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let agents = 0;
  let t1: number;
  let t2: number;
  if (args.get('mode') === 'plain') {
    const count = Number(args.get('count'));
    t1 = performance.now();
    const parent = new pulumi.ComponentResource('bench:index:Plain', 'bench');
    const children: pulumi.Resource[] = [];
    for (let i = 0; i < count; i++) {
      const name = `cm-${i}`;
      children.push(
        new k8s.core.v1.ConfigMap(
          `bench/${name}`,
          { metadata: { name, namespace: `team-${i % 100}`, labels: { app: name } }, data: { key: `value-${i}` } },
          { parent },
        ),
      );
    }
    t2 = performance.now();
    await urnsSettled([parent, ...children]);
  } else {
    agents = Number(args.get('n'));
    const app = new AgentApp({ outdir: 'unused' });
    buildScalePlatform(app, agents);
    t1 = performance.now();
    const platform = new PulumiPlatform('bench', { app });
    t2 = performance.now();
    await urnsSettled([platform, ...platform.resources.values()]);
  }
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const result: PulumiMeasurement = {
    agents,
    resources: registered,
    buildMs: t1 - t0,
    constructMs: t2 - t1,
    registerMs: t3 - t1,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMiB: peakRssMiB(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
