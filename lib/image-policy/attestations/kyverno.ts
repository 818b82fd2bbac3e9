/**
 * Attestation checks for Kyverno: CEL validations of an ImageValidatingPolicy (Kyverno 1.17+) and
 * JMESPath conditions of a ClusterPolicy's verifyImages (the legacy engine). Both check the same
 * things; tests evaluate both against the same passing and failing payloads.
 *
 * Kyverno functions used: CEL `verifyAttestationSignatures`, `extractPayload`, `getImageData`,
 * `time.now()`; JMESPath `time_since`, `time_after`, `time_now_utc`.
 */
import { celString, celStringList } from '../cel';
import {
  BASE_DIGEST_ANNOTATION,
  BASE_NAME_ANNOTATION,
  ResolvedAttestations,
  ResolvedVulnerabilityScan,
  expiryInstant,
} from './settings';

/** Attestor name of the attestation signer, `attestors.<name>` in CEL. */
export const KYVERNO_ATTESTATION_ATTESTOR = 'attester';

/** Names of the attestations, `attestations.<name>` in CEL. */
export const KYVERNO_ATTESTATION_NAMES = { scan: 'vulnscan', sbom: 'sbom', provenance: 'provenance' } as const;

/** The variable holding every image of the pod (containers, init and ephemeral). */
const IMAGES = 'variables.agentImages';
const IMAGES_VARIABLE = {
  name: 'agentImages',
  expression: ['containers', 'initContainers', 'ephemeralContainers']
    .map((g) => `(has(images.${g}) ? images.${g} : [])`)
    .join(' + '),
};

const signed = (name: string) =>
  `verifyAttestationSignatures(image, attestations.${name}, [attestors.${KYVERNO_ATTESTATION_ATTESTOR}]) > 0`;
/** Binds the predicate to `p` (a one-element comprehension: CEL here has no `let`). */
const withPredicate = (name: string, body: string) =>
  `[extractPayload(image, attestations.${name}).predicate].all(p, ${body})`;
const everyImage = (body: string) => `${IMAGES}.all(image, ${body})`;

/** True while an acceptance holds: `v` is the vulnerability, compared by ID and the expiry instant. */
function celAccepted(scan: ResolvedVulnerabilityScan): string {
  if (scan.acceptedVulnerabilities.length === 0) return 'false';
  return scan.acceptedVulnerabilities
    .map(
      (a) =>
        `(v.VulnerabilityID == ${celString(a.id)} && time.now() <= timestamp(${celString(expiryInstant(a.expires))}))`,
    )
    .join(' || ');
}

export interface KyvernoCelValidation {
  readonly expression: string;
  readonly message: string;
}

/** What a scan result must satisfy, over the predicate `p`. Shared by the validation and the tests. */
export function celScanClean(scan: ResolvedVulnerabilityScan): string {
  return (
    `!has(p.scanner.result.Results) || p.scanner.result.Results.all(r, !has(r.Vulnerabilities) || ` +
    `r.Vulnerabilities.all(v, !(v.Severity in ${celStringList(scan.failingSeverities)}) || ${celAccepted(scan)}))`
  );
}

/** The attestations, variables and validations to add to the ImageValidatingPolicy. */
export function kyvernoCelAttestations(a: ResolvedAttestations) {
  const attestations: { name: string; intoto: { type: string } }[] = [];
  const validations: KyvernoCelValidation[] = [];
  const scan = a.vulnerabilityScan;
  if (scan) {
    const n = KYVERNO_ATTESTATION_NAMES.scan;
    attestations.push({ name: n, intoto: { type: scan.predicateType } });
    validations.push(
      {
        expression: everyImage(signed(n)),
        message: `every image must carry a signed vulnerability scan (${scan.predicateType})`,
      },
      {
        expression: everyImage(
          withPredicate(
            n,
            `time.now() - timestamp(p.metadata.scanFinishedOn) <= duration(${celString(`${scan.maxAgeDays * 24}h`)})`,
          ),
        ),
        message: `every image's vulnerability scan must be at most ${scan.maxAgeDays} days old`,
      },
      {
        expression: everyImage(withPredicate(n, celScanClean(scan))),
        message: `no image may have a ${scan.failingSeverities.join('/')} vulnerability outside the accepted list (or past its expiry)`,
      },
    );
  }
  if (a.sbom) {
    const n = KYVERNO_ATTESTATION_NAMES.sbom;
    attestations.push({ name: n, intoto: { type: a.sbom.predicateType } });
    validations.push({
      expression: everyImage(signed(n)),
      message: `every image must carry a signed ${a.sbom.format} SBOM attestation`,
    });
  }
  if (a.provenance) {
    const n = KYVERNO_ATTESTATION_NAMES.provenance;
    attestations.push({ name: n, intoto: { type: 'https://slsa.dev/provenance/v1' } });
    validations.push(
      { expression: everyImage(signed(n)), message: 'every image must carry signed SLSA provenance' },
      {
        expression: everyImage(
          withPredicate(
            n,
            `p.runDetails.builder.id in ${celStringList(a.provenance.builderIds)} && ` +
              `p.buildDefinition.externalParameters.workflow.repository in ${celStringList(a.provenance.sourceRepositories)}`,
          ),
        ),
        message: `every image must be built by ${a.provenance.builderIds.join(', ')} from ${a.provenance.sourceRepositories.join(', ')}`,
      },
    );
  }
  if (a.baseImage) {
    const allowed = `[${a.baseImage.allowed.map((b) => `[${celString(b.name)}, ${celString(b.digest)}]`).join(', ')}]`;
    validations.push({
      expression: everyImage(
        `[getImageData(image).manifest].all(m, has(m.annotations) && ${celString(BASE_NAME_ANNOTATION)} in m.annotations && ` +
          `${celString(BASE_DIGEST_ANNOTATION)} in m.annotations && ${allowed}.exists(b, ` +
          `m.annotations[${celString(BASE_NAME_ANNOTATION)}] == b[0] && m.annotations[${celString(BASE_DIGEST_ANNOTATION)}] == b[1]))`,
      ),
      message: `every image must declare an approved base image pinned by digest (${BASE_NAME_ANNOTATION}/${BASE_DIGEST_ANNOTATION}): ${a.baseImage.allowed.map((b) => `${b.name}@${b.digest}`).join(', ')}`,
    });
  }
  return { attestations, variables: [IMAGES_VARIABLE], validations };
}

