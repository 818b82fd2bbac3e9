import { Testing } from 'cdk8s';
import { AgentBaselineError, ImagePolicyEngine } from '../../lib/core';
import { ImagePolicy, ImagePolicyProps } from '../../lib/image-policy';
import { JP_BASE_IMAGE_KEY } from '../../lib/image-policy/attestations/kyverno';
import { PREDICATE_TYPES, wideSubjectProblem } from '../../lib/image-policy/attestations/settings';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { crdValidator } from '../helpers/crd';
import { IvpolSpec, JpCondition, TestImage, evaluateConditions, evaluateIvpol, evaluateKey } from '../helpers/kyverno';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT_RE = '^https://github[.]com/acme/[^/]+/[.]github/workflows/release[.]yml@refs/heads/main$';
const BUILDER = 'https://github.com/actions/runner/github-hosted';
const REPO = 'https://github.com/acme/agent';
const BASE = 'cgr.dev/chainguard/static';
const BASE_DIGEST = `sha256:${'c0'.repeat(32)}`;
const NOW = new Date('2026-12-01T12:00:00Z');
const IMAGE = `ghcr.io/acme/agent:1.0.0@sha256:${'ab'.repeat(32)}`;

const PROPS: ImagePolicyProps = {
  allowedPrefixes: ['ghcr.io/acme/'],
  signature: { keyless: { issuer: ISSUER, subjectRegExp: SUBJECT_RE } },
  attestations: {
    vulnerabilityScan: {
      failOnSeverity: 'high',
      acceptedVulnerabilities: [
        { id: 'CVE-2026-1111', reason: 'not reachable: the vulnerable parser is never called', expires: '2027-01-31' },
        { id: 'CVE-2026-2222', reason: 'waiting for the upstream fix release', expires: '2026-11-30' },
      ],
    },
    sbom: { format: 'spdx' },
    provenance: { builderIds: [BUILDER], sourceRepositories: [REPO] },
    baseImage: { allowed: [`${BASE}:latest@${BASE_DIGEST}`] },
  },
};

function synth(props: ImagePolicyProps = PROPS, engines: ImagePolicyEngine[] = ['vap', 'kyverno', 'sigstore']) {
  const app = Testing.app();
  const platform = new AgentPlatform(app, 'platform', { imagePolicyEngines: engines });
  new AgentNamespace(platform, 'agents');
  new ImagePolicy(platform, 'ImagePolicy', props);
  return Testing.synth(platform) as {
    apiVersion: string;
    kind: string;
    metadata: { name: string; annotations?: Record<string, string> };
    spec: Record<string, unknown>;
  }[];
}

const objects = synth();
const byName = (name: string) => objects.find((o) => o.metadata.name === name)!;
const ivpol = byName('agent-images-signature');
const clusterPolicy = byName('agent-images-verify');

type Vuln = { VulnerabilityID: string; Severity: string };
function image(
  over: {
    scannedDaysAgo?: number;
    vulns?: Vuln[];
    sbom?: boolean;
    builder?: string;
    repo?: string;
    base?: string;
    baseDigest?: string | null;
  } = {},
): TestImage {
  const scanned = new Date(NOW.getTime() - (over.scannedDaysAgo ?? 1) * 86400000).toISOString();
  const statements: Record<string, { predicateType: string; predicate: unknown }> = {
    [PREDICATE_TYPES.cosignVuln]: {
      predicateType: PREDICATE_TYPES.cosignVuln,
      predicate: {
        scanner: {
          uri: 'pkg:github/aquasecurity/trivy@0.58.0',
          result: {
            Results: [
              { Target: 'app' },
              { Target: 'os', Vulnerabilities: over.vulns ?? [{ VulnerabilityID: 'CVE-2026-0001', Severity: 'LOW' }] },
            ],
          },
        },
        metadata: { scanStartedOn: scanned, scanFinishedOn: scanned },
      },
    },
    [PREDICATE_TYPES.slsaProvenanceV1]: {
      predicateType: PREDICATE_TYPES.slsaProvenanceV1,
      predicate: {
        buildDefinition: {
          externalParameters: { workflow: { repository: over.repo ?? REPO, ref: 'refs/heads/main' } },
        },
        runDetails: { builder: { id: over.builder ?? BUILDER } },
      },
    },
  };
  if (over.sbom !== false)
    statements[PREDICATE_TYPES.spdx] = { predicateType: PREDICATE_TYPES.spdx, predicate: { spdxVersion: 'SPDX-2.3' } };
  const annotations: Record<string, string> = { 'org.opencontainers.image.base.name': over.base ?? `${BASE}:latest` };
  if (over.baseDigest !== null) annotations['org.opencontainers.image.base.digest'] = over.baseDigest ?? BASE_DIGEST;
  return { statements, manifest: { schemaVersion: 2, annotations } };
}

