import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_REPLICAS, DEFAULT_WRITABLE_PATHS, checkProps, childPath, requireInteger } from '../core';
import { PodBudgetShape } from '../agent-pod/pod';
import { AgentWorkload } from './base';
import { createPdb, servicePorts } from './objects';
import { HardenedAgentProps } from './props';
import { HARDENED_AGENT_PROPS_SCHEMA } from './schema';
import { AgentApiObject, KubeService } from '../platform/api-object';

/** One extra pod at a time during a rollout, and none taken away: capacity never drops. */
const ROLLING_UPDATE_MAX_SURGE = 1;

/**
 * An AI agent as a hardened Deployment: a dedicated ServiceAccount with no token, a pod that
 * passes Pod Security "restricted" and the scanner-consensus profile, a ClusterIP Service when it
 * listens, and a PodDisruptionBudget when it has more than one replica. The raw Deployment is
 * reachable through `escapeHatch()`.
 *
 * ```ts
 * const assistant = new HardenedAgent(ns, 'assistant', {
 *   image: 'ghcr.io/acme/assistant:1.4.2@sha256:…',
 *   ports: [{ name: 'http', port: 8080 }],
 * });
 * ```
 */
export class HardenedAgent extends AgentWorkload {
  public readonly workloadKind = 'Deployment' as const;
  /** Number of pods the Deployment keeps running. */
  public readonly replicas: number;
  /** The ClusterIP Service in front of the agent's ports. @default undefined (meaning the agent declares no ports) */
  public readonly service?: ApiObject;
  /** Keeps at least one pod up during voluntary disruptions. @default undefined (meaning fewer than 2 replicas, where a PDB would block node drains) */
  public readonly podDisruptionBudget?: ApiObject;

  constructor(scope: Construct, id: string, props: HardenedAgentProps) {
    // Props are checked against their schema before anything reads them (typos are refused, never dropped).
    super(scope, id, checkProps(childPath(scope, id), HARDENED_AGENT_PROPS_SCHEMA, props, '', 'entry'), {
      serving: true,
      defaultWritablePaths: DEFAULT_WRITABLE_PATHS,
    });
    this.replicas = requireInteger(this, 'replicas', props.replicas ?? DEFAULT_REPLICAS, 1, 1000);
    this.attachWorkload(this.createDeployment());
    this.service = this.createService();
    this.podDisruptionBudget = this.createPdb();
    this.finishPod(props);
    this.applyFeatures(props);
    // Last: every value the constructor's own checks did not already judge (booleans, enums, types).
    checkProps(this, HARDENED_AGENT_PROPS_SCHEMA, props);
  }

  /** Every replica plus the rolling update's surge pod. */
  protected budgetShape(): PodBudgetShape {
    return { maxPods: this.replicas + ROLLING_UPDATE_MAX_SURGE };
  }

  private createDeployment(): ApiObject {
    return new AgentApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: this.agentName,
        labels: this.labels,
      },
      spec: {
        replicas: this.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selectorLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: ROLLING_UPDATE_MAX_SURGE, maxUnavailable: 0 } },
        template: this.podTemplate(),
      },
    });
  }

  private createService(): ApiObject | undefined {
    if (this.ports.length === 0) return undefined;
    return new KubeService(this, 'Service', {
      metadata: { name: this.agentName, labels: this.labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: servicePorts(this.ports),
      },
    });
  }

  private createPdb(): ApiObject | undefined {
    return createPdb(this, this.replicas);
  }
}
