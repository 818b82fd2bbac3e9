/**
 * The platform the scale benchmark synthesizes: N agents across N/10 namespaces, shaped like the
 * default platform's assistant and tool-runner, with the platform features on: network policies,
 * RBAC grants, Vault secrets and the image policy.
 */
import { App } from 'cdk8s';
import { ImagePolicy } from '../lib/image-policy';
import { AgentNamespace } from '../lib/namespace';
import { Peer } from '../lib/network';
import { AgentPlatform } from '../lib/platform';
import { HardenedAgent } from '../lib/workload';
import { DEFAULT_PLATFORM_CONFIG } from '../stacks/config';

/** Agents per namespace: N agents land in N/10 namespaces. */
export const AGENTS_PER_NAMESPACE = 10;

/** Platform features the scale run switches on. */
export const SCALE_FEATURES: readonly string[] = ['network-policies', 'rbac', 'vault', 'image-policy'];

const config = DEFAULT_PLATFORM_CONFIG;

/** Ten agents at 3 and 2 replicas need more than the default quota, so the teams size theirs. */
export const SCALE_NAMESPACE_QUOTA: Record<string, string> = {
  'requests.cpu': '32',
  'limits.cpu': '64',
  'requests.memory': '64Gi',
  'limits.memory': '128Gi',
  'requests.ephemeral-storage': '64Gi',
  'limits.ephemeral-storage': '128Gi',
  pods: '100',
};

/** Builds N agents across ceil(N/10) namespaces under one AgentPlatform, plus its image policy. */
export function buildScalePlatform(app: App, agents: number): AgentPlatform {
  const platform = new AgentPlatform(app, 'platform', config.cluster);
  const namespaces = Math.ceil(agents / AGENTS_PER_NAMESPACE);
  for (let n = 0; n < namespaces; n++) {
    const ns = new AgentNamespace(platform, `team-${n}`, { quota: SCALE_NAMESPACE_QUOTA });
    const count = Math.min(AGENTS_PER_NAMESPACE, agents - n * AGENTS_PER_NAMESPACE);
    for (let slot = 0; slot < count; slot += 2) {
      const assistant = buildAssistant(ns, slot);
      if (slot + 1 < count) connect(assistant, buildToolRunner(ns, slot + 1));
    }
  }
  if (config.imagePolicy) new ImagePolicy(platform, 'ImagePolicy', config.imagePolicy);
  return platform;
}

function buildAssistant(ns: AgentNamespace, slot: number): HardenedAgent {
  const agent = new HardenedAgent(ns, `assistant-${slot}`, {
    image: config.images.assistant,
    ports: [{ name: 'http', port: 8080 }],
    replicas: 3,
    resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '512Mi', limit: '1Gi' } },
    config: { LLM_PROVIDER: 'openai', LLM_MODEL: 'gpt-4.1', TOOL_RUNNER_URL: `http://tool-runner-${slot + 1}:8081` },
    writablePaths: ['/tmp', '/home/agent/.cache'],
  });
  for (const cidr of config.llmApiCidrs) agent.allowEgressTo(Peer.cidr(cidr), 443);
  agent.allowEgressToVault();
  agent.addVaultSecrets({
    mode: 'injector',
    items: [{ name: 'openai', mount: 'kv', path: `agents/${agent.agentName}/openai`, keys: ['api_key'] }],
  });
  return agent;
}

function buildToolRunner(ns: AgentNamespace, slot: number): HardenedAgent {
  const agent = new HardenedAgent(ns, `tool-runner-${slot}`, {
    image: config.images.toolRunner,
    ports: [{ name: 'http', port: 8081 }],
    replicas: 2,
    config: { MAX_CONCURRENT_TOOLS: '4' },
  });
  agent.allowEgressToVault();
  agent.grantApiAccess({ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] });
  agent.addVaultSecrets({
    mode: 'operator',
    items: [{ name: 'tools', mount: 'kv', path: `agents/${agent.agentName}/tools`, keys: ['token'] }],
  });
  return agent;
}

function connect(assistant: HardenedAgent, toolRunner: HardenedAgent): void {
  toolRunner.allowIngressFrom(assistant, 'http');
  assistant.allowEgressTo(toolRunner, 'http');
}
