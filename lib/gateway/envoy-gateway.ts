/**
 * Envoy Gateway (gateway.envoyproxy.io/v1alpha1) edge policies for one route, checked against the
 * CRDs of Envoy Gateway v1.5.9 (test/fixtures/envoy-gateway).
 *
 * Filter order in Envoy Gateway: OAuth2 (OIDC), then JWT, then RBAC (authorization), then rate
 * limits. So with OIDC on, a browser without a session is sent to sign in; a request with a bearer
 * token skips sign-in (passThroughAuthHeader) and goes straight to JWT validation. Every request
 * that reaches the agent carries a token the JWT filter validated: sessions forward their access
 * token, machines bring theirs. JWT is never optional, so a request with neither is refused.
 */
import { ResolvedGatewaySettings } from '../core';
import { VSO_API_VERSION, vaultAuthSpec, vaultConnectionSpec } from '../vault/operator';
import { GATEWAY_API_GROUP } from './render';
import { ResolvedJwtProvider, ResolvedRoute } from './resolve';

/** apiVersion of Envoy Gateway's policy objects (SecurityPolicy, BackendTrafficPolicy). */
export const ENVOY_GATEWAY_API_VERSION = 'gateway.envoyproxy.io/v1alpha1';
/** The Envoy Gateway release whose CRDs the rendered objects are checked against (test/fixtures/envoy-gateway). */
export const ENVOY_GATEWAY_RELEASE = 'v1.5.9';
/** Labels Envoy Gateway puts on the proxy pods of a Gateway. */
export const OWNING_GATEWAY_NAME_LABEL = 'gateway.envoyproxy.io/owning-gateway-name';
/** Label Envoy Gateway puts on the proxy pods of a Gateway: the Gateway's namespace. */
export const OWNING_GATEWAY_NAMESPACE_LABEL = 'gateway.envoyproxy.io/owning-gateway-namespace';
/** Envoy Gateway reads the OIDC client secret from this key. */
export const CLIENT_SECRET_KEY = 'client-secret';

/** Name of the route's SecurityPolicy (authentication and authorization). */
export function securityPolicyName(route: ResolvedRoute): string {
  return `${route.agentName}-edge-auth`;
}
/** Name of the route's BackendTrafficPolicy (request limits). */
export function trafficPolicyName(route: ResolvedRoute): string {
  return `${route.agentName}-limits`;
}
/** ServiceAccount, VaultAuth, VaultStaticSecret and destination Secret of the OIDC client secret. */
export function clientSecretName(route: ResolvedRoute): string {
  return `${route.agentName}-oidc-client`;
}
/** The Vault role the client-secret ServiceAccount logs in with (create it bound to that ServiceAccount). */
export function clientSecretVaultRole(route: ResolvedRoute): string {
  return `${route.namespace}-${route.agentName}-oidc-client`;
}

