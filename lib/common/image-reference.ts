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
  /**
   * True when the reference itself names the registry. Admission policies compare the raw string,
   * so only explicit references can match a registry allow-list there.
   */
  readonly explicitRegistry: boolean;
  /** Repository path within the registry, `library/` prefixed for official Docker Hub images. */
  readonly repository: string;
  /** The tag as written. @default undefined (meaning no tag; runtimes then use `latest` unless a digest pins the image) */
  readonly tag?: string;
  /** `sha256:<64 hex>` when pinned. @default undefined (meaning not pinned by digest) */
  readonly digest?: string;
  /** `registry/repository`, the name that allow-lists are matched against. */
  readonly name: string;
}

/** The parsed reference, or why it is not a valid image reference. */
export type ImageReferenceResult = { ok: true; ref: ImageReference } | { ok: false; problem: string };

/** A registry or repository prefix of an allow-list, normalized to end with `/`. */
export interface ImagePrefix {
  /** The prefix as given. */
  readonly raw: string;
  /** `registry/` or `registry/path/`: always ends with `/`, so look-alike hosts never match. */
  readonly normalized: string;
  /** Registry host (with port) the prefix names. */
  readonly registry: string;
}

/** The parsed prefix, or why it is not a valid allow-list entry. */
export type ImagePrefixResult = { ok: true; prefix: ImagePrefix } | { ok: false; problem: string };

const DOMAIN_COMPONENT = /^(?:[a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
/** A well-formed image digest: `sha256:` and 64 lower-case hex digits. */
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
/** The digest suffix as a regular expression body, for engines that match the whole reference (RE2-compatible). */
export const DIGEST_SUFFIX_REGEX = '@sha256:[a-f0-9]{64}$';
const MAX_REFERENCE_LENGTH = 4096;
/** distribution/reference limits the repository name (registry included) to 255 characters. */
const MAX_NAME_LENGTH = 255;
const DOCKER_HUB = 'docker.io';
/** Hosts that are Docker Hub under another name; runtimes normalize them to docker.io. */
const DOCKER_HUB_ALIASES: readonly string[] = ['index.docker.io', 'registry-1.docker.io'];
// Printable ASCII without space: anything else (unicode look-alikes, control characters) is refused.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** The registry is the first component only when it looks like a host: a dot, a port, or `localhost`. */
function isRegistryComponent(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

function registryProblem(registry: string): string | undefined {
  if (/[A-Z]/.test(registry) && registry !== registry.toLowerCase()) {
    return `the registry '${registry}' contains upper-case letters; write it in lower case, admission policies compare references case-sensitively`;
  }
  const [host, port, ...rest] = registry.split(':');
  const valid =
    rest.length === 0 &&
    (port === undefined || (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) &&
    host.length <= 253 &&
    host.split('.').every((part) => DOMAIN_COMPONENT.test(part));
  return valid ? undefined : `the registry '${registry}' is not a valid host[:port] (IPv6 literals are not supported)`;
}

function basicProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0) return 'the image reference is empty';
  if (raw.length > MAX_REFERENCE_LENGTH) return `the image reference is longer than ${MAX_REFERENCE_LENGTH} characters`;
  // Printable ASCII holds no whitespace: the common case is answered by one test.
  if (PRINTABLE_ASCII.test(raw)) return undefined;
  if (/\s/.test(raw)) return 'the image reference contains whitespace';
  return 'the image reference contains characters outside printable ASCII';
}

function splitDigest(raw: string): { rest: string; digest?: string; problem?: string } {
  const at = raw.indexOf('@');
  if (at < 0) return { rest: raw };
  const digest = raw.slice(at + 1);
  if (!DIGEST_PATTERN.test(digest)) {
    return { rest: raw, problem: `the digest '${digest}' is not 'sha256:' followed by 64 lower-case hex characters` };
  }
  return { rest: raw.slice(0, at), digest };
}

function splitTag(rest: string): { name: string; tag?: string; problem?: string } {
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon < 0) return { name: rest };
  const tag = rest.slice(colon + 1);
  if (!TAG.test(tag))
    return {
      name: rest,
      problem: `the tag '${tag}' is not a valid tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')`,
    };
  return { name: rest.slice(0, colon), tag };
}

/** Parses an image reference; never throws. */
export function parseImageReference(raw: string): ImageReferenceResult {
  const basic = basicProblem(raw);
  if (basic) return { ok: false, problem: basic };
  const { rest, digest, problem: digestProblem } = splitDigest(raw);
  if (digestProblem) return { ok: false, problem: digestProblem };
  const { name, tag, problem: tagProblem } = splitTag(rest);
  if (tagProblem) return { ok: false, problem: tagProblem };

  const parts = name.split('/');
  const explicitRegistry = parts.length > 1 && isRegistryComponent(parts[0]);
  let registry = DOCKER_HUB;
  if (explicitRegistry) {
    const given = parts.shift() as string;
    const problem = registryProblem(given);
    if (problem) return { ok: false, problem };
    registry = DOCKER_HUB_ALIASES.includes(given) ? DOCKER_HUB : given;
  }
  if (parts.some((p) => !PATH_COMPONENT.test(p))) {
    return { ok: false, problem: `the repository '${parts.join('/')}' is not a valid lower-case repository path` };
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (registry.length + 1 + repository.length > MAX_NAME_LENGTH) {
    return { ok: false, problem: `the name '${registry}/${repository}' is longer than ${MAX_NAME_LENGTH} characters` };
  }
  return {
    ok: true,
    ref: { raw, registry, explicitRegistry, repository, tag, digest, name: `${registry}/${repository}` },
  };
}

/**
 * Parses an allow-list entry: a registry (`ghcr.io`) or a repository prefix (`ghcr.io/acme/`). The
 * registry must be explicit, because admission policies see the reference as written.
 */
export function parseImagePrefix(raw: string): ImagePrefixResult {
  const basic = basicProblem(raw);
  if (basic) return { ok: false, problem: basic.replace('image reference', 'prefix') };
  if (/[*?[\]@]/.test(raw))
    return {
      ok: false,
      problem: 'the prefix contains a wildcard or digest; give a plain registry or repository prefix',
    };
  const trimmed = raw.replace(/\/+$/, '');
  const parts = trimmed.split('/');
  if (!isRegistryComponent(parts[0])) {
    return {
      ok: false,
      problem: `the prefix does not start with a registry host ('${parts[0]}' has no '.', ':' and is not 'localhost'); Docker Hub prefixes start with 'docker.io/'`,
    };
  }
  const problem = registryProblem(parts[0]);
  if (problem) return { ok: false, problem };
  if (DOCKER_HUB_ALIASES.includes(parts[0]))
    return { ok: false, problem: `write '${DOCKER_HUB}' instead of its alias '${parts[0]}'` };
  const path = parts.slice(1);
  if (path.some((p) => !PATH_COMPONENT.test(p)))
    return { ok: false, problem: `the repository path '${path.join('/')}' is not a valid lower-case repository path` };
  return { ok: true, prefix: { raw, normalized: `${trimmed}/`, registry: parts[0] } };
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
