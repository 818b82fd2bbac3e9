/**
 * Attestation requirements of an ImagePolicy: what must be proven about an image (scanned, with an
 * SBOM, built by a known builder from a known repository, on an approved base) before admission.
 * Validated once here; the Kyverno and Sigstore renderers turn the resolved form into policy.
 */
import { IConstruct } from 'constructs';
import {
  compareText,
  invalidProp,
  requireInteger,
  requireNonEmptyString,
  requireOneOf,
  requireReason,
} from '../../core';
import { parseImageReference } from '../../common/image-reference';
import { wideSubjectProblem } from '../../common/subject-pattern';

export { wideSubjectProblem };

/** Scanner severities, lowest first. One source of truth for the threshold and the severities it covers. */
export type VulnerabilitySeverity = 'low' | 'medium' | 'high' | 'critical';
export const VULNERABILITY_SEVERITIES: readonly VulnerabilitySeverity[] = ['low', 'medium', 'high', 'critical'];

/** Predicate types of the attestations, as cosign and the SLSA generators write them. */
export const PREDICATE_TYPES = {
  /** `cosign attest --type vuln` (Trivy `--format cosign-vuln` writes this predicate). */
  cosignVuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  spdx: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  slsaProvenanceV1: 'https://slsa.dev/provenance/v1',
} as const;

export type SbomFormat = 'spdx' | 'cyclonedx';
export const SBOM_FORMATS: readonly SbomFormat[] = ['spdx', 'cyclonedx'];

/** OCI image manifest annotations that name the base image (image-spec annotations.md). */
export const BASE_NAME_ANNOTATION = 'org.opencontainers.image.base.name';
export const BASE_DIGEST_ANNOTATION = 'org.opencontainers.image.base.digest';

/** A vulnerability accepted for a while, with why. After `expires` it counts again. */
export interface AcceptedVulnerability {
  /** The scanner's ID, e.g. `CVE-2024-3094` or `GHSA-xxxx-xxxx-xxxx`. */
  readonly id: string;
  /** Why it is accepted (not reachable, no fix yet …); recorded on the policy. */
  readonly reason: string;
  /** Last day (UTC, `YYYY-MM-DD`) the acceptance holds; admission stops honouring it after that day. */
  readonly expires: string;
}

export interface VulnerabilityScanRequirement {
  /**
   * In-toto predicate type of the scan attestation. Its predicate must carry
   * `metadata.scanFinishedOn` and `scanner.result.Results[].Vulnerabilities[]` with `VulnerabilityID`
   * and `Severity` (the cosign vuln predicate with a Trivy JSON result).
   * @default PREDICATE_TYPES.cosignVuln
   */
  readonly predicateType?: string;
  /** Oldest accepted scan, in days before admission. @default 7 */
  readonly maxAgeDays?: number;
  /** Findings at or above this severity refuse the image. @default 'critical' */
  readonly failOnSeverity?: VulnerabilitySeverity;
  /** Vulnerabilities accepted until their expiry date. @default none */
  readonly acceptedVulnerabilities?: readonly AcceptedVulnerability[];
}

export interface SbomRequirement {
  /** SBOM format of the attestation. @default 'spdx' */
  readonly format?: SbomFormat;
}

export interface ProvenanceRequirement {
  /** Allowed SLSA builder IDs (`runDetails.builder.id`), exact. */
  readonly builderIds: readonly string[];
  /** Allowed source repositories (`buildDefinition.externalParameters.workflow.repository`), exact URLs. */
  readonly sourceRepositories: readonly string[];
}

export interface BaseImageRequirement {
  /**
   * Approved base images, each `registry/repository[:tag]@sha256:<64 hex>`. The image's manifest
   * annotations `org.opencontainers.image.base.name` and `.base.digest` must name one of them.
   */
  readonly allowed: readonly string[];
}

