import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  CNI_CAPABILITIES,
  MESH_CAPABILITIES,
  dnsPatternReachesLlmProvider,
  findAgentNamespace,
  internetWide,
  invalidProp,
  ipBlockSet,
  PRIVACY_KEYS,
  requireEgressRegion,
  requireRegion,
  ResolvedClusterSettings,
  ResolvedDataDeclaration,
} from '../core';
import {
  AgentNetworkProps,
  AgentPeerRef,
  DEFAULT_EXTERNAL_PORTS,
  InternetEgress,
  NetworkPeer,
  PortRef,
  ResolvedPeer,
  ResolvedPort,
  ResolvedRule,
  checkAddressSet,
  isAgentRef,
  llmGatewayOf,
  portsOfAgent,
  requireFqdn,
  resolveAgentPorts,
  resolvePeer,
  resolvePorts,
} from './intent';
import {
  CILIUM_API_VERSION,
  ISTIO_SECURITY_API_VERSION,
  MeshIngressRule,
  NETWORK_POLICY_API_VERSION,
  ResolvedFqdn,
  internetEgressRule,
  renderAuthorizationPolicySpec,
  renderCiliumFqdnSpec,
  renderNetworkPolicySpec,
  renderPeerAuthenticationSpec,
} from './render';
import { AgentApiObject } from '../platform/api-object';

/** The agent a policy belongs to. A `HardenedAgent` satisfies this interface. */
export interface NetworkedAgent extends AgentPeerRef, IConstruct {
  /** Labels of the agent, copied onto its policy objects. */
  readonly labels: Record<string, string>;
  /** With personal data, every egress endpoint must be in one of its regions. @default undeclared */
  readonly dataDeclaration?: ResolvedDataDeclaration;
}

/** Where an agent may send data: one egress endpoint and its region, for the record of processing. */
export interface EgressEndpoint {
  /** What sort of endpoint: a CIDR, a DNS name, another workload in the cluster, or the internet. */
  readonly kind: 'cidr' | 'fqdn' | 'in-cluster' | 'internet';
  /** The CIDR, DNS name, `namespace/labels` or `internet`. */
  readonly endpoint: string;
  /** The endpoint's declared region. @default undefined (meaning undeclared) */
  readonly region?: string;
  /** Ports allowed to the endpoint. */
  readonly ports: readonly ResolvedPort[];
}

/**
 * Props of {@link AgentNetworkPolicy}: the agent, the cluster's capabilities, and its initial network intent.
 */
export interface AgentNetworkPolicyProps extends AgentNetworkProps {
  /** The agent whose pods the policies select. */
  readonly agent: NetworkedAgent;
  /** What the cluster can enforce (CNI, mesh, Vault endpoint, NodeLocal DNS). */
  readonly settings: ResolvedClusterSettings;
}

/**
 * What one network grant allowed, like aws-cdk's `Grant`: the caller can inspect the resolved peer
 * and ports and the policy that carries them. `added` is false when an identical rule was already
 * there (grants are idempotent).
 */
export interface NetworkGrant {
  /** Whether the grant lets traffic in or out. */
  readonly direction: 'ingress' | 'egress';
  /** The peers as they land in the policy; empty for FQDN grants. */
  readonly peers: readonly ResolvedPeer[];
  /** The DNS name, for FQDN grants. @default undefined (meaning not an FQDN grant) */
  readonly fqdn?: string;
  /** The ports allowed (every port of the rule). */
  readonly ports: readonly ResolvedPort[];
  /** The object that carries the rule: the NetworkPolicy, or the CiliumNetworkPolicy for FQDNs. */
  readonly policy: ApiObject;
  /**
   * The Istio AuthorizationPolicy that also carries an ingress grant under the mesh. @default undefined
   * (meaning no mesh, or an egress grant)
   */
  readonly authorizationPolicy?: ApiObject;
  /** False when the same rule had been granted before. */
  readonly added: boolean;
}

/** Construct id of the namespace-wide PeerAuthentication, created once per namespace. */
const PEER_AUTHENTICATION_ID = 'MeshPeerAuthentication';

