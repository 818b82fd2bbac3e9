/**
 * The constructs' ApiObject classes (lib/platform/api-object.ts) resolve in one pass; their
 * `toJson()` must equal, key order included, what the stock cdk8s / cdk8s-plus-28 class returns
 * for the same object: on every object of the default, shapes and scale platforms, and on a table
 * of values cdk8s's resolver treats specially. Where the one pass does not apply (patches, custom
 * resolvers, non-plain values) the stock path runs, with its own errors.
 */
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { AgentApiObject, KubeConfigMap, KubeService, KubeServiceAccount } from '../../lib/platform/api-object';
import { AgentApp } from '../../lib/platform';
import { buildScalePlatform } from '../../bench/fixture';
import { buildDefaultPlatform } from '../../stacks/platform';
import { buildAgentShapesExample } from '../../stacks/examples';

/** What the class the object's own class replaces returns: ApiObject's or the generated Kube class's toJson. */
// cdk8s's ApiObject answers `instanceof` for any ApiObject, so classes are told apart by prototype.
function stockJson(o: ApiObject): unknown {
  if (Object.getPrototypeOf(o) === AgentApiObject.prototype) return ApiObject.prototype.toJson.call(o);
  const fast = Object.getPrototypeOf(o) as { constructor: unknown };
  const generated = Object.getPrototypeOf(fast) as ApiObject;
  return generated.toJson.call(o);
}

function isFast(o: ApiObject): boolean {
  return Object.getPrototypeOf(o) === AgentApiObject.prototype || Object.getPrototypeOf(o).constructor.name === 'Fast';
}

