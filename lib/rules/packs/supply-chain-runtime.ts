/**
 * Supply-chain proof and runtime watch, judged on manifests (agent pack): admission policies that
 * require a vulnerability scan, an SBOM, SLSA provenance and an approved base image for images in
 * agent namespaces; attestation signers that name one owner; runtime detection rules for every
 * agent workload. A ValidatingAdmissionPolicy cannot fetch attestations, so a namespace covered
 * only by one is reported as lacking them.
 */
import { wideSubjectProblem } from '../../common/subject-pattern';
import { DerivedKey, IndexedObject, ObjectSet } from '../object-set';
import { Rule } from '../rule';
import { CIS, NSA, OWASP, SOC2 } from '../references';
import { Json, arr, isRecord, rec, recs, selectorMatches, str, strs } from '../util';
import { gatekeeperCovers, kyvernoCovers, sigstoreCovers, vapCovers } from './agent';
import { AGENT_NAMESPACE_LABEL, at, indexedOf, isAgentWorkload, objectRule, podRule } from './helpers';

/** Image-policy kinds that can check attestations, and how each lists what it requires. */
interface AttestationView {
  /** Predicate types the policy verifies. */
  readonly predicateTypes: string[];
  /** Text of its validations/rules, searched for the base-image annotation. */
  readonly text: string;
  /** Keyless subject patterns of the attestation signers. */
  readonly subjects: { readonly pattern: string; readonly path: (string | number)[] }[];
}

/** Whether an ImageValidatingPolicy's namespaceSelector (if any) selects a namespace with these labels. */
function ivpolSelects(o: IndexedObject, labels: Readonly<Record<string, string>>): boolean {
  const mc = rec(rec(o.object.spec).matchConstraints);
  return !isRecord(mc.namespaceSelector) || selectorMatches(mc.namespaceSelector, labels);
}

function kyvernoIvpol(o: IndexedObject): AttestationView {
  const spec = rec(o.object.spec);
  const attestorNames = new Set(
    recs(spec.validations)
      .flatMap((v) => [
        ...(str(v.expression) ?? '').matchAll(/verifyAttestationSignatures\([^)]*\[attestors\.([A-Za-z0-9_-]+)\]/g),
      ])
      .map((m) => m[1]),
  );
  return {
    predicateTypes: recs(spec.attestations).map((a) => str(rec(a.intoto).type) ?? str(rec(a.referrer).type) ?? ''),
    text: JSON.stringify(spec.validations ?? []),
    subjects: recs(spec.attestors).flatMap((a, i) =>
      attestorNames.has(str(a.name) ?? '')
        ? recs(rec(rec(a.cosign).keyless).identities).flatMap((id, j) =>
            str(id.subjectRegExp)
              ? [
                  {
                    pattern: str(id.subjectRegExp)!,
                    path: ['spec', 'attestors', i, 'cosign', 'keyless', 'identities', j, 'subjectRegExp'],
                  },
                ]
              : [],
          )
        : [],
    ),
  };
}

/** Which of a Kyverno policy's rules match resources in which namespaces. */
interface RuleScopes {
  /** Rules that match in every namespace (a match entry without a namespace list, or with `*`). */
  readonly everywhere: readonly number[];
  /** Rules that match only in the namespaces they list, by namespace. */
  readonly listed: ReadonlyMap<string, readonly number[]>;
}

function ruleScopesOf(rules: readonly Json[]): RuleScopes {
  const everywhere: number[] = [];
  const listed = new Map<string, number[]>();
  rules.forEach((r, i) => {
    const entries = recs(rec(r.match).any)
      .concat(recs(rec(r.match).all))
      .concat(isRecord(rec(r.match).resources) ? [rec(r.match)] : []);
    const lists = entries.map((m) => strs(rec(m.resources).namespaces));
    if (lists.some((ns) => ns.length === 0 || ns.includes('*'))) {
      everywhere.push(i);
      return;
    }
    for (const ns of new Set(lists.flat())) {
      const bucket = listed.get(ns);
      if (bucket) bucket.push(i);
      else listed.set(ns, [i]);
    }
  });
  return { everywhere, listed };
}

const RULE_SCOPES: DerivedKey<Map<IndexedObject, RuleScopes>> = { name: 'Kyverno rule scopes per policy' };

