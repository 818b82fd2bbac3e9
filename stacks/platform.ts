import { Construct } from 'constructs';
import { DataDeclaration } from '../lib/core';
import { AgentGateway } from '../lib/gateway';
import { AgentGuardrails } from '../lib/guardrails';
import { AgentEdgeIdentity } from '../lib/identity';
import { ImagePolicy } from '../lib/image-policy';
import { AgentNamespace } from '../lib/namespace';
import { Peer } from '../lib/network';
import { AgentPlatform } from '../lib/platform';
import { AgentPeopleAccess } from '../lib/rbac';
import { AgentRuntimeRules } from '../lib/runtime';
import { HardenedAgent } from '../lib/workload';
import { DEFAULT_PLATFORM_CONFIG, PlatformConfig } from './config';

/** The LLM API is reached over HTTPS only. */
const LLM_API_PORT = 443;

/**
 * The assistant talks with users, so it processes their personal data: kept 30 days, sent only to
 * EU endpoints. Synth refuses any egress grant outside the EU for it.
 */
export const ASSISTANT_DATA: DataDeclaration = {
  categories: ['personal'],
  purposes: ['answer user questions', 'conversation history for follow-up questions'],
  lawfulBasis: 'contract',
  retentionDays: 30,
  regions: ['eu'],
};

/** The tool-runner receives the assistant's tool calls, which can carry the same personal data. */
export const TOOL_RUNNER_DATA: DataDeclaration = {
  categories: ['personal', 'credentials'],
  purposes: ['run tools on behalf of the assistant'],
  lawfulBasis: 'contract',
  retentionDays: 30,
  regions: ['eu'],
};

/** The constructs of the default platform, for tests and for the Pulumi program. */
export interface DefaultPlatform {
  readonly platform: AgentPlatform;
  readonly namespace: AgentNamespace;
  readonly assistant: HardenedAgent;
  readonly toolRunner: HardenedAgent;
  readonly runtimeRules: AgentRuntimeRules;
  /** The authenticating gateway in front of the assistant, when `config.edge` applies. */
  readonly gateway?: AgentGateway;
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
    data: ASSISTANT_DATA,
  });
  for (const cidr of config.llmApiCidrs)
    assistant.allowEgressTo(Peer.cidr(cidr, undefined, config.llmApiRegion), LLM_API_PORT);
  if (config.assistantIdentity && platform.settings.mesh === 'istio') {
    const { gatewayNamespace, ...identity } = config.assistantIdentity;
    new AgentEdgeIdentity(assistant, 'Identity', { ...identity, fromNamespaces: [gatewayNamespace] });
    assistant.allowIngressFrom(Peer.namespace(gatewayNamespace), 'http');
  }
  // Without a mesh, the gateway authenticates people (OIDC) and machines (JWT) before the assistant
  // sees a request; its proxy pods are the only peers outside the namespace the assistant admits.
  let gateway: AgentGateway | undefined;
  if (config.edge && platform.settings.mesh !== 'istio') {
    gateway = new AgentGateway(platform, 'gateway', config.edge.gateway);
    gateway.expose(assistant, config.edge.assistant);
  }
  // The LLM API key is read from Vault as a file; it never appears in env, a manifest or Git.
  assistant.addVaultSecrets({
    mode: config.vaultMode ?? 'injector',
    items: [
      { name: 'openai', mount: 'kv', path: 'agents/assistant/openai', keys: ['api_key'], fileName: 'openai-api-key' },
    ],
  });

  const toolRunner = new HardenedAgent(namespace, 'tool-runner', {
    image: config.images.toolRunner,
    ports: [{ name: 'http', port: 8081 }],
    replicas: 2,
    config: { MAX_CONCURRENT_TOOLS: '4' },
    data: TOOL_RUNNER_DATA,
  });
  // The tool-runner starts one-shot tool Jobs; it may read back their status but not touch pods or secrets.
  toolRunner.grantApiAccess({
    apiGroups: ['batch'],
    resources: ['jobs'],
    verbs: ['create', 'get', 'list', 'watch'],
    acknowledgeRisks: [
      {
        risk: 'workload-create',
        reason:
          'runs each tool call as a Job in the agent namespace, where Pod Security restricted and the image policy admit only hardened, pinned images',
      },
    ],
  });
  new AgentGuardrails(toolRunner, 'Guardrails', config.toolRunnerJobs);
  // A database user per lease, created and dropped by Vault; the operator renews it and restarts the pods on change.
  toolRunner.addVaultSecrets({
    mode: 'operator',
    items: [
      {
        name: 'db',
        kind: 'database',
        mount: 'database',
        path: 'tool-runner',
        keys: ['username', 'password'],
        database: {
          type: 'dynamic',
          dbName: 'tools',
          creationStatements: [
            `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
            'GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA tools TO "{{name}}";',
          ],
          defaultTtlSeconds: 3600,
          maxTtlSeconds: 86400,
        },
      },
    ],
  });
  // The credentials are for this database only, so that is the only place its pods may connect to.
  toolRunner.allowEgressTo(
    Peer.cidr(config.toolsDatabase.cidr, undefined, config.toolsDatabase.region),
    config.toolsDatabase.port,
  );

  // Both sides are needed: each agent's policy denies everything it does not declare.
  toolRunner.allowIngressFrom(assistant, 'http');
  assistant.allowEgressTo(toolRunner, 'http');
  new AgentPeopleAccess(namespace, 'people', config.people);
  // After every agent and grant: the rules are generated from what the agents declared.
  const runtimeRules = new AgentRuntimeRules(platform, 'RuntimeRules', config.runtimeRules);
  // After the namespaces it covers; agents are checked against it at synth.
  if (config.imagePolicy) new ImagePolicy(platform, 'ImagePolicy', config.imagePolicy);
  return { platform, namespace, assistant, toolRunner, gateway, runtimeRules };
}
