/**
 * The Pod Security Standards, check by check, as kubernetes/pod-security-admission implements them
 * (policy/check_*.go): the same minimum versions, the same override of baseline checks by their
 * restricted replacements, and every container list including ephemeral containers.
 */
import { APPARMOR_ANNOTATION_PREFIX, RESTRICTED_VOLUME_TYPES } from '../../core';
import { PodContext, ResolvedContainer } from '../pod-template';
import { POD_TEMPLATES, Pack, Rule, RuleContext } from '../rule';
import { ControlReference, FindingDraft, PathSegment } from '../types';
import { Json, arr, isRecord, rec, str } from '../util';

type Level = 'baseline' | 'restricted';

interface PssCheck {
  readonly id: string;
  readonly level: Level;
  readonly minMinor: number;
  /** Baseline check this one replaces at restricted, and from which minor. */
  readonly overrides?: string;
  readonly title: string;
  readonly fix: string;
  readonly trivy: readonly string[];
  readonly cis?: readonly string[];
  readonly check: (pod: PodContext, minor: number) => FindingDraft[];
}

const isWindows = (pod: PodContext) => rec(pod.spec.os).name === 'windows';
const hostUsersOff = (pod: PodContext) => pod.spec.hostUsers === false;

function draft(message: string, path: readonly PathSegment[], container?: ResolvedContainer): FindingDraft {
  return { message, path, container: container?.name };
}

function forContainers(
  pod: PodContext,
  fn: (c: ResolvedContainer) => FindingDraft | FindingDraft[] | undefined,
): FindingDraft[] {
  return pod.containers.flatMap((c) => fn(c) ?? []);
}

const annotations = (pod: PodContext): Record<string, unknown> => rec(pod.template.metadata.annotations);
const annotationPath = (pod: PodContext, key: string): PathSegment[] => [
  ...pod.template.metadataPath,
  'annotations',
  key,
];

// windowsHostProcess
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

function hostProbesAndHostLifecycle(pod: PodContext): FindingDraft[] {
  const handlers: [string, string][] = [
    ['livenessProbe', ''],
    ['readinessProbe', ''],
    ['startupProbe', ''],
    ['lifecycle', 'postStart'],
    ['lifecycle', 'preStop'],
  ];
  return forContainers(pod, (c) =>
    handlers.flatMap(([field, sub]) => {
      const handler = sub ? rec(rec(c.spec[field])[sub]) : rec(c.spec[field]);
      const base = sub ? [...c.path, field, sub] : [...c.path, field];
      return ['httpGet', 'tcpSocket'].flatMap((action) => {
        const host = rec(handler[action]).host;
        return host != null && host !== ''
          ? [
              draft(
                `container ${c.name} ${[field, sub].filter(Boolean).join('.')} sets host`,
                [...base, action, 'host'],
                c,
              ),
            ]
          : [];
      });
    }),
  );
}

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

function procMountCheck(pod: PodContext): FindingDraft[] {
  return forContainers(pod, (c) => {
    const pm = c.securityContext.procMount;
    return pm != null && pm !== 'Default'
      ? draft(`container ${c.name} sets procMount ${String(pm)}`, [...c.path, 'securityContext', 'procMount'], c)
      : undefined;
  });
}

function procMount(pod: PodContext, minor: number): FindingDraft[] {
  if (minor >= 35 && hostUsersOff(pod)) return [];
  return procMountCheck(pod);
}

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io/';
const validSeccomp = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
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

/**
 * Seccomp as both levels read it: a set profile must be RuntimeDefault or Localhost, at pod and
 * container level; `whenUnset` decides about a container that sets none (given whether the pod does).
 */
