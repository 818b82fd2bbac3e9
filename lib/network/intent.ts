/**
 * Network intent as users declare it (peers and ports), and its validation into a resolved form
 * the renderers turn into NetworkPolicies, CiliumNetworkPolicies and Istio AuthorizationPolicies.
 * Every refusal happens here, at construct time, with the field and the reason.
 */
import { IConstruct } from 'constructs';
import {
  AUTO_EXCEPT_CIDRS,
  NAMESPACE_NAME_LABEL,
  AddressSet,
  WIDE_PORT_RANGE,
  isWidePortRange,
  ipBlockProblems,
  internetWide,
  cidrContains,
  invalidProp,
  parseCidr,
  requireDnsLabel,
  requireInteger,
  requireLabelValue,
  requireOneOf,
  requirePortName,
} from '../core';

export type NetworkProtocol = 'TCP' | 'UDP' | 'SCTP';
export const NETWORK_PROTOCOLS: readonly NetworkProtocol[] = ['TCP', 'UDP', 'SCTP'];

/** A port an agent listens on, as the network layer needs it. */
export interface AgentPeerPort {
  readonly name: string;
  readonly port: number;
  readonly protocol?: NetworkProtocol;
}

/** An agent as a network peer. A `HardenedAgent` satisfies this interface. */
export interface AgentPeerRef {
  readonly agentName: string;
  readonly namespace: { readonly name: string };
  readonly selectorLabels: Record<string, string>;
  readonly serviceAccountName: string;
  readonly ports: readonly AgentPeerPort[];
}

/** Pods selected by labels, in the policy's own namespace unless `namespace` is given. */
export interface PodsPeer {
  readonly pods: Record<string, string>;
  /** Namespace of the pods. @default the agent's own namespace */
  readonly namespace?: string;
  /** ServiceAccount of the pods; needed only under a mesh, where callers are identified by it. @default none */
  readonly serviceAccount?: string;
}

/** Every pod of a namespace, selected by its `kubernetes.io/metadata.name` label. */
export interface NamespacePeer {
  readonly namespace: string;
}

/** An address range outside the cluster. */
export interface CidrPeer {
  readonly cidr: string;
  /** Sub-ranges to leave out. Cloud metadata ranges inside `cidr` are always left out. @default none */
  readonly except?: readonly string[];
  /**
   * Where the range is (`'eu'`, `'us-east-1'`): an agent with personal data may only reach ranges in
   * its declared regions. @default undeclared: refused for agents with personal data
   */
  readonly region?: string;
}

/** Another agent, referenced directly (cross-namespace references work). */
export interface AgentPeer {
  readonly agent: AgentPeerRef;
}

export type NetworkPeer = AgentPeer | PodsPeer | NamespacePeer | CidrPeer;

/** Peer factories, for readable call sites: `agent.allowEgressTo(Peer.cidr('203.0.113.0/24'), 443)`. */
export class Peer {
  public static agent(agent: AgentPeerRef): AgentPeer {
    return { agent };
  }
  public static namespace(name: string): NamespacePeer {
    return { namespace: name };
  }
  public static pods(
    labels: Record<string, string>,
    options: { namespace?: string; serviceAccount?: string } = {},
  ): PodsPeer {
    return { pods: labels, ...options };
  }
  public static cidr(cidr: string, except?: readonly string[], region?: string): CidrPeer {
    return { cidr, except, region };
  }
}

/** A port: a number, a container port name, or a port with protocol and optional range end. */
export type PortRef =
  number | string | { readonly port: number | string; readonly protocol?: NetworkProtocol; readonly endPort?: number };

export interface IngressIntent {
  /** Who may connect. */
  readonly from: AgentPeerRef | NetworkPeer;
  /** Ports of this agent, by name or number. @default every port the agent declares */
  readonly ports?: readonly PortRef[];
}

export interface EgressIntent {
  /** Where the agent may connect. */
  readonly to: AgentPeerRef | NetworkPeer;
  /** Destination ports. @default every port the target agent declares; required for other peers */
  readonly ports?: readonly PortRef[];
}

export interface FqdnEgress {
  /** A DNS name (`api.openai.com`) or a one-label wildcard (`*.openai.com`). */
  readonly fqdn: string;
  /** @default [443] (TCP) */
  readonly ports?: readonly PortRef[];
  /** Where the name's servers are; see {@link CidrPeer.region}. @default undeclared */
  readonly region?: string;
}