/** Indexes of the rules that match in `namespace`, in rule order (each policy indexed once per set). */
function rulesInScope(set: ObjectSet, o: IndexedObject, namespace: string): number[] {
  const scopes = set.memo(RULE_SCOPES, o, () => ruleScopesOf(recs(rec(o.object.spec).rules)));
  return [...scopes.everywhere, ...(scopes.listed.get(namespace) ?? [])].sort((x, y) => x - y);
}

/** The view of a Kyverno policy's rules at `indexes` (undefined: every rule, whatever it matches). */
function kyvernoClusterPolicy(o: IndexedObject, indexes?: readonly number[]): AttestationView | undefined {
  const rules = recs(rec(o.object.spec).rules);
  const scoped = (indexes ?? rules.map((_, i) => i)).map((i) => [rules[i], i] as const);
  if (scoped.length === 0) return undefined;
  const subjects: AttestationView['subjects'] = [];
  const predicateTypes: string[] = [];
  for (const [r, i] of scoped) {
    recs(r.verifyImages).forEach((v, j) =>
      recs(v.attestations).forEach((a, k) => {
        predicateTypes.push(str(a.type) ?? str(a.predicateType) ?? '');
        recs(a.attestors).forEach((att, l) =>
          recs(att.entries).forEach((e, m) => {
            const re = str(rec(e.keyless).subjectRegExp);
            if (re)
              subjects.push({
                pattern: re,
                path: [
                  'spec',
                  'rules',
                  i,
                  'verifyImages',
                  j,
                  'attestations',
                  k,
                  'attestors',
                  l,
                  'entries',
                  m,
                  'keyless',
                  'subjectRegExp',
                ],
              });
          }),
        );
      }),
    );
  }
  return { predicateTypes, text: JSON.stringify(scoped.map(([r]) => r)), subjects };
}

function sigstorePolicy(o: IndexedObject, labels: Record<string, string>): AttestationView | undefined {
  if (labels['policy.sigstore.dev/include'] !== 'true') return undefined;
  const authorities = recs(rec(o.object.spec).authorities);
  const withAttestations = authorities.map((a, i) => [a, i] as const).filter(([a]) => arr(a.attestations).length > 0);
  return {
    predicateTypes: withAttestations.flatMap(([a]) => recs(a.attestations).map((x) => str(x.predicateType) ?? '')),
    // policy-controller cannot read manifest annotations, so it never checks the base image.
    text: '',
    subjects: withAttestations.flatMap(([a, i]) =>
      recs(rec(a.keyless).identities).flatMap((id, j) =>
        str(id.subjectRegExp)
          ? [
              {
                pattern: str(id.subjectRegExp)!,
                path: ['spec', 'authorities', i, 'keyless', 'identities', j, 'subjectRegExp'],
              },
            ]
          : [],
      ),
    ),
  };
}

/** An ImageValidatingPolicy's view, the same for every namespace it selects. */
const IVPOL_VIEWS: DerivedKey<Map<IndexedObject, AttestationView>> = {
  name: 'attestation view per ImageValidatingPolicy',
};

/**
 * A Kyverno policy's view per scope, keyed `<policy index>|<indexes of its rules that apply>`:
 * namespaces that the same rules cover share it, and building it serializes those rules.
 */
const KYVERNO_VIEWS: DerivedKey<Map<string, AttestationView | undefined>> = {
  name: 'attestation view per Kyverno policy and rule scope',
};

/** Attestation-capable policies covering `namespace`. */
function attestationViews(set: ObjectSet, namespace: string): readonly AttestationView[] {
  const labels = set.namespaceLabels(namespace);
  const views: AttestationView[] = [];
  for (const o of set.ofKind('ImageValidatingPolicy')) {
    if (ivpolSelects(o, labels)) views.push(set.memo(IVPOL_VIEWS, o, () => kyvernoIvpol(o)));
  }
  for (const o of [...set.ofKind('ClusterPolicy'), ...set.ofKind('Policy', namespace)]) {
    if (!(o.object.apiVersion ?? '').startsWith('kyverno.io/')) continue;
    const indexes = rulesInScope(set, o, namespace);
    const v = set.memo(KYVERNO_VIEWS, `${o.index}|${indexes.join(',')}`, () => kyvernoClusterPolicy(o, indexes));
    if (v) views.push(v);
  }
  for (const o of set.ofKind('ClusterImagePolicy')) {
    const v = sigstorePolicy(o, labels);
    if (v) views.push(v);
  }
  return views;
}

