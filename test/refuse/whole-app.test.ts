import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { podPlumbing } from '../../lib/agent-pod/plumbing';
import { foreignVaultAnnotations, validateResolvedObjects } from '../../lib/rules';
import { ImagePolicy } from '../../lib/image-policy';
import { AgentNamespace } from '../../lib/namespace';
import { AgentApp, AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const IMAGE = `ghcr.io/acme-ai/agent:1.0.0@${DIGEST}`;
const VAULT_AGENT = `docker.io/hashicorp/vault:1.18.0@sha256:${'e'.repeat(64)}`;

interface Built {
  app: App;
  platform: AgentPlatform;
  ns: AgentNamespace;
  agent: HardenedAgent;
}

function build(app: App, opts: { secrets?: boolean; imagePolicy?: boolean } = {}): Built {
  const platform = new AgentPlatform(app, 'platform', { vault: { agentImage: VAULT_AGENT } });
  const ns = new AgentNamespace(platform, 'agents');
  const agent = new HardenedAgent(ns, 'bot', {
    image: IMAGE,
    ports: [{ name: 'http', port: 8080 }],
    ...(opts.secrets
      ? { secrets: { items: [{ name: 'llm', mount: 'kv', path: 'agents/bot/llm', keys: ['token'] }] } }
      : {}),
  } as never);
  if (opts.imagePolicy)
    new ImagePolicy(platform, 'ImagePolicy', { allowedPrefixes: ['ghcr.io/acme-ai/', 'docker.io/hashicorp/'] });
  return { app, platform, ns, agent };
}

const apps: Array<[string, () => App]> = [
  ['a plain cdk8s App', () => Testing.app()],
  ['an AgentApp', () => new AgentApp({ outdir: Testing.app().outdir })],
];

/** Every way a user synthesizes: the error message, or undefined when synth passes. */
const synthPaths: Array<[string, (b: Built, sibling?: Chart) => unknown]> = [
  ['app.synth()', (b) => b.app.synth()],
  ['Testing.synth(platform)', (b) => Testing.synth(b.platform)],
  ['Testing.synth(sibling)', (b, sibling) => Testing.synth(sibling ?? b.platform)],
  ['app.synthYaml()', (b) => b.app.synthYaml()],
];

function synthError(b: Built, how: (b: Built, s?: Chart) => unknown, sibling?: Chart): string {
  try {
    how(b, sibling);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

const badPods: Array<[string, Record<string, unknown>, RegExp]> = [
  ['privileged', { containers: [{ name: 'x', image: IMAGE, securityContext: { privileged: true } }] }, /privileged/i],
  ['hostNetwork', { hostNetwork: true, containers: [{ name: 'x', image: IMAGE }] }, /hostNetwork/],
  [
    'hostPath',
    { volumes: [{ name: 'h', hostPath: { path: '/' } }], containers: [{ name: 'x', image: IMAGE }] },
    /hostPath/,
  ],
  ['hostPID', { hostPID: true, containers: [{ name: 'x', image: IMAGE }] }, /hostPID|host namespaces/i],
];

describe.each(apps)('whole-App validation with %s', (_, makeApp) => {
  it.each(badPods)(
    'a sibling Chart with a %s Pod fails every synth path, naming its construct path',
    (_, spec, pattern) => {
      for (const [how, run] of synthPaths) {
        const b = build(makeApp());
        const sibling = new Chart(b.app, 'sibling');
        new ApiObject(sibling, 'bad', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'bad', namespace: 'tools' },
          spec,
        });
        const message = synthError(b, run, sibling);
        expect({ how, message }).toEqual({ how, message: expect.stringContaining('[sibling/bad]') });
        expect(message).toMatch(pattern);
      }
    },
  );

  it('a Deployment nested in a plain construct outside the platform is validated too', () => {
    const b = build(makeApp());
    const sibling = new Chart(b.app, 'other');
    new ApiObject(sibling, 'dep', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'dep', namespace: 'tools' },
      spec: { selector: {}, template: { spec: { hostNetwork: true, containers: [{ name: 'x', image: IMAGE }] } } },
    });
    expect(synthError(b, (x) => x.app.synth())).toMatch(/\[other\/dep\].*hostNetwork/);
  });

  it('a clean App still synthesizes', () => {
    const b = build(makeApp(), { secrets: true, imagePolicy: true });
    expect(synthError(b, (x) => x.app.synth())).toBe('');
  });

  const patches: Array<[string, (a: HardenedAgent) => void, RegExp]> = [
    [
      'hostNetwork added by JSON patch',
      (a) => a.escapeHatch().addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true)),
      /\[platform\/agents\/bot\/Deployment\].*hostNetwork/,
    ],
    [
      'privileged added by JSON patch',
      (a) =>
        a
          .escapeHatch()
          .addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/privileged', true)),
      /\[platform\/agents\/bot\/Deployment\].*privileged/i,
    ],
    [
      'an unpinned image swapped in by JSON patch',
      (a) => a.escapeHatch().addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'evil.io/x:1')),
      /\[platform\/agents\/bot\/Deployment\].*evil\.io\/x:1/,
    ],
  ];
  it.each(patches)('%s fails synth at the Deployment', (_, patch, pattern) => {
    const b = build(makeApp());
    patch(b.agent);
    expect(synthError(b, (x) => x.app.synth())).toMatch(pattern);
  });

  it('a pinned image from a registry the ImagePolicy refuses, swapped in by patch, fails synth', () => {
    const b = build(makeApp(), { imagePolicy: true });
    b.agent
      .escapeHatch()
      .addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', `quay.io/evil/x:1@${DIGEST}`));
    expect(synthError(b, (x) => x.app.synth())).toMatch(
      /\[platform\/agents\/bot\/Deployment\] Deployment\/agents\/bot at spec\.template\.spec\.containers\[0\]\.image: image "quay\.io\/evil\/x:1@sha256:c+" as written would be refused at admission by platform\/ImagePolicy/,
    );
  });

  it('a sibling chart that redeclares the namespace default-deny (selecting no pod) fails synth at the sibling', () => {
    const b = build(makeApp());
    const sibling = new Chart(b.app, 'sibling');
    new ApiObject(sibling, 'deny', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: 'agents' },
      spec: { podSelector: { matchLabels: { none: 'none' } }, policyTypes: ['Ingress'] },
    });
    expect(synthError(b, (x) => x.app.synth())).toMatch(
      /\[sibling\/deny\] \[HRD-DuplicateObject\] NetworkPolicy\/agents\/default-deny at metadata\.name: NetworkPolicy agents\/default-deny is declared 2 times with different content and this is the second/,
    );
  });

  it('a sibling chart Pod in an agent namespace is judged by the ImagePolicy', () => {
    const b = build(makeApp(), { imagePolicy: true });
    const sibling = new Chart(b.app, 'sibling');
    new ApiObject(sibling, 'pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pod', namespace: 'agents' },
      spec: { containers: [{ name: 'x', image: `quay.io/evil/x:1@${DIGEST}` }] },
    });
    expect(synthError(b, (x) => x.app.synth())).toMatch(
      /\[sibling\/pod\] Pod\/agents\/pod at spec\.containers\[0\]\.image/,
    );
  });
});

