/**
 * Controls specific to AI agents (OWASP LLM06 Excessive Agency): no open internet, no API token
 * without declared RBAC, secrets only from Vault, signed images, and sandboxed runtimes where the
 * platform asks for them.
 */
import { AGENT_NAMESPACE_LABEL, ANNOTATION_PREFIX, serviceAccountUsername } from '../../core';
import { RUNS_GENERATED_CODE_LABEL } from '../../common/guardrail-constants';
import { internetEgress, networkPolicyScope } from './agent-network';
import { networkUnion } from './network-union';
import { llmFqdnBypass, meshOptOut, psaVersionPin } from './agent-mesh';
import {
  credentialInConfigMap,
  credentialInPod,
  foreignSecret,
  foreignServiceAccount,
  guardrailForeignServiceAccount,
  literalSecret,
} from './agent-identity';
import { ruleRisks } from '../../common/rbac-risks';
import { IndexedObject, ObjectSet } from '../object-set';
import { PodContext } from '../pod-template';
import { Pack, Rule, RuleContext } from '../rule';
import { CIS, NSA, OWASP, SOC2 } from '../references';
import { FindingDraft, PathSegment } from '../types';
import { Json, arr, isRecord, rec, recs, selectorMatches, str, strs } from '../util';
import { edgeAuthentication } from './edge-auth';
import {
  at,
  containerRule,
  indexedOf,
  isAgentNamespace,
  isAgentWorkload,
  objectRule,
  podRule,
  serviceAccountOf,
} from './helpers';

export const REQUIRE_SANDBOX_ANNOTATION = `${ANNOTATION_PREFIX}require-sandbox`;
export const SECRET_SOURCE_ANNOTATION = `${ANNOTATION_PREFIX}secret-source`;
/** A projected token for this audience is a Vault identity, not a Kubernetes API credential. */
export const VAULT_TOKEN_AUDIENCE = 'vault';

function agentPod(ctx: RuleContext): PodContext | undefined {
  return ctx.pod && isAgentWorkload(indexedOf(ctx), ctx.pod) ? ctx.pod : undefined;
}

// --- API token ---------------------------------------------------------------------------------

function tokenSources(pod: PodContext, set: ObjectSet, namespace: string): { message: string; path: PathSegment[] }[] {
  const out: { message: string; path: PathSegment[] }[] = [];
  const sa = set.find('ServiceAccount', serviceAccountOf(pod), namespace);
  const automount =
    typeof pod.spec.automountServiceAccountToken === 'boolean'
      ? pod.spec.automountServiceAccountToken
      : rec(sa?.object).automountServiceAccountToken !== false;
  if (automount)
    out.push({ message: 'the API token is automounted', path: [...pod.specPath, 'automountServiceAccountToken'] });
  arr(pod.spec.volumes).forEach((v, i) => {
    arr(rec(rec(v).projected).sources).forEach((s, j) => {
      const token = rec(s).serviceAccountToken;
      if (isRecord(token) && token.audience !== VAULT_TOKEN_AUDIENCE) {
        out.push({
          message: `projected serviceAccountToken with audience ${String(token.audience ?? 'kube-apiserver')}`,
          path: [...pod.specPath, 'volumes', i, 'projected', 'sources', j, 'serviceAccountToken'],
        });
      }
    });
  });
  return out;
}

// Built once per input: scanning every binding for every pod made the scan quadratic.
const grantedServiceAccounts = new WeakMap<ObjectSet, Set<string>>();

function hasRbacGrant(set: ObjectSet, namespace: string, sa: string): boolean {
  let granted = grantedServiceAccounts.get(set);
  if (!granted) {
    granted = new Set();
    for (const b of [...set.ofKind('RoleBinding'), ...set.ofKind('ClusterRoleBinding')]) {
      for (const s of recs(b.object.subjects)) {
        if (s.kind === 'ServiceAccount' && typeof s.name === 'string')
          granted.add(`${str(s.namespace) ?? b.namespace}\u0000${s.name}`);
        // The same ServiceAccount written as its User name is granted the same.
        const user = s.kind === 'User' ? /^system:serviceaccount:([^:]+):([^:]+)$/.exec(str(s.name) ?? '') : null;
        if (user) granted.add(`${user[1]}\u0000${user[2]}`);
      }
    }
    grantedServiceAccounts.set(set, granted);
  }
  return granted.has(`${namespace}\u0000${sa}`);
}

