import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { AgentBaselineError } from '../../lib/core';
import { AgentGateway, AgentGatewayProps, AgentRouteProps, OidcSignInProps } from '../../lib/gateway';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform, AgentPlatformProps } from '../../lib/platform';
import { HardenedAgent, HardenedAgentProps } from '../../lib/workload';
import { appObjects, findObject } from '../helpers/synth';
import { crdErrors, hasPinnedSchema } from './schemas';

const IMAGE = 'ghcr.io/acme-ai/assistant:1.4.2@sha256:4f6c1d0b8e3a2f9c7d5e1b0a3c8f6e2d9b7a5c3e1f0d8b6a4c2e0f9d7b5a3c1e';
const GATEWAY: AgentGatewayProps = { namespace: 'gateway', tls: { secretName: 'edge-tls' } };
const PEOPLE: OidcSignInProps = {
  issuer: 'https://login.example.com/realms/agents',
  jwksUri: 'https://login.example.com/realms/agents/protocol/openid-connect/certs',
  clientId: 'assistant-web',
  clientSecret: { vault: { path: 'gateway/assistant/oidc' } },
};
const MACHINES: AgentRouteProps['machines'] = [
  {
    name: 'ci',
    issuer: 'https://token.actions.githubusercontent.com',
    jwksUri: 'https://token.actions.githubusercontent.com/.well-known/jwks',
    audiences: ['assistant'],
    requiredClaims: { repository_owner: ['acme-ai'] },
  },
];
const ROUTE: AgentRouteProps = { hostnames: ['assistant.example.com'], people: PEOPLE, machines: MACHINES };

