import { App, Testing } from 'cdk8s';
import fc from 'fast-check';
import { ImagePolicy } from '../../lib/image-policy';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import {
  AgentTask,
  AgentTaskProps,
  ScheduledAgent,
  ScheduledAgentProps,
  StatefulAgent,
  StatefulAgentProps,
} from '../../lib/workload';
import { appObjects, dig, podSpecOf } from '../helpers/synth';
import { failingFindings, schemaErrors } from './checks';
import { IMAGE_PREFIXES, NUM_RUNS, ROOMY_QUOTA, agentProps, dnsLabel, kubernetesVersion } from './arbitraries';

/** The pod props every shape shares, from the HardenedAgent generator (ports and probes only where a shape serves). */
const podProps = agentProps.map(({ ports: _ports, probes: _probes, replicas: _replicas, ...rest }) => rest);

const cron = fc.oneof(
  fc.constantFrom('@hourly', '@daily', '@weekly', '@monthly', '@yearly', '*/15 * * * *'),
  fc
    .tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 23 }), fc.constantFrom('*', '1-5', 'MON,WED'))
    .map(([m, h, dow]) => `${m} ${h} * * ${dow}`),
);

const scheduled: fc.Arbitrary<ScheduledAgentProps> = fc
  .record(
    {
      schedule: cron,
      timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires'),
      concurrencyPolicy: fc.constantFrom('Forbid' as const, 'Replace' as const),
      startingDeadlineSeconds: fc.integer({ min: 10, max: 86400 }),
      activeDeadlineSeconds: fc.integer({ min: 1, max: 86400 }),
      backoffLimit: fc.integer({ min: 0, max: 10 }),
      successfulJobsHistoryLimit: fc.integer({ min: 0, max: 10 }),
      failedJobsHistoryLimit: fc.integer({ min: 0, max: 10 }),
      suspend: fc.boolean(),
    },
    { requiredKeys: ['schedule'] },
  )
  .chain((shape) => podProps.map((pod) => ({ ...pod, ...shape })));

const task: fc.Arbitrary<AgentTaskProps> = fc
  .record(
    {
      activeDeadlineSeconds: fc.integer({ min: 1, max: 86400 }),
      ttlSecondsAfterFinished: fc.integer({ min: 0, max: 604800 }),
      backoffLimit: fc.integer({ min: 0, max: 10 }),
    },
    { requiredKeys: [] },
  )
  .chain((shape) => podProps.map((pod) => ({ ...pod, ...shape })));

const stateful: fc.Arbitrary<StatefulAgentProps> = fc
  .record({
    serving: agentProps,
    storageSize: fc.tuple(fc.integer({ min: 1, max: 500 }), fc.constantFrom('Mi', 'Gi')).map(([n, u]) => `${n}${u}`),
    storageClassName: fc.option(dnsLabel, { nil: undefined }),
    dataPath: fc.constantFrom('/data', '/var/lib/memory', '/srv/store'),
    replicas: fc.integer({ min: 1, max: 3 }),
  })
  // Writable scratch paths may not overlap the durable volume.
  .map(({ serving, ...shape }) => ({
    ...serving,
    ...shape,
    writablePaths: (serving.writablePaths ?? []).filter(
      (w) => !(`${w}/`.startsWith(`${shape.dataPath}/`) || `${shape.dataPath}/`.startsWith(`${w}/`)),
    ),
  }));

type Built = { kind: string; name: string };

function build(app: App, version: string, make: (ns: AgentNamespace) => Built[]) {
  const platform = new AgentPlatform(app, 'platform', { kubernetesVersion: version });
  const ns = new AgentNamespace(platform, 'agents', {
    quota: { ...ROOMY_QUOTA, 'requests.storage': '10Ti', persistentvolumeclaims: '100' },
  });
  const built = make(ns);
  new ImagePolicy(platform, 'ImagePolicy', { allowedPrefixes: IMAGE_PREFIXES.map((p) => `${p}/`) });
  return { objects: appObjects(app), built };
}

const SHAPES: Array<[string, fc.Arbitrary<(ns: AgentNamespace) => Built[]>]> = [
  [
    'ScheduledAgent',
    fc.tuple(dnsLabel, scheduled).map(([name, props]) => (ns: AgentNamespace) => {
      new ScheduledAgent(ns, name, props);
      return [{ kind: 'CronJob', name }];
    }),
  ],
  [
    'AgentTask',
    fc.tuple(dnsLabel, task).map(([name, props]) => (ns: AgentNamespace) => {
      new AgentTask(ns, name, props);
      return [{ kind: 'Job', name }];
    }),
  ],
  [
    'StatefulAgent',
    fc.tuple(dnsLabel, stateful).map(([name, props]) => (ns: AgentNamespace) => {
      new StatefulAgent(ns, name, props);
      return [{ kind: 'StatefulSet', name }];
    }),
  ],
];

describe.each(SHAPES)('every valid %s', (_shape, arbitrary) => {
  test('synthesizes, validates against the OpenAPI schema, passes every pack and is deterministic', () => {
    fc.assert(
      fc.property(kubernetesVersion, arbitrary, (version, make) => {
        const { objects, built } = build(Testing.app(), version, make);
        expect(objects.map(schemaErrors).filter(Boolean)).toEqual([]);
        expect(failingFindings(objects)).toEqual([]);
        for (const { kind, name } of built) {
          const workload = objects.find((o) => o.kind === kind && o.metadata.name === name);
          const spec = podSpecOf(workload!) as Record<string, unknown>;
          expect(spec.automountServiceAccountToken).toBe(false);
          for (const c of [...((spec.initContainers as object[]) ?? []), ...(spec.containers as object[])] as Array<
            Record<string, Record<string, unknown>>
          >) {
            expect(c.securityContext).toEqual(
              expect.objectContaining({
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              }),
            );
          }
          if (kind === 'CronJob') {
            expect(dig(workload, 'spec', 'jobTemplate', 'spec')).not.toHaveProperty('ttlSecondsAfterFinished');
            expect(typeof dig(workload, 'spec')?.startingDeadlineSeconds).toBe('number');
          }
          if (kind === 'Job') expect(typeof dig(workload, 'spec')?.ttlSecondsAfterFinished).toBe('number');
        }
        const again = build(Testing.app(), version, make);
        expect(JSON.stringify(again.objects)).toBe(JSON.stringify(objects));
      }),
      // Three shapes share the budget of one property run (each run synthesizes twice and runs every pack).
      { numRuns: Math.max(1, Math.floor(NUM_RUNS / 4)) },
    );
  });
});
