/**
 * The `gdpr` pack: judges an agent's data declaration (the `privacy.agent-baseline.dev/*` labels
 * and annotations, see docs/gdpr.md) against what its manifests let it do, on manifests alone.
 * Each rule cites the GDPR article it supports; a pass is technical evidence, not legal advice.
 *
 * A workload declares personal data when its labels (on the object or its pod template) say
 * `personal-data: 'true'` or list `personal` or `special-category` among the categories: either is
 * enough, so a mismatch between the two never hides personal data. Not in the default packs:
 * select it with `--pack gdpr`.
 */
import {
  NODE_LOCAL_DNS_IP,
  PERSONAL_DATA_CATEGORIES,
  PRIVACY_KEYS,
  PRIVACY_LIST_SEPARATOR,
  serviceAccountUsername,
} from '../../core';
import { IndexedObject, ObjectSet } from '../object-set';
import { PodContext } from '../pod-template';
import { Pack, RuleContext } from '../rule';
import { GDPR } from '../references';
import { FindingDraft, PathSegment } from '../types';
import { Json, arr, rec, recs, str, strs } from '../util';
import { edgeAuthentication } from './edge-auth';
import {
  at,
  indexedOf,
  isAgentNamespace,
  isAgentWorkload,
  podRule,
  policiesSelecting,
  endpointSelectorOf,
  policyTypes,
  objectRule,
  serviceAccountOf,
} from './helpers';

/** An agent's declaration as its manifests state it. */
export interface ManifestDeclaration {
  readonly declared: boolean;
  readonly categories: readonly string[];
  readonly personal: boolean;
  readonly specialCategory: boolean;
  /** Undefined when missing or not a positive integer. */
  readonly retentionDays?: number;
  readonly regions: readonly string[];
}

const list = (value: string | undefined): string[] =>
  value === undefined || value === '' ? [] : value.split(PRIVACY_LIST_SEPARATOR);

/** Reads the declaration from the workload's and its pod template's labels (either may carry it). */
export function declarationOf(
  objectLabels: Record<string, string>,
  podLabels: Record<string, string> = {},
): ManifestDeclaration {
  const get = (key: string) => podLabels[key] ?? objectLabels[key];
  const categories = [
    ...new Set([...list(objectLabels[PRIVACY_KEYS.categories]), ...list(podLabels[PRIVACY_KEYS.categories])]),
  ];
  const flag = (key: string) => objectLabels[key] === 'true' || podLabels[key] === 'true';
  const specialCategory = flag(PRIVACY_KEYS.specialCategory) || categories.includes('special-category');
  const personal =
    specialCategory ||
    flag(PRIVACY_KEYS.personalData) ||
    categories.some((c) => (PERSONAL_DATA_CATEGORIES as readonly string[]).includes(c));
  const retention = get(PRIVACY_KEYS.retentionDays);
  const days = retention !== undefined && /^[1-9][0-9]{0,5}$/.test(retention) ? Number(retention) : undefined;
  return {
    declared: flag(PRIVACY_KEYS.declared) || categories.length > 0,
    categories,
    personal,
    specialCategory,
    retentionDays: days,
    regions: list(get(PRIVACY_KEYS.regions)),
  };
}

function declarationFor(item: IndexedObject, pod: PodContext): ManifestDeclaration {
  return declarationOf(item.labels, pod.labels);
}

/** Agents: the baseline's own workloads, and any workload in a namespace labelled as an agent namespace. */
function isAgent(ctx: RuleContext, pod: PodContext): boolean {
  const item = indexedOf(ctx);
  return isAgentWorkload(item, pod) || isAgentNamespace(ctx.set, item.namespace);
}

const SECONDS_PER_DAY = 86400;

// --- Undeclared --------------------------------------------------------------------------------

export const undeclared = podRule(
  {
    id: 'GDPR-Undeclared',
    title: 'Agents declare what data they process',
    severity: 'warning',
    description:
      'An agent without a data declaration is unknown: nobody can tell whether it processes personal data, why, where it goes or how long it stays, so it cannot appear in the record of processing. A warning, not an error: the declaration is the operator’s statement.',
    fix: "Declare the agent's data with the `data` prop ({ categories: ['none'] } when it handles none), or label the workload with privacy.agent-baseline.dev/categories.",
    references: [GDPR.records, GDPR.byDesign],
  },
  (pod, ctx) => {
    if (!isAgent(ctx, pod)) return undefined;
    const d = declarationFor(indexedOf(ctx), pod);
    return d.declared
      ? []
      : [at('agent has no data declaration (unknown): its processing cannot be recorded', ['metadata', 'labels'])];
  },
);

