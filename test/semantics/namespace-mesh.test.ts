/**
 * Namespace and mesh controls (issue 13 item 6, issue 14 item 2): PSA version pins, mesh opt-out,
 * FQDN bypass of the LLM gateway.
 */
import { ApiObject, Testing } from 'cdk8s';
import { AgentBaselineError, dnsPatternReachesLlmProvider, isLlmProviderHost } from '../../lib/core';
import { LlmGateway } from '../../lib/guardrails';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';
import { EXIT, Obj, agentDeployment, cliScan, find, findingsOf, goodSet } from './helpers';

const IMAGE = `ghcr.io/acme-ai/agent:1.0.0@sha256:${'c'.repeat(64)}`;

describe('Pod Security version pins', () => {
  const pinned = (labels: Record<string, string>): Obj[] => {
    const set = goodSet();
    Object.assign(find(set, 'Namespace', 'agents').metadata.labels, labels);
    return set;
  };
  const KEY = (mode: string) => `pod-security.kubernetes.io/${mode}-version`;

  it.each([
    ['enforce', 'v1.0', 'enforces'],
    ['enforce', 'v1.24', 'enforces'],
    ['enforce', 'v1.27', 'enforces'],
    ['audit', 'v1.10', 'audits'],
    ['warn', 'v1.22', 'warns on'],
  ])('%s-version %s below the default target 1.28', (mode, value, verb) => {
    const set = pinned({ [KEY(mode)]: value });
    expect(findingsOf(set, 'AGT-PsaVersionPin')).toEqual([
      `error metadata.labels["${KEY(mode)}"]: ${KEY(mode)} pins the ${mode} policy to ${value}, below the target 1.28: the cluster ${verb} the older, weaker checks of ${value}`,
    ]);
    const cli = cliScan(set);
    expect(cli.code).toBe(EXIT.failing);
    expect(cli.out).toContain('AGT-PsaVersionPin');
  });

  it('the target comes from --kubernetes-version', () => {
    const set = pinned({ [KEY('enforce')]: 'v1.30' });
    expect(findingsOf(set, 'AGT-PsaVersionPin')).toEqual([]);
    expect(findingsOf(set, 'AGT-PsaVersionPin', { kubernetesVersion: '1.32' })).toHaveLength(1);
    expect(cliScan(set, { kubernetesVersion: '1.32' }).code).toBe(EXIT.failing);
    expect(cliScan(set, { kubernetesVersion: '1.30' }).code).toBe(EXIT.ok);
  });

  it.each(['latest', 'v1.28', 'v1.34', 'v1.99'])('%s is fine at the default target', (value) => {
    expect(findingsOf(pinned({ [KEY('enforce')]: value }), 'AGT-PsaVersionPin')).toEqual([]);
  });

  it('a malformed version is flagged', () => {
    expect(findingsOf(pinned({ [KEY('enforce')]: '1.28' }), 'AGT-PsaVersionPin')).toEqual([
      `error metadata.labels["${KEY('enforce')}"]: ${KEY('enforce')}: '1.28' is not a Pod Security version (v1.<minor> or latest)`,
    ]);
  });

  it('a suppression with a reason accepts an old pin', () => {
    const set = pinned({ [KEY('warn')]: 'v1.25' });
    find(set, 'Namespace', 'agents').metadata.annotations = {
      'agent-baseline.io/suppressions': JSON.stringify([
        { rule: 'AGT-PsaVersionPin', reason: 'warn pinned to the fleet minimum until the upgrade in Q3' },
      ]),
    };
    expect(findingsOf(set, 'AGT-PsaVersionPin')).toEqual([]);
  });

  it('the constructs pin the platform target, which is clean', () => {
    for (const kubernetesVersion of ['1.28', '1.31', '1.34']) {
      const app = Testing.app();
      new AgentNamespace(new AgentPlatform(app, 'platform', { kubernetesVersion }), 'agents');
      expect(() => app.synth()).not.toThrow();
    }
  });
});

