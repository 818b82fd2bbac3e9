/** Risky RBAC permissions (REFERENCE.md §6): what a least-privilege agent never holds without a recorded reason. */
import { Pack, Rule, RuleContext } from '../rule';
import { CIS, NSA, OWASP, SOC2 } from '../references';
import { FindingDraft } from '../types';
import { Json, arr, rec, recs, str, strs } from '../util';
import { at, indexedOf, objectRule } from './helpers';
import { PolicyRuleLike, WILDCARD_RISK, roleRefRisk, ruleRisks, subjectRisk } from '../../shared/rbac-risks';

const ROLE_KINDS = ['Role', 'ClusterRole'];
const BINDING_KINDS = ['RoleBinding', 'ClusterRoleBinding'];
const RBAC_REFS = [NSA.rbac, SOC2.accessRemoval, OWASP.excessiveAgency];

/** The rule as the shared risk list reads it. */
function policyRule(rule: Json): PolicyRuleLike {
  return { apiGroups: strs(rule.apiGroups), resources: strs(rule.resources), verbs: strs(rule.verbs) };
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
        ruleRisks(policyRule(rec(r)))
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
    ['CKV_K8S_157', 'CKV_K8S_158', 'KSV-0043'],
  ),
  ruleCheck(
    'RBAC-Impersonate',
    'No impersonation',
    'impersonate lets a subject act as any user, group or ServiceAccount.',
    'Remove impersonate.',
    [CIS.bindEscalate, ...RBAC_REFS],
    ['KSV-0050'],
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
    ['CKV2_K8S_5', 'KSV-0041', 'KSV-0113', 'kube-linter access-to-secrets'],
  ),
  ruleCheck(
    'RBAC-PodExec',
    'No exec, attach or port-forward',
    'Exec, attach and port-forward run code in, or reach into, other pods.',
    'Remove create/get on pods/exec, pods/attach and pods/portforward.',
    RBAC_REFS,
    ['CKV2_K8S_2', 'KSV-0053', 'KSV-0054', 'Polaris clusterrolePodExecAttach'],
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
    'No creating pods or workloads',
    'Creating pods runs any image as any ServiceAccount in the namespace.',
    'Remove create on pods and workload kinds.',
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
    'Changing webhooks or admission policies disables the guardrails.',
    'Remove write access to admission configuration.',
    [CIS.webhooks, ...RBAC_REFS],
    ['CKV_K8S_155', 'KSV-0114'],
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
    title: 'No binding to cluster-admin, admin or edit',
    severity: 'error',
    description: 'The built-in broad roles give write access to nearly everything in scope.',
    fix: 'Bind a Role listing only the permissions needed.',
    references: [CIS.clusterAdmin, ...RBAC_REFS],
    scanners: ['KSV-0111', 'Polaris clusterrolebindingClusterAdmin', 'kube-linter cluster-admin-role-binding'],
  },
  (ctx) => {
    const ref = rec(ctx.object.roleRef);
    return roleRefRisk({ kind: str(ref.kind) ?? '', name: str(ref.name) ?? '' }) !== undefined
      ? [at(`binds ClusterRole ${String(ref.name)}`, ['roleRef', 'name'])]
      : [];
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
    title: 'No anonymous, all-users, masters or default-SA subjects',
    severity: 'error',
    description: 'Binding to everyone, to system:masters or to a shared default ServiceAccount removes accountability.',
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
  rules: [...RULES, broadBinding, riskySubject, missingSa],
};