const apiToken = podRule(
  {
    id: 'AGT-ApiToken',
    title: 'No Kubernetes API token without declared RBAC',
    severity: 'error',
    description:
      'An agent that holds an API token can call the Kubernetes API; that is only acceptable when the grants are declared and reviewed alongside it. A projected token with audience "vault" is a Vault identity and is allowed.',
    fix: 'Set automountServiceAccountToken: false and use projected tokens only with audience "vault"; or declare the RoleBinding that grants this ServiceAccount its API access.',
    references: [OWASP.excessiveAgency, CIS.saTokens, NSA.tokens, SOC2.logicalAccess],
    scanners: ['CKV_K8S_38', 'agent-sandbox VAP (projected tokens)'],
  },
  (_pod, ctx) => {
    const pod = agentPod(ctx);
    if (!pod) return undefined;
    const ns = indexedOf(ctx).namespace;
    const sources = tokenSources(pod, ctx.set, ns);
    if (sources.length === 0 || hasRbacGrant(ctx.set, ns, serviceAccountOf(pod))) return [];
    return sources.map((s) =>
      at(
        `${s.message} but no RoleBinding or ClusterRoleBinding for ServiceAccount ${serviceAccountOf(pod)} is in the set`,
        s.path,
      ),
    );
  },
);

// --- Secrets -----------------------------------------------------------------------------------

const VAULT_OWNER_GROUPS = ['secrets.hashicorp.com/', 'secrets-store.csi.x-k8s.io/'];

function vaultManaged(set: ObjectSet, item: IndexedObject): boolean {
  const meta = rec(item.object.metadata);
  if (recs(meta.ownerReferences).some((o) => VAULT_OWNER_GROUPS.some((g) => (str(o.apiVersion) ?? '').startsWith(g))))
    return true;
  if (
    item.labels['app.kubernetes.io/managed-by'] === 'hashicorp-vso' ||
    item.labels['secrets-store.csi.k8s.io/managed'] === 'true'
  )
    return true;
  if (rec(meta.annotations)[SECRET_SOURCE_ANNOTATION] === 'vault') return true;
  return vaultSecretNames(set, item.namespace).has(item.name);
}

// Names the Vault Secrets Operator (destination.name) or the CSI driver (secretObjects[].secretName)
// writes, per namespace, built once per set: scanning every object for every Secret was quadratic.
const vaultSecretNamesCache = new WeakMap<ObjectSet, Map<string, Set<unknown>>>();

function vaultSecretNames(set: ObjectSet, namespace: string): ReadonlySet<unknown> {
  let byNamespace = vaultSecretNamesCache.get(set);
  if (!byNamespace) {
    const built = new Map<string, Set<unknown>>();
    const add = (ns: string, name: unknown) => {
      const names = built.get(ns);
      if (names) names.add(name);
      else built.set(ns, new Set([name]));
    };
    for (const o of set.items)
      if ((o.object.apiVersion ?? '').startsWith('secrets.hashicorp.com/'))
        add(o.namespace, rec(rec(o.object.spec).destination).name);
    for (const o of set.ofKind('SecretProviderClass'))
      for (const s of recs(rec(o.object.spec).secretObjects)) add(o.namespace, s.secretName);
    vaultSecretNamesCache.set(set, (byNamespace = built));
  }
  return byNamespace.get(namespace) ?? EMPTY_NAMES;
}

const EMPTY_NAMES: ReadonlySet<unknown> = new Set();

const secretObject = objectRule(
  {
    id: 'AGT-SecretObject',
    kinds: ['Secret'],
    title: 'Secrets in agent namespaces come from Vault',
    severity: 'error',
    description:
      'A Secret written into the manifests is a credential in git; in agent namespaces secrets come only from Vault (Secrets Operator, CSI provider or injector).',
    fix: `Deliver the secret from Vault (VaultStaticSecret/VaultDynamicSecret destination, SecretProviderClass secretObjects), or annotate a Vault-synced Secret ${SECRET_SOURCE_ANNOTATION}: vault.`,
    references: [CIS.externalSecrets, NSA.secrets, OWASP.disclosure, SOC2.logicalAccess],
    scanners: [],
  },
  (ctx) => {
    const item = indexedOf(ctx);
    if (!isAgentNamespace(ctx.set, item.namespace)) return undefined;
    return vaultManaged(ctx.set, item) ? [] : [at(`Secret ${item.name} is not managed by Vault`, ['metadata', 'name'])];
  },
);

