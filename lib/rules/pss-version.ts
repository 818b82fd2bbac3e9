/** Pod Security policy versions: `v1.0` … `v1.37` and `latest`. */

/** The newest policy version with its own checks; `latest` and newer versions evaluate as this. */
export const PSS_LATEST_MINOR = 37;
/** Namespace label whose value pins the Pod Security version for that namespace. */
export const PSS_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';

/**
 * Parses a policy version to its minor; undefined when it is not `v1.<n>` up to the latest known
 * minor, or `latest`. A newer version is refused rather than silently judged as the latest (v1.99
 * is a typo far more often than a release this project has not seen).
 */
export function parsePssVersion(text: string): number | undefined {
  if (text === 'latest') return PSS_LATEST_MINOR;
  const match = /^v1\.(0|[1-9]\d{0,2})$/.exec(text);
  if (!match) return undefined;
  const minor = Number(match[1]);
  return minor <= PSS_LATEST_MINOR ? minor : undefined;
}

/** `v1.N` for a pinned minor, else a note that namespace labels decide. */
export function formatPssVersion(minor: number | undefined): string {
  return minor === undefined ? 'namespace enforce-version, else latest' : `v1.${minor}`;
}
