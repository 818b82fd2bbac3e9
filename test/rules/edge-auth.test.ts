/**
 * AGT-EdgeAuth, table-driven: every way an agent can be reached from outside its namespace, with
 * and without each accepted form of edge authentication (and look-alikes that are not).
 */
import { runRules } from '../../lib/rules';
import { KubeObject } from '../../lib/rules/types';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { synthDefaultPlatform } from '../helpers/synth';

type Json = Record<string, unknown>;
const NS = 'agents';
const POD_LABELS = {
  'app.kubernetes.io/name': 'assistant',
  'app.kubernetes.io/instance': 'assistant',
  'app.kubernetes.io/component': 'agent',
  'app.kubernetes.io/managed-by': 'agent-baseline',
};
const SELECTOR = { 'app.kubernetes.io/name': 'assistant', 'app.kubernetes.io/instance': 'assistant' };

const obj = (apiVersion: string, kind: string, name: string, namespace: string | undefined, body: Json): KubeObject =>
  ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...body }) as KubeObject;

const BASE: KubeObject[] = [
  obj('v1', 'Namespace', NS, undefined, {}),
  obj('apps/v1', 'Deployment', 'assistant', NS, {
    metadata: { name: 'assistant', namespace: NS, labels: POD_LABELS },
    spec: {
      selector: { matchLabels: SELECTOR },
      template: {
        metadata: { labels: POD_LABELS },
        spec: { containers: [{ name: 'agent', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  }),
  obj('v1', 'Service', 'assistant', NS, {
    spec: { type: 'ClusterIP', selector: SELECTOR, ports: [{ name: 'http', port: 8080 }] },
  }),
  // Same-namespace callers only: not an exposure.
  obj('networking.k8s.io/v1', 'NetworkPolicy', 'assistant', NS, {
    spec: {
      podSelector: { matchLabels: SELECTOR },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'caller' } } }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } } }] },
      ],
    },
  }),
];

const GATEWAY = obj('gateway.networking.k8s.io/v1', 'Gateway', 'edge', 'gateway', {
  spec: { gatewayClassName: 'eg', listeners: [{ name: 'https', protocol: 'HTTPS', port: 443 }] },
});
const route = (name = 'assistant', extra: Json = {}, backend: Json = { name: 'assistant', port: 8080 }): KubeObject =>
  obj('gateway.networking.k8s.io/v1', 'HTTPRoute', name, NS, {
    metadata: { name, namespace: NS, labels: { exposure: 'public' } },
    spec: {
      parentRefs: [{ name: 'edge', namespace: 'gateway' }],
      hostnames: ['assistant.example.com'],
      rules: [{ backendRefs: [backend] }],
      ...extra,
    },
  });
const JWT = {
  providers: [{ name: 'p', issuer: 'https://auth.example.com', remoteJWKS: { uri: 'https://auth.example.com/jwks' } }],
};
const OIDC = { provider: { issuer: 'https://auth.example.com' }, clientID: 'c', clientSecret: { name: 's' } };
const securityPolicy = (namespace: string, target: Json, spec: Json, name = 'auth'): KubeObject =>
  obj('gateway.envoyproxy.io/v1alpha1', 'SecurityPolicy', name, namespace, {
    spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', ...target }], ...spec },
  });
const onRoute = (spec: Json, name = 'auth') => securityPolicy(NS, { kind: 'HTTPRoute', name: 'assistant' }, spec, name);
const onGateway = (spec: Json) => securityPolicy('gateway', { kind: 'Gateway', name: 'edge' }, spec);
const gatewayIngress = obj('networking.k8s.io/v1', 'NetworkPolicy', 'from-gateway', NS, {
  spec: {
    podSelector: { matchLabels: SELECTOR },
    policyTypes: ['Ingress'],
    ingress: [
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
        ports: [{ port: 'http' }],
      },
    ],
  },
});
const ingressPolicy = (from: Json[] | undefined): KubeObject =>
  obj('networking.k8s.io/v1', 'NetworkPolicy', 'extra', NS, {
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [from === undefined ? {} : { from }] },
  });
