import { Testing } from 'cdk8s';
import { AgentPlatformProps } from '../../lib/platform';
import { AgentPlatform } from '../../lib/platform';
import { AgentNamespace } from '../../lib/namespace';
import { HardenedAgent, HardenedAgentProps } from '../../lib/workload';

export const IMAGE = `ghcr.io/acme-ai/agent:1.0.0@sha256:${'a'.repeat(64)}`;

export function platform(props: AgentPlatformProps = {}): AgentPlatform {
  return new AgentPlatform(Testing.app(), 'platform', props);
}

export function agent(ns: AgentNamespace, id: string, props: Partial<HardenedAgentProps> = {}): HardenedAgent {
  return new HardenedAgent(ns, id, { image: IMAGE, ports: [{ name: 'http', port: 8080 }], ...props });
}

type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, unknown> };

/** Every object of the platform and its namespaces. */
export function synthAll(p: AgentPlatform): Obj[] {
  return [p, ...p.node.findAll().filter((c) => c !== p && AgentNamespace.isAgentNamespace(c))].flatMap((c) =>
    Testing.synth(c as AgentPlatform),
  ) as Obj[];
}

export function find(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}
