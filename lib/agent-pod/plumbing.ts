/**
 * Where features find an agent's plumbing. Internal: imported by sibling modules (lib/vault,
 * lib/guardrails, lib/rbac), never re-exported by lib/agent-pod/index.ts or lib/index.ts.
 */
import { invalidProp } from '../core';
import { AGENT_POD_BRAND, AgentPodPlumbing, IAgentPod } from './contract';

const PLUMBING = new WeakMap<IAgentPod, AgentPodPlumbing>();

/** Brands `agent` as an agent pod and registers its plumbing; called once by AgentPod's constructor. */
export function registerPodPlumbing(agent: IAgentPod, plumbing: AgentPodPlumbing): void {
  Object.defineProperty(agent, AGENT_POD_BRAND, { value: true });
  PLUMBING.set(agent, plumbing);
}

/** The plumbing of `agent`; refuses objects that only look like agents. */
export function podPlumbing(agent: IAgentPod): AgentPodPlumbing {
  const plumbing = PLUMBING.get(agent);
  if (!plumbing)
    invalidProp(
      agent,
      'agent',
      agent.node.path,
      'an agent shape of this library (HardenedAgent, ScheduledAgent, AgentTask, StatefulAgent or another AgentPod)',
    );
  return plumbing;
}
