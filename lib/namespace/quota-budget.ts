import { parseQuantity } from '../core';

/** Persistent volume claims a workload creates (a StatefulSet's volumeClaimTemplates, one per replica). */
export interface StorageBudget {
  /** Claims in all. */
  readonly claims: number;
  /** Requested storage of all claims together, in bytes. */
  readonly bytes: number;
  /** The claims' StorageClass; per-class quota keys are checked only when it is named. @default the cluster's default class */
  readonly storageClassName?: string;
}

/** What one workload can hold at its peak: pods during a rolling update, and each pod's resources. */
export interface PodBudget {
  /** Construct path of the owner, for messages. */
  readonly owner: string;
  /** Pods at the peak: replicas plus a rolling update's surge, or a CronJob's concurrent runs. */
  readonly maxPods: number;
  /** Per-pod requests and limits in base units (cores, bytes), keyed `cpu`, `memory`, `ephemeral-storage`. */
  readonly requests: Readonly<Record<string, number>>;
  /** Per-pod limits in base units, keyed like `requests`. */
  readonly limits: Readonly<Record<string, number>>;
  /** Persistent volume claims. @default none */
  readonly storage?: StorageBudget;
}

const QUOTA_KEYS: ReadonlyArray<[string, 'requests' | 'limits', string]> = [
  ['requests.cpu', 'requests', 'cpu'],
  ['requests.memory', 'requests', 'memory'],
  ['requests.ephemeral-storage', 'requests', 'ephemeral-storage'],
  ['limits.cpu', 'limits', 'cpu'],
  ['limits.memory', 'limits', 'memory'],
  ['limits.ephemeral-storage', 'limits', 'ephemeral-storage'],
];

/** Storage in Gi when at least 1Gi (volume sizes are given that way), else in Mi. */
function formatStorage(bytes: number): string {
  return bytes >= 2 ** 30 ? `${+(bytes / 2 ** 30).toFixed(1)}Gi` : formatAmount('storage', bytes);
}

function formatAmount(resource: string, value: number): string {
  if (resource === 'cpu') return value < 1 ? `${Math.round(value * 1000)}m` : `${+value.toFixed(3)}`;
  return `${+(value / 2 ** 20).toFixed(1)}Mi`;
}

/**
 * Where the namespace's ResourceQuota cannot hold every workload at its rolling-update peak. A
 * quota that is too small does not fail synth in Kubernetes: it leaves rollouts stuck with pods
 * refused at admission, so it is caught here instead.
 */
/**
 * A pod's effective requests or limits, as the scheduler and quota count them: the larger of the
 * biggest init container and the sum of the long-running containers.
 */
export function effectivePodAmounts(
  containers: ReadonlyArray<Readonly<Record<string, string>>>,
  initContainers: ReadonlyArray<Readonly<Record<string, string>>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  const amount = (values: Readonly<Record<string, string>>, key: string) => parseQuantity(values[key] ?? '0') ?? 0;
  const keys = new Set([...containers, ...initContainers].flatMap((c) => Object.keys(c)));
  for (const key of keys) {
    const running = containers.reduce((sum, c) => sum + amount(c, key), 0);
    const init = Math.max(0, ...initContainers.map((c) => amount(c, key)));
    out[key] = Math.max(running, init);
  }
  return out;
}

/** What the quota `hard` cannot hold of the pods' rolling-update peak `budgets`, one readable line per resource; empty when it fits. */
export function quotaShortfalls(hard: Readonly<Record<string, string>>, budgets: readonly PodBudget[]): string[] {
  if (budgets.length === 0) return [];
  const problems: string[] = [];
  const pods = budgets.reduce((sum, b) => sum + b.maxPods, 0);
  const podLimit = hard.pods === undefined ? undefined : parseQuantity(hard.pods);
  if (podLimit !== undefined && pods > podLimit) {
    problems.push(
      `quota.pods: the agents need up to ${pods} pods during rolling updates, more than the quota's ${hard.pods}`,
    );
  }
  for (const [key, kind, resource] of QUOTA_KEYS) {
    const limit = hard[key] === undefined ? undefined : parseQuantity(hard[key]);
    if (limit === undefined) continue;
    const need = budgets.reduce((sum, b) => sum + b.maxPods * (b[kind][resource] ?? 0), 0);
    if (need > limit) {
      const detail = budgets
        .map((b) => `${b.owner}: ${b.maxPods} × ${formatAmount(resource, b[kind][resource] ?? 0)}`)
        .join(', ');
      problems.push(
        `quota.${key}: the agents need up to ${formatAmount(resource, need)} during rolling updates (${detail}), more than the quota's ${hard[key]}`,
      );
    }
  }
  problems.push(...storageShortfalls(hard, budgets));
  return problems;
}

/** Claim counts and requested storage against the quota's storage keys, overall and per StorageClass. */
function storageShortfalls(hard: Readonly<Record<string, string>>, budgets: readonly PodBudget[]): string[] {
  const withStorage = budgets.filter((b) => b.storage !== undefined);
  if (withStorage.length === 0) return [];
  const checks: Array<[key: string, members: readonly PodBudget[]]> = [
    ['persistentvolumeclaims', withStorage],
    ['requests.storage', withStorage],
  ];
  const classes = [
    ...new Set(withStorage.flatMap((b) => (b.storage?.storageClassName ? [b.storage.storageClassName] : []))),
  ];
  for (const sc of classes.sort()) {
    const members = withStorage.filter((b) => b.storage?.storageClassName === sc);
    checks.push([`${sc}.storageclass.storage.k8s.io/persistentvolumeclaims`, members]);
    checks.push([`${sc}.storageclass.storage.k8s.io/requests.storage`, members]);
  }
  const problems: string[] = [];
  for (const [key, members] of checks) {
    const limit = hard[key] === undefined ? undefined : parseQuantity(hard[key]);
    if (limit === undefined) continue;
    const claims = key.endsWith('persistentvolumeclaims');
    const need = members.reduce((sum, b) => sum + (claims ? b.storage!.claims : b.storage!.bytes), 0);
    if (need > limit) {
      const show = (n: number) => (claims ? String(n) : formatStorage(n));
      const detail = members
        .map((b) => `${b.owner}: ${show(claims ? b.storage!.claims : b.storage!.bytes)}`)
        .join(', ');
      problems.push(
        `quota.${key}: the agents' volume claims need ${show(need)} (${detail}), more than the quota's ${hard[key]}`,
      );
    }
  }
  return problems;
}
