import { App, Testing } from 'cdk8s';
import { AgentBaselineError } from '../../lib/core';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform, AgentPlatformProps } from '../../lib/platform';
import { runRules } from '../../lib/rules';
import { HardenedAgent, HardenedAgentProps } from '../../lib/workload';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `ghcr.io/acme-ai/agent:1.0.0@${DIGEST}`;
const base: HardenedAgentProps = { image: IMAGE, ports: [{ name: 'http', port: 8080 }] };

function namespace(app: App = Testing.app(), platformProps: AgentPlatformProps = {}): AgentNamespace {
  return new AgentNamespace(new AgentPlatform(app, 'platform', platformProps), 'agents');
}

function agentError(props: Partial<HardenedAgentProps> & Record<string, unknown>): AgentBaselineError {
  try {
    new HardenedAgent(namespace(), 'bot', { ...base, ...props } as HardenedAgentProps);
  } catch (e) {
    if (e instanceof AgentBaselineError) return e;
    throw e;
  }
  throw new Error('expected the agent to be refused');
}

// Each case: what is wrong, the props, the field the message must name, and what it must say is allowed.
const cases: Array<[string, Partial<HardenedAgentProps> & Record<string, unknown>, string, RegExp]> = [
  ['an image without a digest', { image: 'ghcr.io/acme-ai/agent:1.0.0' }, 'image', /pinned by digest/],
  [
    'an image tagged latest, even with a digest',
    { image: `ghcr.io/acme-ai/agent:latest@${DIGEST}` },
    'image',
    /not 'latest'/,
  ],
  ['a digest of the wrong length', { image: 'ghcr.io/acme-ai/agent:1@sha256:abc' }, 'image', /64 lower-case hex/],
  ['a name that is not DNS-1123', { name: 'Bad_Name' }, 'name', /DNS-1123 label/],
  ['a port above 65535', { ports: [{ name: 'http', port: 70000 }] }, 'ports[0].port', /integer from 1024 to 65535/],
  ['a port below 1024', { ports: [{ name: 'http', port: 80 }] }, 'ports[0].port', /NET_BIND_SERVICE/],
  ['a port 0', { ports: [{ name: 'http', port: 0 }] }, 'ports[0].port', /integer from 1024 to 65535/],
  ['a bad port name', { ports: [{ name: 'HTTP_PORT', port: 8080 }] }, 'ports[0].name', /IANA service name/],
  [
    'duplicate port names',
    {
      ports: [
        { name: 'http', port: 8080 },
        { name: 'http', port: 8081 },
      ],
    },
    'ports',
    /distinct names/,
  ],
  ['runAsUser of 10000', { runAsUser: 10000 }, 'runAsUser', /integer from 10001/],
  ['runAsUser of 0', { runAsUser: 0 }, 'runAsUser', /collide with host users/],
  ['runAsGroup of 1000', { runAsGroup: 1000 }, 'runAsGroup', /integer from 10001/],
  ['fsGroup of 0', { fsGroup: 0 }, 'fsGroup', /integer from 10001/],
  [
    'a cpu limit below its request',
    { resources: { cpu: { request: '1', limit: '500m' } } },
    'resources.cpu.limit',
    /at least the request \(1\)/,
  ],
  [
    'a memory limit below its request',
    { resources: { memory: { request: '1Gi', limit: '512Mi' } } },
    'resources.memory.limit',
    /at least the request/,
  ],
  [
    'a quantity that does not parse',
    { resources: { memory: { request: 'lots' } } },
    'resources.memory.request',
    /Kubernetes quantity/,
  ],
  ['a negative quantity', { resources: { cpu: { limit: '-1' } } }, 'resources.cpu.limit', /positive/],
  ['replicas below 1', { replicas: 0 }, 'replicas', /integer from 1/],
  ['fractional replicas', { replicas: 1.5 }, 'replicas', /integer from 1/],
  ['a relative writable path', { writablePaths: ['tmp'] }, 'writablePaths[0]', /absolute path/],
  ['a writable path with ..', { writablePaths: ['/tmp/../etc'] }, 'writablePaths[0]', /without '\.\.'/],
  ['the root as writable path', { writablePaths: ['/'] }, 'writablePaths', /sub-directory/],
  [
    'a secret-looking config name (_KEY)',
    { config: { OPENAI_API_KEY: 'sk-123' } },
    'config.OPENAI_API_KEY',
    /declare secrets as Vault secrets/,
  ],
  ['a secret-looking config name (_TOKEN)', { config: { GITHUB_TOKEN: 'ghp_x' } }, 'config.GITHUB_TOKEN', /Vault/],
  ['a secret-looking config name (PASSWORD)', { config: { DB_PASSWORD: 'hunter2' } }, 'config.DB_PASSWORD', /Vault/],
  [
    'a secret-looking config name (SECRET)',
    { config: { CLIENT_SECRET_VALUE: 'x' } },
    'config.CLIENT_SECRET_VALUE',
    /Vault/,
  ],
  ['an invalid env name', { config: { '1BAD': 'x' } }, 'config.1BAD', /environment variable name/],
  [
    'identical readiness and liveness probes',
    { probes: { readiness: { httpGet: { path: '/h' } }, liveness: { httpGet: { path: '/h' } } } },
    'probes.liveness',
    /differs from the readiness/,
  ],
  [
    'a probe on an undeclared port',
    { probes: { readiness: { httpGet: { path: '/h', port: 'admin' } } } },
    'probes.readiness.port',
    /declared port name/,
  ],
  [
    'an HTTP probe without ports',
    { ports: [], probes: { readiness: { httpGet: { path: '/r' } }, liveness: { exec: { command: ['true'] } } } },
    'probes.readiness',
    /exec probe/,
  ],
  ['no probes and no ports', { ports: [] }, 'probes.readiness', /exec probe/],
  [
    'a probe with two handlers',
    { probes: { readiness: { httpGet: { path: '/r' }, exec: { command: ['x'] } } } },
    'probes.readiness',
    /exactly one of/,
  ],
  [
    'an init container without a digest',
    { initContainers: [{ name: 'setup', image: 'busybox:1.36' }] },
    'initContainers[0].image',
    /pinned by digest/,
  ],
  [
    'an init container named like the agent',
    { initContainers: [{ name: 'agent', image: IMAGE }] },
    'initContainers[0].name',
    /other than 'agent'/,
  ],
  [
    'an unpinned image with a too-short reason',
    { image: 'ghcr.io/acme-ai/agent:1.0.0', allowUnpinnedImage: { reason: 'dev' } },
    'allowUnpinnedImage.reason',
    /at least 10 characters/,
  ],
  [
    'a label in the app.kubernetes.io namespace',
    { labels: { 'app.kubernetes.io/name': 'x' } },
    'labels.app.kubernetes.io/name',
    /outside app.kubernetes.io/,
  ],
];

