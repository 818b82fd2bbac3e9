/**
 * ObjectSet's indexes must answer exactly what the pairwise definitions they replace answer:
 * `selecting` is `ofKind(kind, ns).filter(o => selectorMatches(selectorOf(o), labels))`, in input
 * order, for every shape a selector can take (the index buckets by one matchLabels entry, so the
 * variants below are the ones that could slip past a bucket).
 */
import { IndexedObject, KubeObject, ObjectSet, fieldKey, locatorTable } from '../../lib/rules';
import { labelSelectorMatches } from '../../lib/core/selectors';
import { releasePod } from '../../lib/rules/resolved-pod';

const podSelectorOf = (o: IndexedObject): unknown => (o.object.spec as Record<string, unknown>).podSelector;

function policy(name: string, podSelector: unknown, namespace = 'team'): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: { podSelector },
  };
}

// JSON.parse makes `__proto__` an own key, as manifests read from files have it.
const protoKey: unknown = JSON.parse('{"matchLabels": {"__proto__": "x"}}');

const SELECTORS: [string, unknown][] = [
  ['empty selector', {}],
  ['missing selector', undefined],
  ['one label', { matchLabels: { app: 'web' } }],
  ['two labels, the first anchors', { matchLabels: { app: 'web', tier: 'front' } }],
  ['two labels, other value', { matchLabels: { app: 'web', tier: 'back' } }],
  ['numeric value never matches', { matchLabels: { app: 1 } }],
  ['null value never matches', { matchLabels: { app: null } }],
  ['non-string first value, string second', { matchLabels: { n: 5, app: 'web' } }],
  ['In expression only', { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }],
  ['NotIn expression only', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }],
  ['DoesNotExist only', { matchExpressions: [{ key: 'debug', operator: 'DoesNotExist' }] }],
  ['label and expression', { matchLabels: { tier: 'front' }, matchExpressions: [{ key: 'app', operator: 'Exists' }] }],
  ['label of another key', { matchLabels: { role: 'worker' } }],
  ['matchLabels not a map', { matchLabels: ['app'] }],
  ['own __proto__ key', protoKey],
  ['selector not a map', 'app=web'],
];

const LABELS: Record<string, string>[] = [
  {},
  { app: 'web' },
  { app: 'web', tier: 'front' },
  { app: 'web', tier: 'back' },
  { app: 'api', role: 'worker' },
  { app: 'db', debug: 'true' },
  { tier: 'front', role: 'worker' },
  { n: '5', app: 'web' },
];

describe('ObjectSet.selecting', () => {
  // Interleaved with another namespace and kind so buckets and order are both exercised.
  const objects: KubeObject[] = SELECTORS.flatMap(([, sel], i) => [
    policy(`p${i}`, sel),
    policy(`other${i}`, sel, 'elsewhere'),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'team' } },
  ]);

  test.each(LABELS.map((l) => [JSON.stringify(l), l]))(
    'labels %s: same objects, same order as the filter',
    (_, labels) => {
      const set = new ObjectSet(objects, locatorTable());
      const expected = set
        .ofKind('NetworkPolicy', 'team')
        .filter((o) => labelSelectorMatches(podSelectorOf(o), labels))
        .map((o) => o.name);
      expect(set.selecting('NetworkPolicy', 'team', podSelectorOf, labels).map((o) => o.name)).toEqual(expected);
      // Asked again (the answer is remembered per labels object): the same.
      expect(set.selecting('NetworkPolicy', 'team', podSelectorOf, labels).map((o) => o.name)).toEqual(expected);
    },
  );

  test('an object matched through several buckets comes back in input order', () => {
    const set = new ObjectSet(
      [
        policy('by-tier', { matchLabels: { tier: 'front' } }),
        policy('everything', {}),
        policy('by-app', { matchLabels: { app: 'web' } }),
      ],
      locatorTable(),
    );
    expect(
      set.selecting('NetworkPolicy', 'team', podSelectorOf, { app: 'web', tier: 'front' }).map((o) => o.name),
    ).toEqual(['by-tier', 'everything', 'by-app']);
  });

  test('no objects of the kind in the namespace: nothing selects', () => {
    const set = new ObjectSet([policy('p', {}, 'elsewhere')], locatorTable());
    expect(set.selecting('NetworkPolicy', 'team', podSelectorOf, { app: 'web' })).toEqual([]);
  });
});