// --- Retention ---------------------------------------------------------------------------------

/** Where a batch workload sets how long a finished run (its pod and logs) is kept. */
function ttlPath(kind: string): PathSegment[] | undefined {
  if (kind === 'Job') return ['spec', 'ttlSecondsAfterFinished'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'ttlSecondsAfterFinished'];
  return undefined;
}

function valueAt(object: Json, path: readonly PathSegment[]): unknown {
  return path.reduce<unknown>((v, seg) => (typeof seg === 'number' ? arr(v)[seg] : rec(v)[seg]), object);
}

export const retention = podRule(
  {
    id: 'GDPR-Retention',
    title: 'Personal data has a retention period, enforced on finished runs',
    severity: 'error',
    description:
      'Storage limitation: personal data is kept no longer than needed. An agent with personal data declares its retention in days (privacy.agent-baseline.dev/retention-days); a Job or CronJob run keeps its pod and logs until ttlSecondsAfterFinished, which must be set and at most the retention.',
    fix: 'Declare data.retentionDays; on Jobs and CronJob job templates set ttlSecondsAfterFinished to at most that many days (the constructs do it).',
    references: [GDPR.storageLimitation],
  },
  (pod, ctx) => {
    const item = indexedOf(ctx);
    const d = declarationFor(item, pod);
    if (!d.personal) return undefined;
    if (d.retentionDays === undefined)
      return [
        at('agent declares personal data without a retention period (privacy.agent-baseline.dev/retention-days)', [
          'metadata',
          'labels',
        ]),
      ];
    const path = ttlPath(item.kind);
    if (!path) return [];
    const ttl = valueAt(ctx.object, path);
    const max = d.retentionDays * SECONDS_PER_DAY;
    if (typeof ttl !== 'number')
      return [at(`finished runs are kept without a time limit, past the ${d.retentionDays}-day retention`, path)];
    return ttl > max
      ? [at(`finished runs are kept ${ttl} s, longer than the ${d.retentionDays}-day retention (${max} s)`, path)]
      : [];
  },
);

// --- Transfers ---------------------------------------------------------------------------------

function regionMap(policy: IndexedObject): Record<string, string> {
  const raw = rec(policy.object.metadata).annotations;
  const text = str(rec(raw)[PRIVACY_KEYS.egressRegions]);
  if (text === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec(parsed))) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

interface Destination {
  readonly endpoint: string;
  readonly region?: string;
  readonly path: PathSegment[];
  readonly policy: string;
}

const NODE_LOCAL_DNS_CIDR = `${NODE_LOCAL_DNS_IP}/32`;

/** Ports of the rule are DNS only (53, TCP or UDP), and at least one is given. */
function isDnsOnly(rule: Json): boolean {
  const ports = recs(rule.ports);
  return ports.length > 0 && ports.every((p) => p.port === 53 && p.endPort === undefined);
}

/** External destinations of NetworkPolicy egress: ipBlocks, and rules without `to` (anywhere). */
function networkPolicyDestinations(policy: IndexedObject): Destination[] {
  if (!policyTypes(policy.object).has('Egress')) return [];
  const regions = regionMap(policy);
  const label = `NetworkPolicy/${policy.name}`;
  return recs(rec(policy.object.spec).egress).flatMap((rule, i) => {
    const to = arr(rule.to);
    if (to.length === 0) return [{ endpoint: 'any destination', path: ['spec', 'egress', i], policy: label }];
    return recs(to).flatMap((peer, j) => {
      const cidr = str(rec(peer.ipBlock).cidr);
      // NodeLocal DNSCache: a link-local address on the node itself, the DNS the baseline always allows.
      if (cidr === NODE_LOCAL_DNS_CIDR && isDnsOnly(rule)) return [];
      return cidr === undefined
        ? []
        : [
            {
              endpoint: cidr,
              region: regions[cidr],
              path: ['spec', 'egress', i, 'to', j, 'ipBlock', 'cidr'],
              policy: label,
            },
          ];
    });
  });
}

