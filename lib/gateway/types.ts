/**
 * What users declare to expose an agent through the gateway. Everything here is validated by
 * ./resolve.ts into the Resolved* forms the renderers read; nothing is emitted unvalidated.
 */
import type { AgentPeerPort, NetworkPeer, PortRef } from '../network/intent';

/**
 * The agent a route leads to: its Service (named after the agent), namespace, pod labels and
 * ports, and the grant that opens its NetworkPolicy to the gateway. A `HardenedAgent` satisfies it.
 */
export interface ExposableAgent {
  /** Names the agent's Service and the route objects. */
  readonly agentName: string;
  /** The agent's namespace; the route objects go there. */
  readonly namespace: { readonly name: string };
  /** Labels that select the agent's pods. */
  readonly selectorLabels: Record<string, string>;
  /** Ports the agent's Service exposes (Service port = container port). */
  readonly ports: readonly AgentPeerPort[];
  /** Opens the agent's ingress to `peer` on `port`; used for the gateway's proxy pods only. */
  allowIngressFrom(peer: NetworkPeer, port?: PortRef): void;
}

/** A server certificate for the HTTPS listener, from an existing Secret or issued by cert-manager. */
export type GatewayTls =
  | {
      /** A `kubernetes.io/tls` Secret in the gateway's namespace. */
      readonly secretName: string;
    }
  | {
      /** A cert-manager Certificate is created; its Secret feeds the listener. */
      readonly certManager: {
        /** Issuer or ClusterIssuer name. */
        readonly issuer: string;
        /** @default 'ClusterIssuer' */
        readonly issuerKind?: 'ClusterIssuer' | 'Issuer';
        /** DNS names the certificate covers; every route hostname must be one of them (or under a `*.` entry). */
        readonly dnsNames: readonly string[];
      };
    };

/** Props of {@link AgentGateway}: where the gateway runs and how it terminates TLS. */
export interface AgentGatewayProps {
  /** Name of the Gateway object. @default the construct id */
  readonly name?: string;
  /** Namespace of the Gateway object (it must exist). */
  readonly namespace: string;
  /** The HTTPS listener's certificate. */
  readonly tls: GatewayTls;
}

/**
 * The OIDC client secret, delivered from Vault by the Vault Secrets Operator into a Secret the
 * gateway reads. A literal secret is refused: it would sit in Git and in every rendered manifest.
 */
export interface VaultClientSecret {
  /** Where the client secret lives in Vault (KV v2). */
  readonly vault: {
    /** KV v2 path of the secret, relative to the mount. */
    readonly path: string;
    /** KV v2 mount. @default 'kv' */
    readonly mount?: string;
    /** Key inside the KV entry. @default 'client-secret' */
    readonly key?: string;
    /**
     * An existing VaultConnection in the agent's namespace (for example the namespace's `vault`,
     * which operator-mode agents create) to use instead of a dedicated one.
     * @default a VaultConnection `<agent>-oidc-client` to the platform's Vault address
     */
    readonly connection?: string;
  };
}

/** Cookie attributes of the sign-in session. Secure and HttpOnly cannot be turned off. */
export interface SessionCookieProps {
  /** `Lax` lets the sign-in redirect back from the identity provider carry the cookies. @default 'Lax' */
  readonly sameSite?: 'Lax' | 'Strict';
  /** Always true (Envoy's OAuth2 filter sets it); `false` is refused. @default true */
  readonly secure?: boolean;
  /** Always true (Envoy's OAuth2 filter sets it); `false` is refused. @default true */
  readonly httpOnly?: boolean;
}

/** Human sign-in with OpenID Connect (authorization code flow at the gateway). */
export interface OidcSignInProps {
  /** The provider's issuer: an https URL. */
  readonly issuer: string;
  /**
   * Where the provider publishes its signing keys (https). The access token of every session is
   * validated with them before the request reaches the agent.
   */
  readonly jwksUri: string;
  /** The client ID registered with the provider; also the default access-token audience. */
  readonly clientId: string;
  /** From Vault; a string is refused. */
  readonly clientSecret: VaultClientSecret;
  /** Audiences accepted in the session's access token. @default [clientId] */
  readonly accessTokenAudiences?: readonly string[];
  /** Scopes requested at sign-in; `openid` is always included. @default ['openid', 'profile', 'email'] */
  readonly scopes?: readonly string[];
  /** Claims the access token must carry (claim to accepted values). @default none */
  readonly requiredClaims?: Readonly<Record<string, readonly string[]>>;
  /** Callback path, on the route's first hostname. Must lie under one of the route's path prefixes. @default '/oauth2/callback' */
  readonly redirectPath?: string;
  /** Sign-out path (clears the session cookies). @default '/logout' */
  readonly logoutPath?: string;
  /** The provider's end-session endpoint (https), to sign out there too. @default discovered */
  readonly endSessionEndpoint?: string;
  /** Lifetime of tokens whose provider response carries no `expires_in`, 60 s to 12 h. @default 3600 */
  readonly tokenLifetimeSeconds?: number;
  /** Renew tokens with the refresh token, so a session outlives one access token. @default true */
  readonly refreshToken?: boolean;
  /**
   * Upper bound of a session when the refresh token carries no `exp`, 5 min to 24 h. Set the
   * provider's own refresh-token lifetime to the same value: a token's `exp` takes precedence.
   * @default 28800 (8 h)
   */
  readonly sessionLifetimeSeconds?: number;
  /** Session cookie attributes. @default { sameSite: 'Lax', secure: true, httpOnly: true } */
  readonly cookies?: SessionCookieProps;
}