describe('ObjectSet.derive', () => {
  test('builds once per set and key, separately for each set', () => {
    const key = { name: 'count' };
    let builds = 0;
    const a = new ObjectSet([policy('p', {})], locatorTable());
    const b = new ObjectSet([policy('p', {}), policy('q', {})], locatorTable());
    const count = (s: ObjectSet) => s.derive<number>(key, (x) => (builds++, x.items.length));
    expect([count(a), count(a), count(b), count(b)]).toEqual([1, 1, 2, 2]);
    expect(builds).toBe(2);
  });
});

describe('ObjectSet.memo', () => {
  test('builds once per entry and set, keeping undefined answers too', () => {
    const key = { name: 'test memo' };
    const a = new ObjectSet([policy('p', {})], locatorTable());
    const b = new ObjectSet([policy('p', {})], locatorTable());
    let builds = 0;
    const build = (v: string | undefined) => () => (builds++, v);
    expect(a.memo(key, 'x', build('one'))).toBe('one');
    expect(a.memo(key, 'x', build('other'))).toBe('one');
    expect(a.memo(key, 'y', build(undefined))).toBeUndefined();
    expect(a.memo(key, 'y', build('late'))).toBeUndefined();
    expect(b.memo(key, 'x', build('two'))).toBe('two');
    expect(builds).toBe(3);
  });
});

describe('ObjectSet.find', () => {
  test('the first object of a name, per namespace or in any namespace', () => {
    const set = new ObjectSet(
      [policy('p', {}, 'a'), policy('p', { matchLabels: { x: 'y' } }, 'b'), policy('q', {}, 'b')],
      locatorTable(),
    );
    expect(set.find('NetworkPolicy', 'p')?.namespace).toBe('a');
    expect(set.find('NetworkPolicy', 'p', 'b')?.namespace).toBe('b');
    expect(set.find('NetworkPolicy', 'q', 'a')).toBeUndefined();
    expect(set.find('ConfigMap', 'p')).toBeUndefined();
  });
});

describe('ObjectSet.namespaceLabels', () => {
  const namespace = (name: string, labels?: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, ...(labels ? { labels } : {}) },
  });

  test.each<[string, KubeObject[], Record<string, string>]>([
    ['a labelled Namespace', [namespace('a', { team: 'x' })], { team: 'x', 'kubernetes.io/metadata.name': 'a' }],
    ['a Namespace without labels', [namespace('a')], { 'kubernetes.io/metadata.name': 'a' }],
    ['no Namespace object', [], { 'kubernetes.io/metadata.name': 'a' }],
    [
      'a spoofed name label is overridden, as the API server does',
      [namespace('a', { 'kubernetes.io/metadata.name': 'b' })],
      { 'kubernetes.io/metadata.name': 'a' },
    ],
  ])('%s', (_name, objects, expected) => {
    const set = new ObjectSet(objects, locatorTable());
    expect(set.namespaceLabels('a')).toEqual(expected);
  });

  test('one frozen record per namespace, per set', () => {
    const objects = [namespace('a', { team: 'x' }), namespace('b', { team: 'y' })];
    const set = new ObjectSet(objects, locatorTable());
    const a = set.namespaceLabels('a');
    expect(set.namespaceLabels('a')).toBe(a);
    expect(set.namespaceLabels('b')).not.toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => {
      (a as Record<string, string>).team = 'z';
    }).toThrow(TypeError);
    expect(new ObjectSet(objects, locatorTable()).namespaceLabels('a')).not.toBe(a);
  });
});

describe('fieldKey', () => {
  // The definition it was written from (copying the path), kept here as the reference.
  const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
  function reference(container: string | undefined, path: readonly (string | number)[]): string {
    let segs = [...path];
    const c = segs.findIndex(
      (s, i) => typeof s === 'string' && CONTAINER_LISTS.has(s) && typeof segs[i + 1] === 'number',
    );
    if (c >= 0) segs = [segs[c], ...segs.slice(c + 2)];
    else {
      const spec = segs.lastIndexOf('spec');
      const tmpl = segs.lastIndexOf('template');
      if (tmpl >= 0 && spec > tmpl) segs = segs.slice(spec);
    }
    const last = segs[segs.length - 1];
    const parent = segs[segs.length - 2];
    if (last === 'type' && (parent === 'seccompProfile' || parent === 'appArmorProfile')) segs = segs.slice(0, -1);
    return `${container ?? ''}\u0000${segs.join('.')}`;
  }

  test.each<[string | undefined, (string | number)[]]>([
    [undefined, []],
    [undefined, ['spec']],
    ['c', ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'seccompProfile', 'type']],
    [undefined, ['spec', 'template', 'spec', 'securityContext', 'seccompProfile', 'type']],
    [undefined, ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'hostPID']],
    ['i', ['spec', 'initContainers', 2, 'image']],
    [undefined, ['spec', 'containers', 'x', 'image']],
    [undefined, ['spec', 'containers']],
    [undefined, ['containers', 0]],
    [undefined, ['spec', 'template', 'metadata', 'labels']],
    [undefined, ['metadata', 'annotations', 'a.b/c']],
    [undefined, ['seccompProfile', 'type']],
    [undefined, ['type']],
    [undefined, ['spec', 'appArmorProfile', 'type']],
    [undefined, ['spec', 'volumes', 3, 'hostPath']],
    ['e', ['spec', 'ephemeralContainers', 0, 'securityContext', 'appArmorProfile', 'type']],
    [undefined, ['template', 'spec', 'template', 'spec', 'x']],
  ])('container %s path %j: as the reference', (container, path) => {
    expect(fieldKey(container, path)).toBe(reference(container, path));
  });
});

