import type { AgentNetworkProps } from '../network/intent';
import type { ApiGrant } from '../rbac/grant';
import type { DataDeclaration } from '../core/privacy';

/** A port the agent listens on. Ports below 1024 would need NET_BIND_SERVICE, which is never added. */
export interface AgentPort {
  /** IANA service name, used by probes, Services and NetworkPolicies. */
  readonly name: string;
  /** Container port, 1024-65535. */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** A request and a limit, as Kubernetes quantities. */
export interface ResourceRange {
  /** @default see DEFAULT_RESOURCES in lib/core/baseline.ts */
  readonly request?: string;
  /** Must be at least the request. @default see DEFAULT_RESOURCES */
  readonly limit?: string;
}

export interface AgentResources {
  /** @default request 100m, limit 500m */
  readonly cpu?: ResourceRange;
  /** @default request 256Mi, limit 512Mi */
  readonly memory?: ResourceRange;
  /** @default request 64Mi, limit 256Mi */
  readonly ephemeralStorage?: ResourceRange;
}

/** A readiness or liveness check. Exactly one of `httpGet`, `tcpSocket` or `exec`. */
export interface AgentProbe {
  /** HTTP GET on a path of a declared port. @default none */
  readonly httpGet?: {
    readonly path: string;
    /** A declared port name. @default the first declared port */
    readonly port?: string;
  };
  /** TCP connect to a declared port. @default none */
  readonly tcpSocket?: {
    /** A declared port name. @default the first declared port */
    readonly port?: string;
  };
  /** A command run in the container (for agents without ports). @default none */
  readonly exec?: { readonly command: readonly string[] };
  /** @default 0 for readiness, 10 for liveness */
  readonly initialDelaySeconds?: number;
  /** @default 10 for readiness, 20 for liveness */
  readonly periodSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
  /** @default 2 */
  readonly timeoutSeconds?: number;
}

export interface AgentProbes {
  /** @default httpGet /readyz on the first port */
  readonly readiness?: AgentProbe;
  /** Must differ from readiness. @default httpGet /livez on the first port */
  readonly liveness?: AgentProbe;
}

/** A container that runs to completion before the agent starts. It gets the same hardening. */
export interface AgentInitContainer {
  readonly name: string;
  /** Pinned like the agent image. */
  readonly image: string;
  /** @default the image's entrypoint */
  readonly command?: readonly string[];
  /** @default none */
  readonly args?: readonly string[];
  /** @default the agent's defaults */
  readonly resources?: AgentResources;
}

/**
 * An explicit, reasoned weakening of the baseline. Nothing is weakened silently: the waiver is
 * written to the object's annotations and shows up as a suppressed finding with its reason.
 */
export interface BaselineWaiver {
  /** Why the weaker setting is acceptable here (at least 10 characters). */
  readonly reason: string;
}

/** What every agent shape shares: the hardened pod, its identity, network intent and API access. */
export interface AgentPodProps {
  /** Agent name: names the workload, ServiceAccount, Service and policies. DNS-1123 label. @default the construct id */
  readonly name?: string;
  /** Container image, pinned by digest: `registry/repo[:tag]@sha256:<64 hex>`. */
  readonly image: string;
  /** Allow an image without a digest (for local development only). @default undefined: a digest is required */
  readonly allowUnpinnedImage?: BaselineWaiver;
  /** Entrypoint override. @default the image's entrypoint */
  readonly command?: readonly string[];
  /** Arguments. @default none */
  readonly args?: readonly string[];
  /** @default see {@link AgentResources} */
  readonly resources?: AgentResources;
  /**
   * Non-secret configuration, delivered as env vars from a ConfigMap. Names that look like
   * secrets are refused: secrets come from Vault. @default none
   */
  readonly config?: Record<string, string>;
  /** Absolute paths the agent may write to, each backed by an emptyDir. @default ['/tmp'] (a StatefulAgent: none but its data path) */
  readonly writablePaths?: readonly string[];
  /** UID, above 10000. @default 10001 */
  readonly runAsUser?: number;
  /** GID, above 10000. @default 10001 */
  readonly runAsGroup?: number;
  /** fsGroup, above 10000. @default 10001 */
  readonly fsGroup?: number;
  /** Init containers, hardened like the agent. @default none */
  readonly initContainers?: readonly AgentInitContainer[];
  /** Extra labels on every object of the agent. @default none */
  readonly labels?: Record<string, string>;
  /** Network intent: ingress, egress, FQDNs, Vault, internet. DNS egress is always allowed. @default DNS egress only, no ingress */
  readonly network?: AgentNetworkProps;
  /**
   * What data the agent processes: categories, purposes, lawful basis, retention and the regions
   * its data may be sent to. Personal data makes egress region-checked and retention enforced, and
   * every object of the agent carries the declaration as `privacy.agent-baseline.dev/*` labels (see
   * docs/gdpr.md). @default undeclared: the `gdpr` rule pack reports the agent as unknown (a warning)
   */
  readonly data?: DataDeclaration;
  /**
   * Kubernetes API access, bound to the agent's own ServiceAccount; an agent with grants gets a
   * projected API token. See `grantApiAccess`. @default none: no RBAC and no API token
   */
  readonly apiGrants?: readonly ApiGrant[];
}

/** What agents that take calls add: ports and the probes that gate traffic to them. */
export interface AgentServingProps {
  /** Ports the agent listens on. An agent with no ports gets no Service (a StatefulAgent a headless one). @default none */
  readonly ports?: readonly AgentPort[];
  /** @default httpGet /readyz and /livez on the first port; required for agents without ports */
  readonly probes?: AgentProbes;
}
