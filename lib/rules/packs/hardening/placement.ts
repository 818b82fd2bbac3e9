/**
 * Pod settings that break isolation without touching Pod Security "restricted": a shared process
 * namespace, a pod pinned past the scheduler, tolerations of every taint, and a token mounted where
 * every Kubernetes client library looks for one. Part of the hardening pack.
 */
import { AGENT_NAMESPACE_LABEL, LEGACY_SERVICE_ACCOUNT_TOKEN_DIR } from '../../../core';
import { Rule } from '../../rule';
import { CIS, NSA } from '../../references';
import { FindingDraft } from '../../types';
import { arr, isEmptySelector, isRecord, rec, recs, str } from '../../util';
import { at, indexedOf, objectRule, podRule } from '../helpers';

const shareProcessNamespace = podRule(
  {
    id: 'HRD-ShareProcessNamespace',
    title: 'No shared process namespace',
    severity: 'error',
    description:
      "With shareProcessNamespace every container sees the others' processes and reads their files through /proc/<pid>/root: the agent could read the Vault Agent's token or a sidecar's credentials.",
    fix: 'Remove shareProcessNamespace (or set it to false).',
    references: [NSA.podSecurity, CIS.securityContext],
    scanners: [],
  },
  (pod) =>
    pod.spec.shareProcessNamespace === true
      ? [at('the pod shares one process namespace between its containers', [...pod.specPath, 'shareProcessNamespace'])]
      : [],
);

const nodeName = podRule(
  {
    id: 'HRD-NodeName',
    title: 'No pod pinned to a node by name',
    severity: 'error',
    description:
      'spec.nodeName skips the scheduler: taints, node affinity and scheduling policies that keep agents off control-plane and sensitive nodes are not applied.',
    fix: 'Remove nodeName; use node affinity or a nodeSelector to place pods.',
    references: [NSA.podSecurity, CIS.namespaceBoundaries],
    scanners: [],
  },
  (pod) => {
    const name = str(pod.spec.nodeName);
    return name !== undefined && name !== ''
      ? [at(`the pod is bound to node '${name}', past the scheduler`, [...pod.specPath, 'nodeName'])]
      : [];
  },
);

/** Taints that keep workloads off the control plane. */
const CONTROL_PLANE_TAINTS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

const tolerations = podRule(
  {
    id: 'HRD-TolerateAll',
    title: "No toleration of every taint (operator 'Exists')",
    severity: 'error',
    description:
      "A toleration with operator 'Exists' tolerates a taint whatever its value; without a key it tolerates every taint, so the pod may run on control-plane, tainted or quarantined nodes.",
    fix: "Tolerate specific taints with operator 'Equal' and a value, never control-plane taints.",
    references: [NSA.podSecurity, CIS.namespaceBoundaries],
    scanners: [],
  },
  (pod) => {
    const out: FindingDraft[] = [];
    recs(pod.spec.tolerations).forEach((t, i) => {
      if (t.operator !== 'Exists') return;
      const key = str(t.key) ?? '';
      const path = [...pod.specPath, 'tolerations', i, 'operator'];
      if (key === '') out.push(at("a toleration with operator 'Exists' and no key tolerates every taint", path));
      else if (CONTROL_PLANE_TAINTS.includes(key))
        out.push(at(`a toleration with operator 'Exists' tolerates the control-plane taint ${key}`, path));
      else out.push(at(`a toleration with operator 'Exists' tolerates taint ${key} with any value`, path));
    });
    return out;
  },
);

function underLegacyTokenDir(path: string): boolean {
  const clean = path.replace(/\/+$/, '');
  return (
    clean === LEGACY_SERVICE_ACCOUNT_TOKEN_DIR ||
    LEGACY_SERVICE_ACCOUNT_TOKEN_DIR.startsWith(`${clean}/`) ||
    clean.startsWith(`${LEGACY_SERVICE_ACCOUNT_TOKEN_DIR}/`)
  );
}

const legacyTokenPath = podRule(
  {
    id: 'HRD-LegacyTokenPath',
    title: 'Nothing mounted at the legacy ServiceAccount token path',
    severity: 'error',
    description: `Kubernetes client libraries load credentials from ${LEGACY_SERVICE_ACCOUNT_TOKEN_DIR} on their own: a token mounted there (or over a parent directory) is used by every library and tool in the agent, whatever its audience was meant for.`,
    fix: 'Mount projected tokens under /var/run/secrets/tokens/<name> and pass the path explicitly.',
    references: [NSA.tokens, CIS.saTokens],
    scanners: [],
  },
  (pod) => {
    // Runs for every pod: loops, no arrays per container and mount.
    const out: FindingDraft[] = [];
    for (const c of pod.containers) {
      // Indexes count the record entries only (as recs(...).flatMap numbered them).
      const mounts = recs(c.spec.volumeMounts);
      for (let i = 0; i < mounts.length; i++) {
        const m = mounts[i];
        const mountPath = str(m.mountPath);
        if (mountPath !== undefined && underLegacyTokenDir(mountPath))
          out.push(
            at(
              `volume ${str(m.name) ?? '?'} is mounted at ${mountPath}`,
              [...c.path, 'volumeMounts', i, 'mountPath'],
              c,
            ),
          );
      }
    }
    return out;
  },
);

const EVERYWHERE = ['0.0.0.0/0', '::/0'];

/** Why an ingress peer list lets anyone in, or undefined. */
function openIngress(rule: Record<string, unknown>): string | undefined {
  if (!Array.isArray(rule.from) || rule.from.length === 0)
    return 'has no from: every source, inside and outside the cluster';
  for (const peer of rule.from.map(rec)) {
    const block = rec(peer.ipBlock);
    // Exceptions do not help: what is left is still every public address.
    if (typeof block.cidr === 'string' && EVERYWHERE.includes(block.cidr))
      return `admits ipBlock ${block.cidr}: every address${arr(block.except).length > 0 ? ' outside its exceptions' : ''}`;
    if (
      isRecord(peer.namespaceSelector) &&
      isEmptySelector(peer.namespaceSelector) &&
      (!isRecord(peer.podSelector) || isEmptySelector(peer.podSelector))
    )
      return 'admits every pod of every namespace';
  }
  return undefined;
}

const ingressFromAnywhere = objectRule(
  {
    id: 'HRD-IngressFromAnywhere',
    kinds: ['NetworkPolicy'],
    title: 'No ingress from anywhere into an agent namespace',
    severity: 'error',
    description:
      'NetworkPolicies add up: one policy beside the baseline that admits every source opens the selected agents to any pod or address, whatever the agent declared.',
    fix: 'Admit named peers only (a namespace and pod selector, or a bounded ipBlock); agents declare callers with allowIngressFrom.',
    references: [NSA.netpol, CIS.netpolAll],
    scanners: [],
  },
  (ctx) => {
    const item = indexedOf(ctx);
    if (ctx.set.namespaceLabels(item.namespace)[AGENT_NAMESPACE_LABEL] !== 'true') return undefined;
    return recs(rec(ctx.object.spec).ingress).flatMap((rule, i) => {
      const why = openIngress(rule);
      return why === undefined ? [] : [at(`ingress rule ${i} ${why}`, ['spec', 'ingress', i])];
    });
  },
);

export const PLACEMENT_RULES: readonly Rule[] = [
  shareProcessNamespace,
  nodeName,
  tolerations,
  legacyTokenPath,
  ingressFromAnywhere,
];
