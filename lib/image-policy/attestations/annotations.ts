import { SUPPRESSIONS_ANNOTATION, WAIVER_ANNOTATION } from '../../core';
import type { ResolvedImagePolicy } from '../settings';
import { WIDE_SUBJECT_RULE_ID } from './settings';

/**
 * The waiver of a wide attestation signer, recorded on each policy that checks attestations the
 * way HardenedAgent records its waivers: the reason on the object, and a suppression of the rule
 * it weakens, so scans show a suppressed finding with this reason.
 */
export function attestationAnnotations(policy: ResolvedImagePolicy): { annotations?: Record<string, string> } {
  const waiver = policy.attestations?.wideSubjectWaiver;
  if (!waiver) return {};
  return {
    annotations: {
      [WAIVER_ANNOTATION]: JSON.stringify([{ control: WIDE_SUBJECT_RULE_ID, reason: waiver.reason }]),
      [SUPPRESSIONS_ANNOTATION]: JSON.stringify([{ rule: WIDE_SUBJECT_RULE_ID, reason: waiver.reason }]),
    },
  };
}
