/** Building blocks the packs share: pod-scoped rules, NetworkPolicy and RBAC semantics. */
import { AGENT_NAMESPACE_LABEL, MANAGED_BY } from '../../core';
import { DerivedKey, IndexedObject, ObjectSet } from '../object-set';
import { CONTAINER_LISTS, PodContext, ResolvedContainer } from '../pod-template';
import { ALL_KINDS, POD_TEMPLATES, Rule, RuleContext } from '../rule';
import { FindingDraft, PathSegment } from '../types';
import { Json, rec, strs } from '../util';

/** The drafts of a rule that found nothing: shared and frozen, the engine only reads them. */
export const NO_DRAFTS: FindingDraft[] = Object.freeze([]) as unknown as FindingDraft[];

export type RuleMeta = Omit<Rule, 'check' | 'kinds'> & { readonly kinds?: Rule['kinds'] };

/** A rule over the pod template of any workload. */
export function podRule(
  meta: RuleMeta,
  check: (pod: PodContext, ctx: RuleContext) => FindingDraft[] | undefined,
): Rule {
  return { kinds: POD_TEMPLATES, ...meta, check: (ctx) => (ctx.pod ? check(ctx.pod, ctx) : undefined) };
}

/** A rule evaluated once per container (init, regular and ephemeral unless `lists` narrows it). */
export function containerRule(
  meta: RuleMeta,
  check: (c: ResolvedContainer, pod: PodContext, ctx: RuleContext) => FindingDraft | FindingDraft[] | undefined,
  lists: readonly ResolvedContainer['list'][] = ['initContainers', 'containers', 'ephemeralContainers'],
): Rule {
  // Runs for every container of every workload: a plain loop, no intermediate arrays.
  const every = CONTAINER_LISTS.every((l) => lists.includes(l));
  return podRule(meta, (pod, ctx) => {
    // Most containers pass: the list is made on the first finding, the shared empty one otherwise.
    let out: FindingDraft[] | undefined;
    for (const c of pod.containers) {
      if (!every && !lists.includes(c.list)) continue;
      const found = check(c, pod, ctx);
      if (found === undefined || found === null) continue;
      out ??= [];
      if (Array.isArray(found)) for (const d of found) out.push(d);
      else out.push(found as FindingDraft);
    }
    return out ?? NO_DRAFTS;
  });
}

/** A rule once per object of the kinds (or of every kind, {@link ALL_KINDS}). */
export function objectRule(
  meta: RuleMeta & { readonly kinds: readonly string[] | typeof ALL_KINDS },
  check: (ctx: RuleContext) => FindingDraft[] | undefined,
): Rule {
  return { ...meta, check };
}

export function at(message: string, path: readonly PathSegment[], container?: ResolvedContainer): FindingDraft {
  return { message, path, container: container?.name };
}

// NetworkPolicy semantics (REFERENCE.md §5): omitted policyTypes means Ingress, plus Egress when egress rules exist.
export function policyTypes(policy: Json): Set<string> {
  const spec = rec(policy.spec);
  const declared = strs(spec.policyTypes);
  if (declared.length) return new Set(declared);
  return new Set(['Ingress', ...(Array.isArray(spec.egress) ? ['Egress'] : [])]);
}

/** The pod selector of a NetworkPolicy. */
export const podSelectorOf = (p: IndexedObject): unknown => rec(p.object.spec).podSelector;
/** The endpoint selector of a CiliumNetworkPolicy. */
export const endpointSelectorOf = (p: IndexedObject): unknown => rec(p.object.spec).endpointSelector;

/** NetworkPolicies of the namespace whose podSelector selects the labels, in input order. */
export function policiesSelecting(
  set: ObjectSet,
  namespace: string,
  labels: Record<string, string>,
): readonly IndexedObject[] {
  return set.selecting('NetworkPolicy', namespace, podSelectorOf, labels);
}

/** Agent workloads carry the constructs' labels on the object or its pod template. */
export function isAgentWorkload(item: { labels: Record<string, string> }, pod?: PodContext): boolean {
  const match = (l: Record<string, string>) =>
    l['app.kubernetes.io/managed-by'] === MANAGED_BY && l['app.kubernetes.io/component'] === 'agent';
  return match(item.labels) || (pod !== undefined && match(pod.labels));
}

export { AGENT_NAMESPACE_LABEL };

const AGENT_WORKLOADS: DerivedKey<Map<string, IndexedObject[]>> = { name: 'agent workloads by namespace' };

/**
 * The agent workloads of a namespace (`workloads(namespace)` filtered by {@link isAgentWorkload}),
 * in input order; computed once per set, since every policy of the namespace asks.
 */
export function agentWorkloads(set: ObjectSet, namespace: string): readonly IndexedObject[] {
  const byNamespace = set.derive(AGENT_WORKLOADS, (s) => {
    const out = new Map<string, IndexedObject[]>();
    for (const w of s.workloads()) {
      if (!w.pod || !isAgentWorkload(w, w.pod)) continue;
      const list = out.get(w.namespace);
      if (list) list.push(w);
      else out.set(w.namespace, [w]);
    }
    return out;
  });
  return byNamespace.get(namespace) ?? [];
}

export function isAgentNamespace(set: ObjectSet, name: string): boolean {
  return set.namespace(name)?.labels[AGENT_NAMESPACE_LABEL] === 'true';
}

export function indexedOf(ctx: RuleContext): IndexedObject {
  return ctx.set.items[ctx.index];
}

/** The ServiceAccount a pod runs as ('default' when unset). */
export function serviceAccountOf(pod: PodContext): string {
  const name = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
  return typeof name === 'string' && name ? name : 'default';
}
