import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import {
  CniFlavor,
  IMAGE_POLICY_ENGINES,
  invalidProp,
  MeshFlavor,
  SUPPORTED_KUBERNETES_MINORS,
  VAULT_DELIVERY_MODES,
} from 'agent-baseline/core';
import { ConfigKeySpec, ConfigSource, readTypedConfig, VaultOwnSetup } from 'agent-baseline/pulumi';
import { DEFAULT_PLATFORM_CONFIG, PlatformConfig } from './config';

/** The Pulumi project name; config keys are `agent-baseline:<key>`. */
export const PULUMI_PROJECT = 'agent-baseline';

const CNI_FLAVORS: readonly CniFlavor[] = ['generic', 'cilium'];
const MESH_FLAVORS: readonly MeshFlavor[] = ['none', 'istio'];
const VERSIONS = SUPPORTED_KUBERNETES_MINORS.map((m) => `1.${m}`);

const text = z.string().trim().min(1, 'must not be empty');
const oneOf = (values: readonly string[]) => z.enum(values as [string, ...string[]]);
const list = (values: readonly string[]) => z.array(oneOf(values)).min(1, 'must name at least one');
const strings = z.array(text).min(1, 'must name at least one');
const structured = z.record(z.string(), z.unknown());
const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * The stack settings of the default platform: each Pulumi config key, its Pulumi.yaml type and
 * the field of {@link PlatformConfig} it sets. Pulumi.yaml declares exactly these keys, with the
 * defaults of DEFAULT_PLATFORM_CONFIG (a test holds them equal).
 */
export const PLATFORM_CONFIG_KEYS: readonly ConfigKeySpec[] = [
  {
    key: 'namespace',
    type: 'string',
    path: 'namespace',
    schema: text,
    allowed: 'a DNS-1123 label other than default and kube-*',
    description: 'Namespace the agents run in.',
  },
  {
    key: 'assistantImage',
    type: 'string',
    path: 'images.assistant',
    schema: text,
    allowed: 'an image reference pinned by digest',
    description: 'Image of the assistant agent, pinned by digest.',
  },
  {
    key: 'toolRunnerImage',
    type: 'string',
    path: 'images.toolRunner',
    schema: text,
    allowed: 'an image reference pinned by digest',
    description: 'Image of the tool-runner agent, pinned by digest.',
  },
  {
    key: 'kubernetesVersion',
    type: 'string',
    path: 'cluster.kubernetesVersion',
    schema: oneOf(VERSIONS),
    allowed: `one of ${quoted(VERSIONS)}`,
    description: 'Target Kubernetes minor; picks API and Pod Security versions.',
  },
  {
    key: 'cni',
    type: 'string',
    path: 'cluster.cni',
    schema: oneOf(CNI_FLAVORS),
    allowed: `one of ${quoted(CNI_FLAVORS)}`,
    description: 'The CNI; only cilium can express FQDN egress.',
  },
  {
    key: 'mesh',
    type: 'string',
    path: 'cluster.mesh',
    schema: oneOf(MESH_FLAVORS),
    allowed: `one of ${quoted(MESH_FLAVORS)}`,
    description: 'Service mesh; istio adds mTLS and AuthorizationPolicies.',
  },
  {
    key: 'nodeLocalDns',
    type: 'boolean',
    path: 'cluster.nodeLocalDns',
    schema: z.boolean(),
    allowed: 'true or false',
    description: 'Allow DNS egress to NodeLocal DNSCache (default false).',
  },
  {
    key: 'vaultDeliveryModes',
    type: 'array',
    path: 'cluster.vaultDeliveryModes',
    schema: list(VAULT_DELIVERY_MODES),
    allowed: `a JSON list of ${quoted(VAULT_DELIVERY_MODES)}`,
    description: 'Vault delivery mechanisms installed in the cluster.',
  },
  {
    key: 'imagePolicyEngines',
    type: 'array',
    path: 'cluster.imagePolicyEngines',
    schema: list(IMAGE_POLICY_ENGINES),
    allowed: `a JSON list of ${quoted(IMAGE_POLICY_ENGINES)}`,
    description: 'Admission engines installed in the cluster.',
  },
  {
    key: 'vaultAddress',
    type: 'string',
    path: 'cluster.vault.address',
    schema: z.url({ protocol: /^https?$/ }),
    allowed: 'an http(s) URL such as https://vault.vault.svc:8200',
    description: 'Vault address (default https://vault.vault.svc:8200).',
  },
  {
    key: 'vaultNamespace',
    type: 'string',
    path: 'cluster.vault.namespace',
    schema: text,
    allowed: 'a DNS-1123 label',
    description: 'Namespace the Vault server runs in (default vault).',
  },
  {
    key: 'vaultPort',
    type: 'integer',
    path: 'cluster.vault.port',
    schema: z.number().int().min(1).max(65535),
    allowed: 'an integer from 1 to 65535',
    description: 'Vault API port (default 8200).',
  },
  {
    key: 'vaultAuthMount',
    type: 'string',
    path: 'cluster.vault.authMount',
    schema: text,
    allowed: "a mount path without 'auth/', e.g. kubernetes",
    description: 'Kubernetes auth mount path (default kubernetes).',
  },
  {
    key: 'apiServerAudience',
    type: 'string',
    path: 'cluster.apiServerAudience',
    schema: text,
    allowed: "one of the API server's --api-audiences",
    description: 'Audience of projected tokens for the Kubernetes API (default https://kubernetes.default.svc).',
  },
  {
    key: 'apiServerEndpoints',
    type: 'object',
    path: 'cluster.apiServerEndpoints',
    schema: structured,
    allowed: 'an object {cidrs, port} from `kubectl get endpoints kubernetes -n default`',
    description: 'Where the API server endpoints are; agents with API grants get egress to them.',
  },
  {
    key: 'vaultAgentImage',
    type: 'string',
    path: 'cluster.vault.agentImage',
    schema: text,
    allowed: 'an image reference pinned by digest, inside the image policy allowlist',
    description: 'Vault Agent image the injector adds to pods, pinned by digest.',
  },
  {
    key: 'vaultMode',
    type: 'string',
    path: 'vaultMode',
    schema: oneOf(VAULT_DELIVERY_MODES),
    allowed: `one of ${quoted(VAULT_DELIVERY_MODES)}`,
    description: "How the assistant's LLM API key is delivered from Vault.",
  },
  {
    key: 'toolsDatabase',
    type: 'object',
    path: 'toolsDatabase',
    schema: structured,
    allowed: 'an object {cidr, port}',
    description: "Address of the tool-runner's database (egress is allowed to it only).",
  },
  {
    key: 'llmApiCidrs',
    type: 'array',
    path: 'llmApiCidrs',
    schema: strings,
    allowed: 'a JSON list of CIDRs',
    description: "Address ranges of the assistant's LLM API (TCP 443 only).",
  },
  {
    key: 'registries',
    type: 'array',
    path: 'imagePolicy.allowedPrefixes',
    schema: strings,
    allowed: 'a JSON list of registry prefixes such as ghcr.io/acme-ai/',
    description: 'Registry prefixes agent images may come from.',
  },
  {
    key: 'people',
    type: 'object',
    path: 'people',
    schema: structured,
    allowed: 'an object {viewers, operators, auditors} of {groups, users}',
    description: 'Groups and users bound to the viewer, operator and auditor roles.',
  },
  {
    key: 'imagePolicy',
    type: 'object',
    path: 'imagePolicy',
    schema: structured,
    allowed: 'an ImagePolicyProps object',
    description: 'The image supply-chain policy (registries, digest, signatures).',
  },
  {
    key: 'assistantIdentity',
    type: 'object',
    path: 'assistantIdentity',
    schema: structured,
    allowed: 'an object {gatewayNamespace, issuer, jwksUri, audiences, requiredScopes}',
    description: "The assistant's caller identity (used with mesh istio).",
  },
  {
    key: 'edge',
    type: 'object',
    path: 'edge',
    schema: structured,
    allowed: 'an object {gateway, assistant}: AgentGatewayProps and AgentRouteProps',
    description: 'The authenticating gateway in front of the assistant (used without mesh istio).',
  },
  {
    key: 'toolRunnerJobs',
    type: 'object',
    path: 'toolRunnerJobs',
    schema: structured,
    allowed: 'an object {allowedRegistries, maxJobs}',
    description: 'Limits of the Jobs the tool-runner may start.',
  },
];

