import { IConstruct } from 'constructs';
import { firstDuplicate, invalidProp, requireDnsSubdomain, requireReason } from '../core';
import { RbacRuleRisk, WILDCARD_RISK, ruleRisks } from '../common/rbac-risks';

/** An explicit acceptance of one acknowledgeable risk, recorded with its reason on the Role. */
export interface RbacRiskAcknowledgement {
  /** ID of the risk, from `RBAC_RULE_RISKS` (e.g. 'workload-create'). */
  readonly risk: string;
  /** Why the agent needs it and what guards it (at least 10 characters). */
  readonly reason: string;
}

/** Kubernetes API access for an agent: one RBAC rule, bound to the agent's own ServiceAccount. */
export interface ApiGrant {
  /** API groups; `''` is the core group. */
  readonly apiGroups: readonly string[];
  /** Resources, plural and lower-case, optionally with a subresource (`deployments/scale`). */
  readonly resources: readonly string[];
  /** Verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  readonly verbs: readonly string[];
  /** Restrict the rule to these object names. @default every object of the resources */
  readonly resourceNames?: readonly string[];
  /**
   * Grant it in every namespace and on cluster-scoped resources, through a ClusterRole and a
   * ClusterRoleBinding. @default false: a Role in the agent's namespace
   */
  readonly clusterWide?: boolean;
  /** Risks the grant carries on purpose, each with a reason. @default none */
  readonly acknowledgeRisks?: readonly RbacRiskAcknowledgement[];
}

/** A grant after validation: the PolicyRule to emit and the risks it acknowledges. */
export interface ResolvedGrant {
  /** The PolicyRule to emit. */
  readonly rule: {
    readonly apiGroups: string[];
    readonly resources: string[];
    readonly verbs: string[];
    readonly resourceNames?: string[];
  };
  /** True when the rule goes to a ClusterRole. */
  readonly clusterWide: boolean;
  /** Risks the grant acknowledges, with their reasons. */
  readonly acknowledgements: readonly RbacRiskAcknowledgement[];
}

/** Verbs the API server knows for resources. `use` (PodSecurityPolicy) is gone since 1.25. */
export const KNOWN_VERBS: readonly string[] = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'escalate',
  'bind',
  'impersonate',
  'approve',
  'sign',
];

/** Verbs whose requests carry no object name, so resourceNames can never match them. */
const UNNAMED_VERBS: readonly string[] = ['create', 'deletecollection'];

/** Core and built-in cluster-scoped resources: a namespaced Role on them grants nothing. */
export const CLUSTER_SCOPED_RESOURCES: readonly string[] = [
  'nodes',
  'namespaces',
  'persistentvolumes',
  'clusterroles',
  'clusterrolebindings',
  'customresourcedefinitions',
  'storageclasses',
  'priorityclasses',
  'runtimeclasses',
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'certificatesigningrequests',
  'ingressclasses',
];

const RESOURCE = /^[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)?$/;

function requireList(scope: IConstruct, field: string, value: unknown, allowed: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string')) {
    invalidProp(scope, field, value, allowed);
  }
  const dup = firstDuplicate(value as string[], (v) => v);
  if (dup !== undefined) invalidProp(scope, field, value, `${allowed}, without duplicates ('${dup}' repeats)`);
  return [...(value as string[])];
}

function refuseRisk(scope: IConstruct, field: string, rule: ResolvedGrant['rule'], risk: RbacRuleRisk): never {
  return invalidProp(scope, field, rule, `a grant without ${risk.summary}`, `risk: ${risk.risk}`);
}