function build(
  route: AgentRouteProps = ROUTE,
  options: { platform?: AgentPlatformProps; agent?: Partial<HardenedAgentProps>; gateway?: AgentGatewayProps } = {},
) {
  const app = Testing.app();
  const platform = new AgentPlatform(app, 'platform', {
    vaultDeliveryModes: ['injector', 'operator'],
    ...options.platform,
  });
  const ns = new AgentNamespace(platform, 'agents');
  const agent = new HardenedAgent(ns, 'assistant', {
    image: IMAGE,
    ports: [{ name: 'http', port: 8080 }],
    ...options.agent,
  });
  const gateway = new AgentGateway(platform, 'edge', options.gateway ?? GATEWAY);
  gateway.expose(agent, route);
  return appObjects(app);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('AgentGateway', () => {
  const objects = build();
  const policy = findObject(objects, 'SecurityPolicy', 'assistant-edge-auth') as Json;

  test('every gateway object validates against its pinned CRD', () => {
    const pinned = objects.filter(hasPinnedSchema);
    expect(pinned.map((o) => o.kind).sort()).toEqual([
      'BackendTrafficPolicy',
      'Gateway',
      'HTTPRoute',
      'HTTPRoute',
      'SecurityPolicy',
    ]);
    for (const o of pinned) expect([o.kind, crdErrors(o)]).toEqual([o.kind, []]);
  });

  test('HTTPS terminates with the referenced Secret; only the agent namespaces may attach routes', () => {
    const gateway = findObject(objects, 'Gateway', 'edge') as Json;
    expect(gateway.metadata.namespace).toBe('gateway');
    const [https, http] = gateway.spec.listeners;
    expect(https).toMatchObject({
      name: 'https',
      protocol: 'HTTPS',
      port: 443,
      tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'edge-tls' }] },
      allowedRoutes: {
        namespaces: {
          from: 'Selector',
          selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['agents'] }] },
        },
      },
    });
    expect(http).toMatchObject({
      name: 'http',
      protocol: 'HTTP',
      port: 80,
      allowedRoutes: { namespaces: { from: 'Same' } },
    });
  });

  test("plain HTTP's only route redirects to HTTPS", () => {
    const redirect = findObject(objects, 'HTTPRoute', 'edge-https-redirect') as Json;
    expect(redirect.spec).toEqual({
      parentRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: 'edge',
          namespace: 'gateway',
          sectionName: 'http',
        },
      ],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
    const routes = objects.filter((o) => o.kind === 'HTTPRoute') as Json[];
    const onHttp = routes.filter((r) => r.spec.parentRefs.some((p: Json) => p.sectionName !== 'https'));
    expect(onHttp.map((r) => r.metadata.name)).toEqual(['edge-https-redirect']);
  });

  test("the agent's route goes to its Service port over the HTTPS listener only", () => {
    const route = findObject(objects, 'HTTPRoute', 'assistant') as Json;
    expect(route.metadata.namespace).toBe('agents');
    expect(route.spec).toEqual({
      parentRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: 'edge',
          namespace: 'gateway',
          sectionName: 'https',
        },
      ],
      hostnames: ['assistant.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['Authorization', 'Cookie'] } }],
          backendRefs: [{ group: '', kind: 'Service', name: 'assistant', port: 8080 }],
        },
      ],
    });
  });

  test.each([
    [{ forwardAccessToken: true }, ['Cookie']],
    [{ forwardCookies: true }, ['Authorization']],
    [{ forwardAccessToken: true, forwardCookies: true }, undefined],
  ])('credentials reach the agent only when it asks: %j', (forward, removed) => {
    const route = findObject(build({ ...ROUTE, ...forward }), 'HTTPRoute', 'assistant') as Json;
    expect(route.spec.rules[0].filters?.[0].requestHeaderModifier.remove).toEqual(removed);
    expect(crdErrors(route as never)).toEqual([]);
  });

  test('OIDC: https issuer, Vault-delivered secret, bounded session, SameSite cookies, access token forwarded after validation', () => {
    expect(policy.spec.targetRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'assistant' },
    ]);
    expect(policy.spec.oidc).toEqual({
      provider: { issuer: 'https://login.example.com/realms/agents' },
      clientID: 'assistant-web',
      clientSecret: { group: '', kind: 'Secret', name: 'assistant-oidc-client' },
      scopes: ['openid', 'profile', 'email'],
      redirectURL: 'https://assistant.example.com/oauth2/callback',
      logoutPath: '/logout',
      forwardAccessToken: true,
      refreshToken: true,
      defaultTokenTTL: '3600s',
      defaultRefreshTokenTTL: '28800s',
      cookieConfig: { sameSite: 'Lax' },
      passThroughAuthHeader: true,
    });
  });

  test('JWT is never optional: sessions and machines both present a validated token', () => {
    expect(policy.spec.jwt.optional).toBeUndefined();
    expect(policy.spec.jwt.providers).toEqual([
      {
        name: 'people',
        issuer: 'https://login.example.com/realms/agents',
        audiences: ['assistant-web'],
        remoteJWKS: { uri: 'https://login.example.com/realms/agents/protocol/openid-connect/certs' },
        claimToHeaders: [{ claim: 'sub', header: 'x-agent-subject' }],
      },
      {
        name: 'ci',
        issuer: 'https://token.actions.githubusercontent.com',
        audiences: ['assistant'],
        remoteJWKS: { uri: 'https://token.actions.githubusercontent.com/.well-known/jwks' },
        claimToHeaders: [{ claim: 'sub', header: 'x-agent-subject' }],
      },
    ]);
  });

  test('authorization denies by default and allows each issuer with its required claims', () => {
    expect(policy.spec.authorization).toEqual({
      defaultAction: 'Deny',
      rules: [
        {
          name: 'allow-people',
          action: 'Allow',
          principal: {
            jwt: {
              provider: 'people',
              claims: [{ name: 'iss', valueType: 'String', values: ['https://login.example.com/realms/agents'] }],
            },
          },
        },
        {
          name: 'allow-ci',
          action: 'Allow',
          principal: {
            jwt: { provider: 'ci', claims: [{ name: 'repository_owner', valueType: 'String', values: ['acme-ai'] }] },
          },
        },
      ],
    });
  });

  test('the OIDC client secret comes from Vault through its own ServiceAccount', () => {
    const vss = findObject(objects, 'VaultStaticSecret', 'assistant-oidc-client') as Json;
    expect(vss.spec).toMatchObject({
      vaultAuthRef: 'assistant-oidc-client',
      mount: 'kv',
      type: 'kv-v2',
      path: 'gateway/assistant/oidc',
      destination: {
        name: 'assistant-oidc-client',
        create: true,
        transformation: { templates: { 'client-secret': { text: '{{- get .Secrets "client-secret" -}}' } } },
      },
    });
    const auth = findObject(objects, 'VaultAuth', 'assistant-oidc-client') as Json;
    expect(auth.spec.kubernetes).toMatchObject({
      role: 'agents-assistant-oidc-client',
      serviceAccount: 'assistant-oidc-client',
    });
    expect(findObject(objects, 'ServiceAccount', 'assistant-oidc-client')).toMatchObject({
      automountServiceAccountToken: false,
    });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    // Its own connection to the platform's Vault: the namespace may have no operator-mode agent.
    expect(auth.spec.vaultConnectionRef).toBe('assistant-oidc-client');
    expect(findObject(objects, 'VaultConnection', 'assistant-oidc-client')).toMatchObject({
      metadata: { namespace: 'agents' },
      spec: { address: 'https://vault.vault.svc:8200', skipTLSVerify: false },
    });
  });

  test("a named VaultConnection is used instead of the route's own", () => {
    const named = build(people({ clientSecret: { vault: { path: 'gateway/assistant/oidc', connection: 'vault' } } }));
    expect(named.filter((o) => o.kind === 'VaultConnection')).toEqual([]);
    expect((findObject(named, 'VaultAuth', 'assistant-oidc-client') as Json).spec.vaultConnectionRef).toBe('vault');
  });

  test('per-user and overall limits, local by default', () => {
    const limits = findObject(objects, 'BackendTrafficPolicy', 'assistant-limits') as Json;
    expect(limits.spec.rateLimit).toEqual({
      type: 'Local',
      local: {
        rules: [
          { limit: { requests: 1200, unit: 'Minute' } },
          {
            clientSelectors: [{ headers: [{ name: 'x-agent-subject', type: 'Distinct' }] }],
            limit: { requests: 60, unit: 'Minute' },
          },
        ],
      },
    });
  });

  test('global limits with the rate-limit service', () => {
    const global = build(ROUTE, {
      platform: { gateway: { rateLimit: 'global' } },
      agent: {},
    });
    const limits = findObject(global, 'BackendTrafficPolicy', 'assistant-limits') as Json;
    expect(limits.spec.rateLimit).toEqual({
      type: 'Global',
      global: {
        rules: [
          {
            clientSelectors: [{ headers: [{ name: 'x-agent-subject', type: 'Distinct' }] }],
            limit: { requests: 60, unit: 'Minute' },
          },
          { limit: { requests: 1200, unit: 'Minute' } },
        ],
      },
    });
    expect(crdErrors(limits as never)).toEqual([]);
  });

  test("only the gateway's proxy pods reach the exposed port", () => {
    const netpol = findObject(objects, 'NetworkPolicy', 'assistant') as Json;
    expect(netpol.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
            podSelector: {
              matchLabels: {
                'gateway.envoyproxy.io/owning-gateway-name': 'edge',
                'gateway.envoyproxy.io/owning-gateway-namespace': 'gateway',
              },
            },
          },
        ],
        ports: [{ port: 'http', protocol: 'TCP' }],
      },
    ]);
  });

  test('more claims reach the agent as headers, after the subject', () => {
    const sp = findObject(
      build({ ...ROUTE, claimHeaders: { email: 'x-agent-user-email', groups: 'x-agent-groups' } }),
      'SecurityPolicy',
      'assistant-edge-auth',
    ) as Json;
    for (const p of sp.spec.jwt.providers)
      expect(p.claimToHeaders).toEqual([
        { claim: 'sub', header: 'x-agent-subject' },
        { claim: 'email', header: 'x-agent-user-email' },
        { claim: 'groups', header: 'x-agent-groups' },
      ]);
    expect(crdErrors(sp as never)).toEqual([]);
  });

  test('machines only: no OIDC, no client secret objects, JWT required', () => {
    const only = build({ hostnames: ['api.example.com'], machines: MACHINES });
    const sp = findObject(only, 'SecurityPolicy', 'assistant-edge-auth') as Json;
    expect(sp.spec.oidc).toBeUndefined();
    expect(sp.spec.jwt.providers.map((p: Json) => p.name)).toEqual(['ci']);
    expect(only.some((o) => o.kind === 'VaultStaticSecret')).toBe(false);
    expect(crdErrors(sp as never)).toEqual([]);
  });

  test('a cert-manager Certificate covers the route hostnames', () => {
    const cm = build(ROUTE, {
      gateway: { namespace: 'gateway', tls: { certManager: { issuer: 'letsencrypt', dnsNames: ['*.example.com'] } } },
    });
    expect(findObject(cm, 'Certificate', 'edge-tls')).toMatchObject({
      apiVersion: 'cert-manager.io/v1',
      metadata: { namespace: 'gateway' },
      spec: {
        secretName: 'edge-tls',
        dnsNames: ['*.example.com'],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
      },
    });
    expect(crdErrors(findObject(cm, 'Certificate', 'edge-tls') as never)).toEqual([]);
  });

  test('output is deterministic', () => {
    expect(JSON.stringify(build())).toBe(JSON.stringify(objects));
  });
});

