import { ApiObject, Chart, Testing } from 'cdk8s';
import { REASON_ALLOWED, WAIVER_ANNOTATION, reasonProblem } from '../../lib/core';
import { ImagePolicy, ImagePolicyProps } from '../../lib/image-policy';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { Suppressions } from '../../lib/platform/suppressions';
import { runRules } from '../../lib/rules';
import { HardenedAgent } from '../../lib/workload';
import { refusal } from '../helpers/refusal';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `ghcr.io/acme/agent:1.0.0@${DIGEST}`;

const unreadable: Array<[string, string, RegExp]> = [
  ['too short', 'too short', /fewer than 10/],
  ['only spaces', ' '.repeat(40), /0 visible letters or digits/],
  ['only zero-width spaces', '\u200b'.repeat(40), /invisible characters/],
  [
    'zero-width joiners between letters',
    'a\u200db\u200dc\u200dd\u200de\u200df\u200dg\u200dh\u200di\u200dj',
    /invisible/,
  ],
  ['a word joiner and BOM', '\u2060\ufeff'.repeat(10), /invisible/],
  ['a right-to-left override', 'approved by security \u202eyrrow ton', /bidirectional-control/],
  ['an isolate', 'approved by \u2066security\u2069 team', /bidirectional-control/],
  ['emoji only', '🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥', /0 visible letters or digits/],
  ['punctuation only', '!!!!!!!!!!!!!!!!---------', /0 visible letters or digits/],
  ['a NUL byte', 'approved by the team\u0000', /invisible/],
  ['not a string', 42 as unknown as string, /not a string/],
];
const readable = ['debug sidecar needs it', '調査のため一時的に必要です', 'CVE-2024-1234 fix\npending upstream'];

describe('reasons must be readable', () => {
  it.each(unreadable)('reasonProblem: %s is refused', (_, reason, pattern) => {
    expect(reasonProblem(reason)).toMatch(pattern);
  });
  it.each(readable)('reasonProblem accepts %j', (reason) => {
    expect(reasonProblem(reason)).toBeUndefined();
  });

  const sites: Array<[string, (reason: string) => unknown, string]> = [
    [
      'Suppressions.add',
      (reason) => {
        const chart = new Chart(Testing.app(), 'c');
        Suppressions.add(new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap' }), [
          { rule: 'HRD-Probes', reason },
        ]);
      },
      '[c/cm] suppressions[0].reason',
    ],
    [
      'HardenedAgent.addWaiver',
      (reason) => agent().addWaiver('PSS-privileged', reason),
      '[platform/agents/bot] waivers.PSS-privileged.reason',
    ],
    [
      'allowUnpinnedImage',
      (reason) =>
        new HardenedAgent(ns(), 'bot', {
          image: 'ghcr.io/acme/agent:1.0.0',
          ports: [{ name: 'http', port: 8080 }],
          allowUnpinnedImage: { reason },
        }),
      '[platform/agents/bot] allowUnpinnedImage.reason',
    ],
    [
      'ImagePolicy waivers',
      (reason) =>
        new ImagePolicy(ns().platform, 'ImagePolicy', {
          allowedPrefixes: ['ghcr.io/acme/'],
          mode: 'audit',
          waivers: { nonEnforcingMode: { reason } },
        }),
      '[platform/ImagePolicy] waivers.nonEnforcingMode.reason',
    ],
  ];
  for (const [site, run, prefix] of sites) {
    it.each(unreadable.filter(([, r]) => typeof r === 'string'))(
      `${site}: %s is refused with the field`,
      (_, reason, pattern) => {
        const message = refusal(() => run(reason));
        expect(message.startsWith(prefix)).toBe(true);
        // Hidden characters are named; a reason that is merely too short is explained by the allowed text.
        if (/invisible|bidirectional/.test(pattern.source)) expect(message).toMatch(pattern);
        expect(message).toContain(`Allowed: ${REASON_ALLOWED}`);
        expect(REASON_ALLOWED).toContain(
          'a reason of at least 10 characters explaining why (counted as visible letters or digits',
        );
      },
    );
  }

  it.each(unreadable.filter(([, r]) => typeof r === 'string'))(
    'a hand-written suppression annotation with %s is an SUP-Invalid error in scans',
    (_, reason) => {
      const report = runRules([
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'x',
            annotations: { 'agent-baseline.io/suppressions': JSON.stringify([{ rule: 'HRD-Probes', reason }]) },
          },
        },
      ]);
      const rules = report.results.flatMap((r) => r.findings.map((f) => f.rule));
      expect(rules).toContain('SUP-Invalid');
    },
  );
});