const secretEnv = containerRule(
  {
    id: 'AGT-SecretEnv',
    title: 'Agents read no Secrets from env',
    severity: 'error',
    description:
      'An agent can print its own environment into a model context; secrets must be files that the agent process reads deliberately.',
    fix: 'Remove env[].valueFrom.secretKeyRef and envFrom[].secretRef from agent containers; mount Vault secrets as files.',
    references: [OWASP.disclosure, OWASP.excessiveAgency, CIS.secretsAsFiles],
    scanners: ['CKV_K8S_35'],
  },
  (c, pod, ctx) => {
    if (!isAgentWorkload(indexedOf(ctx), pod)) return undefined;
    const refs: FindingDraft[] = [];
    arr(c.spec.env).forEach((e, i) => {
      if (rec(rec(e).valueFrom).secretKeyRef !== undefined)
        refs.push(
          at(
            `agent container ${c.name} reads a Secret into env`,
            [...c.path, 'env', i, 'valueFrom', 'secretKeyRef'],
            c,
          ),
        );
    });
    arr(c.spec.envFrom).forEach((e, i) => {
      if (rec(e).secretRef !== undefined)
        refs.push(
          at(`agent container ${c.name} imports a Secret with envFrom`, [...c.path, 'envFrom', i, 'secretRef'], c),
        );
    });
    return refs;
  },
);

// --- Image policy ------------------------------------------------------------------------------

export function vapCovers(set: ObjectSet, labels: Record<string, string>): boolean {
  return set.ofKind('ValidatingAdmissionPolicyBinding').some((b) => {
    const spec = rec(b.object.spec);
    const policy = set.find('ValidatingAdmissionPolicy', str(spec.policyName) ?? '');
    if (!policy) return false;
    const pspec = rec(policy.object.spec);
    const aboutImages = recs(pspec.validations).some((v) => /image/i.test(str(v.expression) ?? ''));
    const denies = strs(spec.validationActions).includes('Deny');
    const nsSel = (s: Json) => (isRecord(s.namespaceSelector) ? selectorMatches(s.namespaceSelector, labels) : true);
    return aboutImages && denies && nsSel(rec(spec.matchResources)) && nsSel(rec(pspec.matchConstraints));
  });
}

export function kyvernoCovers(set: ObjectSet, namespace: string, labels: Record<string, string>): boolean {
  const verifies = (o: IndexedObject) => recs(rec(o.object.spec).rules).some((r) => arr(r.verifyImages).length > 0);
  const clusterPolicies = set
    .ofKind('ClusterPolicy')
    .filter((o) => (o.object.apiVersion ?? '').startsWith('kyverno.io/'));
  const policies = set.ofKind('Policy', namespace).filter((o) => (o.object.apiVersion ?? '').startsWith('kyverno.io/'));
  const ivp = set.ofKind('ImageValidatingPolicy').some((o) => {
    const mc = rec(rec(o.object.spec).matchConstraints);
    return isRecord(mc.namespaceSelector) ? selectorMatches(mc.namespaceSelector, labels) : true;
  });
  return ivp || [...clusterPolicies, ...policies].some(verifies);
}

export function sigstoreCovers(set: ObjectSet, labels: Record<string, string>): boolean {
  return set.ofKind('ClusterImagePolicy').length > 0 && labels['policy.sigstore.dev/include'] === 'true';
}

export function gatekeeperCovers(set: ObjectSet, namespace: string): boolean {
  return ['K8sAllowedRepos', 'K8sImageDigests'].some((kind) =>
    set.ofKind(kind).some((c) => {
      const spec = rec(c.object.spec);
      const namespaces = strs(rec(spec.match).namespaces);
      const action = spec.enforcementAction ?? 'deny';
      return action === 'deny' && (namespaces.length === 0 || namespaces.includes(namespace));
    }),
  );
}

const imagePolicy = objectRule(
  {
    id: 'AGT-ImagePolicy',
    kinds: ['Namespace'],
    title: 'Image policy covers every agent namespace',
    // A warning, not an error: admission policies are often installed cluster-wide outside the set
    // being scanned, so their absence from the set does not prove the namespace is uncovered.
    severity: 'warning',
    description:
      'An admission policy on images must cover each agent namespace. Detected in the set: a ValidatingAdmissionPolicy whose validations mention images, bound with Deny to a namespaceSelector matching the namespace; a Kyverno ClusterPolicy/Policy with verifyImages or an ImageValidatingPolicy; a Sigstore ClusterImagePolicy with the namespace labelled policy.sigstore.dev/include; or a Gatekeeper K8sAllowedRepos/K8sImageDigests constraint in deny mode.',
    fix: 'Add an image policy (the platform image-policy construct) whose binding selects this namespace.',
    references: [OWASP.supplyChain, CIS.imageProvenance, NSA.images, SOC2.software],
    scanners: [],
  },
  (ctx) => {
    const item = indexedOf(ctx);
    if (item.labels[AGENT_NAMESPACE_LABEL] !== 'true') return undefined;
    const labels = ctx.set.namespaceLabels(item.name);
    const covered =
      vapCovers(ctx.set, labels) ||
      kyvernoCovers(ctx.set, item.name, labels) ||
      sigstoreCovers(ctx.set, labels) ||
      gatekeeperCovers(ctx.set, item.name);
    return covered
      ? []
      : [at(`no image policy in the set covers agent namespace ${item.name}`, ['metadata', 'labels'])];
  },
);

