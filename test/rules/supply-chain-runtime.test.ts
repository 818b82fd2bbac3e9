import { DEFAULT_PACKS, runRules } from '../../lib/rules';
import { toMarkdown, toText } from '../../lib/rules/report';
import { DEFAULT_PLATFORM_CONFIG, PlatformConfig } from '../../stacks/config';
import { KubeObject, synthDefaultPlatform } from '../helpers/synth';

const RULES = [
  'AGT-ImageScanAttestation',
  'AGT-ImageSbom',
  'AGT-ImageProvenance',
  'AGT-BaseImage',
  'AGT-AttestationSigner',
  'AGT-RuntimeDetection',
];
const PROOFS = RULES.slice(0, 4);

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = (objects: KubeObject[]) => JSON.parse(JSON.stringify(objects)) as Mutable[];
const base = synthDefaultPlatform().objects;

/** Open findings of the rules under test, as `RULE Kind/name: message`. */
function findings(objects: readonly Mutable[]): string[] {
  const report = runRules(objects as KubeObject[], { packs: DEFAULT_PACKS });
  return report.results.flatMap((r) =>
    r.findings
      .filter((f) => RULES.includes(f.rule) && !f.suppressed)
      .map((f) => `${f.rule} ${r.kind}/${r.name}: ${f.message}`),
  );
}
const rulesOf = (list: string[]) => [...new Set(list.map((f) => f.split(' ')[0]))].sort();

const withoutKinds =
  (...kinds: string[]) =>
  (o: Mutable[]) =>
    o.filter((x) => !kinds.includes(x.kind));
/** Removes an attestation predicate type from every engine's policy. */
const dropPredicate = (re: RegExp) => (objects: Mutable[]) => {
  for (const o of objects) {
    if (o.kind === 'ImageValidatingPolicy' && o.spec.attestations)
      o.spec.attestations = o.spec.attestations.filter((a: Mutable) => !re.test(a.intoto.type));
    if (o.kind === 'ClusterPolicy')
      for (const r of o.spec.rules)
        for (const v of r.verifyImages ?? [])
          v.attestations = (v.attestations ?? []).filter((a: Mutable) => !re.test(a.type));
    if (o.kind === 'ClusterImagePolicy')
      for (const a of o.spec.authorities)
        if (a.attestations) a.attestations = a.attestations.filter((x: Mutable) => !re.test(x.predicateType));
  }
  return objects;
};
const dropBaseImage = (objects: Mutable[]) => {
  for (const o of objects) {
    if (o.kind === 'ImageValidatingPolicy')
      o.spec.validations = o.spec.validations.filter(
        (v: Mutable) => !v.expression.includes('org.opencontainers.image.base.name'),
      );
    if (o.kind === 'ClusterPolicy') o.spec.rules = o.spec.rules.filter((r: Mutable) => r.name !== 'verify-base-image');
  }
  return objects;
};

/** Kyverno's ClusterPolicy as the only image policy, each of its rules changed by `change`. */
const kyvernoOnly = (change: (rule: Mutable) => void) => (objects: Mutable[]) => {
  for (const x of objects.filter((y) => y.kind === 'ClusterPolicy')) for (const r of x.spec.rules) change(r);
  return withoutKinds('ImageValidatingPolicy', 'ClusterImagePolicy')(objects);
};

