/** Run-time shape of AgentGatewayProps and AgentRouteProps (see lib/core/schema.ts); kept equal to the interfaces by test/refuse/schemas.test.ts. */
import { z } from 'zod';
import { RATE_LIMIT_UNITS, RateLimitUnit } from './types';

const strings = z.array(z.string()).readonly();
const claims = z.record(z.string(), strings);

/** GatewayTls: a referenced Secret or a cert-manager Certificate. */
export const GATEWAY_TLS_SCHEMA = z.union([
  z.strictObject({ secretName: z.string() }),
  z.strictObject({
    certManager: z.strictObject({
      issuer: z.string(),
      issuerKind: z.enum(['ClusterIssuer', 'Issuer']).optional(),
      dnsNames: strings,
    }),
  }),
]);

/** Props of AgentGateway. */
export const AGENT_GATEWAY_PROPS_SCHEMA = z.strictObject({
  name: z.string().optional(),
  namespace: z.string(),
  tls: GATEWAY_TLS_SCHEMA,
});

const VAULT_CLIENT_SECRET_SCHEMA = z.strictObject({
  vault: z.strictObject({
    path: z.string(),
    mount: z.string().optional(),
    key: z.string().optional(),
    connection: z.string().optional(),
  }),
});

/** OidcSignInProps. */
export const OIDC_SIGN_IN_SCHEMA = z.strictObject({
  issuer: z.string(),
  jwksUri: z.string(),
  clientId: z.string(),
  clientSecret: VAULT_CLIENT_SECRET_SCHEMA,
  accessTokenAudiences: strings.optional(),
  scopes: strings.optional(),
  requiredClaims: claims.optional(),
  redirectPath: z.string().optional(),
  logoutPath: z.string().optional(),
  endSessionEndpoint: z.string().optional(),
  tokenLifetimeSeconds: z.number().optional(),
  refreshToken: z.boolean().optional(),
  sessionLifetimeSeconds: z.number().optional(),
  cookies: z
    .strictObject({
      sameSite: z.enum(['Lax', 'Strict']).optional(),
      secure: z.boolean().optional(),
      httpOnly: z.boolean().optional(),
    })
    .optional(),
});

const MACHINE_CALLER_SCHEMA = z.strictObject({
  name: z.string().optional(),
  issuer: z.string(),
  jwksUri: z.string(),
  audiences: strings,
  requiredClaims: claims.optional(),
  requiredScopes: strings.optional(),
});

const REQUEST_LIMIT_SCHEMA = z.strictObject({
  requests: z.number(),
  unit: z.enum(RATE_LIMIT_UNITS as [RateLimitUnit, ...RateLimitUnit[]]),
});

/** Props of AgentGateway.expose. */
export const AGENT_ROUTE_PROPS_SCHEMA = z.strictObject({
  hostnames: strings,
  pathPrefixes: strings.optional(),
  port: z.union([z.string(), z.number()]).optional(),
  people: OIDC_SIGN_IN_SCHEMA.optional(),
  machines: z.array(MACHINE_CALLER_SCHEMA).readonly().optional(),
  limits: z
    .strictObject({ perUser: REQUEST_LIMIT_SCHEMA.optional(), overall: REQUEST_LIMIT_SCHEMA.optional() })
    .optional(),
  subjectHeader: z.string().optional(),
  claimHeaders: z.record(z.string(), z.string()).optional(),
  forwardAccessToken: z.boolean().optional(),
  forwardCookies: z.boolean().optional(),
});
