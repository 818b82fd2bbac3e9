/** Counterexamples the property tests found, spelled out so they stay fixed. */
import { Testing } from 'cdk8s';
import { AgentBaselineError } from '../../lib/core';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform, AgentPlatformProps } from '../../lib/platform';
import { HardenedAgent, HardenedAgentProps } from '../../lib/workload';

const IMAGE = `ghcr.io/acme-ai/a:9.5.0@sha256:${'3'.repeat(64)}`;

function namespace(props: AgentPlatformProps = {}, limitRangeMax?: Record<string, string>): AgentNamespace {
  const platform = new AgentPlatform(Testing.app(), 'platform', props);
  return new AgentNamespace(platform, 'agents', { limitRange: limitRangeMax ? { max: limitRangeMax } : undefined });
}

function agent(ns: AgentNamespace, props: Partial<HardenedAgentProps> = {}): HardenedAgent {
  return new HardenedAgent(ns, 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }], ...props });
}

function errorOf(fn: () => unknown): AgentBaselineError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AgentBaselineError) return e;
    throw e;
  }
  throw new Error('expected an AgentBaselineError, nothing was thrown');
}

describe('limits above the namespace LimitRange max (found by the platform property)', () => {
  // Counterexample: memory { request: '5191Mi', limit: '12492Mi' } synthesized cleanly, but the
  // namespace's LimitRange (max memory 8Gi) would reject every pod of the agent at admission.
  test('a memory limit above 8Gi is refused at construct time', () => {
    const e = errorOf(() => agent(namespace(), { resources: { memory: { request: '5191Mi', limit: '12492Mi' } } }));
    expect(e.message).toBe(
      `[platform/agents/bot] resources.memory.limit: invalid value "12492Mi" (the LimitRange would reject every pod of the agent at admission). Allowed: at most 8Gi, the namespace LimitRange's per-container max`,
    );
  });

  test('a CPU limit above 4 cores is refused, for init containers too', () => {
    expect(
      errorOf(() => agent(namespace(), { resources: { cpu: { request: '2638m', limit: '5951m' } } })).message,
    ).toContain('[platform/agents/bot] resources.cpu.limit: invalid value "5951m"');
    const init = { name: 'init', image: IMAGE, resources: { ephemeralStorage: { request: '1Gi', limit: '5Gi' } } };
    expect(errorOf(() => agent(namespace(), { initContainers: [init] })).message).toContain(
      '[platform/agents/bot] initContainers[0].resources.ephemeralStorage.limit: invalid value "5Gi"',
    );
  });

  test('the limit is the namespace’s own max, so raising it there admits the agent', () => {
    const ns = namespace({}, { cpu: '8' });
    expect(() => agent(ns, { resources: { cpu: { request: '2638m', limit: '5951m' } } })).not.toThrow();
    expect(ns.containerLimitMax).toEqual({ cpu: '8', memory: '8Gi', 'ephemeral-storage': '4Gi' });
  });
});

describe('FQDN labels longer than 63 characters (found by the mutation property)', () => {
  // Counterexample: allowEgressToFqdn(`${'a'.repeat(64)}.com`) was accepted; DNS caps labels at 63.
  test('are refused, while a 63-character label is accepted', () => {
    const cilium = () => agent(namespace({ cni: 'cilium' }));
    expect(errorOf(() => cilium().allowEgressToFqdn(`${'a'.repeat(64)}.com`)).message).toContain(
      `[platform/agents/bot] allowEgressToFqdn.fqdn: invalid value "${'a'.repeat(64)}.com"`,
    );
    expect(() => cilium().allowEgressToFqdn(`${'a'.repeat(63)}.com`)).not.toThrow();
  });
});

describe('apiServerEndpoints CIDRs (found by the mutation property)', () => {
  // Counterexample: apiServerEndpoints { cidrs: ['10.0.0.1/8'] } was accepted by the platform; the
  // first agent with a grant then failed, blaming that agent's allowEgressTo instead of the setting.
  test.each([
    ['10.0.0.1/8', "host bits cleared, such as '10.0.0.0/8'"],
    ['0.0.0.0/0', "such as '10.0.0.1/32'"],
    ['::/0', "such as '10.0.0.1/32'"],
  ])('%s is refused at the platform, naming the setting', (cidr, allowed) => {
    const e = errorOf(() => namespace({ apiServerEndpoints: { cidrs: [cidr] } }));
    expect(e.details.path).toBe('platform');
    expect(e.message).toContain(`[platform] apiServerEndpoints.cidrs[0]: invalid value "${cidr}"`);
    expect(e.message).toContain(allowed);
  });

  test('a host address /32 is still accepted', () => {
    expect(() => namespace({ apiServerEndpoints: { cidrs: ['192.0.2.10/32', '2001:db8::1/128'] } })).not.toThrow();
  });
});
