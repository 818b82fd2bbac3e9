/**
 * What the target cluster has installed. Features that depend on cluster add-ons (Cilium, Istio,
 * Vault delivery mechanisms, admission engines) read these settings and refuse what the cluster
 * cannot enforce, instead of emitting objects nothing will act on.
 */

/** Kubernetes minors this project can target. cdk8s-plus-28 sets the floor. */
export const SUPPORTED_KUBERNETES_MINORS: readonly number[] = [28, 29, 30, 31, 32, 33, 34];
export const DEFAULT_KUBERNETES_VERSION = '1.28';

import type { GatewaySettings, ResolvedGatewaySettings } from './gateway-settings';

export type CniFlavor = 'generic' | 'cilium';
export type MeshFlavor = 'none' | 'istio';
export type VaultDeliveryMode = 'injector' | 'operator' | 'csi';
export type ImagePolicyEngine = 'vap' | 'kyverno' | 'sigstore';

// The lists below are the keys of records over each union, so a member added to a union without an
// entry here (and in every table keyed by it) fails to compile instead of falling through.

/** What each CNI can enforce beyond a Kubernetes NetworkPolicy. */
export const CNI_CAPABILITIES: Readonly<Record<CniFlavor, { readonly fqdnEgress: boolean }>> = {
  generic: { fqdnEgress: false },
  cilium: { fqdnEgress: true },
};

/** What each mesh setting enforces: mTLS with AuthorizationPolicies, and JWT checks at the agent's edge. */
export const MESH_CAPABILITIES: Readonly<
  Record<MeshFlavor, { readonly authorizationPolicies: boolean; readonly jwtAtEdge: boolean }>
> = {
  none: { authorizationPolicies: false, jwtAtEdge: false },
  istio: { authorizationPolicies: true, jwtAtEdge: true },
};

const IMAGE_POLICY_ENGINE_ORDER: Readonly<Record<ImagePolicyEngine, number>> = { vap: 0, kyverno: 1, sigstore: 2 };
const VAULT_DELIVERY_MODE_ORDER: Readonly<Record<VaultDeliveryMode, number>> = { injector: 0, operator: 1, csi: 2 };

function keysInOrder<K extends string>(order: Readonly<Record<K, number>>): readonly K[] {
  return (Object.keys(order) as K[]).sort((a, b) => order[a] - order[b]);
}

export const CNI_FLAVORS: readonly CniFlavor[] = Object.keys(CNI_CAPABILITIES) as CniFlavor[];
export const MESH_FLAVORS: readonly MeshFlavor[] = Object.keys(MESH_CAPABILITIES) as MeshFlavor[];
export const IMAGE_POLICY_ENGINES: readonly ImagePolicyEngine[] = keysInOrder(IMAGE_POLICY_ENGINE_ORDER);
export const VAULT_DELIVERY_MODES: readonly VaultDeliveryMode[] = keysInOrder(VAULT_DELIVERY_MODE_ORDER);
/** Runtime detection engines a cluster can run; lib/runtime generates rules for each one listed. */
export type RuntimeEngine = 'falco' | 'tetragon';
export const RUNTIME_ENGINES: readonly RuntimeEngine[] = ['falco', 'tetragon'];

/** Where Vault runs, as NetworkPolicies and the Vault resources need to know it. */
export interface VaultEndpoint {
  /** Vault address the workloads and operators use. @default 'https://vault.vault.svc:8200' */
  readonly address?: string;
  /** Namespace the Vault server pods run in. @default 'vault' */
  readonly namespace?: string;
  /** Labels of the Vault server pods. @default { 'app.kubernetes.io/name': 'vault' } */
  readonly podLabels?: Record<string, string>;
  /** Vault API port. @default 8200 */
  readonly port?: number;
  /** Kubernetes auth mount path, without the `auth/` prefix. @default 'kubernetes' */
  readonly authMount?: string;
  /**
   * Image of the Vault Agent the injector adds to pods, pinned by digest. Admission policies see the
   * injected containers, so an image policy must allow this image; set it to a pinned copy inside
   * the allowlist (for example a mirror in your own registry).
   * @default the injector's configured image (unpinned, so refused by a digest-requiring ImagePolicy)
   */
  readonly agentImage?: string;
}

/** The injector's stock Vault Agent image, as admission sees it when `agentImage` is not set. */
export const INJECTOR_DEFAULT_AGENT_IMAGE = 'docker.io/hashicorp/vault';