describe('attestation proofs required at admission (table-driven)', () => {
  test('the default platform satisfies every rule', () => {
    expect(findings(clone(base))).toEqual([]);
  });

  test.each<[string, (o: Mutable[]) => Mutable[], string[], RegExp | undefined]>([
    [
      'a VAP-only cluster',
      withoutKinds('ImageValidatingPolicy', 'ClusterPolicy', 'ClusterImagePolicy'),
      PROOFS,
      /only a ValidatingAdmissionPolicy checks images in agent namespace agents, and it cannot fetch attestations/,
    ],
    [
      'no scan attestation anywhere',
      dropPredicate(/vuln/),
      ['AGT-ImageScanAttestation'],
      /no Kyverno or Sigstore policy covering agent namespace agents requires it/,
    ],
    ['no SBOM anywhere', dropPredicate(/spdx/), ['AGT-ImageSbom'], undefined],
    ['no provenance anywhere', dropPredicate(/slsa/), ['AGT-ImageProvenance'], undefined],
    ['no base-image check anywhere', dropBaseImage, ['AGT-BaseImage'], undefined],
    ['Kyverno legacy ClusterPolicy alone', withoutKinds('ImageValidatingPolicy', 'ClusterImagePolicy'), [], undefined],
    ['Kyverno ImageValidatingPolicy alone', withoutKinds('ClusterPolicy', 'ClusterImagePolicy'), [], undefined],
    [
      'Sigstore alone: policy-controller cannot read the base-image annotation',
      withoutKinds('ImageValidatingPolicy', 'ClusterPolicy'),
      ['AGT-BaseImage'],
      undefined,
    ],
    [
      'Sigstore alone, namespace not labelled for policy-controller',
      (o) => {
        const ns = o.find((x) => x.kind === 'Namespace');
        delete ns!.metadata.labels['policy.sigstore.dev/include'];
        return withoutKinds('ImageValidatingPolicy', 'ClusterPolicy')(o);
      },
      PROOFS,
      /only a ValidatingAdmissionPolicy/,
    ],
    [
      'an ImageValidatingPolicy selecting another namespace',
      (o) => {
        for (const x of o.filter((y) => y.kind === 'ImageValidatingPolicy'))
          x.spec.matchConstraints.namespaceSelector.matchExpressions[0].values = ['other'];
        return withoutKinds('ClusterPolicy', 'ClusterImagePolicy')(o);
      },
      PROOFS,
      undefined,
    ],
    [
      'a ClusterPolicy matching another namespace',
      (o) => {
        for (const x of o.filter((y) => y.kind === 'ClusterPolicy'))
          for (const r of x.spec.rules) r.match.any[0].resources.namespaces = ['other'];
        return withoutKinds('ImageValidatingPolicy', 'ClusterImagePolicy')(o);
      },
      PROOFS,
      undefined,
    ],
    [
      'a ClusterPolicy matching every namespace with *',
      kyvernoOnly((r) => (r.match.any[0].resources.namespaces = ['*'])),
      [],
      undefined,
    ],
    [
      'a ClusterPolicy whose match names no namespaces',
      kyvernoOnly((r) => delete r.match.any[0].resources.namespaces),
      [],
      undefined,
    ],
    ['a ClusterPolicy matching through match.all', kyvernoOnly((r) => (r.match = { all: r.match.any })), [], undefined],
    [
      'a ClusterPolicy matching through match.resources',
      kyvernoOnly((r) => (r.match = { resources: r.match.any[0].resources })),
      [],
      undefined,
    ],
    [
      'a ClusterPolicy one of whose entries matches the namespace',
      kyvernoOnly((r) => (r.match.any = [{ resources: { kinds: ['Pod'], namespaces: ['other'] } }, ...r.match.any])),
      [],
      undefined,
    ],
    ['a ClusterPolicy rule without match entries', kyvernoOnly((r) => (r.match = {})), PROOFS, undefined],
    [
      'only the base-image rule matches another namespace',
      kyvernoOnly((r) => {
        if (r.name === 'verify-base-image') r.match.any[0].resources.namespaces = ['other'];
      }),
      ['AGT-BaseImage'],
      undefined,
    ],
  ])('%s', (_name, mutate, expected, message) => {
    const got = findings(mutate(clone(base)));
    expect(rulesOf(got)).toEqual([...expected].sort());
    if (message) for (const f of got) expect(f).toMatch(message);
  });

  test('a platform whose ImagePolicy sets no attestations is reported for each proof', () => {
    const config: PlatformConfig = {
      ...DEFAULT_PLATFORM_CONFIG,
      imagePolicy: { ...DEFAULT_PLATFORM_CONFIG.imagePolicy!, attestations: undefined },
    };
    expect(rulesOf(findings(synthDefaultPlatform(config).objects as Mutable[]))).toEqual([...PROOFS].sort());
  });

  test('each agent namespace is judged on the rules that match it, whatever namespace came first', () => {
    // A second agent namespace that the ClusterPolicy's base-image rule does not match: its
    // answers must not leak into the first namespace's, nor the first's into its.
    const objects = withoutKinds('ImageValidatingPolicy', 'ClusterImagePolicy')(clone(base));
    const ns = objects.find((x) => x.kind === 'Namespace')!;
    const second = { ...ns, metadata: { ...ns.metadata, name: 'agents-b', labels: { ...ns.metadata.labels } } };
    for (const x of objects.filter((y) => y.kind === 'ClusterPolicy'))
      for (const r of x.spec.rules)
        if (r.name !== 'verify-base-image') r.match.any[0].resources.namespaces.push('agents-b');
    for (const order of [
      [second, ...objects],
      [...objects, second],
    ]) {
      const got = findings(order);
      expect(got).toEqual([
        expect.stringMatching(/^AGT-BaseImage Namespace\/agents-b: .*agent namespace agents-b requires it$/),
      ]);
    }
  });

  test('no image policy at all is left to AGT-ImagePolicy (one finding, not five)', () => {
    const got = findings(
      withoutKinds(
        'ImageValidatingPolicy',
        'ClusterPolicy',
        'ClusterImagePolicy',
        'ValidatingAdmissionPolicy',
        'ValidatingAdmissionPolicyBinding',
      )(clone(base)),
    );
    expect(rulesOf(got)).toEqual([]);
  });
});