describe('foreign vault.hashicorp.com/* annotations', () => {
  const foreign: Array<[string, (b: Built) => void, RegExp]> = [
    [
      'agent-image swapped by JSON patch',
      (b) =>
        b.agent
          .escapeHatch()
          .addJsonPatch(
            JsonPatch.replace(
              '/spec/template/metadata/annotations/vault.hashicorp.com~1agent-image',
              'evil.io/vault:1',
            ),
          ),
      /changed \(written as .*\) Vault injector annotation 'vault\.hashicorp\.com\/agent-image' = "evil\.io\/vault:1"/,
    ],
    [
      'an agent-inject-secret added by JSON patch',
      (b) =>
        b.agent
          .escapeHatch()
          .addJsonPatch(
            JsonPatch.add(
              '/spec/template/metadata/annotations/vault.hashicorp.com~1agent-inject-secret-root',
              'secret/root',
            ),
          ),
      /foreign Vault injector annotation 'vault\.hashicorp\.com\/agent-inject-secret-root'/,
    ],
    [
      'the security-context JSON patch removed',
      (b) =>
        b.agent
          .escapeHatch()
          .addJsonPatch(JsonPatch.remove('/spec/template/metadata/annotations/vault.hashicorp.com~1agent-json-patch')),
      /removed \(written as .*\) Vault injector annotation 'vault\.hashicorp\.com\/agent-json-patch'/,
    ],
    [
      'a hand-written annotation through addPodAnnotations',
      (b) => podPlumbing(b.agent).addPodAnnotations({ 'vault.hashicorp.com/agent-init-json-patch-extra': '[]' }),
      /foreign Vault injector annotation 'vault\.hashicorp\.com\/agent-init-json-patch-extra'/,
    ],
    [
      'upper-case prefix spelling',
      (b) => podPlumbing(b.agent).addPodAnnotations({ 'Vault.Hashicorp.com/agent-image': 'evil.io/vault:1' }),
      /foreign Vault injector annotation 'Vault\.Hashicorp\.com\/agent-image'/,
    ],
  ];
  it.each(foreign)('%s is refused', (_, change, pattern) => {
    const b = build(Testing.app(), { secrets: true });
    change(b);
    const message = synthError(b, (x) => x.app.synth());
    expect(message).toContain('[platform/agents/bot/Deployment]');
    expect(message).toMatch(pattern);
    expect(message).toContain('Only AgentVaultSecrets writes');
  });

  it('on an agent without secrets, any injector annotation is foreign', () => {
    const b = build(Testing.app());
    podPlumbing(b.agent).addPodAnnotations({ 'vault.hashicorp.com/agent-inject': 'true' });
    expect(synthError(b, (x) => x.app.synth())).toMatch(
      /foreign Vault injector annotation 'vault\.hashicorp\.com\/agent-inject'/,
    );
  });

  it('on a sibling object (metadata of a Pod, template of a Deployment), any injector annotation is foreign', () => {
    const b = build(Testing.app());
    const sibling = new Chart(b.app, 'sibling');
    new ApiObject(sibling, 'pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pod', namespace: 'x', annotations: { 'vault.hashicorp.com/role': 'bot' } },
      spec: { containers: [] },
    });
    new ApiObject(sibling, 'cm', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'x', annotations: { 'vault.hashicorp.com/agent-inject': 'true' } },
    });
    const message = synthError(b, (x) => x.app.synth());
    expect(message).toMatch(
      /\[sibling\/pod\] Pod\/x\/pod at metadata\.annotations: foreign .*vault\.hashicorp\.com\/role/,
    );
    expect(message).toMatch(/\[sibling\/cm\] ConfigMap\/x\/cm at metadata\.annotations: foreign/);
  });
});

