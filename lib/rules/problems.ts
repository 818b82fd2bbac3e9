/**
 * The engine's output stage: known-necessary exemptions, then one problem per field.
 *
 * Packs overlap on purpose (the PSS pack mirrors the admission controller, the hardening pack adds
 * what PSS leaves out), so two rules often flag one field. A person fixes one problem, so the
 * report shows one: the most severe rule leads and the others are listed as related. Rule bodies
 * stay untouched; field keys are derived from each finding's path.
 */
import { Finding, KubeObject, PathSegment, Problem, RuleInfo, Severity, Suppression } from './types';
import { isRecord } from './util';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

// --- Exemptions ---

/** An object a rule must not flag, because the cluster requires it to look that way. */
export interface Exemption {
  /** The rule it exempts. */
  readonly rule: string;
  /** Why the cluster needs this shape; the suppression reason reads `exempt: <reason>`. */
  readonly reason: string;
  /** Whether an object is the exempt shape. */
  readonly applies: (object: KubeObject) => boolean;
}

/**
 * Every aggregated API server (metrics-server, custom API servers) must read the client-CA
 * ConfigMap in kube-system through this Role, so the binding has to live in kube-system.
 */
const AUTH_READER_ROLE = 'extension-apiserver-authentication-reader';

/** The one list of known-necessary exemptions (documented in docs/scanner.md). */
export const EXEMPTIONS: readonly Exemption[] = [
  {
    rule: 'HRD-Namespace',
    reason: `aggregated API servers must bind the ${AUTH_READER_ROLE} Role in kube-system (Kubernetes API aggregation requirement)`,
    applies: (o) => {
      if (o.kind !== 'RoleBinding' || o.metadata?.namespace !== 'kube-system') return false;
      if ((o.apiVersion ?? '') !== 'rbac.authorization.k8s.io/v1') return false;
      const ref = isRecord(o.roleRef) ? o.roleRef : {};
      if (ref.kind !== 'Role' || ref.name !== AUTH_READER_ROLE) return false;
      if (ref.apiGroup !== undefined && ref.apiGroup !== 'rbac.authorization.k8s.io') return false;
      const subjects = Array.isArray(o.subjects) ? o.subjects : [];
      return subjects.length > 0 && subjects.every((s) => isRecord(s) && s.kind === 'ServiceAccount');
    },
  },
];

/** Marks findings an exemption covers as suppressed (source 'exemption'), never dropping them. */
export function applyExemptions(object: KubeObject, findings: readonly Finding[]): Finding[] {
  // Runs for every object; nearly all have no findings or no exemption, so answer those first.
  if (findings.length === 0) return [];
  const exemptions = EXEMPTIONS.filter((e) => e.applies(object));
  if (exemptions.length === 0) return [...findings];
  return findings.map((f) => {
    const e = exemptions.find((x) => x.rule === f.rule);
    if (!e || f.suppressed) return f;
    const suppression: Suppression = { rule: e.rule, reason: `exempt: ${e.reason}`, source: 'exemption' };
    return { ...f, suppressed: true, suppression };
  });
}

// --- Merging ---

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
/** Leaf fields that name the same setting as their parent (`seccompProfile.type` is `seccompProfile`). */
const SAME_AS_PARENT = new Set(['type']);
const PROFILE_FIELDS = new Set(['seccompProfile', 'appArmorProfile']);

/**
 * The field a finding is about, independent of how the rule spelled the path: the pod template
 * prefix and container index are dropped (the container name is part of the key), and a profile's
 * `type` is its profile.
 */
export function fieldKey(container: string | undefined, path: readonly PathSegment[]): string {
  // Computed for every finding and every fingerprint: index arithmetic over the path, no copies.
  // The kept segments are path[c] then path[c+2..] (container lists), else path[from..].
  const n = path.length;
  let c = -1;
  for (let i = 0; i < n; i++) {
    const s = path[i];
    if (typeof s === 'string' && CONTAINER_LISTS.has(s) && typeof path[i + 1] === 'number') {
      c = i;
      break;
    }
  }
  let from = 0;
  if (c < 0) {
    const spec = path.lastIndexOf('spec');
    const tmpl = path.lastIndexOf('template');
    if (tmpl >= 0 && spec > tmpl) from = spec;
  }
  const at = (k: number): PathSegment => (c >= 0 ? (k === 0 ? path[c] : path[c + 1 + k]) : path[from + k]);
  let len = c >= 0 ? n - c - 1 : n - from;
  const last = len >= 1 ? at(len - 1) : undefined;
  const parent = len >= 2 ? at(len - 2) : undefined;
  if (typeof last === 'string' && SAME_AS_PARENT.has(last) && typeof parent === 'string' && PROFILE_FIELDS.has(parent))
    len--;
  let out = `${container ?? ''}\u0000`;
  for (let k = 0; k < len; k++) {
    const s = at(k);
    // As Array.join: null and undefined read as ''.
    out += k === 0 ? (s ?? '') : `.${s ?? ''}`;
  }
  return out;
}

