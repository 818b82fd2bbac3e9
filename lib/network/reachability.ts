/**
 * Reachability over plain Kubernetes objects, with the NetworkPolicy semantics of the Kubernetes
 * documentation:
 * - a pod no policy selects (for a direction) is open in that direction;
 * - once selected, only the union of the selecting policies' rules applies;
 * - a connection needs the source's egress allow and the destination's ingress allow;
 * - `ipBlock.except` is honoured;
 * - `namespaceSelector` and `podSelector` in one peer are combined with AND.
 *
 * Pod IPs are not known from manifests, so ipBlock peers never match pods, and selector peers
 * never match addresses. A CIDR endpoint counts as allowed only when one ipBlock covers all of it.
 * Traffic from the pod's own node (always allowed by Kubernetes) is not modelled.
 *
 * Deliberately free of cdk8s and constructs, so the CLI and reviewers can use it on any manifests.
 */
import {
  AddressSet,
  Cidr,
  NAMESPACE_NAME_LABEL,
  ReachQueryError,
  hostCidr,
  ipBlockSet,
  labelSelectorMatches as selectorMatches,
  parseCidr,
} from '../core';

type Json = Record<string, unknown>;

/** Transport protocol of a flow, as NetworkPolicy spells it. */
export type FlowProtocol = 'TCP' | 'UDP' | 'SCTP';

/** A declared container port, used to resolve named ports in policy rules. */
export interface ContainerPortInfo {
  /** Port name. @default none (the port can only be matched by number) */
  readonly name?: string;
  /** Port number. */
  readonly containerPort: number;
  /** Transport protocol (TCP when the manifest omits it). */
  readonly protocol: FlowProtocol;
}

/** Pods of one workload, or any pod described by its namespace and labels. */
export interface PodEndpoint {
  /** Discriminant: a pod endpoint. */
  readonly kind: 'pod';
  /** Namespace of the pods; its labels decide `namespaceSelector` matches. */
  readonly namespace: string;
  /** Pod labels, matched against `podSelector`s. */
  readonly labels: Record<string, string>;
  /** Container ports, to resolve named ports. @default none */
  readonly ports?: readonly ContainerPortInfo[];
  /** For messages: `Deployment agents/assistant`. @default none */
  readonly name?: string;
}

/** An address or range outside the cluster. */
export interface AddressEndpoint {
  /** Discriminant: an address endpoint. */
  readonly kind: 'address';
  /** An IP (`203.0.113.7`) or a CIDR (`203.0.113.0/24`). */
  readonly address: string;
}

/** One end of a flow: pods, or an address outside the cluster. */
export type Endpoint = PodEndpoint | AddressEndpoint;

/** A flow to test: from one endpoint to another on a port. */
export interface FlowQuery {
  /** Source of the connection. */
  readonly from: Endpoint;
  /** Destination of the connection. */
  readonly to: Endpoint;
  /** Destination port number. */
  readonly port: number;
  /** Transport protocol. @default 'TCP' */
  readonly protocol?: FlowProtocol;
}

/** A NetworkPolicy found in the manifests. */
export interface PolicyRef {
  /** Namespace of the policy; it only selects pods there. */
  readonly namespace: string;
  /** Policy name, for `ns/name` references in results. */
  readonly name: string;
  /** The policy's raw `spec`. */
  readonly spec: Json;
}

/** The objects reachability needs, indexed once. */
export interface ClusterModel {
  /** Labels per declared namespace; undeclared ones get only `kubernetes.io/metadata.name`. */
  readonly namespaceLabels: ReadonlyMap<string, Record<string, string>>;
  /** Every NetworkPolicy. */
  readonly policies: readonly PolicyRef[];
  /** Every workload with a pod template, with its kind and name for lookups and messages. */
  readonly workloads: readonly (PodEndpoint & { readonly workloadKind: string; readonly workloadName: string })[];
}

/** The verdict of one side of a flow: the source's egress or the destination's ingress. */
export interface DirectionResult {
  /** Which side this is. */
  readonly direction: 'egress' | 'ingress';
  /** False when that side is an address: only pods have policies. */
  readonly applies: boolean;
  /** Policies (`ns/name`) that select the pod for this direction. Empty means the pod is open. */
  readonly selectedBy: readonly string[];
  /** Selecting policies with a rule that allows the flow, with the rule index: `ns/name#egress[2]`. */
  readonly allowedBy: readonly string[];
  /** True when the side is open (not selected) or a selecting policy allows the flow. */
  readonly allowed: boolean;
}

