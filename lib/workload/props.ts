import type { AgentPodProps, AgentServingProps } from '../agent-pod/props';
import type { AgentGuardrailsProps } from '../guardrails/guardrails';
import type { SandboxKind } from '../common/guardrail-constants';
import type { EdgeIdentityProps } from '../identity/identity';
import type { AgentVaultSecretsProps } from '../vault/types';

export type {
  AgentInitContainer,
  AgentPodProps,
  AgentPort,
  AgentProbe,
  AgentProbes,
  AgentResources,
  AgentServingProps,
  BaselineWaiver,
  ResourceRange,
} from '../agent-pod/props';

/** The features every agent shape can add on top of its pod: sandbox, guardrails and Vault secrets. */
export interface AgentFeatureProps {
  /** Run the pod in a sandbox RuntimeClass (`gvisor` or `kata`). @default no sandbox: the node's default runtime */
  readonly sandbox?: SandboxKind;
  /**
   * The agent runs generated or untrusted code: it is labelled `agent-baseline.io/runs-generated-code`
   * and must set `sandbox`. @default false
   */
  readonly runsGeneratedCode?: boolean;
  /** Bounds on what the agent creates: Job quota share and an admission guardrail. @default none */
  readonly guardrails?: AgentGuardrailsProps;
  /**
   * Secrets from Vault, delivered as read-only files under /vault/secrets (never env). See
   * lib/vault. @default none
   */
  readonly secrets?: AgentVaultSecretsProps;
}

/** What agents that take calls add to the features: an identity check at their edge. */
export interface AgentServingFeatureProps extends AgentFeatureProps {
  /** Who may call the agent: JWT issuer, audiences, claims (needs mesh 'istio'). @default no JWT check at the agent */
  readonly identity?: EdgeIdentityProps;
}

/** An agent as a Deployment: a long-running service. */
export interface HardenedAgentProps extends AgentPodProps, AgentServingProps, AgentServingFeatureProps {
  /** Number of pods (1-1000); two or more also get a PodDisruptionBudget. @default 2 */
  readonly replicas?: number;
}

/** What a CronJob does when a run is due while the previous one still runs. */
export type ScheduledConcurrencyPolicy = 'Forbid' | 'Replace';

/** An agent run on a schedule, as a CronJob (a nightly triage agent). It takes no calls. */
export interface ScheduledAgentProps extends AgentPodProps, AgentFeatureProps {
  /** Cron schedule: five fields (`'0 3 * * *'`) or a macro (`'@daily'`). Time zones go in `timeZone`. */
  readonly schedule: string;
  /** IANA time zone of the schedule, e.g. `'Europe/Berlin'`. @default the controller's time zone (usually UTC) */
  readonly timeZone?: string;
  /**
   * What to do when a run is due while the previous one still runs. `'Allow'` is refused: runs that
   * pile up cannot be bounded by the namespace quota. @default 'Forbid'
   */
  readonly concurrencyPolicy?: ScheduledConcurrencyPolicy;
  /** Seconds after its scheduled time a missed run may still start; later ones are skipped. @default 300 */
  readonly startingDeadlineSeconds?: number;
  /** Seconds one run may take before it is stopped. @default 3600 */
  readonly activeDeadlineSeconds?: number;
  /** Retries of a failed run; each retry repeats the run's side effects and cost. @default 0 */
  readonly backoffLimit?: number;
  /** Finished successful runs kept for inspection. @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed runs kept for inspection. @default 1 */
  readonly failedJobsHistoryLimit?: number;
  /** Create the CronJob suspended: no runs until it is resumed. @default false */
  readonly suspend?: boolean;
}

/** An agent that runs once to completion, as a Job (an evaluation, a one-off tool run). It takes no calls. */
export interface AgentTaskProps extends AgentPodProps, AgentFeatureProps {
  /** Seconds the run may take before it is stopped. @default 3600 */
  readonly activeDeadlineSeconds?: number;
  /** Seconds a finished Job (and its pod and logs) is kept before it is deleted. @default 3600 */
  readonly ttlSecondsAfterFinished?: number;
  /** Retries of a failed run; each retry repeats the run's side effects and cost. @default 0 */
  readonly backoffLimit?: number;
}

/** Access mode of a StatefulAgent's volumes. */
export type AgentVolumeAccessMode = 'ReadWriteOnce' | 'ReadWriteOncePod';

/**
 * An agent with durable memory (a vector store, conversation memory), as a StatefulSet: each replica
 * gets its own persistent volume at `dataPath`, the only place it may write besides `writablePaths`.
 */
export interface StatefulAgentProps extends AgentPodProps, AgentServingProps, AgentServingFeatureProps {
  /** Size of each replica's volume, a Kubernetes quantity such as `'10Gi'`. */
  readonly storageSize: string;
  /** StorageClass of the volumes. @default the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Where the volume is mounted, read-write. @default '/data' */
  readonly dataPath?: string;
  /** Access mode of each replica's volume claim; `ReadWriteOncePod` also bars a second pod on the same node. @default 'ReadWriteOnce' */
  readonly accessMode?: AgentVolumeAccessMode;
  /**
   * Replicas; each has its own volume, so more than one only helps when the application replicates
   * its data itself. @default 1
   */
  readonly replicas?: number;
}