function checkShape(scope: IConstruct, field: string, grant: ApiGrant): ResolvedGrant['rule'] {
  const apiGroups = requireList(
    scope,
    `${field}.apiGroups`,
    grant.apiGroups,
    "a non-empty list of API groups ('' for core)",
  );
  const resources = requireList(scope, `${field}.resources`, grant.resources, 'a non-empty list of resources');
  const verbs = requireList(scope, `${field}.verbs`, grant.verbs, 'a non-empty list of verbs');
  const rule = {
    apiGroups,
    resources,
    verbs,
    resourceNames: grant.resourceNames ? [...grant.resourceNames] : undefined,
  };
  // Wildcards first: they would also match the format checks below with a less useful message.
  if ([...apiGroups, ...resources, ...verbs].some((v) => v.includes('*')))
    refuseRisk(scope, field, rule, WILDCARD_RISK);
  apiGroups.forEach((g, i) => g === '' || requireDnsSubdomain(scope, `${field}.apiGroups[${i}]`, g));
  resources.forEach(
    (r, i) =>
      RESOURCE.test(r) ||
      invalidProp(
        scope,
        `${field}.resources[${i}]`,
        r,
        "a lower-case plural resource, optionally with a subresource ('deployments/scale')",
      ),
  );
  verbs.forEach(
    (v, i) =>
      KNOWN_VERBS.includes(v) || invalidProp(scope, `${field}.verbs[${i}]`, v, `one of ${KNOWN_VERBS.join(', ')}`),
  );
  if (rule.resourceNames) {
    requireList(scope, `${field}.resourceNames`, rule.resourceNames, 'a non-empty list of object names');
    rule.resourceNames.forEach((n, i) => requireDnsSubdomain(scope, `${field}.resourceNames[${i}]`, n));
    const unnamed = verbs.find((v) => UNNAMED_VERBS.includes(v));
    if (unnamed)
      invalidProp(
        scope,
        `${field}.verbs`,
        verbs,
        `verbs other than ${UNNAMED_VERBS.join(' and ')} when resourceNames is set`,
        `'${unnamed}' requests carry no name, so the API server would never grant it`,
      );
  }
  return rule;
}

function checkScope(scope: IConstruct, field: string, rule: ResolvedGrant['rule']): void {
  const clusterScoped = rule.resources.find((r) => CLUSTER_SCOPED_RESOURCES.includes(r.split('/')[0]));
  if (clusterScoped) {
    invalidProp(
      scope,
      `${field}.resources`,
      rule.resources,
      `namespaced resources, or clusterWide: true for '${clusterScoped}'`,
      'a namespaced Role on a cluster-scoped resource grants nothing',
    );
  }
}

function checkAcknowledgements(
  scope: IConstruct,
  field: string,
  grant: ApiGrant,
  rule: ResolvedGrant['rule'],
): RbacRiskAcknowledgement[] {
  const risks = ruleRisks(rule);
  for (const risk of risks.filter((r) => !r.acknowledgeable)) refuseRisk(scope, field, rule, risk);
  const acks = grant.acknowledgeRisks ?? [];
  const dup = firstDuplicate(acks, (a) => a.risk);
  if (dup) invalidProp(scope, `${field}.acknowledgeRisks`, dup.risk, 'each risk acknowledged once');
  const resolved = acks.map((ack, i) => {
    if (!risks.some((r) => r.id === ack.risk)) {
      invalidProp(
        scope,
        `${field}.acknowledgeRisks[${i}].risk`,
        ack.risk,
        `a risk this grant carries (${risks.map((r) => `'${r.id}'`).join(', ') || 'none'})`,
        'an acknowledgement must not outlive the permission it excuses',
      );
    }
    return { risk: ack.risk, reason: requireReason(scope, `${field}.acknowledgeRisks[${i}].reason`, ack.reason) };
  });
  for (const risk of risks.filter((r) => !resolved.some((a) => a.risk === r.id))) {
    invalidProp(
      scope,
      field,
      rule,
      `a grant without ${risk.summary}, or acknowledgeRisks: [{ risk: '${risk.id}', reason: '<why the agent needs it>' }]`,
      `risk: ${risk.risk}`,
    );
  }
  return resolved;
}

/**
 * Validates a grant and turns it into a PolicyRule. Refuses every risk in `RBAC_RULE_RISKS`;
 * acknowledgeable ones pass only with an explicit acknowledgement and a reason.
 */
export function resolveGrant(scope: IConstruct, field: string, grant: ApiGrant): ResolvedGrant {
  if (typeof grant !== 'object' || grant === null) invalidProp(scope, field, grant, 'an ApiGrant object');
  const rule = checkShape(scope, field, grant);
  // Risks before scope: a refused permission is reported as the risk it is, wherever it is granted.
  const acknowledgements = checkAcknowledgements(scope, field, grant, rule);
  const clusterWide = grant.clusterWide ?? false;
  if (!clusterWide) checkScope(scope, field, rule);
  return {
    rule: rule.resourceNames ? rule : { apiGroups: rule.apiGroups, resources: rule.resources, verbs: rule.verbs },
    clusterWide,
    acknowledgements,
  };
}