/** External destinations of CiliumNetworkPolicy egress: FQDNs, CIDRs and the `world` entity. */
function ciliumDestinations(policy: IndexedObject): Destination[] {
  const regions = regionMap(policy);
  const label = `CiliumNetworkPolicy/${policy.name}`;
  const spec = rec(policy.object.spec);
  const rules = [...recs(spec.egress), ...recs(spec.specs).flatMap((s) => recs(s.egress))];
  return rules.flatMap((rule, i) => {
    const base: PathSegment[] = ['spec', 'egress', i];
    const fqdns = recs(rule.toFQDNs).flatMap((f, j) => {
      const name = str(f.matchName) ?? str(f.matchPattern);
      return name === undefined
        ? []
        : [{ endpoint: name, region: regions[name], path: [...base, 'toFQDNs', j], policy: label }];
    });
    const cidrs = [...strs(rule.toCIDR), ...recs(rule.toCIDRSet).flatMap((c) => strs([c.cidr]))].map((cidr) => ({
      endpoint: cidr,
      region: regions[cidr],
      path: [...base],
      policy: label,
    }));
    const world = strs(rule.toEntities)
      .filter((e) => e === 'world' || e === 'all')
      .map((e) => ({ endpoint: `entity ${e}`, path: [...base, 'toEntities'], policy: label }));
    return [...fqdns, ...cidrs, ...world];
  });
}

function ciliumPoliciesSelecting(
  set: ObjectSet,
  namespace: string,
  labels: Record<string, string>,
): readonly IndexedObject[] {
  return set.selecting('CiliumNetworkPolicy', namespace, endpointSelectorOf, labels);
}

export const transfers = podRule(
  {
    id: 'GDPR-Transfer',
    title: 'Personal data goes only to endpoints in the declared regions',
    severity: 'error',
    description:
      'Transfers: an agent with personal data may reach an address block or DNS name only when its region (the privacy.agent-baseline.dev/egress-regions annotation of the policy) is one of the agent’s declared regions. An endpoint without a region, an egress rule without destinations and the `world` entity count as undeclared. In-cluster peers are not judged here (the constructs check them against the cluster region).',
    fix: "Give every egress endpoint its region (Peer.cidr(cidr, except, 'eu'), allowEgressToFqdn(name, port, 'eu')) and remove endpoints outside the agent's regions.",
    references: [GDPR.transfers, GDPR.byDesign],
  },
  (pod, ctx) => {
    const item = indexedOf(ctx);
    const d = declarationFor(item, pod);
    if (!d.personal) return undefined;
    const destinations = [
      ...policiesSelecting(ctx.set, item.namespace, pod.labels).flatMap(networkPolicyDestinations),
      ...ciliumPoliciesSelecting(ctx.set, item.namespace, pod.labels).flatMap(ciliumDestinations),
    ];
    return destinations
      .filter((dst) => dst.region === undefined || !d.regions.includes(dst.region))
      .map((dst) =>
        at(
          dst.region === undefined
            ? `${dst.policy} lets the agent send personal data to ${dst.endpoint}, whose region is undeclared`
            : `${dst.policy} lets the agent send personal data to ${dst.endpoint} in '${dst.region}', outside its regions (${d.regions.join(', ') || 'none declared'})`,
          ['metadata', 'labels'],
        ),
      );
  },
);

// --- Special categories ------------------------------------------------------------------------

export const specialCategorySandbox = podRule(
  {
    id: 'GDPR-SpecialCategorySandbox',
    title: 'Agents with special-category data run in a sandbox',
    severity: 'error',
    description:
      'Special-category data (health, biometrics, beliefs, …) needs security appropriate to its risk: an agent that handles it runs under a sandbox RuntimeClass (gVisor, Kata), so an escape from a prompt-injected tool call does not reach the node.',
    fix: "Set `sandbox: 'gvisor'` (or 'kata') on the agent.",
    references: [GDPR.specialCategories, GDPR.security],
  },
  (pod, ctx) => {
    if (!declarationFor(indexedOf(ctx), pod).specialCategory) return undefined;
    const name = str(pod.spec.runtimeClassName);
    const handler = name === undefined ? undefined : str(rec(ctx.set.find('RuntimeClass', name, '')?.object).handler);
    const ok = name !== undefined && ctx.settings.sandboxRuntimeClasses.some((s) => s === name || s === handler);
    return ok
      ? []
      : [
          at(
            `agent handles special-category data without a sandbox RuntimeClass (runtimeClassName: ${name ?? 'unset'})`,
            [...pod.specPath, 'runtimeClassName'],
          ),
        ];
  },
);

