/**
 * Pod settings that break isolation without touching Pod Security "restricted": a shared process
 * namespace, a pod pinned past the scheduler, tolerations of every taint, and a token mounted where
 * every Kubernetes client library looks for one. Part of the hardening pack.
 */
import { LEGACY_SERVICE_ACCOUNT_TOKEN_DIR } from '../../core';
import { Rule } from '../rule';
import { CIS, NSA } from '../references';
import { FindingDraft } from '../types';
import { recs, str } from '../util';
import { at, podRule } from './helpers';

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
  (pod) =>
    pod.containers.flatMap((c) =>
      recs(c.spec.volumeMounts).flatMap((m, i) => {
        const mountPath = str(m.mountPath);
        return mountPath !== undefined && underLegacyTokenDir(mountPath)
          ? [
              at(
                `volume ${str(m.name) ?? '?'} is mounted at ${mountPath}`,
                [...c.path, 'volumeMounts', i, 'mountPath'],
                c,
              ),
            ]
          : [];
      }),
    ),
);

export const PLACEMENT_RULES: readonly Rule[] = [shareProcessNamespace, nodeName, tolerations, legacyTokenPath];
