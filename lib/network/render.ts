/**
 * Pure renderers: resolved intent in, plain manifest objects out. The constructs only decide
 * when to call these, so every policy shape is testable without a construct tree.
 */
import {
  KUBE_DNS,
  METADATA_AND_PRIVATE_IPV4,
  METADATA_AND_PRIVATE_IPV6,
  METADATA_DNS_ADDRESS,
  NODE_LOCAL_DNS_IP,
} from '../core';
import { ResolvedPeer, ResolvedPort, ResolvedRule, namespaceSelectorFor } from './intent';

type Json = Record<string, unknown>;

/** apiVersion of the Kubernetes NetworkPolicy objects rendered here. */
export const NETWORK_POLICY_API_VERSION = 'networking.k8s.io/v1';
/** apiVersion of CiliumNetworkPolicy, used for FQDN egress. */
export const CILIUM_API_VERSION = 'cilium.io/v2';
/** apiVersion of Istio AuthorizationPolicy and PeerAuthentication, used under a mesh. */
export const ISTIO_SECURITY_API_VERSION = 'security.istio.io/v1';
/** The only mTLS mode that refuses plain-text traffic. */
export const MESH_MTLS_MODE = 'STRICT';

/** What one agent's policy covers. */
export interface AgentPolicyInput {
  /** Agent name, for object names. */
  readonly name: string;
  /** Pod labels the policy applies to. */
  readonly selectorLabels: Record<string, string>;
  /** Inbound allow rules. */
  readonly ingress: readonly ResolvedRule[];
  /** Outbound allow rules, besides the DNS egress every agent gets. */
  readonly egress: readonly ResolvedRule[];
  /** Also allow DNS to NodeLocal DNSCache (a hostNetwork pod on each node). */
  readonly nodeLocalDns: boolean;
  /** DNS at the metadata address (GKE Cloud DNS). @default false */
  readonly metadataDns?: boolean;
}

const DNS_PORTS: readonly ResolvedPort[] = [
  { protocol: 'UDP', port: KUBE_DNS.port },
  { protocol: 'TCP', port: KUBE_DNS.port },
];

/** DNS egress every agent gets: kube-dns, plus NodeLocal DNSCache (a hostNetwork pod) when enabled. */
export function dnsEgressRules(nodeLocalDns: boolean, metadataDns = false): ResolvedRule[] {
  const rules: ResolvedRule[] = [
    {
      peers: [
        {
          kind: 'selector',
          namespace: KUBE_DNS.namespaceLabels['kubernetes.io/metadata.name'],
          podLabels: { ...KUBE_DNS.podLabels },
        },
      ],
      ports: DNS_PORTS,
    },
  ];
  if (nodeLocalDns)
    rules.push({ peers: [{ kind: 'ipBlock', cidr: `${NODE_LOCAL_DNS_IP}/32`, except: [] }], ports: DNS_PORTS });
  // GKE Cloud DNS: the metadata address, on the DNS port only (the rule engine allows exactly this).
  if (metadataDns)
    rules.push({ peers: [{ kind: 'ipBlock', cidr: `${METADATA_DNS_ADDRESS}/32`, except: [] }], ports: DNS_PORTS });
  return rules;
}

/** The public internet, with cloud metadata and private ranges excepted. */
export function internetEgressRule(ports: readonly ResolvedPort[], ipv6: boolean): ResolvedRule {
  const peers: ResolvedPeer[] = [{ kind: 'ipBlock', cidr: '0.0.0.0/0', except: [...METADATA_AND_PRIVATE_IPV4] }];
  if (ipv6) peers.push({ kind: 'ipBlock', cidr: '::/0', except: [...METADATA_AND_PRIVATE_IPV6] });
  return { peers, ports };
}

function renderPeer(peer: ResolvedPeer): Json {
  if (peer.kind === 'ipBlock')
    return { ipBlock: peer.except.length > 0 ? { cidr: peer.cidr, except: [...peer.except] } : { cidr: peer.cidr } };
  const out: Json = {};
  if (peer.namespace !== undefined) out.namespaceSelector = namespaceSelectorFor(peer.namespace);
  // A namespace peer alone needs no podSelector; a same-namespace pod peer needs no namespaceSelector.
  if (peer.podLabels !== undefined) out.podSelector = { matchLabels: { ...peer.podLabels } };
  return out;
}

function renderPort(port: ResolvedPort): Json {
  const out: Json = { protocol: port.protocol };
  if (port.port !== undefined) out.port = port.port;
  if (port.endPort !== undefined) out.endPort = port.endPort;
  return out;
}

