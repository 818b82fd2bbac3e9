/** Run-time shape of AgentPlatformProps (see lib/core/schema.ts); kept equal to the interfaces by test/refuse/schemas.test.ts. */
import { z } from 'zod';

export const AGENT_PLATFORM_PROPS_SCHEMA = z.strictObject({
  labels: z.record(z.string(), z.string()).optional(),
  kubernetesVersion: z.string().optional(),
  cni: z.enum(['generic', 'cilium']).optional(),
  mesh: z.enum(['none', 'istio']).optional(),
  nodeLocalDns: z.boolean().optional(),
  metadataDns: z.boolean().optional(),
  clusterRegion: z.string().optional(),
  vaultDeliveryModes: z
    .array(z.enum(['injector', 'operator', 'csi']))
    .readonly()
    .optional(),
  vault: z
    .strictObject({
      address: z.string().optional(),
      namespace: z.string().optional(),
      podLabels: z.record(z.string(), z.string()).optional(),
      port: z.number().optional(),
      authMount: z.string().optional(),
      agentImage: z.string().optional(),
    })
    .optional(),
  imagePolicyEngines: z
    .array(z.enum(['vap', 'kyverno', 'sigstore']))
    .readonly()
    .optional(),
  runtimeEngines: z
    .array(z.enum(['falco', 'tetragon']))
    .readonly()
    .optional(),
  apiServerAudience: z.string().optional(),
  gateway: z
    .strictObject({
      implementation: z.enum(['envoy-gateway']).optional(),
      gatewayClassName: z.string().optional(),
      proxyNamespace: z.string().optional(),
      rateLimit: z.enum(['local', 'global']).optional(),
    })
    .optional(),
  apiServerEndpoints: z.strictObject({ cidrs: z.array(z.string()).readonly(), port: z.number().optional() }).optional(),
});
