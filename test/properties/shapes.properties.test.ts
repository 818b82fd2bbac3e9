import { App, Testing } from 'cdk8s';
import { AgentBaselineError } from '../../lib/core';
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
import { expectHardenedPodSpec, failingFindings, schemaErrors } from './checks';
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
          expectHardenedPodSpec(spec);
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

type Mutation<P> = [field: string, mutate: (p: P) => P];

const batchMutations = <P extends { activeDeadlineSeconds?: number; backoffLimit?: number }>() =>
  fc.oneof(
    fc
      .integer({ min: -1000, max: 0 })
      .map<Mutation<P>>((v) => ['activeDeadlineSeconds', (p) => ({ ...p, activeDeadlineSeconds: v })]),
    fc
      .integer({ min: 86401, max: 10_000_000 })
      .map<Mutation<P>>((v) => ['activeDeadlineSeconds', (p) => ({ ...p, activeDeadlineSeconds: v })]),
    fc.integer({ min: 11, max: 1000 }).map<Mutation<P>>((v) => ['backoffLimit', (p) => ({ ...p, backoffLimit: v })]),
    fc.constant<Mutation<P>>(['image', (p) => ({ ...p, image: 'ghcr.io/acme-ai/bot:latest' })]),
    fc.constant<Mutation<P>>(['writablePaths[0]', (p) => ({ ...p, writablePaths: ['relative'] })]),
  );

const MUTATED: Array<[string, fc.Arbitrary<(ns: AgentNamespace) => unknown>, string]> = [
  [
    'ScheduledAgent',
    fc
      .tuple(
        scheduled,
        fc.oneof(
          batchMutations<ScheduledAgentProps>(),
          fc
            .string({ minLength: 1, maxLength: 20 })
            .filter((s) => !/^(@\w+|\S+ \S+ \S+ \S+ \S+)$/.test(s))
            .map<Mutation<ScheduledAgentProps>>((v) => ['schedule', (p) => ({ ...p, schedule: v })]),
          fc
            .constantFrom('Allow', 'forbid', '')
            .map<Mutation<ScheduledAgentProps>>((v) => [
              'concurrencyPolicy',
              (p) => ({ ...p, concurrencyPolicy: v as ScheduledAgentProps['concurrencyPolicy'] }),
            ]),
          fc
            .integer({ min: -100, max: 9 })
            .map<Mutation<ScheduledAgentProps>>((v) => [
              'startingDeadlineSeconds',
              (p) => ({ ...p, startingDeadlineSeconds: v }),
            ]),
        ),
      )
      .map(([props, [field, mutate]]) =>
        Object.assign((ns: AgentNamespace) => new ScheduledAgent(ns, 'bot', mutate(props)), { field }),
      ),
    'CronJob',
  ],
  [
    'AgentTask',
    fc
      .tuple(
        task,
        fc.oneof(
          batchMutations<AgentTaskProps>(),
          fc
            .integer({ min: 604801, max: 10_000_000 })
            .map<Mutation<AgentTaskProps>>((v) => [
              'ttlSecondsAfterFinished',
              (p) => ({ ...p, ttlSecondsAfterFinished: v }),
            ]),
        ),
      )
      .map(([props, [field, mutate]]) =>
        Object.assign((ns: AgentNamespace) => new AgentTask(ns, 'bot', mutate(props)), { field }),
      ),
    'Job',
  ],
  [
    'StatefulAgent',
    fc
      .tuple(
        stateful,
        fc.oneof(
          fc
            .constantFrom('0', '-1Gi', 'lots', '')
            .map<Mutation<StatefulAgentProps>>((v) => ['storageSize', (p) => ({ ...p, storageSize: v })]),
          fc
            .constantFrom('/', 'data', '/vault/secrets', '/var/run/secrets/x')
            .map<Mutation<StatefulAgentProps>>((v) => ['dataPath', (p) => ({ ...p, dataPath: v })]),
          fc.constant<Mutation<StatefulAgentProps>>([
            'writablePaths[0]',
            (p) => ({ ...p, writablePaths: [`${p.dataPath ?? '/data'}/cache`] }),
          ]),
          fc
            .integer({ min: 101, max: 1000 })
            .map<Mutation<StatefulAgentProps>>((v) => ['replicas', (p) => ({ ...p, replicas: v })]),
        ),
      )
      .map(([props, [field, mutate]]) =>
        Object.assign((ns: AgentNamespace) => new StatefulAgent(ns, 'bot', mutate(props)), { field }),
      ),
    'StatefulSet',
  ],
];

describe.each(MUTATED)('every invalid %s', (_shape, arbitrary) => {
  test('throws AgentBaselineError naming the construct path and the field', () => {
    fc.assert(
      fc.property(arbitrary, (make) => {
        const app = Testing.app();
        const platform = new AgentPlatform(app, 'platform');
        const ns = new AgentNamespace(platform, 'agents', { quota: ROOMY_QUOTA });
        let error: unknown;
        try {
          make(ns);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(AgentBaselineError);
        expect((error as AgentBaselineError).details.path).toBe('platform/agents/bot');
        expect((error as AgentBaselineError).message).toContain(
          `[platform/agents/bot] ${(make as unknown as { field: string }).field}`,
        );
      }),
      { numRuns: Math.max(1, Math.floor(NUM_RUNS / 4)) },
    );
  });
});
