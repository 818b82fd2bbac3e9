/**
 * Namespace and mesh controls judged by effect: a Pod Security version pin older than the target
 * silently drops checks; a mesh policy on a pod without a sidecar enforces nothing; FQDN egress to
 * an LLM provider from any agent but the gateway bypasses it.
 */
import { AddressSet, dnsPatternReachesLlmProvider, ipBlockSet, meshOptOutOf } from '../../core';
import { LLM_GATEWAY_LABEL } from '../../common/guardrail-constants';
import { IndexedObject, ObjectSet } from '../object-set';
import { PSS_LATEST_MINOR } from '../pss-version';
import { CIS, NSA, OWASP, SOC2 } from '../references';
import { RuleContext } from '../rule';
import { FindingDraft } from '../types';
import { arr, isRecord, rec, recs, selectorMatches, str } from '../util';
import { at, indexedOf, isAgentWorkload, objectRule, podRule } from './helpers';

const PSA_MODES = ['enforce', 'audit', 'warn'] as const;

export const psaVersionPin = objectRule(
  {
    id: 'AGT-PsaVersionPin',
    kinds: ['Namespace'],
    title: 'Pod Security version pins are not older than the target Kubernetes minor',
    severity: 'error',
    description:
      'A pod-security.kubernetes.io/<mode>-version label pinned below the Kubernetes minor the manifests target makes the cluster evaluate an older, weaker policy (v1.0 does not even require dropping capabilities): checks the cluster would otherwise enforce are dropped silently. The target is the platform kubernetesVersion, or the scanner option --kubernetes-version (default: the oldest supported minor). Suppress with a reason where an old pin is deliberate.',
    fix: 'Pin the version to the target minor (the constructs do), or to latest.',
    references: [NSA.podSecurity, CIS.policyControl, SOC2.configuration],
    scanners: [],
  },
  (ctx) => {
    const labels = indexedOf(ctx).labels;
    const target = ctx.settings.kubernetesMinor;
    return PSA_MODES.flatMap((mode): FindingDraft[] => {
      const key = `pod-security.kubernetes.io/${mode}-version`;
      const value = labels[key];
      if (value === undefined || value === 'latest') return [];
      const m = /^v1\.(\d+)$/.exec(value);
      if (!m)
        return [
          at(`${key}: '${value}' is not a Pod Security version (v1.<minor> or latest)`, ['metadata', 'labels', key]),
        ];
      const minor = Math.min(Number(m[1]), PSS_LATEST_MINOR);
      return minor < target
        ? [
            at(
              `${key} pins the ${mode} policy to ${value}, below the target 1.${target}: the cluster ${mode === 'enforce' ? 'enforces' : mode === 'audit' ? 'audits' : 'warns on'} the older, weaker checks of ${value}`,
              ['metadata', 'labels', key],
            ),
          ]
        : [];
    });
  },
);

// --- Mesh ----------------------------------------------------------------------------------------

const ISTIO_POLICY_KINDS = ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'];

function sidecarOptOut(
  set: ObjectSet,
  item: IndexedObject,
  labels: Record<string, string>,
  annotations: Record<string, unknown>,
): string | undefined {
  const pod = meshOptOutOf(labels);
  if (pod) return `pod label ${pod}`;
  const annotation = meshOptOutOf(annotations);
  if (annotation) return `pod annotation ${annotation}`;
  const ns = meshOptOutOf(set.namespaceLabels(item.namespace));
  return ns ? `namespace ${item.namespace} label ${ns}` : undefined;
}

function meshPoliciesSelecting(set: ObjectSet, namespace: string, labels: Record<string, string>): IndexedObject[] {
  return ISTIO_POLICY_KINDS.flatMap((kind) =>
    set.ofKind(kind, namespace).filter((p) => {
      if (!(p.object.apiVersion ?? '').startsWith('security.istio.io/')) return false;
      const selector = rec(p.object.spec).selector;
      // No selector: the policy applies to every workload of the namespace.
      return selector === undefined || selectorMatches(selector, labels);
    }),
  );
}

export const meshOptOut = podRule(
  {
    id: 'AGT-MeshOptOut',
    title: 'Agents selected by mesh policies run with the mesh',
    severity: 'error',
    description:
      'An Istio AuthorizationPolicy, PeerAuthentication or RequestAuthentication is enforced by the sidecar (or ambient dataplane); an agent that opts out of injection (pod label or annotation sidecar.istio.io/inject: "false", istio.io/dataplane-mode: none, or a namespace labelled istio-injection: disabled) is selected by the policy but nothing enforces it.',
    fix: 'Remove the opt-out from the agent and its namespace.',
    references: [NSA.exposure, OWASP.excessiveAgency, SOC2.boundaries],
    scanners: [],
  },
  (pod, ctx) => {
    const item = indexedOf(ctx);
    if (!isAgentWorkload(item, pod)) return undefined;
    const policies = meshPoliciesSelecting(ctx.set, item.namespace, pod.labels);
    if (policies.length === 0) return [];
    const optOut = sidecarOptOut(ctx.set, item, pod.labels, rec(pod.template.metadata.annotations));
    return optOut
      ? [
          at(
            `selected by ${policies.map((p) => `${p.kind} ${p.name}`).join(', ')} but opted out of the mesh (${optOut}): the policies are emitted and nothing enforces them`,
            [...pod.template.metadataPath],
          ),
        ]
      : [];
  },
);