export const specialCategoryEdgeAuth = podRule(
  {
    id: 'GDPR-SpecialCategoryEdgeAuth',
    title: 'Agents with special-category data are reached only through edge authentication',
    severity: 'error',
    description:
      'Every exposure that AGT-EdgeAuth reports for an agent with special-category data is an error here, warnings included (ingress from address blocks or whole namespaces): whoever reaches the agent must have been authenticated.',
    fix: 'Expose the agent only through AgentGateway (OIDC/JWT) or, on Istio, AgentEdgeIdentity; replace namespace- or CIDR-wide ingress with specific callers.',
    references: [GDPR.specialCategories, GDPR.security],
  },
  (pod, ctx) => {
    if (!declarationFor(indexedOf(ctx), pod).specialCategory) return undefined;
    return (edgeAuthentication.check(ctx) ?? []).map((f) => ({ ...f, severity: undefined }));
  },
);

// --- Secrets -----------------------------------------------------------------------------------

const VAULT_SECRETS_GROUP = 'secrets.hashicorp.com';
const VSO_KINDS = ['VaultStaticSecret', 'VaultDynamicSecret', 'VaultPKISecret'];

/** Secrets the Vault Secrets Operator writes in a namespace (spec.destination.name). */
function vaultSyncedSecrets(set: ObjectSet, namespace: string): Set<string> {
  const names = VSO_KINDS.flatMap((kind) =>
    set
      .ofKind(kind, namespace)
      .filter((o) => (o.object.apiVersion ?? '').startsWith(`${VAULT_SECRETS_GROUP}/`))
      .flatMap((o) => strs([rec(rec(o.object.spec).destination).name])),
  );
  return new Set(names);
}

/** Every Kubernetes Secret the pod reads, with where. */
function secretReferences(pod: PodContext): { name: string; path: PathSegment[] }[] {
  const out: { name: string; path: PathSegment[] }[] = [];
  recs(pod.spec.volumes).forEach((v, i) => {
    const name = str(rec(v.secret).secretName);
    if (name) out.push({ name, path: [...pod.specPath, 'volumes', i, 'secret'] });
    recs(rec(v.projected).sources).forEach((s, j) => {
      const n = str(rec(s.secret).name);
      if (n) out.push({ name: n, path: [...pod.specPath, 'volumes', i, 'projected', 'sources', j] });
    });
  });
  for (const c of pod.containers) {
    recs(c.spec.env).forEach((e, i) => {
      const n = str(rec(rec(e.valueFrom).secretKeyRef).name);
      if (n) out.push({ name: n, path: [...c.path, 'env', i] });
    });
    recs(c.spec.envFrom).forEach((e, i) => {
      const n = str(rec(e.secretRef).name);
      if (n) out.push({ name: n, path: [...c.path, 'envFrom', i] });
    });
  }
  return out;
}

export const vaultSecrets = podRule(
  {
    id: 'GDPR-VaultSecrets',
    title: 'Agents with personal data get their Secrets from Vault',
    severity: 'error',
    description:
      'The credentials that open personal data are kept in Vault (leased, audited, revocable) and delivered by the injector, the CSI driver or the Vault Secrets Operator. A Kubernetes Secret the pod reads that no VaultStaticSecret/VaultDynamicSecret/VaultPKISecret writes is a long-lived credential outside that control.',
    fix: 'Deliver the secret with addVaultSecrets (injector, CSI or operator mode) instead of a hand-made Secret.',
    references: [GDPR.security],
  },
  (pod, ctx) => {
    const item = indexedOf(ctx);
    if (!declarationFor(item, pod).personal) return undefined;
    const synced = vaultSyncedSecrets(ctx.set, item.namespace);
    return secretReferences(pod)
      .filter((ref) => !synced.has(ref.name))
      .map((ref) => at(`agent with personal data reads Secret ${ref.name}, which Vault does not deliver`, ref.path));
  },
);

