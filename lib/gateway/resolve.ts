/**
 * Validation of gateway and route props into resolved forms. Every refusal names the construct
 * path, the field, the value and what is allowed; nothing is dropped or silently defaulted away.
 */
import { IConstruct } from 'constructs';
import { invalidProp, requireDnsLabel, requireDnsSubdomain, requireInteger, requireNonEmptyString } from '../core';
import { CLAIM_NAME, checkHttpsUrl, checkIssuer, checkRequiredClaims, checkValues } from '../identity/jwt-checks';
import {
  AgentGatewayProps,
  AgentRouteProps,
  DEFAULT_LIMITS,
  ExposableAgent,
  MachineCallerProps,
  OidcSignInProps,
  RATE_LIMIT_UNITS,
  RATE_LIMIT_UNIT_SECONDS,
  RequestLimit,
} from './types';

type Scope = IConstruct;

/** Envoy Gateway accepts at most this many JWT providers per SecurityPolicy. */
export const MAX_JWT_PROVIDERS = 4;
/** Longest `tokenLifetimeSeconds`: 12 h, since a stolen token stays valid for its whole lifetime. */
export const MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;
/** Shortest `tokenLifetimeSeconds`: a minute. */
export const MIN_TOKEN_LIFETIME_SECONDS = 60;
/** Longest `sessionLifetimeSeconds`: a day, so a stolen session cookie does not stay usable indefinitely. */
export const MAX_SESSION_LIFETIME_SECONDS = 24 * 3600;
/** Shortest `sessionLifetimeSeconds`: 5 minutes. */
export const MIN_SESSION_LIFETIME_SECONDS = 300;
/** Default `tokenLifetimeSeconds`: an hour. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
/** Default `sessionLifetimeSeconds`: 8 hours, a working day. */
export const DEFAULT_SESSION_LIFETIME_SECONDS = 8 * 3600;
/** Scopes requested at sign-in when `scopes` is not given. */
export const DEFAULT_OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'email'];
/** Default OIDC callback path. */
export const DEFAULT_REDIRECT_PATH = '/oauth2/callback';
/** Default sign-out path. */
export const DEFAULT_LOGOUT_PATH = '/logout';
/** Default header carrying the validated token's `sub` claim to the agent. */
export const DEFAULT_SUBJECT_HEADER = 'x-agent-subject';
/** The name of the JWT provider that validates people's session tokens. */
export const PEOPLE_PROVIDER = 'people';
const MAX_REQUESTS = 1_000_000;

/** Headers the gateway must never set from a token: they carry routing, credentials or hop data. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'cookie',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'te',
  'upgrade',
  'proxy-authorization',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
  'x-envoy-original-path',
]);
const HEADER_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const PATH_PREFIX = /^\/[A-Za-z0-9._~!$&'()+,;=:@%/-]*$/;

/** AgentGateway props after validation. */
export interface ResolvedGateway {
  /** Name of the Gateway object. */
  readonly name: string;
  /** Namespace of the Gateway object. */
  readonly namespace: string;
  /** The HTTPS listener's certificate: an existing Secret, or a cert-manager Certificate writing `<name>-tls`. */
  readonly tls:
    | { readonly kind: 'secret'; readonly secretName: string }
    | {
        readonly kind: 'cert-manager';
        readonly secretName: string;
        readonly issuer: string;
        readonly issuerKind: 'ClusterIssuer' | 'Issuer';
        readonly dnsNames: readonly string[];
      };
}

/** One JWT issuer the SecurityPolicy accepts: people's session tokens or one kind of machine caller. */
export interface ResolvedJwtProvider {
  /** Provider name (`people`, or the machine caller's name). */
  readonly name: string;
  /** Accepted `iss`. */
  readonly issuer: string;
  /** https URL of the issuer's signing keys. */
  readonly jwksUri: string;
  /** Accepted `aud` values. */
  readonly audiences: readonly string[];
  /** Claim to accepted values; every listed claim must match (empty for none). */
  readonly requiredClaims: Readonly<Record<string, readonly string[]>>;
  /** Scopes the token must all carry (empty for none). */
  readonly requiredScopes: readonly string[];
}

