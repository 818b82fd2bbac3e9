/** Hardening, metadata and batch: object identity, labels and Job/CronJob lifecycle. */
import { isDeepStrictEqual } from 'util';
import { ObjectIdentity, describeIdentity, objectIdentity, resourceType } from '../../../core/object-identity';
import { DerivedKey, ObjectSet } from '../../object-set';
import { ALL_KINDS, Rule } from '../../rule';
import { OWASP, SOC2 } from '../../references';
import { FindingDraft, KubeObject } from '../../types';
import { rec } from '../../util';
import { NO_DRAFTS, at, indexedOf, objectRule, podRule } from '../helpers';

/** A declaration of an object that the input declares more than once, with different content. */
interface Redeclaration {
  /** `Kind namespace/name` of the object. */
  readonly object: string;
  /** How many declarations the input holds of this object. */
  readonly declarations: number;
  /** Which of them this one is (1-based, input order). */
  readonly ordinal: number;
}

const REDECLARED: DerivedKey<ReadonlyMap<number, Redeclaration>> = {
  name: 'objects declared again with other content',
};

/**
 * Every declaration after the first of an object (one identity: group, kind, namespace unless
 * cluster-scoped, name) that the input declares with different content, by input index. A
 * namespaced manifest that names no namespace lands in whatever namespace it is applied to (`kubectl
 * apply -n`, a kustomization), so it is the same object as each namespaced one of its type and name.
 * Identical copies leave the cluster with the object every rule judged, so they are not reported.
 */
function redeclarations(set: ObjectSet): ReadonlyMap<number, Redeclaration> {
  const out = new Map<number, Redeclaration>();
  for (const namespaces of declarationsByType(set).values()) {
    const unplaced = namespaces.get('');
    for (const [namespace, names] of namespaces) {
      for (const [name, found] of names) {
        const elsewhere = namespace === '' ? undefined : unplaced?.get(name);
        if (elsewhere === undefined && typeof found === 'number') continue;
        reportGroup(set, union(found, elsewhere), out);
      }
    }
  }
  return out;
}

/**
 * resource type key -> namespace ('' when none applies) -> name -> input indexes. Nested maps keyed
 * by the manifests' own strings: a scan builds this over every object, and building a key string
 * per object cost about a tenth of the rules' time on a large repository.
 */
function declarationsByType(set: ObjectSet): Map<string, Map<string, Map<string, number | number[]>>> {
  const declared = new Map<string, Map<string, Map<string, number | number[]>>>();
  for (const item of set.items) {
    const { apiVersion, kind } = item.object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || item.name === '') continue;
    if (typeof item.object.metadata?.name !== 'string') continue;
    const type = resourceType(apiVersion, kind);
    const namespace = type.clusterScoped ? '' : item.namespace;
    // By the type's key, not the (memoized) object: equal however often the memo was rebuilt.
    let namespaces = declared.get(type.key);
    if (!namespaces) declared.set(type.key, (namespaces = new Map()));
    let names = namespaces.get(namespace);
    if (!names) namespaces.set(namespace, (names = new Map()));
    const earlier = names.get(item.name);
    if (earlier === undefined) names.set(item.name, item.index);
    else if (typeof earlier === 'number') names.set(item.name, [earlier, item.index]);
    else earlier.push(item.index);
  }
  return declared;
}

/** The indexes of both, in input order. */
function union(found: number | readonly number[], elsewhere: number | readonly number[] | undefined): number[] {
  const all = typeof found === 'number' ? [found] : [...found];
  if (elsewhere !== undefined) all.push(...(typeof elsewhere === 'number' ? [elsewhere] : elsewhere));
  return all.sort((a, b) => a - b);
}

/** Reports every declaration of the group after the first, unless all say the same. */
function reportGroup(set: ObjectSet, indexes: readonly number[], out: Map<number, Redeclaration>): void {
  const original = contentOf(set.items[indexes[0]].object);
  if (indexes.every((i) => isDeepStrictEqual(contentOf(set.items[i].object), original))) return;
  const object = describeIdentity(objectIdentity(set.items[indexes[0]].object) as ObjectIdentity);
  indexes.forEach((index, i) => {
    // A namespace-less declaration can share a group with several namespaces: its first report stands.
    if (i > 0 && !out.has(index)) out.set(index, { object, declarations: indexes.length, ordinal: i + 1 });
  });
}

