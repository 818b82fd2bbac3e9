import { IConstruct } from 'constructs';
import {
  IMAGE_POLICY_ENGINES,
  ImagePolicyEngine,
  invalidProp,
  requireDnsLabel,
  requireNonEmptyString,
  requireOneOf,
  requireReason,
} from '../core';
import { parseImagePrefix } from '../common/image-reference';
import { AttestationRequirements, ResolvedAttestations, resolveAttestations } from './attestations/settings';

/** Attestation requirements, with who signs the attestations. */
export interface ImagePolicyAttestations extends AttestationRequirements {
  /** Who signs the attestations. @default the policy's `signature` */
  readonly signer?: SignatureVerification;
}

/** What an engine does with a violation. */
export type ImagePolicyMode = 'enforce' | 'audit' | 'warn';
/** Every ImagePolicyMode, for validating props. */
export const IMAGE_POLICY_MODES: readonly ImagePolicyMode[] = ['enforce', 'audit', 'warn'];

/** The modes each engine can express; anything else is refused rather than silently mapped. */
export const ENGINE_MODES: Readonly<Record<ImagePolicyEngine, readonly ImagePolicyMode[]>> = {
  // validationActions [Deny] / [Audit] / [Warn]
  vap: ['enforce', 'audit', 'warn'],
  // ClusterPolicy failureAction has only Enforce and Audit; ImageValidatingPolicy follows it
  kyverno: ['enforce', 'audit'],
  // ClusterImagePolicy spec.mode has only enforce and warn
  sigstore: ['enforce', 'warn'],
};

/** Public-good Sigstore instances, used unless private ones are given. */
export const DEFAULT_FULCIO_URL = 'https://fulcio.sigstore.dev';
/** The public-good Rekor transparency log. */
export const DEFAULT_REKOR_URL = 'https://rekor.sigstore.dev';

/** A keyless (Fulcio certificate) signer identity: who signed, as the OIDC issuer saw it. */
export interface KeylessIdentity {
  /** OIDC issuer URL, e.g. `https://token.actions.githubusercontent.com`. */
  readonly issuer: string;
  /** Exact certificate subject. Give this or `subjectRegExp`. @default none */
  readonly subject?: string;
  /** Regular expression (RE2) for the certificate subject, anchored with `^…$`. @default none */
  readonly subjectRegExp?: string;
}

/** Signature verification: a cosign public key, or keyless with a signer identity. */
export interface SignatureVerification {
  /** PEM-encoded cosign public key. Give this or `keyless`. @default none */
  readonly publicKey?: string;
  /** Keyless signer identity. Give this or `publicKey`. @default none */
  readonly keyless?: KeylessIdentity;
  /** Fulcio URL for keyless certificates. @default DEFAULT_FULCIO_URL */
  readonly fulcioUrl?: string;
  /** Rekor transparency log URL. @default DEFAULT_REKOR_URL */
  readonly rekorUrl?: string;
}

/** Settings of an ImagePolicy: where images may come from, how they are pinned, and who must have signed them. */
export interface ImagePolicyProps {
  /**
   * Registries (`ghcr.io`) or repository prefixes (`ghcr.io/acme/`) images must come from. Each
   * must name its registry explicitly; matching is on whole path components.
   */
  readonly allowedPrefixes: readonly string[];
  /** Require `@sha256:<digest>` on every image. @default true */
  readonly requireDigest?: boolean;
  /** Refuse the `latest` tag (even with a digest, it hides which version runs). @default true */
  readonly forbidLatest?: boolean;
  /** Verify image signatures (Kyverno and Sigstore engines). @default none: no signature check */
  readonly signature?: SignatureVerification;
  /** Namespaces the policy applies to. @default every AgentNamespace of the platform */
  readonly namespaces?: readonly string[];
  /** What engines do with a violation. @default 'enforce' */
  readonly mode?: ImagePolicyMode;
  /** Engines to emit, a subset of the platform's `imagePolicyEngines`. @default the platform's engines */
  readonly engines?: readonly ImagePolicyEngine[];
  /** Base name of the emitted policies. @default 'agent-images' */
  readonly name?: string;
  /**
   * Attestations every image must carry (scan, SBOM, provenance, base image), checked by the
   * Kyverno and Sigstore engines. A ValidatingAdmissionPolicy cannot fetch attestations: it checks
   * none, and the rule engine warns when no other engine covers a namespace.
   * @default none: no attestation is required
   */
  readonly attestations?: ImagePolicyAttestations;
  /**
   * Explicit, reasoned weakenings. Each is required for the weakening it names, refused when that
   * weakening is absent, and recorded on the policy objects (and, where a rule would flag the
   * namespace, as a suppressed AGT-ImagePolicy finding on the Namespace). @default none
   */
  readonly waivers?: ImagePolicyWaivers;
}

