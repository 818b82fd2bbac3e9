import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { AgentBaselineError } from '../../lib/core';
import {
  CreatedOnReadMap,
  CreationQueue,
  PulumiPlatform,
  REGISTRATION_BATCH_SIZE,
  REGISTRATION_STACK_TRACE_LIMIT,
  RegistrationPacer,
  createVaultResources,
  withRegistrationStackTraces,
} from '../../lib/pulumi';
import { vaultPlans } from '../../lib/vault';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { buildDefaultPlatform } from '../../stacks/platform';
import { refusal } from '../helpers/refusal';
import { buildScalePlatform } from '../../bench/fixture';
import { recordRegistrations, settled } from './mocks';

describe('withRegistrationStackTraces', () => {
  let saved: number;
  beforeEach(() => {
    saved = Error.stackTraceLimit;
    Error.stackTraceLimit = 7;
  });
  afterEach(() => {
    Error.stackTraceLimit = saved;
  });

  test.each([
    ['returns', () => Error.stackTraceLimit],
    [
      'throws',
      () => {
        throw new Error('rpc failed');
      },
    ],
  ])('registers at the registration limit and restores the caller’s when it %s', (_, register) => {
    let inside: number | undefined;
    const run = () =>
      withRegistrationStackTraces(() => {
        inside = Error.stackTraceLimit;
        return register();
      });
    if (_ === 'throws') expect(run).toThrow('rpc failed');
    else expect(run()).toBe(REGISTRATION_STACK_TRACE_LIMIT);
    expect(inside).toBe(REGISTRATION_STACK_TRACE_LIMIT);
    expect(Error.stackTraceLimit).toBe(7);
  });
});