function apiObjects(app: App): ApiObject[] {
  return app.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

describe.each([
  ['the default platform', (app: App) => buildDefaultPlatform(app)],
  ['the agent-shapes example', (app: App) => buildAgentShapesExample(app)],
  ['a 30-agent scale platform', (app: App) => buildScalePlatform(app, 30)],
])('%s', (_name, build) => {
  test('every object the constructs create takes the one-pass path and equals the stock toJson, key order included', () => {
    const app = Testing.app();
    build(app);
    const objects = apiObjects(app);
    const fast = objects.filter(isFast);
    // Everything but objects users add themselves is created through the one-pass classes.
    expect(fast.length).toBe(objects.length);
    for (const o of fast)
      expect([o.node.path, JSON.stringify(o.toJson())]).toEqual([o.node.path, JSON.stringify(stockJson(o))]);
  });

  test('also under AgentApp, and after a JSON patch (the stock path)', () => {
    const app = new AgentApp({ outdir: 'unused' });
    build(app);
    const objects = apiObjects(app);
    // One plain object and one generated class, each patched.
    const patched = [
      objects.find((o) => Object.getPrototypeOf(o) === AgentApiObject.prototype)!,
      objects.find((o) => o.kind === 'ServiceAccount')!,
    ];
    for (const o of patched) o.addJsonPatch(JsonPatch.add('/metadata/labels/patched', 'yes'));
    for (const o of objects) expect(JSON.stringify(o.toJson())).toBe(JSON.stringify(stockJson(o)));
    for (const o of patched)
      expect((o.toJson() as { metadata: { labels: Record<string, string> } }).metadata.labels.patched).toBe('yes');
  });
});

class Token {
  constructor(private readonly v: unknown) {}
  public resolve(): unknown {
    return this.v;
  }
}
class Union {
  constructor(public readonly value: number | string) {}
}
class NotPlain {
  public readonly x = 1;
}

/** Values cdk8s's default resolvers and sanitizer treat specially. */
const VALUES: [string, () => unknown][] = [
  [
    'nested lazies',
    () => Lazy.any({ produce: () => ({ b: Lazy.any({ produce: () => [1, Lazy.any({ produce: () => 'x' })] }) }) }),
  ],
  ['a lazy producing undefined', () => ({ a: Lazy.any({ produce: () => undefined }), b: 1 })],
  ['resolve() tokens, nested', () => ({ t: new Token(new Token({ z: 1, a: 2 })) })],
  ['a plain object with a resolve function', () => ({ r: { resolve: () => 'resolved' } })],
  ['number/string unions', () => ({ port: new Union(8080), name: new Union('http'), list: [new Union(1)] })],
  ['a plain object with a value field (kept)', () => ({ v: { value: 3 } })],
  ['nulls and undefined in objects and arrays', () => ({ a: null, b: undefined, c: [null, undefined, 1], d: {} })],
  ['empty objects and arrays (kept at this level)', () => ({ e: {}, f: [], g: { h: [] } })],
  ['unsorted and integer-like keys', () => ({ z: 1, b: 2, '10': 3, '9': 4, B: 5, a: { y: 1, x: 2 } })],
  [
    'more than 32 unsorted keys, some empty',
    () => Object.fromEntries([...'qwertyuiopasdfghjklzxcvbnmQWERTYUIOP'].map((k, i) => [k, i % 5 === 0 ? null : i])),
  ],
  [
    'more than 16 unsorted keys, some empty',
    () => Object.fromEntries([...'qwertyuiopasdfghjklzxcvbnm'].map((k, i) => [k, i % 5 === 0 ? null : i])),
  ],
  ['strings, numbers, booleans, zero and empty string', () => ({ s: '', n: 0, f: false, t: true, x: 1.5 })],
  ['a sparse array', () => ({ s: [1, , 3] })], // eslint-disable-line no-sparse-arrays
  ['a function value', () => ({ fn: () => 1 })],
];

describe('one-pass resolution equals cdk8s on special values', () => {
  test.each(VALUES)('%s', (_name, make) => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const o = new AgentApiObject(chart, 'o', {
      apiVersion: 'v1',
      kind: 'Thing',
      metadata: { name: 'n' },
      spec: make(),
    } as never);
    expect(JSON.stringify(o.toJson())).toBe(JSON.stringify(ApiObject.prototype.toJson.call(o)));
  });

  test('lazy values are produced in cdk8s order (insertion order, before sorting)', () => {
    const order = (make: (seen: string[]) => ApiObject, json: (o: ApiObject) => unknown) => {
      const seen: string[] = [];
      json(make(seen));
      return seen;
    };
    const make = (seen: string[]) =>
      new AgentApiObject(new Chart(Testing.app(), 'c'), 'o', {
        apiVersion: 'v1',
        kind: 'Thing',
        spec: Object.fromEntries(['z', 'a', 'm'].map((k) => [k, Lazy.any({ produce: () => (seen.push(k), k) })])),
      } as never);
    expect(order(make, (o) => o.toJson())).toEqual(order(make, (o) => ApiObject.prototype.toJson.call(o)));
    expect(order(make, (o) => o.toJson())).toEqual(['z', 'a', 'm']);
  });

  test('a non-plain value fails with cdk8s own message', () => {
    const app = Testing.app();
    const o = new AgentApiObject(new Chart(app, 'c'), 'o', {
      apiVersion: 'v1',
      kind: 'Thing',
      spec: { x: new NotPlain() },
    } as never);
    expect(() => ApiObject.prototype.toJson.call(o)).toThrow("can't render non-simple object of type 'NotPlain'");
    expect(() => o.toJson()).toThrow(
      `Failed serializing construct at path 'c/o' with name '${o.name}': Error: can't render non-simple object of type 'NotPlain'`,
    );
  });

  test('an error inside a lazy value is wrapped as cdk8s wraps it', () => {
    const app = Testing.app();
    const o = new AgentApiObject(new Chart(app, 'c'), 'o', {
      apiVersion: 'v1',
      kind: 'Thing',
      spec: Lazy.any({
        produce: () => {
          throw new Error('boom');
        },
      }),
    } as never);
    let stock = '';
    try {
      ApiObject.prototype.toJson.call(o);
    } catch (e) {
      stock = String(e);
    }
    expect(stock).toContain('boom');
    expect(() => o.toJson()).toThrow(stock.replace(/^Error: /, ''));
  });

  test('an App with its own resolvers takes the stock path: the custom resolver applies', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (typeof context.value === 'string' && context.value.startsWith('up:'))
          context.replaceValue(context.value.slice(3).toUpperCase());
      }
    }
    const app = new App({ outdir: 'unused', resolvers: [new Upper()] });
    const chart = new Chart(app, 'c');
    const o = new AgentApiObject(chart, 'o', { apiVersion: 'v1', kind: 'Thing', spec: { a: 'up:x' } } as never);
    expect(o.toJson()).toEqual(ApiObject.prototype.toJson.call(o));
    expect((o.toJson() as { spec: { a: string } }).spec.a).toBe('X');
  });

  test('CDK8S_DISABLE_SORT keeps insertion order, as cdk8s does', () => {
    const before = process.env.CDK8S_DISABLE_SORT;
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      const o = new AgentApiObject(new Chart(Testing.app(), 'c'), 'o', {
        apiVersion: 'v1',
        kind: 'Thing',
        spec: { z: 1, a: 2 },
      } as never);
      expect(JSON.stringify(o.toJson())).toBe(JSON.stringify(ApiObject.prototype.toJson.call(o)));
      expect(Object.keys((o.toJson() as { spec: object }).spec)).toEqual(['z', 'a']);
    } finally {
      if (before === undefined) delete process.env.CDK8S_DISABLE_SORT;
      else process.env.CDK8S_DISABLE_SORT = before;
    }
  });
});