/**
 * The network policies of one agent: a NetworkPolicy named after the agent (always), a
 * CiliumNetworkPolicy for FQDN egress (only on Cilium), and an Istio AuthorizationPolicy (only
 * under the mesh). Intent accumulates through the `add*` methods; the objects render it at synth.
 */
export class AgentNetworkPolicy extends Construct {
  /** The NetworkPolicy named after the agent; with no rules it allows no ingress and only DNS egress. */
  public readonly networkPolicy: ApiObject;
  /**
   * The Istio AuthorizationPolicy for mesh ingress; undefined unless the mesh enforces authorization
   * policies.
   */
  public readonly authorizationPolicy?: ApiObject;
  private readonly agent: NetworkedAgent;
  private readonly settings: ResolvedClusterSettings;
  private readonly ingress: ResolvedRule[] = [];
  private readonly egress: ResolvedRule[] = [];
  private readonly meshRules: MeshIngressRule[] = [];
  private readonly fqdns: ResolvedFqdn[] = [];
  private readonly seen = new Set<string>();
  private readonly endpoints: EgressEndpoint[] = [];
  private cilium?: ApiObject;

  constructor(scope: Construct, id: string, props: AgentNetworkPolicyProps) {
    super(scope, id);
    this.agent = props.agent;
    this.settings = props.settings;
    this.networkPolicy = new AgentApiObject(this, 'NetworkPolicy', {
      apiVersion: NETWORK_POLICY_API_VERSION,
      kind: 'NetworkPolicy',
      metadata: { name: this.agent.agentName, labels: this.agent.labels },
      spec: Lazy.any({
        produce: () =>
          renderNetworkPolicySpec({
            name: this.agent.agentName,
            selectorLabels: this.agent.selectorLabels,
            ingress: this.ingress,
            egress: this.egress,
            nodeLocalDns: this.settings.nodeLocalDns,
            metadataDns: this.settings.metadataDns,
          }),
      }),
    });
    if (MESH_CAPABILITIES[this.settings.mesh].authorizationPolicies)
      this.authorizationPolicy = this.createMeshPolicies();
    this.applyProps(props);
  }

  /** Address ranges this agent may reach (ipBlock peers of its egress rules), for cross-agent checks. */
  public get egressCidrs(): readonly string[] {
    return this.egress.flatMap((rule) => rule.peers.flatMap((peer) => (peer.kind === 'ipBlock' ? [peer.cidr] : [])));
  }

  /** Every egress endpoint granted, with its region (DNS excepted), in grant order. */
  public get egressEndpoints(): readonly EgressEndpoint[] {
    return this.endpoints;
  }

  /** DNS names this agent may reach (FQDN egress), for cross-agent checks. */
  public get egressFqdns(): readonly string[] {
    return this.fqdns.map((f) => f.fqdn);
  }

  /** The CiliumNetworkPolicy, once an FQDN has been allowed. */
  public get ciliumPolicy(): ApiObject | undefined {
    return this.cilium;
  }

  /** Lets `peer` connect to this agent's `ports` (names or numbers it declares; all of them by default). */
  public addIngress(
    peer: AgentPeerRef | NetworkPeer,
    ports?: readonly PortRef[],
    field = 'allowIngressFrom',
  ): NetworkGrant {
    const resolved = resolvePeer(this.agent, `${field}.peer`, peer, this.agent.namespace.name);
    if (resolved.kind === 'ipBlock' && internetWide(ipBlockSet(resolved.cidr, resolved.except)!).length > 0)
      invalidProp(
        this.agent,
        `${field}.peer.cidr`,
        'cidr' in peer ? peer.cidr : resolved.cidr,
        'a bounded range of callers; expose agents through the gateway',
        'it admits the internet (the rule engine flags it as AGT-NetworkPolicyScope)',
      );
    const agentPorts = resolveAgentPorts(this.agent, `${field}.ports`, this.agent, ports);
    const mesh = this.authorizationPolicy
      ? this.meshRule(
          field,
          resolved,
          agentPorts.map((p) => p.port),
        )
      : undefined;
    const rule = { peers: [resolved], ports: portsOfAgent(agentPorts) };
    const added = this.add(this.ingress, rule);
    if (added && mesh) this.meshRules.push(mesh);
    return this.grantOf('ingress', rule, added, this.authorizationPolicy);
  }