describe('mesh policies on agents that opted out of the mesh', () => {
  const meshSet = (
    patch: (set: Obj[]) => void,
    selector: Obj | undefined = { matchLabels: { 'app.kubernetes.io/name': 'agent' } },
  ): Obj[] => {
    const set = goodSet();
    set.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'agent', namespace: 'agents' },
      spec: {
        ...(selector ? { selector } : {}),
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['x'] } }] }],
      },
    });
    patch(set);
    return set;
  };
  it.each([
    [
      'pod annotation',
      (set: Obj[]) =>
        (agentDeployment(set).spec.template.metadata.annotations = { 'sidecar.istio.io/inject': 'false' }),
      'pod annotation sidecar.istio.io/inject: "false"',
    ],
    [
      'pod label',
      (set: Obj[]) => (agentDeployment(set).spec.template.metadata.labels['sidecar.istio.io/inject'] = 'false'),
      'pod label sidecar.istio.io/inject: "false"',
    ],
    [
      'ambient opt-out label',
      (set: Obj[]) => (agentDeployment(set).spec.template.metadata.labels['istio.io/dataplane-mode'] = 'none'),
      'pod label istio.io/dataplane-mode: "none"',
    ],
    [
      'namespace label',
      (set: Obj[]) => (find(set, 'Namespace', 'agents').metadata.labels['istio-injection'] = 'disabled'),
      'namespace agents label istio-injection: "disabled"',
    ],
  ])('%s', (_name, patch, how) => {
    const set = meshSet(patch);
    expect(findingsOf(set, 'AGT-MeshOptOut')).toEqual([
      `error spec.template.metadata: selected by AuthorizationPolicy agent but opted out of the mesh (${how}): the policies are emitted and nothing enforces them`,
    ]);
    expect(cliScan(set).code).toBe(EXIT.failing);
  });

  it('a namespace-wide policy (no selector) selects the agent too', () => {
    const set = meshSet(
      (s) => (agentDeployment(s).spec.template.metadata.annotations = { 'sidecar.istio.io/inject': 'false' }),
      undefined,
    );
    expect(findingsOf(set, 'AGT-MeshOptOut')).toHaveLength(1);
  });

  it.each([
    [
      'agent labels',
      (ns: AgentNamespace) =>
        new HardenedAgent(ns, 'bot', {
          image: IMAGE,
          ports: [{ name: 'http', port: 8080 }],
          labels: { 'sidecar.istio.io/inject': 'false' },
        }),
      '[platform/agents/bot] labels: invalid value {"sidecar.istio.io/inject":"false"} (sidecar.istio.io/inject: "false" opts out of the mesh',
    ],
  ])('the constructs refuse opting out under the mesh: %s', (_name, build, message) => {
    const app = Testing.app();
    const ns = new AgentNamespace(new AgentPlatform(app, 'platform', { mesh: 'istio' }), 'agents');
    expect(() => build(ns)).toThrow(message);
    const plain = new AgentNamespace(new AgentPlatform(Testing.app(), 'platform'), 'agents');
    expect(() => build(plain)).not.toThrow();
  });

  it('the constructs refuse a namespace opted out of the mesh', () => {
    const platform = new AgentPlatform(Testing.app(), 'platform', { mesh: 'istio' });
    expect(() => new AgentNamespace(platform, 'agents', { labels: { 'istio-injection': 'disabled' } })).toThrow(
      '[platform/agents] labels: invalid value {"istio-injection":"disabled"} (istio-injection: "disabled" opts every agent of the namespace out of the mesh',
    );
  });

  it('no opt-out, or no policy, is fine', () => {
    expect(
      findingsOf(
        meshSet(() => undefined),
        'AGT-MeshOptOut',
      ),
    ).toEqual([]);
    const noPolicy = goodSet();
    agentDeployment(noPolicy).spec.template.metadata.annotations = { 'sidecar.istio.io/inject': 'false' };
    expect(findingsOf(noPolicy, 'AGT-MeshOptOut')).toEqual([]);
  });
});

