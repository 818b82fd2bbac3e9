import { IConstruct } from 'constructs';
import { LEGACY_SERVICE_ACCOUNT_TOKEN_DIR, PROJECTED_TOKEN_MOUNT_DIR } from './baseline';
import { invalidProp } from './errors';

type Scope = IConstruct | string;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** RFC 1123 label: object names that become DNS names (Namespaces, Services, agents). */
export function requireDnsLabel(scope: Scope, field: string, value: unknown, maxLength = 63): string {
  if (typeof value !== 'string' || value.length > maxLength || !DNS1123_LABEL.test(value)) {
    invalidProp(
      scope,
      field,
      value,
      `a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`,
    );
  }
  return value;
}

/** RFC 1123 subdomain: names of most other objects. */
export function requireDnsSubdomain(scope: Scope, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    invalidProp(
      scope,
      field,
      value,
      "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters",
    );
  }
  return value;
}

/** IANA service name, the form of named container ports. */
export function requirePortName(scope: Scope, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 15 || !IANA_SVC_NAME.test(value) || value.includes('--')) {
    invalidProp(
      scope,
      field,
      value,
      "an IANA service name: at most 15 lower-case letters, digits and single '-', with at least one letter",
    );
  }
  return value;
}

export function requireLabelValue(scope: Scope, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    invalidProp(
      scope,
      field,
      value,
      "a label value: at most 63 characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric",
    );
  }
  return value;
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A label key: `[prefix/]name`, prefix a DNS subdomain of at most 253 characters, name at most 63. */
export function requireLabelKey(scope: Scope, field: string, key: unknown): string {
  const text = typeof key === 'string' ? key : '';
  const slash = text.indexOf('/');
  const prefix = slash < 0 ? undefined : text.slice(0, slash);
  const name = slash < 0 ? text : text.slice(slash + 1);
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
  if (typeof key !== 'string' || !prefixOk || name.length > 63 || !LABEL_NAME.test(name)) {
    invalidProp(
      scope,
      field,
      key,
      "a label key [prefix/]name: an optional DNS-subdomain prefix, then at most 63 letters, digits, '-', '_' and '.', starting and ending alphanumeric",
    );
  }
  return key;
}

/** Prefixes reserved for Kubernetes itself and for the labels the constructs set and policies select on. */
export const RESERVED_LABEL_PREFIXES: readonly string[] = ['kubernetes.io', 'k8s.io', 'agent-baseline.io'];

/**
 * A label key a user may set on a construct: well-formed, and outside the prefixes Kubernetes and
 * agent-baseline own (a user label there could impersonate what policies select on).
 */
export function requireUserLabelKey(scope: Scope, field: string, key: unknown): string {
  requireLabelKey(scope, field, key);
  const text = key as string;
  const prefix = text.includes('/') ? text.slice(0, text.indexOf('/')).toLowerCase() : undefined;
  const reserved = RESERVED_LABEL_PREFIXES.find((r) => prefix === r || prefix?.endsWith(`.${r}`));
  if (reserved !== undefined)
    invalidProp(
      scope,
      field,
      key,
      `a label key outside the reserved prefixes ${RESERVED_LABEL_PREFIXES.map((r) => `'${r}', '*.${r}'`).join(', ')}`,
      `'${reserved}' labels are set by Kubernetes or by the constructs, and policies select on them`,
    );
  return text;
}

/** Checks every key and value of a user-given label map. */
export function requireUserLabels(scope: Scope, field: string, labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels))
    invalidProp(scope, field, labels, 'a map of label keys to label values');
  for (const [key, value] of Object.entries(labels)) {
    requireUserLabelKey(scope, `${field}.${key}`, key);
    requireLabelValue(scope, `${field}.${key}`, value);
  }
  return labels as Record<string, string>;
}

export function requireEnvName(scope: Scope, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || !ENV_NAME.test(value)) {
    invalidProp(
      scope,
      field,
      value,
      "an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit",
    );
  }
  return value;
}

export function requireInteger(
  scope: Scope,
  field: string,
  value: unknown,
  min: number,
  max: number,
  reason?: string,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalidProp(scope, field, value, `an integer from ${min} to ${max}`, reason);
  }
  return value;
}

