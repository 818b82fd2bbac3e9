/** What a Pod Security check is, and the readers several checks share. */
import { PodContext, ResolvedContainer } from '../../pod-template';
import { FindingDraft, PathSegment } from '../../types';
import { isRecord, rec, str } from '../../util';

export type Level = 'baseline' | 'restricted';

export interface PssCheck {
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

export const isWindows = (pod: PodContext) => rec(pod.spec.os).name === 'windows';

export const hostUsersOff = (pod: PodContext) => pod.spec.hostUsers === false;

export function draft(message: string, path: readonly PathSegment[], container?: ResolvedContainer): FindingDraft {
  return { message, path, container: container?.name };
}

export function forContainers(
  pod: PodContext,
  fn: (c: ResolvedContainer) => FindingDraft | FindingDraft[] | undefined,
): FindingDraft[] {
  // Every PSS check runs it per container of every pod: a loop, no intermediate arrays.
  const out: FindingDraft[] = [];
  for (const c of pod.containers) {
    const found = fn(c);
    if (found === undefined || found === null) continue;
    if (Array.isArray(found)) for (const d of found) out.push(d);
    else out.push(found as FindingDraft);
  }
  return out;
}

export const annotations = (pod: PodContext): Record<string, unknown> => rec(pod.template.metadata.annotations);

export const annotationPath = (pod: PodContext, key: string): PathSegment[] => [
  ...pod.template.metadataPath,
  'annotations',
  key,
];

const validSeccomp = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';

/**
 * Seccomp as both levels read it: a set profile must be RuntimeDefault or Localhost, at pod and
 * container level; `whenUnset` decides about a container that sets none (given whether the pod does).
 */
export function seccompFindings(
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
  // Runs for every container of every pod: the field path is built only when it is reported.
  const containers = forContainers(pod, (c) => {
    const p = c.securityContext.seccompProfile;
    if (!isRecord(p)) return whenUnset(c, [...c.path, 'securityContext', 'seccompProfile', 'type'], podSet);
    return validSeccomp(str(p.type))
      ? undefined
      : draft(
          `container ${c.name} seccompProfile.type ${String(p.type)} is not allowed`,
          [...c.path, 'securityContext', 'seccompProfile', 'type'],
          c,
        );
  });
  return out.length === 0 ? containers : out.concat(containers);
}

export function procMountCheck(pod: PodContext): FindingDraft[] {
  return forContainers(pod, (c) => {
    const pm = c.securityContext.procMount;
    return pm != null && pm !== 'Default'
      ? draft(`container ${c.name} sets procMount ${String(pm)}`, [...c.path, 'securityContext', 'procMount'], c)
      : undefined;
  });
}
