import { AgentBaselineError } from '../../lib/core';
import { AgentTask, ScheduledAgent, StatefulAgent } from '../../lib/workload';
import { IMAGE, fixture } from './helpers';

type Build = (ns: ReturnType<typeof fixture>['ns']) => unknown;

const scheduled =
  (props: Record<string, unknown>): Build =>
  (ns) =>
    new ScheduledAgent(ns, 'triage', { image: IMAGE, schedule: '0 3 * * *', ...props });
const task =
  (props: Record<string, unknown>): Build =>
  (ns) =>
    new AgentTask(ns, 'eval', { image: IMAGE, ...props });
const stateful =
  (props: Record<string, unknown>): Build =>
  (ns) =>
    new StatefulAgent(ns, 'memory', {
      image: IMAGE,
      ports: [{ name: 'http', port: 8080 }],
      storageSize: '1Gi',
      ...props,
    });

const CRON_ALLOWED =
  "Allowed: five cron fields ('0 3 * * *') or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly; put a time zone in timeZone";

/** [case, build, expected message (whole)] */
const CASES: Array<[string, Build, string]> = [
  // ScheduledAgent
  [
    'schedule with six fields',
    scheduled({ schedule: '0 0 3 * * *' }),
    `[platform/agents/triage] schedule: invalid value "0 0 3 * * *". ${CRON_ALLOWED}`,
  ],
  [
    'schedule with a word',
    scheduled({ schedule: 'nightly' }),
    `[platform/agents/triage] schedule: invalid value "nightly". ${CRON_ALLOWED}`,
  ],
  [
    'schedule empty',
    scheduled({ schedule: '' }),
    `[platform/agents/triage] schedule: invalid value "". ${CRON_ALLOWED}`,
  ],
  [
    'schedule not a string',
    scheduled({ schedule: 3 }),
    `[platform/agents/triage] schedule: invalid value 3. ${CRON_ALLOWED}`,
  ],
  [
    'schedule with padding',
    scheduled({ schedule: ' 0 3 * * *' }),
    `[platform/agents/triage] schedule: invalid value " 0 3 * * *". ${CRON_ALLOWED}`,
  ],
  [
    'schedule with a TZ= prefix',
    scheduled({ schedule: 'TZ=Europe/Berlin 0 3 * * *' }),
    `[platform/agents/triage] schedule: invalid value "TZ=Europe/Berlin 0 3 * * *" (Kubernetes refuses TZ= in the schedule since 1.29; use timeZone). ${CRON_ALLOWED}`,
  ],
  [
    'schedule with a CRON_TZ= prefix',
    scheduled({ schedule: 'CRON_TZ=UTC 0 3 * * *' }),
    `[platform/agents/triage] schedule: invalid value "CRON_TZ=UTC 0 3 * * *" (Kubernetes refuses TZ= in the schedule since 1.29; use timeZone). ${CRON_ALLOWED}`,
  ],
  [
    'timeZone with spaces',
    scheduled({ timeZone: 'Central European Time' }),
    `[platform/agents/triage] timeZone: invalid value "Central European Time". Allowed: an IANA time zone name such as 'Europe/Berlin' or 'UTC'`,
  ],
  [
    'timeZone relative path',
    scheduled({ timeZone: '../etc/passwd' }),
    `[platform/agents/triage] timeZone: invalid value "../etc/passwd". Allowed: an IANA time zone name such as 'Europe/Berlin' or 'UTC'`,
  ],
  [
    "concurrencyPolicy 'Allow'",
    scheduled({ concurrencyPolicy: 'Allow' }),
    `[platform/agents/triage] concurrencyPolicy: invalid value "Allow" (with 'Allow' slow runs pile up without bound, past the namespace quota and the agent's budget). Allowed: one of 'Forbid', 'Replace'`,
  ],
  [
    'concurrencyPolicy lower case',
    scheduled({ concurrencyPolicy: 'forbid' }),
    `[platform/agents/triage] concurrencyPolicy: invalid value "forbid" (with 'Allow' slow runs pile up without bound, past the namespace quota and the agent's budget). Allowed: one of 'Forbid', 'Replace'`,
  ],
  [
    'startingDeadlineSeconds below the controller period',
    scheduled({ startingDeadlineSeconds: 5 }),
    '[platform/agents/triage] startingDeadlineSeconds: invalid value 5 (the CronJob controller checks every 10 s, so a shorter deadline can skip every run). Allowed: an integer from 10 to 86400',
  ],
  [
    'activeDeadlineSeconds zero',
    scheduled({ activeDeadlineSeconds: 0 }),
    '[platform/agents/triage] activeDeadlineSeconds: invalid value 0 (a run without a deadline can hang (or loop) with its credentials for ever). Allowed: an integer from 1 to 86400',
  ],
  [
    'backoffLimit too high',
    scheduled({ backoffLimit: 100 }),
    '[platform/agents/triage] backoffLimit: invalid value 100 (each retry repeats the run and its side effects). Allowed: an integer from 0 to 10',
  ],
  [
    'successfulJobsHistoryLimit negative',
    scheduled({ successfulJobsHistoryLimit: -1 }),
    '[platform/agents/triage] successfulJobsHistoryLimit: invalid value -1. Allowed: an integer from 0 to 10',
  ],
  [
    'failedJobsHistoryLimit fractional',
    scheduled({ failedJobsHistoryLimit: 1.5 }),
    '[platform/agents/triage] failedJobsHistoryLimit: invalid value 1.5. Allowed: an integer from 0 to 10',
  ],
  // AgentTask
  [
    'task activeDeadlineSeconds above a day',
    task({ activeDeadlineSeconds: 86401 }),
    '[platform/agents/eval] activeDeadlineSeconds: invalid value 86401 (a run without a deadline can hang (or loop) with its credentials for ever). Allowed: an integer from 1 to 86400',
  ],
  [
    'task backoffLimit negative',
    task({ backoffLimit: -1 }),
    '[platform/agents/eval] backoffLimit: invalid value -1 (each retry repeats the run and its side effects). Allowed: an integer from 0 to 10',
  ],
  [
    'task ttlSecondsAfterFinished above a week',
    task({ ttlSecondsAfterFinished: 604801 }),
    '[platform/agents/eval] ttlSecondsAfterFinished: invalid value 604801. Allowed: an integer from 0 to 604800',
  ],
  [
    'task ttlSecondsAfterFinished as a string',
    task({ ttlSecondsAfterFinished: '3600' }),
    '[platform/agents/eval] ttlSecondsAfterFinished: invalid value "3600". Allowed: an integer from 0 to 604800',
  ],
  // StatefulAgent
  [
    'storageSize not a quantity',
    stateful({ storageSize: 'ten gigs' }),
    `[platform/agents/memory] storageSize: invalid value "ten gigs". Allowed: a positive Kubernetes quantity such as '10Gi' (a Kubernetes quantity such as '250m', '0.5', '256Mi' or '1Gi')`,
  ],
  [
    'storageSize zero',
    stateful({ storageSize: '0' }),
    `[platform/agents/memory] storageSize: invalid value "0". Allowed: a positive Kubernetes quantity such as '10Gi' (a Kubernetes quantity such as '250m', '0.5', '256Mi' or '1Gi')`,
  ],
  [
    'storageSize missing',
    stateful({ storageSize: undefined }),
    `[platform/agents/memory] storageSize: invalid value undefined. Allowed: a positive Kubernetes quantity such as '10Gi' (a Kubernetes quantity such as '250m', '0.5', '256Mi' or '1Gi')`,
  ],
  [
    'storageClassName with upper case',
    stateful({ storageClassName: 'Fast_SSD' }),
    '[platform/agents/memory] storageClassName: invalid value "Fast_SSD". Allowed: ',
  ],
  [
    'dataPath relative',
    stateful({ dataPath: 'data' }),
    `[platform/agents/memory] dataPath: invalid value "data". Allowed: an absolute path starting with '/' and without '..' segments`,
  ],
  [
    'dataPath the root filesystem',
    stateful({ dataPath: '/' }),
    '[platform/agents/memory] dataPath: invalid value "/". Allowed: a sub-directory, not the root filesystem',
  ],
  [
    'dataPath over the projected tokens',
    stateful({ dataPath: '/var/run/secrets/tokens' }),
    '[platform/agents/memory] dataPath: invalid value "/var/run/secrets/tokens" (a writable volume there would shadow or capture the credentials mounted in it). Allowed: a path outside /var/run/secrets/tokens, /var/run/secrets, /vault/secrets',
  ],
  [
    'dataPath above the Vault secrets',
    stateful({ dataPath: '/vault' }),
    '[platform/agents/memory] dataPath: invalid value "/vault" (a writable volume there would shadow or capture the credentials mounted in it). Allowed: a path outside /var/run/secrets/tokens, /var/run/secrets, /vault/secrets',
  ],
  [
    'dataPath inside the Vault secrets, with a trailing slash',
    stateful({ dataPath: '/vault/secrets/db/' }),
    '[platform/agents/memory] dataPath: invalid value "/vault/secrets/db/" (a writable volume there would shadow or capture the credentials mounted in it). Allowed: a path outside /var/run/secrets/tokens, /var/run/secrets, /vault/secrets',
  ],
  [
    'a writable path inside the data path',
    stateful({ writablePaths: ['/tmp', '/data/cache'] }),
    '[platform/agents/memory] writablePaths[1]: invalid value "/data/cache" (nested writable mounts would hide part of the durable volume behind a scratch one). Allowed: a path that neither contains nor lies inside dataPath \'/data\'',
  ],
  [
    'a writable path above the data path',
    stateful({ dataPath: '/srv/memory', writablePaths: ['/srv/'] }),
    '[platform/agents/memory] writablePaths[0]: invalid value "/srv/" (nested writable mounts would hide part of the durable volume behind a scratch one). Allowed: a path that neither contains nor lies inside dataPath \'/srv/memory\'',
  ],
  [
    'accessMode ReadWriteMany',
    stateful({ accessMode: 'ReadWriteMany' }),
    `[platform/agents/memory] accessMode: invalid value "ReadWriteMany". Allowed: one of 'ReadWriteOnce', 'ReadWriteOncePod'`,
  ],
  [
    'replicas zero',
    stateful({ replicas: 0 }),
    '[platform/agents/memory] replicas: invalid value 0. Allowed: an integer from 1 to 100',
  ],
];