export interface InternetEgress {
  /** @default [443] (TCP) */
  readonly ports?: readonly PortRef[];
  /** Also allow `::/0`. @default true */
  readonly ipv6?: boolean;
}

/** Declarative network intent of an agent. Everything not declared here or granted later is denied. */
export interface AgentNetworkProps {
  /** Who may connect to the agent. @default nobody */
  readonly ingress?: readonly IngressIntent[];
  /** Agents, namespaces, pods and CIDRs the agent may connect to. DNS is always allowed. @default DNS only */
  readonly egress?: readonly EgressIntent[];
  /** DNS names the agent may connect to. Needs `cni: 'cilium'`. @default none */
  readonly fqdns?: readonly FqdnEgress[];
  /** Allow TCP to the Vault server pods (injector mode, where the pod talks to Vault). @default false */
  readonly vault?: boolean;
  /** Allow the public internet (metadata and private ranges excepted). @default undefined: no internet */
  readonly internet?: InternetEgress;
}

/** A port after validation. `port` undefined means every port of the protocol. */
export interface ResolvedPort {
  readonly protocol: NetworkProtocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** A peer after validation. `namespace` undefined means the policy's own namespace. */
export type ResolvedPeer =
  | {
      readonly kind: 'selector';
      readonly namespace?: string;
      readonly podLabels?: Record<string, string>;
      readonly principal?: string;
    }
  | { readonly kind: 'ipBlock'; readonly cidr: string; readonly except: readonly string[] };

export interface ResolvedRule {
  readonly peers: readonly ResolvedPeer[];
  readonly ports: readonly ResolvedPort[];
}

/** The SPIFFE trust domain of mesh identities. */
export const MESH_TRUST_DOMAIN = 'cluster.local';
export const DEFAULT_EXTERNAL_PORTS: readonly PortRef[] = [443];

type Scope = IConstruct | string;

export function isAgentRef(x: AgentPeerRef | NetworkPeer): x is AgentPeerRef {
  return typeof x === 'object' && x !== null && 'agentName' in x && 'selectorLabels' in x;
}

export function meshPrincipal(namespace: string, serviceAccount: string): string {
  return `${MESH_TRUST_DOMAIN}/ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * Validates a CIDR block and its exceptions. Link-local and metadata ranges strictly inside it are
 * added to `except`. What the block still reaches is judged by the caller, which knows the ports
 * and the agent's other blocks ({@link checkAddressSet}).
 */
export function resolveCidr(scope: Scope, field: string, cidr: unknown, except: readonly unknown[] = []): ResolvedPeer {
  const block = requireCidr(scope, `${field}.cidr`, cidr);
  if (block.prefix === 0) {
    invalidProp(
      scope,
      `${field}.cidr`,
      cidr,
      "a bounded range; for the public internet use 'internet' (allowEgressToInternet), which excepts metadata and private ranges",
      'a /0 block reaches cloud metadata and every private network',
    );
  }
  const excepts = except.map((e, i) => {
    const inner = requireCidr(scope, `${field}.except[${i}]`, e);
    if (!cidrContains(block, inner) || inner.prefix === block.prefix)
      invalidProp(scope, `${field}.except[${i}]`, e, `a range strictly inside ${block.text}`);
    return inner.text;
  });
  for (const text of AUTO_EXCEPT_CIDRS) {
    const range = parseCidr(text)!;
    const covered = excepts.some((e) => cidrContains(parseCidr(e)!, range));
    if (cidrContains(block, range) && block.prefix < range.prefix && !covered) excepts.push(range.text);
  }
  return { kind: 'ipBlock', cidr: block.text, except: excepts };
}

/**
 * Refuses egress an agent must not have, with the checks of the rule engine (lib/core/metadata.ts)
 * so a grant and a scan judge the same address set: a block reaching cloud metadata or link-local
 * besides NodeLocal DNS (169.254.169.254/32 on port 53 only with the platform setting
 * metadataDns), a block opening the internet together with private ranges, and a union of the
 * agent's blocks as wide as the internet (use allowEgressToInternet, which excepts them all).
 */
export function checkAddressSet(
  scope: Scope,
  field: string,
  value: unknown,
  block: AddressSet,
  union: AddressSet,
  metadataDns: boolean,
): void {
  const problem = ipBlockProblems(block, { metadataDns })[0];
  if (problem)
    invalidProp(
      scope,
      field,
      value,
      'a range without cloud metadata or link-local addresses (only NodeLocal DNSCache 169.254.20.10/32; 169.254.169.254/32 on port 53 with the platform setting metadataDns)',
      `it ${problem.message}`,
    );
  const wide = internetWide(union);
  if (wide.length > 0)
    invalidProp(
      scope,
      field,
      value,
      "a bounded range; for the public internet use 'internet' (allowEgressToInternet), which excepts metadata and private ranges",
      `it opens the IPv${wide[0]} internet (alone or with the agent's other ranges)`,
    );
}

export function requireCidr(scope: Scope, field: string, value: unknown) {
  const block = typeof value === 'string' ? parseCidr(value) : undefined;
  if (!block) invalidProp(scope, field, value, "a CIDR block such as '203.0.113.0/24' or '2001:db8::/32'");
  if (block.hostBitsSet)
    invalidProp(
      scope,
      field,
      value,
      `the network address with host bits cleared ('${block.text}')`,
      'host bits set usually mean a typo in the prefix',
    );
  return block;
}

function requireLabels(scope: Scope, field: string, labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Object.keys(labels).length === 0) {
    invalidProp(scope, field, labels, 'a non-empty map of labels', 'an empty selector matches every pod');
  }
  for (const [key, value] of Object.entries(labels)) requireLabelValue(scope, `${field}.${key}`, value);
  return { ...(labels as Record<string, string>) };
}