// --- Sandbox -----------------------------------------------------------------------------------

function sandboxRequired(ctx: RuleContext, pod: PodContext): boolean {
  if (ctx.settings.requireSandbox) return true;
  // Generated or untrusted code is the case sandboxes exist for; the marker travels with the workload.
  if (indexedOf(ctx).labels[RUNS_GENERATED_CODE_LABEL] === 'true' || pod.labels[RUNS_GENERATED_CODE_LABEL] === 'true')
    return true;
  const ns = ctx.set.namespace(indexedOf(ctx).namespace);
  return rec(rec(ns?.object.metadata).annotations)[REQUIRE_SANDBOX_ANNOTATION] === 'true';
}

const sandbox = podRule(
  {
    id: 'AGT-Sandbox',
    title: 'Agents run in a sandbox RuntimeClass when required',
    severity: 'error',
    description: `Where the platform (engine option requireSandbox), the namespace (${REQUIRE_SANDBOX_ANNOTATION}: "true") or the workload (${RUNS_GENERATED_CODE_LABEL}: "true") requires it, agents run under gVisor or Kata, so a container escape does not reach the node kernel.`,
    fix: 'Set runtimeClassName to a sandbox RuntimeClass (gvisor/runsc or kata).',
    references: [NSA.sandbox, OWASP.excessiveAgency],
    scanners: ['agent-sandbox VAP (runtimeClassName)'],
  },
  (_pod, ctx) => {
    const pod = agentPod(ctx);
    if (!pod || !sandboxRequired(ctx, pod)) return undefined;
    const name = str(pod.spec.runtimeClassName);
    const path = [...pod.specPath, 'runtimeClassName'];
    if (!name) return [at('agent pod has no runtimeClassName but a sandbox is required', path)];
    const rc = ctx.set.find('RuntimeClass', name, '');
    const handler = str(rec(rc?.object).handler);
    const ok = ctx.settings.sandboxRuntimeClasses.some((s) => s === name || s === handler);
    return ok ? [] : [at(`runtimeClassName ${name} is not a sandbox runtime`, path)];
  },
);

// --- Actions an agent takes through the API -------------------------------------------------------

/** Resources of workload kinds the ServiceAccount may create or change, through the bindings and roles in the set. */
function creatableWorkloads(set: ObjectSet, namespace: string, sa: string): string[] {
  const bindings = [...set.ofKind('RoleBinding', namespace), ...set.ofKind('ClusterRoleBinding')].filter((b) =>
    recs(b.object.subjects).some((s) => boundTo(s, b.namespace, namespace, sa)),
  );
  return bindings.flatMap((b) => {
    const ref = rec(b.object.roleRef);
    const role =
      ref.kind === 'Role'
        ? set.find('Role', str(ref.name) ?? '', namespace)
        : set.find('ClusterRole', str(ref.name) ?? '');
    // The shared risk list decides what "may create a workload" means (create, update, patch; every group).
    return recs(role?.object.rules)
      .filter((r) =>
        ruleRisks({ apiGroups: strs(r.apiGroups), resources: strs(r.resources), verbs: strs(r.verbs) }).some(
          (risk) => risk.id === 'workload-create' || risk.id === 'wildcard',
        ),
      )
      .flatMap((r) => strs(r.resources));
  });
}

/** True when a binding subject is the ServiceAccount, written as a ServiceAccount or as its User name. */
function boundTo(s: Json, bindingNamespace: string, namespace: string, sa: string): boolean {
  if (s.kind === 'ServiceAccount') return s.name === sa && (str(s.namespace) ?? bindingNamespace) === namespace;
  return s.kind === 'User' && s.name === serviceAccountUsername(namespace, sa);
}

