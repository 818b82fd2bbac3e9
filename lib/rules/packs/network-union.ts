/**
 * NetworkPolicies are additive: an agent pod gets the union of every policy that selects it. Only
 * the agent's own policy (one per kind, carrying the agent's labels) and the namespace
 * default-deny (podSelector {}, DNS egress only) may select an agent pod; any other policy that
 * opens a flow for it widens the agent beside the construct's policy, and is an error.
 */
import { MANAGED_BY } from '../../core';
import { IndexedObject, ObjectSet } from '../object-set';
import { NSA, OWASP, SOC2 } from '../references';
import { Json, arr, isRecord, rec, recs, selectorMatches, str } from '../util';
import { FindingDraft } from '../types';
import { agentWorkloads, at, endpointSelectorOf, indexedOf, objectRule, podSelectorOf } from './helpers';

const INSTANCE = 'app.kubernetes.io/instance';

/** The pod selector of a NetworkPolicy or the endpoint selector of a CiliumNetworkPolicy. */
function selectorOf(policy: IndexedObject): unknown {
  const spec = rec(policy.object.spec);
  return policy.kind === 'NetworkPolicy' ? spec.podSelector : spec.endpointSelector;
}

/** True when the policy carries an agent's own labels: the construct's policy, or a forgery of it. */
function carriesAgentLabels(policy: IndexedObject, agentLabels: Record<string, string>): boolean {
  const l = policy.labels;
  return (
    l['app.kubernetes.io/managed-by'] === MANAGED_BY &&
    l['app.kubernetes.io/component'] === 'agent' &&
    l[INSTANCE] !== undefined &&
    l[INSTANCE] === agentLabels[INSTANCE]
  );
}

function isEmptySelector(selector: unknown): boolean {
  return (
    isRecord(selector) &&
    Object.keys(rec(selector.matchLabels)).length === 0 &&
    arr(selector.matchExpressions).length === 0
  );
}

