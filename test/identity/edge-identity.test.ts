import { Testing } from 'cdk8s';
import { EdgeIdentityProps } from '../../lib/identity';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform, AgentPlatformProps } from '../../lib/platform';
import { HardenedAgent, HardenedAgentProps } from '../../lib/workload';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { appObjects, findObject, synthDefaultPlatform } from '../helpers/synth';

const IMAGE = 'ghcr.io/acme-ai/assistant:1.4.2@sha256:4f6c1d0b8e3a2f9c7d5e1b0a3c8f6e2d9b7a5c3e1f0d8b6a4c2e0f9d7b5a3c1e';
const IDENTITY: EdgeIdentityProps = {
  issuer: 'https://auth.example.com/',
  jwksUri: 'https://auth.example.com/.well-known/jwks.json',
  audiences: ['assistant'],
  requiredClaims: { groups: ['agents-users', 'admins'] },
  requiredScopes: ['assistant.invoke', 'assistant.tools'],
  fromNamespaces: ['gateway'],
};

function build(
  identity: EdgeIdentityProps,
  platform: AgentPlatformProps = { mesh: 'istio' },
  agent: Partial<HardenedAgentProps> = {},
) {
  const app = Testing.app();
  const ns = new AgentNamespace(new AgentPlatform(app, 'platform', platform), 'agents');
  new HardenedAgent(ns, 'assistant', { image: IMAGE, ports: [{ name: 'http', port: 8080 }], identity, ...agent });
  return appObjects(app);
}

const LABELS = {
  'app.kubernetes.io/name': 'assistant',
  'app.kubernetes.io/instance': 'assistant',
  'app.kubernetes.io/component': 'agent',
  'app.kubernetes.io/part-of': 'agents',
  'app.kubernetes.io/managed-by': 'agent-baseline',
};
const SELECTOR = { matchLabels: { 'app.kubernetes.io/name': 'assistant', 'app.kubernetes.io/instance': 'assistant' } };

describe('identity at the edge (Istio)', () => {
  const objects = build(IDENTITY);

  test("RequestAuthentication validates the issuer's tokens", () => {
    expect(findObject(objects, 'RequestAuthentication', 'assistant-jwt')).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'assistant-jwt', namespace: 'agents', labels: LABELS },
      spec: {
        selector: SELECTOR,
        jwtRules: [
          {
            issuer: 'https://auth.example.com/',
            jwksUri: 'https://auth.example.com/.well-known/jwks.json',
            audiences: ['assistant'],
            forwardOriginalToken: false,
          },
        ],
      },
    });
  });

  test('a DENY AuthorizationPolicy refuses calls without a token, from elsewhere, or without the claims', () => {
    expect(findObject(objects, 'AuthorizationPolicy', 'assistant-jwt')).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'assistant-jwt', namespace: 'agents', labels: LABELS },
      spec: {
        selector: SELECTOR,
        action: 'DENY',
        rules: [
          { from: [{ source: { notRequestPrincipals: ['https://auth.example.com//*'] } }] },
          { from: [{ source: { notNamespaces: ['gateway'] } }] },
          { when: [{ key: 'request.auth.claims[groups]', notValues: ['agents-users', 'admins'] }] },
          { when: [{ key: 'request.auth.claims[scope]', notValues: ['assistant.invoke'] }] },
          { when: [{ key: 'request.auth.claims[scope]', notValues: ['assistant.tools'] }] },
        ],
      },
    });
  });

  test('the default platform adds JWT only when the mesh is on', () => {
    const off = synthDefaultPlatform().objects;
    expect(off.filter((o) => o.apiVersion.startsWith('security.istio.io/'))).toEqual([]);
    const on = synthDefaultPlatform({
      ...DEFAULT_PLATFORM_CONFIG,
      cluster: { ...DEFAULT_PLATFORM_CONFIG.cluster, mesh: 'istio' },
    }).objects;
    const policy = findObject(on, 'AuthorizationPolicy', 'assistant-jwt', 'agents');
    expect((policy.spec as { rules: unknown[] }).rules).toEqual([
      { from: [{ source: { notRequestPrincipals: ['https://auth.example.com/*'] } }] },
      { from: [{ source: { notNamespaces: ['gateway'] } }] },
      { when: [{ key: 'request.auth.claims[scope]', notValues: ['assistant.invoke'] }] },
    ]);
    expect(findObject(on, 'RequestAuthentication', 'assistant-jwt', 'agents')).toBeDefined();
  });
});

describe('refused identities', () => {
  const cases: [string, EdgeIdentityProps, AgentPlatformProps, Partial<HardenedAgentProps>, string][] = [
    [
      'no mesh',
      IDENTITY,
      {},
      {},
      `[platform/agents/assistant/Identity] identity: invalid value "https://auth.example.com/" (without a mesh nothing would check the tokens and the agent would accept anonymous calls). Allowed: a platform with mesh: 'istio', or no identity here and an authenticating gateway (OIDC/JWT-validating ingress or API gateway) in front of the agent`,
    ],
    [
      'an agent without ports',
      IDENTITY,
      { mesh: 'istio' },
      {
        ports: [],
        probes: {
          readiness: { exec: { command: ['true'] } },
          liveness: { exec: { command: ['test', '-f', '/tmp/ok'] } },
        },
      },
      '[platform/agents/assistant/Identity] identity: invalid value "https://auth.example.com/" (an agent without ports takes no calls). Allowed: an agent that declares ports',
    ],
    [
      'a plain-HTTP jwksUri',
      { ...IDENTITY, jwksUri: 'http://auth.example.com/jwks' },
      { mesh: 'istio' },
      {},
      '[platform/agents/assistant/Identity] identity.jwksUri: invalid value "http://auth.example.com/jwks" (keys or issuers over plain HTTP can be forged in transit). Allowed: an https:// URL',
    ],
    [
      'no audiences',
      { ...IDENTITY, audiences: [] },
      { mesh: 'istio' },
      {},
      '[platform/agents/assistant/Identity] identity.audiences: invalid value []. Allowed: a non-empty list of values',
    ],
    [
      'a wildcard claim value',
      { ...IDENTITY, requiredClaims: { groups: ['*'] } },
      { mesh: 'istio' },
      {},
      `[platform/agents/assistant/Identity] identity.requiredClaims.groups[0]: invalid value "*" (a wildcard would accept any token of the issuer). Allowed: a value without whitespace or '*'`,
    ],
    [
      'a bad claim name',
      { ...IDENTITY, requiredClaims: { 'bad claim': ['x'] } },
      { mesh: 'istio' },
      {},
      `[platform/agents/assistant/Identity] identity.requiredClaims.bad claim: invalid value "bad claim". Allowed: a claim name of letters, digits, '_', '.', ':' and '-'`,
    ],
    [
      'a wildcard issuer',
      { ...IDENTITY, issuer: '*' },
      { mesh: 'istio' },
      {},
      `[platform/agents/assistant/Identity] identity.issuer: invalid value "*". Allowed: an issuer without whitespace or '*'`,
    ],
    [
      'a bad caller namespace',
      { ...IDENTITY, fromNamespaces: ['Gateway'] },
      { mesh: 'istio' },
      {},
      '[platform/agents/assistant/Identity] identity.fromNamespaces[0]: invalid value "Gateway". Allowed: a DNS-1123 label: lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters',
    ],
  ];
  test.each(cases)('refuses %s', (_name, identity, platform, agent, message) => {
    expect(() => build(identity, platform, agent)).toThrow(message);
  });
});