/** A reason for one weakening; at least 10 visible letters or digits. */
export interface ImagePolicyWaiver {
  /** Why the weakening is acceptable; recorded on the policy objects. */
  readonly reason: string;
}

/** The weakenings of an image policy that need a recorded reason. */
export interface ImagePolicyWaivers {
  /** Required for `mode: 'audit'` or `'warn'`: violations are admitted. @default none */
  readonly nonEnforcingMode?: ImagePolicyWaiver;
  /** Required when `namespaces` leaves an AgentNamespace of the platform uncovered. @default none */
  readonly uncoveredNamespaces?: ImagePolicyWaiver;
  /** Required for a keyless `subjectRegExp` that matches any signer identity. @default none */
  readonly anySigner?: ImagePolicyWaiver;
}

/** Controls recorded in the waiver annotation; the first two match the rule that flags the namespace. */
export const IMAGE_POLICY_WAIVER_CONTROLS = {
  nonEnforcingMode: 'AGT-ImagePolicy',
  uncoveredNamespaces: 'AGT-ImagePolicy',
  anySigner: 'ImagePolicy-AnySigner',
} as const;

/** One recorded weakening. */
export interface RecordedImagePolicyWaiver {
  /** The rule ID or control the waiver suppresses (IMAGE_POLICY_WAIVER_CONTROLS). */
  readonly control: string;
  /** Which weakening the waiver covers. */
  readonly weakening: keyof ImagePolicyWaivers;
  /** Why the weakening is acceptable. */
  readonly reason: string;
}

/** Signature settings after validation: exactly one of `publicKey` and `keyless` is set. */
export interface ResolvedSignature {
  /** PEM-encoded cosign public key. @default undefined (meaning keyless verification) */
  readonly publicKey?: string;
  /** Keyless signer identity. @default undefined (meaning verification by `publicKey`) */
  readonly keyless?: KeylessIdentity;
  /** Fulcio URL for keyless certificates (DEFAULT_FULCIO_URL unless given). */
  readonly fulcioUrl: string;
  /** Rekor transparency log URL (DEFAULT_REKOR_URL unless given). */
  readonly rekorUrl: string;
}

/** Image rules after validation, as the renderers and the synth-time check consume them. */
export interface ImageRules {
  /** Normalized prefixes, each ending with `/`. */
  readonly allowedPrefixes: readonly string[];
  /** Every image must be pinned by `@sha256:` digest. */
  readonly requireDigest: boolean;
  /** The `latest` tag, written or implied, is refused. */
  readonly forbidLatest: boolean;
}

/** An ImagePolicy's props after validation, defaults filled in. */
export interface ResolvedImagePolicy extends ImageRules {
  /** Base name of the emitted policies. */
  readonly name: string;
  /** What the engines do with a violation. */
  readonly mode: ImagePolicyMode;
  /** Engines policies are emitted for. */
  readonly engines: readonly ImagePolicyEngine[];
  /** Signature verification. @default undefined (meaning no signature check; only the `vap` engine allows this) */
  readonly signature?: ResolvedSignature;
  /** Namespaces given explicitly. @default undefined (meaning every AgentNamespace of the platform) */
  readonly namespaces?: readonly string[];
  /** Attestation requirements with their signer. @default undefined (meaning no attestation is required) */
  readonly attestations?: ResolvedAttestations & { readonly signer: ResolvedSignature };
  /** Waiver reasons by weakening; whether each is needed is checked where the weakening is known. @default undefined (meaning no waivers) */
  readonly waivers?: Partial<Record<keyof ImagePolicyWaivers, string>>;
}

/**
 * Identities no policy meant to admit together: a pattern matching all of them accepts any signer
 * the issuer vouches for.
 */
const UNRELATED_IDENTITIES = [
  'https://github.com/attacker/evil/.github/workflows/release.yml@refs/heads/main',
  'attacker@example.com',
  'spiffe://cluster.local/ns/default/sa/default',
  'x',
];

/** True when a subject pattern matches any signer identity (every probe identity, each with a different shape). */
export function matchesAnyIdentity(regexp: string): boolean {
  try {
    const re = new RegExp(regexp);
    return UNRELATED_IDENTITIES.every((id) => re.test(id));
  } catch {
    return false;
  }
}

function resolveWaivers(
  scope: IConstruct,
  waivers: ImagePolicyWaivers | undefined,
): Partial<Record<keyof ImagePolicyWaivers, string>> {
  const out: Partial<Record<keyof ImagePolicyWaivers, string>> = {};
  for (const key of Object.keys(IMAGE_POLICY_WAIVER_CONTROLS) as (keyof ImagePolicyWaivers)[]) {
    const w = waivers?.[key];
    if (w !== undefined) out[key] = requireReason(scope, `waivers.${key}.reason`, w?.reason);
  }
  return out;
}

