import { ClusterSettings, VaultDeliveryMode } from '../lib/core';
import { AgentPeopleAccessProps } from '../lib/rbac';
import { ImagePolicyProps } from '../lib/image-policy';
import { AgentGuardrailsProps } from '../lib/guardrails';
import { AgentGatewayProps, AgentRouteProps } from '../lib/gateway';
import { EdgeIdentityProps } from '../lib/identity';
import { AgentRuntimeRulesProps } from '../lib/runtime';

/** Everything the default platform needs; main.ts and the Pulumi program fill it the same way. */
export interface PlatformConfig {
  /** What the target cluster runs. */
  readonly cluster: ClusterSettings;
  /** Namespace the example agents live in. */
  readonly namespace: string;
  /** Agent images, pinned by digest. */
  readonly images: {
    readonly assistant: string;
    readonly toolRunner: string;
  };
  /** The tool-runner's database: its pods get egress to this address only. */
  readonly toolsDatabase: { readonly cidr: string; readonly port: number; readonly region?: string };
  /** Address ranges of the assistant's LLM API, allowed on TCP 443 only. */
  readonly llmApiCidrs: readonly string[];
  /** Region of the LLM API's ranges; the assistant's personal data may go only there. @default undeclared */
  readonly llmApiRegion?: string;
  /** Groups and users bound to the viewer, operator and auditor roles of the agent namespace. */
  readonly people: AgentPeopleAccessProps;
  /** The platform's image supply-chain policy. @default no ImagePolicy */
  readonly imagePolicy?: ImagePolicyProps;
  /**
   * Who may call the assistant: JWTs of this issuer, from the gateway namespace. Enforced only with
   * `cluster.mesh: 'istio'`; without a mesh put an authenticating gateway in front. @default no JWT check
   */
  readonly assistantIdentity?: EdgeIdentityProps & { readonly gatewayNamespace: string };
  /**
   * The authenticating gateway in front of the assistant (Gateway API + the cluster's gateway
   * implementation): people sign in with OIDC, machines present JWTs. Used when `cluster.mesh` is
   * not 'istio' (there, `assistantIdentity` applies). @default the assistant is not exposed
   */
  readonly edge?: { readonly gateway: AgentGatewayProps; readonly assistant: AgentRouteProps };
  /** Bounds on the Jobs the tool-runner creates (quota share and admission guardrail). */
  readonly toolRunnerJobs: AgentGuardrailsProps;
  /** How the assistant's LLM API key comes from Vault; one of `cluster.vaultDeliveryModes`. @default 'injector' */
  readonly vaultMode?: VaultDeliveryMode;
  /** Runtime detection rules for the engines in `cluster.runtimeEngines`. @default AgentRuntimeRules defaults */
  readonly runtimeRules?: AgentRuntimeRulesProps;
}

const EXAMPLE_DIGEST_A = 'sha256:4f6c1d0b8e3a2f9c7d5e1b0a3c8f6e2d9b7a5c3e1f0d8b6a4c2e0f9d7b5a3c1e';
const EXAMPLE_DIGEST_B = 'sha256:9a8b7c6d5e4f30211f2e3d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f0';

