import { Construct } from 'constructs';
import { ImagePolicy } from '../lib/image-policy';
import { AgentNamespace } from '../lib/namespace';
import { Peer } from '../lib/network';
import { AgentPlatform } from '../lib/platform';
import { AgentRuntimeRules } from '../lib/runtime';
import { AgentTask, ScheduledAgent, StatefulAgent } from '../lib/workload';
import { DEFAULT_PLATFORM_CONFIG } from './config';

/** The constructs of the agent-shapes example, for tests and docs. */
export interface AgentShapesExample {
  readonly platform: AgentPlatform;
  readonly namespace: AgentNamespace;
  /** A vector store the other agents remember things in: a StatefulSet with one volume per replica. */
  readonly memory: StatefulAgent;
  /** A nightly triage agent: a CronJob. */
  readonly triage: ScheduledAgent;
  /** A one-off evaluation run: a Job. */
  readonly evaluation: AgentTask;
}

const digest = (c: string) => `sha256:${c.repeat(64)}`;

/**
 * Agents that are not Deployments, in their own platform (the default platform's output stays as
 * it is): a stateful memory service, a scheduled triage agent and a one-off evaluation task, each
 * hardened by the same AgentPod and wired with the same network, Vault and image-policy contract.
 */
export function buildAgentShapesExample(scope: Construct): AgentShapesExample {
  const platform = new AgentPlatform(scope, 'shapes', {
    kubernetesVersion: '1.30',
    vaultDeliveryModes: ['injector', 'csi'],
    vault: DEFAULT_PLATFORM_CONFIG.cluster.vault,
    imagePolicyEngines: ['vap', 'kyverno'],
    runtimeEngines: ['falco'],
  });
  const namespace = new AgentNamespace(platform, 'research', {
    // Durable volumes count against the quota too: at most 4 claims and 100Gi in all.
    quota: { persistentvolumeclaims: '4', 'requests.storage': '100Gi' },
  });

  const memory = new StatefulAgent(namespace, 'memory', {
    image: `ghcr.io/acme-ai/memory:3.2.0@${digest('b')}`,
    ports: [{ name: 'http', port: 6333 }],
    storageSize: '20Gi',
    storageClassName: 'encrypted-ssd',
    dataPath: '/var/lib/memory',
    resources: { memory: { request: '1Gi', limit: '2Gi' } },
    // Notes about public issues, no personal data: the gdpr pack still wants the statement.
    data: { categories: ['public'], purposes: ['issue triage notes'] },
  });

  // Every night at 03:00 Berlin time the triage agent reads new issues, asks the LLM, and files its notes in memory.
  const triage = new ScheduledAgent(namespace, 'triage', {
    image: `ghcr.io/acme-ai/triage:2.0.1@${digest('c')}`,
    schedule: '0 3 * * *',
    timeZone: 'Europe/Berlin',
    activeDeadlineSeconds: 1800,
    data: { categories: ['public', 'credentials'], purposes: ['issue triage'] },
    secrets: {
      mode: 'injector',
      items: [{ name: 'github', mount: 'kv', path: 'agents/triage/github', keys: ['token'], fileName: 'github-token' }],
    },
  });
  triage.allowEgressTo(Peer.cidr('203.0.113.0/24'), 443);
  triage.connections.allowTo(memory, 'http');

  // A one-off evaluation against the same memory; its Job is deleted an hour after it finishes.
  const evaluation = new AgentTask(namespace, 'eval', {
    image: `ghcr.io/acme-ai/eval:0.9.0@${digest('d')}`,
    args: ['--suite', 'regression'],
    activeDeadlineSeconds: 3600,
    data: { categories: ['none'] },
    secrets: {
      mode: 'csi',
      items: [{ name: 'llm', mount: 'kv', path: 'agents/eval/llm', keys: ['api_key'], fileName: 'llm-api-key' }],
    },
  });
  evaluation.allowEgressTo(Peer.cidr('203.0.113.0/24'), 443);
  evaluation.connections.allowTo(memory, 'http');

  // Kyverno checks what a VAP cannot: signatures and attestations (scan, SBOM, provenance, base image).
  const defaults = DEFAULT_PLATFORM_CONFIG.imagePolicy!;
  new ImagePolicy(platform, 'ImagePolicy', {
    allowedPrefixes: ['ghcr.io/acme-ai/'],
    signature: defaults.signature,
    attestations: {
      ...defaults.attestations,
      provenance: {
        builderIds: ['https://github.com/actions/runner/github-hosted'],
        sourceRepositories: ['memory', 'triage', 'eval'].map((r) => `https://github.com/acme-ai/${r}`),
      },
    },
  });
  // After every agent: Falco rules from what each declared.
  new AgentRuntimeRules(platform, 'RuntimeRules');
  return { platform, namespace, memory, triage, evaluation };
}
