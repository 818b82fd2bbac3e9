import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ANNOTATION_PREFIX, invalidProp } from '../core';
import { AgentNamespace } from '../namespace/namespace';
import { AgentApiObject } from '../platform/api-object';

/** Annotation on the action quota listing each agent's share. */
export const ACTION_LIMITS_ANNOTATION = `${ANNOTATION_PREFIX}action-limits`;
/** Name of the ResourceQuota that bounds the Jobs the agents of a namespace may have. */
export const ACTION_QUOTA_NAME = 'agent-actions';

/**
 * Object-count limits on what the agents of one namespace may create. A ResourceQuota counts
 * objects per namespace, not per creator, so the quota's Job limit is the sum of the agents'
 * `maxJobs`. A strict per-agent bound needs the agent in a namespace of its own; within a shared
 * namespace the admission guardrail is what ties Jobs to the agent that created them.
 */
export class AgentActionQuota extends Construct {
  /** The namespace's action quota, created on first use. */
  public static of(namespace: AgentNamespace): AgentActionQuota {
    const existing = namespace.node.tryFindChild('AgentActionQuota');
    return existing instanceof AgentActionQuota ? existing : new AgentActionQuota(namespace, 'AgentActionQuota');
  }

  /** The namespace's ResourceQuota; its `count/jobs.batch` is the sum of the agents' shares. */
  public readonly quota: ApiObject;
  private readonly maxJobs = new Map<string, number>();

  private constructor(namespace: AgentNamespace, id: string) {
    super(namespace, id);
    this.quota = new AgentApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: {
        name: ACTION_QUOTA_NAME,
        labels: namespace.commonLabels('quota'),
      },
      spec: { hard: Lazy.any({ produce: () => ({ 'count/jobs.batch': String(this.totalJobs()) }) }) },
    });
  }

  /** Adds an agent's share of Jobs. */
  public addAgent(agentName: string, maxJobs: number): void {
    if (this.maxJobs.has(agentName)) invalidProp(this, `agents.${agentName}`, agentName, 'one action limit per agent');
    this.maxJobs.set(agentName, maxJobs);
    this.quota.metadata.addAnnotation(ACTION_LIMITS_ANNOTATION, JSON.stringify(Object.fromEntries(this.maxJobs)));
  }

  /** Jobs all agents of the namespace may have at once: the sum of their `maxJobs`. */
  public totalJobs(): number {
    return [...this.maxJobs.values()].reduce((a, b) => a + b, 0);
  }
}
