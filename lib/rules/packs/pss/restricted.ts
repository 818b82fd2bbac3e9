/** Pod Security restricted: the checks restricted adds on top of baseline, and the baseline checks it replaces. */
import { RESTRICTED_VOLUME_TYPES } from '../../../core';
import { PodContext } from '../../pod-template';
import { FindingDraft } from '../../types';
import { arr, rec, str } from '../../util';
import { PssCheck, isWindows, hostUsersOff, draft, forContainers, procMountCheck, seccompFindings } from './common';

const ALLOWED_VOLUME_TYPES: ReadonlySet<string> = new Set(RESTRICTED_VOLUME_TYPES);

function restrictedVolumes(pod: PodContext): FindingDraft[] {
  const allowed = ALLOWED_VOLUME_TYPES;
  const volumes = arr(pod.spec.volumes);
  const out: FindingDraft[] = [];
  // Runs for every pod: loops over the volume's own keys, no intermediate arrays.
  for (let i = 0; i < volumes.length; i++) {
    const vol = rec(volumes[i]);
    let kind: string | undefined;
    let allowedSource = false;
    for (const k of Object.keys(vol)) {
      if (k === 'name' || vol[k] == null) continue;
      kind ??= k;
      if (allowed.has(k)) {
        allowedSource = true;
        break;
      }
    }
    // A volume without a source is defaulted to emptyDir by the API server.
    if (kind === undefined || allowedSource) continue;
    out.push(
      draft(`volume ${str(vol.name) ?? i} uses the restricted volume type ${kind}`, [
        ...pod.specPath,
        'volumes',
        i,
        kind,
      ]),
    );
  }
  return out;
}

function allowPrivilegeEscalation(pod: PodContext, minor: number): FindingDraft[] {
  if (minor >= 25 && isWindows(pod)) return [];
  return forContainers(pod, (c) =>
    c.effective.allowPrivilegeEscalation.value === false
      ? undefined
      : draft(
          `container ${c.name} must set securityContext.allowPrivilegeEscalation=false`,
          c.effective.allowPrivilegeEscalation.path,
          c,
        ),
  );
}

function runAsNonRoot(pod: PodContext, minor: number): FindingDraft[] {
  if (minor >= 35 && hostUsersOff(pod)) return [];
  const out: FindingDraft[] = [];
  const podValue = pod.podSecurityContext.runAsNonRoot;
  if (podValue === false)
    out.push(draft('pod sets runAsNonRoot=false', [...pod.specPath, 'securityContext', 'runAsNonRoot']));
  return out.concat(
    forContainers(pod, (c) => {
      const own = c.securityContext.runAsNonRoot;
      if (typeof own === 'boolean') {
        return own
          ? undefined
          : draft(`container ${c.name} sets runAsNonRoot=false`, [...c.path, 'securityContext', 'runAsNonRoot'], c);
      }
      return podValue === true
        ? undefined
        : draft(
            `container ${c.name} must set securityContext.runAsNonRoot=true`,
            [...c.path, 'securityContext', 'runAsNonRoot'],
            c,
          );
    }),
  );
}

function runAsUser(pod: PodContext, minor: number): FindingDraft[] {
  if (minor >= 35 && hostUsersOff(pod)) return [];
  const out: FindingDraft[] = [];
  if (pod.podSecurityContext.runAsUser === 0)
    out.push(draft('pod sets runAsUser=0', [...pod.specPath, 'securityContext', 'runAsUser']));
  return out.concat(
    forContainers(pod, (c) =>
      c.securityContext.runAsUser === 0
        ? draft(`container ${c.name} sets runAsUser=0`, [...c.path, 'securityContext', 'runAsUser'], c)
        : undefined,
    ),
  );
}

function seccompProfileRestricted(pod: PodContext, minor: number): FindingDraft[] {
  if (minor >= 25 && isWindows(pod)) return [];
  return seccompFindings(pod, (c, path, podSet) =>
    podSet
      ? undefined
      : draft(`container ${c.name} must set seccompProfile.type to RuntimeDefault or Localhost`, path, c),
  );
}

function capabilitiesRestricted(pod: PodContext, minor: number): FindingDraft[] {
  if (minor >= 25 && isWindows(pod)) return [];
  return forContainers(pod, (c) => {
    const out: FindingDraft[] = [];
    const caps = [...c.path, 'securityContext', 'capabilities'];
    if (!c.effective.capabilitiesDrop.includes('ALL'))
      out.push(draft(`container ${c.name} must drop ALL capabilities`, [...caps, 'drop'], c));
    const bad = c.effective.capabilitiesAdd.filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (bad.length) out.push(draft(`container ${c.name} adds capabilities ${bad.join(', ')}`, [...caps, 'add'], c));
    return out;
  });
}

function procMountRestricted(pod: PodContext): FindingDraft[] {
  return procMountCheck(pod);
}

export const RESTRICTED_CHECKS: readonly PssCheck[] = [
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    minMinor: 0,
    overrides: 'hostPathVolumes',
    title: 'Only restricted volume types',
    fix: 'Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes.',
    trivy: ['KSV-0028'],
    check: restrictedVolumes,
  },
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    minMinor: 8,
    title: 'Privilege escalation disallowed',
    fix: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
    trivy: ['KSV-0001'],
    cis: ['5.2.6'],
    check: allowPrivilegeEscalation,
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    minMinor: 0,
    title: 'Containers run as non-root',
    fix: 'Set securityContext.runAsNonRoot: true on the pod (and containers).',
    trivy: ['KSV-0012'],
    cis: ['5.2.7'],
    check: runAsNonRoot,
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    minMinor: 23,
    title: 'Containers do not run as UID 0',
    fix: 'Set runAsUser to a non-zero UID (10001).',
    trivy: ['KSV-0105'],
    cis: ['5.2.7'],
    check: runAsUser,
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    minMinor: 19,
    title: 'Seccomp profile set',
    fix: 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod or every container.',
    trivy: ['KSV-0030'],
    cis: ['5.7.2'],
    check: seccompProfileRestricted,
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    minMinor: 22,
    overrides: 'capabilities_baseline',
    title: 'Drop ALL capabilities',
    fix: "Set capabilities.drop: ['ALL'] and add nothing but NET_BIND_SERVICE.",
    trivy: ['KSV-0106'],
    cis: ['5.2.8', '5.2.9', '5.2.10'],
    check: capabilitiesRestricted,
  },
  {
    id: 'procMount_restricted',
    level: 'restricted',
    minMinor: 35,
    overrides: 'procMount',
    title: 'Default /proc mount, also with user namespaces',
    fix: 'Remove securityContext.procMount or set it to Default.',
    trivy: ['KSV-0027'],
    check: procMountRestricted,
  },
];