describe('HardenedAgent refuses bad input at construct time', () => {
  test.each(cases)('%s', (_what, props, field, allowed) => {
    const error = agentError(props);
    expect(error.details.path).toBe('platform/agents/bot');
    expect(error.details.field).toBe(field);
    expect(error.message).toContain(`[platform/agents/bot] ${field}: invalid value`);
    expect(error.message).toMatch(allowed);
  });

  test('the message shows the bad value, except secrets', () => {
    expect(agentError({ replicas: 0 }).message).toContain('invalid value 0');
    expect(agentError({ image: 'ghcr.io/acme-ai/agent:1.0.0' }).message).toContain('"ghcr.io/acme-ai/agent:1.0.0"');
    expect(agentError({ config: { OPENAI_API_KEY: 'sk-live-123' } }).message).not.toContain('sk-live-123');
  });

  test('two agents with the same name in one namespace', () => {
    const ns = namespace();
    new HardenedAgent(ns, 'first', { ...base, name: 'bot' });
    expect(() => new HardenedAgent(ns, 'second', { ...base, name: 'bot' })).toThrow(
      /\[platform\/agents\/second\] name: invalid value "bot"\. Allowed: a name not already used in namespace 'agents' \(taken by platform\/agents\/first\)/,
    );
  });

  test('the same agent name in two namespaces is fine', () => {
    const platform = new AgentPlatform(Testing.app(), 'platform');
    new HardenedAgent(new AgentNamespace(platform, 'a'), 'bot', base);
    expect(() => new HardenedAgent(new AgentNamespace(platform, 'b'), 'bot', base)).not.toThrow();
  });

  test('an unpinned image with a reason is accepted, recorded on the Deployment and reported as suppressed', () => {
    const app = Testing.app();
    const ns = namespace(app);
    const reason = 'local kind cluster for development';
    const agent = new HardenedAgent(ns, 'bot', {
      ...base,
      image: 'ghcr.io/acme-ai/agent:1.0.0',
      allowUnpinnedImage: { reason },
    });
    const annotations = agent.escapeHatch().toJson().metadata.annotations;
    expect(JSON.parse(annotations['agent-baseline.io/waivers'])).toEqual([{ control: 'HRD-ImageDigest', reason }]);
    expect(JSON.parse(annotations['agent-baseline.io/suppressions'])).toEqual([{ rule: 'HRD-ImageDigest', reason }]);
    // The synth-time rule check passes: the weakened control is reported, not failed.
    const objects = app.charts.flatMap((c) => c.toJson());
    const deployment = runRules(objects).results.find((r) => r.kind === 'Deployment' && r.name === 'bot');
    expect(deployment?.findings.map((f) => [f.rule, f.suppressed, f.suppression?.reason])).toEqual([
      ['HRD-ImageDigest', true, reason],
      // This platform names no runtime engine: the agent runs unwatched, which is reported (issue 20).
      ['AGT-RuntimeDetection', false, undefined],
    ]);
  });

  test('an agent outside an AgentNamespace', () => {
    const platform = new AgentPlatform(Testing.app(), 'platform');
    expect(() => new HardenedAgent(platform, 'bot', base)).toThrow(
      /\[platform\/bot\] scope: .*Allowed: a construct nested inside an AgentNamespace/,
    );
  });
});