  /** Lets this agent connect to `peer`. For an agent, ports default to all it declares; otherwise they are required. */
  public addEgress(
    peer: AgentPeerRef | NetworkPeer,
    ports?: readonly PortRef[],
    field = 'allowEgressTo',
  ): NetworkGrant {
    const resolved = resolvePeer(this.agent, `${field}.peer`, peer, this.agent.namespace.name);
    const target = isAgentRef(peer) ? peer : 'agent' in peer ? peer.agent : undefined;
    const resolvedPorts = target
      ? portsOfAgent(resolveAgentPorts(this.agent, `${field}.ports`, target, ports))
      : resolvePorts(this.agent, `${field}.ports`, ports, resolved.kind === 'selector');
    if (resolved.kind === 'ipBlock')
      this.checkEgressUnion(field, resolved, resolvedPorts, 'cidr' in peer ? peer.cidr : resolved.cidr);
    const rule = { peers: [resolved], ports: resolvedPorts };
    const endpoint: EgressEndpoint =
      resolved.kind === 'ipBlock'
        ? {
            kind: 'cidr',
            endpoint: resolved.cidr,
            region: this.regionOf(`${field}.peer.region`, peer),
            ports: resolvedPorts,
          }
        : {
            kind: 'in-cluster',
            endpoint: selectorText(resolved),
            region: this.settings.clusterRegion,
            ports: resolvedPorts,
          };
    this.checkRegion(`${field}.peer`, endpoint);
    const added = this.add(this.egress, rule);
    if (added) this.recordEndpoint(endpoint, this.networkPolicy);
    return this.grantOf('egress', rule, added);
  }

  /** Lets this agent connect to a DNS name. Only Cilium can enforce this; other CNIs are refused. */
  public addFqdnEgress(
    fqdn: string,
    ports: readonly PortRef[] = DEFAULT_EXTERNAL_PORTS,
    field = 'allowEgressToFqdn',
    region?: string,
  ): NetworkGrant {
    const name = requireFqdn(this.agent, `${field}.fqdn`, fqdn);
    if (region !== undefined) requireRegion(this.agent, `${field}.region`, region);
    this.checkRegion(field, { kind: 'fqdn', endpoint: name, region, ports: [] });
    if (!CNI_CAPABILITIES[this.settings.cni].fqdnEgress) {
      invalidProp(
        this.agent,
        `${field}.fqdn`,
        fqdn,
        "FQDN egress only with the cluster setting cni: 'cilium' (CiliumNetworkPolicy toFQDNs); otherwise allow the provider's published CIDR ranges, e.g. allowEgressTo(Peer.cidr('203.0.113.0/24'), 443)",
        'a Kubernetes NetworkPolicy matches IP addresses only and cannot express DNS names; an allow nothing enforces would be silently ignored',
      );
    }
    const gateway = llmGatewayOf(this);
    if (gateway !== undefined && gateway !== this.agent && dnsPatternReachesLlmProvider(name)) {
      invalidProp(
        this.agent,
        `${field}.fqdn`,
        fqdn,
        `a DNS name that is no LLM provider API; reach the providers through the LLM gateway '${gateway.agentName}' (LlmGateway.addClient)`,
        'FQDN egress to an LLM provider bypasses the gateway (the rule engine flags it as AGT-LlmGatewayBypass)',
      );
    }
    const resolved = { fqdn: name, ports: resolvePorts(this.agent, `${field}.ports`, ports, false) };
    const key = JSON.stringify(resolved);
    const added = !this.seen.has(`fqdn:${key}`);
    if (added) {
      this.seen.add(`fqdn:${key}`);
      this.fqdns.push(resolved);
    }
    this.cilium ??= new AgentApiObject(this, 'CiliumNetworkPolicy', {
      apiVersion: CILIUM_API_VERSION,
      kind: 'CiliumNetworkPolicy',
      metadata: { name: `${this.agent.agentName}-fqdn`, labels: this.agent.labels },
      spec: Lazy.any({ produce: () => renderCiliumFqdnSpec(this.agent.selectorLabels, this.fqdns) }),
    });
    if (added) this.recordEndpoint({ kind: 'fqdn', endpoint: name, region, ports: resolved.ports }, this.cilium);
    return { direction: 'egress', peers: [], fqdn: name, ports: resolved.ports, policy: this.cilium, added };
  }

