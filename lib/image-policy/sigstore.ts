import { MANAGED_BY } from '../core';
import { attestationAnnotations } from './attestations/annotations';
import { sigstoreAttestations } from './attestations/sigstore';
import { ResolvedImagePolicy, ResolvedSignature } from './settings';

/** policy-controller acts only in namespaces with this label; there, images no policy matches are denied. */
export const SIGSTORE_INCLUDE_LABEL = 'policy.sigstore.dev/include';

/** policy-controller globs: `*` stops at `/`, `**` crosses it. */
export function sigstoreGlobs(prefixes: readonly string[]): string[] {
  return prefixes.map((p) => `${p}**`);
}

function authority(sig: ResolvedSignature) {
  if (sig.publicKey !== undefined)
    return { name: 'ci', key: { data: sig.publicKey, hashAlgorithm: 'sha256' }, ctlog: { url: sig.rekorUrl } };
  const id = sig.keyless!;
  const identity =
    id.subject !== undefined
      ? { issuer: id.issuer, subject: id.subject }
      : { issuer: id.issuer, subjectRegExp: id.subjectRegExp };
  return { name: 'ci', keyless: { url: sig.fulcioUrl, identities: [identity] }, ctlog: { url: sig.rekorUrl } };
}

/** The cluster-scoped ClusterImagePolicy. Its `mode` is `enforce` or `warn`; settings refuse `audit`. */
export function renderSigstoreClusterImagePolicy(policy: ResolvedImagePolicy) {
  if (policy.mode === 'audit') throw new Error("sigstore has no 'audit' mode; settings validation refuses it");
  return {
    apiVersion: 'policy.sigstore.dev/v1beta1',
    kind: 'ClusterImagePolicy',
    metadata: {
      name: policy.name,
      labels: { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'image-policy' },
    },
    spec: {
      mode: policy.mode,
      images: sigstoreGlobs(policy.allowedPrefixes).map((glob) => ({ glob })),
      authorities: [authority(policy.signature!)],
    },
  };
}

/**
 * The attestation requirements as a ClusterImagePolicy of their own. policy-controller admits an
 * image when ANY authority of a policy passes, but requires EVERY matching policy to pass; a
 * separate policy keeps the attestations from being bypassed by the signature-only authority.
 */
export function renderSigstoreAttestationPolicy(policy: ResolvedImagePolicy) {
  const att = policy.attestations;
  // Called after renderSigstoreClusterImagePolicy, which refuses the 'audit' mode first.
  if (!att) return undefined;
  return {
    apiVersion: 'policy.sigstore.dev/v1beta1',
    kind: 'ClusterImagePolicy',
    metadata: {
      name: `${policy.name}-attestations`,
      labels: { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'image-policy' },
      ...attestationAnnotations(policy),
    },
    spec: {
      mode: policy.mode,
      images: sigstoreGlobs(policy.allowedPrefixes).map((glob) => ({ glob })),
      authorities: [{ ...authority(att.signer), name: 'attester', attestations: sigstoreAttestations(att) }],
    },
  };
}