// --- LLM gateway bypass ------------------------------------------------------------------------

function isGateway(item: IndexedObject): boolean {
  return item.labels[LLM_GATEWAY_LABEL] === 'true' || item.pod?.labels[LLM_GATEWAY_LABEL] === 'true';
}

// The first gateway of a set, looked up once per set: every NetworkPolicy asks, and a scan stays linear.
const gatewayCache = new WeakMap<ObjectSet, { readonly gateway: IndexedObject | undefined }>();

function firstGateway(set: ObjectSet): IndexedObject | undefined {
  let hit = gatewayCache.get(set);
  if (!hit) gatewayCache.set(set, (hit = { gateway: set.workloads().find(isGateway) }));
  return hit.gateway;
}

/** The provider ranges: what the gateway's NetworkPolicies open by ipBlock, its internet rule (a /0) aside. */
function gatewayProviderRanges(set: ObjectSet, gateway: IndexedObject): AddressSet {
  const labels = gateway.pod?.labels ?? {};
  let ranges = AddressSet.EMPTY;
  for (const policy of set.ofKind('NetworkPolicy', gateway.namespace)) {
    if (!selectorMatches(rec(policy.object.spec).podSelector, labels)) continue;
    for (const rule of recs(rec(policy.object.spec).egress)) {
      for (const peer of recs(rule.to)) {
        const block = rec(peer.ipBlock);
        if (!isRecord(peer.ipBlock) || /\/0$/.test(str(block.cidr) ?? '')) continue;
        const s = ipBlockSet(block.cidr, arr(block.except));
        if (s) ranges = ranges.union(s);
      }
    }
  }
  return ranges;
}

function fqdnBypasses(ctx: RuleContext, agents: readonly IndexedObject[], gateway: IndexedObject): FindingDraft[] {
  const out: FindingDraft[] = [];
  recs(rec(ctx.object.spec).egress).forEach((rule, i) =>
    recs(rule.toFQDNs).forEach((f, j) => {
      const name = str(f.matchName) ?? str(f.matchPattern);
      if (name && dnsPatternReachesLlmProvider(name))
        out.push(
          at(
            `egress rule ${i} lets ${agents.map((a) => `${a.kind} ${a.name}`).join(', ')} reach the LLM provider ${name} directly, bypassing the LLM gateway ${gateway.name}`,
            ['spec', 'egress', i, 'toFQDNs', j],
          ),
        );
    }),
  );
  return out;
}

function ipBlockBypasses(ctx: RuleContext, agents: readonly IndexedObject[], gateway: IndexedObject): FindingDraft[] {
  const providers = gatewayProviderRanges(ctx.set, gateway);
  if (providers.isEmpty) return [];
  const out: FindingDraft[] = [];
  recs(rec(ctx.object.spec).egress).forEach((rule, i) =>
    recs(rule.to).forEach((peer, j) => {
      const block = rec(peer.ipBlock);
      const s = isRecord(peer.ipBlock) ? ipBlockSet(block.cidr, arr(block.except)) : undefined;
      if (s && s.overlaps(providers))
        out.push(
          at(
            `egress rule ${i} lets ${agents.map((a) => `${a.kind} ${a.name}`).join(', ')} reach ${s.intersect(providers).toCidrs().join(', ')}, LLM provider ranges only the gateway ${gateway.name} may reach`,
            ['spec', 'egress', i, 'to', j, 'ipBlock'],
          ),
        );
    }),
  );
  return out;
}

export const llmFqdnBypass = objectRule(
  {
    id: 'AGT-LlmGatewayBypass',
    kinds: ['CiliumNetworkPolicy', 'NetworkPolicy'],
    title: 'With an LLM gateway, only the gateway reaches LLM providers',
    severity: 'error',
    description:
      'When the platform has an LLM gateway (a workload labelled agent-baseline.io/llm-gateway), egress from any other agent to an LLM provider bypasses it: FQDN egress (Cilium toFQDNs matchName or matchPattern, wildcards included) to a provider domain (one table in lib/core/llm-providers.ts), or an ipBlock overlapping the provider ranges the gateway reaches.',
    fix: 'Remove the rule; make the agent a client of the gateway (LlmGateway.addClient).',
    references: [OWASP.excessiveAgency, OWASP.disclosure, SOC2.boundaries],
    scanners: [],
  },
  (ctx) => {
    const item = indexedOf(ctx);
    const gateway = firstGateway(ctx.set);
    if (!gateway) return undefined;
    const spec = rec(ctx.object.spec);
    const selector = item.kind === 'NetworkPolicy' ? spec.podSelector : spec.endpointSelector;
    const agents = ctx.set
      .workloads(item.namespace)
      .filter((w) => w.pod && isAgentWorkload(w, w.pod) && !isGateway(w) && selectorMatches(selector, w.pod.labels));
    if (agents.length === 0) return [];
    return item.kind === 'NetworkPolicy' ? ipBlockBypasses(ctx, agents, gateway) : fqdnBypasses(ctx, agents, gateway);
  },
);
