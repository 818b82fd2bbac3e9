import { Construct } from 'constructs';
import { cidrOverlaps, dnsPatternReachesLlmProvider, invalidProp, parseCidr, requireInteger } from '../core';
import { ConnectionGrant, Peer, registerLlmGateway } from '../network';
import { IAgentPod, isAgentPod } from '../agent-pod/contract';
import { podPlumbing } from '../agent-pod/plumbing';
import { LLM_GATEWAY_LABEL } from '../common/guardrail-constants';

/** Props of {@link LlmGateway}: the gateway agent and the providers only it may reach. */
export interface LlmGatewayProps {
  /** The agent that fronts the LLM providers (content filtering, rate limits, keys). */
  readonly gateway: IAgentPod;
  /** Address ranges of the LLM providers. Only the gateway may reach them. */
  readonly providerCidrs: readonly string[];
  /**
   * Region of the providers' ranges (`'eu'`): a gateway that carries personal data may only reach
   * providers in its declared regions. @default undeclared
   */
  readonly providerRegion?: string;
  /** Port of the providers' APIs. @default 443 */
  readonly providerPort?: number;
  /** Name of the gateway port its clients call. @default the gateway's first port */
  readonly port?: string;
}

/**
 * The LLM egress gateway pattern: one agent reaches the LLM providers, every other agent reaches
 * the gateway instead. The gateway is then the single place for content filtering, rate limits and
 * provider keys; a prompt-injected agent cannot talk to a provider (or exfiltrate through one)
 * directly. Synth fails if any other agent of the platform can still reach a provider range.
 */
export class LlmGateway extends Construct {
  /** The agent that fronts the LLM providers. */
  public readonly gateway: IAgentPod;
  /** Address ranges of the LLM providers, reachable by the gateway alone. */
  public readonly providerCidrs: readonly string[];
  private readonly port: string;
  private readonly clients: IAgentPod[] = [];

  constructor(scope: Construct, id: string, props: LlmGatewayProps) {
    super(scope, id);
    this.gateway = props.gateway;
    if (props.providerCidrs.length === 0) invalidProp(this, 'providerCidrs', [], 'at least one provider CIDR');
    props.providerCidrs.forEach((cidr, i) => {
      if (parseCidr(cidr) === undefined)
        invalidProp(this, `providerCidrs[${i}]`, cidr, 'an IPv4 or IPv6 CIDR such as 203.0.113.0/24');
    });
    this.providerCidrs = props.providerCidrs;
    const providerPort = requireInteger(this, 'providerPort', props.providerPort ?? 443, 1, 65535);
    const port = props.port ?? this.gateway.ports[0]?.name;
    if (port === undefined || !this.gateway.ports.some((p) => p.name === port)) {
      invalidProp(
        this,
        'port',
        port,
        `a port the gateway declares: ${this.gateway.ports.map((p) => p.name).join(', ') || 'none (give the gateway a port)'}`,
      );
    }
    this.port = port;
    podPlumbing(this.gateway).addWorkloadLabel(LLM_GATEWAY_LABEL, 'true');
    registerLlmGateway(this, this.gateway);
    // FQDN grants made before the gateway existed: refused now, as later ones are at grant time.
    const early = this.fqdnBypasses()[0];
    if (early)
      invalidProp(
        early.agent,
        'allowEgressToFqdn.fqdn',
        early.fqdn,
        `a DNS name that is no LLM provider API; reach the providers through the LLM gateway '${this.gateway.agentName}' (LlmGateway.addClient)`,
        'FQDN egress to an LLM provider bypasses the gateway (the rule engine flags it as AGT-LlmGatewayBypass)',
      );
    for (const cidr of this.providerCidrs)
      this.gateway.allowEgressTo(Peer.cidr(cidr, undefined, props.providerRegion), providerPort);
    this.node.addValidation({ validate: () => this.directProviderAccess() });
  }

  /** Lets `agent` call the gateway (egress on the agent, ingress on the gateway); returns both rules. */
  public addClient(agent: IAgentPod): ConnectionGrant {
    if (agent === this.gateway)
      invalidProp(this, 'addClient', agent.agentName, 'an agent other than the gateway itself');
    const grant = agent.connections.allowTo(this.gateway, this.port);
    this.clients.push(agent);
    return grant;
  }

  private otherAgents(): IAgentPod[] {
    return this.gateway.platform.node.findAll().filter((c): c is IAgentPod => c !== this.gateway && isAgentPod(c));
  }

  /** FQDN egress of other agents that reaches an LLM provider. */
  private fqdnBypasses(): { agent: IAgentPod; fqdn: string }[] {
    return this.otherAgents().flatMap((agent) =>
      agent.network.egressFqdns.filter((f) => dnsPatternReachesLlmProvider(f)).map((fqdn) => ({ agent, fqdn })),
    );
  }

  /** Every agent but the gateway that can still reach a provider range (or name) directly. */
  private directProviderAccess(): string[] {
    const providers = this.providerCidrs.map((c) => parseCidr(c)!);
    const fqdns = this.fqdnBypasses().map(
      (b) =>
        `[${b.agent.node.path}] egress to ${b.fqdn} reaches an LLM provider directly; only the gateway '${this.gateway.agentName}' may. Use LlmGateway.addClient(agent) instead.`,
    );
    return [
      ...fqdns,
      ...this.otherAgents().flatMap((agent) =>
        agent.network.egressCidrs
          .filter((cidr) => providers.some((p) => cidrOverlaps(parseCidr(cidr)!, p)))
          .map(
            (cidr) =>
              `[${agent.node.path}] egress to ${cidr} reaches an LLM provider directly; only the gateway '${this.gateway.agentName}' may. Use LlmGateway.addClient(agent) instead.`,
          ),
      ),
    ];
  }
}
