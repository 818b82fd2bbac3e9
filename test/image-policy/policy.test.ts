import { App, Testing } from 'cdk8s';
import { AgentBaselineError, ImagePolicyEngine } from '../../lib/core';
import { ImagePolicy, ImagePolicyProps } from '../../lib/image-policy';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { buildDefaultPlatform } from '../../stacks/platform';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const IMAGE = `ghcr.io/acme/agent:1.0.0@${DIGEST}`;
const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT_RE = '^https://github[.]com/acme/[^/]+/[.]github/workflows/release[.]yml@refs/heads/main$';
const KEYLESS: ImagePolicyProps = {
  allowedPrefixes: ['ghcr.io/acme/'],
  signature: { keyless: { issuer: ISSUER, subjectRegExp: SUBJECT_RE } },
};
const PEM =
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEexample0123456789abcdefABCDEF\n-----END PUBLIC KEY-----';

function setup(engines: ImagePolicyEngine[] = ['vap', 'kyverno', 'sigstore'], kubernetesVersion = '1.28') {
  const app = Testing.app();
  const platform = new AgentPlatform(app, 'platform', { imagePolicyEngines: engines, kubernetesVersion });
  const ns = new AgentNamespace(platform, 'agents');
  return { app, platform, ns };
}

function policyObjects(platform: AgentPlatform) {
  return (Testing.synth(platform) as { kind: string; metadata: { name: string } }[]).filter((o) =>
    o.metadata.name.startsWith('agent-images'),
  );
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AgentBaselineError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('refused settings', () => {
  const make = (props: Partial<ImagePolicyProps> & Record<string, unknown>, engines?: ImagePolicyEngine[]) => () =>
    new ImagePolicy(setup(engines).platform, 'ImagePolicy', { ...KEYLESS, ...props } as ImagePolicyProps);

  test.each([
    [
      'an empty allowlist',
      { allowedPrefixes: [] },
      '[platform/ImagePolicy] allowedPrefixes: invalid value [] (an empty allow-list would admit no image, or be mistaken for allowing every image). Allowed: at least one registry or repository prefix, e.g. "ghcr.io/acme/"',
    ],
    [
      'a prefix without a registry',
      { allowedPrefixes: ['acme/'] },
      `[platform/ImagePolicy] allowedPrefixes[0]: invalid value "acme/" (the prefix does not start with a registry host ('acme' has no '.', ':' and is not 'localhost'); Docker Hub prefixes start with 'docker.io/'). Allowed: a registry or repository prefix such as "ghcr.io" or "ghcr.io/acme/"`,
    ],
    [
      'a wildcard prefix',
      { allowedPrefixes: ['ghcr.io/*'] },
      'allowedPrefixes[0]: invalid value "ghcr.io/*" (the prefix contains a wildcard or digest',
    ],
    [
      'signature verification without a key or identity',
      { signature: {} },
      '[platform/ImagePolicy] signature: invalid value {} (without a key or an identity, any signature would be accepted). Allowed: exactly one of publicKey (a PEM cosign key) or keyless (an issuer with a subject or subjectRegExp)',
    ],
    [
      'both a key and an identity',
      { signature: { publicKey: PEM, keyless: { issuer: ISSUER, subject: 'x' } } },
      'signature: invalid value {"publicKey"',
    ],
    [
      'keyless with an issuer only',
      { signature: { keyless: { issuer: ISSUER } } },
      `[platform/ImagePolicy] signature.keyless: invalid value {"issuer":"${ISSUER}"} (an issuer alone accepts any identity that issuer vouches for, e.g. any GitHub repository). Allowed: exactly one of subject or subjectRegExp`,
    ],
    [
      'keyless with subject and regexp',
      { signature: { keyless: { issuer: ISSUER, subject: 'a', subjectRegExp: '^a$' } } },
      'signature.keyless: invalid value',
    ],
    [
      'an unanchored subject regexp',
      { signature: { keyless: { issuer: ISSUER, subjectRegExp: 'github.com/acme' } } },
      `signature.keyless.subjectRegExp: invalid value "github.com/acme" (an unanchored pattern also matches identities that merely contain it). Allowed: a regular expression anchored with '^' and '$'`,
    ],
    [
      'a match-everything subject regexp',
      { signature: { keyless: { issuer: ISSUER, subjectRegExp: '^.*$' } } },
      'signature.keyless.subjectRegExp: invalid value "^.*$"',
    ],
    [
      'an invalid subject regexp',
      { signature: { keyless: { issuer: ISSUER, subjectRegExp: '^(a$' } } },
      'signature.keyless.subjectRegExp: invalid value "^(a$" (Invalid regular expression',
    ],
    [
      'an http issuer',
      { signature: { keyless: { issuer: 'http://issuer', subject: 'x' } } },
      'signature.keyless.issuer: invalid value "http://issuer". Allowed: an https:// URL',
    ],
    [
      'a non-PEM key',
      { signature: { publicKey: 'abc' } },
      'signature.publicKey: invalid value "abc". Allowed: a PEM public key',
    ],
    [
      'an unknown engine',
      { engines: ['gatekeeper'] },
      `[platform/ImagePolicy] engines[0]: invalid value "gatekeeper". Allowed: one of 'vap', 'kyverno', 'sigstore'`,
    ],
    [
      'an unknown mode',
      { mode: 'dryrun' },
      `[platform/ImagePolicy] mode: invalid value "dryrun". Allowed: one of 'enforce', 'audit', 'warn'`,
    ],
    [
      'audit, which sigstore cannot express',
      { mode: 'audit' },
      `[platform/ImagePolicy] mode: invalid value "audit" (mapping it to another mode would silently change enforcement). Allowed: a mode engine 'sigstore' can express: 'enforce', 'warn' (or leave 'sigstore' out of engines)`,
    ],
    [
      'warn, which kyverno cannot express',
      { mode: 'warn' },
      `mode: invalid value "warn" (mapping it to another mode would silently change enforcement). Allowed: a mode engine 'kyverno' can express: 'enforce', 'audit'`,
    ],
    [
      'kyverno without a signature',
      { signature: undefined },
      `[platform/ImagePolicy] signature: invalid value undefined ('kyverno' policies exist to verify signatures). Allowed: signature verification (publicKey or keyless), since engine 'kyverno' is on`,
    ],
    [
      'an empty namespace list',
      { namespaces: [] },
      'namespaces: invalid value [] (a policy scoped to no namespace enforces nothing)',
    ],
    ['a bad namespace name', { namespaces: ['Agents'] }, 'namespaces[0]: invalid value "Agents"'],
    [
      'a sigstore namespace that is no AgentNamespace',
      { namespaces: ['other'] },
      `namespaces[0]: invalid value "other" (policy-controller acts only in namespaces labelled policy.sigstore.dev/include=true, which only AgentNamespaces get). Allowed: an AgentNamespace of this platform (agents)`,
    ],
  ] as [string, Record<string, unknown>, string][])('refuses %s', (_name, props, message) => {
    expect(refusal(make(props))).toContain(message);
  });

  test('refuses an engine the cluster does not have', () => {
    expect(refusal(make({ engines: ['kyverno'] }, ['vap']))).toBe(
      `[platform/ImagePolicy] engines[0]: invalid value "kyverno" (a policy for an engine that is not installed enforces nothing). Allowed: an engine the cluster has (platform imagePolicyEngines: 'vap')`,
    );
  });

  test('refuses an unknown engine in the platform settings', () => {
    expect(
      refusal(() => new AgentPlatform(Testing.app(), 'p', { imagePolicyEngines: ['opa' as ImagePolicyEngine] })),
    ).toBe(`[p] imagePolicyEngines[0]: invalid value "opa". Allowed: one of 'vap', 'kyverno', 'sigstore'`);
  });

  test('refuses a second policy and a policy inside a namespace chart', () => {
    const { platform, ns } = setup();
    new ImagePolicy(platform, 'ImagePolicy', KEYLESS);
    expect(refusal(() => new ImagePolicy(platform, 'Second', KEYLESS))).toContain(
      '[platform/Second] scope: invalid value "platform" (two policies would make the synth-time check ambiguous). Allowed: a platform without an ImagePolicy (it has platform/ImagePolicy)',
    );
    expect(refusal(() => new ImagePolicy(ns, 'InNs', KEYLESS))).toContain(
      'scope: invalid value "platform/agents" (the policies are cluster-scoped)',
    );
  });

  test('refuses a default scope with no AgentNamespace yet', () => {
    const platform = new AgentPlatform(Testing.app(), 'platform', { imagePolicyEngines: ['vap'] });
    expect(refusal(() => new ImagePolicy(platform, 'ImagePolicy', { allowedPrefixes: ['ghcr.io/acme/'] }))).toContain(
      'namespaces: invalid value [] (a policy scoped to no namespace enforces nothing). Allowed: create the AgentNamespaces before the ImagePolicy, or list namespaces',
    );
  });
});

describe('modes per engine', () => {
  test.each([
    ['enforce', ['Deny']],
    ['audit', ['Audit']],
    ['warn', ['Warn']],
  ] as const)('VAP %s binds with validationActions %j', (mode, actions) => {
    const { platform } = setup(['vap']);
    new ImagePolicy(platform, 'ImagePolicy', {
      allowedPrefixes: ['ghcr.io/acme/'],
      mode,
      waivers:
        mode === 'enforce'
          ? undefined
          : { nonEnforcingMode: { reason: 'rolling out the policy, audit first for a week' } },
    });
    const binding = policyObjects(platform).find((o) => o.kind === 'ValidatingAdmissionPolicyBinding') as unknown as {
      spec: { validationActions: string[] };
    };
    expect(binding.spec.validationActions).toEqual(actions);
  });

  test.each([
    ['1.28', 'admissionregistration.k8s.io/v1beta1'],
    ['1.29', 'admissionregistration.k8s.io/v1beta1'],
    ['1.30', 'admissionregistration.k8s.io/v1'],
    ['1.34', 'admissionregistration.k8s.io/v1'],
  ])('on Kubernetes %s the VAP is %s', (version, apiVersion) => {
    const { platform } = setup(['vap'], version);
    new ImagePolicy(platform, 'ImagePolicy', { allowedPrefixes: ['ghcr.io/acme/'] });
    const objs = policyObjects(platform) as unknown as { apiVersion: string; kind: string }[];
    expect(objs.map((o) => [o.kind, o.apiVersion])).toEqual([
      ['ValidatingAdmissionPolicy', apiVersion],
      ['ValidatingAdmissionPolicyBinding', apiVersion],
    ]);
  });

  test('Kyverno under audit: Audit actions and mutateDigest false', () => {
    const { platform } = setup(['kyverno']);
    new ImagePolicy(platform, 'ImagePolicy', {
      ...KEYLESS,
      mode: 'audit',
      waivers: { nonEnforcingMode: { reason: 'rolling out the policy, audit first' } },
    });
    const [ivp, cp] = policyObjects(platform) as unknown as Record<string, Record<string, unknown>>[];
    expect(ivp.spec.validationActions).toEqual(['Audit']);
    expect(ivp.spec.validationConfigurations).toEqual({ mutateDigest: false, verifyDigest: true, required: true });
    const verify = (cp.spec as { rules: { verifyImages: Record<string, unknown>[] }[] }).rules[0].verifyImages[0];
    expect(verify).toMatchObject({ failureAction: 'Audit', mutateDigest: false, verifyDigest: true, required: true });
  });

  test('Sigstore under warn', () => {
    const { platform } = setup(['sigstore']);
    new ImagePolicy(platform, 'ImagePolicy', {
      ...KEYLESS,
      mode: 'warn',
      waivers: { nonEnforcingMode: { reason: 'rolling out the policy, warn first' } },
    });
    expect((policyObjects(platform)[0] as unknown as { spec: { mode: string } }).spec.mode).toBe('warn');
  });
});

describe('Kyverno and Sigstore outputs', () => {
  test('keyless, exact objects', () => {
    const { platform, ns } = setup(['kyverno', 'sigstore']);
    new ImagePolicy(platform, 'ImagePolicy', {
      ...KEYLESS,
      allowedPrefixes: ['ghcr.io/acme', 'registry.example.com:5000/team/'],
    });
    const objs = policyObjects(platform);
    const labels = { 'app.kubernetes.io/component': 'image-policy', 'app.kubernetes.io/managed-by': 'agent-baseline' };
    const identity = { issuer: ISSUER, subjectRegExp: SUBJECT_RE };
    expect(objs).toEqual([
      {
        apiVersion: 'policies.kyverno.io/v1',
        kind: 'ImageValidatingPolicy',
        metadata: { name: 'agent-images-signature', labels },
        spec: {
          validationActions: ['Deny'],
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
            ],
            namespaceSelector: {
              matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['agents'] }],
            },
          },
          matchImageReferences: [{ glob: 'ghcr.io/acme/*' }, { glob: 'registry.example.com:5000/team/*' }],
          attestors: [
            {
              name: 'ci',
              cosign: { keyless: { identities: [identity] }, ctlog: { url: 'https://rekor.sigstore.dev' } },
            },
          ],
          validationConfigurations: { mutateDigest: true, verifyDigest: true, required: true },
          validations: [
            {
              expression:
                '(has(images.containers) ? images.containers : []).map(image, verifyImageSignatures(image, [attestors.ci])).all(e, e > 0) && ' +
                '(has(images.initContainers) ? images.initContainers : []).map(image, verifyImageSignatures(image, [attestors.ci])).all(e, e > 0) && ' +
                '(has(images.ephemeralContainers) ? images.ephemeralContainers : []).map(image, verifyImageSignatures(image, [attestors.ci])).all(e, e > 0)',
              message: `every image must be signed by the CI identity (issuer ${ISSUER}, subject matching ${SUBJECT_RE})`,
            },
          ],
        },
      },
      {
        apiVersion: 'kyverno.io/v1',
        kind: 'ClusterPolicy',
        metadata: {
          name: 'agent-images-verify',
          labels,
          annotations: {
            'policies.kyverno.io/title': 'Verify agent image signatures',
            'policies.kyverno.io/category': 'Software Supply Chain Security',
            'policies.kyverno.io/subject': 'Pod',
          },
        },
        spec: {
          background: false,
          webhookTimeoutSeconds: 30,
          rules: [
            {
              name: 'verify-signature',
              match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['agents'] } }] },
              verifyImages: [
                {
                  imageReferences: ['ghcr.io/acme/*', 'registry.example.com:5000/team/*'],
                  failureAction: 'Enforce',
                  mutateDigest: true,
                  verifyDigest: true,
                  required: true,
                  attestors: [
                    { entries: [{ keyless: { ...identity, rekor: { url: 'https://rekor.sigstore.dev' } } }] },
                  ],
                },
              ],
            },
          ],
        },
      },
      {
        apiVersion: 'policy.sigstore.dev/v1beta1',
        kind: 'ClusterImagePolicy',
        metadata: { name: 'agent-images', labels },
        spec: {
          mode: 'enforce',
          images: [{ glob: 'ghcr.io/acme/**' }, { glob: 'registry.example.com:5000/team/**' }],
          authorities: [
            {
              name: 'ci',
              keyless: { url: 'https://fulcio.sigstore.dev', identities: [identity] },
              ctlog: { url: 'https://rekor.sigstore.dev' },
            },
          ],
        },
      },
    ]);
    const nsObj = (Testing.synth(ns) as { kind: string; metadata: { labels: Record<string, string> } }[]).find(
      (o) => o.kind === 'Namespace',
    );
    expect(nsObj?.metadata.labels['policy.sigstore.dev/include']).toBe('true');
    expect(objs).toMatchSnapshot();
  });

  test('public key, exact authorities and attestors', () => {
    const { platform } = setup(['kyverno', 'sigstore']);
    new ImagePolicy(platform, 'ImagePolicy', {
      allowedPrefixes: ['ghcr.io/acme/'],
      signature: { publicKey: PEM, rekorUrl: 'https://rekor.internal.example' },
      name: 'signed',
    });
    const objs = Testing.synth(platform) as {
      kind: string;
      metadata: { name: string };
      spec: Record<string, unknown>;
    }[];
    const byKind = (kind: string) => objs.find((o) => o.kind === kind) as (typeof objs)[number];
    const key = `${PEM}\n`;
    expect(byKind('ImageValidatingPolicy').spec.attestors).toEqual([
      { name: 'ci', cosign: { key: { data: key }, ctlog: { url: 'https://rekor.internal.example' } } },
    ]);
    expect(
      (byKind('ClusterPolicy').spec as { rules: { verifyImages: { attestors: unknown }[] }[] }).rules[0].verifyImages[0]
        .attestors,
    ).toEqual([{ entries: [{ keys: { publicKeys: key, rekor: { url: 'https://rekor.internal.example' } } }] }]);
    expect(byKind('ClusterImagePolicy')).toEqual({
      apiVersion: 'policy.sigstore.dev/v1beta1',
      kind: 'ClusterImagePolicy',
      metadata: {
        name: 'signed',
        labels: { 'app.kubernetes.io/component': 'image-policy', 'app.kubernetes.io/managed-by': 'agent-baseline' },
      },
      spec: {
        mode: 'enforce',
        images: [{ glob: 'ghcr.io/acme/**' }],
        authorities: [
          { name: 'ci', key: { data: key, hashAlgorithm: 'sha256' }, ctlog: { url: 'https://rekor.internal.example' } },
        ],
      },
    });
    expect(
      objs.filter((o) => /Policy/.test(String(o.kind)) && String(o.metadata.name).startsWith('signed')),
    ).toMatchSnapshot();
  });

  test('the default platform has all three engines and labels its namespace', () => {
    const app = Testing.app();
    const built = buildDefaultPlatform(app);
    const policy = ImagePolicy.of(built.platform) as ImagePolicy;
    expect(policy.settings).toEqual({
      name: 'agent-images',
      allowedPrefixes: ['ghcr.io/acme-ai/'],
      requireDigest: true,
      forbidLatest: true,
      mode: 'enforce',
      engines: ['vap', 'kyverno', 'sigstore'],
      signature: {
        keyless: DEFAULT_PLATFORM_CONFIG.imagePolicy?.signature?.keyless,
        fulcioUrl: 'https://fulcio.sigstore.dev',
        rekorUrl: 'https://rekor.sigstore.dev',
      },
      namespaces: undefined,
      // The default platform requires attestations (issue 20), signed by the same CI identity.
      attestations: {
        vulnerabilityScan: {
          predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1',
          maxAgeDays: 7,
          failOnSeverity: 'critical',
          failingSeverities: ['CRITICAL'],
          acceptedVulnerabilities: [],
        },
        sbom: { format: 'spdx', predicateType: 'https://spdx.dev/Document' },
        provenance: {
          builderIds: ['https://github.com/actions/runner/github-hosted'],
          sourceRepositories: ['https://github.com/acme-ai/assistant', 'https://github.com/acme-ai/tool-runner'],
        },
        baseImage: {
          allowed: [{ name: 'gcr.io/distroless/static-debian12:nonroot', digest: `sha256:${'6b'.repeat(32)}` }],
        },
        wideSubjectWaiver: undefined,
        signer: {
          keyless: DEFAULT_PLATFORM_CONFIG.imagePolicy?.signature?.keyless,
          fulcioUrl: 'https://fulcio.sigstore.dev',
          rekorUrl: 'https://rekor.sigstore.dev',
        },
      },
    });
    expect(policy.namespaces).toEqual(['agents']);
    expect(Object.keys(policy.objects)).toEqual([
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
      'ImageValidatingPolicy',
      'ClusterPolicy',
      'ClusterImagePolicy',
      'ClusterImagePolicyAttestations',
    ]);
    expect(
      new RegExp(policy.settings.signature?.keyless?.subjectRegExp as string).test(
        'https://github.com/acme-ai/assistant/.github/workflows/release.yml@refs/heads/main',
      ),
    ).toBe(true);
    expect(
      new RegExp(policy.settings.signature?.keyless?.subjectRegExp as string).test(
        'https://github.com/acme-ai-evil/assistant/.github/workflows/release.yml@refs/heads/main',
      ),
    ).toBe(false);
    expect(
      new RegExp(policy.settings.signature?.keyless?.subjectRegExp as string).test(
        'https://github.com/acme-ai/assistant/.github/workflows/release.yml@refs/heads/feature',
      ),
    ).toBe(false);
  });
});