export interface AttestationRequirements {
  /** Require a fresh vulnerability scan attestation with no finding at or above a severity. @default none */
  readonly vulnerabilityScan?: VulnerabilityScanRequirement;
  /** Require an SBOM attestation. @default none */
  readonly sbom?: SbomRequirement;
  /** Require SLSA provenance from an allowed builder and repository. @default none */
  readonly provenance?: ProvenanceRequirement;
  /** Require the declared base image to be approved. @default none */
  readonly baseImage?: BaseImageRequirement;
  /**
   * Accept a keyless subject pattern that matches more than one repository's workflows (e.g.
   * `.*` or a whole organisation); recorded on the policies and shown as a suppressed finding.
   * @default none: wide patterns are refused
   */
  readonly allowWideSubject?: { readonly reason: string };
}

export interface ResolvedVulnerabilityScan {
  readonly predicateType: string;
  readonly maxAgeDays: number;
  readonly failOnSeverity: VulnerabilitySeverity;
  /** Upper-case severities (as scanners write them) at or above the threshold. */
  readonly failingSeverities: readonly string[];
  readonly acceptedVulnerabilities: readonly AcceptedVulnerability[];
}

export interface ResolvedBaseImage {
  readonly name: string;
  readonly digest: string;
}

export interface ResolvedAttestations {
  readonly vulnerabilityScan?: ResolvedVulnerabilityScan;
  readonly sbom?: { readonly format: SbomFormat; readonly predicateType: string };
  readonly provenance?: { readonly builderIds: readonly string[]; readonly sourceRepositories: readonly string[] };
  readonly baseImage?: { readonly allowed: readonly ResolvedBaseImage[] };
  /** Set when the signer's subject pattern is wide and a waiver accepted it. */
  readonly wideSubjectWaiver?: { readonly reason: string };
}

/** The rule a wide attestation signer breaks; `allowWideSubject` waives exactly this rule. */
export const WIDE_SUBJECT_RULE_ID = 'AGT-AttestationSigner';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const VULN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{2,99}$/;

/** End of the expiry day, UTC, as RFC 3339: what admission compares the current time against. */
export function expiryInstant(expires: string): string {
  return `${expires}T23:59:59Z`;
}

function resolveScan(scope: IConstruct, scan: VulnerabilityScanRequirement): ResolvedVulnerabilityScan {
  const f = 'attestations.vulnerabilityScan';
  const failOnSeverity = requireOneOf(
    scope,
    `${f}.failOnSeverity`,
    scan.failOnSeverity ?? 'critical',
    VULNERABILITY_SEVERITIES,
  );
  const accepted = (scan.acceptedVulnerabilities ?? []).map((a, i) => {
    const at = `${f}.acceptedVulnerabilities[${i}]`;
    if (typeof a?.id !== 'string' || !VULN_ID.test(a.id))
      invalidProp(scope, `${at}.id`, a?.id, 'a scanner vulnerability ID such as CVE-2024-3094 or GHSA-xxxx-xxxx-xxxx');
    requireReason(scope, `${at}.reason`, a.reason);
    const m = typeof a.expires === 'string' ? DATE.exec(a.expires) : null;
    const valid = m !== null && new Date(`${a.expires}T00:00:00Z`).toISOString().startsWith(a.expires);
    if (!valid)
      invalidProp(
        scope,
        `${at}.expires`,
        a.expires,
        'a calendar date YYYY-MM-DD',
        'an acceptance without an end never expires',
      );
    return { id: a.id, reason: a.reason.trim(), expires: a.expires };
  });
  const dup = accepted.find((a, i) => accepted.findIndex((b) => b.id === a.id) !== i);
  if (dup) invalidProp(scope, `${f}.acceptedVulnerabilities`, dup.id, 'each vulnerability ID once');
  const from = VULNERABILITY_SEVERITIES.indexOf(failOnSeverity);
  return {
    predicateType: requirePredicateType(scope, `${f}.predicateType`, scan.predicateType ?? PREDICATE_TYPES.cosignVuln),
    maxAgeDays: requireInteger(scope, `${f}.maxAgeDays`, scan.maxAgeDays ?? 7, 1, 365),
    failOnSeverity,
    failingSeverities: VULNERABILITY_SEVERITIES.slice(from).map((s) => s.toUpperCase()),
    acceptedVulnerabilities: [...accepted].sort((a, b) => compareText(a.id, b.id)),
  };
}