function renderRules(rules: readonly ResolvedRule[], peerKey: 'from' | 'to'): Json[] {
  return rules.map((rule) => {
    const out: Json = { [peerKey]: rule.peers.map(renderPeer) };
    if (rule.ports.length > 0) out.ports = rule.ports.map(renderPort);
    return out;
  });
}

/**
 * The agent's NetworkPolicy spec. Both policy types are always listed: without ingress rules the
 * agent accepts nothing, and egress is DNS plus what was declared.
 */
export function renderNetworkPolicySpec(input: AgentPolicyInput): Json {
  const spec: Json = { podSelector: { matchLabels: { ...input.selectorLabels } }, policyTypes: ['Ingress', 'Egress'] };
  if (input.ingress.length > 0) spec.ingress = renderRules(input.ingress, 'from');
  spec.egress = renderRules([...dnsEgressRules(input.nodeLocalDns, input.metadataDns), ...input.egress], 'to');
  return spec;
}

/** The namespace-wide default deny: every pod, both directions, and only DNS out. */
export function renderDefaultDenySpec(nodeLocalDns: boolean, metadataDns = false): Json {
  return {
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
    egress: renderRules(dnsEgressRules(nodeLocalDns, metadataDns), 'to'),
  };
}

/** One FQDN allow, resolved: a `matchName` or a `matchPattern`. */
export interface ResolvedFqdn {
  /** A DNS name, or a wildcard rendered as a Cilium `matchPattern`. */
  readonly fqdn: string;
  /** Destination ports. */
  readonly ports: readonly ResolvedPort[];
}

function ciliumPorts(ports: readonly ResolvedPort[]): Json[] {
  return [
    {
      ports: ports.map((p) => ({
        port: String(p.port),
        protocol: p.protocol,
        ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
      })),
    },
  ];
}

/**
 * A CiliumNetworkPolicy with `toFQDNs`. Cilium learns the IPs of the names from DNS answers, so
 * the DNS-proxy rule towards kube-dns is mandatory; `toFQDNs` rules carry no other L3 selector.
 */
export function renderCiliumFqdnSpec(selectorLabels: Record<string, string>, fqdns: readonly ResolvedFqdn[]): Json {
  const dnsProxy = {
    toEndpoints: [
      {
        matchLabels: {
          'k8s:io.kubernetes.pod.namespace': KUBE_DNS.namespaceLabels['kubernetes.io/metadata.name'],
          'k8s:k8s-app': KUBE_DNS.podLabels['k8s-app'],
        },
      },
    ],
    toPorts: [{ ports: [{ port: String(KUBE_DNS.port), protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }],
  };
  const fqdnRules = fqdns.map((f) => ({
    toFQDNs: [f.fqdn.includes('*') ? { matchPattern: f.fqdn } : { matchName: f.fqdn }],
    toPorts: ciliumPorts(f.ports),
  }));
  return { endpointSelector: { matchLabels: { ...selectorLabels } }, egress: [dnsProxy, ...fqdnRules] };
}

/** A mesh ingress allow: who (principals, namespaces or IP blocks) on which numeric ports. */
export interface MeshIngressRule {
  /** Mesh principals (see `meshPrincipal`) allowed. @default none */
  readonly principals?: readonly string[];
  /** Namespaces whose mesh workloads are allowed. @default none */
  readonly namespaces?: readonly string[];
  /** Source CIDR blocks allowed. @default none */
  readonly ipBlocks?: readonly string[];
  /** Source CIDR blocks excepted from `ipBlocks`. @default none */
  readonly notIpBlocks?: readonly string[];
  /** Numeric destination ports (AuthorizationPolicy does not resolve port names). */
  readonly ports: readonly number[];
}

/** An ALLOW AuthorizationPolicy; with no rules it allows nothing, like the NetworkPolicy. */
export function renderAuthorizationPolicySpec(
  selectorLabels: Record<string, string>,
  rules: readonly MeshIngressRule[],
): Json {
  const spec: Json = { selector: { matchLabels: { ...selectorLabels } }, action: 'ALLOW' };
  if (rules.length > 0) {
    spec.rules = rules.map((r) => {
      const source: Json = {};
      for (const key of ['principals', 'namespaces', 'ipBlocks', 'notIpBlocks'] as const)
        if (r[key]?.length) source[key] = [...r[key]!];
      return { from: [{ source }], to: [{ operation: { ports: r.ports.map(String) } }] };
    });
  }
  return spec;
}

/**
 * PeerAuthentication spec that requires mTLS (STRICT), so plain-text traffic cannot bypass the
 * AuthorizationPolicy.
 */
export function renderPeerAuthenticationSpec(): Json {
  return { mtls: { mode: MESH_MTLS_MODE } };
}