describe('synth-time check of agent images', () => {
  const agentProps = (image: string, init?: string) => ({
    image,
    ports: [{ name: 'http', port: 8080 }],
    initContainers: init ? [{ name: 'setup', image: init }] : undefined,
  });

  test('an agent from another registry fails Testing.synth, synthYaml and synth with its construct path', () => {
    const { app, platform, ns } = setup(['vap']);
    new HardenedAgent(ns, 'bot', agentProps(`quay.io/acme/bot:1@${DIGEST}`));
    new ImagePolicy(platform, 'ImagePolicy', { allowedPrefixes: ['ghcr.io/acme/'] });
    const expected = `[platform/agents/bot] image "quay.io/acme/bot:1@${DIGEST}" would be refused at admission by platform/ImagePolicy in namespace 'agents': every image must come from an allowed registry or repository: ghcr.io/acme/ (construct platform/agents/bot)`;
    expect(() => Testing.synth(ns)).toThrow(expected);
    expect(() => app.synthYaml()).toThrow(expected);
    expect(() => app.synth()).toThrow(expected);
  });

  test('an init container image is checked too, and the policy may come first', () => {
    const { platform, ns } = setup(['vap']);
    new ImagePolicy(platform, 'ImagePolicy', { allowedPrefixes: ['ghcr.io/acme/'] });
    new HardenedAgent(ns, 'bot', agentProps(IMAGE, `docker.io/library/busybox:1.36@${DIGEST}`));
    expect(() => Testing.synth(platform)).toThrow(
      `[platform/agents/bot] image "docker.io/library/busybox:1.36@${DIGEST}" would be refused at admission by platform/ImagePolicy in namespace 'agents': every image must come from an allowed registry or repository: ghcr.io/acme/`,
    );
  });

  test('an unpinned image waived on the agent is still refused when the policy requires digests', () => {
    const { platform, ns } = setup(['vap']);
    new HardenedAgent(ns, 'bot', {
      ...agentProps('ghcr.io/acme/bot:1.0'),
      allowUnpinnedImage: { reason: 'local development build only' },
    });
    new ImagePolicy(platform, 'ImagePolicy', { allowedPrefixes: ['ghcr.io/acme/'] });
    expect(() => Testing.synth(platform)).toThrow('every image must be pinned by digest');
  });

  test('compliant agents synthesize, and agents outside the policy namespaces are not checked', () => {
    const { platform, ns } = setup(['vap']);
    const other = new AgentNamespace(platform, 'sandbox');
    new HardenedAgent(ns, 'bot', agentProps(IMAGE, `ghcr.io/acme/setup:2@${DIGEST}`));
    new HardenedAgent(other, 'free', agentProps(`quay.io/x/y:1@${DIGEST}`));
    new ImagePolicy(platform, 'ImagePolicy', {
      allowedPrefixes: ['ghcr.io/acme/'],
      namespaces: ['agents'],
      waivers: { uncoveredNamespaces: { reason: 'sandbox runs third-party images under review' } },
    });
    expect(() => Testing.synth(platform)).not.toThrow();
  });

  test('an AgentNamespace created after a defaulted policy fails synth instead of going uncovered', () => {
    const { platform } = setup(['vap']);
    new ImagePolicy(platform, 'ImagePolicy', { allowedPrefixes: ['ghcr.io/acme/'] });
    new AgentNamespace(platform, 'late');
    expect(() => Testing.synth(platform)).toThrow(
      "[platform/ImagePolicy] AgentNamespace 'late' (platform/late) was created after the ImagePolicy and is not covered by it",
    );
  });

  test('the default platform synthesizes with its policy', () => {
    const app = new App({ outdir: Testing.app().outdir });
    buildDefaultPlatform(app);
    expect(() => app.synthYaml()).not.toThrow();
  });
});