/** OIDC sign-in after validation, every default filled in. */
export interface ResolvedOidc {
  /** The provider's issuer URL. */
  readonly issuer: string;
  /** The client ID registered with the provider. */
  readonly clientId: string;
  /** Where the client secret lives in Vault (KV v2). */
  readonly clientSecret: {
    readonly path: string;
    readonly mount: string;
    readonly key: string;
    /** An existing VaultConnection, or undefined for a dedicated one. */
    readonly connection?: string;
  };
  /** Scopes requested at sign-in, `openid` first. */
  readonly scopes: readonly string[];
  /** Full callback URL: `https://<first hostname><redirectPath>`. */
  readonly redirectUrl: string;
  /** Sign-out path. */
  readonly logoutPath: string;
  /** The provider's end-session endpoint. @default undefined (meaning discovered from the issuer) */
  readonly endSessionEndpoint?: string;
  /** Lifetime of tokens whose provider response carries no `expires_in`. */
  readonly tokenLifetimeSeconds: number;
  /** Whether sessions are renewed with the refresh token. */
  readonly refreshToken: boolean;
  /** Upper bound of a session when the refresh token carries no `exp`. */
  readonly sessionLifetimeSeconds: number;
  /** SameSite attribute of the session cookies. */
  readonly sameSite: 'Lax' | 'Strict';
}

/** An AgentRoute's props after validation, joined with what the agent and gateway contribute. */
export interface ResolvedRoute {
  /** The agent's name. */
  readonly agentName: string;
  /** The agent's namespace, where the route objects go. */
  readonly namespace: string;
  /** Labels that select the agent's pods. */
  readonly selectorLabels: Record<string, string>;
  /** The agent's Service (named after the agent). */
  readonly serviceName: string;
  /** Name of the agent port requests go to. */
  readonly portName: string;
  /** Number of that port (Service port = container port). */
  readonly port: number;
  /** Exact host names the agent is served on. */
  readonly hostnames: readonly string[];
  /** Path prefixes routed to the agent. */
  readonly pathPrefixes: readonly string[];
  /** OIDC sign-in for people. @default undefined (meaning machine callers only) */
  readonly oidc?: ResolvedOidc;
  /** People's session tokens first (when OIDC is on), then machine callers. */
  readonly providers: readonly ResolvedJwtProvider[];
  /** Header set from the validated token's `sub` claim; also the per-user limit key. */
  readonly subjectHeader: string;
  /** Claim to header, `sub` to the subject header first. */
  readonly claimHeaders: readonly { readonly claim: string; readonly header: string }[];
  /** Request limits per user and overall. */
  readonly limits: { readonly perUser: RequestLimit; readonly overall: RequestLimit };
  /** Request headers the route removes before the agent (after authentication used them). */
  readonly removeHeaders: readonly string[];
}

/** Validates AgentGateway props (`id` names the Gateway when `name` is not given); every refusal names the field. */
export function resolveGateway(scope: Scope, id: string, props: AgentGatewayProps): ResolvedGateway {
  const name = requireDnsLabel(scope, 'name', props.name ?? id, 50);
  const namespace = requireDnsLabel(scope, 'namespace', props.namespace);
  const tls = props.tls as unknown;
  if (typeof tls !== 'object' || tls === null)
    invalidProp(scope, 'tls', tls, '{ secretName } or { certManager: { issuer, dnsNames } }');
  if ('secretName' in tls && !('certManager' in tls)) {
    return {
      name,
      namespace,
      tls: { kind: 'secret', secretName: requireDnsSubdomain(scope, 'tls.secretName', tls.secretName) },
    };
  }
  if ('certManager' in tls && !('secretName' in tls)) {
    const cm = (tls as { certManager: Record<string, unknown> }).certManager ?? {};
    const issuerKind = cm.issuerKind ?? 'ClusterIssuer';
    if (issuerKind !== 'ClusterIssuer' && issuerKind !== 'Issuer')
      invalidProp(scope, 'tls.certManager.issuerKind', issuerKind, "'ClusterIssuer' or 'Issuer'");
    const dnsNames = cm.dnsNames;
    if (!Array.isArray(dnsNames) || dnsNames.length === 0)
      invalidProp(scope, 'tls.certManager.dnsNames', dnsNames, 'a non-empty list of DNS names');
    dnsNames.forEach((d, i) => {
      const bare = typeof d === 'string' && d.startsWith('*.') ? d.slice(2) : d;
      if (typeof bare !== 'string' || !HOSTNAME.test(bare))
        invalidProp(scope, `tls.certManager.dnsNames[${i}]`, d, "a DNS name, optionally with one leading '*.' label");
    });
    return {
      name,
      namespace,
      tls: {
        kind: 'cert-manager',
        secretName: `${name}-tls`,
        issuer: requireDnsSubdomain(scope, 'tls.certManager.issuer', cm.issuer),
        issuerKind,
        dnsNames: dnsNames as string[],
      },
    };
  }
  return invalidProp(scope, 'tls', tls, 'exactly one of { secretName } and { certManager: { issuer, dnsNames } }');
}