describe('the agent shapes refuse bad input, naming path, field, value and what is allowed', () => {
  test.each(CASES)('%s', (_name, build, message) => {
    const { ns } = fixture();
    let error: unknown;
    try {
      build(ns);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AgentBaselineError);
    const text = (error as Error).message;
    if (message.endsWith('Allowed: ')) expect(text.startsWith(message)).toBe(true);
    else expect(text).toBe(message);
  });

  test('batch shapes listen on nothing, so nothing may call them', () => {
    const { ns } = fixture();
    const caller = new AgentTask(ns, 'caller', { image: IMAGE });
    const triage = new ScheduledAgent(ns, 'triage', { image: IMAGE, schedule: '@daily' });
    expect(() => caller.connections.allowTo(triage)).toThrow(
      "[platform/agents/triage] connections.allowFrom.ports: invalid value undefined. Allowed: an agent that listens: 'triage' declares no ports",
    );
  });

  test.each([
    [
      'ScheduledAgent',
      (ns: ReturnType<typeof fixture>['ns']) => scheduled({ secrets: ROTATING })(ns),
      'CronJob',
      'triage',
    ],
    ['AgentTask', (ns: ReturnType<typeof fixture>['ns']) => task({ secrets: ROTATING })(ns), 'Job', 'eval'],
  ])('%s: a rotating secret in injector mode is refused (its sidecar would never exit)', (_n, build, kind, name) => {
    const { ns } = fixture();
    expect(() => build(ns)).toThrow(
      `[platform/agents/${name}] secrets.mode: invalid value "injector" (a rotating secret keeps the Vault Agent sidecar running, so the pod would never complete). Allowed: secrets that do not rotate in injector mode ('db' does), or mode 'csi' or 'operator', for a ${kind}`,
    );
  });
});

const ROTATING = {
  mode: 'injector',
  items: [{ name: 'db', mount: 'kv', path: 'x/db', keys: ['pw'], rotates: true }],
};
