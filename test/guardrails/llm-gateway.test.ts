import { Testing } from 'cdk8s';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { LlmGateway } from '../../lib/guardrails';
import { Peer } from '../../lib/network';
import { HardenedAgent } from '../../lib/workload';
import { appObjects } from '../helpers/synth';

const IMAGE = `ghcr.io/acme-ai/agent:1.0.0@sha256:${'c'.repeat(64)}`;
const PROVIDERS = ['203.0.113.0/24'];

function platform() {
  const app = Testing.app();
  const ns = new AgentNamespace(new AgentPlatform(app, 'platform'), 'agents');
  const agent = (id: string) => new HardenedAgent(ns, id, { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
  return { app, ns, gateway: agent('llm-gateway'), assistant: agent('assistant'), researcher: agent('researcher') };
}

type Policy = {
  metadata: { name: string };
  spec: { egress?: Array<{ to: unknown[] }>; ingress?: Array<{ from: unknown[] }> };
};
const policies = (app: ReturnType<typeof platform>['app']) =>
  appObjects(app).filter((o) => o.kind === 'NetworkPolicy') as unknown as Policy[];

describe('LlmGateway', () => {
  test('only the gateway reaches the providers; clients reach the gateway', () => {
    const { app, gateway, assistant, researcher } = platform();
    const llm = new LlmGateway(gateway, 'LlmGateway', { gateway, providerCidrs: PROVIDERS });
    llm.addClient(assistant);
    llm.addClient(researcher);
    const byName = Object.fromEntries(policies(app).map((p) => [p.metadata.name, p]));
    expect(JSON.stringify(byName['llm-gateway'].spec.egress)).toContain('203.0.113.0/24');
    for (const client of ['assistant', 'researcher']) {
      expect(JSON.stringify(byName[client].spec.egress)).not.toContain('203.0.113.0/24');
      expect(JSON.stringify(byName[client].spec.egress)).toContain('"app.kubernetes.io/name":"llm-gateway"');
      expect(JSON.stringify(byName['llm-gateway'].spec.ingress)).toContain(`"app.kubernetes.io/name":"${client}"`);
    }
    const deployment = appObjects(app).find((o) => o.kind === 'Deployment' && o.metadata.name === 'llm-gateway');
    expect(deployment?.metadata.labels?.['agent-baseline.io/llm-gateway']).toBe('true');
  });

  test('synth fails when another agent still reaches a provider directly', () => {
    const { app, gateway, assistant } = platform();
    new LlmGateway(gateway, 'LlmGateway', { gateway, providerCidrs: PROVIDERS });
    assistant.allowEgressTo(Peer.cidr('203.0.113.128/25'), 443);
    expect(() => app.synthYaml()).toThrow(
      /\[platform\/agents\/assistant\] egress to 203\.0\.113\.128\/25 reaches an LLM provider directly; only the gateway 'llm-gateway' may/,
    );
  });

  test.each([
    [
      'no provider ranges',
      { providerCidrs: [] },
      /providerCidrs: invalid value \[\]\. Allowed: at least one provider CIDR/,
    ],
    [
      'a provider range that is not a CIDR',
      { providerCidrs: ['api.openai.com'] },
      /providerCidrs\[0\]: invalid value "api\.openai\.com"/,
    ],
    [
      'a port the gateway does not declare',
      { providerCidrs: PROVIDERS, port: 'grpc' },
      /port: invalid value "grpc"\. Allowed: a port the gateway declares: http/,
    ],
  ])('refuses %s', (_what, props, message) => {
    const { gateway } = platform();
    expect(() => new LlmGateway(gateway, 'LlmGateway', { gateway, ...props })).toThrow(message);
  });

  test('the gateway cannot be its own client', () => {
    const { gateway } = platform();
    const llm = new LlmGateway(gateway, 'LlmGateway', { gateway, providerCidrs: PROVIDERS });
    expect(() => llm.addClient(gateway)).toThrow(
      /addClient: invalid value "llm-gateway"\. Allowed: an agent other than the gateway itself/,
    );
  });
});
