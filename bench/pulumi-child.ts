/**
 * Pulumi registration under mocks in a fresh process, timed until every resource has reached the
 * mock monitor. Prints one JSON line. The runner runs this file compiled (esbuild, packages
 * external) with the Pulumi.yaml `nodeargs`, as the Pulumi CLI would run the program: the mocks
 * bypass the CLI, so the bench applies them itself.
 *   --mode ours  --n N   the PulumiPlatform component for an N-agent app
 *   --mode plain --count C   C plain ConfigMaps under one component: the floor, same mocks
 *   --mode objects --n N  an informational second floor: the N-agent app's Kubernetes objects and
 *                         Vault policies and roles, synthesized ahead (untimed) and kept only as
 *                         JSON, registered as plain resources of their own types under one
 *                         component: no synthesis, validation, planning or dependsOn
 * Every mode times from just before the component is created (the app's constructs are built
 * before): registerMs is wall time until every resource reached the mocks, cpuMs the CPU time of
 * the same region.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as vault from '@pulumi/vault';
import { AgentApp } from '../lib/platform';
import { BUILT_IN_KINDS, PulumiPlatform, authBackendRoleArgs, planKubernetesObjects } from '../lib/pulumi';
import { vaultBaseName, vaultPlans } from '../lib/vault';
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

interface PlainResources {
  readonly kubernetes: { name: string; object: Record<string, unknown> & { apiVersion: string; kind: string } }[];
  readonly vault: { base: string; policyName: string; policyHcl: string; role: vault.kubernetes.AuthBackendRoleArgs }[];
}

/** The app's resources as JSON text, so that neither the app nor its constructs stay in memory. */
function plainResourcesOf(agents: number): string {
  const app = new AgentApp({ outdir: 'unused' });
  buildScalePlatform(app, agents);
  const resources: PlainResources = {
    kubernetes: planKubernetesObjects('bench', app).map((p) => ({ name: `bench/${p.key}`, object: p.object })),
    vault: vaultPlans(app).map((p) => ({
      base: vaultBaseName(p.namespace, p.agent),
      policyName: p.policyName,
      policyHcl: p.policyHcl,
      role: authBackendRoleArgs(p.role, p.role.backend, p.policyName),
    })),
  };
  return JSON.stringify(resources);
}

function fullGc(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

function registerPlain(resources: PlainResources): pulumi.Resource[] {
  const parent = new pulumi.ComponentResource('bench:index:Objects', 'bench');
  const out: pulumi.Resource[] = [parent];
  for (const { name, object } of resources.kubernetes) {
    const { apiVersion, kind, ...rest } = object;
    const builtIn = BUILT_IN_KINDS[`${apiVersion}/${kind}`];
    out.push(
      builtIn
        ? new builtIn.resource(name, rest, { parent })
        : new k8s.apiextensions.CustomResource(name, { ...object }, { parent }),
    );
  }
  for (const v of resources.vault) {
    out.push(new vault.Policy(`bench/vault-policy-${v.base}`, { name: v.policyName, policy: v.policyHcl }, { parent }));
    out.push(new vault.kubernetes.AuthBackendRole(`bench/vault-role-${v.base}`, v.role, { parent }));
  }
  return out;
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
  const t0 = performance.now();
  let agents = 0;
  let cpu0: NodeJS.CpuUsage;
  let t1: number;
  let t2: number;
  const mode = args.get('mode') ?? 'ours';
  if (mode === 'plain') {
    const count = Number(args.get('count'));
    cpu0 = process.cpuUsage();
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
  } else if (mode === 'objects') {
    agents = Number(args.get('n'));
    const resources = JSON.parse(plainResourcesOf(agents)) as PlainResources;
    // The app built to get the objects is garbage now: collect it before the clock starts, so the
    // floor does not pay for it.
    fullGc();
    cpu0 = process.cpuUsage();
    t1 = performance.now();
    const registered = registerPlain(resources);
    t2 = performance.now();
    await urnsSettled(registered);
  } else if (mode === 'ours') {
    agents = Number(args.get('n'));
    const app = new AgentApp({ outdir: 'unused' });
    buildScalePlatform(app, agents);
    cpu0 = process.cpuUsage();
    t1 = performance.now();
    const platform = new PulumiPlatform('bench', { app });
    t2 = performance.now();
    // As a program does: without reading the resources first, which would create them all at once.
    await platform.created;
    await urnsSettled([platform, ...platform.resources.values(), ...platform.vault.policies, ...platform.vault.roles]);
  } else {
    throw new Error(`--mode: ${mode} is not one of ours, plain, objects`);
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
