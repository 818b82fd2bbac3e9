import { Construct } from 'constructs';
import { DEFAULT_WRITABLE_PATHS, requireInteger, checkProps, childPath } from '../core';
import { AGENT_TASK_PROPS_SCHEMA } from './schema';
import { PodBudgetShape } from '../agent-pod/pod';
import { AgentWorkload } from './base';
import { AgentTaskProps } from './props';
import { checkBatchBounds } from './validate-batch';
import { AgentApiObject } from '../platform/api-object';

/** Defaults of an AgentTask's Job: a one-hour deadline and TTL, and no retries. */
export const AGENT_TASK_DEFAULTS = {
  activeDeadlineSeconds: 3600,
  ttlSecondsAfterFinished: 3600,
  backoffLimit: 0,
} as const;

/** Longest a finished Job is kept: a week. */
const MAX_TTL_SECONDS_AFTER_FINISHED = 604800;

/**
 * An AI agent that runs once to completion, as a hardened Job (an evaluation, a one-off tool run):
 * a deadline, no retries unless asked, and a TTL so the finished Job does not linger. It takes no
 * calls, so it has no Service. The raw Job is reachable through `escapeHatch()`.
 *
 * ```ts
 * new AgentTask(ns, 'eval', { image: 'ghcr.io/acme/eval:0.9.0@sha256:…', activeDeadlineSeconds: 1800 });
 * ```
 */
export class AgentTask extends AgentWorkload {
  public readonly workloadKind = 'Job' as const;

  constructor(scope: Construct, id: string, props: AgentTaskProps) {
    super(scope, id, checkProps(childPath(scope, id), AGENT_TASK_PROPS_SCHEMA, props, '', 'entry'), {
      serving: false,
      defaultWritablePaths: DEFAULT_WRITABLE_PATHS,
    });
    const bounds = checkBatchBounds(this, props, AGENT_TASK_DEFAULTS);
    const job = new AgentApiObject(this, 'Job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: this.agentName, labels: this.labels },
      spec: {
        activeDeadlineSeconds: bounds.activeDeadlineSeconds,
        backoffLimit: bounds.backoffLimit,
        ttlSecondsAfterFinished: this.retentionTtl(
          'ttlSecondsAfterFinished',
          requireInteger(
            this,
            'ttlSecondsAfterFinished',
            props.ttlSecondsAfterFinished ?? AGENT_TASK_DEFAULTS.ttlSecondsAfterFinished,
            0,
            MAX_TTL_SECONDS_AFTER_FINISHED,
          ),
        ),
        template: this.podTemplate({ restartPolicy: 'Never', spread: false }),
      },
    });
    this.attachWorkload(job);
    this.finishPod(props);
    this.applyFeatures(props);
    // Last: every value the constructor's own checks did not already judge (booleans, enums, types).
    checkProps(this, AGENT_TASK_PROPS_SCHEMA, props);
  }

  /** One pod: with restartPolicy Never a retry starts after the failed pod has ended, and ended pods hold no quota. */
  protected budgetShape(): PodBudgetShape {
    return { maxPods: 1 };
  }
}