/** Reads the stack config into the same PlatformConfig main.ts uses; unset keys keep DEFAULT_PLATFORM_CONFIG. */
export function readPlatformConfig(
  source: ConfigSource,
  defaults: PlatformConfig = DEFAULT_PLATFORM_CONFIG,
): PlatformConfig {
  return readTypedConfig(PULUMI_PROJECT, PLATFORM_CONFIG_KEYS, source, defaults);
}

/** The stack-only keys of the Vault setup; they have no place in PlatformConfig, which cdk8s shares. */
export const VAULT_SETUP_KEYS = {
  ownSetup: 'vaultOwnSetup',
  kubernetesHost: 'vaultKubernetesHost',
  kubernetesCaCert: 'vaultKubernetesCaCert',
  auditFilePath: 'vaultAuditFilePath',
} as const;

/** The part of `pulumi.Config` the Vault setup reader needs. */
export interface SecretConfigSource extends ConfigSource {
  getSecret(key: string): pulumi.Output<string> | undefined;
}

/**
 * When `vaultOwnSetup` is true the stack also creates the auth backend, KV mounts and audit devices.
 * The Kubernetes CA comes only from a config secret, so it stays a secret output.
 */
export function readVaultOwnSetup(source: SecretConfigSource): VaultOwnSetup | undefined {
  const own = source.get(VAULT_SETUP_KEYS.ownSetup);
  if (own === undefined || own === 'false') return undefined;
  if (own !== 'true')
    invalidProp('Pulumi config', `${PULUMI_PROJECT}:${VAULT_SETUP_KEYS.ownSetup}`, own, 'true or false');
  const kubernetesHost = source.get(VAULT_SETUP_KEYS.kubernetesHost);
  if (!kubernetesHost) {
    invalidProp(
      'Pulumi config',
      `${PULUMI_PROJECT}:${VAULT_SETUP_KEYS.kubernetesHost}`,
      kubernetesHost,
      'the Kubernetes API URL Vault reviews tokens against, required with vaultOwnSetup',
    );
  }
  return {
    kubernetesHost,
    kubernetesCaCert: source.getSecret(VAULT_SETUP_KEYS.kubernetesCaCert),
    auditFilePath: source.get(VAULT_SETUP_KEYS.auditFilePath),
  };
}