describe('attestation signers name one owner', () => {
  const wide = (pattern: string, where: 'ivpol' | 'cpol' | 'cip' | 'ivpol-signature') => (o: Mutable[]) => {
    for (const x of o) {
      if (where.startsWith('ivpol') && x.kind === 'ImageValidatingPolicy')
        x.spec.attestors.find(
          (a: Mutable) => a.name === (where === 'ivpol' ? 'attester' : 'ci'),
        ).cosign.keyless.identities[0].subjectRegExp = pattern;
      if (where === 'cpol' && x.kind === 'ClusterPolicy')
        x.spec.rules[0].verifyImages[0].attestations[0].attestors[0].entries[0].keyless.subjectRegExp = pattern;
      if (where === 'cip' && x.metadata.name === 'agent-images-attestations')
        x.spec.authorities[0].keyless.identities[0].subjectRegExp = pattern;
    }
    return o;
  };
  test.each<[string, string, 'ivpol' | 'cpol' | 'cip', RegExp]>([
    [
      '.* in the ImageValidatingPolicy attester',
      '^https://github[.]com/.*$',
      'ivpol',
      /ImageValidatingPolicy\/agent-images-signature: attestation signer subject .* is wide: it contains a wildcard/,
    ],
    [
      'any owner in the ClusterPolicy attestation entry',
      '^https://github[.]com/[^/]+/app/x$',
      'cpol',
      /ClusterPolicy\/agent-images-verify: .*does not name an owner/,
    ],
    [
      '.+ in the ClusterImagePolicy attestation authority',
      '^https://github[.]com/acme-ai/.+$',
      'cip',
      /ClusterImagePolicy\/agent-images-attestations: .*wildcard/,
    ],
  ])('%s', (_n, pattern, where, expected) => {
    const got = findings(wide(pattern, where)(clone(base)));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(expected);
  });

  test('the image-signature attestor is not an attestation signer (this rule ignores it)', () => {
    expect(findings(wide('^https://github[.]com/.*$', 'ivpol-signature')(clone(base)))).toEqual([]);
  });

  test('a waiver from ImagePolicy allowWideSubject shows as a suppressed finding with its reason', () => {
    const reason = 'monorepo migration: every acme-ai repository signs scans until Q1';
    const ip = DEFAULT_PLATFORM_CONFIG.imagePolicy!;
    const config: PlatformConfig = {
      ...DEFAULT_PLATFORM_CONFIG,
      imagePolicy: {
        ...ip,
        attestations: {
          ...ip.attestations!,
          signer: {
            keyless: {
              issuer: 'https://token.actions.githubusercontent.com',
              subjectRegExp: '^https://github[.]com/acme-ai/.+$',
            },
          },
          allowWideSubject: { reason },
        },
      },
    };
    const report = runRules(synthDefaultPlatform(config).objects, { packs: DEFAULT_PACKS });
    const signer = report.results.flatMap((r) =>
      r.findings
        .filter((f) => f.rule === 'AGT-AttestationSigner')
        .map((f) => [r.name, f.suppressed, f.suppression?.reason]),
    );
    // One finding per place the wide signer is written: the ClusterPolicy names it on each of its three attestations.
    expect(signer).toEqual([
      ['agent-images-signature', true, reason],
      ['agent-images-verify', true, reason],
      ['agent-images-verify', true, reason],
      ['agent-images-verify', true, reason],
      ['agent-images-attestations', true, reason],
    ]);
  });
});