function requireLimit(scope: Scope, field: string, value: RequestLimit): RequestLimit {
  if (typeof value !== 'object' || value === null) invalidProp(scope, field, value, '{ requests, unit }');
  requireInteger(
    scope,
    `${field}.requests`,
    value.requests,
    1,
    MAX_REQUESTS,
    'a request limit must be finite and positive',
  );
  if (!RATE_LIMIT_UNITS.includes(value.unit))
    invalidProp(scope, `${field}.unit`, value.unit, RATE_LIMIT_UNITS.map((u) => `'${u}'`).join(', '));
  return { requests: value.requests, unit: value.unit };
}

function requireHeaderName(scope: Scope, field: string, value: unknown): string {
  if (typeof value !== 'string' || !HEADER_NAME.test(value) || RESERVED_HEADERS.has(value))
    invalidProp(
      scope,
      field,
      value,
      `a lower-case header name of letters, digits and '-', not one of ${[...RESERVED_HEADERS].join(', ')}`,
      'the gateway overwrites it with a token claim',
    );
  return value;
}

function requireSeconds(scope: Scope, field: string, value: unknown, min: number, max: number, reason: string): number {
  return requireInteger(scope, field, value, min, max, reason);
}

function provider(scope: Scope, field: string, name: string, p: MachineCallerProps): ResolvedJwtProvider {
  return {
    name,
    issuer: checkIssuer(scope, `${field}.issuer`, p.issuer),
    jwksUri: checkHttpsUrl(scope, `${field}.jwksUri`, p.jwksUri),
    audiences: checkValues(scope, `${field}.audiences`, p.audiences),
    requiredClaims: checkRequiredClaims(scope, `${field}.requiredClaims`, p.requiredClaims),
    requiredScopes:
      p.requiredScopes === undefined ? [] : checkValues(scope, `${field}.requiredScopes`, p.requiredScopes),
  };
}

function underPrefix(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => p === '/' || path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
}

