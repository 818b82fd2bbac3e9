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
  let segs = [...path];
  const c = segs.findIndex(
    (s, i) => typeof s === 'string' && CONTAINER_LISTS.has(s) && typeof segs[i + 1] === 'number',
  );
  if (c >= 0) segs = [segs[c], ...segs.slice(c + 2)];
  else {
    const spec = segs.lastIndexOf('spec');
    const tmpl = segs.lastIndexOf('template');
    if (tmpl >= 0 && spec > tmpl) segs = segs.slice(spec);
  }
  const last = segs[segs.length - 1];
  const parent = segs[segs.length - 2];
  if (typeof last === 'string' && SAME_AS_PARENT.has(last) && typeof parent === 'string' && PROFILE_FIELDS.has(parent))
    segs = segs.slice(0, -1);
  return `${container ?? ''}\u0000${segs.join('.')}`;
}

/** Merges findings per field into problems, most severe first (stable for equal severity). */
export function mergeFindings(findings: readonly Finding[], rules: ReadonlyMap<string, RuleInfo>): Problem[] {
  if (findings.length === 0) return [];
  if (findings.length === 1) return [toProblem(findings, rules)];
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = fieldKey(f.container, f.pathSegments);
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  const problems: Problem[] = [];
  for (const group of groups.values()) {
    // The same rule twice on one field (two messages) stays two problems.
    const byRule = new Map<string, Finding>();
    const extra: Finding[] = [];
    for (const f of group) {
      if (byRule.has(f.rule)) extra.push(f);
      else byRule.set(f.rule, f);
    }
    const members = [...byRule.values()].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
    problems.push(toProblem(members, rules));
    for (const f of extra) problems.push(toProblem([f], rules));
  }
  return problems.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

function toProblem(members: readonly Finding[], rules: ReadonlyMap<string, RuleInfo>): Problem {
  const lead = members[0];
  const top = members.filter((f) => f.severity === lead.severity);
  // Suppressing a lesser rule never hides a stronger one: every rule at the top severity must be suppressed.
  const suppressedLead = top.every((f) => f.suppressed) ? top.find((f) => f.suppressed) : undefined;
  const peers = new Set<string>();
  for (const f of members) for (const p of rules.get(f.rule)?.scanners ?? []) peers.add(p);
  return {
    ...(suppressedLead ?? lead),
    severity: lead.severity,
    suppressed: suppressedLead !== undefined,
    suppression: suppressedLead?.suppression,
    rules: members.map((f) => f.rule),
    peers: [...peers].sort(),
  };
}