/** Machine callers: bearer JWTs of one issuer, checked at the gateway. */
export interface MachineCallerProps {
  /** Names the JWT provider and its authorization rule. @default `machines-<index>` */
  readonly name?: string;
  /** The tokens' `iss`: an https URL or a bare issuer name. */
  readonly issuer: string;
  /** https URL of the issuer's keys. */
  readonly jwksUri: string;
  /** Accepted `aud` values; a token must carry one of them, so tokens minted for other services are refused. */
  readonly audiences: readonly string[];
  /** Claim to accepted values; every listed claim must match. @default none */
  readonly requiredClaims?: Readonly<Record<string, readonly string[]>>;
  /** OAuth scopes the token must all carry. @default none */
  readonly requiredScopes?: readonly string[];
}

/** Time unit of a request limit, as Envoy Gateway names it. */
export type RateLimitUnit = 'Second' | 'Minute' | 'Hour';
/** Every RateLimitUnit, for validating props. */
export const RATE_LIMIT_UNITS: readonly RateLimitUnit[] = ['Second', 'Minute', 'Hour'];
/** Seconds per unit, to check that per-user and overall units nest. */
export const RATE_LIMIT_UNIT_SECONDS: Record<RateLimitUnit, number> = { Second: 1, Minute: 60, Hour: 3600 };

/** A number of requests per time unit. */
export interface RequestLimit {
  /** Requests allowed per unit, 1 to 1,000,000. */
  readonly requests: number;
  /** The time unit. */
  readonly unit: RateLimitUnit;
}

/** Request limits at the edge, per user and overall. */
export interface RequestLimitProps {
  /** Requests per authenticated subject (`sub` claim). @default { requests: 60, unit: 'Minute' } */
  readonly perUser?: RequestLimit;
  /** Requests to the agent from everyone together. @default { requests: 1200, unit: 'Minute' } */
  readonly overall?: RequestLimit;
}

/** Request limits of a route that sets none: 60 per user and 1200 overall per minute. */
export const DEFAULT_LIMITS: Required<RequestLimitProps> = {
  perUser: { requests: 60, unit: 'Minute' },
  overall: { requests: 1200, unit: 'Minute' },
};

/** How one agent is exposed: hostnames, paths, who may call it (people and machines) and request limits. */
export interface AgentRouteProps {
  /** Exact host names (no wildcards) the agent is served on. */
  readonly hostnames: readonly string[];
  /** Path prefixes routed to the agent. @default ['/'] */
  readonly pathPrefixes?: readonly string[];
  /** The agent port (name or number) requests go to. @default the agent's only port */
  readonly port?: string | number;
  /** People sign in with OIDC. At least one of `people` and `machines` is required. @default none */
  readonly people?: OidcSignInProps;
  /** Machine callers with bearer JWTs. @default none */
  readonly machines?: readonly MachineCallerProps[];
  /** Request limits. @default {@link DEFAULT_LIMITS} */
  readonly limits?: RequestLimitProps;
  /** Header the gateway sets from the validated token's `sub` claim; also the per-user limit key. @default 'x-agent-subject' */
  readonly subjectHeader?: string;
  /**
   * More claims of the validated token passed to the agent as headers (claim to header name), e.g.
   * `{ email: 'x-agent-user-email' }`. Only string, number or boolean claims are copied.
   * @default none
   */
  readonly claimHeaders?: Readonly<Record<string, string>>;
  /**
   * Pass the caller's access token to the agent as `Authorization: Bearer`, for an agent that calls
   * APIs on the user's behalf. Otherwise the gateway removes it after validation, so a hijacked
   * agent holds no user credential. @default false
   */
  readonly forwardAccessToken?: boolean;
  /**
   * Pass the `Cookie` header to the agent. With OIDC it carries the session's token cookies, so it
   * is removed unless the agent needs cookies of its own. @default false
   */
  readonly forwardCookies?: boolean;
}