const requestAuthentication = (selector?: Json, namespace = NS): KubeObject =>
  obj('security.istio.io/v1', 'RequestAuthentication', 'jwt', namespace, {
    spec: {
      ...(selector ? { selector: { matchLabels: selector } } : {}),
      jwtRules: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks' }],
    },
  });
const authorizationPolicy = (spec: Json, namespace = NS): KubeObject =>
  obj('security.istio.io/v1', 'AuthorizationPolicy', 'require-jwt', namespace, {
    spec: { selector: { matchLabels: SELECTOR }, ...spec },
  });
const DENY_ANONYMOUS = { action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] };
const loadBalancer = obj('v1', 'Service', 'assistant-lb', NS, {
  spec: { type: 'LoadBalancer', selector: SELECTOR, ports: [{ port: 80, targetPort: 'http' }] },
});

function findings(extra: KubeObject[]): string[] {
  const report = runRules([...BASE, ...extra], { packs: ['agent'], now: new Date('2026-01-01') });
  return report.results
    .flatMap((r) => r.findings)
    .filter((f) => f.rule === 'AGT-EdgeAuth')
    .map((f) => `${f.severity}: ${f.message}`);
}

const text = (through: string) =>
  `agent agents/assistant is reachable from outside its namespace through ${through} without edge authentication`;
const msg = (through: string) => `error: ${text(through)}`;
const warn = (through: string) => `warning: ${text(through)}`;

