/**
 * Pulumi registration under mocks in a fresh process: the PulumiPlatform component for an N-agent
 * app, timed until every resource has reached the mock monitor. Prints one JSON line.
 *   --n N
 */
import * as pulumi from '@pulumi/pulumi';
import { AgentApp } from '../lib/platform';
import { PulumiPlatform } from '../lib/pulumi';
import { buildScalePlatform } from './fixture';
import { parseArgs, peakRssMiB } from './stats';

async function main(): Promise<void> {
  const n = Number(parseArgs(process.argv.slice(2)).get('n'));
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
  const t0 = performance.now();
  const app = new AgentApp({ outdir: 'unused' });
  buildScalePlatform(app, n);
  const t1 = performance.now();
  const platform = new PulumiPlatform('bench', { app });
  const t2 = performance.now();
  const children = [...platform.resources.values()];
  await Promise.all([platform, ...children].map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  const t3 = performance.now();
  process.stdout.write(
    `${JSON.stringify({
      agents: n,
      resources: registered,
      buildMs: t1 - t0,
      constructMs: t2 - t1,
      registerMs: t3 - t1,
      peakRssMiB: peakRssMiB(),
    })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
