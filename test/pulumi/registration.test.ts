import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { AgentBaselineError } from '../../lib/core';
import { REGISTRATION_STACK_TRACE_LIMIT, createVaultResources, withRegistrationStackTraces } from '../../lib/pulumi';
import { vaultPlans } from '../../lib/vault';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { buildDefaultPlatform } from '../../stacks/platform';
import { refusal } from '../helpers/refusal';

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
