import { Testing } from 'cdk8s';
import { AgentBaselineError, RuntimeEngine } from '../../lib/core';
import { AgentRuntimeRulesProps } from '../../lib/runtime';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { buildDefaultPlatform } from '../../stacks/platform';
import { crdValidator } from '../helpers/crd';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: {
    kprobes: {
      call: string;
      selectors: { matchActions: { action: string }[]; matchArgs: { operator: string; values: string[] }[] }[];
    }[];
  };
};

function synth(engines: RuntimeEngine[], props?: AgentRuntimeRulesProps) {
  const app = Testing.app();
  const built = buildDefaultPlatform(app, {
    ...DEFAULT_PLATFORM_CONFIG,
    cluster: { ...DEFAULT_PLATFORM_CONFIG.cluster, runtimeEngines: engines },
    runtimeRules: props,
  });
  return (Testing.synth(built.platform) as Obj[]).filter(
    (o) => o.kind === 'TracingPolicyNamespaced' || o.metadata.name === 'agent-baseline-falco-rules',
  );
}

describe('Tetragon TracingPolicyNamespaced per agent', () => {
  const policies = synth(['tetragon']);

  test('one per agent, in its namespace, valid against the pinned Tetragon v1.7.0 CRD', () => {
    expect(policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'agents/agent-baseline-assistant',
      'agents/agent-baseline-tool-runner',
    ]);
    const validate = crdValidator(
      'tetragon/cilium.io_tracingpoliciesnamespaced.yaml',
      'cilium.io/v1alpha1',
      'TracingPolicyNamespaced',
    );
    for (const p of policies) expect(validate(p)).toBeUndefined();
    expect(validate({ ...policies[0], spec: { kprobes: [{ call: 1 }] } })).toBeDefined();
  });

  test('audit (Post) is the default; the token-read probe exists only for agents without API grants', () => {
    const actions = policies.flatMap((p) =>
      p.spec.kprobes.flatMap((k) => k.selectors.flatMap((s) => s.matchActions.map((a) => a.action))),
    );
    expect(new Set(actions)).toEqual(new Set(['Post']));
    const tokenProbe = (p: Obj) =>
      p.spec.kprobes.some((k) =>
        k.selectors.some((s) =>
          s.matchArgs.some((a) => a.values.includes('/var/run/secrets/kubernetes.io/serviceaccount')),
        ),
      );
    expect(tokenProbe(policies[0])).toBe(true);
    expect(tokenProbe(policies[1])).toBe(false);
    const write = policies[0].spec.kprobes.find((k) => k.selectors[0].matchArgs[0].operator === 'NotPrefix')!;
    expect(write.selectors[0].matchArgs[0].values).toEqual(['/home/agent/.cache/', '/tmp/', '/dev/', '/proc/']);
  });

  test('Sigkill is an explicit opt-in', () => {
    const killing = synth(['tetragon'], { tetragonAction: 'sigkill' });
    const actions = killing.flatMap((p) =>
      p.spec.kprobes.flatMap((k) => k.selectors.flatMap((s) => s.matchActions.map((a) => a.action))),
    );
    expect(new Set(actions)).toEqual(new Set(['Sigkill']));
  });

  test('no runtime engine: nothing is emitted', () => {
    expect(synth([])).toEqual([]);
  });

  test.each([
    [
      'an unknown action',
      { tetragonAction: 'kill' as 'sigkill' },
      /tetragonAction: invalid value "kill".*'audit', 'sigkill'|tetragonAction/,
    ],
    [
      'a cluster network with host bits',
      { clusterNetworks: ['10.0.0.1/8'] },
      /clusterNetworks\[0\]: invalid value "10.0.0.1\/8"/,
    ],
  ])('refuses %s', (_n, props, expected) => {
    let message = '';
    try {
      synth(['tetragon'], props);
    } catch (e) {
      expect(e).toBeInstanceOf(AgentBaselineError);
      message = (e as Error).message;
    }
    expect(message).toMatch(expected);
  });

  test('an unknown runtime engine is refused by the platform', () => {
    expect(() => synth(['sysdig' as RuntimeEngine])).toThrow(/runtimeEngines\[0\]: invalid value "sysdig"/);
  });
});