const P = '[platform/edge/agents-assistant]';
const people = (over: Partial<OidcSignInProps> | Record<string, unknown>): AgentRouteProps => ({
  ...ROUTE,
  people: { ...PEOPLE, ...over } as OidcSignInProps,
});

const refusals: [string, () => unknown, string][] = [
  [
    'a plain-HTTP OIDC issuer',
    () => build(people({ issuer: 'http://login.example.com/realms/agents' })),
    `${P} people.issuer: invalid value "http://login.example.com/realms/agents" (keys or issuers over plain HTTP can be forged in transit). Allowed: an https:// URL`,
  ],
  [
    'a bare-name OIDC issuer',
    () => build(people({ issuer: 'login.example.com' })),
    `${P} people.issuer: invalid value "login.example.com" (keys or issuers over plain HTTP can be forged in transit)`,
  ],
  [
    'a plain-HTTP machine issuer',
    () => build({ ...ROUTE, machines: [{ ...MACHINES![0], issuer: 'http://issuer.example.com' }] }),
    `${P} machines[0].issuer: invalid value "http://issuer.example.com" (keys or issuers over plain HTTP can be forged in transit)`,
  ],
  [
    'a plain-HTTP JWKS URL',
    () => build({ ...ROUTE, machines: [{ ...MACHINES![0], jwksUri: 'http://issuer.example.com/jwks' }] }),
    `${P} machines[0].jwksUri: invalid value "http://issuer.example.com/jwks" (keys or issuers over plain HTTP can be forged in transit)`,
  ],
  [
    'a plain-HTTP people JWKS URL',
    () => build(people({ jwksUri: 'http://login.example.com/certs' })),
    `${P} people.jwksUri: invalid value "http://login.example.com/certs" (keys or issuers over plain HTTP can be forged in transit)`,
  ],
  [
    'a literal client secret',
    () => build(people({ clientSecret: 's3cr3t-value' })),
    `${P} people.clientSecret: invalid value "<literal redacted>" (a literal client secret would be stored in Git and in every rendered manifest). Allowed: { vault: { path, mount?, key? } }`,
  ],
  [
    'a literal client secret beside the Vault reference',
    () => build(people({ clientSecret: { vault: { path: 'a/b' }, value: 's3cr3t' } })),
    `${P} people.clientSecret: invalid value {"vault":{"path":"a/b"},"value":"s3cr3t"} (a literal client secret would be stored in Git`,
  ],
  [
    'a client secret without a Vault path',
    () => build(people({ clientSecret: { vault: {} } })),
    `${P} people.clientSecret.vault.path: invalid value undefined. Allowed: a non-empty string`,
  ],
  [
    'OIDC without the Vault Secrets Operator',
    () => build(ROUTE, { platform: { vaultDeliveryModes: ['injector'] } }),
    `${P} people.clientSecret: invalid value {"path":"gateway/assistant/oidc","mount":"kv","key":"client-secret"} (the client secret comes from Vault only). Allowed: a platform whose vaultDeliveryModes include 'operator'`,
  ],
  [
    'SameSite=None cookies',
    () => build(people({ cookies: { sameSite: 'None' as 'Lax' } })),
    `${P} people.cookies.sameSite: invalid value "None" (SameSite=None sends the session cookie with cross-site requests (CSRF)). Allowed: 'Lax' or 'Strict'`,
  ],
  [
    'cookies without Secure',
    () => build(people({ cookies: { secure: false } })),
    `${P} people.cookies.secure: invalid value false (a session cookie without Secure is sent over plain HTTP). Allowed: true (or unset)`,
  ],
  [
    'cookies without HttpOnly',
    () => build(people({ cookies: { httpOnly: false } })),
    `${P} people.cookies.httpOnly: invalid value false (a session cookie without HttpOnly can be read by any script on the page). Allowed: true (or unset)`,
  ],
  [
    'an unbounded session',
    () => build(people({ sessionLifetimeSeconds: Infinity })),
    `${P} people.sessionLifetimeSeconds: invalid value null (an unbounded session keeps a stolen cookie usable indefinitely). Allowed: an integer from 300 to 86400`,
  ],
  [
    'a week-long session',
    () => build(people({ sessionLifetimeSeconds: 7 * 86400 })),
    `${P} people.sessionLifetimeSeconds: invalid value 604800 (an unbounded session keeps a stolen cookie usable indefinitely). Allowed: an integer from 300 to 86400`,
  ],
  [
    'a zero token lifetime (no default when the provider omits expires_in)',
    () => build(people({ tokenLifetimeSeconds: 0 })),
    `${P} people.tokenLifetimeSeconds: invalid value 0 (a session must be bounded: a stolen token stays valid for its whole lifetime). Allowed: an integer from 60 to 43200`,
  ],
  [
    'a session shorter than one token',
    () => build(people({ tokenLifetimeSeconds: 3600, sessionLifetimeSeconds: 600 })),
    `${P} people.sessionLifetimeSeconds: invalid value 600. Allowed: at least people.tokenLifetimeSeconds (3600)`,
  ],
  [
    'a wildcard redirect path',
    () => build(people({ redirectPath: '/oauth2/*' })),
    `${P} people.redirectPath: invalid value "/oauth2/*" (a wildcard redirect URL lets an attacker receive the authorization code). Allowed: an absolute path without '*', query or fragment`,
  ],
  [
    'a wildcard hostname (wildcard redirect URL)',
    () => build({ ...ROUTE, hostnames: ['*.example.com'] }),
    `${P} hostnames[0]: invalid value "*.example.com" (a wildcard host would make the OIDC redirect URL a wildcard and serve the agent on names nobody reviewed). Allowed: an exact, lower-case DNS name`,
  ],
  [
    'a redirect path outside the routed prefixes',
    () => build({ ...ROUTE, pathPrefixes: ['/chat'] }),
    `${P} people.redirectPath: invalid value "/oauth2/callback" (the gateway only sees requests the route sends to the agent). Allowed: a path under one of the route's path prefixes (/chat)`,
  ],
  [
    'a wildcard audience',
    () => build({ ...ROUTE, machines: [{ ...MACHINES![0], audiences: ['*'] }] }),
    `${P} machines[0].audiences[0]: invalid value "*" (a wildcard would accept any token of the issuer). Allowed: a value without whitespace or '*'`,
  ],
  [
    'exposure without authentication',
    () => build({ hostnames: ['assistant.example.com'] }),
    `${P} people: invalid value undefined (a route without authentication would let anyone on the internet call the agent). Allowed: people (OIDC sign-in) or machines (JWT callers), or both`,
  ],
  [
    'exposure with an empty machine list',
    () => build({ hostnames: ['assistant.example.com'], machines: [] }),
    `${P} people: invalid value undefined (a route without authentication would let anyone on the internet call the agent)`,
  ],
  [
    'a route to an agent without ports',
    () =>
      build(ROUTE, {
        agent: {
          ports: [],
          probes: { readiness: { exec: { command: ['/bin/ready'] } }, liveness: { exec: { command: ['/bin/live'] } } },
        },
      }),
    `${P} agent: invalid value "assistant" (an agent without ports takes no calls). Allowed: an agent that declares ports`,
  ],
  [
    'a port the agent does not declare',
    () => build({ ...ROUTE, port: 'admin' }),
    `${P} port: invalid value "admin". Allowed: one of the agent's ports: http (8080)`,
  ],
  [
    'no port choice on a multi-port agent',
    () =>
      build(ROUTE, {
        agent: {
          ports: [
            { name: 'http', port: 8080 },
            { name: 'metrics', port: 9090 },
          ],
        },
      }),
    `${P} port: invalid value undefined (the agent declares several ports; only the one meant for callers is exposed). Allowed: one of the agent's ports: http (8080), metrics (9090)`,
  ],
  [
    'a subject header that overwrites credentials',
    () => build({ ...ROUTE, subjectHeader: 'authorization' }),
    `${P} subjectHeader: invalid value "authorization" (the gateway overwrites it with a token claim)`,
  ],
  [
    'a non-boolean forwardAccessToken',
    () => build({ ...ROUTE, forwardAccessToken: 'yes' as unknown as boolean }),
    `${P} forwardAccessToken: invalid value "yes". Allowed: true or false`,
  ],
  [
    'a claim header that shadows the subject header',
    () => build({ ...ROUTE, claimHeaders: { email: 'x-agent-subject' } }),
    `${P} claimHeaders.email: invalid value "x-agent-subject". Allowed: a header no other claim (or subjectHeader) uses`,
  ],
  [
    'a claim header that sets a hop or credential header',
    () => build({ ...ROUTE, claimHeaders: { email: 'x-forwarded-for' } }),
    `${P} claimHeaders.email: invalid value "x-forwarded-for" (the gateway overwrites it with a token claim)`,
  ],
  [
    'an unbounded request limit',
    () => build({ ...ROUTE, limits: { perUser: { requests: Infinity, unit: 'Minute' } } }),
    `${P} limits.perUser.requests: invalid value null (a request limit must be finite and positive). Allowed: an integer from 1 to 1000000`,
  ],
  [
    'local limits with units that do not nest',
    () =>
      build({
        ...ROUTE,
        limits: { perUser: { requests: 5, unit: 'Second' }, overall: { requests: 1000, unit: 'Minute' } },
      }),
    `${P} limits.perUser.unit: invalid value "Second" (Envoy's local rate limit requires every rule's unit to be a multiple of the overall rule's unit). Allowed: a unit that is a multiple of limits.overall.unit ('Minute'), or gateway.rateLimit: 'global'`,
  ],
  [
    'too many issuers',
    () =>
      build({
        ...ROUTE,
        machines: ['a', 'b', 'c', 'd'].map((name) => ({ ...MACHINES![0], name })),
      }),
    `${P} machines: invalid value 4 (Envoy Gateway accepts at most four JWT providers per policy). Allowed: at most 4 token issuers in all (people count as one)`,
  ],
  [
    'a hostname the certificate does not cover',
    () =>
      build(
        { ...ROUTE, hostnames: ['assistant.example.org'] },
        { gateway: { namespace: 'gateway', tls: { certManager: { issuer: 'le', dnsNames: ['*.example.com'] } } } },
      ),
    `${P} hostnames[0]: invalid value "assistant.example.org". Allowed: a name the gateway certificate covers: *.example.com`,
  ],
  [
    'a gateway on an Istio-meshed platform',
    () => build(ROUTE, { platform: { mesh: 'istio' } }),
    `[platform/edge] mesh: invalid value "istio" (a meshed agent accepts mTLS callers only, and this gateway's proxies are outside the mesh). Allowed: a platform mesh among none for Envoy Gateway`,
  ],
  [
    'an unknown gateway implementation',
    () => build(ROUTE, { platform: { gateway: { implementation: 'nginx' as 'envoy-gateway' } } }),
    `[platform] gateway.implementation: invalid value "nginx". Allowed:`,
  ],
  [
    'a gateway with both TLS sources',
    () =>
      build(ROUTE, {
        gateway: {
          namespace: 'gateway',
          tls: { secretName: 'x', certManager: { issuer: 'le', dnsNames: ['a.example.com'] } } as never,
        },
      }),
    `[platform/edge] tls: invalid value {"secretName":"x","certManager":{"issuer":"le","dnsNames":["a.example.com"]}}. Allowed: exactly one of { secretName } and { certManager: { issuer, dnsNames } }`,
  ],
];