function describeSelector(selector: unknown): string {
  if (!isRecord(selector) || isEmptySelector(selector)) return 'every';
  const labels = Object.entries(rec(selector.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  const exprs = recs(selector.matchExpressions).map(
    (e) => `${String(e.key)} ${String(e.operator)}${arr(e.values).length ? ` (${arr(e.values).join(',')})` : ''}`,
  );
  return [...labels, ...exprs].join(', ');
}

function describePorts(ports: unknown): string {
  const list = recs(ports);
  if (list.length === 0) return 'on every port';
  return `on ${list.map((p) => `${str(p.protocol) ?? 'TCP'}/${String(p.port ?? '*')}${p.endPort !== undefined ? `-${String(p.endPort)}` : ''}`).join(', ')}`;
}

function describePeer(peer: Json, namespace: string): string {
  if (isRecord(peer.ipBlock)) {
    const except = arr(rec(peer.ipBlock).except);
    return `${String(rec(peer.ipBlock).cidr)}${except.length ? ` except ${except.join(', ')}` : ''}`;
  }
  const pods = peer.podSelector === undefined ? 'every' : describeSelector(peer.podSelector);
  const ns =
    peer.namespaceSelector === undefined
      ? `namespace ${namespace}`
      : `namespaces ${describeSelector(peer.namespaceSelector)}`;
  return `pods ${pods === 'every' ? '(every pod)' : pods} in ${ns}`;
}

/** The flows a NetworkPolicy allows, one phrase per rule. */
function networkPolicyFlows(policy: IndexedObject): string[] {
  const spec = rec(policy.object.spec);
  const out: string[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const key = direction === 'ingress' ? 'from' : 'to';
    for (const r of recs(spec[direction])) {
      const peers = recs(r[key]);
      const who = peers.length ? peers.map((p) => describePeer(p, policy.namespace)).join('; ') : 'everything';
      out.push(`${direction} ${key} ${who} ${describePorts(r.ports)}`);
    }
  }
  return out;
}

/** The flows a CiliumNetworkPolicy allows, one phrase per rule. */
function ciliumFlows(policy: IndexedObject): string[] {
  const spec = rec(policy.object.spec);
  const out: string[] = [];
  for (const direction of ['ingress', 'egress', 'ingressDeny', 'egressDeny'] as const) {
    if (direction.endsWith('Deny')) continue;
    for (const r of recs(spec[direction])) {
      const peerKeys = Object.keys(r).filter((k) => k !== 'toPorts' && k !== 'fromPorts' && k !== 'icmps');
      const ports = recs(r.toPorts).flatMap((tp) => recs(tp.ports));
      out.push(
        `${direction} ${peerKeys.length ? peerKeys.map((k) => `${k} ${JSON.stringify(r[k])}`).join('; ') : 'everything'} ${describePorts(ports)}`,
      );
    }
  }
  return out;
}

/** True when every egress port is DNS (53) and the policy admits no ingress: the namespace default-deny. */
function dnsOnlyDefaultDeny(policy: IndexedObject): boolean {
  const spec = rec(policy.object.spec);
  if (!isEmptySelector(spec.podSelector) || recs(spec.ingress).length > 0) return false;
  return recs(spec.egress).every(
    (r) =>
      recs(r.ports).length > 0 &&
      recs(r.ports).every((p) => (p.port === 53 || p.port === '53') && (p.endPort === undefined || p.endPort === 53)),
  );
}

/** The flows a policy allows, one phrase per rule. */
function flowsOf(policy: IndexedObject): string[] {
  return policy.kind === 'NetworkPolicy' ? networkPolicyFlows(policy) : ciliumFlows(policy);
}

/** True when the policy allows some flow beyond what the namespace default-deny allows. */
function opensFlows(policy: IndexedObject): boolean {
  return flowsOf(policy).length > 0 && !(policy.kind === 'NetworkPolicy' && dnsOnlyDefaultDeny(policy));
}

const POLICY_KINDS = ['NetworkPolicy', 'CiliumNetworkPolicy'];

/**
 * The agent's own policy of a kind: the first selecting it that carries its labels (the
 * construct's); for a hand-written agent with no labelled policy of either kind, the first of the
 * kind selecting it that opens flows.
 */
function ownPolicy(
  set: ObjectSet,
  kind: string,
  namespace: string,
  agentLabels: Record<string, string>,
): IndexedObject | undefined {
  const selecting = (k: string) =>
    set.selecting(k, namespace, k === 'NetworkPolicy' ? podSelectorOf : endpointSelectorOf, agentLabels);
  const labelled = (k: string) => selecting(k).find((p) => carriesAgentLabels(p, agentLabels));
  const own = labelled(kind);
  if (own) return own;
  // An agent the constructs wrote has its labelled policy; only hand-written agents fall back.
  if (POLICY_KINDS.some((k) => labelled(k))) return undefined;
  return selecting(kind).find(opensFlows);
}

/** The agent pods (pod labels and a display name) in a namespace. */
function agentPods(set: ObjectSet, namespace: string): { name: string; labels: Record<string, string> }[] {
  return agentWorkloads(set, namespace).map((w) => ({ name: `${w.kind} ${w.name}`, labels: w.pod?.labels ?? {} }));
}

/** AGT-NetworkPolicyUnion: a policy beside the agent's own that opens flows for an agent pod, or forges its labels. */
export const networkUnion = objectRule(
  {
    id: 'AGT-NetworkPolicyUnion',
    kinds: ['NetworkPolicy', 'CiliumNetworkPolicy'],
    title: "Only the agent's own policy opens flows for an agent pod",
    severity: 'error',
    description:
      "NetworkPolicies are additive: an agent pod is allowed the union of every policy that selects it, so a policy written beside the construct's can widen an agent without being an allow-all. An agent pod may be selected by its own NetworkPolicy and CiliumNetworkPolicy (one each, carrying the agent's labels) and the namespace default-deny (podSelector {}, DNS egress only); any other policy selecting it that allows an ingress or egress flow, and a second policy carrying the agent's own labels, is an error. A pure deny policy (no rules) adds nothing.",
    fix: "Declare the flow on the agent (allowEgressTo, allowIngressFrom, FQDN egress) so it is rendered into the agent's own policy and judged there; remove the extra policy, or narrow its selector so it selects no agent pod.",
    references: [OWASP.excessiveAgency, NSA.netpol, SOC2.boundaries],
    scanners: [],
  },
  (ctx) => {
    const item = indexedOf(ctx);
    const selector = selectorOf(item);
    const selected = agentPods(ctx.set, item.namespace).filter((a) => selectorMatches(selector, a.labels));
    if (selected.length === 0) return undefined;
    const flows = flowsOf(item);
    const out: FindingDraft[] = [];
    for (const agent of selected) {
      const own = ownPolicy(ctx.set, item.kind, item.namespace, agent.labels);
      if (own === item) continue;
      if (carriesAgentLabels(item, agent.labels)) {
        out.push(
          at(
            `${item.kind} ${item.name} duplicates the own labels of agent ${agent.name} (its own policy is ${own?.name ?? '?'})${flows.length ? `: adds ${flows.join('; ')}` : ''}`,
            ['metadata', 'labels'],
          ),
        );
        continue;
      }
      if (!opensFlows(item)) continue;
      out.push(
        at(
          `${item.kind} ${item.name} selects agent ${agent.name} and adds ${flows.join('; ')} beside the agent's own policy${own ? ` ${own.name}` : ''}`,
          ['spec', item.kind === 'NetworkPolicy' ? 'podSelector' : 'endpointSelector'],
        ),
      );
    }
    return out;
  },
);