/** What the proof rules need to know about one namespace's image admission. */
interface AttestationCoverage {
  /** Attestation-capable policies covering the namespace. */
  readonly views: readonly AttestationView[];
  /** Whether any image policy (of any engine) covers it. */
  readonly covered: boolean;
  /** Whether only a ValidatingAdmissionPolicy covers it (it cannot fetch attestations). */
  readonly vapOnly: boolean;
}

const ATTESTATION_COVERAGE: DerivedKey<Map<string, AttestationCoverage>> = {
  name: 'attestation coverage per namespace',
};

/**
 * Built once per namespace and set: the four proof rules ask the same question of every agent
 * namespace, and a ClusterPolicy's views walk (and serialize) its rules.
 */
function attestationCoverage(set: ObjectSet, namespace: string): AttestationCoverage {
  return set.memo(ATTESTATION_COVERAGE, namespace, () => {
    const views = attestationViews(set, namespace);
    const labels = set.namespaceLabels(namespace);
    const vap = vapCovers(set, labels);
    const covered =
      vap || kyvernoCovers(set, namespace, labels) || sigstoreCovers(set, labels) || gatekeeperCovers(set, namespace);
    return { views, covered, vapOnly: views.length === 0 && vap };
  });
}

/** One row per proof an image must carry; each becomes a rule citing its controls. */
const PROOFS: readonly {
  readonly id: string;
  readonly what: string;
  readonly holds: (v: AttestationView) => boolean;
  readonly references: Rule['references'];
}[] = [
  {
    id: 'AGT-ImageScanAttestation',
    what: 'a signed, fresh vulnerability-scan attestation',
    holds: (v) => v.predicateTypes.some((t) => /vuln|scan/i.test(t)),
    references: [NSA.images, CIS.imageProvenance, SOC2.configuration, OWASP.supplyChain],
  },
  {
    id: 'AGT-ImageSbom',
    what: 'an SBOM attestation (SPDX or CycloneDX)',
    holds: (v) => v.predicateTypes.some((t) => /spdx\.dev|cyclonedx\.org/i.test(t)),
    references: [NSA.images, SOC2.configuration, OWASP.supplyChain],
  },
  {
    id: 'AGT-ImageProvenance',
    what: 'SLSA provenance from an allowed builder and repository',
    holds: (v) => v.predicateTypes.some((t) => /slsa\.dev\/provenance/i.test(t)),
    references: [NSA.images, CIS.imageProvenance, SOC2.software, OWASP.supplyChain],
  },
  {
    id: 'AGT-BaseImage',
    what: 'an approved base image (org.opencontainers.image.base.name/digest)',
    holds: (v) => v.text.includes('org.opencontainers.image.base.name'),
    references: [NSA.images, CIS.imageProvenance, SOC2.configuration],
  },
];

function proofRule(row: (typeof PROOFS)[number]): Rule {
  return objectRule(
    {
      id: row.id,
      kinds: ['Namespace'],
      title: `Admission requires ${row.what}`,
      // Admission engines may be configured outside the scanned set; a warning, as AGT-ImagePolicy.
      severity: 'warning',
      description: `Images in an agent namespace must carry ${row.what}, checked at admission by Kyverno (ImageValidatingPolicy attestations or ClusterPolicy verifyImages attestations) or Sigstore policy-controller (ClusterImagePolicy attestations). A ValidatingAdmissionPolicy cannot fetch attestations: a namespace covered only by one lacks this proof.`,
      fix: 'Set ImagePolicy attestations and run Kyverno or Sigstore policy-controller (platform imagePolicyEngines); see docs/supply-chain-runtime.md.',
      references: row.references,
      scanners: [],
    },
    (ctx) => {
      const item = indexedOf(ctx);
      if (item.labels[AGENT_NAMESPACE_LABEL] !== 'true') return undefined;
      const { views, covered, vapOnly } = attestationCoverage(ctx.set, item.name);
      // A namespace no image policy covers is AGT-ImagePolicy's finding, not one per proof.
      if (!covered) return undefined;
      if (views.some(row.holds)) return [];
      const why = vapOnly
        ? `only a ValidatingAdmissionPolicy checks images in agent namespace ${item.name}, and it cannot fetch attestations`
        : `no Kyverno or Sigstore policy covering agent namespace ${item.name} requires it`;
      return [at(`admission does not require ${row.what}: ${why}`, ['metadata', 'name'])];
    },
  );
}

/** Waivers recorded by ImagePolicy's `allowWideSubject` suppress this rule on the policy. */
export const ATTESTATION_SIGNER_RULE_ID = 'AGT-AttestationSigner';

