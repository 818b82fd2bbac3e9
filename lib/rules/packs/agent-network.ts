/**
 * Agent network isolation judged by meaning: the address set each policy opens (lib/core
 * address-set and metadata tables, shared with the constructs' grant checks), selectors that
 * match every namespace, and allow-all rules. Policies are additive: an agent pod gets the union
 * of every policy that selects it, and what a union of blocks reaches is what some block of it
 * reaches, so judging every policy that selects an agent (the construct's or one written beside
 * it, in any namespace) judges the union; HRD-PodNetworkPolicy reports a direction no policy selects.
 */
import {
  AddressSet,
  NAMESPACE_NAME_LABEL,
  ipBlockProblems,
  ipBlockSet,
  internetWide,
  isWidePortRange,
} from '../../core';
import { DerivedKey, IndexedObject, ObjectSet } from '../object-set';
import { CIS, NSA, OWASP, SOC2 } from '../references';
import { RuleContext } from '../rule';
import { PathSegment } from '../types';
import { Json, arr, isRecord, rec, recs, selectorMatches, str, strs } from '../util';
import { agentWorkloads, at, indexedOf, isAgentNamespace, objectRule } from './helpers';

interface Problem {
  readonly message: string;
  readonly path: PathSegment[];
}

/** True when every port of the rule is DNS (53); the GKE Cloud DNS exception needs exactly that. */
function dnsOnly(ports: unknown): boolean {
  const list = arr(ports).map(rec);
  return (
    list.length > 0 &&
    list.every((p) => (p.port === 53 || p.port === '53') && (p.endPort === undefined || p.endPort === 53))
  );
}

const BLOCKS: DerivedKey<Map<string, AddressSet | undefined>> = { name: 'ipBlock address sets' };
const BLOCK_PROBLEMS: DerivedKey<Map<string, ReturnType<typeof ipBlockProblems>>> = { name: 'ipBlock egress problems' };

/**
 * The address set of `cidr` minus `except` (ipBlockSet), parsed once per run for each spelling:
 * thousands of agent policies repeat the same few blocks. Address sets are immutable.
 */
function blockSet(set: ObjectSet, cidr: unknown, except: readonly unknown[] = []): AddressSet | undefined {
  if (typeof cidr !== 'string' || except.some((e) => typeof e !== 'string')) return ipBlockSet(cidr, except);
  const key = JSON.stringify([cidr, ...except]);
  const cache = set.derive(BLOCKS, () => new Map());
  if (!cache.has(key)) cache.set(key, ipBlockSet(cidr, except));
  return cache.get(key);
}

function describeBlock(cidr: unknown, except: readonly string[]): string {
  return `${String(cidr)}${except.length ? ` except ${except.join(', ')}` : ''}`;
}

/** Problems of one ipBlock-like peer (`cidr` minus `except`). */
function blockProblems(
  ctx: RuleContext,
  prefix: string,
  cidr: unknown,
  except: unknown,
  ports: unknown,
  path: PathSegment[],
): Problem[] {
  const exceptList = arr(except);
  const set = blockSet(ctx.set, cidr, exceptList);
  // An unparsable block is refused by the API server; nothing to judge.
  if (!set) return [];
  const metadataDns = ctx.settings.metadataDns && dnsOnly(ports);
  // Same block, same verdict: keyed by the parsed spelling (set exists, so every part is a string).
  const key = JSON.stringify([metadataDns, cidr, ...exceptList]);
  const cache = ctx.set.derive(BLOCK_PROBLEMS, () => new Map());
  let found = cache.get(key);
  if (!found) cache.set(key, (found = ipBlockProblems(set, { metadataDns })));
  return found.map((p) => ({
    message: `${prefix} to ${describeBlock(cidr, strs(except))} ${p.message}`,
    path,
  }));
}

function networkPolicyProblems(ctx: RuleContext): Problem[] {
  return arr(rec(ctx.object.spec).egress).flatMap((r, i) => {
    const rule = rec(r);
    const to = arr(rule.to);
    if (to.length === 0)
      return [
        {
          message: `egress rule ${i} allows every destination${arr(rule.ports).length ? ' on its ports' : ''}, cloud metadata and the internet included`,
          path: ['spec', 'egress', i],
        },
      ];
    return to.flatMap((p, j) => {
      const block = rec(rec(p).ipBlock);
      if (!isRecord(rec(p).ipBlock)) return [];
      return blockProblems(ctx, `egress rule ${i}`, block.cidr, block.except, rule.ports, [
        'spec',
        'egress',
        i,
        'to',
        j,
        'ipBlock',
      ]);
    });
  });
}