describe('one set of token checks for the Istio path and the gateway', () => {
  const refusal = (run: () => unknown): { reason?: string; allowed: string; value: unknown } => {
    try {
      run();
    } catch (e) {
      const { reason, allowed, value } = (e as AgentBaselineError).details;
      return { reason, allowed, value };
    }
    throw new Error('not refused');
  };
  const istio = (identity: Record<string, unknown>) => () => {
    const app = Testing.app();
    const ns = new AgentNamespace(new AgentPlatform(app, 'platform', { mesh: 'istio' }), 'agents');
    new HardenedAgent(ns, 'assistant', {
      image: IMAGE,
      ports: [{ name: 'http', port: 8080 }],
      identity: {
        issuer: 'https://a.example.com',
        jwksUri: 'https://a.example.com/jwks',
        audiences: ['x'],
        ...identity,
      },
    });
  };
  const gateway = (machine: Record<string, unknown>) => () =>
    build({ hostnames: ['assistant.example.com'], machines: [{ ...MACHINES![0], ...machine }] });

  test.each([
    ['a plain-HTTP issuer', { issuer: 'http://a.example.com' }],
    ['a plain-HTTP key URL', { jwksUri: 'http://a.example.com/jwks' }],
    ['a key URL with a query', { jwksUri: 'https://a.example.com/jwks?x=1' }],
    ['a wildcard issuer', { issuer: '*' }],
    ['a wildcard audience', { audiences: ['*'] }],
    ['a wildcard claim value', { requiredClaims: { groups: ['*'] } }],
  ])('%s', (_name, bad) => {
    expect(refusal(gateway(bad))).toEqual(refusal(istio(bad)));
  });
});