function resolveOidc(
  scope: Scope,
  p: OidcSignInProps,
  hostnames: readonly string[],
  pathPrefixes: readonly string[],
): { oidc: ResolvedOidc; provider: ResolvedJwtProvider } {
  // The issuer must be https even when it looks like a bare name: OIDC discovery fetches it.
  const issuer = checkHttpsUrl(scope, 'people.issuer', p.issuer);
  const clientId = requireNonEmptyString(scope, 'people.clientId', p.clientId, 256);
  if (/\s/.test(clientId)) invalidProp(scope, 'people.clientId', clientId, 'a client ID without whitespace');
  const secret = p.clientSecret as unknown;
  if (typeof secret !== 'object' || secret === null || !('vault' in secret) || Object.keys(secret).length !== 1)
    invalidProp(
      scope,
      'people.clientSecret',
      typeof secret === 'string' ? '<literal redacted>' : secret,
      '{ vault: { path, mount?, key? } }: a KV v2 secret the Vault Secrets Operator delivers to the gateway',
      'a literal client secret would be stored in Git and in every rendered manifest',
    );
  const v = (secret as { vault: Record<string, unknown> }).vault ?? {};
  const path = requireNonEmptyString(scope, 'people.clientSecret.vault.path', v.path, 512);
  if (path.startsWith('/') || path.split('/').includes('..') || /[\s*]/.test(path))
    invalidProp(scope, 'people.clientSecret.vault.path', path, "a relative KV path without '..', '*' or whitespace");
  const clientSecret = {
    path,
    mount: requireDnsLabel(scope, 'people.clientSecret.vault.mount', v.mount ?? 'kv'),
    key: requireHeaderLikeKey(scope, 'people.clientSecret.vault.key', v.key ?? 'client-secret'),
    connection:
      v.connection === undefined
        ? undefined
        : requireDnsSubdomain(scope, 'people.clientSecret.vault.connection', v.connection),
  };

  const scopes = [...new Set(['openid', ...checkValues(scope, 'people.scopes', p.scopes ?? DEFAULT_OIDC_SCOPES)])];
  const redirectPath = p.redirectPath ?? DEFAULT_REDIRECT_PATH;
  const logoutPath = p.logoutPath ?? DEFAULT_LOGOUT_PATH;
  for (const [field, value] of [
    ['people.redirectPath', redirectPath],
    ['people.logoutPath', logoutPath],
  ] as const) {
    if (typeof value !== 'string' || !PATH_PREFIX.test(value) || value.includes('*'))
      invalidProp(
        scope,
        field,
        value,
        "an absolute path without '*', query or fragment",
        'a wildcard redirect URL lets an attacker receive the authorization code',
      );
    if (!underPrefix(value, pathPrefixes))
      invalidProp(
        scope,
        field,
        value,
        `a path under one of the route's path prefixes (${pathPrefixes.join(', ')})`,
        'the gateway only sees requests the route sends to the agent',
      );
  }
  if (redirectPath === logoutPath)
    invalidProp(scope, 'people.logoutPath', logoutPath, 'a path different from people.redirectPath');

  const cookies = p.cookies ?? {};
  const sameSite = cookies.sameSite ?? 'Lax';
  if (sameSite !== 'Lax' && sameSite !== 'Strict')
    invalidProp(
      scope,
      'people.cookies.sameSite',
      sameSite,
      "'Lax' or 'Strict'",
      'SameSite=None sends the session cookie with cross-site requests (CSRF)',
    );
  for (const attr of ['secure', 'httpOnly'] as const) {
    if (cookies[attr] !== undefined && cookies[attr] !== true)
      invalidProp(
        scope,
        `people.cookies.${attr}`,
        cookies[attr],
        'true (or unset)',
        attr === 'secure'
          ? 'a session cookie without Secure is sent over plain HTTP'
          : 'a session cookie without HttpOnly can be read by any script on the page',
      );
  }
  const refreshToken = p.refreshToken ?? true;
  if (typeof refreshToken !== 'boolean') invalidProp(scope, 'people.refreshToken', refreshToken, 'true or false');
  const tokenLifetimeSeconds = requireSeconds(
    scope,
    'people.tokenLifetimeSeconds',
    p.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
    MIN_TOKEN_LIFETIME_SECONDS,
    MAX_TOKEN_LIFETIME_SECONDS,
    'a session must be bounded: a stolen token stays valid for its whole lifetime',
  );
  const sessionLifetimeSeconds = requireSeconds(
    scope,
    'people.sessionLifetimeSeconds',
    p.sessionLifetimeSeconds ?? DEFAULT_SESSION_LIFETIME_SECONDS,
    MIN_SESSION_LIFETIME_SECONDS,
    MAX_SESSION_LIFETIME_SECONDS,
    'an unbounded session keeps a stolen cookie usable indefinitely',
  );
  if (sessionLifetimeSeconds < tokenLifetimeSeconds)
    invalidProp(
      scope,
      'people.sessionLifetimeSeconds',
      sessionLifetimeSeconds,
      `at least people.tokenLifetimeSeconds (${tokenLifetimeSeconds})`,
    );
  const host = hostnames[0];
  return {
    oidc: {
      issuer,
      clientId,
      clientSecret,
      scopes,
      redirectUrl: `https://${host}${redirectPath}`,
      logoutPath,
      endSessionEndpoint:
        p.endSessionEndpoint === undefined
          ? undefined
          : checkHttpsUrl(scope, 'people.endSessionEndpoint', p.endSessionEndpoint),
      tokenLifetimeSeconds,
      refreshToken,
      sessionLifetimeSeconds,
      sameSite,
    },
    provider: {
      name: PEOPLE_PROVIDER,
      issuer,
      jwksUri: checkHttpsUrl(scope, 'people.jwksUri', p.jwksUri),
      audiences: checkValues(scope, 'people.accessTokenAudiences', p.accessTokenAudiences ?? [clientId]),
      requiredClaims: checkRequiredClaims(scope, 'people.requiredClaims', p.requiredClaims),
      requiredScopes: [],
    },
  };
}