describe('createVaultResources checks before it registers without stack traces', () => {
  beforeAll(() =>
    pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
      'agent-baseline',
      'registration',
      false,
    ),
  );

  function plans() {
    const app = new App();
    buildDefaultPlatform(app, DEFAULT_PLATFORM_CONFIG);
    return vaultPlans(app);
  }

  test.each([
    [
      'a wildcard ServiceAccount',
      () => createVaultResources([{ ...plans()[0], role: { ...plans()[0].role, boundServiceAccountNames: ['*'] } }]),
    ],
    ['an empty own-setup host', () => createVaultResources(plans(), { ownSetup: { kubernetesHost: '' } })],
  ])('%s is refused with the caller’s stack frames, and the limit is restored', (_, create) => {
    const limit = Error.stackTraceLimit;
    let error: unknown;
    try {
      create();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AgentBaselineError);
    expect((error as Error).stack?.split('\n').filter((l) => l.trim().startsWith('at ')).length).toBeGreaterThan(0);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  test('the empty own-setup host is named', () => {
    expect(refusal(() => createVaultResources(plans(), { ownSetup: { kubernetesHost: '' } }))).toBe(
      '[ownSetup] kubernetesHost: invalid value "". Allowed: a non-empty string of at most 1024 characters',
    );
  });
});

/** A ticker scheduled before anything else counts event-loop turns: it runs first in each turn. */
function turnCounter(): { readonly turn: () => number; stop: () => void } {
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  return { turn: () => turn, stop: () => (ticking = false) };
}

describe('RegistrationPacer', () => {
  /** For each of `count` registrations: the event-loop turn its dependsOn resolved on (0: synchronously). */
  async function releaseTurns(batchSize: number | undefined, count: number): Promise<number[]> {
    const counter = turnCounter();
    const pacer = new RegistrationPacer(batchSize);
    const released = Array.from({ length: count }, async (_, i) => {
      const dependsOn = pacer.dependsOn([`r${i}`]);
      // Its own resources, then (from the second batch on) the batch's release, a promise of none.
      expect(dependsOn[0]).toBe(`r${i}`);
      expect(dependsOn.length).toBeLessThanOrEqual(2);
      if (dependsOn.length === 1) return 0;
      expect(dependsOn[1]).toBeInstanceOf(Promise);
      expect(await dependsOn[1]).toEqual([]);
      return counter.turn();
    });
    const turns = await Promise.all(released);
    counter.stop();
    return turns;
  }

  test.each([
    [2, 7, [0, 0, 1, 1, 2, 2, 3]],
    [3, 6, [0, 0, 0, 1, 1, 1]],
    [1, 3, [0, 1, 2]],
    [0, 5, [0, 0, 0, 0, 0]],
    [5, 5, [0, 0, 0, 0, 0]],
  ])(
    'batches of %i release %i registrations on turns %j, each with its own resources',
    async (size, count, expected) => {
      expect(await releaseTurns(size, count)).toEqual(expected);
    },
  );

  test('the default batch is REGISTRATION_BATCH_SIZE', async () => {
    const turns = await releaseTurns(undefined, REGISTRATION_BATCH_SIZE + 1);
    expect(turns.filter((t) => t === 0)).toHaveLength(REGISTRATION_BATCH_SIZE);
    expect(turns[REGISTRATION_BATCH_SIZE]).toBe(1);
  });

  test.each([
    [-1, '-1'],
    [1.5, '1.5'],
    [Number.NaN, 'null'],
    [Number.POSITIVE_INFINITY, 'null'],
  ])('batch size %p is refused with its field and what is allowed', (size, shown) => {
    expect(refusal(() => new RegistrationPacer(size))).toBe(
      `[RegistrationPacer] batchSize: invalid value ${shown}. Allowed: a whole number of resources per turn, 0 or more (0: all at once)`,
    );
  });

  test('PulumiPlatform and createVaultResources name their own field', () => {
    expect(refusal(() => new PulumiPlatform('p', { app: new App(), registrationBatchSize: -2 }))).toBe(
      '[PulumiPlatform p] registrationBatchSize: invalid value -2. Allowed: a whole number of resources per turn, 0 or more (0: all at once)',
    );
    expect(refusal(() => createVaultResources([], { registrationBatchSize: 0.5 }))).toBe(
      '[createVaultResources] registrationBatchSize: invalid value 0.5. Allowed: a whole number of resources per turn, 0 or more (0: all at once)',
    );
  });
});

describe('CreationQueue', () => {
  /** For each of `count` steps: the turn it ran on (0: in start()). */
  async function stepTurns(batchSize: number | undefined, count: number): Promise<number[]> {
    const counter = turnCounter();
    const queue = new CreationQueue(batchSize);
    const turns: number[] = [];
    for (let i = 0; i < count; i++) queue.add(() => turns.push(counter.turn()));
    queue.start();
    await queue.created;
    counter.stop();
    return turns;
  }

  test.each([
    [2, 5, [1, 1, 2, 2, 3]],
    [3, 6, [1, 1, 1, 2, 2, 2]],
    [1, 3, [1, 2, 3]],
    [0, 4, [0, 0, 0, 0]],
    [5, 5, [1, 1, 1, 1, 1]],
  ])('batches of %i run %i steps on turns %j, in the order added', async (size, count, expected) => {
    expect(await stepTurns(size, count)).toEqual(expected);
  });

  test('the default batch is REGISTRATION_BATCH_SIZE, from the turn after start', async () => {
    const turns = await stepTurns(undefined, REGISTRATION_BATCH_SIZE + 1);
    expect(turns.filter((t) => t === 1)).toHaveLength(REGISTRATION_BATCH_SIZE);
    expect(turns[REGISTRATION_BATCH_SIZE]).toBe(2);
  });

  test('with no steps, created resolves', async () => {
    for (const size of [0, 3]) {
      const queue = new CreationQueue(size);
      queue.start();
      await expect(queue.created).resolves.toBeUndefined();
    }
  });

  test('createThrough runs every step up to the one asked for at once, in order; the turns go on from there', async () => {
    const queue = new CreationQueue(2);
    const ran: string[] = [];
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) queue.add(() => ran.push(id));
    queue.start();
    expect(ran).toEqual([]);
    queue.createThrough(2);
    expect(ran).toEqual(['a', 'b', 'c']);
    queue.createThrough(1);
    expect(ran).toEqual(['a', 'b', 'c']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e']);
    queue.createThrough(99);
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    await expect(queue.created).resolves.toBeUndefined();
    queue.createAll();
    expect(ran).toHaveLength(6);
  });

  test('steps run at the registration stack-trace limit, and the caller’s is restored', () => {
    const queue = new CreationQueue(0);
    let inside: number | undefined;
    queue.add(() => (inside = Error.stackTraceLimit));
    const before = Error.stackTraceLimit;
    queue.start();
    expect(inside).toBe(REGISTRATION_STACK_TRACE_LIMIT);
    expect(Error.stackTraceLimit).toBe(before);
  });

  test('a step that throws on a later turn stops the queue: created rejects, later steps never run, reads rethrow', async () => {
    const queue = new CreationQueue(1);
    const ran: number[] = [];
    queue.add(() => ran.push(0));
    queue.add(() => {
      throw new Error('transformation failed');
    });
    queue.add(() => ran.push(2));
    queue.start();
    await expect(queue.created).rejects.toThrow('transformation failed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual([0]);
    expect(() => queue.createAll()).toThrow('transformation failed');
  });

  test('a step that throws during a read throws to the reader and rejects created', async () => {
    const queue = new CreationQueue(4);
    queue.add(() => {
      throw new Error('bad resource');
    });
    queue.start();
    expect(() => queue.createThrough(0)).toThrow('bad resource');
    await expect(queue.created).rejects.toThrow('bad resource');
  });

  test('a step that reads a later step (a transformation reading resources not created yet) is refused, and stops the queue', async () => {
    const queue = new CreationQueue(0);
    const ran: number[] = [];
    queue.add(() => {
      ran.push(0);
      queue.createThrough(0); // itself: already under way, nothing to create
      queue.createThrough(2);
    });
    queue.add(() => ran.push(1));
    queue.add(() => ran.push(2));
    expect(refusal(() => queue.start())).toBe(
      '[CreationQueue] createThrough: invalid value "step 2 while step 0 runs". Allowed: reads of resources already created, from inside a creation (a transformation)',
    );
    expect(ran).toEqual([0]);
    await expect(queue.created).rejects.toThrow('createThrough');
  });

  test('steps are added before start', () => {
    const queue = new CreationQueue(0);
    queue.start();
    expect(refusal(() => queue.add(() => undefined))).toBe(
      '[CreationQueue] add: invalid value "a step after start()". Allowed: steps added before start()',
    );
  });

  test.each([
    [-1, '-1'],
    [2.5, '2.5'],
  ])('batch size %p is refused with its field and what is allowed', (size, shown) => {
    expect(refusal(() => new CreationQueue(size))).toBe(
      `[CreationQueue] batchSize: invalid value ${shown}. Allowed: a whole number of resources per turn, 0 or more (0: all at once)`,
    );
  });
});

describe('CreatedOnReadMap', () => {
  function map() {
    const queue = new CreationQueue(1);
    const backing = new Map<string, number>();
    const stepOf = new Map<string, number>();
    for (const [i, key] of ['a', 'b', 'c'].entries())
      stepOf.set(
        key,
        queue.add(() => backing.set(key, i)),
      );
    queue.start();
    return { created: backing, map: new CreatedOnReadMap(backing, stepOf, queue), queue };
  }

  test('has, size and keys answer for every planned key and create nothing', () => {
    const { created, map: m } = map();
    expect([m.size, m.has('c'), m.has('z'), [...m.keys()]]).toEqual([3, true, false, ['a', 'b', 'c']]);
    expect(created.size).toBe(0);
  });

  test('get creates the entry and every one before it; an unknown key creates nothing', () => {
    const { created, map: m } = map();
    expect(m.get('z')).toBeUndefined();
    expect(created.size).toBe(0);
    expect(m.get('b')).toBe(1);
    expect([...created.keys()]).toEqual(['a', 'b']);
  });

  test.each([
    ['values', (m: ReadonlyMap<string, number>) => [...m.values()]],
    ['entries', (m: ReadonlyMap<string, number>) => [...m.entries()].map(([, v]) => v)],
    ['iteration', (m: ReadonlyMap<string, number>) => [...m].map(([, v]) => v)],
    [
      'forEach',
      (m: ReadonlyMap<string, number>) => {
        const seen: number[] = [];
        m.forEach((v, _k, self) => {
          expect(self).toBe(m);
          seen.push(v);
        });
        return seen;
      },
    ],
  ])('%s creates every entry, in order', (_, read) => {
    const { map: m } = map();
    expect(read(m)).toEqual([0, 1, 2]);
  });
});

describe('PulumiPlatform creates its resources in batches after the constructor', () => {
  /** Registrations that reached the mock engine before the first event-loop turn after construction. */
  async function registeredBeforeFirstTurn(
    registrationBatchSize: number,
    read?: (platform: PulumiPlatform) => void,
  ): Promise<{ first: number; all: number; keys: string[] }> {
    const registered = await recordRegistrations('agent-baseline', 'pacing');
    const app = new App();
    buildScalePlatform(app, 12);
    let first = -1;
    setImmediate(() => (first = registered.length));
    const platform = new PulumiPlatform('paced', { app, registrationBatchSize });
    read?.(platform);
    await platform.created;
    await settled([platform, ...platform.resources.values(), ...platform.vault.policies, ...platform.vault.roles]);
    // -1: every registration settled before the first turn came.
    return {
      first: first === -1 ? registered.length : first,
      all: registered.length,
      keys: platform.plan.map((p) => p.key),
    };
  }

  test('with batches of 10, only the component registers before the first turn', async () => {
    const { first, all } = await registeredBeforeFirstTurn(10);
    expect(all).toBeGreaterThan(100);
    expect(first).toBe(1);
  });

  test('with 0, everything registers before the first turn', async () => {
    const { first, all } = await registeredBeforeFirstTurn(0);
    expect(first).toBe(all);
  });

  test('reading a resource creates it and everything planned before it at once', async () => {
    let index = -1;
    const { first } = await registeredBeforeFirstTurn(10, (platform) => {
      index = 40;
      const key = platform.plan[index].key;
      expect(platform.resources.has(platform.plan[index + 1].key)).toBe(true);
      expect(platform.resources.get(key)).toBeInstanceOf(pulumi.CustomResource);
    });
    expect(first).toBe(1 + index + 1);
  });

  test('reading the Vault resources creates every resource at once', async () => {
    const { first, all } = await registeredBeforeFirstTurn(10, (platform) => {
      expect(platform.vault.policies.length).toBeGreaterThan(0);
    });
    expect(first).toBe(all);
  });

  test('a creation that fails on a later turn fails the program: created and the component outputs reject, reads rethrow', async () => {
    await recordRegistrations('agent-baseline', 'failing');
    const app = new App();
    buildScalePlatform(app, 2);
    // @pulumi/pulumi turns outputs that reject into an unhandled rejection, which is how `pulumi up`
    // learns that the program failed (it would fail this jest run too): the outputs are captured
    // here instead of registered.
    const registerOutputs = jest
      .spyOn(
        pulumi.ComponentResource.prototype as unknown as { registerOutputs: (o: unknown) => void },
        'registerOutputs',
      )
      .mockImplementation(() => undefined);
    try {
      const platform = new PulumiPlatform(
        'failing',
        { app, registrationBatchSize: 4 },
        {
          transformations: [
            (args) => {
              if (args.type === 'kubernetes:apps/v1:Deployment') throw new Error(`refused ${args.name}`);
              return undefined;
            },
          ],
        },
      );
      const [outputs] = registerOutputs.mock.calls[0] as [{ objectKeys: Promise<string[]> }];
      await expect(platform.created).rejects.toThrow(/^refused failing\//);
      await expect(outputs.objectKeys).rejects.toThrow(/^refused failing\//);
      expect(() => platform.vault).toThrow(/^refused failing\//);
      expect(() => [...platform.resources.values()]).toThrow(/^refused failing\//);
    } finally {
      registerOutputs.mockRestore();
    }
  });

  test('the component outputs wait for the last creation and name every object', async () => {
    await recordRegistrations('agent-baseline', 'outputs');
    const app = new App();
    buildScalePlatform(app, 2);
    const registerOutputs = jest.spyOn(
      pulumi.ComponentResource.prototype as unknown as { registerOutputs: (o: unknown) => void },
      'registerOutputs',
    );
    try {
      const platform = new PulumiPlatform('outputs', { app, registrationBatchSize: 4 });
      const [outputs] = registerOutputs.mock.calls[0] as [{ objectKeys: Promise<string[]> }];
      let createdFirst = false;
      void platform.created.then(() => (createdFirst = true));
      expect(await outputs.objectKeys).toEqual(platform.plan.map((p) => p.key));
      expect(createdFirst).toBe(true);
      await settled([platform]);
    } finally {
      registerOutputs.mockRestore();
    }
  });
});

describe('createVaultResources with a queue', () => {
  test('checks now, creates when the queue runs, in the order it would have', async () => {
    const registered = await recordRegistrations('agent-baseline', 'queued-vault');
    const app = new App();
    buildDefaultPlatform(app, DEFAULT_PLATFORM_CONFIG);
    const plans = vaultPlans(app);
    const queue = new CreationQueue(1);
    const resources = createVaultResources(plans, {}, queue);
    expect(resources.policies).toEqual([]);
    queue.start();
    await queue.created;
    expect(resources.policies).toHaveLength(plans.length);
    expect(resources.roles).toHaveLength(plans.length);
    await settled([...resources.policies, ...resources.roles]);
    expect(registered.map((r) => r.type)).toEqual(
      plans.flatMap(() => ['vault:index/policy:Policy', 'vault:kubernetes/authBackendRole:AuthBackendRole']),
    );
  });

  test('a registrationBatchSize beside a queue is refused', () => {
    expect(refusal(() => createVaultResources([], { registrationBatchSize: 8 }, new CreationQueue()))).toBe(
      '[createVaultResources] registrationBatchSize: invalid value 8. Allowed: unset when a queue is given (the queue creates the resources in its own batches)',
    );
  });
});
