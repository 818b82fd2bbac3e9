import { Construct } from 'constructs';
import { AgentNamespace } from '../lib/namespace';
import { AgentPlatform } from '../lib/platform';
import { HardenedAgent } from '../lib/workload';
import { DEFAULT_PLATFORM_CONFIG, PlatformConfig } from './config';

/** The constructs of the default platform, for tests and for the Pulumi program. */
export interface DefaultPlatform {
  readonly platform: AgentPlatform;
  readonly namespace: AgentNamespace;
  readonly assistant: HardenedAgent;
  readonly toolRunner: HardenedAgent;
}

/**
 * The built-in example: one agent namespace with an `assistant` that calls an LLM API and a
 * `tool-runner` it delegates work to.
 */
export function buildDefaultPlatform(
  scope: Construct,
  config: PlatformConfig = DEFAULT_PLATFORM_CONFIG,
): DefaultPlatform {
  const platform = new AgentPlatform(scope, 'platform', config.cluster);
  const namespace = new AgentNamespace(platform, config.namespace);

  const assistant = new HardenedAgent(namespace, 'assistant', {
    image: config.images.assistant,
    ports: [{ name: 'http', port: 8080 }],
    replicas: 3,
    resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '512Mi', limit: '1Gi' } },
    config: { LLM_PROVIDER: 'openai', LLM_MODEL: 'gpt-4.1', TOOL_RUNNER_URL: 'http://tool-runner:8081' },
    writablePaths: ['/tmp', '/home/agent/.cache'],
  });
  // assistant-integrations

  const toolRunner = new HardenedAgent(namespace, 'tool-runner', {
    image: config.images.toolRunner,
    ports: [{ name: 'http', port: 8081 }],
    replicas: 2,
    config: { MAX_CONCURRENT_TOOLS: '4' },
  });
  // tool-runner-integrations

  // platform-integrations
  return { platform, namespace, assistant, toolRunner };
}