/** Cilium entities that include the internet (and with it the metadata address). */
const WORLD_ENTITIES = new Set(['world', 'all', 'world-ipv4', 'world-ipv6']);

function ciliumProblems(ctx: RuleContext): Problem[] {
  return arr(rec(ctx.object.spec).egress).flatMap((r, i) => {
    const rule = rec(r);
    const ports = arr(rule.toPorts).flatMap((tp) => arr(rec(tp).ports));
    const out: Problem[] = [];
    const world = strs(rule.toEntities).filter((e) => WORLD_ENTITIES.has(e));
    if (world.length)
      out.push({
        message: `egress rule ${i} allows toEntities ${world.join(', ')}: the internet, cloud metadata included`,
        path: ['spec', 'egress', i, 'toEntities'],
      });
    strs(rule.toCIDR).forEach((c, j) => {
      out.push(...blockProblems(ctx, `egress rule ${i}`, c, [], ports, ['spec', 'egress', i, 'toCIDR', j]));
      const set = blockSet(ctx.set, c);
      if (
        set &&
        internetWide(set).length &&
        !out.some((o) => o.path.join() === ['spec', 'egress', i, 'toCIDR', j].join())
      )
        out.push({
          message: `egress rule ${i} allows ${c}: the internet, with no except for metadata and private ranges (toCIDR takes none; use toCIDRSet)`,
          path: ['spec', 'egress', i, 'toCIDR', j],
        });
    });
    recs(rule.toCIDRSet).forEach((s, j) =>
      out.push(
        ...blockProblems(ctx, `egress rule ${i}`, s.cidr, s.except, ports, ['spec', 'egress', i, 'toCIDRSet', j]),
      ),
    );
    recs(rule.toFQDNs).forEach((f, j) => {
      const pattern = str(f.matchPattern);
      if (pattern === '*' || pattern === '**.*' || pattern === '*.*')
        out.push({
          message: `egress rule ${i} allows toFQDNs matchPattern ${pattern}: every DNS name, the internet`,
          path: ['spec', 'egress', i, 'toFQDNs', j],
        });
    });
    return out;
  });
}

function policyConcernsAgents(set: ObjectSet, item: IndexedObject): boolean {
  if (isAgentNamespace(set, item.namespace)) return true;
  const spec = rec(item.object.spec);
  const selector = item.kind === 'NetworkPolicy' ? spec.podSelector : spec.endpointSelector;
  return agentWorkloads(set, item.namespace).some((w) => w.pod && selectorMatches(selector, w.pod.labels));
}

export const internetEgress = objectRule(
  {
    id: 'AGT-InternetEgress',
    kinds: ['NetworkPolicy', 'CiliumNetworkPolicy'],
    title: 'No unrestricted internet, metadata or link-local egress for agents',
    severity: 'error',
    description:
      'Judged by the address set each rule opens, not its spelling (host bits, IPv6 forms and IPv4-mapped IPv6 normalized; blocks minus excepts): a rule reaching any cloud metadata or credential endpoint (169.254.169.254, fd00:ec2::254, 169.254.170.2, 168.63.129.16, 100.100.100.200, ... one table in lib/core/metadata.ts) or link-local besides NodeLocal DNSCache is an error, whether written as the address, a block around it or a wide block without an except; a block as wide as the internet must except the private ranges too. With the platform setting metadataDns (GKE Cloud DNS) 169.254.169.254/32 on port 53 only is allowed.',
    fix: 'Allow only named destinations (FQDN policy, Vault, DNS); for the internet use the platform internet egress, which excepts every metadata endpoint and the private ranges.',
    references: [OWASP.excessiveAgency, OWASP.disclosure, NSA.netpol, SOC2.boundaries],
    scanners: ['agent-sandbox default NetworkPolicy'],
  },
  (ctx) => {
    const item = indexedOf(ctx);
    if (!policyConcernsAgents(ctx.set, item)) return undefined;
    const problems = item.kind === 'NetworkPolicy' ? networkPolicyProblems(ctx) : ciliumProblems(ctx);
    return problems.map((p) => at(p.message, p.path));
  },
);