// --- Audit policy ------------------------------------------------------------------------------

const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'];

interface AuditRequest {
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace: string;
}

/** Kubernetes audit rule matching (k8s.io/apiserver policy checker), for resource requests. */
function auditRuleMatches(rule: Json, req: AuditRequest): boolean {
  const users = strs(rule.users);
  const groups = strs(rule.userGroups);
  const verbs = strs(rule.verbs);
  const namespaces = strs(rule.namespaces);
  if (users.length > 0 && !users.includes(req.user)) return false;
  if (groups.length > 0 && !groups.some((g) => req.groups.includes(g))) return false;
  if (verbs.length > 0 && !verbs.includes(req.verb)) return false;
  if (namespaces.length > 0 && !namespaces.includes(req.namespace)) return false;
  // A rule with only nonResourceURLs matches no resource request.
  if (arr(rule.nonResourceURLs).length > 0 && arr(rule.resources).length === 0) return false;
  const resources = recs(rule.resources);
  if (resources.length === 0) return true;
  return resources.some((r) => {
    if ((str(r.group) ?? '') !== req.group) return false;
    const names = strs(r.resources);
    return names.length === 0 || names.includes(req.resource) || names.includes('*');
  });
}

/** The level the first matching rule gives a request; None when no rule matches. */
export function auditLevel(policy: Json, req: AuditRequest): string {
  const rule = recs(policy.rules).find((r) => auditRuleMatches(r, req));
  return rule ? (str(rule.level) ?? 'None') : 'None';
}

export const auditCoverage = objectRule(
  {
    id: 'GDPR-AuditCoverage',
    kinds: ['Policy'],
    title: 'The audit policy logs requests in namespaces with personal data',
    severity: 'error',
    description:
      'Records and security of processing: every API request that touches a namespace where an agent processes personal data, and every request of such an agent, is logged at Metadata or above. Checked on the API-server audit Policy (audit.k8s.io/v1) when it is among the scanned files (dist/audit/audit-policy.yaml).',
    fix: 'Add a rule `{ level: Metadata, namespaces: [<namespace>] }` (writeAuditPolicy does) before any rule that drops those requests.',
    references: [GDPR.records, GDPR.security],
  },
  (ctx) => {
    if (!(ctx.object.apiVersion ?? '').startsWith('audit.k8s.io/')) return undefined;
    const agents = ctx.set.items.filter((w) => w.pod !== undefined && declarationOf(w.labels, w.pod.labels).personal);
    const findings: FindingDraft[] = [];
    for (const agent of agents) {
      const requests: AuditRequest[] = [
        {
          user: 'someone@example.com',
          groups: ['system:authenticated'],
          verb: 'get',
          group: '',
          resource: 'pods',
          namespace: agent.namespace,
        },
        {
          user: serviceAccountUsername(agent.namespace, serviceAccountOf(agent.pod!)),
          groups: ['system:serviceaccounts', `system:serviceaccounts:${agent.namespace}`, 'system:authenticated'],
          verb: 'list',
          group: '',
          resource: 'configmaps',
          namespace: agent.namespace,
        },
      ];
      for (const req of requests) {
        const level = auditLevel(ctx.object, req);
        if (AUDIT_LEVELS.indexOf(level) < 1)
          findings.push(
            at(
              `requests of ${req.user} in namespace ${agent.namespace} (personal data, ${agent.kind}/${agent.name}) are logged at ${level}`,
              ['rules'],
            ),
          );
      }
    }
    return findings;
  },
);

/** The `gdpr` pack: evidence of declared data handling; opt-in, not in DEFAULT_PACKS. */
export const GDPR_PACK: Pack = {
  name: 'gdpr',
  description:
    'GDPR evidence on manifests: data declarations, retention, transfers by region, special-category protections, Vault-delivered secrets and audit coverage. Each rule cites the article it supports; it is evidence of what is declared, not legal advice.',
  rules: [
    undeclared,
    retention,
    transfers,
    specialCategorySandbox,
    specialCategoryEdgeAuth,
    vaultSecrets,
    auditCoverage,
  ],
};