/** A waiver for a weakening that is not there would record a weakening that does not exist. */
export function requireWaiverIffWeakened(
  scope: IConstruct,
  key: keyof ImagePolicyWaivers,
  weakened: boolean,
  waivers: Partial<Record<keyof ImagePolicyWaivers, string>> = {},
  field: string,
  value: unknown,
  what: string,
): void {
  if (weakened && waivers[key] === undefined)
    invalidProp(scope, field, value, `${what}, or set waivers.${key} with a reason`, 'this weakens the image policy');
  if (!weakened && waivers[key] !== undefined)
    invalidProp(scope, `waivers.${key}`, waivers[key], `no waivers.${key}: the policy does not make this weakening`);
}

function requireUrl(scope: IConstruct, field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^https:\/\/[^\s/]+(\/\S*)?$/.test(value))
    invalidProp(scope, field, value, 'an https:// URL');
  return value;
}

function resolvePrefixes(scope: IConstruct, prefixes: readonly string[] | undefined): string[] {
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    invalidProp(
      scope,
      'allowedPrefixes',
      prefixes,
      'at least one registry or repository prefix, e.g. "ghcr.io/acme/"',
      'an empty allow-list would admit no image, or be mistaken for allowing every image',
    );
  }
  const normalized = prefixes.map((raw, i) => {
    const parsed = parseImagePrefix(raw);
    if (!parsed.ok)
      invalidProp(
        scope,
        `allowedPrefixes[${i}]`,
        raw,
        'a registry or repository prefix such as "ghcr.io" or "ghcr.io/acme/"',
        parsed.problem,
      );
    return parsed.prefix.normalized;
  });
  return [...new Set(normalized)];
}

function resolveKeyless(scope: IConstruct, keyless: KeylessIdentity, at = 'signature'): KeylessIdentity {
  requireUrl(scope, `${at}.keyless.issuer`, keyless.issuer);
  const hasSubject = keyless.subject !== undefined;
  const hasRegExp = keyless.subjectRegExp !== undefined;
  if (hasSubject === hasRegExp) {
    invalidProp(
      scope,
      `${at}.keyless`,
      keyless,
      'exactly one of subject or subjectRegExp',
      'an issuer alone accepts any identity that issuer vouches for, e.g. any GitHub repository',
    );
  }
  if (hasSubject)
    return {
      issuer: keyless.issuer,
      subject: requireNonEmptyString(scope, `${at}.keyless.subject`, keyless.subject),
    };
  const regexp = keyless.subjectRegExp as string;
  if (
    typeof regexp !== 'string' ||
    !regexp.startsWith('^') ||
    !regexp.endsWith('$') ||
    regexp.length < 3 ||
    /^\^\.\*\$$/.test(regexp)
  ) {
    invalidProp(
      scope,
      `${at}.keyless.subjectRegExp`,
      regexp,
      "a regular expression anchored with '^' and '$' that names the signing identity",
      'an unanchored pattern also matches identities that merely contain it',
    );
  }
  try {
    new RegExp(regexp);
  } catch (e) {
    invalidProp(scope, `${at}.keyless.subjectRegExp`, regexp, 'a valid regular expression', (e as Error).message);
  }
  return { issuer: keyless.issuer, subjectRegExp: regexp };
}

function resolveSignature(scope: IConstruct, sig: SignatureVerification, at = 'signature'): ResolvedSignature {
  const given = [sig.publicKey, sig.keyless].filter((v) => v !== undefined).length;
  if (given !== 1) {
    invalidProp(
      scope,
      at,
      sig,
      'exactly one of publicKey (a PEM cosign key) or keyless (an issuer with a subject or subjectRegExp)',
      'without a key or an identity, any signature would be accepted',
    );
  }
  const fulcioUrl = requireUrl(scope, `${at}.fulcioUrl`, sig.fulcioUrl ?? DEFAULT_FULCIO_URL);
  const rekorUrl = requireUrl(scope, `${at}.rekorUrl`, sig.rekorUrl ?? DEFAULT_REKOR_URL);
  if (sig.publicKey !== undefined) {
    const key = sig.publicKey;
    if (
      typeof key !== 'string' ||
      !/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/.test(key.trim() + '\n')
    ) {
      invalidProp(
        scope,
        `${at}.publicKey`,
        key,
        'a PEM public key (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)',
      );
    }
    return { publicKey: key.trim() + '\n', fulcioUrl, rekorUrl };
  }
  return { keyless: resolveKeyless(scope, sig.keyless as KeylessIdentity, at), fulcioUrl, rekorUrl };
}

