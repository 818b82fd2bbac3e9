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

function kyvernoIvpol(o: IndexedObject, labels: Record<string, string> | undefined): AttestationView | undefined {
  const spec = rec(o.object.spec);
  const mc = rec(spec.matchConstraints);
  if (labels && isRecord(mc.namespaceSelector) && !selectorMatches(mc.namespaceSelector, labels)) return undefined;
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

/** `namespace` undefined: every rule, whatever it matches. */
function kyvernoClusterPolicy(o: IndexedObject, namespace: string | undefined): AttestationView | undefined {
  const rules = recs(rec(o.object.spec).rules);
  const inScope = (r: Json) =>
    recs(rec(r.match).any)
      .concat(recs(rec(r.match).all))
      .concat(isRecord(rec(r.match).resources) ? [rec(r.match)] : [])
      .some((m) => {
        const ns = strs(rec(m.resources).namespaces);
        return ns.length === 0 || ns.includes(namespace!) || ns.includes('*');
      });
  const scoped = rules.map((r, i) => [r, i] as const).filter(([r]) => namespace === undefined || inScope(r));
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

/** Attestation-capable policies covering `namespace`. */
function attestationViews(set: ObjectSet, namespace: string) {
  const labels = set.namespaceLabels(namespace);
  const views: AttestationView[] = [];
  for (const o of set.ofKind('ImageValidatingPolicy')) {
    const v = kyvernoIvpol(o, labels);
    if (v) views.push(v);
  }
  for (const o of [...set.ofKind('ClusterPolicy'), ...set.ofKind('Policy', namespace)]) {
    if (!(o.object.apiVersion ?? '').startsWith('kyverno.io/')) continue;
    const v = kyvernoClusterPolicy(o, namespace);
    if (v) views.push(v);
  }
  for (const o of set.ofKind('ClusterImagePolicy')) {
    const v = sigstorePolicy(o, labels);
    if (v) views.push(v);
  }
  return views;
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
      const views = attestationViews(ctx.set, item.name);
      // A namespace no image policy covers is AGT-ImagePolicy's finding, not one per proof.
      const labels = ctx.set.namespaceLabels(item.name);
      const covered =
        vapCovers(ctx.set, labels) ||
        kyvernoCovers(ctx.set, item.name, labels) ||
        sigstoreCovers(ctx.set, labels) ||
        gatekeeperCovers(ctx.set, item.name);
      if (!covered) return undefined;
      const vapOnly = views.length === 0 && vapCovers(ctx.set, labels);
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
          ? kyvernoIvpol(item, undefined)
          : item.kind === 'ClusterPolicy'
            ? kyvernoClusterPolicy(item, undefined)
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
