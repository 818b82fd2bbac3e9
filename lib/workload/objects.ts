import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AgentPort } from '../agent-pod/props';
import { KubePodDisruptionBudget } from '../platform/api-object';

/** The Service ports of an agent: one per declared port, targeting it by name. */
export function servicePorts(ports: readonly AgentPort[]): k8s.ServicePort[] {
  return ports.map((p) => ({
    name: p.name,
    port: p.port,
    targetPort: k8s.IntOrString.fromString(p.name),
    protocol: p.protocol ?? 'TCP',
  }));
}

/** A PodDisruptionBudget for agents with more than one replica: one pod at a time, unhealthy pods always evictable. */
export function createPdb(
  agent: Construct & { agentName: string; labels: Record<string, string>; selectorLabels: Record<string, string> },
  replicas: number,
): ApiObject | undefined {
  if (replicas < 2) return undefined;
  return new KubePodDisruptionBudget(agent, 'PodDisruptionBudget', {
    metadata: { name: agent.agentName, labels: agent.labels },
    spec: {
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: agent.selectorLabels },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}