const cases: [string, KubeObject[], string[]][] = [
  ['an internal agent (same-namespace ingress only)', [], []],
  // Service types and Ingress bypass any gateway.
  ['a LoadBalancer Service', [loadBalancer], [msg('Service agents/assistant-lb of type LoadBalancer')]],
  [
    'a NodePort Service',
    [obj('v1', 'Service', 'np', NS, { spec: { type: 'NodePort', selector: SELECTOR, ports: [{ port: 80 }] } })],
    [msg('Service agents/np of type NodePort')],
  ],
  [
    'a ClusterIP Service with externalIPs',
    [
      obj('v1', 'Service', 'ext', NS, {
        spec: { selector: SELECTOR, externalIPs: ['203.0.113.9'], ports: [{ port: 80 }] },
      }),
    ],
    [msg('Service agents/ext with externalIPs')],
  ],
  [
    'a LoadBalancer Service selecting other pods',
    [
      obj('v1', 'Service', 'other', NS, {
        spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] },
      }),
    ],
    [],
  ],
  [
    'an Ingress to the agent Service',
    [
      obj('networking.k8s.io/v1', 'Ingress', 'web', NS, {
        spec: {
          rules: [
            { http: { paths: [{ path: '/', backend: { service: { name: 'assistant', port: { number: 8080 } } } }] } },
          ],
        },
      }),
    ],
    [msg('Ingress agents/web')],
  ],
  [
    'an Ingress default backend',
    [
      obj('networking.k8s.io/v1', 'Ingress', 'web', NS, {
        spec: { defaultBackend: { service: { name: 'assistant' } } },
      }),
    ],
    [msg('Ingress agents/web')],
  ],
  [
    'an Ingress even with a gateway SecurityPolicy elsewhere',
    [
      GATEWAY,
      route(),
      onRoute({ jwt: JWT }),
      obj('networking.k8s.io/v1', 'Ingress', 'web', NS, {
        spec: { defaultBackend: { service: { name: 'assistant' } } },
      }),
    ],
    [msg('Ingress agents/web')],
  ],
  // HTTPRoutes.
  ['an HTTPRoute without any SecurityPolicy', [GATEWAY, route()], [msg('HTTPRoute agents/assistant')]],
  [
    'a GRPCRoute without any SecurityPolicy',
    [
      GATEWAY,
      obj('gateway.networking.k8s.io/v1', 'GRPCRoute', 'grpc', NS, {
        spec: {
          parentRefs: [{ name: 'edge', namespace: 'gateway' }],
          rules: [{ backendRefs: [{ name: 'assistant', port: 8080 }] }],
        },
      }),
    ],
    [msg('GRPCRoute agents/grpc')],
  ],
  [
    'an HTTPRoute in another namespace pointing at the agent Service',
    [
      GATEWAY,
      obj('gateway.networking.k8s.io/v1', 'HTTPRoute', 'sneaky', 'web', {
        spec: {
          parentRefs: [{ name: 'edge', namespace: 'gateway' }],
          rules: [{ backendRefs: [{ name: 'assistant', namespace: NS, port: 8080 }] }],
        },
      }),
    ],
    [msg('HTTPRoute web/sneaky')],
  ],
  ['an HTTPRoute with a JWT SecurityPolicy', [GATEWAY, route(), onRoute({ jwt: JWT })], []],
  ['an HTTPRoute with an OIDC SecurityPolicy', [GATEWAY, route(), onRoute({ oidc: OIDC })], []],
  [
    'an HTTPRoute with a single targetRef (older spelling)',
    [
      GATEWAY,
      route(),
      obj('gateway.envoyproxy.io/v1alpha1', 'SecurityPolicy', 'auth', NS, {
        spec: { targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'assistant' }, jwt: JWT },
      }),
    ],
    [],
  ],
  [
    'an HTTPRoute selected by targetSelectors',
    [
      GATEWAY,
      route(),
      obj('gateway.envoyproxy.io/v1alpha1', 'SecurityPolicy', 'auth', NS, {
        spec: { targetSelectors: [{ kind: 'HTTPRoute', matchLabels: { exposure: 'public' } }], jwt: JWT },
      }),
    ],
    [],
  ],
  [
    'an HTTPRoute with optional JWT only',
    [GATEWAY, route(), onRoute({ jwt: { ...JWT, optional: true } })],
    [msg('HTTPRoute agents/assistant')],
  ],
  [
    'an HTTPRoute with an empty JWT provider list',
    [GATEWAY, route(), onRoute({ jwt: { providers: [] } })],
    [msg('HTTPRoute agents/assistant')],
  ],
  [
    'an HTTPRoute with a CORS-only SecurityPolicy',
    [GATEWAY, route(), onRoute({ cors: { allowOrigins: ['*'] } })],
    [msg('HTTPRoute agents/assistant')],
  ],
  [
    'an HTTPRoute whose policy covers one section only',
    [
      GATEWAY,
      route(),
      securityPolicy(NS, { kind: 'HTTPRoute', name: 'assistant', sectionName: 'rule-0' }, { jwt: JWT }),
    ],
    [msg('HTTPRoute agents/assistant')],
  ],
  [
    'a SecurityPolicy in another namespace naming the route',
    [GATEWAY, route(), securityPolicy('other', { kind: 'HTTPRoute', name: 'assistant' }, { jwt: JWT })],
    [msg('HTTPRoute agents/assistant')],
  ],
  [
    'a SecurityPolicy of another API group',
    [
      GATEWAY,
      route(),
      obj('example.com/v1', 'SecurityPolicy', 'auth', NS, {
        spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'assistant' }], jwt: JWT },
      }),
    ],
    [msg('HTTPRoute agents/assistant')],
  ],
  ['a JWT SecurityPolicy on the parent Gateway', [GATEWAY, route(), onGateway({ jwt: JWT })], []],
  [
    'a route policy without auth overrides the Gateway policy',
    [GATEWAY, route(), onGateway({ jwt: JWT }), onRoute({ cors: { allowOrigins: ['https://a.example.com'] } })],
    [msg('HTTPRoute agents/assistant')],
  ],
  [
    'two route policies, one without auth',
    [GATEWAY, route(), onRoute({ jwt: JWT }), onRoute({ cors: {} }, 'cors')],
    [msg('HTTPRoute agents/assistant')],
  ],
  [
    'a Gateway policy on a Gateway the route does not use',
    [GATEWAY, route(), securityPolicy('gateway', { kind: 'Gateway', name: 'other' }, { jwt: JWT })],
    [msg('HTTPRoute agents/assistant')],
  ],
  // NetworkPolicy ingress from outside the namespace.
  ['ingress from any source', [ingressPolicy(undefined)], [msg('NetworkPolicy agents/extra ingress[0] (any source)')]],
  [
    'ingress from an ipBlock',
    [ingressPolicy([{ ipBlock: { cidr: '0.0.0.0/0' } }])],
    [warn('NetworkPolicy agents/extra ingress[0].from[0] (ipBlock)')],
  ],
  [
    'ingress from every namespace',
    [ingressPolicy([{ namespaceSelector: {} }])],
    [warn('NetworkPolicy agents/extra ingress[0].from[0] (another namespace)')],
  ],
  [
    'ingress from a whole other namespace',
    [ingressPolicy([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }])],
    [warn('NetworkPolicy agents/extra ingress[0].from[0] (another namespace)')],
  ],
  [
    'ingress from every pod of a named namespace (empty podSelector)',
    [
      ingressPolicy([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } }, podSelector: {} },
      ]),
    ],
    [warn('NetworkPolicy agents/extra ingress[0].from[0] (another namespace)')],
  ],
  [
    'ingress from specific pods of another namespace (another agent)',
    [
      ingressPolicy([
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'caller' } },
        },
      ]),
    ],
    [],
  ],
  [
    'ingress from ingress-nginx controller pods',
    [
      ingressPolicy([
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
        },
      ]),
    ],
    [msg('NetworkPolicy agents/extra ingress[0].from[0] (edge proxy pods)')],
  ],
  [
    'ingress from Istio ingress gateway pods',
    [
      ingressPolicy([
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
          podSelector: { matchLabels: { istio: 'ingressgateway' } },
        },
      ]),
    ],
    [msg('NetworkPolicy agents/extra ingress[0].from[0] (edge proxy pods)')],
  ],
  [
    'ingress from Gateway API pods of another implementation',
    [
      ingressPolicy([
        {
          namespaceSelector: { matchLabels: { team: 'edge' } },
          podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } },
        },
      ]),
    ],
    [msg('NetworkPolicy agents/extra ingress[0].from[0] (edge proxy pods)')],
  ],
  [
    'ingress from a namespace selected by a non-name label',
    [ingressPolicy([{ namespaceSelector: { matchLabels: { team: 'agents' } } }])],
    [warn('NetworkPolicy agents/extra ingress[0].from[0] (another namespace)')],
  ],
  [
    'ingress from named pods in namespaces selected by a non-name label',
    [
      ingressPolicy([
        { namespaceSelector: { matchLabels: { team: 'agents' } }, podSelector: { matchLabels: { app: 'x' } } },
      ]),
    ],
    [warn('NetworkPolicy agents/extra ingress[0].from[0] (another namespace)')],
  ],
  [
    'ingress pinned to the own namespace by matchExpressions',
    [
      ingressPolicy([
        {
          namespaceSelector: {
            matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [NS] }],
          },
        },
      ]),
    ],
    [],
  ],
  [
    'gateway proxies admitted, every route through the Gateway authenticated',
    [GATEWAY, route(), onRoute({ jwt: JWT }), gatewayIngress],
    [],
  ],
  [
    'gateway proxies admitted, the route unauthenticated',
    [GATEWAY, route(), gatewayIngress],
    [
      msg('HTTPRoute agents/assistant'),
      msg('NetworkPolicy agents/from-gateway ingress[0].from[0] (proxies of Gateway gateway/edge)'),
    ],
  ],
  [
    'gateway proxies admitted, no route through that Gateway',
    [gatewayIngress],
    [msg('NetworkPolicy agents/from-gateway ingress[0].from[0] (proxies of Gateway gateway/edge)')],
  ],
  [
    'gateway proxies admitted, a second route without auth',
    [GATEWAY, route(), onRoute({ jwt: JWT }), route('open'), gatewayIngress],
    [
      msg('HTTPRoute agents/open'),
      msg('NetworkPolicy agents/from-gateway ingress[0].from[0] (proxies of Gateway gateway/edge)'),
    ],
  ],
  // Istio at the pods covers every path.
  [
    'a LoadBalancer with Istio RequestAuthentication and a DENY without principal',
    [loadBalancer, requestAuthentication(SELECTOR), authorizationPolicy(DENY_ANONYMOUS)],
    [],
  ],
  [
    'namespace-wide RequestAuthentication and an ALLOW requiring principals',
    [
      loadBalancer,
      requestAuthentication(),
      authorizationPolicy({
        action: 'ALLOW',
        rules: [{ from: [{ source: { requestPrincipals: ['https://auth.example.com/*'] } }] }],
      }),
    ],
    [],
  ],
  [
    'mesh-wide policies in istio-system',
    [
      loadBalancer,
      requestAuthentication(undefined, 'istio-system'),
      authorizationPolicy(DENY_ANONYMOUS, 'istio-system'),
    ],
    [],
  ],
  [
    'RequestAuthentication alone (anonymous calls still pass)',
    [loadBalancer, requestAuthentication(SELECTOR)],
    [msg('Service agents/assistant-lb of type LoadBalancer')],
  ],
  [
    'a DENY limited to one path',
    [
      loadBalancer,
      requestAuthentication(SELECTOR),
      authorizationPolicy({
        action: 'DENY',
        rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/admin'] } }] }],
      }),
    ],
    [msg('Service agents/assistant-lb of type LoadBalancer')],
  ],
  [
    'an ALLOW requiring principals beside an ALLOW for anyone',
    [
      loadBalancer,
      requestAuthentication(SELECTOR),
      authorizationPolicy({ action: 'ALLOW', rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }),
      obj('security.istio.io/v1', 'AuthorizationPolicy', 'allow-all', NS, { spec: { action: 'ALLOW', rules: [{}] } }),
    ],
    [msg('Service agents/assistant-lb of type LoadBalancer')],
  ],
  [
    'Istio policies selecting other pods',
    [
      loadBalancer,
      requestAuthentication({ app: 'web' }),
      authorizationPolicy({ ...DENY_ANONYMOUS, selector: { matchLabels: { app: 'web' } } }),
    ],
    [msg('Service agents/assistant-lb of type LoadBalancer')],
  ],
];

