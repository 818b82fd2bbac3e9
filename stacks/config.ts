import { ClusterSettings } from '../lib/core';

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
}

const EXAMPLE_DIGEST_A = 'sha256:4f6c1d0b8e3a2f9c7d5e1b0a3c8f6e2d9b7a5c3e1f0d8b6a4c2e0f9d7b5a3c1e';
const EXAMPLE_DIGEST_B = 'sha256:9a8b7c6d5e4f30211f2e3d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f0';

export const DEFAULT_PLATFORM_CONFIG: PlatformConfig = {
  cluster: {
    kubernetesVersion: '1.28',
    cni: 'generic',
    mesh: 'none',
    vaultDeliveryModes: ['injector', 'operator'],
    imagePolicyEngines: ['vap', 'kyverno', 'sigstore'],
  },
  namespace: 'agents',
  images: {
    assistant: `ghcr.io/acme-ai/assistant:1.4.2@${EXAMPLE_DIGEST_A}`,
    toolRunner: `ghcr.io/acme-ai/tool-runner:0.9.0@${EXAMPLE_DIGEST_B}`,
  },
};
