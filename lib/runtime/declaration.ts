/**
 * What each agent declared, read back from the synthesized objects (not from construct internals),
 * so the runtime rules watch exactly what the cluster is told: the workload's containers, their
 * commands and writable mounts, its ports, the address blocks its NetworkPolicies let it reach, and
 * whether it holds a Kubernetes API token.
 */
import { MANAGED_BY, compareText } from '../core';

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** One declared container. */
export interface DeclaredContainer {
  /** Container name. */
  readonly name: string;
  /** Container image as declared. */
  readonly image: string;
  /** `command` as declared. @default undefined (meaning the image's entrypoint is used) */
  readonly command?: readonly string[];
}

/** The declaration the runtime rules are generated from; build it by hand for workloads of your own. */
export interface AgentRuntimeDeclaration {
  /** The agent's namespace. */
  readonly namespace: string;
  /** The agent's name (`app.kubernetes.io/instance`). */
  readonly name: string;
  /** Labels that select the agent's pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The pod's init and main containers as synthesized; the rules select these by name. */
  readonly containers: readonly DeclaredContainer[];
  /** Paths mounted writable (everything else is read-only). */
  readonly writablePaths: readonly string[];
  /** Container ports of the main containers, sorted. */
  readonly ports: readonly number[];
  /** Address blocks its egress rules allow (in-cluster peers are matched by `clusterNetworks`). */
  readonly egressCidrs: readonly string[];
  /** True when an egress rule allows every destination (then no outbound rule is generated). @default false */
  readonly egressAny?: boolean;
  /** True when a container can present a Kubernetes API token (projected for the API audience or automounted). */
  readonly apiAccess: boolean;
}

const WORKLOAD_TEMPLATE: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** The only kinds declarationsFromManifests reads: agent workloads and the NetworkPolicies selecting them. */
export const DECLARATION_KINDS: ReadonlySet<string> = new Set([...Object.keys(WORKLOAD_TEMPLATE), 'NetworkPolicy']);

/** A Kubernetes object as synthesized. */
export interface ManifestObject {
  /** API version, e.g. `apps/v1`. @default undefined (not read) */
  readonly apiVersion?: string;
  /** Object kind, e.g. `Deployment`. @default undefined (meaning not a workload: skipped) */
  readonly kind?: string;
  /** Name, namespace and labels. @default undefined (meaning no labels, so not an agent workload) */
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

function selects(selector: Json, labels: Readonly<Record<string, string>>): boolean {
  const match = rec(selector.matchLabels);
  if (!Object.entries(match).every(([k, v]) => labels[k] === v)) return false;
  return arr(selector.matchExpressions).every((e) => {
    const x = rec(e);
    const key = str(x.key) ?? '';
    const values = arr(x.values).map(String);
    switch (x.operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        return false;
    }
  });
}

function hasApiToken(pod: Json, containers: Json[]): boolean {
  if (pod.automountServiceAccountToken !== false) return true;
  const tokenVolumes = new Set(
    arr(pod.volumes)
      .map(rec)
      .filter((v) =>
        arr(rec(v.projected).sources).some((s) => {
          const t = rec(rec(s).serviceAccountToken);
          // A token for Vault's audience is a Vault identity, not an API credential.
          return Object.keys(t).length > 0 && t.audience !== 'vault';
        }),
      )
      .map((v) => str(v.name)),
  );
  return containers.some((c) => arr(c.volumeMounts).some((m) => tokenVolumes.has(str(rec(m).name))));
}

/** Declarations of every agent workload (managed by this project, component `agent`) in `objects`. */
export function declarationsFromManifests(objects: readonly ManifestObject[]): AgentRuntimeDeclaration[] {
  const out: AgentRuntimeDeclaration[] = [];
  for (const o of objects) {
    const path = WORKLOAD_TEMPLATE[o.kind ?? ''];
    const labels = o.metadata?.labels ?? {};
    if (
      !path ||
      labels['app.kubernetes.io/managed-by'] !== MANAGED_BY ||
      labels['app.kubernetes.io/component'] !== 'agent'
    )
      continue;
    const template = path.reduce<Json>((cur, key) => rec(cur[key]), o as Json);
    const pod = rec(template.spec);
    const podLabels = { ...(rec(rec(template.metadata).labels) as Record<string, string>) };
    const namespace = o.metadata?.namespace ?? 'default';
    const main = arr(pod.containers).map(rec);
    const all = [...arr(pod.initContainers).map(rec), ...main];
    const emptyDirs = new Set(
      arr(pod.volumes)
        .map(rec)
        .filter((v) => 'emptyDir' in v)
        .map((v) => str(v.name)),
    );
    const writablePaths = all.flatMap((c) =>
      arr(c.volumeMounts)
        .map(rec)
        .filter((m) => m.readOnly !== true && (m.readOnly === false || emptyDirs.has(str(m.name))))
        .map((m) => String(m.mountPath)),
    );
    const policies = objects.filter(
      (p) =>
        p.kind === 'NetworkPolicy' &&
        (p.metadata?.namespace ?? 'default') === namespace &&
        selects(rec(rec(p.spec).podSelector), podLabels),
    );
    const egressCidrs = policies.flatMap((p) =>
      arr(rec(p.spec).egress).flatMap((r) =>
        arr(rec(r).to)
          .map((peer) => str(rec(rec(peer).ipBlock).cidr))
          .filter((c): c is string => c !== undefined),
      ),
    );
    const egressAny = policies.some((p) => arr(rec(p.spec).egress).some((r) => arr(rec(r).to).length === 0));
    out.push({
      namespace,
      name: labels['app.kubernetes.io/instance'] ?? o.metadata?.name ?? 'unnamed',
      podLabels,
      containers: all.map((c) => ({
        name: String(c.name),
        image: String(c.image),
        ...(Array.isArray(c.command) && c.command.length ? { command: c.command.map(String) } : {}),
      })),
      writablePaths: [...new Set(writablePaths)].sort(),
      ports: [...new Set(main.flatMap((c) => arr(c.ports).map((p) => Number(rec(p).containerPort))))].sort(
        (a, b) => a - b,
      ),
      egressCidrs: [...new Set(egressCidrs)].sort(),
      ...(egressAny ? { egressAny } : {}),
      apiAccess: hasApiToken(pod, all),
    });
  }
  return out.sort((a, b) => compareText(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
}