function ns(): AgentNamespace {
  return new AgentNamespace(new AgentPlatform(Testing.app(), 'platform', { imagePolicyEngines: ['vap'] }), 'agents');
}
function agent(): HardenedAgent {
  return new HardenedAgent(ns(), 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
}

describe('ImagePolicy weakenings need a recorded waiver', () => {
  const base: ImagePolicyProps = { allowedPrefixes: ['ghcr.io/acme/'] };
  const REASON = 'rolling the policy out in audit for one sprint';

  it.each(['audit', 'warn'] as const)('mode %s without a waiver is refused', (mode) => {
    expect(refusal(() => new ImagePolicy(ns().platform, 'ImagePolicy', { ...base, mode }))).toBe(
      `[platform/ImagePolicy] mode: invalid value "${mode}" (this weakens the image policy). Allowed: mode 'enforce', or set waivers.nonEnforcingMode with a reason`,
    );
  });

  it('mode audit with a waiver is recorded on every policy object and as a suppressed AGT-ImagePolicy finding', () => {
    const namespace = ns();
    const policy = new ImagePolicy(namespace.platform, 'ImagePolicy', {
      ...base,
      mode: 'audit',
      waivers: { nonEnforcingMode: { reason: REASON } },
    });
    for (const obj of Object.values(policy.objects)) {
      expect(JSON.parse(annotation(obj, WAIVER_ANNOTATION) as string)).toEqual([
        { control: 'AGT-ImagePolicy', weakening: 'nonEnforcingMode', reason: REASON },
      ]);
    }
    const report = runRules(allObjects(namespace.platform));
    const finding = report.results.flatMap((r) => r.findings).find((f) => f.rule === 'AGT-ImagePolicy');
    expect(finding).toMatchObject({ suppressed: true, suppression: { reason: REASON } });
    expect(() => Testing.synth(namespace.platform)).not.toThrow();
  });

  it('a namespaces list that leaves an AgentNamespace out needs a waiver, recorded on that namespace', () => {
    const namespace = ns();
    const other = new AgentNamespace(namespace.platform, 'sandbox');
    expect(refusal(() => new ImagePolicy(namespace.platform, 'ImagePolicy', { ...base, namespaces: ['agents'] }))).toBe(
      '[platform/ImagePolicy] namespaces: invalid value ["agents"] (this weakens the image policy). Allowed: a list with every AgentNamespace of the platform (missing: sandbox), or set waivers.uncoveredNamespaces with a reason',
    );
    const app2 = ns();
    const sandbox = new AgentNamespace(app2.platform, 'sandbox');
    new ImagePolicy(app2.platform, 'ImagePolicy', {
      ...base,
      namespaces: ['agents'],
      waivers: { uncoveredNamespaces: { reason: 'sandbox runs third-party images under review' } },
    });
    const report = runRules(allObjects(app2.platform));
    const findings = report.results
      .filter((r) => r.name === 'sandbox')
      .flatMap((r) => r.findings)
      .filter((f) => f.rule === 'AGT-ImagePolicy');
    expect(findings).toEqual([
      expect.objectContaining({
        suppressed: true,
        suppression: expect.objectContaining({ reason: 'sandbox runs third-party images under review' }),
      }),
    ]);
    expect(annotation(sandbox.namespaceObject, 'agent-baseline.io/suppressions')).toContain('AGT-ImagePolicy');
    expect(other.name).toBe('sandbox');
  });

  it('an AgentNamespace created after an explicit list fails synth (no waiver could name it)', () => {
    const namespace = ns();
    new ImagePolicy(namespace.platform, 'ImagePolicy', { ...base, namespaces: ['agents'] });
    new AgentNamespace(namespace.platform, 'late');
    expect(() => Testing.synth(namespace.platform)).toThrow(
      "AgentNamespace 'late' (platform/late) is not in the namespaces of platform/ImagePolicy and was created after it",
    );
  });

  const anySigner = ['^.+$', '^(.*)$', '^[\\s\\S]*$', '^.*.*$', '^(?:.|\\n)*$', '^.*(.*)?$', '^[^\\n]*$'];
  it.each(anySigner)('keyless subjectRegExp %s matches any identity and needs a waiver', (subjectRegExp) => {
    const props: ImagePolicyProps = {
      ...base,
      signature: { keyless: { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp } },
    };
    const platform = new AgentPlatform(Testing.app(), 'platform', { imagePolicyEngines: ['kyverno'] });
    new AgentNamespace(platform, 'agents');
    const message = refusal(() => new ImagePolicy(platform, 'ImagePolicy', props));
    expect(message).toContain('[platform/ImagePolicy] signature.keyless.subjectRegExp: invalid value');
    expect(message).toContain(
      'Allowed: a subject pattern that names the signing identity (it matches any identity), or set waivers.anySigner with a reason',
    );
    const policy = new ImagePolicy(platform, 'Waived', {
      ...props,
      waivers: { anySigner: { reason: 'any repo of the org signs' } },
    });
    expect(annotation(policy.objects.ClusterPolicy, WAIVER_ANNOTATION)).toContain('any repo of the org signs');
  });

  it('a specific identity pattern needs no waiver, and a waiver for a weakening that is absent is refused', () => {
    const props: ImagePolicyProps = {
      ...base,
      signature: {
        keyless: {
          issuer: 'https://token.actions.githubusercontent.com',
          subjectRegExp: '^https://github[.]com/acme/.+$',
        },
      },
    };
    const platform = new AgentPlatform(Testing.app(), 'platform', { imagePolicyEngines: ['kyverno'] });
    new AgentNamespace(platform, 'agents');
    expect(
      refusal(
        () =>
          new ImagePolicy(platform, 'ImagePolicy', {
            ...props,
            waivers: { anySigner: { reason: 'just in case, to be safe' } },
          }),
      ),
    ).toBe(
      '[platform/ImagePolicy] waivers.anySigner: invalid value "just in case, to be safe". Allowed: no waivers.anySigner: the policy does not make this weakening',
    );
    expect(() => new ImagePolicy(platform, 'Second', props)).not.toThrow();
  });
});

function allObjects(platform: AgentPlatform) {
  return platform.node
    .findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c))
    .map((o) => o.toJson());
}
function annotation(obj: ApiObject, key: string): string | undefined {
  return (obj.toJson() as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[key];
}
