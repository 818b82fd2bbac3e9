/**
 * Attestation policies for Sigstore policy-controller: one `attestations` entry per requirement on
 * the ClusterImagePolicy authority, each with a Rego policy over the in-toto statement (`input`).
 * policy-controller has no access to manifest annotations, so the base image is checked by Kyverno
 * only (the rule engine and docs/supply-chain-runtime.md say so).
 */
import { PREDICATE_TYPES, ResolvedAttestations, expiryInstant } from './settings';

/** A Rego string literal (Rego strings use JSON syntax). */
const rego = (value: string) => JSON.stringify(value);
const regoSet = (values: readonly string[]) => `{${values.map(rego).join(', ')}}`;

function scanPolicy(scan: NonNullable<ResolvedAttestations['vulnerabilityScan']>): string {
  const accepted = scan.acceptedVulnerabilities.map(
    (a) => `  {"id": ${rego(a.id)}, "expires": ${rego(expiryInstant(a.expires))}}`,
  );
  return [
    'package sigstore',
    'import rego.v1',
    'default isCompliant := false',
    `max_age_ns := ${scan.maxAgeDays} * 24 * 60 * 60 * 1000000000`,
    `failing := ${regoSet(scan.failingSeverities)}`,
    `accepted := [\n${accepted.join(',\n')}\n]`,
    'live_accepted contains a.id if {',
    '  some a in accepted',
    '  time.now_ns() <= time.parse_rfc3339_ns(a.expires)',
    '}',
    'blocking contains v.VulnerabilityID if {',
    '  some r in input.predicate.scanner.result.Results',
    '  some v in r.Vulnerabilities',
    '  failing[v.Severity]',
    '  not live_accepted[v.VulnerabilityID]',
    '}',
    'isCompliant if {',
    `  input.predicateType == ${rego(scan.predicateType)}`,
    '  time.now_ns() - time.parse_rfc3339_ns(input.predicate.metadata.scanFinishedOn) <= max_age_ns',
    '  count(blocking) == 0',
    '}',
    '',
  ].join('\n');
}

function provenancePolicy(p: NonNullable<ResolvedAttestations['provenance']>): string {
  return [
    'package sigstore',
    'import rego.v1',
    'default isCompliant := false',
    'isCompliant if {',
    `  input.predicateType == ${rego(PREDICATE_TYPES.slsaProvenanceV1)}`,
    `  ${regoSet(p.builderIds)}[input.predicate.runDetails.builder.id]`,
    `  ${regoSet(p.sourceRepositories)}[input.predicate.buildDefinition.externalParameters.workflow.repository]`,
    '}',
    '',
  ].join('\n');
}

function presencePolicy(predicateType: string): string {
  return [
    'package sigstore',
    'import rego.v1',
    'default isCompliant := false',
    'isCompliant if {',
    `  input.predicateType == ${rego(predicateType)}`,
    '}',
    '',
  ].join('\n');
}

/** `attestations` entries for a ClusterImagePolicy authority. */
export function sigstoreAttestations(a: ResolvedAttestations) {
  const out: { name: string; predicateType: string; policy: { type: 'rego'; data: string } }[] = [];
  if (a.vulnerabilityScan)
    out.push({
      name: 'vulnscan',
      predicateType: a.vulnerabilityScan.predicateType,
      policy: { type: 'rego', data: scanPolicy(a.vulnerabilityScan) },
    });
  if (a.sbom)
    out.push({
      name: 'sbom',
      predicateType: a.sbom.predicateType,
      policy: { type: 'rego', data: presencePolicy(a.sbom.predicateType) },
    });
  if (a.provenance)
    out.push({
      name: 'provenance',
      predicateType: PREDICATE_TYPES.slsaProvenanceV1,
      policy: { type: 'rego', data: provenancePolicy(a.provenance) },
    });
  return out;
}
