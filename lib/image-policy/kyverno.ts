import { MANAGED_BY } from '../core';
import { attestationAnnotations } from './attestations/annotations';
import {
  KYVERNO_ATTESTATION_ATTESTOR,
  kyvernoCelAttestations,
  kyvernoLegacyAttestations,
  kyvernoLegacyBaseImageRule,
} from './attestations/kyverno';
import { namespaceNameSelector } from './vap';
import { ImagePolicyMode, ResolvedImagePolicy, ResolvedSignature } from './settings';

/** Name of the attestor the CEL policy refers to as `attestors.<name>`. */
export const KYVERNO_ATTESTOR_NAME = 'ci';

const KYVERNO_ACTIONS: Readonly<
  Record<Exclude<ImagePolicyMode, 'warn'>, { validationActions: string[]; failureAction: string }>
> = {
  enforce: { validationActions: ['Deny'], failureAction: 'Enforce' },
  audit: { validationActions: ['Audit'], failureAction: 'Audit' },
};

/** Kyverno globs: `*` matches any characters, `/` included. */
export function kyvernoGlobs(prefixes: readonly string[]): string[] {
  return prefixes.map((p) => `${p}*`);
}

function actions(mode: ImagePolicyMode) {
  if (mode === 'warn') throw new Error("kyverno has no 'warn' mode; settings validation refuses it");
  return KYVERNO_ACTIONS[mode];
}

function labels(): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'image-policy' };
}

/**
 * Digest mutation rewrites admitted pods; under audit nothing may change what runs, so it is off.
 * Kyverno refuses `mutateDigest: true` with an Audit failure action.
 */
function validationConfig(policy: ResolvedImagePolicy) {
  return { mutateDigest: policy.mode === 'enforce', verifyDigest: policy.requireDigest, required: true };
}

function cosignAttestor(sig: ResolvedSignature) {
  if (sig.publicKey !== undefined) return { key: { data: sig.publicKey }, ctlog: { url: sig.rekorUrl } };
  const id = sig.keyless!;
  const identity =
    id.subject !== undefined
      ? { issuer: id.issuer, subject: id.subject }
      : { issuer: id.issuer, subjectRegExp: id.subjectRegExp };
  return { keyless: { identities: [identity] }, ctlog: { url: sig.rekorUrl } };
}

const verifyAll = (group: string) =>
  `(has(images.${group}) ? images.${group} : []).map(image, verifyImageSignatures(image, [attestors.${KYVERNO_ATTESTOR_NAME}])).all(e, e > 0)`;

/** The CEL-based ImageValidatingPolicy of Kyverno 1.17+. */
export function renderKyvernoImageValidatingPolicy(policy: ResolvedImagePolicy, namespaces: readonly string[]) {
  const sig = policy.signature!;
  const att = policy.attestations && kyvernoCelAttestations(policy.attestations);
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ImageValidatingPolicy',
    metadata: { name: `${policy.name}-signature`, labels: labels(), ...attestationAnnotations(policy) },
    spec: {
      validationActions: actions(policy.mode).validationActions,
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
        ],
        namespaceSelector: namespaceNameSelector(namespaces),
      },
      matchImageReferences: kyvernoGlobs(policy.allowedPrefixes).map((glob) => ({ glob })),
      attestors: [
        { name: KYVERNO_ATTESTOR_NAME, cosign: cosignAttestor(sig) },
        ...(policy.attestations
          ? [{ name: KYVERNO_ATTESTATION_ATTESTOR, cosign: cosignAttestor(policy.attestations.signer) }]
          : []),
      ],
      ...(att ? { attestations: att.attestations } : {}),
      validationConfigurations: validationConfig(policy),
      ...(att ? { variables: att.variables } : {}),
      validations: [
        {
          expression: ['containers', 'initContainers', 'ephemeralContainers'].map(verifyAll).join(' && '),
          message: `every image must be signed by the CI identity (${describeSigner(sig)})`,
        },
        ...(att ? att.validations : []),
      ],
    },
  };
}

function legacyAttestorEntry(sig: ResolvedSignature) {
  if (sig.publicKey !== undefined) return { keys: { publicKeys: sig.publicKey, rekor: { url: sig.rekorUrl } } };
  const id = sig.keyless!;
  const subject = id.subject !== undefined ? { subject: id.subject } : { subjectRegExp: id.subjectRegExp };
  return { keyless: { issuer: id.issuer, ...subject, rekor: { url: sig.rekorUrl } } };
}

/** The legacy ClusterPolicy `verifyImages` rule, for Kyverno before 1.17 (deprecated there). */
export function renderKyvernoClusterPolicy(policy: ResolvedImagePolicy, namespaces: readonly string[]) {
  const sig = policy.signature!;
  const match = { any: [{ resources: { kinds: ['Pod'], namespaces: [...namespaces] } }] };
  const failureAction = actions(policy.mode).failureAction;
  const att = policy.attestations;
  const baseImageRule = att && kyvernoLegacyBaseImageRule(att, match, failureAction);
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: `${policy.name}-verify`,
      labels: labels(),
      annotations: {
        'policies.kyverno.io/title': 'Verify agent image signatures',
        'policies.kyverno.io/category': 'Software Supply Chain Security',
        'policies.kyverno.io/subject': 'Pod',
        ...attestationAnnotations(policy).annotations,
      },
    },
    spec: {
      background: false,
      webhookTimeoutSeconds: 30,
      rules: [
        {
          name: 'verify-signature',
          match,
          verifyImages: [
            {
              imageReferences: kyvernoGlobs(policy.allowedPrefixes),
              failureAction,
              ...validationConfig(policy),
              attestors: [{ entries: [legacyAttestorEntry(sig)] }],
              ...(att
                ? { attestations: kyvernoLegacyAttestations(att, [{ entries: [legacyAttestorEntry(att.signer)] }]) }
                : {}),
            },
          ],
        },
        ...(baseImageRule ? [baseImageRule] : []),
      ],
    },
  };
}

export function describeSigner(sig: ResolvedSignature): string {
  if (sig.publicKey !== undefined) return 'the configured cosign public key';
  const id = sig.keyless!;
  return `issuer ${id.issuer}, subject ${id.subject ?? `matching ${id.subjectRegExp}`}`;
}
