/**
 * Istio objects for JWT authentication at an agent's edge, rendered as plain data. They sit on top
 * of the mesh's mTLS policies: every rule here is a DENY, because ALLOW policies are OR-ed and any
 * other ALLOW policy on the agent would let token-less calls through.
 */

export const ISTIO_SECURITY_API_VERSION = 'security.istio.io/v1';

/** Who may call an agent: JWTs of one issuer, checked by the mesh at the agent's sidecar. */
export interface JwtIdentity {
  /** The token issuer (`iss`), e.g. your identity provider's URL. */
  readonly issuer: string;
  /** Where the issuer publishes its signing keys (JWKS). */
  readonly jwksUri: string;
  /** Accepted `aud` values; a token for another audience is refused. */
  readonly audiences: readonly string[];
  /**
   * Claim name to accepted values; a call is refused unless each claim has one of its values. @default none
   * (no claim is required beyond issuer and audience)
   */
  readonly requiredClaims?: Readonly<Record<string, readonly string[]>>;
  /** OAuth scopes the token must all carry (Istio splits the space-delimited `scope` claim). @default none */
  readonly requiredScopes?: readonly string[];
  /**
   * Namespaces the callers run in (mTLS identity); others are refused. @default undefined (meaning callers
   * from any namespace)
   */
  readonly fromNamespaces?: readonly string[];
}

/** The agent an identity policy protects: its name, namespace and labels. */
export interface EdgeIdentityTarget {
  /** Agent name; the objects are named `<agent>-jwt`. */
  readonly agentName: string;
  /** Namespace of the agent, and of the emitted objects. */
  readonly namespace: string;
  /** Pod labels that select the agent's pods, used as the policies' selector. */
  readonly selectorLabels: Record<string, string>;
  /** Labels of the emitted objects. */
  readonly labels: Record<string, string>;
}

/** An Istio security object (RequestAuthentication or AuthorizationPolicy) as plain data. */
export interface IstioObject {
  /** Istio security API version. */
  readonly apiVersion: string;
  /** Which of the two objects this is. */
  readonly kind: 'RequestAuthentication' | 'AuthorizationPolicy';
  /** Name, namespace and labels of the object. */
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  /** The object's spec. */
  readonly spec: Record<string, unknown>;
}

/** Name of an agent's JWT RequestAuthentication and AuthorizationPolicy: `<agent>-jwt`. */
export function jwtObjectName(agentName: string): string {
  return `${agentName}-jwt`;
}

interface DenyRule {
  from?: { source: Record<string, string[]> }[];
  when?: { key: string; notValues: string[] }[];
}

/** One DENY rule per requirement: a call is refused when any requirement is unmet. */
export function denyRules(identity: JwtIdentity): DenyRule[] {
  const rules: DenyRule[] = [{ from: [{ source: { notRequestPrincipals: [`${identity.issuer}/*`] } }] }];
  if (identity.fromNamespaces && identity.fromNamespaces.length > 0) {
    rules.push({ from: [{ source: { notNamespaces: [...identity.fromNamespaces] } }] });
  }
  for (const [claim, values] of Object.entries(identity.requiredClaims ?? {})) {
    rules.push({ when: [{ key: `request.auth.claims[${claim}]`, notValues: [...values] }] });
  }
  for (const scope of identity.requiredScopes ?? []) {
    rules.push({ when: [{ key: 'request.auth.claims[scope]', notValues: [scope] }] });
  }
  return rules;
}

/** RequestAuthentication (validates tokens of the issuer) and the DENY policy that requires one. */
export function renderEdgeIdentity(target: EdgeIdentityTarget, identity: JwtIdentity): IstioObject[] {
  const metadata = { name: jwtObjectName(target.agentName), namespace: target.namespace, labels: target.labels };
  const selector = { matchLabels: target.selectorLabels };
  return [
    {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'RequestAuthentication',
      metadata,
      spec: {
        selector,
        jwtRules: [
          {
            issuer: identity.issuer,
            jwksUri: identity.jwksUri,
            audiences: [...identity.audiences],
            forwardOriginalToken: false,
          },
        ],
      },
    },
    {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata,
      spec: { selector, action: 'DENY', rules: denyRules(identity) },
    },
  ];
}