/** {@link fieldKey} of a problem: its lead's container and path. */
// Recomputed each time: index arithmetic over the path costs less than a WeakMap of keys did.
export function problemFieldKey(p: Problem): string {
  return fieldKey(p.container, p.pathSegments);
}

/**
 * Up to this many findings on one object are grouped by comparing field keys in a list: an object
 * has a handful, and the two Maps per object (and one per field) cost more than the comparisons.
 */
const LINEAR_GROUPING = 16;

const bySeverity = (a: Finding, b: Finding): number => RANK[a.severity] - RANK[b.severity];

/** Merges findings per field into problems, most severe first (stable for equal severity). */
export function mergeFindings(findings: readonly Finding[], rules: ReadonlyMap<string, RuleInfo>): Problem[] {
  const n = findings.length;
  if (n === 0) return [];
  if (n === 1) return [toProblem(findings, rules)];
  // The findings of each field, fields in the order their first finding comes.
  let groups: Finding[][];
  if (n <= LINEAR_GROUPING) {
    const keys: string[] = [];
    groups = [];
    for (let i = 0; i < n; i++) {
      const f = findings[i];
      const key = fieldKey(f.container, f.pathSegments);
      const at = keys.indexOf(key);
      if (at >= 0) groups[at].push(f);
      else {
        keys.push(key);
        groups.push([f]);
      }
    }
  } else {
    const byKey = new Map<string, Finding[]>();
    for (const f of findings) {
      const key = fieldKey(f.container, f.pathSegments);
      const g = byKey.get(key);
      if (g) g.push(f);
      else byKey.set(key, [f]);
    }
    groups = [...byKey.values()];
  }
  const problems: Problem[] = [];
  for (const group of groups) {
    if (group.length === 1) {
      problems.push(toProblem(group, rules));
      continue;
    }
    // The same rule twice on one field (two messages) stays two problems: the first leads.
    const members: Finding[] = [];
    const extra: Finding[] = [];
    for (const f of group) {
      let seen = false;
      for (const m of members) if (m.rule === f.rule) seen = true;
      if (seen) extra.push(f);
      else members.push(f);
    }
    problems.push(toProblem(members.sort(bySeverity), rules));
    for (const f of extra) problems.push(toProblem([f], rules));
  }
  return problems.sort(bySeverity);
}

/**
 * The sorted, distinct scanner IDs of one rule: the peers of every problem it leads alone, computed
 * once per rule and run and shared (frozen) by those problems.
 */
const soloPeers = new WeakMap<RuleInfo, readonly string[]>();
const NO_PEERS: readonly string[] = Object.freeze([]);

function peersOf(info: RuleInfo | undefined): readonly string[] {
  if (info === undefined || info.scanners.length === 0) return NO_PEERS;
  let peers = soloPeers.get(info);
  if (!peers) soloPeers.set(info, (peers = Object.freeze([...new Set(info.scanners)].sort())));
  return peers;
}

/** `[rule]` of every problem one rule leads alone, per rule and run: frozen and shared, as its peers are. */
const soloRules = new WeakMap<RuleInfo, readonly string[]>();

function soloIds(info: RuleInfo | undefined, id: string): readonly string[] {
  if (info === undefined || info.id !== id) return [id];
  let ids = soloRules.get(info);
  if (!ids) soloRules.set(info, (ids = Object.freeze([id])));
  return ids;
}

function toProblem(members: readonly Finding[], rules: ReadonlyMap<string, RuleInfo>): Problem {
  const lead = members[0];
  // Suppressing a lesser rule never hides a stronger one: every rule at the top severity must be
  // suppressed. The lead is the first at the top severity, so it then leads the suppressed problem.
  let allTopSuppressed = true;
  for (const f of members) if (f.severity === lead.severity && !f.suppressed) allTopSuppressed = false;
  const suppressedLead = allTopSuppressed && lead.suppressed ? lead : undefined;
  let peers: readonly string[];
  let ids: readonly string[];
  if (members.length === 1) {
    const info = rules.get(lead.rule);
    ids = soloIds(info, lead.rule);
    peers = peersOf(info);
  } else {
    const all = new Set<string>();
    const list: string[] = (ids = []);
    for (const f of members) {
      list.push(f.rule);
      for (const p of rules.get(f.rule)?.scanners ?? []) all.add(p);
    }
    peers = [...all].sort();
  }
  // Written out field by field in Finding's order (what `{ ...lead, ... }` gave): object spread of a
  // finding was the engine's costliest line, about 20x slower than this literal.
  const problem: Problem = {
    rule: lead.rule,
    severity: lead.severity,
    message: lead.message,
    path: lead.path,
    pathSegments: lead.pathSegments,
    fix: lead.fix,
    container: lead.container,
    suppressed: suppressedLead !== undefined,
    suppression: suppressedLead?.suppression,
    line: lead.line,
    rules: ids,
    peers,
  };
  // Findings made outside the engine may carry more fields: kept, as the spread kept them.
  for (const k in lead)
    if (!(k in problem))
      (problem as unknown as Record<string, unknown>)[k] = (lead as unknown as Record<string, unknown>)[k];
  return problem;
}