describe('AgentNamespace and AgentPlatform refuse bad input', () => {
  test.each([
    ['the default namespace', 'default', /not 'default' or 'kube-\*'/],
    ['a kube- namespace', 'kube-system', /not 'default' or 'kube-\*'/],
    ['a non-DNS name', 'Agents!', /DNS-1123 label/],
  ])('%s', (_what, name, allowed) => {
    const platform = new AgentPlatform(Testing.app(), 'platform');
    expect(() => new AgentNamespace(platform, 'ns', { name })).toThrow(allowed);
    expect(() => new AgentNamespace(new AgentPlatform(Testing.app(), 'platform'), 'ns', { name })).toThrow(
      /\[platform\/ns\] name: invalid value/,
    );
  });

  test('a quota that does not parse', () => {
    const platform = new AgentPlatform(Testing.app(), 'platform');
    expect(() => new AgentNamespace(platform, 'agents', { quota: { pods: 'many' } })).toThrow(
      /\[platform\/agents\] quota\.pods: invalid value "many"\. Allowed: a Kubernetes quantity/,
    );
  });

  test('a LimitRange default limit below its default request', () => {
    const platform = new AgentPlatform(Testing.app(), 'platform');
    expect(() => new AgentNamespace(platform, 'agents', { limitRange: { defaultRequest: { cpu: '2' } } })).toThrow(
      /limitRange\.defaultLimit\.cpu: invalid value "500m"\. Allowed: a limit at least the default request \(2\)/,
    );
  });

  test('PSA labels cannot be overridden', () => {
    const platform = new AgentPlatform(Testing.app(), 'platform');
    expect(
      () => new AgentNamespace(platform, 'agents', { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }),
    ).toThrow(/the Pod Security level is always restricted/);
  });

  test.each([
    [
      'an unsupported Kubernetes version',
      { kubernetesVersion: '1.27' },
      /kubernetesVersion: invalid value "1\.27"\. Allowed: one of '1\.28'/,
    ],
    ['a malformed Kubernetes version', { kubernetesVersion: 'latest' }, /kubernetesVersion: invalid value "latest"/],
    ['an unknown CNI', { cni: 'flannel' }, /cni: invalid value "flannel"\. Allowed: one of 'generic', 'cilium'/],
    ['an unknown Vault mode', { vaultDeliveryModes: ['env'] }, /vaultDeliveryModes\[0\]: invalid value "env"/],
    [
      'an unknown admission engine',
      { imagePolicyEngines: ['gatekeeper'] },
      /imagePolicyEngines\[0\]: invalid value "gatekeeper"/,
    ],
    [
      'a Vault auth mount with the auth/ prefix',
      { vault: { authMount: 'auth/kubernetes' } },
      /without the 'auth\/' prefix/,
    ],
  ])('%s', (_what, props, message) => {
    expect(() => new AgentPlatform(Testing.app(), 'platform', props as AgentPlatformProps)).toThrow(message);
  });
});
