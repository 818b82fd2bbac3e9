/**
 * The platform the scale benchmark synthesizes: N agents across N/10 namespaces, shaped like the
 * default platform's assistant and tool-runner, with every platform feature that exists turned on.
 */
import { App } from 'cdk8s';
import { AgentNamespace } from '../lib/namespace';
import { AgentPlatform } from '../lib/platform';
import { HardenedAgent } from '../lib/workload';
import { DEFAULT_PLATFORM_CONFIG } from '../stacks/config';

/** Agents per namespace: N agents land in N/10 namespaces. */
export const AGENTS_PER_NAMESPACE = 10;

/** Platform features the scale run switches on, in the order they were wired in. */
export const SCALE_FEATURES: readonly string[] = [];

/** Builds N agents across ceil(N/10) namespaces under one AgentPlatform. */
export function buildScalePlatform(app: App, agents: number): AgentPlatform {
  const platform = new AgentPlatform(app, 'platform', DEFAULT_PLATFORM_CONFIG.cluster);
  const namespaces = Math.ceil(agents / AGENTS_PER_NAMESPACE);
  for (let n = 0; n < namespaces; n++) {
    const ns = new AgentNamespace(platform, `team-${n}`);
    const count = Math.min(AGENTS_PER_NAMESPACE, agents - n * AGENTS_PER_NAMESPACE);
    for (let a = 0; a < count; a++) buildAgentPair(ns, a);
  }
  return platform;
}

/** Even slots are assistant-like (config, 3 replicas), odd slots tool-runner-like. */
function buildAgentPair(ns: AgentNamespace, slot: number): HardenedAgent {
  if (slot % 2 === 0) {
    return new HardenedAgent(ns, `assistant-${slot}`, {
      image: DEFAULT_PLATFORM_CONFIG.images.assistant,
      ports: [{ name: 'http', port: 8080 }],
      replicas: 3,
      resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '512Mi', limit: '1Gi' } },
      config: { LLM_PROVIDER: 'openai', LLM_MODEL: 'gpt-4.1', TOOL_RUNNER_URL: `http://tool-runner-${slot + 1}:8081` },
      writablePaths: ['/tmp', '/home/agent/.cache'],
    });
  }
  return new HardenedAgent(ns, `tool-runner-${slot}`, {
    image: DEFAULT_PLATFORM_CONFIG.images.toolRunner,
    ports: [{ name: 'http', port: 8081 }],
    replicas: 2,
    config: { MAX_CONCURRENT_TOOLS: '4' },
  });
}