export const DEFAULT_PLATFORM_CONFIG: PlatformConfig = {
  cluster: {
    kubernetesVersion: '1.28',
    cni: 'generic',
    mesh: 'none',
    vaultDeliveryModes: ['injector', 'operator'],
    // The injector adds Vault Agent containers; admission checks their image like any other, so it is
    // pinned here to a mirror inside the image policy's allowlist.
    vault: { agentImage: `ghcr.io/acme-ai/mirror/vault:1.18.1@sha256:${'5d'.repeat(32)}` },
    imagePolicyEngines: ['vap', 'kyverno', 'sigstore'],
    // Falco watches each agent for what it did not declare (shells, writes, token reads, egress).
    runtimeEngines: ['falco'],
    // Example address (TEST-NET-1): use `kubectl get endpoints kubernetes -n default` for yours.
    apiServerEndpoints: { cidrs: ['192.0.2.10/32'], port: 443 },
    // In-cluster peers (agents, Vault, the API server) are in this region for the agents' data declarations.
    clusterRegion: 'eu',
  },
  namespace: 'agents',
  images: {
    assistant: `ghcr.io/acme-ai/assistant:1.4.2@${EXAMPLE_DIGEST_A}`,
    toolRunner: `ghcr.io/acme-ai/tool-runner:0.9.0@${EXAMPLE_DIGEST_B}`,
  },
  // RFC 5737 documentation range: replace with the provider's published ranges.
  toolsDatabase: { cidr: '198.51.100.20/32', port: 5432, region: 'eu' },
  llmApiCidrs: ['203.0.113.0/24'],
  // The assistant handles personal data, so its LLM API must be an EU endpoint (an EU data zone).
  llmApiRegion: 'eu',
  // Example groups: replace with the groups your identity provider puts in tokens.
  people: {
    viewers: { groups: ['agents-viewers'] },
    operators: { groups: ['agents-oncall'] },
    auditors: { groups: ['security-auditors'] },
  },
  // Only images built and signed by the acme-ai organization's GitHub Actions workflows, on main or a release tag.
  imagePolicy: {
    allowedPrefixes: ['ghcr.io/acme-ai/'],
    requireDigest: true,
    forbidLatest: true,
    signature: {
      keyless: {
        issuer: 'https://token.actions.githubusercontent.com',
        subjectRegExp:
          '^https://github[.]com/acme-ai/[^/]+/[.]github/workflows/[^/@]+@refs/(heads/main|tags/v[0-9][^/]*)$',
      },
    },
    // Signed by the same CI identity: a scan at most 7 days old with no critical finding, an SBOM,
    // provenance from GitHub-hosted runners of the agents' repositories, and an approved base image.
    attestations: {
      vulnerabilityScan: { maxAgeDays: 7, failOnSeverity: 'critical' },
      sbom: { format: 'spdx' },
      provenance: {
        builderIds: ['https://github.com/actions/runner/github-hosted'],
        sourceRepositories: ['https://github.com/acme-ai/assistant', 'https://github.com/acme-ai/tool-runner'],
      },
      // Example digest: pin the distroless base your images are built on.
      baseImage: { allowed: [`gcr.io/distroless/static-debian12:nonroot@sha256:${'6b'.repeat(32)}`] },
    },
  },
  // Example issuer: replace with your identity provider. Used only when cluster.mesh is 'istio'.
  assistantIdentity: {
    gatewayNamespace: 'gateway',
    issuer: 'https://auth.example.com',
    jwksUri: 'https://auth.example.com/.well-known/jwks.json',
    audiences: ['assistant'],
    requiredScopes: ['assistant.invoke'],
  },
  // Example names: replace the host, issuer and client with yours. The client secret is read from Vault.
  edge: {
    gateway: {
      name: 'agents-edge',
      namespace: 'gateway',
      tls: { certManager: { issuer: 'letsencrypt', dnsNames: ['assistant.example.com'] } },
    },
    assistant: {
      hostnames: ['assistant.example.com'],
      people: {
        issuer: 'https://auth.example.com',
        jwksUri: 'https://auth.example.com/.well-known/jwks.json',
        clientId: 'assistant-web',
        clientSecret: { vault: { path: 'gateway/assistant/oidc' } },
      },
      machines: [
        {
          name: 'services',
          issuer: 'https://auth.example.com',
          jwksUri: 'https://auth.example.com/.well-known/jwks.json',
          audiences: ['assistant'],
          requiredScopes: ['assistant.invoke'],
        },
      ],
    },
  },
  toolRunnerJobs: { allowedRegistries: ['ghcr.io/acme-ai'], maxJobs: 5 },
  vaultMode: 'injector',
};