export interface ClusterSettings {
  /** Target Kubernetes version, `1.<minor>`. Picks API versions and Pod Security versions. @default '1.28' */
  readonly kubernetesVersion?: string;
  /** The CNI. Only Cilium can express FQDN egress. @default 'generic' */
  readonly cni?: CniFlavor;
  /** Service mesh. With Istio, mTLS and AuthorizationPolicies are emitted. @default 'none' */
  readonly mesh?: MeshFlavor;
  /** Allow DNS egress to NodeLocal DNSCache at 169.254.20.10. @default false */
  readonly nodeLocalDns?: boolean;
  /**
   * The cluster's DNS answers at the metadata address (GKE Cloud DNS): allow 169.254.169.254/32 on
   * port 53 (UDP and TCP) only. Every other metadata port and address stays refused and flagged.
   * @default false
   */
  readonly metadataDns?: boolean;
  /** Vault delivery mechanisms installed in the cluster. @default ['injector'] */
  readonly vaultDeliveryModes?: readonly VaultDeliveryMode[];
  /** Where Vault runs. @default see {@link VaultEndpoint} */
  readonly vault?: VaultEndpoint;
  /** Admission engines installed in the cluster. @default ['vap'] */
  readonly imagePolicyEngines?: readonly ImagePolicyEngine[];
  /**
   * Runtime detection engines the cluster runs (Falco, Tetragon). With none, AgentRuntimeRules
   * emits nothing and the rule engine warns that agents run unwatched. @default []
   */
  readonly runtimeEngines?: readonly RuntimeEngine[];
  /**
   * Audience of projected tokens for the Kubernetes API. It must be one of the API server's
   * `--api-audiences` (which default to its `--service-account-issuer`).
   * @default 'https://kubernetes.default.svc'
   */
  readonly apiServerAudience?: string;
  /**
   * Where the Kubernetes API server's endpoints are (`kubectl get endpoints kubernetes -n default`).
   * NetworkPolicies act after the Service's DNAT, so an agent with API grants needs egress to these
   * addresses, not to the `kubernetes` Service IP. Required once any agent has API grants.
   * @default none
   */
  readonly apiServerEndpoints?: ApiServerEndpoints;
  /** The Gateway API implementation agents are exposed through. @default see {@link GatewaySettings} */
  readonly gateway?: GatewaySettings;
  /**
   * Region the cluster runs in (`'eu'`, `'eu-west-1'`): in-cluster peers (agents, pods,
   * namespaces, Vault) are in this region when an agent with personal data reaches them.
   * @default undeclared: agents with personal data may reach no in-cluster peer but DNS
   */
  readonly clusterRegion?: string;
}

export interface ApiServerEndpoints {
  /** CIDRs of the API server endpoints. */
  readonly cidrs: readonly string[];
  /** The endpoints' port (6443 on kubeadm clusters, 443 on most managed ones). @default 443 */
  readonly port?: number;
}

/** ClusterSettings with every default filled in. */
export interface ResolvedClusterSettings {
  readonly kubernetesVersion: string;
  readonly kubernetesMinor: number;
  readonly cni: CniFlavor;
  readonly mesh: MeshFlavor;
  readonly nodeLocalDns: boolean;
  readonly metadataDns: boolean;
  readonly vaultDeliveryModes: readonly VaultDeliveryMode[];
  readonly vault: Required<Omit<VaultEndpoint, 'agentImage'>> & Pick<VaultEndpoint, 'agentImage'>;
  readonly imagePolicyEngines: readonly ImagePolicyEngine[];
  readonly runtimeEngines: readonly RuntimeEngine[];
  readonly apiServerAudience: string;
  readonly apiServerEndpoints?: Required<ApiServerEndpoints>;
  readonly gateway: ResolvedGatewaySettings;
  readonly clusterRegion?: string;
}

/** The issuer (and so the default API audience) of EKS and many self-managed clusters. */
export const DEFAULT_API_SERVER_AUDIENCE = 'https://kubernetes.default.svc';

export const DEFAULT_VAULT_ENDPOINT: Required<Omit<VaultEndpoint, 'agentImage'>> = {
  address: 'https://vault.vault.svc:8200',
  namespace: 'vault',
  podLabels: { 'app.kubernetes.io/name': 'vault' },
  port: 8200,
  authMount: 'kubernetes',
};

/** Parses `1.<minor>` (a leading `v` and a patch are tolerated); returns undefined when unsupported. */
export function parseKubernetesMinor(version: string): number | undefined {
  const match = /^v?1\.(\d+)(?:\.\d+)?$/.exec(version);
  if (!match) return undefined;
  const minor = Number(match[1]);
  return SUPPORTED_KUBERNETES_MINORS.includes(minor) ? minor : undefined;
}