  /** Lets this agent reach the public internet; metadata and private ranges stay excepted. */
  public addInternetEgress(options: InternetEgress = {}, field = 'allowEgressToInternet'): NetworkGrant {
    const ports = resolvePorts(this.agent, `${field}.ports`, options.ports ?? DEFAULT_EXTERNAL_PORTS, false);
    // The internet has no region: an agent with personal data is refused it.
    const endpoint: EgressEndpoint = { kind: 'internet', endpoint: 'the public internet', ports };
    this.checkRegion(field, endpoint);
    const rule = internetEgressRule(ports, options.ipv6 ?? true);
    const added = this.add(this.egress, rule);
    if (added) this.recordEndpoint(endpoint, this.networkPolicy);
    return this.grantOf('egress', rule, added);
  }

  /** Lets this agent reach the Vault server pods: only in injector mode does the pod itself talk to Vault. */
  public addVaultEgress(field = 'allowEgressToVault'): NetworkGrant {
    if (!this.settings.vaultDeliveryModes.includes('injector')) {
      invalidProp(
        this.agent,
        field,
        this.settings.vaultDeliveryModes,
        "a platform with vaultDeliveryModes including 'injector'",
        'in operator and CSI modes the operator or the driver talks to Vault, so the agent needs no route to it',
      );
    }
    const vault = this.settings.vault;
    const namespace = vault.namespace === this.agent.namespace.name ? undefined : vault.namespace;
    const rule: ResolvedRule = {
      peers: [{ kind: 'selector', namespace, podLabels: { ...vault.podLabels } }],
      ports: [{ protocol: 'TCP', port: vault.port }],
    };
    const endpoint: EgressEndpoint = {
      kind: 'in-cluster',
      endpoint: selectorText(rule.peers[0]),
      region: this.settings.clusterRegion,
      ports: rule.ports,
    };
    this.checkRegion(field, endpoint);
    const added = this.add(this.egress, rule);
    if (added) this.recordEndpoint(endpoint, this.networkPolicy);
    return this.grantOf('egress', rule, added);
  }

  /** The one transfer check: a personal-data agent reaches only endpoints in its declared regions. */
  private checkRegion(field: string, endpoint: EgressEndpoint): void {
    requireEgressRegion(this.agent, field, this.agent.dataDeclaration, endpoint.endpoint, endpoint.region);
  }

  private regionOf(field: string, peer: AgentPeerRef | NetworkPeer): string | undefined {
    const region = !isAgentRef(peer) && 'cidr' in peer ? peer.region : undefined;
    return region === undefined ? undefined : requireRegion(this.agent, field, region);
  }

  /** Records the endpoint; regions of CIDRs and FQDNs go on their policy so scans of the manifest see them. */
  private recordEndpoint(endpoint: EgressEndpoint, policy: ApiObject): void {
    this.endpoints.push(endpoint);
    if (endpoint.kind !== 'cidr' && endpoint.kind !== 'fqdn') return;
    const regions: Record<string, string> = {};
    for (const e of this.endpoints)
      if (e.region !== undefined && (e.kind === 'fqdn') === (endpoint.kind === 'fqdn')) regions[e.endpoint] = e.region;
    const keys = Object.keys(regions).sort();
    if (keys.length === 0) return;
    policy.metadata.addAnnotation(
      PRIVACY_KEYS.egressRegions,
      JSON.stringify(Object.fromEntries(keys.map((k) => [k, regions[k]]))),
    );
  }

  private grantOf(
    direction: NetworkGrant['direction'],
    rule: ResolvedRule,
    added: boolean,
    authorizationPolicy?: ApiObject,
  ): NetworkGrant {
    return { direction, peers: rule.peers, ports: rule.ports, policy: this.networkPolicy, authorizationPolicy, added };
  }

