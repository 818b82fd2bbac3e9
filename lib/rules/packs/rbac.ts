/** Risky RBAC permissions (REFERENCE.md §6): what a least-privilege agent never holds without a recorded reason. */
import { Pack, Rule, RuleContext } from '../rule';
import { CIS, NSA, OWASP, SOC2 } from '../references';
import { FindingDraft } from '../types';
import { Json, arr, rec, recs, str, strs } from '../util';
import { at, indexedOf, objectRule } from './helpers';
import { DerivedKey } from '../object-set';
import {
  PolicyRuleLike,
  RbacRuleRisk,
  WILDCARD_RISK,
  aggregationRisk,
  roleRefRisk,
  ruleRisks,
  subjectRisk,
} from '../../common/rbac-risks';

const ROLE_KINDS = ['Role', 'ClusterRole'];
const BINDING_KINDS = ['RoleBinding', 'ClusterRoleBinding'];
const RBAC_REFS = [NSA.rbac, SOC2.accessRemoval, OWASP.excessiveAgency];

/** The rule as the shared risk list reads it. */
function policyRule(rule: Json): PolicyRuleLike {
  return {
    apiGroups: strs(rule.apiGroups),
    resources: strs(rule.resources),
    verbs: strs(rule.verbs),
    nonResourceURLs: strs(rule.nonResourceURLs),
  };
}

const ROLE_RULE_RISKS: DerivedKey<Map<Json, readonly RbacRuleRisk[]>> = { name: 'risks of each Role rule' };

/**
 * The risks of one entry of a Role's `rules`. Each of the risk rules below asks about every entry,
 * so they are matched once per entry and run (the set does not change during a run).
 */
function risksOfEntry(ctx: RuleContext, entry: unknown): readonly RbacRuleRisk[] {
  const rule = rec(entry);
  return ctx.set.memo(ROLE_RULE_RISKS, rule, () => ruleRisks(policyRule(rule)));
}

/**
 * One rule per risk of lib/rbac/risks.ts (the list the constructs refuse from), so a manifest is
 * judged exactly as an agent's grants are.
 */
function ruleCheck(
  id: string,
  title: string,
  description: string,
  fix: string,
  references = RBAC_REFS,
  scanners: string[] = [],
): Rule {
  return objectRule(
    { id, kinds: ROLE_KINDS, title, severity: 'error', description, fix, references, scanners },
    (ctx: RuleContext) =>
      arr(ctx.object.rules).flatMap((r, i) =>
        risksOfEntry(ctx, r)
          .filter((risk) => risk !== WILDCARD_RISK && risk.findingIds.includes(id))
          .map((risk) => at(`rule ${i} grants ${risk.summary}: ${risk.risk}`, ['rules', i])),
      ),
  );
}

const wildcard = objectRule(
  {
    id: 'RBAC-Wildcard',
    kinds: ROLE_KINDS,
    title: 'No wildcards in RBAC rules',
    severity: 'error',
    description: 'A wildcard grants every verb, resource or API group, including ones added later.',
    fix: 'List the exact verbs, resources and apiGroups needed.',
    references: [CIS.wildcards, ...RBAC_REFS],
    scanners: ['CKV_K8S_49', 'KSV-0044', 'KSV-0045', 'KSV-0046', 'kube-linter wildcard-in-rules'],
  },
  (ctx) =>
    arr(ctx.object.rules).flatMap((r, i) =>
      (['verbs', 'resources', 'apiGroups', 'nonResourceURLs'] as const)
        .filter((f) => strs(rec(r)[f]).includes('*'))
        .map((f) => at(`rule ${i} has * in ${f}`, ['rules', i, f])),
    ),
);