describe('AGT-EdgeAuth', () => {
  test.each(cases)('%s', (_name, extra, expected) => {
    expect(findings(extra).sort()).toEqual([...expected].sort());
  });

  test.each([
    ['through the gateway', DEFAULT_PLATFORM_CONFIG, 'HTTPRoute'],
    [
      'with Istio',
      { ...DEFAULT_PLATFORM_CONFIG, cluster: { ...DEFAULT_PLATFORM_CONFIG.cluster, mesh: 'istio' as const } },
      'RequestAuthentication',
    ],
  ])('the default platform exposed %s has no finding', (_name, config, edgeKind) => {
    const { objects } = synthDefaultPlatform(config);
    expect(objects.some((o) => o.kind === edgeKind)).toBe(true);
    const report = runRules(objects as KubeObject[], { packs: ['agent'] });
    expect(report.results.flatMap((r) => r.findings).filter((f) => f.rule === 'AGT-EdgeAuth')).toEqual([]);
  });

  test('the default platform without its SecurityPolicy is flagged', () => {
    const { objects } = synthDefaultPlatform();
    const stripped = objects.filter((o) => o.kind !== 'SecurityPolicy') as KubeObject[];
    const messages = runRules(stripped, { packs: ['agent'] })
      .results.flatMap((r) => r.findings)
      .filter((f) => f.rule === 'AGT-EdgeAuth')
      .map((f) => f.message);
    expect(messages).toEqual([
      text('HTTPRoute agents/assistant'),
      text('NetworkPolicy agents/assistant ingress[0].from[0] (proxies of Gateway gateway/agents-edge)'),
    ]);
  });
});
