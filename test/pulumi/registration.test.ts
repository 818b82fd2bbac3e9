import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { AgentBaselineError } from '../../lib/core';
import {
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

describe('RegistrationPacer', () => {
  /** For each of `count` registrations: the event-loop turn its dependsOn resolved on (0: synchronously). */
  async function releaseTurns(batchSize: number | undefined, count: number): Promise<number[]> {
    // A ticker scheduled before the pacer's first release counts turns: it runs first in each turn.
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const pacer = new RegistrationPacer(batchSize);
    const released = Array.from({ length: count }, async (_, i) => {
      const dependsOn = pacer.dependsOn([`r${i}`]);
      // Its own resources, then (from the second batch on) the batch's release, a promise of none.
      expect(dependsOn[0]).toBe(`r${i}`);
      expect(dependsOn.length).toBeLessThanOrEqual(2);
      if (dependsOn.length === 1) return 0;
      expect(dependsOn[1]).toBeInstanceOf(Promise);
      expect(await dependsOn[1]).toEqual([]);
      return turn;
    });
    const turns = await Promise.all(released);
    ticking = false;
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

describe('PulumiPlatform releases its registrations in batches', () => {
  /** Registrations that reached the mock engine before the first event-loop turn after construction. */
  async function registeredBeforeFirstTurn(registrationBatchSize: number): Promise<{ first: number; all: number }> {
    const registered = await recordRegistrations('agent-baseline', 'pacing');
    const app = new App();
    buildScalePlatform(app, 12);
    let first = -1;
    setImmediate(() => (first = registered.length));
    const platform = new PulumiPlatform('paced', { app, registrationBatchSize });
    await settled([platform, ...platform.resources.values(), ...platform.vault.policies, ...platform.vault.roles]);
    // -1: every registration settled before the first turn came.
    return { first: first === -1 ? registered.length : first, all: registered.length };
  }

  test('with batches of 10, the component and one batch of each loop register before the first turn', async () => {
    const { first, all } = await registeredBeforeFirstTurn(10);
    expect(all).toBeGreaterThan(100);
    expect(first).toBe(1 + 10 + 10);
  });

  test('with 0, everything registers before the first turn', async () => {
    const { first, all } = await registeredBeforeFirstTurn(0);
    expect(first).toBe(all);
  });
});
