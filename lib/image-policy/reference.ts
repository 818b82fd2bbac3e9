/**
 * Image references, parsed the way container runtimes resolve them. Every construct and rule that
 * looks at an image goes through here, so registry look-alikes and malformed digests are judged the
 * same way everywhere.
 */

export interface ImageReference {
  /** The reference as given. */
  readonly raw: string;
  /** Registry host (with port), `docker.io` when the reference names none. */
  readonly registry: string;
  /** Repository path within the registry, `library/` prefixed for official Docker Hub images. */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:<64 hex>` when pinned. */
  readonly digest?: string;
  /** `registry/repository`, the name that allow-lists are matched against. */
  readonly name: string;
}

export type ImageReferenceResult = { ok: true; ref: ImageReference } | { ok: false; problem: string };

const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
const MAX_REFERENCE_LENGTH = 4096;

function isRegistryComponent(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

function validRegistry(registry: string): boolean {
  const [host, port, ...rest] = registry.split(':');
  if (rest.length > 0) return false;
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return false;
  return host.split('.').every((part) => DOMAIN_COMPONENT.test(part));
}

/** Parses an image reference; never throws. */
export function parseImageReference(raw: string): ImageReferenceResult {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, problem: 'the image reference is empty' };
  if (raw.length > MAX_REFERENCE_LENGTH) return { ok: false, problem: `the image reference is longer than ${MAX_REFERENCE_LENGTH} characters` };
  if (/\s/.test(raw)) return { ok: false, problem: 'the image reference contains whitespace' };

  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_PATTERN.test(digest)) {
      return { ok: false, problem: `the digest '${digest}' is not 'sha256:' followed by 64 lower-case hex characters` };
    }
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { ok: false, problem: `the tag '${tag}' is not a valid tag (letters, digits, '_', '.', '-', at most 128)` };
  }

  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && isRegistryComponent(parts[0])) {
    registry = parts.shift() as string;
    if (!validRegistry(registry)) return { ok: false, problem: `the registry '${registry}' is not a valid host[:port]` };
  }
  if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT.test(p))) {
    return { ok: false, problem: `the repository '${parts.join('/')}' is not a valid lower-case repository path` };
  }
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  return { ok: true, ref: { raw, registry, repository, tag, digest, name: `${registry}/${repository}` } };
}

/**
 * True when `ref` is inside `prefix`: a registry (`ghcr.io`) or a repository prefix
 * (`ghcr.io/acme/`). Matching is on whole path components, so `ghcr.io.evil.com` never matches
 * `ghcr.io` and `ghcr.io/acme-evil` never matches `ghcr.io/acme`.
 */
export function isWithinPrefix(ref: ImageReference, prefix: string): boolean {
  const normalized = prefix.replace(/\/+$/, '');
  return ref.name === normalized || ref.name.startsWith(`${normalized}/`);
}