/** True when a ValidatingAdmissionPolicy bound with Deny matches requests of this user. */
function guardedAtAdmission(set: ObjectSet, username: string): boolean {
  const policies = set
    .ofKind('ValidatingAdmissionPolicy')
    .filter((p) =>
      recs(rec(p.object.spec).matchConditions).some((c) =>
        [`'${username}'`, `"${username}"`].some((quoted) => (str(c.expression) ?? '').includes(quoted)),
      ),
    );
  return policies.some((p) =>
    set
      .ofKind('ValidatingAdmissionPolicyBinding')
      .some(
        (b) => rec(b.object.spec).policyName === p.name && strs(rec(b.object.spec).validationActions).includes('Deny'),
      ),
  );
}

/** The agent pod's identity and the workload kinds it may create, when it may create any. */
function workloadCreator(
  ctx: RuleContext,
): { pod: PodContext; ns: string; sa: string; creatable: string[] } | undefined {
  const pod = agentPod(ctx);
  if (!pod) return undefined;
  const ns = indexedOf(ctx).namespace;
  const sa = serviceAccountOf(pod);
  const creatable = [...new Set(creatableWorkloads(ctx.set, ns, sa))];
  return creatable.length > 0 ? { pod, ns, sa, creatable } : undefined;
}

const workloadGuardrail = podRule(
  {
    id: 'AGT-ActionGuardrail',
    title: 'Workloads an agent may create are checked at admission',
    severity: 'error',
    description:
      "An agent that can create Jobs, Pods or other workloads acts with every ServiceAccount and image the namespace allows. A ValidatingAdmissionPolicy matched on the agent's own username must bound what it creates (Pod Security, registries, deadlines, labels, namespace, ServiceAccount).",
    fix: 'Add the agent guardrail (AgentGuardrails) for this agent: a ValidatingAdmissionPolicy whose matchConditions name system:serviceaccount:<namespace>:<sa>, bound with validationActions [Deny].',
    references: [OWASP.excessiveAgency, SOC2.logicalAccess, SOC2.configuration],
    scanners: ['KSV-0048 (create on workloads)'],
  },
  (_pod, ctx) => {
    const creator = workloadCreator(ctx);
    if (!creator) return undefined;
    const { pod, ns, sa, creatable } = creator;
    const username = serviceAccountUsername(ns, sa);
    return guardedAtAdmission(ctx.set, username)
      ? []
      : [
          at(
            `ServiceAccount ${sa} may create ${creatable.join(', ')} but no Deny-bound ValidatingAdmissionPolicy in the set matches ${username}`,
            [...pod.specPath, 'serviceAccountName'],
          ),
        ];
  },
);

const actionQuota = podRule(
  {
    id: 'AGT-ActionQuota',
    title: 'Object-count quota bounds what agents can start',
    severity: 'warning',
    description:
      'An agent that can create Jobs or Pods can start them without end (a runaway loop, or an injected prompt asking for a thousand). A ResourceQuota with count/jobs.batch or pods in its namespace caps that.',
    fix: 'Give the namespace a ResourceQuota with count/jobs.batch (and pods) hard limits, e.g. through AgentGuardrails maxJobs.',
    references: [OWASP.consumption, OWASP.excessiveAgency, SOC2.configuration],
    scanners: ['KSV-0040 (ResourceQuota)'],
  },
  (_pod, ctx) => {
    const creator = workloadCreator(ctx);
    if (!creator) return undefined;
    const { pod, ns, sa, creatable } = creator;
    const counted = ctx.set
      .ofKind('ResourceQuota', ns)
      .some((q) =>
        Object.keys(rec(rec(q.object.spec).hard)).some(
          (k) => k === 'count/jobs.batch' || k === 'pods' || k === 'count/pods',
        ),
      );
    return counted
      ? []
      : [
          at(
            `ServiceAccount ${sa} may create ${creatable.join(', ')} but no ResourceQuota in namespace ${ns} counts Jobs or Pods`,
            [...pod.specPath, 'serviceAccountName'],
          ),
        ];
  },
);

const AGENT_RULES: readonly Rule[] = [
  internetEgress,
  networkPolicyScope,
  networkUnion,
  apiToken,
  secretObject,
  literalSecret,
  secretEnv,
  foreignSecret,
  foreignServiceAccount,
  guardrailForeignServiceAccount,
  credentialInConfigMap,
  credentialInPod,
  psaVersionPin,
  meshOptOut,
  llmFqdnBypass,
  imagePolicy,
  sandbox,
  workloadGuardrail,
  actionQuota,
  edgeAuthentication,
];

export const AGENT: Pack = {
  name: 'agent',
  description:
    'AI-agent controls: egress, API tokens, Vault-only secrets, image policy, sandboxing, admission guardrails and quotas on what agents create (OWASP LLM06, LLM10).',
  rules: AGENT_RULES,
};
