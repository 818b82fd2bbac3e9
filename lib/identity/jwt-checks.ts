/**
 * The checks every token-validating edge shares: the Istio path (RequestAuthentication on meshed
 * clusters) and the gateway path (Envoy Gateway SecurityPolicy) refuse the same issuers, key URLs,
 * audiences and claim requirements with the same messages. Pure: no construct is created here.
 */
import { IConstruct } from 'constructs';
import { invalidProp, requireNonEmptyString } from '../core';

type Scope = IConstruct | string;

/**
 * A claim name a required-claims key may use: it is written into an Istio `request.auth.claims[<name>]` key,
 * so no brackets, spaces or wildcards.
 */
export const CLAIM_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
const CLAIM_VALUE = /^[^\s*]{1,256}$/;
/** https, a host, an optional port and path; no userinfo, query or fragment. */
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[^\s?#]*)?$/;

/** A URL a token or its keys are fetched from or compared to: https only, no wildcard, no query. */
export function checkHttpsUrl(scope: Scope, field: string, value: unknown): string {
  requireNonEmptyString(scope, field, value, 2048);
  if (!HTTPS_URL.test(value as string) || (value as string).includes('*')) {
    invalidProp(
      scope,
      field,
      value,
      'an https:// URL with a host and optional port and path, without query, fragment or wildcard',
      'keys or issuers over plain HTTP can be forged in transit',
    );
  }
  return value as string;
}

/** A JWT issuer: any string without whitespace or '*'; a URL issuer must be https. */
export function checkIssuer(scope: Scope, field: string, value: unknown): string {
  const issuer = requireNonEmptyString(scope, field, value, 2048);
  if (/[\s*]/.test(issuer)) invalidProp(scope, field, issuer, "an issuer without whitespace or '*'");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(issuer)) checkHttpsUrl(scope, field, issuer);
  return issuer;
}

/** A non-empty list of exact values (audiences, claim values, scopes): no wildcard, no whitespace. */
export function checkValues(scope: Scope, field: string, values: unknown): string[] {
  if (!Array.isArray(values) || values.length === 0) invalidProp(scope, field, values, 'a non-empty list of values');
  values.forEach((v, i) => {
    if (typeof v !== 'string' || !CLAIM_VALUE.test(v))
      invalidProp(
        scope,
        `${field}[${i}]`,
        v,
        "a value without whitespace or '*'",
        'a wildcard would accept any token of the issuer',
      );
  });
  return values as string[];
}

/** Claim name to accepted values. */
export function checkRequiredClaims(
  scope: Scope,
  field: string,
  claims: Readonly<Record<string, readonly string[]>> | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [claim, values] of Object.entries(claims ?? {})) {
    if (!CLAIM_NAME.test(claim))
      invalidProp(scope, `${field}.${claim}`, claim, "a claim name of letters, digits, '_', '.', ':' and '-'");
    out[claim] = checkValues(scope, `${field}.${claim}`, values);
  }
  return out;
}
