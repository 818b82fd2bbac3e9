/** Hardening, availability: replicas, disruption budgets, spread and priority. */
import { DEFAULT_REPLICAS } from '../../../core';
import { IndexedObject } from '../../object-set';
import { Rule, RuleContext } from '../../rule';
import { FindingDraft } from '../../types';
import { Json, isEmptySelector, rec, recs, selectorMatches } from '../../util';
import { at, indexedOf, objectRule, podRule } from '../helpers';
import { LONG_RUNNING, REPLICATED } from './common';

function hpaFor(ctx: RuleContext): Json | undefined {
  const item = indexedOf(ctx);
  return ctx.set
    .ofKind('HorizontalPodAutoscaler', item.namespace)
    .map((h) => rec(h.object.spec))
    .find((s) => rec(s.scaleTargetRef).kind === item.kind && rec(s.scaleTargetRef).name === item.name);
}

function replicasOf(ctx: RuleContext): number {
  const hpa = hpaFor(ctx);
  if (hpa) return typeof hpa.minReplicas === 'number' ? hpa.minReplicas : 1;
  const r = rec(ctx.object.spec).replicas;
  return typeof r === 'number' ? r : 1;
}

const replicas = objectRule(
  {
    id: 'HRD-Replicas',
    kinds: ['Deployment'],
    title: `At least ${DEFAULT_REPLICAS} replicas`,
    severity: 'warning',
    description: 'A single replica is down during every node drain and rollout.',
    fix: `Set spec.replicas >= ${DEFAULT_REPLICAS}, or an HPA with minReplicas >= ${DEFAULT_REPLICAS}.`,
    references: [],
    scanners: ['kube-score deployment-replicas', 'Polaris deploymentMissingReplicas'],
  },
  (ctx) =>
    replicasOf(ctx) >= DEFAULT_REPLICAS
      ? []
      : [at(`Deployment runs ${replicasOf(ctx)} replica(s)`, ['spec', 'replicas'])],
);

const pdbSelectorOf = (b: IndexedObject): unknown => rec(b.object.spec).selector;

const pdb = podRule(
  {
    id: 'HRD-PodDisruptionBudget',
    kinds: REPLICATED,
    title: 'PodDisruptionBudget for replicated workloads',
    severity: 'warning',
    description: 'Without a PDB a node drain can evict every replica at once.',
    fix: 'Add a PodDisruptionBudget selecting the pod labels, with maxUnavailable 1 (never 0) and unhealthyPodEvictionPolicy AlwaysAllow.',
    references: [],
    scanners: ['kube-score deployment-has-poddisruptionbudget', 'Polaris missingPodDisruptionBudget'],
  },
  (pod, ctx) => {
    if (replicasOf(ctx) <= 1) return undefined;
    const selected = ctx.set
      .selecting('PodDisruptionBudget', indexedOf(ctx).namespace, pdbSelectorOf, pod.labels)
      .some((b) => !isEmptySelector(pdbSelectorOf(b)));
    return selected ? [] : [at('no PodDisruptionBudget selects the pods', ['spec', 'replicas'])];
  },
);

const pdbEvictable = objectRule(
  {
    id: 'HRD-PdbAllowsEviction',
    kinds: ['PodDisruptionBudget'],
    title: 'PodDisruptionBudget allows evictions',
    severity: 'warning',
    description: 'maxUnavailable 0 or minAvailable 100% blocks node drains forever.',
    fix: 'Use maxUnavailable: 1 (or a minAvailable below the replica count).',
    references: [],
    scanners: ['kube-score poddisruptionbudget-has-policy', 'Polaris pdbDisruptionsIsZero'],
  },
  (ctx) => {
    const spec = rec(ctx.object.spec);
    if (spec.maxUnavailable === 0 || spec.maxUnavailable === '0%')
      return [at('maxUnavailable is 0', ['spec', 'maxUnavailable'])];
    if (spec.minAvailable === '100%') return [at('minAvailable is 100%', ['spec', 'minAvailable'])];
    if (spec.minAvailable === undefined && spec.maxUnavailable === undefined)
      return [at('neither minAvailable nor maxUnavailable is set', ['spec'])];
    return [];
  },
);

const spread = podRule(
  {
    id: 'HRD-Spread',
    kinds: REPLICATED,
    title: 'Anti-affinity and topology spread',
    severity: 'warning',
    description:
      'Replicas on one node fail together; podAntiAffinity on kubernetes.io/hostname and topologySpreadConstraints spread them.',
    fix: 'Add podAntiAffinity on kubernetes.io/hostname and topologySpreadConstraints, both with a labelSelector matching the pod labels.',
    references: [],
    scanners: [
      'kube-score deployment-has-host-podantiaffinity',
      'kube-linter no-anti-affinity',
      'Polaris topologySpreadConstraint',
    ],
  },
  (pod, ctx) => {
    if (replicasOf(ctx) <= 1) return undefined;
    const anti = rec(rec(pod.spec.affinity).podAntiAffinity);
    const terms = [
      ...recs(anti.requiredDuringSchedulingIgnoredDuringExecution),
      ...recs(anti.preferredDuringSchedulingIgnoredDuringExecution).map((t) => rec(t.podAffinityTerm)),
    ];
    const out: FindingDraft[] = [];
    if (
      !terms.some(
        (t) =>
          t.topologyKey === 'kubernetes.io/hostname' &&
          selectorMatches(t.labelSelector, pod.labels) &&
          !isEmptySelector(t.labelSelector),
      )
    ) {
      out.push(
        at('no podAntiAffinity on kubernetes.io/hostname selects the pod labels', [
          ...pod.specPath,
          'affinity',
          'podAntiAffinity',
        ]),
      );
    }
    if (
      !recs(pod.spec.topologySpreadConstraints).some(
        (t) => !isEmptySelector(t.labelSelector) && selectorMatches(t.labelSelector, pod.labels),
      )
    ) {
      out.push(
        at('no topologySpreadConstraints select the pod labels', [...pod.specPath, 'topologySpreadConstraints']),
      );
    }
    return out;
  },
);

const priorityClass = podRule(
  {
    id: 'HRD-PriorityClass',
    kinds: LONG_RUNNING,
    title: 'priorityClassName set',
    severity: 'warning',
    description: 'Without a priority class, agents compete with platform components on preemption.',
    fix: 'Set priorityClassName.',
    references: [],
    scanners: ['Polaris priorityClassNotSet', 'kube-linter priority-class-name'],
  },
  (pod) =>
    typeof pod.spec.priorityClassName === 'string' && pod.spec.priorityClassName
      ? []
      : [at('pod has no priorityClassName', [...pod.specPath, 'priorityClassName'])],
);

export const AVAILABILITY_RULES: readonly Rule[] = [replicas, pdb, pdbEvictable, spread, priorityClass];