describe('construct invariants', () => {
  const namespacePieces = ['Namespace', 'DefaultDeny', 'ResourceQuota', 'LimitRange', 'DefaultServiceAccount'];
  it.each(namespacePieces)('removing the AgentNamespace %s fails synth with the construct path', (id) => {
    const b = build(Testing.app());
    expect(b.ns.node.tryRemoveChild(id)).toBe(true);
    const message = synthError(b, (x) => x.app.synth());
    expect(message).toContain(`[platform/agents] baseline piece`);
    expect(message).toContain(`'platform/agents/${id}' was removed from the construct tree`);
  });

  const agentPieces: Array<[string, (a: HardenedAgent) => boolean, string]> = [
    ['Deployment', (a) => a.node.tryRemoveChild('Deployment'), 'platform/agents/bot/Deployment'],
    ['ServiceAccount', (a) => a.node.tryRemoveChild('ServiceAccount'), 'platform/agents/bot/ServiceAccount'],
    [
      'NetworkPolicy',
      (a) => a.network.node.tryRemoveChild('NetworkPolicy'),
      'platform/agents/bot/Network/NetworkPolicy',
    ],
    [
      'the whole Network construct',
      (a) => a.node.tryRemoveChild('Network'),
      'platform/agents/bot/Network/NetworkPolicy',
    ],
    [
      'PodDisruptionBudget',
      (a) => a.node.tryRemoveChild('PodDisruptionBudget'),
      'platform/agents/bot/PodDisruptionBudget',
    ],
  ];
  it.each(agentPieces)('removing the agent %s fails synth', (_, remove, path) => {
    for (const [, makeApp] of apps) {
      const b = build(makeApp());
      expect(remove(b.agent)).toBe(true);
      const message = synthError(b, (x) => x.app.synth());
      expect(message).toContain(`[platform/agents/bot] baseline piece`);
      expect(message).toContain(`'${path}' was removed`);
    }
  });

  it('removing the whole AgentNamespace is not a weakening of anything left', () => {
    const b = build(Testing.app());
    b.platform.node.tryRemoveChild('agents');
    expect(synthError(b, (x) => x.app.synth())).toBe('');
  });

  it('two platforms in one App: removing the first still leaves the App validated', () => {
    const app = Testing.app();
    const first = new AgentPlatform(app, 'first');
    new AgentPlatform(app, 'second');
    const sibling = new Chart(app, 'sibling');
    new ApiObject(sibling, 'bad', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bad', namespace: 'x' },
      spec: { hostNetwork: true, containers: [{ name: 'x', image: IMAGE }] },
    });
    app.node.tryRemoveChild(first.node.id);
    expect(() => app.synth()).toThrow(/\[sibling\/bad\].*hostNetwork/);
  });

  it('one App with two platforms reports each finding once', () => {
    const app = Testing.app();
    new AgentPlatform(app, 'first');
    new AgentPlatform(app, 'second');
    const sibling = new Chart(app, 'sibling');
    new ApiObject(sibling, 'bad', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bad', namespace: 'x' },
      spec: { hostNetwork: true, containers: [{ name: 'x', image: IMAGE }] },
    });
    const message = synthError({ app } as Built, () => app.synth());
    const lines = message.split('\n').filter((l) => l.includes('[sibling/bad]') && l.includes('hostNetwork'));
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines).size).toBe(lines.length);
  });
});