const RULES: Rule[] = [
  wildcard,
  ruleCheck(
    'RBAC-EscalateBind',
    'No escalate or bind on roles',
    'escalate and bind let a subject grant itself permissions it does not hold.',
    'Remove escalate and bind.',
    [CIS.bindEscalate, ...RBAC_REFS],
    ['CKV_K8S_157', 'CKV_K8S_158', 'KSV-0050'],
  ),
  ruleCheck(
    'RBAC-Impersonate',
    'No impersonation',
    'impersonate lets a subject act as any user, group or ServiceAccount.',
    'Remove impersonate.',
    [CIS.bindEscalate, ...RBAC_REFS],
    ['KSV-0043 (groups only)'],
  ),
  ruleCheck(
    'RBAC-RbacWrite',
    'No writes to RBAC objects',
    'Writing roles or bindings is self-granting.',
    'Remove create/update/patch on roles and bindings.',
    [CIS.bindEscalate, ...RBAC_REFS],
    ['KSV-0055'],
  ),
  ruleCheck(
    'RBAC-SecretRead',
    'No reading Secrets',
    'list alone returns every Secret with its data; deliver secrets from Vault instead.',
    'Remove get/list/watch on secrets.',
    [CIS.secretsAccess, ...RBAC_REFS, OWASP.disclosure],
    [
      'CKV2_K8S_5',
      'KSV-0041 (with RBAC-SecretWrite; not delete)',
      'KSV-0113 (with RBAC-SecretWrite; not delete)',
      'kube-linter access-to-secrets',
    ],
  ),
  ruleCheck(
    'RBAC-SecretWrite',
    'No writing Secrets',
    'create, update, patch or deletecollection on secrets tamper with credentials Vault delivers, or plant a ServiceAccount token Secret the token controller fills.',
    'Remove write verbs on secrets; deliver secrets from Vault.',
    [CIS.secretsAccess, ...RBAC_REFS],
    ['KSV-0041 (with RBAC-SecretRead; not delete)', 'KSV-0113 (with RBAC-SecretRead; not delete)'],
  ),
  ruleCheck(
    'RBAC-NamespaceWrite',
    'No changing Namespaces',
    'update or patch on namespaces rewrites the Pod Security labels (enforce: privileged) and the labels policies select namespaces by.',
    'Remove update/patch on namespaces.',
    [CIS.policyControl, ...RBAC_REFS],
    [],
  ),
  ruleCheck(
    'RBAC-NetworkPolicyWrite',
    'No writing network policies',
    'NetworkPolicies are additive: whoever may create or change one (Kubernetes, Cilium or Istio) widens what every selected pod reaches.',
    'Remove write verbs on networkpolicies, ciliumnetworkpolicies and authorizationpolicies.',
    [NSA.netpol, ...RBAC_REFS],
    [],
  ),
  ruleCheck(
    'RBAC-PersistentVolumeCreate',
    'No creating PersistentVolumes',
    'A PersistentVolume is cluster-scoped and may be a hostPath: creating one and claiming it mounts the node file system into a pod, around Pod Security.',
    'Remove create on persistentvolumes; use a StorageClass and claims.',
    RBAC_REFS,
    [],
  ),
  ruleCheck(
    'RBAC-PodExec',
    'No exec, attach, port-forward, proxy or debug containers',
    'Exec, attach, port-forward, pod and service proxies, and ephemeral (debug) containers run code in, or reach into, other pods.',
    'Remove access to pods/exec, pods/attach, pods/portforward, pods/proxy, services/proxy and update/patch on pods/ephemeralcontainers.',
    RBAC_REFS,
    ['CKV2_K8S_2 (create on pods/exec)', 'KSV-0053', 'KSV-0054', 'Polaris clusterrolePodExecAttach'],
  ),
  ruleCheck(
    'RBAC-NodesProxy',
    'No nodes/proxy',
    'nodes/proxy reaches the kubelet API, which executes in any pod on the node.',
    'Remove access to nodes/proxy.',
    [CIS.nodesProxy, ...RBAC_REFS],
    ['CKV2_K8S_2', 'KSV-0047'],
  ),
  ruleCheck(
    'RBAC-CreateWorkloads',
    'No creating or changing pods or workloads',
    'Creating pods, or updating/patching a workload (image, ServiceAccount, volumes), runs any image as any ServiceAccount in the namespace.',
    'Remove create, update and patch on pods and workload kinds, or acknowledge it with a reason and guard it at admission.',
    [CIS.createPods, ...RBAC_REFS],
    ['KSV-0048', 'kube-linter access-to-create-pods'],
  ),
  ruleCheck(
    'RBAC-TokenCreate',
    'No minting ServiceAccount tokens',
    'serviceaccounts/token creates tokens for other identities.',
    'Remove create on serviceaccounts/token.',
    [CIS.tokenCreate, ...RBAC_REFS],
    [],
  ),
  ruleCheck(
    'RBAC-AdmissionWrite',
    'No control of admission',
    'Creating, changing or deleting webhooks, admission policies and their bindings, or Kyverno, Sigstore and Gatekeeper policies (and exceptions) disables or rewrites the guardrails.',
    'Remove write access to admission configuration.',
    [CIS.webhooks, ...RBAC_REFS],
    ['CKV_K8S_155 (webhooks)', 'KSV-0114 (webhooks)'],
  ),
  ruleCheck(
    'RBAC-CsrApproval',
    'No CSR approval or signing',
    'Approving or signing CSRs mints cluster credentials.',
    'Remove approve on signers and update on certificatesigningrequests/approval.',
    [CIS.csrApproval, ...RBAC_REFS],
    ['CKV_K8S_156'],
  ),
];