function resolveEngines(
  scope: IConstruct,
  requested: readonly unknown[] | undefined,
  installed: readonly ImagePolicyEngine[],
): ImagePolicyEngine[] {
  const engines = (requested ?? installed).map((e, i) => requireOneOf(scope, `engines[${i}]`, e, IMAGE_POLICY_ENGINES));
  engines.forEach((e, i) => {
    if (!installed.includes(e)) {
      invalidProp(
        scope,
        `engines[${i}]`,
        e,
        `an engine the cluster has (platform imagePolicyEngines: ${installed.map((x) => `'${x}'`).join(', ') || 'none'})`,
        'a policy for an engine that is not installed enforces nothing',
      );
    }
  });
  if (engines.length === 0)
    invalidProp(
      scope,
      'engines',
      engines,
      'at least one admission engine',
      'without an engine nothing enforces the policy at admission',
    );
  return [...new Set(engines)];
}

function checkModeAndSignature(
  scope: IConstruct,
  engines: readonly ImagePolicyEngine[],
  mode: ImagePolicyMode,
  signature: ResolvedSignature | undefined,
): void {
  for (const engine of engines) {
    if (!ENGINE_MODES[engine].includes(mode)) {
      invalidProp(
        scope,
        'mode',
        mode,
        `a mode engine '${engine}' can express: ${ENGINE_MODES[engine].map((m) => `'${m}'`).join(', ')} (or leave '${engine}' out of engines)`,
        'mapping it to another mode would silently change enforcement',
      );
    }
    if (engine !== 'vap' && signature === undefined) {
      invalidProp(
        scope,
        'signature',
        undefined,
        `signature verification (publicKey or keyless), since engine '${engine}' is on (or leave '${engine}' out of engines)`,
        `'${engine}' policies exist to verify signatures`,
      );
    }
  }
}

/** Validates the props against the engines the cluster has; every refusal names the field. */
export function resolveImagePolicy(
  scope: IConstruct,
  props: ImagePolicyProps,
  installed: readonly ImagePolicyEngine[],
): ResolvedImagePolicy {
  const allowedPrefixes = resolvePrefixes(scope, props.allowedPrefixes);
  const mode = requireOneOf(scope, 'mode', props.mode ?? 'enforce', IMAGE_POLICY_MODES);
  const engines = resolveEngines(scope, props.engines, installed);
  const signature = props.signature === undefined ? undefined : resolveSignature(scope, props.signature);
  checkModeAndSignature(scope, engines, mode, signature);
  const waivers = resolveWaivers(scope, props.waivers);
  requireWaiverIffWeakened(scope, 'nonEnforcingMode', mode !== 'enforce', waivers, 'mode', mode, "mode 'enforce'");
  const subjectRegExp = signature?.keyless?.subjectRegExp;
  requireWaiverIffWeakened(
    scope,
    'anySigner',
    subjectRegExp !== undefined && matchesAnyIdentity(subjectRegExp),
    waivers,
    'signature.keyless.subjectRegExp',
    subjectRegExp,
    'a subject pattern that names the signing identity (it matches any identity)',
  );
  const namespaces = props.namespaces?.map((ns, i) => requireDnsLabel(scope, `namespaces[${i}]`, ns));
  if (namespaces !== undefined && namespaces.length === 0) {
    invalidProp(
      scope,
      'namespaces',
      namespaces,
      'at least one namespace, or leave it unset for every AgentNamespace',
      'a policy scoped to no namespace enforces nothing',
    );
  }
  const attestations = resolvePolicyAttestations(scope, props.attestations, signature);
  return {
    name: requireDnsLabel(scope, 'name', props.name ?? 'agent-images', 50),
    allowedPrefixes,
    requireDigest: props.requireDigest ?? true,
    forbidLatest: props.forbidLatest ?? true,
    mode,
    engines,
    signature,
    namespaces: namespaces === undefined ? undefined : [...new Set(namespaces)],
    attestations,
    ...(Object.keys(waivers).length > 0 ? { waivers } : {}),
  };
}

function resolvePolicyAttestations(
  scope: IConstruct,
  props: ImagePolicyAttestations | undefined,
  signature: ResolvedSignature | undefined,
): ResolvedImagePolicy['attestations'] {
  if (props === undefined) return undefined;
  const signer = props.signer === undefined ? signature : resolveSignature(scope, props.signer, 'attestations.signer');
  if (signer === undefined)
    invalidProp(
      scope,
      'attestations.signer',
      undefined,
      'a signer for the attestations (attestations.signer, or the policy signature)',
      'an unsigned attestation proves nothing: anyone who can push to the registry can write one',
    );
  return { ...resolveAttestations(scope, props, signer.keyless?.subjectRegExp), signer };
}
