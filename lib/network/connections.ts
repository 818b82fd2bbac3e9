import { IConstruct } from 'constructs';
import type { AgentNetworkPolicy, NetworkGrant } from './agent-network';
import type { AgentPeerRef, PortRef } from './intent';

/** An agent as a party to a connection: a network peer with its own policies. */
export interface ConnectableAgent extends AgentPeerRef, IConstruct {
  /** The agent's policies, which receive both sides of a connection grant. */
  readonly network: AgentNetworkPolicy;
}

/** Both sides of one agent-to-agent connection. */
export interface ConnectionGrant {
  /** The caller's egress rule. */
  readonly egress: NetworkGrant;
  /** The callee's ingress rule. */
  readonly ingress: NetworkGrant;
}

/**
 * Agent-to-agent traffic in one call, like aws-cdk's `connections.allowTo`: every agent's policy
 * denies what it does not declare, so a connection needs egress on the caller and ingress on the
 * callee. `allowTo` adds both. Two-sided consent stays available: `allowEgressTo` on the caller and
 * `allowIngressFrom` on the callee, each declared by its own owner.
 *
 * ```ts
 * assistant.connections.allowTo(toolRunner, 'http');
 * ```
 */
export class AgentConnections {
  constructor(private readonly agent: ConnectableAgent) {}

  /**
   * Lets this agent call `other` on `port` (a port name or number `other` declares; all its ports
   * by default): egress on this agent, ingress on `other`.
   */
  public allowTo(other: ConnectableAgent, port?: PortRef): ConnectionGrant {
    return connect(this.agent, other, port);
  }

  /** Lets `other` call this agent on `port` (one this agent declares; all by default): ingress here, egress on `other`. */
  public allowFrom(other: ConnectableAgent, port?: PortRef): ConnectionGrant {
    return connect(other, this.agent, port);
  }
}

function connect(from: ConnectableAgent, to: ConnectableAgent, port: PortRef | undefined): ConnectionGrant {
  const ports = port === undefined ? undefined : [port];
  // Ingress first: it names the callee's declared ports, so a bad port is blamed on the callee's field.
  const ingress = to.network.addIngress(from, ports, 'connections.allowFrom');
  const egress = from.network.addEgress(to, ports, 'connections.allowTo');
  return { egress, ingress };
}
