import { Construct } from 'constructs';
import { DEFAULT_WRITABLE_PATHS, invalidProp, requireInteger, checkProps, childPath } from '../core';
import { SCHEDULED_AGENT_PROPS_SCHEMA } from './schema';
import { PodBudgetShape } from '../agent-pod/pod';
import { AgentWorkload } from './base';
import { ScheduledAgentProps, ScheduledConcurrencyPolicy } from './props';
import { checkBatchBounds, requireCronSchedule, requireTimeZone } from './validate-batch';
import { AgentApiObject } from '../platform/api-object';

/** Pods a CronJob can have at once, per concurrency policy: a replaced run's pod may still be terminating. */
const CONCURRENT_RUNS: Record<ScheduledConcurrencyPolicy, number> = { Forbid: 1, Replace: 2 };
const CONCURRENCY_POLICIES = Object.keys(CONCURRENT_RUNS) as ScheduledConcurrencyPolicy[];

/** Defaults of a ScheduledAgent's CronJob and Job settings: one run at a time, bounded runtime and history. */
export const SCHEDULED_AGENT_DEFAULTS = {
  concurrencyPolicy: 'Forbid',
  startingDeadlineSeconds: 300,
  activeDeadlineSeconds: 3600,
  backoffLimit: 0,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 1,
} as const;

/**
 * An AI agent run on a schedule, as a hardened CronJob (a nightly triage agent): one run at a time
 * by default, a deadline to start and one to finish, bounded history, and no Service: it takes no
 * calls. Its job template has no `ttlSecondsAfterFinished`, which would fight the CronJob's own
 * history limits. The raw CronJob is reachable through `escapeHatch()`.
 *
 * ```ts
 * new ScheduledAgent(ns, 'triage', {
 *   image: 'ghcr.io/acme/triage:2.0.1@sha256:…',
 *   schedule: '0 3 * * *',
 *   timeZone: 'Europe/Berlin',
 * });
 * ```
 */
export class ScheduledAgent extends AgentWorkload {
  public readonly workloadKind = 'CronJob' as const;
  /** Cron schedule of the CronJob. */
  public readonly schedule: string;
  /** What happens when a run is due while the previous one still runs. */
  public readonly concurrencyPolicy: ScheduledConcurrencyPolicy;

  constructor(scope: Construct, id: string, props: ScheduledAgentProps) {
    super(scope, id, checkProps(childPath(scope, id), SCHEDULED_AGENT_PROPS_SCHEMA, props, '', 'entry'), {
      serving: false,
      defaultWritablePaths: DEFAULT_WRITABLE_PATHS,
    });
    this.schedule = requireCronSchedule(this, 'schedule', props.schedule);
    this.concurrencyPolicy = props.concurrencyPolicy ?? SCHEDULED_AGENT_DEFAULTS.concurrencyPolicy;
    if (!CONCURRENCY_POLICIES.includes(this.concurrencyPolicy)) {
      invalidProp(
        this,
        'concurrencyPolicy',
        props.concurrencyPolicy,
        `one of ${CONCURRENCY_POLICIES.map((p) => `'${p}'`).join(', ')}`,
        "with 'Allow' slow runs pile up without bound, past the namespace quota and the agent's budget",
      );
    }
    const bounds = checkBatchBounds(this, props, SCHEDULED_AGENT_DEFAULTS);
    const cronJob = new AgentApiObject(this, 'CronJob', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: this.agentName, labels: this.labels },
      spec: {
        schedule: this.schedule,
        timeZone: props.timeZone === undefined ? undefined : requireTimeZone(this, 'timeZone', props.timeZone),
        concurrencyPolicy: this.concurrencyPolicy,
        startingDeadlineSeconds: requireInteger(
          this,
          'startingDeadlineSeconds',
          props.startingDeadlineSeconds ?? SCHEDULED_AGENT_DEFAULTS.startingDeadlineSeconds,
          10,
          86400,
          'the CronJob controller checks every 10 s, so a shorter deadline can skip every run',
        ),
        successfulJobsHistoryLimit: requireInteger(
          this,
          'successfulJobsHistoryLimit',
          props.successfulJobsHistoryLimit ?? SCHEDULED_AGENT_DEFAULTS.successfulJobsHistoryLimit,
          0,
          10,
        ),
        failedJobsHistoryLimit: requireInteger(
          this,
          'failedJobsHistoryLimit',
          props.failedJobsHistoryLimit ?? SCHEDULED_AGENT_DEFAULTS.failedJobsHistoryLimit,
          0,
          10,
        ),
        suspend: props.suspend ? true : undefined,
        jobTemplate: {
          metadata: { labels: this.labels },
          spec: {
            activeDeadlineSeconds: bounds.activeDeadlineSeconds,
            backoffLimit: bounds.backoffLimit,
            // History limits bound how many finished runs are kept, not for how long: with personal
            // data, the declared retention also bounds their age (the TTL controller deletes them).
            ttlSecondsAfterFinished: this.retentionTtl('data.retentionDays', undefined),
            template: this.podTemplate({ restartPolicy: 'Never', spread: false }),
          },
        },
      },
    });
    this.attachWorkload(cronJob);
    this.finishPod(props);
    this.applyFeatures(props);
    // Last: every value the constructor's own checks did not already judge (booleans, enums, types).
    checkProps(this, SCHEDULED_AGENT_PROPS_SCHEMA, props);
  }

  /** One run at a time ('Forbid'), or the new run beside the replaced one while it terminates ('Replace'). */
  protected budgetShape(): PodBudgetShape {
    return { maxPods: CONCURRENT_RUNS[this.concurrencyPolicy] };
  }
}
