import { IConstruct } from 'constructs';
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
export const REASON_ALLOWED = `a reason of at least ${MIN_REASON_LENGTH} characters (visible letters or digits) explaining why, without invisible or bidirectional-control characters`;

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
  if (problem !== undefined) invalidProp(scope, field, value, REASON_ALLOWED, problem);
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