describe('AgentGateway refuses', () => {
  test.each(refusals)('%s', (_name, run, message) => {
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AgentBaselineError);
    expect((error as Error).message).toContain(message);
  });

  test('exposing the same agent twice', () => {
    const app = Testing.app();
    const platform = new AgentPlatform(app, 'platform', { vaultDeliveryModes: ['operator'] });
    const agent = new HardenedAgent(new AgentNamespace(platform, 'agents'), 'assistant', {
      image: IMAGE,
      ports: [{ name: 'http', port: 8080 }],
    });
    const gateway = new AgentGateway(platform, 'edge', GATEWAY);
    gateway.expose(agent, ROUTE);
    expect(() => gateway.expose(agent, ROUTE)).toThrow(
      '[platform/edge] expose: invalid value "agents/assistant". Allowed: each agent once per gateway',
    );
  });
});

describe('exposing agents whose <namespace>-<agent> coincide', () => {
  test('namespace a-b with agent c, then namespace a with agent b-c, is refused naming the first route', () => {
    const app = Testing.app();
    const platform = new AgentPlatform(app, 'platform', { vaultDeliveryModes: ['operator'] });
    const gateway = new AgentGateway(platform, 'edge', GATEWAY);
    const exposeIn = (namespace: string, name: string, host: string) =>
      gateway.expose(
        new HardenedAgent(new AgentNamespace(platform, namespace), name, {
          image: IMAGE,
          ports: [{ name: 'http', port: 8080 }],
        }),
        { ...ROUTE, hostnames: [host] },
      );
    exposeIn('a-b', 'c', 'one.example.com');
    expect(() => exposeIn('a', 'b-c', 'two.example.com')).toThrow(
      `[platform/edge] expose: invalid value "a/b-c" ('a-b-c' is already the route of a-b/c). Allowed: agents whose '<namespace>-<agent>' differs from every other routed agent's`,
    );
  });
});

