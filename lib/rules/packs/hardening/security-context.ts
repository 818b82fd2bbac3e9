/** Hardening, security context: container and pod security context beyond Pod Security. */
import { MIN_NON_ROOT_ID_EXCLUSIVE, MIN_UNPRIVILEGED_PORT, SECCOMP_PROFILE_TYPE } from '../../../core';
import { Rule } from '../../rule';
import { CIS, NSA, OWASP } from '../../references';
import { FindingDraft } from '../../types';
import { arr, isRecord } from '../../util';
import { at, containerRule, podRule } from '../helpers';

const readOnlyRootFs = containerRule(
  {
    id: 'HRD-ReadOnlyRootFilesystem',
    title: 'Read-only root filesystem',
    severity: 'error',
    description:
      'An immutable root filesystem stops an agent (or an attacker driving it) from persisting tools or altering binaries.',
    fix: 'Set securityContext.readOnlyRootFilesystem: true and back writable paths with emptyDir volumes.',
    references: [NSA.immutable, CIS.securityContext, OWASP.excessiveAgency],
    scanners: [
      'CKV_K8S_22',
      'KSV-0014',
      'kube-score container-security-context-readonlyrootfilesystem',
      'Polaris notReadOnlyRootFilesystem',
    ],
  },
  (c) =>
    c.effective.readOnlyRootFilesystem.value === true
      ? undefined
      : at(`container ${c.name} does not set readOnlyRootFilesystem: true`, c.effective.readOnlyRootFilesystem.path, c),
);

function highId(field: 'runAsUser' | 'runAsGroup') {
  return containerRule(
    {
      id: field === 'runAsUser' ? 'HRD-RunAsUser' : 'HRD-RunAsGroup',
      title: `${field} above ${MIN_NON_ROOT_ID_EXCLUSIVE}`,
      severity: 'error',
      description: `IDs above ${MIN_NON_ROOT_ID_EXCLUSIVE} cannot collide with host users and clear every scanner's threshold (kubesec, Trivy KSV-0020/0021).`,
      fix: `Set securityContext.${field} to ${MIN_NON_ROOT_ID_EXCLUSIVE + 1} or higher on the pod and containers.`,
      references: [NSA.nonRoot, CIS.securityContext],
      scanners:
        field === 'runAsUser'
          ? ['KSV-0020', 'CKV_K8S_40', 'kube-score container-security-context-user-group-id']
          : ['KSV-0021', 'kube-score container-security-context-user-group-id'],
    },
    (c) => {
      const r = c.effective[field];
      return typeof r.value === 'number' && r.value > MIN_NON_ROOT_ID_EXCLUSIVE
        ? undefined
        : at(
            `container ${c.name} ${field} is ${r.value ?? 'unset'}; it must be above ${MIN_NON_ROOT_ID_EXCLUSIVE}`,
            r.path,
            c,
          );
    },
  );
}

const rootGroup = podRule(
  {
    id: 'HRD-RootGroup',
    title: 'No root group',
    severity: 'error',
    description: 'GID 0 in fsGroup or supplementalGroups gives the pod root-group access to files on its volumes.',
    fix: 'Set fsGroup to a non-zero GID and remove 0 from supplementalGroups.',
    references: [NSA.nonRoot, CIS.securityContext],
    scanners: ['KSV-0116', 'kube-linter run-as-non-root'],
  },
  (pod) => {
    const sc = pod.podSecurityContext;
    const out: FindingDraft[] = [];
    // Paths are built only for a finding: most pods pass.
    if (sc.fsGroup === 0) out.push(at('pod fsGroup is 0', [...pod.specPath, 'securityContext', 'fsGroup']));
    arr(sc.supplementalGroups).forEach((g, i) => {
      if (g === 0)
        out.push(
          at('pod supplementalGroups contains 0', [...pod.specPath, 'securityContext', 'supplementalGroups', i]),
        );
    });
    return out;
  },
);

const seccomp = containerRule(
  {
    id: 'HRD-SeccompRuntimeDefault',
    title: 'Seccomp RuntimeDefault',
    severity: 'error',
    description: 'CKV_K8S_31 accepts only RuntimeDefault; Localhost profiles are node-specific and unreviewable here.',
    fix: `Set securityContext.seccompProfile.type: ${SECCOMP_PROFILE_TYPE} on the pod and containers.`,
    references: [CIS.seccomp, NSA.podSecurity],
    scanners: ['CKV_K8S_31', 'KSV-0030', 'KSV-0104'],
  },
  (c) =>
    c.effective.seccompProfileType.value === SECCOMP_PROFILE_TYPE
      ? undefined
      : at(
          `container ${c.name} seccomp profile is ${c.effective.seccompProfileType.value ?? 'unset'}`,
          c.effective.seccompProfileType.path,
          c,
        ),
);

const noCapabilityAdd = containerRule(
  {
    id: 'HRD-NoCapabilityAdd',
    title: 'No added capabilities',
    severity: 'error',
    description: 'CKV_K8S_25 rejects any added capability; listen on ports >= 1024 instead of adding NET_BIND_SERVICE.',
    fix: 'Remove securityContext.capabilities.add.',
    references: [NSA.podSecurity, CIS.securityContext],
    scanners: ['CKV_K8S_25', 'KSV-0022'],
  },
  (c) =>
    c.effective.capabilitiesAdd.length
      ? at(
          `container ${c.name} adds ${c.effective.capabilitiesAdd.join(', ')}`,
          [...c.path, 'securityContext', 'capabilities', 'add'],
          c,
        )
      : undefined,
);

const privilegedPorts = containerRule(
  {
    id: 'HRD-PrivilegedPort',
    title: `Container ports >= ${MIN_UNPRIVILEGED_PORT}`,
    severity: 'warning',
    description: 'Ports below 1024 need NET_BIND_SERVICE or root (Trivy KSV-0117).',
    fix: `Listen on a port >= ${MIN_UNPRIVILEGED_PORT} and map it in the Service.`,
    references: [NSA.nonRoot],
    scanners: ['KSV-0117', 'kube-linter privileged-ports'],
  },
  (c) =>
    arr(c.spec.ports).flatMap((p, i) =>
      isRecord(p) && typeof p.containerPort === 'number' && p.containerPort < MIN_UNPRIVILEGED_PORT
        ? [
            at(
              `container ${c.name} listens on privileged port ${p.containerPort}`,
              [...c.path, 'ports', i, 'containerPort'],
              c,
            ),
          ]
        : [],
    ),
);

export const SECURITY_CONTEXT_RULES: readonly Rule[] = [
  readOnlyRootFs,
  highId('runAsUser'),
  highId('runAsGroup'),
  rootGroup,
  seccomp,
  noCapabilityAdd,
  privilegedPorts,
];