// --- Selectors and allow-alls ------------------------------------------------------------------

/**
 * True when a namespace selector matches every namespace, or every one but those it names:
 * `{}`, `Exists` on the automatic name label, and `NotIn`/`DoesNotExist` requirements alone.
 */
function matchesEveryNamespace(selector: unknown): boolean {
  if (!isRecord(selector)) return false;
  if (Object.keys(rec(selector.matchLabels)).length > 0) return false;
  return recs(selector.matchExpressions).every(
    (e) =>
      (e.operator === 'Exists' && e.key === NAMESPACE_NAME_LABEL) ||
      e.operator === 'NotIn' ||
      e.operator === 'DoesNotExist',
  );
}

function isEmptySelector(selector: unknown): boolean {
  return (
    isRecord(selector) &&
    Object.keys(rec(selector.matchLabels)).length === 0 &&
    arr(selector.matchExpressions).length === 0
  );
}

function scopeProblems(policySet: ObjectSet, policy: Json): Problem[] {
  const spec = rec(policy.spec);
  const out: Problem[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const peerKey = direction === 'ingress' ? 'from' : 'to';
    arr(spec[direction]).forEach((r, i) => {
      const rule = rec(r);
      const peers = arr(rule[peerKey]);
      const portless =
        arr(rule.ports).length === 0 || arr(rule.ports).some((p) => isWidePortRange(rec(p).port, rec(p).endPort));
      const ports = portless ? 'on every port' : 'on its ports';
      if (direction === 'ingress' && peers.length === 0)
        out.push({
          message: `ingress rule ${i} allows every source (every pod of every namespace, every address) ${ports}`,
          path: ['spec', 'ingress', i],
        });
      peers.forEach((p, j) => {
        const peer = rec(p);
        const path: PathSegment[] = ['spec', direction, i, peerKey, j];
        if (matchesEveryNamespace(peer.namespaceSelector))
          out.push({
            message: `${direction} rule ${i} ${peerKey} ${isEmptySelector(peer.podSelector) || peer.podSelector === undefined ? 'every pod' : 'the selected pods'} of every namespace (namespaceSelector ${JSON.stringify(peer.namespaceSelector)}) ${ports}`,
            path: [...path, 'namespaceSelector'],
          });
        else if (portless && peer.namespaceSelector === undefined && isEmptySelector(peer.podSelector))
          out.push({
            message: `${direction} rule ${i} ${peerKey} every pod of the namespace (podSelector {}) on every port: every other agent`,
            path: [...path, 'podSelector'],
          });
        if (direction === 'ingress' && isRecord(peer.ipBlock)) {
          const set = blockSet(policySet, rec(peer.ipBlock).cidr, arr(rec(peer.ipBlock).except));
          if (set && internetWide(set).length)
            out.push({
              message: `ingress rule ${i} admits the internet (${describeBlock(rec(peer.ipBlock).cidr, strs(rec(peer.ipBlock).except))}) ${ports}`,
              path: [...path, 'ipBlock'],
            });
        }
      });
    });
  }
  return out;
}

export const networkPolicyScope = objectRule(
  {
    id: 'AGT-NetworkPolicyScope',
    kinds: ['NetworkPolicy'],
    title: 'No allow-all peers in agent network policies',
    severity: 'error',
    description:
      'In agent namespaces (and in any policy selecting an agent) a peer must name what it admits: a namespaceSelector matching every namespace ({}, Exists on kubernetes.io/metadata.name, NotIn or DoesNotExist alone), an ingress rule without from (every source), an ingress ipBlock as wide as the internet, and a port-less podSelector {} (every other agent) each open the agent to everything.',
    fix: 'Select the namespaces and pods by name (kubernetes.io/metadata.name and the agent labels), and list the ports.',
    references: [NSA.netpol, CIS.netpolAll, OWASP.excessiveAgency, SOC2.boundaries],
    scanners: [],
  },
  (ctx) => {
    const item = indexedOf(ctx);
    if (!policyConcernsAgents(ctx.set, item)) return undefined;
    return scopeProblems(ctx.set, ctx.object).map((p) => at(p.message, p.path));
  },
);