describe('FQDN egress that bypasses the LLM gateway', () => {
  const withGateway = (fqdn: Obj): Obj[] => {
    const set = goodSet();
    const gw = JSON.parse(JSON.stringify(agentDeployment(set)));
    gw.metadata.name = 'llm-gateway';
    gw.metadata.labels = {
      ...gw.metadata.labels,
      'app.kubernetes.io/name': 'llm-gateway',
      'app.kubernetes.io/instance': 'llm-gateway',
      'agent-baseline.io/llm-gateway': 'true',
    };
    gw.spec.template.metadata.labels = { ...gw.metadata.labels };
    gw.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'llm-gateway' };
    set.push(gw, {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'agent-fqdn', namespace: 'agents' },
      spec: {
        endpointSelector: { matchLabels: { 'app.kubernetes.io/name': 'agent' } },
        egress: [{ toFQDNs: [fqdn], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }],
      },
    });
    return set;
  };
  it.each([
    [{ matchName: 'api.openai.com' }, 'api.openai.com'],
    [{ matchName: 'API.Anthropic.com.' }, 'API.Anthropic.com.'],
    [{ matchPattern: '*.openai.com' }, '*.openai.com'],
    [{ matchPattern: '**.anthropic.com' }, '**.anthropic.com'],
    [{ matchPattern: '*' }, '*'],
    [{ matchPattern: 'api.*.com' }, 'api.*.com'],
    [{ matchName: 'bedrock-runtime.us-east-1.amazonaws.com' }, 'bedrock-runtime.us-east-1.amazonaws.com'],
    [{ matchName: 'generativelanguage.googleapis.com' }, 'generativelanguage.googleapis.com'],
    [{ matchName: 'myres.openai.azure.com' }, 'myres.openai.azure.com'],
  ])('%j', (fqdn, name) => {
    const set = withGateway(fqdn);
    expect(findingsOf(set, 'AGT-LlmGatewayBypass')).toEqual([
      `error spec.egress[0].toFQDNs[0]: egress rule 0 lets Deployment agent reach the LLM provider ${name} directly, bypassing the LLM gateway llm-gateway`,
    ]);
    expect(cliScan(set).code).toBe(EXIT.failing);
  });

  it.each([
    { matchName: 'api.github.com' },
    { matchPattern: '*.example.com' },
    { matchName: 's3.us-east-1.amazonaws.com' },
  ])('%j is not an LLM provider', (fqdn) => expect(findingsOf(withGateway(fqdn), 'AGT-LlmGatewayBypass')).toEqual([]));

  it('without a gateway, FQDN rules are not judged as a bypass', () => {
    const set = withGateway({ matchName: 'api.openai.com' }).filter((o) => o.metadata?.name !== 'llm-gateway');
    expect(findingsOf(set, 'AGT-LlmGatewayBypass')).toEqual([]);
  });

  it('the domain table', () => {
    expect(isLlmProviderHost('api.openai.com')).toBe(true);
    expect(isLlmProviderHost('openai.com.evil.example')).toBe(false);
    expect(dnsPatternReachesLlmProvider('*.googleapis.com')).toBe(true);
    expect(dnsPatternReachesLlmProvider('storage.googleapis.com')).toBe(false);
  });

  describe('the constructs refuse the same FQDNs', () => {
    const platform = () => {
      const app = Testing.app();
      const ns = new AgentNamespace(new AgentPlatform(app, 'platform', { cni: 'cilium' }), 'agents');
      const agent = (id: string) => new HardenedAgent(ns, id, { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
      return { app, gateway: agent('llm-gateway'), assistant: agent('assistant') };
    };
    const message = (fqdn: string, path = 'platform/agents/assistant') =>
      `[${path}] allowEgressToFqdn.fqdn: invalid value ${JSON.stringify(fqdn)} (FQDN egress to an LLM provider bypasses the gateway (the rule engine flags it as AGT-LlmGatewayBypass)). Allowed: a DNS name that is no LLM provider API; reach the providers through the LLM gateway 'llm-gateway' (LlmGateway.addClient)`;

    it.each(['api.openai.com', '*.anthropic.com', 'api.mistral.ai'])('after the gateway: %s', (fqdn) => {
      const { gateway, assistant } = platform();
      new LlmGateway(gateway, 'LlmGateway', { gateway, providerCidrs: ['203.0.113.0/24'] });
      let error: unknown;
      try {
        assistant.allowEgressToFqdn(fqdn);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AgentBaselineError);
      expect((error as Error).message).toBe(message(fqdn));
      // The gateway itself may.
      gateway.allowEgressToFqdn(fqdn);
      assistant.allowEgressToFqdn('api.github.com');
    });

    it('an extra NetworkPolicy beside the constructs reaching a provider range fails synth with its path', () => {
      const { app, gateway } = platform();
      new LlmGateway(gateway, 'LlmGateway', { gateway, providerCidrs: ['203.0.113.0/24'] });
      const ns = gateway.namespace;
      new ApiObject(ns, 'Extra', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'extra' },
        spec: {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'assistant' } },
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '203.0.113.128/25' } }], ports: [{ port: 443 }] }],
        },
      });
      expect(() => app.synth()).toThrow(
        /\[platform\/agents\/Extra\] \[AGT-LlmGatewayBypass\] NetworkPolicy\/agents\/extra at spec\.egress\[0\]\.to\[0\]\.ipBlock: egress rule 0 lets Deployment assistant reach 203\.0\.113\.128\/25, LLM provider ranges only the gateway llm-gateway may reach/,
      );
    });

    it('before the gateway: refused when the gateway is created', () => {
      const { gateway, assistant } = platform();
      assistant.allowEgressToFqdn('api.openai.com');
      expect(() => new LlmGateway(gateway, 'LlmGateway', { gateway, providerCidrs: ['203.0.113.0/24'] })).toThrow(
        message('api.openai.com'),
      );
    });
  });
});