const broadBinding = objectRule(
  {
    id: 'RBAC-BroadRoleBinding',
    kinds: BINDING_KINDS,
    title: 'No binding to cluster-admin, admin, edit or aggregated roles',
    severity: 'error',
    description:
      'The built-in broad roles give write access to nearly everything in scope; a system:aggregate-to-* role holds whatever is aggregated into it, now and later.',
    fix: 'Bind a Role listing only the permissions needed.',
    references: [CIS.clusterAdmin, ...RBAC_REFS],
    scanners: ['KSV-0111', 'Polaris clusterrolebindingClusterAdmin', 'kube-linter cluster-admin-role-binding'],
  },
  (ctx) => {
    const ref = rec(ctx.object.roleRef);
    const risk = roleRefRisk({ kind: str(ref.kind) ?? '', name: str(ref.name) ?? '' });
    return risk ? [at(`binds ClusterRole ${String(ref.name)}: ${risk}`, ['roleRef', 'name'])] : [];
  },
);

function subjectProblem(s: Json): string | undefined {
  const name = str(s.name) ?? '';
  const risk = subjectRisk({ kind: str(s.kind) ?? '', name });
  return risk ? `subject ${String(s.kind)} ${name}: ${risk}` : undefined;
}

const riskySubject = objectRule(
  {
    id: 'RBAC-RiskySubject',
    kinds: BINDING_KINDS,
    title: 'No anonymous, all-users, all-ServiceAccounts, masters or default-SA subjects',
    severity: 'error',
    description:
      'Binding to everyone (system:authenticated, system:serviceaccounts, system:serviceaccounts:<ns>, system:nodes), to system:masters, to a shared default ServiceAccount, or to a ServiceAccount written as a User (system:serviceaccount:<ns>:<name>) removes accountability or hides the grant.',
    fix: 'Bind a dedicated ServiceAccount.',
    references: [CIS.masters, CIS.defaultSa, ...RBAC_REFS],
    scanners: ['CKV_K8S_42', 'KSV-0122', 'KSV-0123', 'kubesec BindingsToSystemAnonymous'],
  },
  (ctx) =>
    arr(ctx.object.subjects).flatMap((s, i) => {
      const problem = subjectProblem(rec(s));
      return problem ? [at(problem, ['subjects', i])] : [];
    }),
);

const aggregation = objectRule(
  {
    id: 'RBAC-Aggregation',
    kinds: ['ClusterRole'],
    title: 'No aggregated ClusterRoles',
    severity: 'error',
    description:
      'A ClusterRole with an aggregationRule holds the rules of every ClusterRole matching its selectors, now and later; a ClusterRole labelled aggregate-to-* adds its rules to admin, edit, view or another aggregating role. Neither is bounded by what the object says, so both are judged as unbounded.',
    fix: 'List the rules in the ClusterRole itself; remove aggregationRule and aggregate-to-* labels.',
    references: [CIS.wildcards, ...RBAC_REFS],
    scanners: [],
  },
  (ctx) => {
    const risk = aggregationRisk({ aggregationRule: ctx.object.aggregationRule, labels: indexedOf(ctx).labels });
    if (!risk) return [];
    return [at(risk, ctx.object.aggregationRule !== undefined ? ['aggregationRule'] : ['metadata', 'labels'])];
  },
);

const missingSa = objectRule(
  {
    id: 'RBAC-MissingServiceAccount',
    kinds: BINDING_KINDS,
    title: 'Bound ServiceAccounts exist',
    severity: 'warning',
    description:
      'A binding to a ServiceAccount that does not exist grants its permissions to whoever creates that account later. Checked only for namespaces the set declares (Namespace or ServiceAccounts present).',
    fix: 'Create the ServiceAccount in the same set, or remove the subject.',
    references: RBAC_REFS,
    scanners: ['kube-linter non-existent-service-account'],
  },
  (ctx) => {
    const own = indexedOf(ctx).namespace;
    return recs(ctx.object.subjects).flatMap((s, i): FindingDraft[] => {
      if (s.kind !== 'ServiceAccount') return [];
      const ns = str(s.namespace) ?? own;
      const name = str(s.name) ?? '';
      const declared = ctx.set.namespace(ns) !== undefined || ctx.set.ofKind('ServiceAccount', ns).length > 0;
      if (!declared || ctx.set.find('ServiceAccount', name, ns)) return [];
      return [at(`ServiceAccount ${ns}/${name} is not in the set`, ['subjects', i])];
    });
  },
);

export const RBAC: Pack = {
  name: 'rbac',
  description: 'Risky RBAC permissions and bindings.',
  rules: [...RULES, aggregation, broadBinding, riskySubject, missingSa],
};