  /**
   * Policies are additive: blocks that are harmless one by one can add up to the internet
   * (`0.0.0.0/2` four times over), so the union of the agent's CIDR egress is judged as well.
   */
  private checkEgressUnion(
    field: string,
    peer: Extract<ResolvedPeer, { kind: 'ipBlock' }>,
    ports: readonly ResolvedPort[],
    given: unknown,
  ): void {
    const block = ipBlockSet(peer.cidr, peer.except)!;
    const others = this.egress
      .flatMap((r) => r.peers)
      .filter((p): p is Extract<ResolvedPeer, { kind: 'ipBlock' }> => p.kind === 'ipBlock')
      // The internet rule is judged on its own: it excepts metadata and the private ranges.
      .filter((p) => p.cidr !== '0.0.0.0/0' && p.cidr !== '::/0');
    const union = others.reduce((acc, p) => acc.union(ipBlockSet(p.cidr, p.except)!), block);
    const dnsOnly = ports.length > 0 && ports.every((p) => p.port === 53 && (p.endPort ?? 53) === 53);
    checkAddressSet(this.agent, `${field}.peer.cidr`, given, block, union, this.settings.metadataDns && dnsOnly);
  }

  private add(list: ResolvedRule[], rule: ResolvedRule): boolean {
    const key = `${list === this.ingress ? 'in' : 'out'}:${JSON.stringify(rule)}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    list.push(rule);
    return true;
  }

  private meshRule(field: string, peer: ResolvedPeer, ports: readonly number[]): MeshIngressRule {
    if (peer.kind === 'ipBlock') return { ipBlocks: [peer.cidr], notIpBlocks: peer.except, ports };
    if (peer.principal) return { principals: [peer.principal], ports };
    if (peer.podLabels === undefined && peer.namespace !== undefined) return { namespaces: [peer.namespace], ports };
    return invalidProp(
      this.agent,
      `${field}.peer.serviceAccount`,
      undefined,
      'the ServiceAccount of the pods (Peer.pods(labels, { serviceAccount })), an agent, or a namespace',
      'Istio identifies callers by ServiceAccount, not by labels, so a label-only peer cannot be expressed in the AuthorizationPolicy',
    );
  }

  private createMeshPolicies(): ApiObject {
    const namespace = findAgentNamespace(this);
    if (!namespace.node.tryFindChild(PEER_AUTHENTICATION_ID)) {
      new AgentApiObject(namespace, PEER_AUTHENTICATION_ID, {
        apiVersion: ISTIO_SECURITY_API_VERSION,
        kind: 'PeerAuthentication',
        metadata: { name: 'default', labels: namespace.commonLabels('mesh') },
        spec: renderPeerAuthenticationSpec(),
      });
    }
    return new AgentApiObject(this, 'AuthorizationPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: this.agent.agentName, labels: this.agent.labels },
      spec: Lazy.any({ produce: () => renderAuthorizationPolicySpec(this.agent.selectorLabels, this.meshRules) }),
    });
  }

  private applyProps(props: AgentNetworkProps): void {
    (props.ingress ?? []).forEach((rule, i) => this.addIngress(rule.from, rule.ports, `network.ingress[${i}]`));
    (props.egress ?? []).forEach((rule, i) => this.addEgress(rule.to, rule.ports, `network.egress[${i}]`));
    (props.fqdns ?? []).forEach((rule, i) =>
      this.addFqdnEgress(rule.fqdn, rule.ports, `network.fqdns[${i}]`, rule.region),
    );
    if (props.vault) this.addVaultEgress('network.vault');
    if (props.internet) this.addInternetEgress(props.internet, 'network.internet');
  }
}

/** A selector peer as text, for the record of processing: `namespace/label=value,…`. */
function selectorText(peer: ResolvedPeer): string {
  if (peer.kind === 'ipBlock') return peer.cidr;
  const labels = Object.entries(peer.podLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${peer.namespace ?? '(own namespace)'}/${labels || '*'}`;
}
