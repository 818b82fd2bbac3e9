import { App, Testing } from 'cdk8s';
import { ClusterSettings } from '../../lib/core';
import { ImagePolicy } from '../../lib/image-policy';
import { AgentRuntimeRules } from '../../lib/runtime';
import { AgentNamespace, AgentNamespaceProps } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import {
  AgentTask,
  AgentTaskProps,
  AgentWorkload,
  HardenedAgent,
  HardenedAgentProps,
  ScheduledAgent,
  ScheduledAgentProps,
  StatefulAgent,
  StatefulAgentProps,
} from '../../lib/workload';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { KubeObject, appObjects } from '../helpers/synth';

export const IMAGE = `ghcr.io/acme-ai/bot:1.0.0@sha256:${'a'.repeat(64)}`;

export interface ShapeFixture {
  readonly app: App;
  readonly platform: AgentPlatform;
  readonly ns: AgentNamespace;
}

export function fixture(cluster: ClusterSettings = {}, nsProps: AgentNamespaceProps = {}): ShapeFixture {
  const app = Testing.app();
  const platform = new AgentPlatform(app, 'platform', {
    vaultDeliveryModes: ['injector', 'operator', 'csi'],
    vault: DEFAULT_PLATFORM_CONFIG.cluster.vault,
    ...cluster,
  });
  const ns = new AgentNamespace(platform, 'agents', nsProps);
  return { app, platform, ns };
}

/** Adds the ImagePolicy the agent pack requires over every agent namespace. */
export function addImagePolicy(f: ShapeFixture): void {
  new ImagePolicy(f.platform, 'ImagePolicy', { allowedPrefixes: ['ghcr.io/acme-ai/'] });
}

/**
 * The whole baseline every pack judges: an ImagePolicy whose Kyverno policies check signatures and
 * attestations (a VAP cannot), and Falco rules for every agent. Needs a fixture with
 * `imagePolicyEngines: ['vap', 'kyverno']` and `runtimeEngines: ['falco']` (see WATCHED_CLUSTER).
 */
export function withFullBaseline(f: ShapeFixture): KubeObject[] {
  const defaults = DEFAULT_PLATFORM_CONFIG.imagePolicy!;
  new ImagePolicy(f.platform, 'ImagePolicy', {
    allowedPrefixes: ['ghcr.io/acme-ai/'],
    signature: defaults.signature,
    attestations: defaults.attestations,
  });
  new AgentRuntimeRules(f.platform, 'RuntimeRules');
  return appObjects(f.app);
}

/** Cluster settings for {@link withFullBaseline}. */
export const WATCHED_CLUSTER: ClusterSettings = { imagePolicyEngines: ['vap', 'kyverno'], runtimeEngines: ['falco'] };

/** Adds the ImagePolicy, then synthesizes every object. */
export function withImagePolicy(f: ShapeFixture): KubeObject[] {
  addImagePolicy(f);
  return appObjects(f.app);
}

/** One entry per agent shape: its kind, how to build it with extra props, and its minimal props. */
export interface ShapeCase<P> {
  readonly name: string;
  readonly kind: 'Deployment' | 'CronJob' | 'Job' | 'StatefulSet';
  readonly build: (ns: AgentNamespace, id: string, props?: Partial<P>) => AgentWorkload;
}

export const SHAPES = {
  HardenedAgent: {
    name: 'HardenedAgent',
    kind: 'Deployment',
    build: (ns, id, props = {}) =>
      new HardenedAgent(ns, id, { image: IMAGE, ports: [{ name: 'http', port: 8080 }], ...props }),
  } as ShapeCase<HardenedAgentProps>,
  ScheduledAgent: {
    name: 'ScheduledAgent',
    kind: 'CronJob',
    build: (ns, id, props = {}) => new ScheduledAgent(ns, id, { image: IMAGE, schedule: '0 3 * * *', ...props }),
  } as ShapeCase<ScheduledAgentProps>,
  AgentTask: {
    name: 'AgentTask',
    kind: 'Job',
    build: (ns, id, props = {}) => new AgentTask(ns, id, { image: IMAGE, ...props }),
  } as ShapeCase<AgentTaskProps>,
  StatefulAgent: {
    name: 'StatefulAgent',
    kind: 'StatefulSet',
    build: (ns, id, props = {}) =>
      new StatefulAgent(ns, id, {
        image: IMAGE,
        ports: [{ name: 'http', port: 8080 }],
        storageSize: '10Gi',
        ...props,
      }),
  } as ShapeCase<StatefulAgentProps>,
} as const;

/** The new shapes (the Deployment has its own tests). */
export const NEW_SHAPES = [SHAPES.ScheduledAgent, SHAPES.AgentTask, SHAPES.StatefulAgent] as const;
export const ALL_SHAPES = [SHAPES.HardenedAgent, ...NEW_SHAPES] as const;