function attestationSignerRule(): Rule {
  return objectRule(
    {
      id: ATTESTATION_SIGNER_RULE_ID,
      kinds: ['ImageValidatingPolicy', 'ClusterPolicy', 'ClusterImagePolicy'],
      title: 'Attestation signers name one owner',
      severity: 'warning',
      description:
        'A keyless subject pattern such as ^https://github.com/.*$ accepts attestations signed by any workflow of any repository the pattern reaches, so anyone with such a workflow can sign a passing scan. The pattern must fix the owner and must not use . wildcards that cross path components.',
      fix: "Narrow the subject pattern to your repositories' workflows, or record a waiver (ImagePolicy attestations.allowWideSubject with a reason).",
      references: [NSA.images, CIS.imageProvenance, SOC2.software],
      scanners: [],
    },
    (ctx) => {
      const item = indexedOf(ctx);
      const view =
        item.kind === 'ImageValidatingPolicy'
          ? kyvernoIvpol(item)
          : item.kind === 'ClusterPolicy'
            ? kyvernoClusterPolicy(item)
            : sigstorePolicy(item, { 'policy.sigstore.dev/include': 'true' });
      if (!view || view.predicateTypes.length === 0) return undefined;
      return view.subjects.flatMap((s) => {
        const wide = wideSubjectProblem(s.pattern);
        return wide ? [at(`attestation signer subject ${JSON.stringify(s.pattern)} is wide: ${wide}`, s.path)] : [];
      });
    },
  );
}

/** Label on the objects AgentRuntimeRules emits. */
const RUNTIME_COMPONENT = 'runtime-rules';
export const RUNTIME_DETECTION_RULE_ID = 'AGT-RuntimeDetection';

function runtimeCovered(set: ObjectSet, namespace: string, podLabels: Record<string, string>): boolean {
  const tetragon = set
    .ofKind('TracingPolicyNamespaced', namespace)
    .some((p) => selectorMatches(rec(p.object.spec).podSelector ?? {}, podLabels));
  if (tetragon) return true;
  const instance = podLabels['app.kubernetes.io/instance'];
  if (instance === undefined) return false;
  return runtimeRuleTexts(set).some(
    (text) =>
      text.includes(`k8s.ns.name = "${namespace}"`) &&
      text.includes(`k8s.pod.label[app.kubernetes.io/instance] = "${instance}"`),
  );
}

const RUNTIME_RULE_TEXTS: DerivedKey<readonly string[]> = { name: 'runtime rules ConfigMap texts' };

/** The text of every runtime-rules ConfigMap, joined once per set rather than once per agent pod. */
function runtimeRuleTexts(set: ObjectSet): readonly string[] {
  return set.derive(RUNTIME_RULE_TEXTS, (s) =>
    s
      .ofKind('ConfigMap')
      .filter((c) => c.labels['app.kubernetes.io/component'] === RUNTIME_COMPONENT)
      .map((c) => Object.values(rec(c.object.data)).join('\n')),
  );
}

function runtimeRule(): Rule {
  return podRule(
    {
      id: RUNTIME_DETECTION_RULE_ID,
      title: 'Runtime detection watches every agent',
      severity: 'warning',
      description:
        'Admission proves what an image is; runtime rules watch what the container does: a shell or package manager started, a write outside the declared writable paths, a service-account token read without API grants, a connection outside the declared egress. Detected in the set: a Falco rules ConfigMap or a Tetragon TracingPolicyNamespaced generated for the agent (AgentRuntimeRules). Rules installed outside the set cannot be seen: suppress with a reason.',
      fix: "Name the cluster's runtime engines in the platform's runtimeEngines and add AgentRuntimeRules after the agents.",
      references: [NSA.threatDetection, SOC2.monitoring, OWASP.excessiveAgency],
      scanners: [],
    },
    (pod, ctx) => {
      const item = indexedOf(ctx);
      if (!isAgentWorkload(item, pod)) return undefined;
      return runtimeCovered(ctx.set, item.namespace, pod.labels)
        ? []
        : [
            at(`no runtime detection rules (Falco or Tetragon) in the set watch agent ${item.namespace}/${item.name}`, [
              ...pod.specPath,
            ]),
          ];
    },
  );
}

/** Added to the agent pack (packs/index.ts). */
export const SUPPLY_CHAIN_RUNTIME_RULES: readonly Rule[] = [
  ...PROOFS.map(proofRule),
  attestationSignerRule(),
  runtimeRule(),
];