describe('weakening after construction fails synth (AGT-EdgeAuth runs on the resolved objects)', () => {
  function exposed() {
    const app = Testing.app();
    const platform = new AgentPlatform(app, 'platform', { vaultDeliveryModes: ['operator'] });
    const ns = new AgentNamespace(platform, 'agents');
    const agent = new HardenedAgent(ns, 'assistant', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
    const route = new AgentGateway(platform, 'edge', GATEWAY).expose(agent, ROUTE);
    return { app, ns, route };
  }
  const edgeAuth =
    /\[AGT-EdgeAuth\].*agent agents\/assistant is reachable from outside its namespace through HTTPRoute agents\/assistant without edge authentication/;

  test('as built, synth passes', () => {
    expect(() => exposed().app.synth()).not.toThrow();
  });

  test.each([
    ['JWT made optional and OIDC removed', [JsonPatch.remove('/spec/oidc'), JsonPatch.add('/spec/jwt/optional', true)]],
    [
      'authentication removed',
      [JsonPatch.remove('/spec/oidc'), JsonPatch.remove('/spec/jwt'), JsonPatch.remove('/spec/authorization')],
    ],
    ['the policy retargeted', [JsonPatch.replace('/spec/targetRefs/0/name', 'elsewhere')]],
  ])('%s', (_name, patches) => {
    const { app, route } = exposed();
    const policy = route.policies.find((p) => p.kind === 'SecurityPolicy')!;
    policy.addJsonPatch(...patches);
    expect(() => app.synth()).toThrow(edgeAuth);
  });

  test('a second, unauthenticated HTTPRoute added beside the construct', () => {
    const { app, ns } = exposed();
    new ApiObject(ns, 'Backdoor', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'backdoor' },
      spec: {
        parentRefs: [{ name: 'edge', namespace: 'gateway', sectionName: 'https' }],
        rules: [{ backendRefs: [{ name: 'assistant', port: 8080 }] }],
      },
    });
    expect(() => app.synth()).toThrow(/through HTTPRoute agents\/backdoor without edge authentication/);
  });
});