function resolveClaimHeaders(
  scope: Scope,
  subjectHeader: string,
  claims: Readonly<Record<string, string>> | undefined,
): { claim: string; header: string }[] {
  const out = [{ claim: 'sub', header: subjectHeader }];
  for (const [claim, header] of Object.entries(claims ?? {})) {
    if (!CLAIM_NAME.test(claim) || claim === 'sub')
      invalidProp(
        scope,
        `claimHeaders.${claim}`,
        claim,
        "a claim name of letters, digits, '_', '.', ':' and '-' other than 'sub' (see subjectHeader)",
      );
    const name = requireHeaderName(scope, `claimHeaders.${claim}`, header);
    if (out.some((o) => o.header === name))
      invalidProp(scope, `claimHeaders.${claim}`, name, 'a header no other claim (or subjectHeader) uses');
    out.push({ claim, header: name });
  }
  return out;
}

function requireBoolean(scope: Scope, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') invalidProp(scope, field, value, 'true or false');
  return value;
}

function requireHeaderLikeKey(scope: Scope, field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(value))
    invalidProp(scope, field, value, "a Secret key of letters, digits, '-', '_' and '.'");
  return value;
}

/**
 * Validates AgentRoute props against the agent and the gateway: the port, hostnames covered by the
 * certificate, at least one kind of caller, and the limits. Every refusal names the field.
 */
