/** Pod Security baseline, host access: host namespaces, privileged, capabilities, hostPath, host ports and probe hosts. */
import { PodContext } from '../../pod-template';
import { FindingDraft } from '../../types';
import { arr, isRecord, rec, str } from '../../util';
import { PssCheck, draft, forContainers } from './common';

function windowsHostProcess(pod: PodContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  if (rec(pod.podSecurityContext.windowsOptions).hostProcess === true) {
    out.push(
      draft('pod sets windowsOptions.hostProcess', [
        ...pod.specPath,
        'securityContext',
        'windowsOptions',
        'hostProcess',
      ]),
    );
  }
  return out.concat(
    forContainers(pod, (c) =>
      rec(c.securityContext.windowsOptions).hostProcess === true
        ? draft(
            `container ${c.name} sets windowsOptions.hostProcess`,
            [...c.path, 'securityContext', 'windowsOptions', 'hostProcess'],
            c,
          )
        : undefined,
    ),
  );
}

function hostNamespaces(pod: PodContext): FindingDraft[] {
  return ['hostNetwork', 'hostPID', 'hostIPC']
    .filter((f) => pod.spec[f] === true)
    .map((f) => draft(`pod sets ${f}: true`, [...pod.specPath, f]));
}

function privileged(pod: PodContext): FindingDraft[] {
  return forContainers(pod, (c) =>
    c.effective.privileged.value === true
      ? draft(`container ${c.name} is privileged`, c.effective.privileged.path, c)
      : undefined,
  );
}

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

function capabilitiesBaseline(pod: PodContext): FindingDraft[] {
  return forContainers(pod, (c) => {
    const bad = c.effective.capabilitiesAdd.filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    return bad.length
      ? draft(
          `container ${c.name} adds capabilities ${bad.join(', ')}`,
          [...c.path, 'securityContext', 'capabilities', 'add'],
          c,
        )
      : undefined;
  });
}

function hostPathVolumes(pod: PodContext): FindingDraft[] {
  return arr(pod.spec.volumes).flatMap((v, i) =>
    isRecord(v) && v.hostPath != null
      ? [draft(`volume ${str(v.name) ?? i} is a hostPath volume`, [...pod.specPath, 'volumes', i, 'hostPath'])]
      : [],
  );
}

function hostPorts(pod: PodContext): FindingDraft[] {
  return forContainers(pod, (c) =>
    arr(c.spec.ports).flatMap((p, i) =>
      isRecord(p) && p.hostPort != null && p.hostPort !== 0
        ? [draft(`container ${c.name} uses hostPort ${String(p.hostPort)}`, [...c.path, 'ports', i, 'hostPort'], c)]
        : [],
    ),
  );
}

const HOST_HANDLERS: readonly (readonly [string, string])[] = [
  ['livenessProbe', ''],
  ['readinessProbe', ''],
  ['startupProbe', ''],
  ['lifecycle', 'postStart'],
  ['lifecycle', 'preStop'],
];
const HOST_ACTIONS: readonly string[] = ['httpGet', 'tcpSocket'];

function hostProbesAndHostLifecycle(pod: PodContext): FindingDraft[] {
  // Five handlers times two actions per container of every pod: paths are built only for a finding.
  return forContainers(pod, (c) => {
    let out: FindingDraft[] | undefined;
    for (const [field, sub] of HOST_HANDLERS) {
      const handler = sub ? rec(rec(c.spec[field])[sub]) : rec(c.spec[field]);
      for (const action of HOST_ACTIONS) {
        const host = rec(handler[action]).host;
        if (host == null || host === '') continue;
        const base = sub ? [...c.path, field, sub] : [...c.path, field];
        (out ??= []).push(
          draft(
            `container ${c.name} ${[field, sub].filter(Boolean).join('.')} sets host`,
            [...base, action, 'host'],
            c,
          ),
        );
      }
    }
    return out;
  });
}

export const BASELINE_HOST_CHECKS: readonly PssCheck[] = [
  {
    id: 'windowsHostProcess',
    level: 'baseline',
    minMinor: 0,
    title: 'No Windows HostProcess containers',
    fix: 'Remove securityContext.windowsOptions.hostProcess or set it to false.',
    trivy: ['KSV-0103'],
    cis: ['5.2.11'],
    check: windowsHostProcess,
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    minMinor: 0,
    title: 'No host namespaces',
    fix: 'Remove hostNetwork, hostPID and hostIPC (or set them to false).',
    trivy: ['KSV-0008', 'KSV-0009', 'KSV-0010'],
    cis: ['5.2.3', '5.2.4', '5.2.5'],
    check: hostNamespaces,
  },
  {
    id: 'privileged',
    level: 'baseline',
    minMinor: 0,
    title: 'No privileged containers',
    fix: 'Set securityContext.privileged to false or remove it.',
    trivy: ['KSV-0017'],
    cis: ['5.2.2'],
    check: privileged,
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    minMinor: 0,
    title: 'Only default capabilities may be added',
    fix: 'Remove capabilities.add entries outside the Pod Security baseline list (never NET_RAW or SYS_ADMIN).',
    trivy: ['KSV-0022'],
    cis: ['5.2.9'],
    check: capabilitiesBaseline,
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    minMinor: 0,
    title: 'No hostPath volumes',
    fix: 'Replace hostPath volumes with emptyDir, configMap, secret or a PersistentVolumeClaim.',
    trivy: ['KSV-0023'],
    cis: ['5.2.12'],
    check: hostPathVolumes,
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    minMinor: 0,
    title: 'No host ports',
    fix: 'Remove ports[].hostPort; expose the pod through a Service.',
    trivy: ['KSV-0024'],
    cis: ['5.2.13'],
    check: hostPorts,
  },
  {
    id: 'hostProbesAndHostLifecycle',
    level: 'baseline',
    minMinor: 34,
    title: 'Probes and lifecycle hooks target the pod only',
    fix: 'Remove the host field from httpGet/tcpSocket probes and lifecycle hooks.',
    trivy: [],
    check: hostProbesAndHostLifecycle,
  },
];