describe('mistyped gateway props are refused, never dropped', () => {
  const refused = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (e instanceof AgentBaselineError) return e.message;
      throw e;
    }
    throw new Error('expected a refusal');
  };
  const cases: Array<[string, () => unknown, string]> = [
    [
      'gateway: tsl for tls',
      () =>
        build(ROUTE, { gateway: { namespace: 'gateway', tsl: { secretName: 'x' } } as unknown as AgentGatewayProps }),
      '[platform/edge] tsl: invalid value {"secretName":"x"} (unknown field; did you mean \'tls\'?)',
    ],
    [
      'route: hostname for hostnames',
      () => build({ ...ROUTE, hostname: ['a.example.com'] } as unknown as AgentRouteProps),
      'hostname: invalid value ["a.example.com"] (unknown field; did you mean \'hostnames\'?)',
    ],
    [
      'route: people.cookie for cookies',
      () => build({ ...ROUTE, people: { ...PEOPLE, cookie: { sameSite: 'Strict' } } } as unknown as AgentRouteProps),
      'people.cookie: invalid value {"sameSite":"Strict"} (unknown field; did you mean \'cookies\'?)',
    ],
    [
      'route: limits.perUser.request for requests',
      () => build({ ...ROUTE, limits: { perUser: { request: 10, unit: 'Minute' } } } as unknown as AgentRouteProps),
      "limits.perUser.request: invalid value 10 (unknown field; did you mean 'requests'?)",
    ],
    [
      'route: a string where a list is expected',
      () => build({ ...ROUTE, pathPrefixes: '/api' } as unknown as AgentRouteProps),
      'pathPrefixes: invalid value "/api"',
    ],
  ];
  test.each(cases)('%s', (_, fn, message) => {
    expect(refused(fn)).toContain(message);
  });
});