describe('the ImagePolicy cannot disappear from under the synth-time check', () => {
  it.each([
    [
      'the whole ImagePolicy',
      (b: Built) => b.platform.node.tryRemoveChild('ImagePolicy'),
      'platform/ImagePolicy/ValidatingAdmissionPolicy',
    ],
    [
      'its binding',
      (b: Built) =>
        (b.platform.node.findChild('ImagePolicy') as ImagePolicy).node.tryRemoveChild(
          'ValidatingAdmissionPolicyBinding',
        ),
      'platform/ImagePolicy/ValidatingAdmissionPolicyBinding',
    ],
  ])('removing %s fails synth at the platform', (_, remove, piece) => {
    const b = build(Testing.app(), { imagePolicy: true });
    expect(remove(b)).toBe(true);
    let message = '';
    try {
      b.app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`[platform] baseline piece`);
    expect(message).toContain(`'${piece}' was removed from the construct tree`);
  });
});

describe('validateResolvedObjects, the single entry point over resolved objects', () => {
  const deployment = (annotations?: Record<string, string>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'n' },
    spec: { template: { metadata: { annotations }, spec: { containers: [] } } },
  });
  it.each([
    ['nothing written, nothing there', undefined, undefined, []],
    ['written and unchanged', { 'vault.hashicorp.com/role': 'n_d' }, { 'vault.hashicorp.com/role': 'n_d' }, []],
    [
      'written, then changed',
      { 'vault.hashicorp.com/role': 'n_d' },
      { 'vault.hashicorp.com/role': 'admin' },
      ['changed'],
    ],
    ['written, then removed', { 'vault.hashicorp.com/role': 'n_d' }, {}, ['removed']],
    ['not written, but there', undefined, { 'vault.hashicorp.com/agent-image': 'x' }, ['foreign']],
  ])('%s', (_, written, present, expected) => {
    const messages = foreignVaultAnnotations({
      object: deployment(present),
      constructPath: 'c/d',
      writtenVaultAnnotations: written,
    });
    expect(messages.map((m) => m.match(/: (foreign|changed|removed)/)?.[1])).toEqual(expected);
    messages.forEach((m) =>
      expect(m.startsWith('[c/d] Deployment/n/d at spec.template.metadata.annotations: ')).toBe(true),
    );
  });
  it('runs the extra checks it is given and prefixes rule findings with the construct path', () => {
    const messages = validateResolvedObjects(
      [
        {
          object: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'p', namespace: 'x' },
            spec: { hostIPC: true, containers: [] },
          },
          constructPath: 'c/p',
        },
      ],
      { checks: [() => ['[c/p] extra']] },
    );
    expect(messages.some((m) => m.startsWith('[c/p] [PSS-') && m.includes('hostIPC'))).toBe(true);
    expect(messages).toContain('[c/p] extra');
  });
});