/** Metadata cdk8s resolves and then sanitizes with empty arrays and objects dropped, keys sorted. */
const METADATA: [string, (o: ApiObject) => void][] = [
  [
    'lazy labels and annotations',
    (o) => {
      o.metadata.addLabel('z', Lazy.any({ produce: () => 'late' }) as never);
      o.metadata.addAnnotation('b', Lazy.any({ produce: () => Lazy.any({ produce: () => 'nested' }) }) as never);
    },
  ],
  [
    'a label that resolves to undefined',
    (o) => o.metadata.addLabel('gone', Lazy.any({ produce: () => undefined }) as never),
  ],
  [
    'tokens and unions among the attributes',
    (o) => o.metadata.add('extra', { t: new Token({ y: 1, x: 2 }), u: new Union(3) }),
  ],
  ['empty labels, annotations, finalizers and owner references (dropped)', () => undefined],
  [
    'empty arrays and objects nested in attributes (dropped at every level)',
    (o) => o.metadata.add('extra', { a: {}, b: [], c: { d: { e: [] } }, f: [{}, [], 1], g: [{ h: {} }] }),
  ],
  [
    'a lazy producing an empty array or object',
    (o) => o.metadata.add('extra', { a: Lazy.any({ produce: () => [] }), b: Lazy.any({ produce: () => ({}) }) }),
  ],
  [
    'owner references and finalizers',
    (o) => {
      o.metadata.addFinalizers('z/fin', 'a/fin');
      o.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'Thing', name: 'owner', uid: 'u', controller: false });
    },
  ],
  ['unsorted keys, null and zero values', (o) => o.metadata.add('extra', { z: 0, a: null, m: '', b: false })],
  ['strings, numbers and booleans as labels and attributes', (o) => o.metadata.add('n', 1.5)],
];

