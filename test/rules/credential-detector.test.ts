/**
 * detectCredential tries one combined pattern first and the ordered list only when it matches: the
 * combined pattern must never reject a value that some pattern of the list matches, whatever the
 * kind, and the first pattern in list order must still name it.
 */
import { CREDENTIAL_PATTERNS, detectCredential } from '../../lib/core';

const A20 = 'A1b2C3d4E5f6G7h8I9j0';
const SAMPLES: readonly [string, string][] = [
  ['an Anthropic API key', `sk-ant-api03-${A20}xyz`],
  ['an OpenAI API key', `sk-proj-${A20}`],
  ['an OpenAI API key', `token=sk-${A20}`],
  ['an AWS access key ID', 'AKIAIOSFODNN7EXAMPLE'],
  ['a GitHub token', `ghp_${'a'.repeat(36)}`],
  ['a GitHub token', `github_pat_${'B'.repeat(22)}`],
  ['a Slack token', 'xoxb-1234567890-abcdef'],
  ['a Slack webhook URL', 'https://hooks.slack.com/services/T0123ABC/B0456DEF/abcDEF123'],
  ['a Vault token', `hvs.${A20}`],
  ['a legacy Vault token', `s.${'x'.repeat(24)}`],
  ['a Google API key', `AIza${'9'.repeat(35)}`],
  ['a Stripe secret key', `rk_live_${A20}`],
  ['a Hugging Face token', `hf_${'q'.repeat(30)}`],
  ['a JWT', 'eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl'],
  ['a PEM private key', '-----BEGIN RSA PRIVATE KEY-----'],
  ['a URL with an embedded password', 'postgres://user:secret@db:5432/app'],
  ['a URL with an embedded password', 'HTTPS://User:Secret@Example.com/'],
];

describe('credential detector (combined pre-check, ordered list)', () => {
  it.each(SAMPLES)('names %s in %j', (kind, value) => {
    expect(CREDENTIAL_PATTERNS.find((p) => p.pattern.test(value))?.kind).toBe(kind);
    expect(detectCredential(value)).toBe(kind);
    // Inside other text (the anchored legacy Vault token then matches nothing, both ways).
    const wrapped = `  prefix ${value} suffix`;
    expect(detectCredential(wrapped)).toBe(CREDENTIAL_PATTERNS.find((p) => p.pattern.test(wrapped))?.kind);
  });

  it('covers every pattern of the list', () => {
    const kinds = new Set(SAMPLES.map(([k]) => k));
    expect(CREDENTIAL_PATTERNS.filter((p) => !kinds.has(p.kind)).map((p) => p.kind)).toEqual([]);
  });

  it.each([
    'registry.example.com/team/app:1.0.0',
    'https://user:$(PASSWORD)@db.example.com/',
    'https://example.com/path?x=1',
    'sk-short',
    'SK-ANT-notakey',
    `s.${'x'.repeat(25)}`,
  ])('leaves %j alone', (value) => {
    expect(detectCredential(value)).toBeUndefined();
  });

  it('a pattern added to the list at run time is checked too', () => {
    const list = CREDENTIAL_PATTERNS as { kind: string; pattern: RegExp }[];
    list.push({ kind: 'a test token', pattern: /\bzzq_[a-z]{16}\b/ });
    try {
      expect(detectCredential(`zzq_${'a'.repeat(16)}`)).toBe('a test token');
    } finally {
      list.pop();
    }
    expect(detectCredential(`zzq_${'a'.repeat(16)}`)).toBeUndefined();
  });
});