describe('runtime detection watches every agent', () => {
  const dropFalco = withoutKinds('ConfigMap');
  const tetragon = (namespace: string, podSelector: object) => (o: Mutable[]) => [
    ...dropFalco(o),
    {
      apiVersion: 'cilium.io/v1alpha1',
      kind: 'TracingPolicyNamespaced',
      metadata: { name: 't', namespace },
      spec: { podSelector },
    },
  ];
  test.each<[string, (o: Mutable[]) => Mutable[], string[]]>([
    [
      'no runtime rules (runtimeEngines: [])',
      (o) => o.filter((x) => x.metadata.name !== 'agent-baseline-falco-rules'),
      ['assistant', 'tool-runner'],
    ],
    ['Tetragon covering every pod of the namespace', tetragon('agents', {}), []],
    [
      'Tetragon selecting only the assistant',
      tetragon('agents', { matchLabels: { 'app.kubernetes.io/instance': 'assistant' } }),
      ['tool-runner'],
    ],
    ['Tetragon in another namespace', tetragon('other', {}), ['assistant', 'tool-runner']],
    [
      'a Falco ConfigMap without the runtime-rules label',
      (o) => {
        o.find((x) => x.metadata.name === 'agent-baseline-falco-rules')!.metadata.labels = {};
        return o;
      },
      ['assistant', 'tool-runner'],
    ],
    [
      'Falco rules for the assistant only',
      (o) => {
        const cm = o.find((x) => x.metadata.name === 'agent-baseline-falco-rules')!;
        const key = Object.keys(cm.data)[0];
        cm.data[key] = cm.data[key].replace(/tool-runner/g, 'someone-else');
        return o;
      },
      ['tool-runner'],
    ],
  ])('%s', (_n, mutate, unwatched) => {
    const got = findings(mutate(clone(base))).filter((f) => f.startsWith('AGT-RuntimeDetection'));
    expect(got.map((f) => /agent agents\/(\S+) *$/.exec(f)?.[1] ?? f)).toEqual(unwatched);
  });

  test('a platform without runtime engines emits no rules and is reported', () => {
    const config: PlatformConfig = {
      ...DEFAULT_PLATFORM_CONFIG,
      cluster: { ...DEFAULT_PLATFORM_CONFIG.cluster, runtimeEngines: [] },
    };
    const { objects } = synthDefaultPlatform(config);
    expect(objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'runtime-rules')).toEqual([]);
    expect(findings(objects as Mutable[])).toEqual([
      'AGT-RuntimeDetection Deployment/assistant: no runtime detection rules (Falco or Tetragon) in the set watch agent agents/assistant',
      'AGT-RuntimeDetection Deployment/tool-runner: no runtime detection rules (Falco or Tetragon) in the set watch agent agents/tool-runner',
    ]);
  });
});

describe('compliance report', () => {
  test('maps the new controls to NSA/CISA, CIS and SOC 2 CC7 and shows the VAP-only gap', () => {
    const vapOnly = withoutKinds('ImageValidatingPolicy', 'ClusterPolicy', 'ClusterImagePolicy')(clone(base));
    const report = runRules(vapOnly as KubeObject[], { packs: DEFAULT_PACKS });
    const md = toMarkdown(report);
    expect(md).toContain('Logging and threat detection');
    expect(md).toContain('CC7.2');
    expect(md).toContain('CC7.1');
    expect(md).toMatch(
      /5\.5\.1 — Configure Image Provenance \|[^\n]*AGT-ImageScanAttestation[^\n]*❌ Namespace\/agents/,
    );
    // The report merges the four proofs found at the same place into one problem naming all of them.
    expect(toText(report)).toMatch(
      /AGT-ImageScanAttestation +metadata\.name: admission does not require a signed, fresh vulnerability-scan attestation: only a ValidatingAdmissionPolicy checks images in agent namespace agents, and it cannot fetch attestations \[also AGT-ImageSbom, AGT-ImageProvenance, AGT-BaseImage\]/,
    );
  });
});
