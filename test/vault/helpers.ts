import { App, Testing } from 'cdk8s';
import { VaultDeliveryMode } from '../../lib/core';
import { ImagePolicy } from '../../lib/image-policy';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { AgentVaultSecretsProps } from '../../lib/vault';
import { HardenedAgent } from '../../lib/workload';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { KubeObject, appObjects } from '../helpers/synth';

export const IMAGE = `ghcr.io/acme-ai/bot:1.0.0@sha256:${'a'.repeat(64)}`;

export interface VaultFixture {
  readonly app: App;
  readonly platform: AgentPlatform;
  readonly namespace: AgentNamespace;
}

export function fixture(
  modes: readonly VaultDeliveryMode[] = ['injector', 'operator', 'csi'],
  kubernetesVersion = '1.28',
): VaultFixture {
  const app = Testing.app();
  const platform = new AgentPlatform(app, 'p', {
    vaultDeliveryModes: modes,
    kubernetesVersion,
    vault: DEFAULT_PLATFORM_CONFIG.cluster.vault,
  });
  const namespace = new AgentNamespace(platform, 'team');
  // An image policy over the namespace, so synth also checks the injected Vault Agent image.
  if (DEFAULT_PLATFORM_CONFIG.imagePolicy)
    new ImagePolicy(platform, 'ImagePolicy', DEFAULT_PLATFORM_CONFIG.imagePolicy);
  return { app, platform, namespace };
}

export function agentWith(ns: AgentNamespace, secrets: AgentVaultSecretsProps, name = 'bot'): HardenedAgent {
  return new HardenedAgent(ns, name, { image: IMAGE, ports: [{ name: 'http', port: 8080 }], secrets });
}

export const KV_SECRET = {
  name: 'openai',
  mount: 'kv',
  path: 'agents/bot/openai',
  keys: ['api_key'],
  fileName: 'openai-api-key',
} as const;

export const DB_SECRET = {
  name: 'db',
  kind: 'database',
  mount: 'database',
  path: 'bot',
  keys: ['username', 'password'],
  database: { type: 'dynamic', dbName: 'tools', creationStatements: ['CREATE ROLE "{{name}}";'] },
} as const;

export function objectsOf(app: App): KubeObject[] {
  return appObjects(app);
}

export function deploymentOf(objects: KubeObject[], name = 'bot'): KubeObject {
  const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  if (!d) throw new Error(`no Deployment ${name}`);
  return d;
}

type Json = Record<string, unknown>;

export function podTemplate(deployment: KubeObject): {
  metadata: Json & { annotations?: Record<string, string> };
  spec: Json;
} {
  return (deployment.spec as Json).template as { metadata: Json; spec: Json };
}