export function requireNonEmptyString(scope: Scope, field: string, value: unknown, maxLength = 1024): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > maxLength) {
    invalidProp(scope, field, value, `a non-empty string of at most ${maxLength} characters`);
  }
  return value;
}

export function requireAbsolutePath(scope: Scope, field: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    !/^\/[^\0]*$/.test(value) ||
    value.split('/').includes('..') ||
    value.length > 4096
  ) {
    invalidProp(scope, field, value, "an absolute path starting with '/' and without '..' segments");
  }
  return value;
}

export function requireOneOf<T extends string>(scope: Scope, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    invalidProp(scope, field, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

/** A reason recorded on an object when the baseline is weakened or a finding suppressed. */
export const MIN_REASON_LENGTH = 10;
/** What a readable reason is, in the words of every refusal. */
export const REASON_ALLOWED = `a reason of at least ${MIN_REASON_LENGTH} characters explaining why (counted as visible letters or digits; no invisible or bidirectional-control characters)`;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/gu;
/** Characters that reorder text as displayed (Trojan Source): the shown reason would not be the stored one. */
const BIDI_CONTROL = /\p{Bidi_Control}/u;
/** Format and control characters (zero-width space/joiners, soft hyphen, word joiner, BOM, ...), except tab and line breaks. */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]|(?![\t\n\r])\p{Cc}/u;

/**
 * Why `value` is not a readable reason, or undefined when it is. Shared by the constructs and the
 * rule engine's suppression parser, so a reason refused at synth is refused in a scan too.
 */
export function reasonProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'not a string';
  if (BIDI_CONTROL.test(value))
    return 'it contains bidirectional-control characters, so it displays differently from what is stored';
  if (INVISIBLE.test(value)) return 'it contains invisible characters (zero-width, format or control characters)';
  const visible = value.match(LETTER_OR_DIGIT)?.length ?? 0;
  if (visible < MIN_REASON_LENGTH)
    return `it has ${visible} visible letters or digits, fewer than ${MIN_REASON_LENGTH}`;
  return undefined;
}

export function requireReason(scope: Scope, field: string, value: unknown): string {
  const problem = reasonProblem(value);
  // A short reason explains itself through the allowed text; hidden characters need saying.
  if (problem !== undefined)
    invalidProp(scope, field, value, REASON_ALLOWED, problem.startsWith('it has') ? undefined : problem);
  return (value as string).trim();
}

/** Finds the first duplicate in a list, by key. */
export function firstDuplicate<T>(items: readonly T[], key: (item: T) => string): T | undefined {
  const seen = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) return item;
    seen.add(k);
  }
  return undefined;
}

/** A token audience: any string without whitespace (`vault`, `https://kubernetes.default.svc`). */
export function requireTokenAudience(scope: Scope, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || /\s/.test(value)) {
    invalidProp(
      scope,
      field,
      value,
      "a token audience: 1-253 characters without whitespace, e.g. 'vault' or 'https://kubernetes.default.svc'",
    );
  }
  return value;
}

/**
 * Where a projected token may be mounted: an absolute path outside the legacy ServiceAccount
 * directory, where every client library would pick it up as the pod's API credential.
 */
export function requireTokenMountPath(scope: Scope, field: string, value: unknown): string {
  requireAbsolutePath(scope, field, value);
  const clean = (value as string).replace(/\/+$/, '');
  if (
    clean === LEGACY_SERVICE_ACCOUNT_TOKEN_DIR ||
    clean.startsWith(`${LEGACY_SERVICE_ACCOUNT_TOKEN_DIR}/`) ||
    LEGACY_SERVICE_ACCOUNT_TOKEN_DIR.startsWith(`${clean}/`)
  )
    invalidProp(
      scope,
      field,
      value,
      `a path outside ${LEGACY_SERVICE_ACCOUNT_TOKEN_DIR} and its parents, e.g. ${PROJECTED_TOKEN_MOUNT_DIR}/<name>`,
      'client libraries load any token found there as the pod API credential, whatever its audience',
    );
  return value as string;
}