/** Resolves a peer relative to the namespace of the policy that references it. */
export function resolvePeer(
  scope: Scope,
  field: string,
  peer: AgentPeerRef | NetworkPeer,
  ownNamespace: string,
): ResolvedPeer {
  if (typeof peer !== 'object' || peer === null)
    invalidProp(scope, field, peer, 'an agent, Peer.agent(), Peer.namespace(), Peer.pods() or Peer.cidr()');
  if (isAgentRef(peer) || 'agent' in peer) {
    const agent = isAgentRef(peer) ? peer : peer.agent;
    const namespace = agent.namespace.name;
    return {
      kind: 'selector',
      namespace: namespace === ownNamespace ? undefined : namespace,
      podLabels: { ...agent.selectorLabels },
      principal: meshPrincipal(namespace, agent.serviceAccountName),
    };
  }
  if ('cidr' in peer) return resolveCidr(scope, field, peer.cidr, peer.except);
  if ('pods' in peer) {
    const namespace =
      peer.namespace === undefined ? undefined : requireDnsLabel(scope, `${field}.namespace`, peer.namespace);
    const sa =
      peer.serviceAccount === undefined
        ? undefined
        : requireDnsLabel(scope, `${field}.serviceAccount`, peer.serviceAccount);
    return {
      kind: 'selector',
      namespace: namespace === ownNamespace ? undefined : namespace,
      podLabels: requireLabels(scope, `${field}.pods`, peer.pods),
      principal: sa ? meshPrincipal(namespace ?? ownNamespace, sa) : undefined,
    };
  }
  if ('namespace' in peer)
    return { kind: 'selector', namespace: requireDnsLabel(scope, `${field}.namespace`, peer.namespace) };
  return invalidProp(scope, field, peer, 'an agent, Peer.agent(), Peer.namespace(), Peer.pods() or Peer.cidr()');
}

/** Validates one port; `named` says whether a port name makes sense for the destination. */
export function resolvePort(scope: Scope, field: string, ref: PortRef, named: boolean): ResolvedPort {
  const spec = typeof ref === 'object' && ref !== null ? ref : { port: ref };
  const protocol = requireOneOf(scope, `${field}.protocol`, spec.protocol ?? 'TCP', NETWORK_PROTOCOLS);
  if (typeof spec.port === 'string') {
    if (!named)
      invalidProp(
        scope,
        `${field}.port`,
        spec.port,
        'a port number: names resolve only against container ports of pods, not external addresses',
      );
    requirePortName(scope, `${field}.port`, spec.port);
    if (spec.endPort !== undefined)
      invalidProp(scope, `${field}.endPort`, spec.endPort, 'no endPort with a named port');
    return { protocol, port: spec.port };
  }
  const port = requireInteger(scope, `${field}.port`, spec.port, 1, 65535);
  if (spec.endPort === undefined) return { protocol, port };
  const endPort = requireInteger(scope, `${field}.endPort`, spec.endPort, port, 65535);
  if (isWidePortRange(port, endPort))
    invalidProp(
      scope,
      `${field}.endPort`,
      endPort,
      `a range of fewer than ${WIDE_PORT_RANGE} ports, or the single ports needed`,
      `${port}-${endPort} is every port by another spelling (the rule engine judges it as a port-less allow-all)`,
    );
  return { protocol, port, endPort };
}