function targetRefs(route: ResolvedRoute): Record<string, string>[] {
  return [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute', name: route.agentName }];
}

function jwtProvider(route: ResolvedRoute, p: ResolvedJwtProvider): Record<string, unknown> {
  return {
    name: p.name,
    issuer: p.issuer,
    audiences: [...p.audiences],
    remoteJWKS: { uri: p.jwksUri },
    // The subject of the validated token (for the agent and the per-user limit), then any other claims asked for.
    claimToHeaders: route.claimHeaders.map((c) => ({ claim: c.claim, header: c.header })),
  };
}

/** Allow rules, one per issuer, carrying its claim and scope requirements; everything else is denied. */
function authorization(route: ResolvedRoute): Record<string, unknown> {
  return {
    defaultAction: 'Deny',
    rules: route.providers.map((p) => {
      const required = Object.entries(p.requiredClaims);
      // The CRD wants a claim or a scope in every JWT principal; without requirements the issuer
      // itself is the claim (the JWT filter already checked it, so this adds no new condition).
      const claims = (required.length || p.requiredScopes.length ? required : [['iss', [p.issuer]] as const]).map(
        ([name, values]) => ({ name, valueType: 'String', values: [...values] }),
      );
      return {
        name: `allow-${p.name}`,
        action: 'Allow',
        principal: {
          jwt: {
            provider: p.name,
            ...(claims.length ? { claims } : {}),
            ...(p.requiredScopes.length ? { scopes: [...p.requiredScopes] } : {}),
          },
        },
      };
    }),
  };
}

/** The route's SecurityPolicy: OIDC sign-in when people call, JWT validation of every request, and allow rules per issuer with default deny. */
export function renderSecurityPolicySpec(route: ResolvedRoute): Record<string, unknown> {
  const oidc = route.oidc;
  const machines = route.providers.some((p) => p.name !== 'people');
  return {
    targetRefs: targetRefs(route),
    ...(oidc
      ? {
          oidc: {
            provider: {
              issuer: oidc.issuer,
              ...(oidc.endSessionEndpoint ? { endSessionEndpoint: oidc.endSessionEndpoint } : {}),
            },
            clientID: oidc.clientId,
            clientSecret: { group: '', kind: 'Secret', name: clientSecretName(route) },
            scopes: [...oidc.scopes],
            redirectURL: oidc.redirectUrl,
            logoutPath: oidc.logoutPath,
            // The session's access token goes on as `Authorization: Bearer` so the JWT filter
            // validates it like a machine's; the route removes it before the agent unless the agent
            // asked for it (forwardAccessToken). The ID token is never forwarded.
            forwardAccessToken: true,
            refreshToken: oidc.refreshToken,
            defaultTokenTTL: `${oidc.tokenLifetimeSeconds}s`,
            ...(oidc.refreshToken ? { defaultRefreshTokenTTL: `${oidc.sessionLifetimeSeconds}s` } : {}),
            // Secure and HttpOnly are set by Envoy's OAuth2 filter on every cookie; SameSite is ours.
            cookieConfig: { sameSite: oidc.sameSite },
            ...(machines ? { passThroughAuthHeader: true } : {}),
          },
        }
      : {}),
    jwt: { providers: route.providers.map((p) => jwtProvider(route, p)) },
    authorization: authorization(route),
  };
}

/** The route's BackendTrafficPolicy: per-user (by subject header) and overall request limits, local or global per the platform setting. */
export function renderTrafficPolicySpec(
  route: ResolvedRoute,
  settings: ResolvedGatewaySettings,
): Record<string, unknown> {
  const perUser = {
    clientSelectors: [{ headers: [{ name: route.subjectHeader, type: 'Distinct' }] }],
    limit: { requests: route.limits.perUser.requests, unit: route.limits.perUser.unit },
  };
  const overall = { limit: { requests: route.limits.overall.requests, unit: route.limits.overall.unit } };
  switch (settings.rateLimit) {
    case 'local':
      // The rule without selectors is the route's default bucket (Envoy Gateway requires it first-class).
      return { targetRefs: targetRefs(route), rateLimit: { type: 'Local', local: { rules: [overall, perUser] } } };
    case 'global':
      return { targetRefs: targetRefs(route), rateLimit: { type: 'Global', global: { rules: [perUser, overall] } } };
  }
}

/**
 * The OIDC client secret from Vault: a ServiceAccount that exists only to log in to Vault, its
 * VaultAuth, and a VaultStaticSecret writing the `client-secret` key Envoy Gateway reads.
 */
export function renderClientSecretObjects(
  route: ResolvedRoute,
  vault: { readonly address: string; readonly authMount: string },
  labels: Record<string, string>,
): { kind: string; apiVersion: string; body: Record<string, unknown> }[] {
  const oidc = route.oidc;
  if (!oidc) return [];
  const name = clientSecretName(route);
  const s = oidc.clientSecret;
  return [
    // Its own connection unless one is named: the namespace may hold no operator-mode agent.
    ...(s.connection === undefined
      ? [{ apiVersion: VSO_API_VERSION, kind: 'VaultConnection', body: { spec: vaultConnectionSpec(vault.address) } }]
      : []),
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      body: { automountServiceAccountToken: false },
    },
    {
      apiVersion: VSO_API_VERSION,
      kind: 'VaultAuth',
      body: {
        spec: vaultAuthSpec({
          connectionRef: s.connection ?? name,
          authMount: vault.authMount,
          roleName: clientSecretVaultRole(route),
          serviceAccount: name,
        }),
      },
    },
    {
      apiVersion: VSO_API_VERSION,
      kind: 'VaultStaticSecret',
      body: {
        spec: {
          vaultAuthRef: name,
          mount: s.mount,
          type: 'kv-v2',
          path: s.path,
          refreshAfter: '1h',
          hmacSecretData: true,
          destination: {
            name,
            create: true,
            overwrite: false,
            type: 'Opaque',
            labels,
            transformation: {
              excludeRaw: true,
              excludes: ['.*'],
              templates: { [CLIENT_SECRET_KEY]: { text: `{{- get .Secrets "${s.key}" -}}` } },
            },
          },
        },
      },
    },
  ];
}