describe('ObjectSet labels and pods', () => {
  const deployment = (labels: unknown, templateLabels: unknown): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'team', labels: labels as Record<string, string> },
    spec: {
      template: {
        metadata: { labels: templateLabels },
        spec: {
          securityContext: { runAsNonRoot: true },
          containers: [{ name: 'app', securityContext: { privileged: true } }, 'not a container'],
          initContainers: [{ securityContext: { runAsUser: 0 } }],
        },
      },
    },
  });

  // The index shares a record whose values are all strings, and copies the others: either way it
  // reads as the string-valued labels the manifest declares.
  test.each<[string, unknown, Record<string, string>]>([
    ['string values', { app: 'web', tier: 'front' }, { app: 'web', tier: 'front' }],
    ['a number value is left out', { app: 'web', replicas: 3 }, { app: 'web' }],
    ['a null value is left out', { app: null, tier: 'front' }, { tier: 'front' }],
    ['nested map left out', { app: { x: 'y' } }, {}],
    ['empty map', {}, {}],
    ['missing', undefined, {}],
    ['not a map', ['app'], {}],
    [
      'own __proto__ key (as the copy reads it: absent)',
      JSON.parse('{"__proto__": "x", "app": "web"}'),
      { app: 'web' },
    ],
  ])('labels: %s', (_, labels, expected) => {
    const item = new ObjectSet([deployment(labels, labels)], locatorTable()).items[0];
    expect({ ...item.labels }).toEqual(expected);
    expect(Object.keys(item.labels)).toEqual(Object.keys(expected));
    expect({ ...item.pod?.labels }).toEqual(expected);
    expect(Object.getPrototypeOf(item.labels)).toBe(Object.prototype);
  });

  test('shared empty labels cannot be written to', () => {
    const item = new ObjectSet([deployment(undefined, undefined)], locatorTable()).items[0];
    expect(() => {
      'use strict';
      (item.labels as Record<string, string>).app = 'x';
    }).toThrow(TypeError);
    expect(item.labels).toEqual({});
  });

  test('template paths are shared and frozen, so no rule can change them for another object', () => {
    const set = new ObjectSet([deployment({}, {}), deployment({}, {})], locatorTable());
    const [a, b] = set.items.map((i) => i.pod?.template);
    expect(a?.specPath).toEqual(['spec', 'template', 'spec']);
    expect(a?.metadataPath).toEqual(['spec', 'template', 'metadata']);
    expect(a?.specPath).toBe(b?.specPath);
    expect(Object.isFrozen(a?.specPath)).toBe(true);
    expect(Object.isFrozen(a?.metadataPath)).toBe(true);
  });

  test('a pod resolves its containers on first read and again, equal, after the engine released them', () => {
    const pod = new ObjectSet([deployment({}, {})], locatorTable()).items[0].pod;
    const before = pod?.containers;
    expect(
      before?.map((c) => [c.list, c.index, c.name, c.effective.privileged.value, c.effective.runAsNonRoot.from]),
    ).toEqual([
      ['initContainers', 0, 'initContainers[0]', undefined, 'pod'],
      ['containers', 0, 'app', true, 'pod'],
    ]);
    expect(pod?.containers).toBe(before);
    releasePod(pod);
    const after = pod?.containers;
    expect(after).not.toBe(before);
    expect(after?.map((c) => [c.path, c.effective.privileged.path, c.effective.runAsUser.value])).toEqual(
      before?.map((c) => [c.path, c.effective.privileged.path, c.effective.runAsUser.value]),
    );
  });
});