/** Finds the agent port a reference points at, by name or number. */
export function findAgentPort(ports: readonly AgentPeerPort[], ref: PortRef): AgentPeerPort | undefined {
  const spec = typeof ref === 'object' && ref !== null ? ref : { port: ref };
  return ports.find(
    (p) =>
      (typeof spec.port === 'string' ? p.name === spec.port : p.port === spec.port) &&
      (spec.protocol === undefined || (p.protocol ?? 'TCP') === spec.protocol),
  );
}

/**
 * Resolves ports on an agent (the policy's own agent for ingress, the target for egress): each
 * must be a declared port, and no ports means all of them. Returned by name, so the policy follows
 * the container port.
 */
export function resolveAgentPorts(
  scope: Scope,
  field: string,
  agent: AgentPeerRef,
  refs: readonly PortRef[] | undefined,
): AgentPeerPort[] {
  if (agent.ports.length === 0)
    invalidProp(scope, field, refs, `an agent that listens: '${agent.agentName}' declares no ports`);
  if (refs === undefined) return [...agent.ports];
  if (!Array.isArray(refs) || refs.length === 0)
    invalidProp(scope, field, refs, 'a non-empty list of ports, or none for every declared port');
  return refs.map((ref, i) => {
    if (typeof ref === 'object' && ref !== null && ref.endPort !== undefined)
      invalidProp(scope, `${field}[${i}].endPort`, ref.endPort, `single declared ports of '${agent.agentName}'`);
    const port = findAgentPort(agent.ports, ref);
    if (!port)
      invalidProp(
        scope,
        `${field}[${i}]`,
        ref,
        `a port '${agent.agentName}' declares: ${agent.ports.map((p) => `${p.name} (${p.port})`).join(', ')}`,
      );
    return port;
  });
}

export function resolvePorts(
  scope: Scope,
  field: string,
  refs: readonly PortRef[] | undefined,
  named: boolean,
): ResolvedPort[] {
  if (refs === undefined || !Array.isArray(refs) || refs.length === 0) {
    invalidProp(
      scope,
      field,
      refs,
      'at least one port, e.g. [443]',
      'an all-ports allow opens every service at the destination',
    );
  }
  return refs.map((ref, i) => resolvePort(scope, `${field}[${i}]`, ref, named));
}

export function portsOfAgent(ports: readonly AgentPeerPort[]): ResolvedPort[] {
  return ports.map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.name }));
}

/** The selector form of a resolved peer, as NetworkPolicy peers write it. */
export function namespaceSelectorFor(namespace: string): { matchLabels: Record<string, string> } {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } };
}

const FQDN = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS name or a one-label wildcard; a bare `*` would allow every name. */
export function requireFqdn(scope: Scope, field: string, value: unknown): string {
  // DNS caps each label at 63 characters (RFC 1035); Cilium refuses longer ones when the policy is applied.
  if (
    typeof value !== 'string' ||
    value.length > 253 ||
    !FQDN.test(value) ||
    value.split('.').some((l) => l.length > 63)
  ) {
    invalidProp(
      scope,
      field,
      value,
      "a lower-case DNS name such as 'api.openai.com', or a one-label wildcard such as '*.openai.com'",
    );
  }
  return value;
}

/**
 * The platform's LLM gateway agent, per construct tree (keyed by its root), so FQDN grants made
 * after the gateway exists can refuse provider domains without the network layer importing the
 * guardrails module.
 */
const LLM_GATEWAYS = new WeakMap<IConstruct, { readonly agentName: string }>();

export function registerLlmGateway(scope: IConstruct, gateway: { readonly agentName: string }): void {
  LLM_GATEWAYS.set(scope.node.root, gateway);
}

export function llmGatewayOf(scope: IConstruct): { readonly agentName: string } | undefined {
  return LLM_GATEWAYS.get(scope.node.root);
}