// --- Legacy ClusterPolicy (JMESPath) ---------------------------------------------------------

/** A JMESPath raw string literal. Single quotes and backslashes are escaped, so a value never ends it. */
export function jpString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A JMESPath JSON literal (backtick-quoted), escaping backticks. */
export function jpLiteral(value: unknown): string {
  return `\`${JSON.stringify(value).replace(/`/g, '\\`')}\``;
}

export interface KyvernoCondition {
  readonly key: string;
  readonly operator: 'Equals' | 'AnyIn' | 'AnyNotIn' | 'DurationLessThanOrEquals';
  readonly value: string | number | boolean | readonly string[];
  readonly message: string;
}

/** JMESPath over the predicate: IDs of findings at or above the threshold that no live acceptance covers. */
export function jpUnacceptedFindings(scan: ResolvedVulnerabilityScan): string {
  const accepted = scan.acceptedVulnerabilities.map(
    (a) =>
      `(VulnerabilityID == ${jpString(a.id)} && time_after(${jpString(expiryInstant(a.expires))}, time_now_utc()))`,
  );
  const notAccepted = accepted.length === 0 ? '' : ` && !(${accepted.join(' || ')})`;
  return `scanner.result.Results[].Vulnerabilities[?contains(${jpLiteral(scan.failingSeverities)}, Severity)${notAccepted}].VulnerabilityID[]`;
}

/** The conditions a scan attestation must satisfy, evaluated by Kyverno against the predicate. */
export function kyvernoScanConditions(scan: ResolvedVulnerabilityScan): KyvernoCondition[] {
  return [
    {
      key: "{{ time_since('', metadata.scanFinishedOn, '') }}",
      operator: 'DurationLessThanOrEquals',
      value: `${scan.maxAgeDays * 24}h`,
      message: `the vulnerability scan must be at most ${scan.maxAgeDays} days old`,
    },
    {
      key: `{{ length(${jpUnacceptedFindings(scan)}) }}`,
      operator: 'Equals',
      value: 0,
      message: `no ${scan.failingSeverities.join('/')} vulnerability outside the accepted list (or past its expiry)`,
    },
  ];
}

export function kyvernoProvenanceConditions(p: NonNullable<ResolvedAttestations['provenance']>): KyvernoCondition[] {
  return [
    {
      key: '{{ runDetails.builder.id }}',
      operator: 'AnyIn',
      value: [...p.builderIds],
      message: `the image must be built by ${p.builderIds.join(', ')}`,
    },
    {
      key: '{{ buildDefinition.externalParameters.workflow.repository }}',
      operator: 'AnyIn',
      value: [...p.sourceRepositories],
      message: `the image must be built from ${p.sourceRepositories.join(', ')}`,
    },
  ];
}

/** Key of the base-image condition: `<base.name>@<base.digest>` from the manifest annotations (`baseImage` context). */
export const JP_BASE_IMAGE_KEY = `{{ join('@', [baseImage.${JSON.stringify(BASE_NAME_ANNOTATION)} || '', baseImage.${JSON.stringify(BASE_DIGEST_ANNOTATION)} || '']) }}`;

/** verifyImages `attestations` entries for the legacy ClusterPolicy; `attestors` signs them. */
export function kyvernoLegacyAttestations(a: ResolvedAttestations, attestors: readonly object[]) {
  const entry = (type: string, conditions: KyvernoCondition[]) => ({
    type,
    attestors: [...attestors],
    ...(conditions.length ? { conditions: [{ all: conditions.map((c) => ({ ...c })) }] } : {}),
  });
  const out: object[] = [];
  if (a.vulnerabilityScan)
    out.push(entry(a.vulnerabilityScan.predicateType, kyvernoScanConditions(a.vulnerabilityScan)));
  if (a.sbom) out.push(entry(a.sbom.predicateType, []));
  if (a.provenance) out.push(entry('https://slsa.dev/provenance/v1', kyvernoProvenanceConditions(a.provenance)));
  return out;
}

/** A ClusterPolicy validate rule: each container's manifest annotations name an approved base. */
export function kyvernoLegacyBaseImageRule(
  a: ResolvedAttestations,
  match: object,
  failureAction: string,
): object | undefined {
  if (!a.baseImage) return undefined;
  const allowed = a.baseImage.allowed.map((b) => `${b.name}@${b.digest}`);
  return {
    name: 'verify-base-image',
    match,
    validate: {
      failureAction,
      message: `every image must declare an approved base image pinned by digest: ${allowed.join(', ')}`,
      foreach: [
        {
          list: 'request.object.spec.[containers, initContainers, ephemeralContainers][]',
          context: [
            {
              name: 'baseImage',
              imageRegistry: { reference: '{{ element.image }}', jmesPath: 'manifest.annotations' },
            },
          ],
          deny: { conditions: { all: [{ key: JP_BASE_IMAGE_KEY, operator: 'AnyNotIn', value: allowed }] } },
        },
      ],
    },
  };
}