/** The verdict on a flow: allowed only when both egress and ingress allow it. */
export interface ReachResult {
  /** True when both directions allow the flow. */
  readonly allowed: boolean;
  /** The source's egress side. */
  readonly egress: DirectionResult;
  /** The destination's ingress side. */
  readonly ingress: DirectionResult;
  /** Human-readable lines: which policies allow or deny, per direction. */
  readonly explanation: readonly string[];
}

const rec = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const labelsOf = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(rec(v)).filter(([, x]) => typeof x === 'string')) as Record<string, string>;

/** Where a workload kind keeps its pod template. */
const POD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

function containerPorts(podSpec: Json): ContainerPortInfo[] {
  const containers = [...arr(podSpec.containers), ...arr(podSpec.initContainers)].map(rec);
  return containers.flatMap((c) =>
    arr(c.ports)
      .map(rec)
      .filter((p) => typeof p.containerPort === 'number')
      .map((p) => ({
        name: typeof p.name === 'string' ? p.name : undefined,
        containerPort: p.containerPort as number,
        protocol: (p.protocol ?? 'TCP') as FlowProtocol,
      })),
  );
}

/** Indexes namespaces, workloads and NetworkPolicies of a set of objects (other kinds are ignored). */
export function buildClusterModel(objects: readonly unknown[]): ClusterModel {
  const namespaceLabels = new Map<string, Record<string, string>>();
  const policies: PolicyRef[] = [];
  const workloads: ClusterModel['workloads'][number][] = [];
  for (const raw of objects) {
    const obj = rec(raw);
    const meta = rec(obj.metadata);
    const name = String(meta.name ?? '');
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : 'default';
    const kind = String(obj.kind ?? '');
    if (kind === 'Namespace') namespaceLabels.set(name, { ...labelsOf(meta.labels), [NAMESPACE_NAME_LABEL]: name });
    // extensions/v1beta1 NetworkPolicies have the same semantics; the API-RemovedVersion rule flags them.
    else if (kind === 'NetworkPolicy' && /^(networking\.k8s\.io|extensions)\//.test(String(obj.apiVersion)))
      policies.push({ namespace, name, spec: rec(obj.spec) });
    else if (kind in POD_TEMPLATE_PATHS) {
      const template = POD_TEMPLATE_PATHS[kind].reduce<Json>((node, key) => rec(node[key]), obj);
      const labels = labelsOf(rec(template.metadata).labels);
      workloads.push({
        kind: 'pod',
        namespace,
        labels,
        ports: containerPorts(rec(template.spec)),
        name: `${kind} ${namespace}/${name}`,
        workloadKind: kind,
        workloadName: name,
      });
    }
  }
  return { namespaceLabels, policies, workloads };
}

/** The pods of workload `namespace/name`; throws a ReachQueryError naming the candidates when it is missing or ambiguous. */
export function findWorkload(model: ClusterModel, namespace: string, name: string): PodEndpoint {
  const found = model.workloads.filter((w) => w.namespace === namespace && w.workloadName === name);
  if (found.length === 1) return found[0];
  const known = model.workloads.map((w) => `${w.namespace}/${w.workloadName}`).join(', ') || 'none';
  if (found.length === 0)
    throw new ReachQueryError(`no workload ${namespace}/${name} in the manifests (workloads: ${known})`);
  throw new ReachQueryError(
    `${namespace}/${name} names ${found.length} workloads (${found.map((w) => w.workloadKind).join(', ')}); names must be unique`,
  );
}

function namespaceLabelsOf(model: ClusterModel, namespace: string): Record<string, string> {
  // The API server sets this label on every namespace, declared in the manifests or not.
  return model.namespaceLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
}

function endpointCidr(endpoint: AddressEndpoint): Cidr | undefined {
  return endpoint.address.includes('/') ? parseCidr(endpoint.address) : hostCidr(endpoint.address);
}

function peerMatches(model: ClusterModel, policyNamespace: string, rawPeer: unknown, endpoint: Endpoint): boolean {
  const peer = rec(rawPeer);
  if (peer.ipBlock !== undefined) {
    if (endpoint.kind !== 'address') return false;
    // The same address-set semantics as the rule engine: excepts subtracted, IPv4-mapped IPv6 read as IPv4.
    const allowed = ipBlockSet(rec(peer.ipBlock).cidr, arr(rec(peer.ipBlock).except));
    const target = endpointCidr(endpoint);
    return allowed !== undefined && target !== undefined && allowed.covers(AddressSet.ofCidrs([target.text])!);
  }
  if (endpoint.kind !== 'pod' || (peer.namespaceSelector === undefined && peer.podSelector === undefined)) return false;
  const namespaceOk =
    peer.namespaceSelector === undefined
      ? endpoint.namespace === policyNamespace
      : selectorMatches(peer.namespaceSelector, namespaceLabelsOf(model, endpoint.namespace));
  return namespaceOk && (peer.podSelector === undefined || selectorMatches(peer.podSelector, endpoint.labels));
}

function portMatches(rawPort: unknown, port: number, protocol: FlowProtocol, destination: Endpoint): boolean {
  const p = rec(rawPort);
  if ((p.protocol ?? 'TCP') !== protocol) return false;
  if (p.port === undefined || p.port === null) return true;
  if (typeof p.port === 'string' && !/^\d+$/.test(p.port)) {
    // A named port means the destination pod's container port of that name and protocol.
    if (destination.kind !== 'pod') return false;
    return (destination.ports ?? []).some(
      (c) => c.name === p.port && c.protocol === protocol && c.containerPort === port,
    );
  }
  const start = Number(p.port);
  const end = typeof p.endPort === 'number' ? p.endPort : start;
  return port >= start && port <= end;
}

function policyTypes(spec: Json): string[] {
  if (Array.isArray(spec.policyTypes)) return spec.policyTypes.map(String);
  // API-server defaulting: Ingress always, Egress only when egress rules exist.
  return arr(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function evaluateDirection(
  model: ClusterModel,
  direction: 'egress' | 'ingress',
  self: Endpoint,
  other: Endpoint,
  query: FlowQuery,
): DirectionResult {
  if (self.kind !== 'pod') return { direction, applies: false, selectedBy: [], allowedBy: [], allowed: true };
  const type = direction === 'egress' ? 'Egress' : 'Ingress';
  const peerKey = direction === 'egress' ? 'to' : 'from';
  const destination = direction === 'egress' ? other : self;
  const protocol = query.protocol ?? 'TCP';
  const selecting = model.policies.filter(
    (p) =>
      p.namespace === self.namespace &&
      policyTypes(p.spec).includes(type) &&
      selectorMatches(p.spec.podSelector, self.labels),
  );
  const allowedBy: string[] = [];
  for (const policy of selecting) {
    arr(policy.spec[direction]).forEach((rawRule, i) => {
      const rule = rec(rawRule);
      const peers = arr(rule[peerKey]);
      const ports = arr(rule.ports);
      const peerOk = peers.length === 0 || peers.some((peer) => peerMatches(model, policy.namespace, peer, other));
      const portOk = ports.length === 0 || ports.some((p) => portMatches(p, query.port, protocol, destination));
      if (peerOk && portOk) allowedBy.push(`${policy.namespace}/${policy.name}#${direction}[${i}]`);
    });
  }
  const selectedBy = selecting.map((p) => `${p.namespace}/${p.name}`);
  return { direction, applies: true, selectedBy, allowedBy, allowed: selecting.length === 0 || allowedBy.length > 0 };
}

function describe(endpoint: Endpoint): string {
  return endpoint.kind === 'address'
    ? endpoint.address
    : (endpoint.name ?? `pods ${JSON.stringify(endpoint.labels)} in ${endpoint.namespace}`);
}

function explain(result: DirectionResult, self: Endpoint): string {
  const side = `${result.direction} of ${describe(self)}`;
  if (!result.applies) return `${side}: not subject to NetworkPolicy (not a pod)`;
  if (result.selectedBy.length === 0) return `${side}: allowed, no NetworkPolicy selects it for ${result.direction}`;
  if (result.allowed) return `${side}: allowed by ${result.allowedBy.join(', ')}`;
  return `${side}: denied; selected by ${result.selectedBy.join(', ')}, and no rule of theirs allows it`;
}

/** Whether `query` is allowed by the policies in `model`, and which policies decide it. */
export function evaluateFlow(model: ClusterModel, query: FlowQuery): ReachResult {
  for (const endpoint of [query.from, query.to]) {
    if (endpoint.kind === 'address' && !endpointCidr(endpoint))
      throw new ReachQueryError(`not an IP address or CIDR block: '${endpoint.address}'`);
  }
  const egress = evaluateDirection(model, 'egress', query.from, query.to, query);
  const ingress = evaluateDirection(model, 'ingress', query.to, query.from, query);
  const allowed = egress.allowed && ingress.allowed;
  const flow = `${describe(query.from)} -> ${describe(query.to)} port ${query.port}/${query.protocol ?? 'TCP'}`;
  return {
    allowed,
    egress,
    ingress,
    explanation: [
      `${allowed ? 'ALLOWED' : 'DENIED'}: ${flow}`,
      explain(egress, query.from),
      explain(ingress, query.to),
    ],
  };
}

/** Convenience over raw objects: builds the model and evaluates one flow. */
export function reach(objects: readonly unknown[], query: FlowQuery): ReachResult {
  return evaluateFlow(buildClusterModel(objects), query);
}

/** A peer that an ingress rule admits to a destination port. */
export interface IngressSource {
  /** `ns/name#ingress[i]`. */
  readonly rule: string;
  /** Who, in words: `any source`, an address block, or pods in namespaces. */
  readonly peer: string;
  /** True when the peer can lie outside the destination's namespace. */
  readonly outsideNamespace: boolean;
}

/** The ways into a destination port, from {@link ingressSources}. */
export interface IngressSources {
  /** No policy selects the destination for ingress: every source may connect. */
  readonly open: boolean;
  /** Each peer an ingress rule admits; empty when `open`, or when the selecting policies admit nothing. */
  readonly sources: readonly IngressSource[];
}

/** Gateway proxies, named by the labels their implementation puts on them (Envoy Gateway). */
const GATEWAY_PROXY_LABELS = {
  name: 'gateway.envoyproxy.io/owning-gateway-name',
  namespace: 'gateway.envoyproxy.io/owning-gateway-namespace',
} as const;

function describeSelector(selector: unknown): string {
  const sel = rec(selector);
  const parts = [
    ...Object.entries(labelsOf(sel.matchLabels)).map(([k, v]) => `${k}=${v}`),
    ...arr(sel.matchExpressions).map((e) => {
      const x = rec(e);
      return `${String(x.key)} ${String(x.operator)}${Array.isArray(x.values) ? ` (${x.values.join(', ')})` : ''}`;
    }),
  ];
  return parts.length ? `{${parts.join(', ')}}` : 'any';
}

function describePeer(policyNamespace: string, rawPeer: unknown): { text: string; outside: boolean } {
  const peer = rec(rawPeer);
  if (peer.ipBlock !== undefined) {
    const block = rec(peer.ipBlock);
    const except = arr(block.except).map(String);
    return {
      text: `addresses ${String(block.cidr)}${except.length ? ` except ${except.join(', ')}` : ''}`,
      outside: true,
    };
  }
  const podLabels = labelsOf(rec(peer.podSelector).matchLabels);
  const gwName = podLabels[GATEWAY_PROXY_LABELS.name];
  const gwNamespace = podLabels[GATEWAY_PROXY_LABELS.namespace];
  const pods =
    gwName && gwNamespace
      ? `proxies of Gateway ${gwNamespace}/${gwName}`
      : `pods ${describeSelector(peer.podSelector)}`;
  if (peer.namespaceSelector === undefined) return { text: `${pods} in namespace ${policyNamespace}`, outside: false };
  const nsName = labelsOf(rec(peer.namespaceSelector).matchLabels)[NAMESPACE_NAME_LABEL];
  const pinned = nsName !== undefined && Object.keys(rec(peer.namespaceSelector)).length === 1;
  return {
    text: `${pods} in ${pinned ? `namespace ${nsName}` : `namespaces ${describeSelector(peer.namespaceSelector)}`}`,
    outside: !(pinned && nsName === policyNamespace),
  };
}

/**
 * Every peer the NetworkPolicies admit to `to` on `port`: the answer to "what is the way in?".
 * An exposed agent should list only its gateway's proxies outside its namespace.
 */
export function ingressSources(
  model: ClusterModel,
  to: PodEndpoint,
  port: number,
  protocol: FlowProtocol = 'TCP',
): IngressSources {
  const selecting = model.policies.filter(
    (p) =>
      p.namespace === to.namespace &&
      policyTypes(p.spec).includes('Ingress') &&
      selectorMatches(p.spec.podSelector, to.labels),
  );
  const sources: IngressSource[] = [];
  for (const policy of selecting) {
    arr(policy.spec.ingress).forEach((rawRule, i) => {
      const rule = rec(rawRule);
      const ports = arr(rule.ports);
      if (ports.length > 0 && !ports.some((p) => portMatches(p, port, protocol, to))) return;
      const ref = `${policy.namespace}/${policy.name}#ingress[${i}]`;
      const peers = arr(rule.from);
      if (peers.length === 0) sources.push({ rule: ref, peer: 'any source', outsideNamespace: true });
      for (const peer of peers) {
        const { text, outside } = describePeer(policy.namespace, peer);
        sources.push({ rule: ref, peer: text, outsideNamespace: outside });
      }
    });
  }
  return { open: selecting.length === 0, sources };
}
