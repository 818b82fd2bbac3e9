/**
 * One detector for credential-looking VALUES (not names): provider key formats, tokens, JWTs,
 * PEM private keys and URLs with an embedded password. The constructs refuse such values in props
 * (config, env) and the rule engine flags them in manifests (ConfigMap data, env, command lines),
 * from this one list. It returns the kind only, never the value, so messages never leak it.
 * Formats: each provider's documented key/token prefixes (OpenAI, Anthropic, AWS, GitHub, Slack,
 * HashiCorp Vault, Google, Stripe, Hugging Face), RFC 7519 (JWT) and RFC 7468 (PEM).
 */

export interface CredentialPattern {
  /** What the value looks like, for messages: `an OpenAI API key`. */
  readonly kind: string;
  /** Regular expression matching values of that kind. */
  readonly pattern: RegExp;
}

// Order matters: the first match names the kind (Anthropic keys also start with `sk-`).
/** Well-known credential formats; {@link detectCredential} tries them in order, so the first match names the kind. */
export const CREDENTIAL_PATTERNS: readonly CredentialPattern[] = [
  { kind: 'an Anthropic API key', pattern: /\bsk-ant-[a-z0-9]+-[A-Za-z0-9_-]{20,}/ },
  { kind: 'an OpenAI API key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/ },
  { kind: 'an AWS access key ID', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|APKA)[0-9A-Z]{16}\b/ },
  { kind: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { kind: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  {
    kind: 'a Slack webhook URL',
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/,
  },
  { kind: 'a Vault token', pattern: /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/ },
  { kind: 'a legacy Vault token', pattern: /^s\.[A-Za-z0-9]{24}$/ },
  { kind: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'a Stripe secret key', pattern: /\b(?:sk|rk)_live_[A-Za-z0-9]{20,}/ },
  { kind: 'a Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{30,}/ },
  { kind: 'a JWT', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  {
    kind: 'a PEM private key',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
  },
  // scheme://user:password@host, unless the password is a $(VAR) or ${VAR} reference.
  { kind: 'a URL with an embedded password', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:(?!\$[({])[^\s/@]+@[^\s/]/i },
];

// Every pattern as one alternation, case-insensitive: it matches whatever any single pattern
// matches (and possibly more), so a value it rejects matches none of them. Most values scanned
// (env values, arguments, ConfigMap data) are no credential: one test instead of fourteen. The
// ordered list still names the kind. Rebuilt if the list grows, so the filter never misses one.
let anyPattern: { readonly count: number; readonly regex: RegExp } | undefined;

function anyCredentialPattern(): RegExp {
  if (anyPattern?.count !== CREDENTIAL_PATTERNS.length) {
    const source = CREDENTIAL_PATTERNS.map((p) => `(?:${p.pattern.source})`).join('|');
    anyPattern = { count: CREDENTIAL_PATTERNS.length, regex: new RegExp(source, 'i') };
  }
  return anyPattern.regex;
}

/** The kind of credential the value looks like, or undefined. */
export function detectCredential(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 16) return undefined;
  if (!anyCredentialPattern().test(value)) return undefined;
  return CREDENTIAL_PATTERNS.find((p) => p.pattern.test(value))?.kind;
}
