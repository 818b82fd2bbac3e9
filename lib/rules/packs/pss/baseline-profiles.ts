/** Pod Security baseline, kernel security profiles: AppArmor, SELinux, /proc mount, seccomp and sysctls. */
import { APPARMOR_ANNOTATION_PREFIX } from '../../../core';
import { PodContext } from '../../pod-template';
import { FindingDraft } from '../../types';
import { Json, arr, isRecord, str } from '../../util';
import {
  PssCheck,
  hostUsersOff,
  draft,
  forContainers,
  annotations,
  annotationPath,
  procMountCheck,
  seccompFindings,
} from './common';

function appArmorProfile(pod: PodContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const [key, value] of Object.entries(annotations(pod))) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const v = typeof value === 'string' ? value : '';
    if (!(v === '' || v === 'runtime/default' || v.startsWith('localhost/'))) {
      out.push(draft(`AppArmor annotation ${key}=${v} is not allowed`, annotationPath(pod, key)));
    }
  }
  const allowed = (t: string) => t === 'RuntimeDefault' || t === 'Localhost';
  const podType = isRecord(pod.podSecurityContext.appArmorProfile)
    ? (str(pod.podSecurityContext.appArmorProfile.type) ?? '')
    : undefined;
  if (podType !== undefined && !allowed(podType)) {
    out.push(
      draft(`pod appArmorProfile.type ${podType} is not allowed`, [
        ...pod.specPath,
        'securityContext',
        'appArmorProfile',
        'type',
      ]),
    );
  }
  return out.concat(
    forContainers(pod, (c) => {
      const p = c.securityContext.appArmorProfile;
      if (!isRecord(p)) return undefined;
      const t = str(p.type) ?? '';
      return allowed(t)
        ? undefined
        : draft(
            `container ${c.name} appArmorProfile.type ${t} is not allowed`,
            [...c.path, 'securityContext', 'appArmorProfile', 'type'],
            c,
          );
    }),
  );
}

function seLinuxOptions(pod: PodContext, minor: number): FindingDraft[] {
  const types = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
  if (minor >= 31) types.add('container_engine_t');
  const bad = (o: Json): string | undefined => {
    if (!types.has(str(o.type) ?? '')) return `type ${String(o.type)}`;
    if ((str(o.user) ?? '') !== '') return `user ${String(o.user)}`;
    if ((str(o.role) ?? '') !== '') return `role ${String(o.role)}`;
    return undefined;
  };
  const out: FindingDraft[] = [];
  if (isRecord(pod.podSecurityContext.seLinuxOptions)) {
    const why = bad(pod.podSecurityContext.seLinuxOptions);
    if (why)
      out.push(
        draft(`pod seLinuxOptions ${why} is not allowed`, [...pod.specPath, 'securityContext', 'seLinuxOptions']),
      );
  }
  return out.concat(
    forContainers(pod, (c) => {
      if (!isRecord(c.securityContext.seLinuxOptions)) return undefined;
      const why = bad(c.securityContext.seLinuxOptions);
      return why
        ? draft(
            `container ${c.name} seLinuxOptions ${why} is not allowed`,
            [...c.path, 'securityContext', 'seLinuxOptions'],
            c,
          )
        : undefined;
    }),
  );
}

function procMount(pod: PodContext, minor: number): FindingDraft[] {
  if (minor >= 35 && hostUsersOff(pod)) return [];
  return procMountCheck(pod);
}

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';

const SECCOMP_CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io/';

const validSeccompAnnotation = (v: unknown) =>
  v === 'runtime/default' || v === 'docker/default' || (typeof v === 'string' && v.startsWith('localhost/'));

function seccompProfileBaseline(pod: PodContext, minor: number): FindingDraft[] {
  if (minor < 19) {
    const ann = annotations(pod);
    const out: FindingDraft[] = [];
    if (SECCOMP_POD_ANNOTATION in ann && !validSeccompAnnotation(ann[SECCOMP_POD_ANNOTATION])) {
      out.push(
        draft(
          `seccomp annotation ${SECCOMP_POD_ANNOTATION} is not allowed`,
          annotationPath(pod, SECCOMP_POD_ANNOTATION),
        ),
      );
    }
    return out.concat(
      forContainers(pod, (c) => {
        const key = SECCOMP_CONTAINER_ANNOTATION + c.name;
        return key in ann && !validSeccompAnnotation(ann[key])
          ? draft(`seccomp annotation ${key} is not allowed`, annotationPath(pod, key), c)
          : undefined;
      }),
    );
  }
  // Baseline only forbids bad values; an unset profile is fine at this level.
  return seccompFindings(pod, () => undefined);
}

const SYSCTLS: readonly [number, readonly string[]][] = [
  [
    0,
    [
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
      'net.ipv4.ip_unprivileged_port_start',
    ],
  ],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [
    29,
    [
      'net.ipv4.tcp_keepalive_time',
      'net.ipv4.tcp_fin_timeout',
      'net.ipv4.tcp_keepalive_intvl',
      'net.ipv4.tcp_keepalive_probes',
    ],
  ],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
  [37, ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat']],
];

/** The sysctls Pod Security baseline allows at a policy version. */
export function allowedSysctls(minor: number): Set<string> {
  return new Set(SYSCTLS.filter(([from]) => minor >= from).flatMap(([, names]) => names));
}

// The allowed set depends only on the policy minor: built once per minor, never handed out.
const allowedByMinor = new Map<number, ReadonlySet<string>>();

function sysctls(pod: PodContext, minor: number): FindingDraft[] {
  const list = arr(pod.podSecurityContext.sysctls);
  if (list.length === 0) return [];
  let allowed = allowedByMinor.get(minor);
  if (!allowed) allowedByMinor.set(minor, (allowed = allowedSysctls(minor)));
  return list.flatMap((s, i) => {
    const name = isRecord(s) ? (str(s.name) ?? '') : '';
    return allowed.has(name)
      ? []
      : [draft(`sysctl ${name} is not allowed`, [...pod.specPath, 'securityContext', 'sysctls', i, 'name'])];
  });
}

export const BASELINE_PROFILE_CHECKS: readonly PssCheck[] = [
  {
    id: 'appArmorProfile',
    level: 'baseline',
    minMinor: 0,
    title: 'AppArmor is not disabled',
    fix: 'Use appArmorProfile.type RuntimeDefault or Localhost (or the runtime/default annotation).',
    trivy: ['KSV-0002'],
    check: appArmorProfile,
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    minMinor: 0,
    title: 'No custom SELinux user, role or type',
    fix: 'Remove seLinuxOptions.user and role, and use a container_* type.',
    trivy: ['KSV-0025'],
    check: seLinuxOptions,
  },
  {
    id: 'procMount',
    level: 'baseline',
    minMinor: 0,
    title: 'Default /proc mount',
    fix: 'Remove securityContext.procMount or set it to Default.',
    trivy: ['KSV-0027'],
    check: procMount,
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    minMinor: 0,
    title: 'Seccomp is not disabled',
    fix: 'Set seccompProfile.type to RuntimeDefault (never Unconfined).',
    trivy: ['KSV-0104'],
    check: seccompProfileBaseline,
  },
  {
    id: 'sysctls',
    level: 'baseline',
    minMinor: 0,
    title: 'Only safe sysctls',
    fix: 'Remove sysctls outside the Pod Security safe list.',
    trivy: ['KSV-0026'],
    check: sysctls,
  },
];