describe('one-pass metadata equals cdk8s on special metadata', () => {
  const make = (edit: (o: ApiObject) => void) => {
    const o = new AgentApiObject(new Chart(Testing.app(), 'c', { labels: { chart: 'c' } }), 'o', {
      apiVersion: 'v1',
      kind: 'Thing',
      metadata: { name: 'n', labels: { b: '1', a: '2' } },
      spec: { x: 1 },
    } as never);
    edit(o);
    return o;
  };

  test.each(METADATA)('%s', (_name, edit) => {
    const o = make(edit);
    expect(JSON.stringify(o.toJson())).toBe(JSON.stringify(ApiObject.prototype.toJson.call(o)));
  });

  test('lazy metadata values are produced in cdk8s order', () => {
    const order = (json: (o: ApiObject) => unknown) => {
      const seen: string[] = [];
      json(
        make((o) => {
          for (const k of ['z', 'a', 'm'])
            o.metadata.addLabel(k, Lazy.any({ produce: () => (seen.push(k), k) }) as never);
          o.metadata.add('first', Lazy.any({ produce: () => (seen.push('attr'), 'attr') }));
        }),
      );
      return seen;
    };
    expect(order((o) => o.toJson())).toEqual(order((o) => ApiObject.prototype.toJson.call(o)));
    // Labels come before attributes added later; a label keeps the slot of the one it replaces.
    expect(order((o) => o.toJson())).toEqual(['a', 'z', 'm', 'attr']);
  });

  test('a non-plain metadata value fails with cdk8s own message', () => {
    const o = make((x) => x.metadata.add('extra', new NotPlain()));
    expect(() => ApiObject.prototype.toJson.call(o)).toThrow("can't render non-simple object of type 'NotPlain'");
    expect(() => o.toJson()).toThrow(
      `Failed serializing construct at path 'c/o' with name 'n': Error: can't render non-simple object of type 'NotPlain'`,
    );
  });

  test('metadata stays sorted under CDK8S_DISABLE_SORT, as cdk8s sorts it', () => {
    const before = process.env.CDK8S_DISABLE_SORT;
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      const o = make((x) => x.metadata.add('extra', { z: 1, a: 2 }));
      expect(JSON.stringify(o.toJson())).toBe(JSON.stringify(ApiObject.prototype.toJson.call(o)));
      expect(Object.keys((o.toJson() as { metadata: { labels: object } }).metadata.labels)).toEqual([
        'a',
        'b',
        'chart',
      ]);
    } finally {
      if (before === undefined) delete process.env.CDK8S_DISABLE_SORT;
      else process.env.CDK8S_DISABLE_SORT = before;
    }
  });

  test('a metadata object with its own toJson is asked, not bypassed', () => {
    const o = make(() => undefined);
    o.metadata.toJson = () => ({ name: 'replaced' });
    expect((o.toJson() as { metadata: unknown }).metadata).toEqual({ name: 'replaced' });
  });

  test.each<[string, string, object, unknown]>([
    ['resolve', 'String', String.prototype, () => 1],
    ['resolve', 'Number', Number.prototype, () => 'n'],
    ['resolve', 'Boolean', Boolean.prototype, () => 'b'],
    ['value', 'Number', Number.prototype, 'v'],
  ])('a `%s` on the %s prototype sends every object down cdk8s path', (key, _type, proto, value) => {
    const o = make((x) => x.metadata.add('extra', { s: 'plain', n: 2, b: true }));
    const plain = JSON.stringify(o.toJson());
    Object.defineProperty(proto, key, { value, configurable: true, writable: true });
    try {
      const stock = JSON.stringify(ApiObject.prototype.toJson.call(o));
      expect(stock).not.toBe(plain);
      expect(JSON.stringify(o.toJson())).toBe(stock);
    } finally {
      delete (proto as unknown as Record<string, unknown>)[key];
    }
  });
});

describe('the Kube* classes', () => {
  test.each([
    [
      'KubeService',
      () =>
        new KubeService(new Chart(Testing.app(), 'c'), 's', {
          metadata: { name: 's' },
          spec: { ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }] },
        }),
      k8s.KubeService,
    ],
    [
      'KubeServiceAccount',
      () => new KubeServiceAccount(new Chart(Testing.app(), 'c'), 'sa', {}),
      k8s.KubeServiceAccount,
    ],
    [
      'KubeConfigMap',
      () => new KubeConfigMap(new Chart(Testing.app(), 'c'), 'cm', { data: { b: '1', a: '2' } }),
      k8s.KubeConfigMap,
    ],
  ])('%s is its generated class with the same JSON', (_name, make, Base) => {
    const o = make();
    expect(Object.prototype.isPrototypeOf.call(Base.prototype, o)).toBe(true);
    expect(JSON.stringify(o.toJson())).toBe(JSON.stringify(Base.prototype.toJson.call(o)));
  });
});