/** What is applied of a manifest: everything but metadata.namespace, which the identity already holds. */
function contentOf(object: KubeObject): KubeObject {
  if (object.metadata?.namespace === undefined) return object;
  const metadata: Record<string, unknown> = { ...object.metadata };
  delete metadata.namespace;
  return { ...object, metadata };
}

const ORDINALS = ['first', 'second', 'third'];

const redeclared = objectRule(
  {
    id: 'HRD-DuplicateObject',
    kinds: ALL_KINDS,
    title: 'Each object declared once',
    severity: 'error',
    description:
      'The API server keeps one object per group, kind, namespace (none for cluster-scoped kinds, whatever namespace is written) and name; an old apiVersion names the same object as its replacement, and a manifest of a namespaced kind without a namespace lands in whatever namespace it is applied to. Applied together, the last declaration replaces the others, so a second NetworkPolicy, binding or Namespace of the same name can undo the first while every rule here judged both.',
    fix: 'Declare each object once: rename one of them, or merge them into one manifest. Manifests for different clusters or environments (per-environment folders, overlays) are different inputs: check each on its own.',
    references: [SOC2.configuration, OWASP.excessiveAgency],
  },
  (ctx) => {
    const found = ctx.set.derive(REDECLARED, redeclarations).get(ctx.index);
    // Runs on every object of the input: the shared empty list, not a new one per pass.
    if (!found) return NO_DRAFTS;
    const which = ORDINALS[found.ordinal - 1] ?? `declaration ${found.ordinal}`;
    return [
      at(
        `${found.object} is declared ${found.declarations} times with different content and this is the ${which}: applied together, the last replaces the others, so the cluster keeps one of them while the other rules judged each`,
        ['metadata', 'name'],
      ),
    ];
  },
);

const instanceLabel = podRule(
  {
    id: 'HRD-InstanceLabel',
    title: 'app.kubernetes.io/instance matches the name',
    severity: 'warning',
    description:
      'Polaris flags an instance label that differs from the object name: tooling that groups by instance then mislabels it.',
    fix: 'Set app.kubernetes.io/instance to metadata.name, or remove it.',
    references: [],
    scanners: ['Polaris metadataAndInstanceMismatched'],
  },
  (_pod, ctx) => {
    const item = indexedOf(ctx);
    const instance = item.labels['app.kubernetes.io/instance'];
    return instance === undefined || instance === item.name
      ? []
      : [
          at(`app.kubernetes.io/instance ${instance} differs from name ${item.name}`, [
            'metadata',
            'labels',
            'app.kubernetes.io/instance',
          ]),
        ];
  },
);

const jobTtl = objectRule(
  {
    id: 'HRD-JobLifecycle',
    kinds: ['Job', 'CronJob'],
    title: 'Job TTL and CronJob deadline',
    severity: 'warning',
    description:
      'Finished Jobs linger without ttlSecondsAfterFinished; a CronJob without startingDeadlineSeconds can start a burst of missed runs.',
    fix: 'Set ttlSecondsAfterFinished on standalone Jobs; on CronJobs set startingDeadlineSeconds and leave ttlSecondsAfterFinished out of the jobTemplate.',
    references: [OWASP.consumption],
    scanners: ['kube-linter job-ttl-seconds-after-finished', 'kube-score cronjob-has-deadline'],
  },
  (ctx) => {
    const spec = rec(ctx.object.spec);
    if (ctx.object.kind === 'Job') {
      return typeof spec.ttlSecondsAfterFinished === 'number'
        ? []
        : [at('Job has no ttlSecondsAfterFinished', ['spec', 'ttlSecondsAfterFinished'])];
    }
    const out: FindingDraft[] = [];
    if (typeof spec.startingDeadlineSeconds !== 'number')
      out.push(at('CronJob has no startingDeadlineSeconds', ['spec', 'startingDeadlineSeconds']));
    if (rec(rec(spec.jobTemplate).spec).ttlSecondsAfterFinished !== undefined) {
      out.push(
        at('CronJob jobTemplate sets ttlSecondsAfterFinished', [
          'spec',
          'jobTemplate',
          'spec',
          'ttlSecondsAfterFinished',
        ]),
      );
    }
    return out;
  },
);

export const METADATA_RULES: readonly Rule[] = [instanceLabel, jobTtl, redeclared];