/** Every message the legacy ClusterPolicy would deny with, evaluated with the JMESPath engine. */
function legacyViolations(img: TestImage): string[] {
  const rules = clusterPolicy.spec.rules as {
    name: string;
    verifyImages?: { attestations: { type: string; conditions?: { all: JpCondition[] }[] }[] }[];
    validate?: { message: string; foreach: { deny: { conditions: { all: JpCondition[] } } }[] };
  }[];
  const out: string[] = [];
  for (const a of rules[0].verifyImages![0].attestations) {
    const st = img.statements[a.type];
    if (!st) {
      out.push(`missing attestation ${a.type}`);
      continue;
    }
    for (const c of a.conditions ?? []) out.push(...evaluateConditions(c.all, st.predicate, NOW));
  }
  const base = rules.find((r) => r.name === 'verify-base-image')!;
  const cond = base.validate!.foreach[0].deny.conditions.all[0];
  const key = evaluateKey(cond.key, { baseImage: (img.manifest as { annotations: unknown }).annotations }, NOW);
  // deny when the key is not in the allowed list
  if (!(cond.value as string[]).includes(key as string)) out.push(base.validate!.message);
  return out;
}

const cel = (img: TestImage) => evaluateIvpol(ivpol.spec as unknown as IvpolSpec, { [IMAGE]: img }, NOW);

describe('attestation checks, evaluated: Kyverno CEL (ImageValidatingPolicy) and JMESPath (ClusterPolicy) agree', () => {
  test.each<[string, Parameters<typeof image>[0], RegExp | undefined]>([
    ['a fresh, clean, fully attested image', {}, undefined],
    ['a scan 6 days old', { scannedDaysAgo: 6 }, undefined],
    ['a stale scan (8 days, window 7)', { scannedDaysAgo: 8 }, /days old/],
    [
      'a MEDIUM finding (below the high threshold)',
      { vulns: [{ VulnerabilityID: 'CVE-2026-3', Severity: 'MEDIUM' }] },
      undefined,
    ],
    [
      'a HIGH finding (at the threshold)',
      { vulns: [{ VulnerabilityID: 'CVE-2026-3', Severity: 'HIGH' }] },
      /vulnerability/,
    ],
    [
      'a CRITICAL finding (above the threshold)',
      { vulns: [{ VulnerabilityID: 'CVE-2026-3', Severity: 'CRITICAL' }] },
      /vulnerability/,
    ],
    [
      'an accepted CRITICAL finding before its expiry',
      { vulns: [{ VulnerabilityID: 'CVE-2026-1111', Severity: 'CRITICAL' }] },
      undefined,
    ],
    [
      'an accepted finding past its expiry',
      { vulns: [{ VulnerabilityID: 'CVE-2026-2222', Severity: 'HIGH' }] },
      /vulnerability/,
    ],
    [
      'an accepted ID with a second, unaccepted HIGH',
      {
        vulns: [
          { VulnerabilityID: 'CVE-2026-1111', Severity: 'HIGH' },
          { VulnerabilityID: 'CVE-2026-9', Severity: 'HIGH' },
        ],
      },
      /vulnerability/,
    ],
    ['no SBOM', { sbom: false }, /SBOM|spdx/i],
    ['a wrong builder', { builder: 'https://evil.example/builder' }, /built by/],
    ['a wrong source repository', { repo: 'https://github.com/acme/other' }, /built/],
    ['a base image not on the list', { base: 'docker.io/library/ubuntu:24.04' }, /base image/],
    ['the approved base name with another digest', { baseDigest: `sha256:${'0f'.repeat(32)}` }, /base image/],
    ['no base digest annotation', { baseDigest: null }, /base image/],
  ])('%s', (_name, over, expected) => {
    const img = image(over);
    const celFailures = cel(img);
    const jpFailures = legacyViolations(img);
    if (expected === undefined) {
      expect(celFailures).toEqual([]);
      expect(jpFailures).toEqual([]);
    } else {
      expect(celFailures.join('\n')).toMatch(expected);
      expect(jpFailures.length).toBeGreaterThan(0);
    }
  });

  test('an image the pod lists as an init container is checked too', () => {
    const spec = ivpol.spec as unknown as IvpolSpec;
    const failures = evaluateIvpol(spec, { [IMAGE]: image(), bad: image({ sbom: false }) }, NOW, [IMAGE]);
    expect(failures).toEqual([]);
    expect(evaluateIvpol(spec, { [IMAGE]: image(), bad: image({ sbom: false }) }, NOW, [IMAGE, 'bad']).join()).toMatch(
      /SBOM/,
    );
  });

  test('the base-image key is name@digest from the manifest annotations', () => {
    expect(
      evaluateKey(
        JP_BASE_IMAGE_KEY,
        {
          baseImage: {
            'org.opencontainers.image.base.name': 'a/b',
            'org.opencontainers.image.base.digest': 'sha256:1',
          },
        },
        NOW,
      ),
    ).toBe('a/b@sha256:1');
    expect(evaluateKey(JP_BASE_IMAGE_KEY, { baseImage: null }, NOW)).toBe('@');
  });
});

