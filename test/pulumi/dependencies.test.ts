/**
 * The Pulumi apply order is the same plan the first (quadratic) algorithm gave: it is kept here as
 * the reference and compared on the default platform, on generated platforms and on shuffled,
 * cyclic and tie-heavy inputs.
 */
import fc from 'fast-check';
import { App } from 'cdk8s';
import { buildScalePlatform } from '../../bench/fixture';
import { AgentBaselineError } from '../../lib/core';
import { ClassifiedObject, PlannedObject, classifyObjects, planDependencies } from '../../lib/pulumi';
import { synthesizeObjects } from '../../lib/pulumi/objects';
import { buildDefaultPlatform } from '../../stacks/platform';
import { NUM_RUNS } from '../properties/arbitraries';

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);
const KIND_RANK: Readonly<Record<string, number>> = {
  Namespace: 0,
  CustomResourceDefinition: 0,
  PriorityClass: 1,
  RuntimeClass: 1,
  ServiceAccount: 2,
  Role: 2,
  ClusterRole: 2,
  ConfigMap: 3,
  Secret: 3,
};

/** The original topologicalOrder of lib/pulumi/dependencies.ts (before the heap), verbatim but for the error. */
function referenceOrder(objects: readonly ClassifiedObject[], edges: Map<string, Set<string>>): string[] {
  const rank = (o: ClassifiedObject): number => KIND_RANK[o.object.kind] ?? (WORKLOAD_KINDS.has(o.object.kind) ? 5 : 4);
  const pending = objects.map((o, index) => ({ o, index, rank: rank(o) }));
  const done = new Set<string>();
  const ordered: string[] = [];
  while (pending.length > 0) {
    const ready = pending.filter((p) => [...(edges.get(p.o.key) ?? [])].every((d) => done.has(d)));
    if (ready.length === 0) throw new Error(`cycle among ${pending.map((p) => p.o.key).join(', ')}`);
    ready.sort((a, b) => a.rank - b.rank || a.index - b.index);
    const next = ready[0];
    pending.splice(pending.indexOf(next), 1);
    done.add(next.o.key);
    ordered.push(next.o.key);
  }
  return ordered;
}

function objectsOf(build: (app: App) => void): ClassifiedObject[] {
  const app = new App();
  build(app);
  return classifyObjects('test', synthesizeObjects(app) as never);
}

/** The plan's edges, which the reference orders from (edge discovery did not change). */
function edgesOf(plan: readonly PlannedObject[]): Map<string, Set<string>> {
  return new Map(plan.map((p) => [p.key, new Set(p.dependsOn)]));
}

function expectReferenceOrder(objects: readonly ClassifiedObject[]): void {
  const plan = planDependencies('test', objects);
  expect(plan.map((p) => p.key)).toEqual(referenceOrder(objects, edgesOf(plan)));
  const at = new Map(plan.map((p, i) => [p.key, i]));
  for (const p of plan) for (const d of p.dependsOn) expect(at.get(d)).toBeLessThan(at.get(p.key) as number);
}

describe('planDependencies order', () => {
  it.each<[string, (app: App) => void]>([
    ['the default platform', (app) => buildDefaultPlatform(app)],
    ['20 generated agents', (app) => buildScalePlatform(app, 20)],
    ['75 generated agents', (app) => buildScalePlatform(app, 75)],
  ])('equals the original algorithm on %s', (_name, build) => {
    expectReferenceOrder(objectsOf(build));
  });

  it('equals the original algorithm on any input order of a generated platform', () => {
    const objects = objectsOf((app) => buildScalePlatform(app, 12));
    fc.assert(
      fc.property(fc.shuffledSubarray(objects, { minLength: objects.length }), (shuffled) =>
        expectReferenceOrder(shuffled),
      ),
      { numRuns: Math.max(20, NUM_RUNS / 10) },
    );
  });

  it('refuses a cycle, listing the objects left in input order', () => {
    const ns = (name: string, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'secrets.hashicorp.com/v1beta1',
      kind: 'VaultStaticSecret',
      metadata: { name, namespace: 'a' },
      spec: { ...extra },
    });
    // VaultAuth -> VaultStaticSecret via vaultAuthRef, and the secret restarts... itself: a self-cycle.
    const objects = classifyObjects('agents', [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
      ns('s', { rolloutRestartTargets: [{ kind: 'VaultStaticSecret', name: 's' }] }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'a' } },
    ] as never);
    expect(() => planDependencies('agents', objects)).toThrow(AgentBaselineError);
    expect(() => planDependencies('agents', objects)).toThrow(
      /objects.*a\/VaultStaticSecret\/s.*no apply order exists/s,
    );
  });
});