function requirePredicateType(scope: IConstruct, field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^https:\/\/[^\s"'\\]+$/.test(value))
    invalidProp(
      scope,
      field,
      value,
      'an in-toto predicate type URI such as https://cosign.sigstore.dev/attestation/vuln/v1',
    );
  return value;
}

function requireList(scope: IConstruct, field: string, values: readonly string[] | undefined, what: string): string[] {
  if (!Array.isArray(values) || values.length === 0)
    invalidProp(
      scope,
      field,
      values,
      `at least one ${what}`,
      'an empty allow-list would be mistaken for allowing anything',
    );
  return [...new Set(values.map((v, i) => requireNonEmptyString(scope, `${field}[${i}]`, v)))].sort();
}

function resolveBase(scope: IConstruct, base: BaseImageRequirement): { allowed: ResolvedBaseImage[] } {
  const allowed = requireList(scope, 'attestations.baseImage.allowed', base?.allowed, 'approved base image').map(
    (image, i) => {
      const parsed = parseImageReference(image);
      if (!parsed.ok || !parsed.ref.digest)
        invalidProp(
          scope,
          `attestations.baseImage.allowed[${i}]`,
          image,
          'a base image pinned by digest: registry/repository[:tag]@sha256:<64 hex>',
          'a tag can be moved to another image after approval',
        );
      const at = image.indexOf('@');
      return { name: image.slice(0, at), digest: image.slice(at + 1) };
    },
  );
  return { allowed };
}

/**
 * Validates the requirements. `signerSubjectRegExp` is the keyless subject pattern that will sign
 * attestations (the attestation signer's, or the image signature's), checked for width here.
 */
export function resolveAttestations(
  scope: IConstruct,
  props: AttestationRequirements,
  signerSubjectRegExp: string | undefined,
): ResolvedAttestations {
  const given = [props.vulnerabilityScan, props.sbom, props.provenance, props.baseImage].filter((x) => x !== undefined);
  if (given.length === 0)
    invalidProp(
      scope,
      'attestations',
      props,
      'at least one of vulnerabilityScan, sbom, provenance, baseImage (or leave attestations unset)',
      'empty requirements would look like attestation checks while checking nothing',
    );
  let wideSubjectWaiver: { reason: string } | undefined;
  const wide = signerSubjectRegExp === undefined ? undefined : wideSubjectProblem(signerSubjectRegExp);
  if (wide !== undefined) {
    if (!props.allowWideSubject)
      invalidProp(
        scope,
        'attestations.signer.keyless.subjectRegExp',
        signerSubjectRegExp,
        "a pattern naming one repository's workflows, e.g. ^https://github[.]com/acme/app/[.]github/workflows/release[.]yml@refs/heads/main$ (or set attestations.allowWideSubject with a reason)",
        `the pattern is wide: ${wide}; any workflow it matches could sign a passing scan`,
      );
    wideSubjectWaiver = {
      reason: requireReason(scope, 'attestations.allowWideSubject.reason', props.allowWideSubject.reason),
    };
  } else if (props.allowWideSubject) {
    invalidProp(
      scope,
      'attestations.allowWideSubject',
      props.allowWideSubject,
      'no waiver: the signer subject pattern is not wide',
      'a waiver that waives nothing hides the next change that needs it',
    );
  }
  const sbomFormat =
    props.sbom === undefined
      ? undefined
      : requireOneOf(scope, 'attestations.sbom.format', props.sbom.format ?? 'spdx', SBOM_FORMATS);
  return {
    vulnerabilityScan: props.vulnerabilityScan === undefined ? undefined : resolveScan(scope, props.vulnerabilityScan),
    sbom: sbomFormat === undefined ? undefined : { format: sbomFormat, predicateType: PREDICATE_TYPES[sbomFormat] },
    provenance:
      props.provenance === undefined
        ? undefined
        : {
            builderIds: requireList(
              scope,
              'attestations.provenance.builderIds',
              props.provenance.builderIds,
              'builder ID',
            ),
            sourceRepositories: requireList(
              scope,
              'attestations.provenance.sourceRepositories',
              props.provenance.sourceRepositories,
              'source repository URL',
            ),
          },
    baseImage: props.baseImage === undefined ? undefined : resolveBase(scope, props.baseImage),
    wideSubjectWaiver,
  };
}