describe('generated objects validate against pinned CRD schemas', () => {
  test.each([
    ['ImageValidatingPolicy', 'kyverno/policies.kyverno.io_imagevalidatingpolicies.yaml'],
    ['ClusterPolicy', 'kyverno/kyverno.io_clusterpolicies.yaml'],
    ['ClusterImagePolicy', 'policy-controller/300-clusterimagepolicy.yaml'],
  ])('%s', (kind, file) => {
    const found = objects.filter((o) => o.kind === kind);
    expect(found.length).toBeGreaterThan(0);
    for (const o of found) expect(crdValidator(file, o.apiVersion, kind)(o)).toBeUndefined();
  });

  test('a broken object is caught (the validator is not vacuous)', () => {
    const bad = { ...ivpol, spec: { ...ivpol.spec, attestations: [{ intoto: { type: 1 } }] } };
    expect(
      crdValidator(
        'kyverno/policies.kyverno.io_imagevalidatingpolicies.yaml',
        ivpol.apiVersion,
        'ImageValidatingPolicy',
      )(bad),
    ).toMatch(/name|type/);
  });
});

describe('engines', () => {
  test('Sigstore gets a separate attestation policy (every matching ClusterImagePolicy must pass)', () => {
    const cip = byName('agent-images-attestations');
    const authorities = cip.spec.authorities as {
      attestations: { name: string; predicateType: string; policy: { type: string; data: string } }[];
    }[];
    expect(authorities).toHaveLength(1);
    expect(authorities[0].attestations.map((a) => a.name)).toEqual(['vulnscan', 'sbom', 'provenance']);
    const scan = authorities[0].attestations[0].policy.data;
    expect(scan).toContain('"CVE-2026-1111"');
    expect(scan).toContain('"2027-01-31T23:59:59Z"');
    expect(scan).toContain('failing := {"HIGH", "CRITICAL"}');
  });

  test('a VAP-only cluster gets no attestation object (a VAP cannot fetch attestations)', () => {
    const vapOnly = synth(
      {
        ...PROPS,
        signature: undefined,
        attestations: { ...PROPS.attestations!, signer: { keyless: { issuer: ISSUER, subjectRegExp: SUBJECT_RE } } },
      },
      ['vap'],
    );
    expect(vapOnly.map((o) => o.kind).filter((k) => /Policy$/.test(k))).toEqual(['ValidatingAdmissionPolicy']);
    expect(JSON.stringify(vapOnly)).not.toMatch(/attestation|vulnscan/i);
  });
});

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AgentBaselineError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('refused attestation settings', () => {
  const att = PROPS.attestations!;
  test.each<[string, ImagePolicyProps['attestations'], RegExp]>([
    ['no requirement at all', {}, /attestations: .*at least one of vulnerabilityScan, sbom, provenance, baseImage/],
    [
      'an accepted CVE without expiry',
      {
        vulnerabilityScan: {
          acceptedVulnerabilities: [{ id: 'CVE-2026-1', reason: 'because reasons here', expires: '' }],
        },
      },
      /acceptedVulnerabilities\[0\]\.expires: .*YYYY-MM-DD/,
    ],
    [
      'an impossible expiry date',
      {
        vulnerabilityScan: {
          acceptedVulnerabilities: [{ id: 'CVE-2026-1', reason: 'because reasons here', expires: '2026-02-30' }],
        },
      },
      /expires: invalid value "2026-02-30"/,
    ],
    [
      'an accepted CVE without reason',
      { vulnerabilityScan: { acceptedVulnerabilities: [{ id: 'CVE-2026-1', reason: '', expires: '2027-01-01' }] } },
      /acceptedVulnerabilities\[0\]\.reason/,
    ],
    [
      'an ID with a quote',
      {
        vulnerabilityScan: {
          acceptedVulnerabilities: [{ id: "CVE-1' || true", reason: 'because reasons here', expires: '2027-01-01' }],
        },
      },
      /\.id: .*scanner vulnerability ID/,
    ],
    ['an unknown severity', { vulnerabilityScan: { failOnSeverity: 'severe' as 'high' } }, /failOnSeverity/],
    ['a 0-day window', { vulnerabilityScan: { maxAgeDays: 0 } }, /maxAgeDays/],
    [
      'a base image by tag',
      { baseImage: { allowed: ['cgr.dev/chainguard/static:latest'] } },
      /baseImage\.allowed\[0\]: .*pinned by digest/,
    ],
    [
      'an empty builder list',
      { provenance: { builderIds: [], sourceRepositories: [REPO] } },
      /provenance\.builderIds: .*at least one builder ID/,
    ],
    ['an unknown SBOM format', { sbom: { format: 'swid' as 'spdx' } }, /sbom\.format/],
    [
      'a waiver for a narrow signer',
      { ...att, allowWideSubject: { reason: 'our whole org signs the same way' } },
      /allowWideSubject: .*not wide/,
    ],
  ])('%s', (_name, attestations, expected) => {
    expect(refusal(() => synth({ ...PROPS, attestations }))).toMatch(expected);
  });

  test.each([
    ['.*', '^https://github[.]com/acme/.*$'],
    ['.+', '^https://github[.]com/.+/release[.]yml@refs/heads/main$'],
    ['a whole host', '^https://github[.]com/[^/]+/[^/]+/x$'],
    ['any owner', '^https://github[.]com/[^/]+/agent/[.]github/workflows/r[.]yml@refs/heads/main$'],
    ['a look-alike host', '^https://github[.]com[^/]*/acme/x$'],
  ])('a wide signer subject (%s) needs a waiver', (_n, re) => {
    const props = { ...PROPS, attestations: { ...att, signer: { keyless: { issuer: ISSUER, subjectRegExp: re } } } };
    expect(refusal(() => synth(props))).toMatch(
      /attestations\.signer\.keyless\.subjectRegExp: invalid value .*the pattern is wide.*allowWideSubject/,
    );
  });

  test('with a waiver the wide signer is accepted and the waiver is recorded on every attestation policy', () => {
    const props = {
      ...PROPS,
      attestations: {
        ...att,
        signer: { keyless: { issuer: ISSUER, subjectRegExp: '^https://github[.]com/acme/.+$' } },
        allowWideSubject: { reason: 'monorepo migration: every acme repo signs scans until Q1' },
      },
    };
    const out = synth(props).filter((o) => /signature|verify|attestations/.test(o.metadata.name));
    expect(out.map((o) => o.metadata.name).sort()).toEqual([
      'agent-images-attestations',
      'agent-images-signature',
      'agent-images-verify',
    ]);
    for (const o of out) {
      expect(JSON.parse(o.metadata.annotations!['agent-baseline.io/suppressions'])).toEqual([
        { rule: 'AGT-AttestationSigner', reason: 'monorepo migration: every acme repo signs scans until Q1' },
      ]);
    }
  });

  test('narrow patterns are not wide', () => {
    expect(wideSubjectProblem(SUBJECT_RE)).toBeUndefined();
    expect(
      wideSubjectProblem(
        '^https://github[.]com/acme-ai/[^/]+/[.]github/workflows/[^/@]+@refs/(heads/main|tags/v[0-9][^/]*)$',
      ),
    ).toBeUndefined();
    expect(
      wideSubjectProblem('^https://github\\.com/acme/app/\\.github/workflows/r\\.yml@refs/heads/main$'),
    ).toBeUndefined();
  });

  test('a key-based attestation signer is used by every engine', () => {
    const pem =
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEexample0123456789abcdefABCDEF\n-----END PUBLIC KEY-----';
    const out = synth({ ...PROPS, attestations: { ...PROPS.attestations!, signer: { publicKey: pem } } });
    const ivp = out.find((o) => o.kind === 'ImageValidatingPolicy')!;
    const attester = (ivp.spec.attestors as { name: string; cosign: { key?: { data: string } } }[]).find(
      (a) => a.name === 'attester',
    )!;
    expect(attester.cosign.key?.data).toBe(`${pem}\n`);
    const cip = out.find((o) => o.metadata.name === 'agent-images-attestations')!;
    expect((cip.spec.authorities as { key?: { data: string } }[])[0].key?.data).toBe(`${pem}\n`);
    const cpol = JSON.stringify(out.find((o) => o.kind === 'ClusterPolicy')!.spec);
    expect(cpol).toContain('"publicKeys"');
    expect(
      refusal(() => synth({ ...PROPS, attestations: { ...PROPS.attestations!, signer: { publicKey: 'not a key' } } })),
    ).toMatch(/attestations\.signer\.publicKey: invalid value "not a key"/);
  });

  test('no signer at all', () => {
    expect(refusal(() => synth({ ...PROPS, signature: undefined }, ['vap']))).toMatch(
      /attestations\.signer: .*unsigned attestation proves nothing/,
    );
  });
});