export function resolveRoute(
  scope: Scope,
  agent: ExposableAgent,
  props: AgentRouteProps,
  gateway: ResolvedGateway,
): ResolvedRoute {
  if (agent.ports.length === 0)
    invalidProp(
      scope,
      'agent',
      agent.agentName,
      'an agent that declares ports',
      'an agent without ports takes no calls',
    );
  let port = agent.ports[0];
  if (props.port === undefined) {
    if (agent.ports.length > 1)
      invalidProp(
        scope,
        'port',
        props.port,
        `one of the agent's ports: ${agent.ports.map((p) => `${p.name} (${p.port})`).join(', ')}`,
        'the agent declares several ports; only the one meant for callers is exposed',
      );
  } else {
    const found = agent.ports.find((p) => p.name === props.port || p.port === props.port);
    if (!found)
      invalidProp(
        scope,
        'port',
        props.port,
        `one of the agent's ports: ${agent.ports.map((p) => `${p.name} (${p.port})`).join(', ')}`,
      );
    port = found;
  }
  if ((port.protocol ?? 'TCP') !== 'TCP')
    invalidProp(scope, 'port', props.port ?? port.name, 'a TCP port', 'HTTP routes carry TCP only');

  const hostnames = props.hostnames as unknown;
  if (!Array.isArray(hostnames) || hostnames.length === 0 || hostnames.length > 16)
    invalidProp(scope, 'hostnames', hostnames, 'a list of 1 to 16 host names');
  hostnames.forEach((h, i) => {
    if (typeof h !== 'string' || !HOSTNAME.test(h))
      invalidProp(
        scope,
        `hostnames[${i}]`,
        h,
        'an exact, lower-case DNS name with at least two labels (no wildcard)',
        'a wildcard host would make the OIDC redirect URL a wildcard and serve the agent on names nobody reviewed',
      );
  });
  if (gateway.tls.kind === 'cert-manager') {
    const names = gateway.tls.dnsNames;
    hostnames.forEach((h: string, i) => {
      const covered = names.some((n) => n === h || (n.startsWith('*.') && h.slice(h.indexOf('.') + 1) === n.slice(2)));
      if (!covered)
        invalidProp(scope, `hostnames[${i}]`, h, `a name the gateway certificate covers: ${names.join(', ')}`);
    });
  }
  const pathPrefixes = props.pathPrefixes ?? ['/'];
  if (!Array.isArray(pathPrefixes) || pathPrefixes.length === 0 || pathPrefixes.length > 16)
    invalidProp(scope, 'pathPrefixes', pathPrefixes, 'a list of 1 to 16 path prefixes');
  pathPrefixes.forEach((p, i) => {
    if (
      typeof p !== 'string' ||
      !PATH_PREFIX.test(p) ||
      p.includes('*') ||
      p.split('/').includes('..') ||
      p.length > 1024
    )
      invalidProp(scope, `pathPrefixes[${i}]`, p, "an absolute path without '*', '..', query or fragment");
  });

  if (props.people === undefined && (props.machines === undefined || props.machines.length === 0))
    invalidProp(
      scope,
      'people',
      undefined,
      'people (OIDC sign-in) or machines (JWT callers), or both',
      'a route without authentication would let anyone on the internet call the agent',
    );
  const providers: ResolvedJwtProvider[] = [];
  let oidc: ResolvedOidc | undefined;
  if (props.people !== undefined) {
    const resolved = resolveOidc(scope, props.people, hostnames as string[], pathPrefixes);
    oidc = resolved.oidc;
    providers.push(resolved.provider);
  }
  (props.machines ?? []).forEach((m, i) => {
    const name = requireDnsLabel(scope, `machines[${i}].name`, m.name ?? `machines-${i}`);
    providers.push(provider(scope, `machines[${i}]`, name, m));
  });
  if (providers.length > MAX_JWT_PROVIDERS)
    invalidProp(
      scope,
      'machines',
      props.machines?.length,
      `at most ${MAX_JWT_PROVIDERS} token issuers in all (people count as one)`,
      'Envoy Gateway accepts at most four JWT providers per policy',
    );
  const dup = providers.find((p, i) => providers.findIndex((q) => q.name === p.name) !== i);
  if (dup) invalidProp(scope, 'machines', dup.name, 'distinct caller names (people use the name "people")');

  const subjectHeader = requireHeaderName(scope, 'subjectHeader', props.subjectHeader ?? DEFAULT_SUBJECT_HEADER);
  const limits = {
    perUser: requireLimit(scope, 'limits.perUser', props.limits?.perUser ?? DEFAULT_LIMITS.perUser),
    overall: requireLimit(scope, 'limits.overall', props.limits?.overall ?? DEFAULT_LIMITS.overall),
  };
  return {
    agentName: agent.agentName,
    namespace: agent.namespace.name,
    selectorLabels: agent.selectorLabels,
    serviceName: agent.agentName,
    portName: port.name,
    port: port.port,
    hostnames: hostnames as string[],
    pathPrefixes,
    oidc,
    providers,
    subjectHeader,
    claimHeaders: resolveClaimHeaders(scope, subjectHeader, props.claimHeaders),
    limits,
    removeHeaders: [
      ...(requireBoolean(scope, 'forwardAccessToken', props.forwardAccessToken ?? false) ? [] : ['Authorization']),
      ...(requireBoolean(scope, 'forwardCookies', props.forwardCookies ?? false) ? [] : ['Cookie']),
    ],
  };
}

/** Local limits count per proxy replica with Envoy's token buckets, whose units must nest. */
export function checkLocalLimitUnits(scope: Scope, limits: ResolvedRoute['limits']): void {
  if (RATE_LIMIT_UNIT_SECONDS[limits.perUser.unit] % RATE_LIMIT_UNIT_SECONDS[limits.overall.unit] !== 0)
    invalidProp(
      scope,
      'limits.perUser.unit',
      limits.perUser.unit,
      `a unit that is a multiple of limits.overall.unit ('${limits.overall.unit}'), or gateway.rateLimit: 'global' in the cluster settings`,
      "Envoy's local rate limit requires every rule's unit to be a multiple of the overall rule's unit",
    );
}
