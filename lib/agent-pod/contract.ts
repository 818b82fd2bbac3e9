/**
 * The contract between an agent's hardened pod and the features that wire themselves into it
 * (Vault delivery, guardrails, identity, network, RBAC, audit). Features depend on these
 * interfaces, never on a concrete agent class, so a new agent shape gets every feature for free and
 * no feature module imports the workload module back.
 */
import type { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import type { ResolvedDataDeclaration } from '../core/privacy';
import type { AgentNamespace } from '../namespace/namespace';
import type { AgentNetworkPolicy, NetworkGrant } from '../network/agent-network';
import type { AgentConnections } from '../network/connections';
import type { AgentPeerRef, InternetEgress, NetworkPeer, PortRef } from '../network/intent';
import type { AgentPlatform } from '../platform/platform';
import type { AgentPort } from './props';
import type { ResolvedResources } from './validate-props';

/** The Kubernetes kinds an agent shape runs as. */
export type AgentWorkloadKind = 'Deployment' | 'StatefulSet' | 'Job' | 'CronJob';

/** Per workload kind, what features need to know. A new kind must say so here before it compiles. */
export const WORKLOAD_KIND_TRAITS: Readonly<
  Record<
    AgentWorkloadKind,
    {
      /** The pod exits when its work is done (a sidecar that never exits would hold it forever). */
      readonly runsToCompletion: boolean;
      /** Controllers such as the Vault Secrets Operator can roll its pods to pick up new values. */
      readonly rolloutRestart: boolean;
    }
  >
> = {
  Deployment: { runsToCompletion: false, rolloutRestart: true },
  StatefulSet: { runsToCompletion: false, rolloutRestart: true },
  Job: { runsToCompletion: true, rolloutRestart: false },
  CronJob: { runsToCompletion: true, rolloutRestart: false },
};

/** A projected ServiceAccount token an agent needs (Vault login, API access). */
export interface ProjectedTokenOptions {
  /** Audience the token is issued for: the API server, `vault`, … */
  readonly audience: string;
  /** Lifetime, at most 3600 s. @default 3600 */
  readonly expirationSeconds?: number;
  /** Volume name. @default 'token-<audience>' */
  readonly volumeName?: string;
  /** Where the token directory is mounted in the agent container. @default '/var/run/secrets/tokens/<volumeName>' */
  readonly mountPath?: string;
  /** Mount it in the agent container. @default true */
  readonly mount?: boolean;
}

/** A mount of an added volume into the agent container. */
export interface AgentVolumeMount {
  readonly mountPath: string;
  /** @default true */
  readonly readOnly?: boolean;
  /** @default the whole volume */
  readonly subPath?: string;
}

/** One recorded weakening of the baseline. */
export interface Waiver {
  /** The control that is weakened (a rule ID or a short name). */
  readonly control: string;
  readonly reason: string;
}

/**
 * An agent as the features see it: its identity, namespace, labels, network and the kind of
 * workload it runs as. Every agent shape (`HardenedAgent`, `ScheduledAgent`, `AgentTask`,
 * `StatefulAgent`) implements it.
 */
export interface IAgentPod extends IConstruct, AgentPeerRef {
  readonly agentName: string;
  readonly namespace: AgentNamespace;
  readonly platform: AgentPlatform;
  readonly ports: readonly AgentPort[];
  readonly serviceAccountName: string;
  /** Labels that select this agent's pods. */
  readonly selectorLabels: Record<string, string>;
  /** Labels on the agent's pods and objects. */
  readonly labels: Record<string, string>;
  /** UID of the agent's containers; injected containers run as the same. */
  readonly runAsUser: number;
  /** GID of the agent's containers. */
  readonly runAsGroup: number;
  /** The kind of the agent's workload object. */
  readonly workloadKind: AgentWorkloadKind;
  /** What data the agent declares it processes. @default undefined: undeclared */
  readonly dataDeclaration?: ResolvedDataDeclaration;
  /** The agent's network policies. */
  readonly network: AgentNetworkPolicy;
  /** Agent-to-agent traffic, both sides in one call. */
  readonly connections: AgentConnections;
  allowIngressFrom(peer: AgentPeerRef | NetworkPeer, port?: PortRef): NetworkGrant;
  allowEgressTo(peer: AgentPeerRef | NetworkPeer, port?: PortRef): NetworkGrant;
  allowEgressToFqdn(fqdn: string, port?: PortRef, region?: string): NetworkGrant;
  allowEgressToInternet(options?: InternetEgress): NetworkGrant;
  allowEgressToVault(): NetworkGrant;
  addVolume(volume: k8s.Volume, mount?: AgentVolumeMount): void;
  addWaiver(rule: string, reason: string): void;
}

/**
 * The plumbing features use to wire themselves into an agent's pod. It is not part of an agent's
 * public API: features reach it through `podPlumbing(agent)` (lib/agent-pod/plumbing.ts), which the
 * package face does not export.
 */
export interface AgentPodPlumbing {
  /**
   * Records an image that a mutating webhook adds to the pod (the Vault Agent), so the platform's
   * image policy judges it at synth as admission will. `setting` names where the user pins it.
   */
  addInjectedImage(image: string, setting: string): void;
  /**
   * Counts a container that a webhook injects next to the agent (the Vault Agent) against the
   * namespace quota, so the quota check sees the pod as the API server will.
   */
  addSidecarResources(resources: ResolvedResources): void;
  /** Adds annotations to the pod template (Vault injector, Istio, …); a key set twice must keep its value. */
  addPodAnnotations(annotations: Record<string, string>): void;
  /**
   * Gives the pod a short-lived, audience-bound ServiceAccount token as a projected volume. The
   * legacy automounted token stays off; this is the only way an agent gets a token. Returns the
   * volume name.
   */
  addProjectedServiceAccountToken(options: ProjectedTokenOptions): string;
  /** Runs the pod under a RuntimeClass (gVisor, Kata). */
  setRuntimeClassName(name: string): void;
  /** Adds a label to the workload object (not to its pods). */
  addWorkloadLabel(key: string, value: string): void;
  /** Orders `obj` before the workload object when applied. */
  addWorkloadDependency(obj: ApiObject): void;
}

/** The brand AgentPod's constructor sets (lib/agent-pod/plumbing.ts); shared across copies of the library. */
export const AGENT_POD_BRAND = Symbol.for('agent-baseline.AgentPod');

/** True for every agent shape (works across copies of the library, unlike `instanceof`). */
export function isAgentPod(x: unknown): x is IAgentPod {
  return typeof x === 'object' && x !== null && AGENT_POD_BRAND in x;
}