function seccompFindings(
  pod: PodContext,
  whenUnset: (c: ResolvedContainer, path: PathSegment[], podSet: boolean) => FindingDraft | undefined,
): FindingDraft[] {
  const out: FindingDraft[] = [];
  const podProfile = pod.podSecurityContext.seccompProfile;
  const podSet = isRecord(podProfile) && validSeccomp(str(podProfile.type));
  if (isRecord(podProfile) && !podSet) {
    out.push(
      draft(`pod seccompProfile.type ${String(podProfile.type)} is not allowed`, [
        ...pod.specPath,
        'securityContext',
        'seccompProfile',
        'type',
      ]),
    );
  }
  return out.concat(
    forContainers(pod, (c) => {
      const p = c.securityContext.seccompProfile;
      const path = [...c.path, 'securityContext', 'seccompProfile', 'type'];
      if (!isRecord(p)) return whenUnset(c, path, podSet);
      return validSeccomp(str(p.type))
        ? undefined
        : draft(`container ${c.name} seccompProfile.type ${String(p.type)} is not allowed`, path, c);
    }),
  );
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

function sysctls(pod: PodContext, minor: number): FindingDraft[] {
  const allowed = allowedSysctls(minor);
  return arr(pod.podSecurityContext.sysctls).flatMap((s, i) => {
    const name = isRecord(s) ? (str(s.name) ?? '') : '';
    return allowed.has(name)
      ? []
      : [draft(`sysctl ${name} is not allowed`, [...pod.specPath, 'securityContext', 'sysctls', i, 'name'])];
  });
}

// restricted

function restrictedVolumes(pod: PodContext): FindingDraft[] {
  const allowed = new Set(RESTRICTED_VOLUME_TYPES);
  return arr(pod.spec.volumes).flatMap((v, i) => {
    const vol = rec(v);
    const sources = Object.keys(vol).filter((k) => k !== 'name' && vol[k] != null);
    // A volume without a source is defaulted to emptyDir by the API server.
    if (sources.length === 0 || sources.some((s) => allowed.has(s))) return [];
    const kind = sources[0];
    return [
      draft(`volume ${str(vol.name) ?? i} uses the restricted volume type ${kind}`, [
        ...pod.specPath,
        'volumes',
        i,
        kind,
      ]),
    ];
  });
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

const PSS_CHECKS: readonly PssCheck[] = [
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

/** Baseline checks replaced by a restricted check at a version (OverrideCheckIDs). */
function overriddenAt(checkId: string, minor: number): boolean {
  return PSS_CHECKS.some((c) => c.overrides === checkId && minor >= c.minMinor);
}

export const PSS_RULE_PREFIX = 'PSS-';

function pssRule(def: PssCheck): Rule {
  const references: ControlReference[] = [
    { framework: 'Pod Security Standards', control: `${def.level}/${def.id}`, title: def.title },
    ...(def.cis ?? []).map((control) => ({ framework: 'CIS Kubernetes', control })),
    { framework: 'NSA/CISA', control: 'Pod security', title: 'Kubernetes Pod security (Hardening Guide §2)' },
  ];
  return {
    id: PSS_RULE_PREFIX + def.id,
    title: def.title,
    severity: 'error',
    kinds: POD_TEMPLATES,
    description: `Pod Security Standards ${def.level} check \`${def.id}\` (from policy v1.${def.minMinor}).`,
    fix: def.fix,
    references,
    scanners: def.trivy,
    check: (ctx: RuleContext) => {
      if (!ctx.pod || ctx.pssMinor < def.minMinor) return undefined;
      if (def.level === 'baseline' && ctx.settings.pssLevel === 'restricted' && overriddenAt(def.id, ctx.pssMinor))
        return undefined;
      if (def.level === 'restricted' && ctx.settings.pssLevel !== 'restricted') return undefined;
      return def.check(ctx.pod, ctx.pssMinor);
    },
  };
}

const BASELINE_RULES = PSS_CHECKS.filter((c) => c.level === 'baseline').map(pssRule);
const RESTRICTED_RULES = PSS_CHECKS.filter((c) => c.level === 'restricted').map(pssRule);

export const PSS_BASELINE: Pack = {
  name: 'pss-baseline',
  description: 'Pod Security Standards, baseline level, version-aware.',
  rules: BASELINE_RULES,
};

export const PSS_RESTRICTED: Pack = {
  name: 'pss-restricted',
  description: 'Pod Security Standards, restricted level (includes baseline), version-aware.',
  rules: [...BASELINE_RULES, ...RESTRICTED_RULES],
};

export const PSS_CHECK_IDS: readonly string[] = PSS_CHECKS.map((c) => c.id);
