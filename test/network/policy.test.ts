import { AgentNamespace } from '../../lib/namespace';
import { Peer } from '../../lib/network';
import { agent, find, platform, synthAll } from './helpers';

const DNS_RULE = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};
const selector = (name: string) => ({
  matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name },
});

const INTERNET_EXCEPT_V4 = [
  '169.254.0.0/16',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '168.63.129.16/32',
  '192.0.0.192/32',
];

describe('one NetworkPolicy per agent', () => {
  test('an agent with no declared intent gets DNS egress and no ingress rules', () => {
    const p = platform();
    agent(new AgentNamespace(p, 'agents'), 'solo');
    const policy = find(synthAll(p), 'NetworkPolicy', 'solo');
    expect(policy.metadata.namespace).toBe('agents');
    expect(policy.spec).toEqual({
      podSelector: selector('solo'),
      policyTypes: ['Ingress', 'Egress'],
      egress: [DNS_RULE],
    });
    // The namespace default-deny stays alongside.
    expect(find(synthAll(p), 'NetworkPolicy', 'default-deny').spec).toEqual(
      expect.objectContaining({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    );
  });

  test('grants and props: same-namespace and cross-namespace agents, namespaces, labelled pods, CIDRs', () => {
    const p = platform();
    const agents = new AgentNamespace(p, 'agents');
    const tools = new AgentNamespace(p, 'tools');
    const caller = agent(agents, 'caller');
    const remote = agent(tools, 'remote', { ports: [{ name: 'grpc', port: 9090 }] });
    const target = agent(agents, 'target', {
      ports: [
        { name: 'http', port: 8080 },
        { name: 'metrics', port: 9100 },
      ],
      network: {
        ingress: [{ from: Peer.namespace('monitoring'), ports: ['metrics'] }],
        egress: [{ to: Peer.cidr('203.0.113.0/24'), ports: [443] }],
      },
    });
    target.allowIngressFrom(caller, 'http');
    target.allowIngressFrom(remote, 8080);
    target.allowIngressFrom(Peer.pods({ app: 'gateway' }, { namespace: 'edge' }));
    target.allowEgressTo(remote);
    target.allowEgressTo(Peer.pods({ app: 'cache' }), { port: 6379 });
    target.allowIngressFrom(caller, 'http'); // granting twice is idempotent

    expect(find(synthAll(p), 'NetworkPolicy', 'target').spec).toEqual({
      podSelector: selector('target'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port: 'metrics' }],
        },
        { from: [{ podSelector: selector('caller') }], ports: [{ protocol: 'TCP', port: 'http' }] },
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } },
              podSelector: selector('remote'),
            },
          ],
          ports: [{ protocol: 'TCP', port: 'http' }],
        },
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } },
              podSelector: { matchLabels: { app: 'gateway' } },
            },
          ],
          ports: [
            { protocol: 'TCP', port: 'http' },
            { protocol: 'TCP', port: 'metrics' },
          ],
        },
      ],
      egress: [
        DNS_RULE,
        { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] },
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } },
              podSelector: selector('remote'),
            },
          ],
          ports: [{ protocol: 'TCP', port: 'grpc' }],
        },
        { to: [{ podSelector: { matchLabels: { app: 'cache' } } }], ports: [{ protocol: 'TCP', port: 6379 }] },
      ],
    });
  });

  test('NodeLocal DNS adds 169.254.20.10/32 on port 53', () => {
    const p = platform({ nodeLocalDns: true });
    agent(new AgentNamespace(p, 'agents'), 'a');
    expect(find(synthAll(p), 'NetworkPolicy', 'a').spec.egress).toEqual([
      DNS_RULE,
      { to: [{ ipBlock: { cidr: '169.254.20.10/32' } }], ports: DNS_RULE.ports },
    ]);
  });

  test('Vault egress targets the Vault pods and port from the cluster settings', () => {
    const p = platform({ vault: { namespace: 'secrets', podLabels: { app: 'vault' }, port: 8201 } });
    const a = agent(new AgentNamespace(p, 'agents'), 'a', { network: { vault: true } });
    a.allowEgressToVault();
    expect(find(synthAll(p), 'NetworkPolicy', 'a').spec.egress).toEqual([
      DNS_RULE,
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'secrets' } },
            podSelector: { matchLabels: { app: 'vault' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8201 }],
      },
    ]);
  });
});

describe('internet and the metadata exception', () => {
  test('internet egress excepts metadata and private ranges in both families', () => {
    const p = platform();
    agent(new AgentNamespace(p, 'agents'), 'a', { network: { internet: {} } });
    expect(find(synthAll(p), 'NetworkPolicy', 'a').spec.egress).toEqual([
      DNS_RULE,
      {
        to: [
          {
            ipBlock: { cidr: '0.0.0.0/0', except: INTERNET_EXCEPT_V4 },
          },
          { ipBlock: { cidr: '::/0', except: ['fe80::/10', 'fc00::/7'] } },
        ],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
  });

  test('IPv4-only internet on other ports', () => {
    const p = platform();
    const a = agent(new AgentNamespace(p, 'agents'), 'a');
    a.allowEgressToInternet({ ports: [80, { port: 8000, endPort: 8100 }], ipv6: false });
    expect(find(synthAll(p), 'NetworkPolicy', 'a').spec.egress).toEqual([
      DNS_RULE,
      {
        to: [
          {
            ipBlock: { cidr: '0.0.0.0/0', except: INTERNET_EXCEPT_V4 },
          },
        ],
        ports: [
          { protocol: 'TCP', port: 80 },
          { protocol: 'TCP', port: 8000, endPort: 8100 },
        ],
      },
    ]);
  });

  test('a CIDR that contains cloud metadata or link-local ranges gets them excepted', () => {
    const p = platform();
    const a = agent(new AgentNamespace(p, 'agents'), 'a');
    a.allowEgressTo(Peer.cidr('169.0.0.0/8', ['169.1.0.0/16']), 443);
    a.allowEgressTo(Peer.cidr('fd00::/8'), 443);
    expect(find(synthAll(p), 'NetworkPolicy', 'a').spec.egress).toEqual([
      DNS_RULE,
      {
        to: [{ ipBlock: { cidr: '169.0.0.0/8', except: ['169.1.0.0/16', '169.254.0.0/16'] } }],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
      {
        to: [
          {
            ipBlock: {
              cidr: 'fd00::/8',
              except: ['fd00:ec2::254/128', 'fd00:ec2::23/128', 'fd20:ce::254/128', 'fd00:42::42/128'],
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
  });

  test('the metadata address is allowed only with metadataDns (GKE Cloud DNS), on port 53 only', () => {
    const p = platform({ metadataDns: true });
    const a = agent(new AgentNamespace(p, 'agents'), 'a');
    a.allowEgressTo(Peer.cidr('169.254.169.254/32'), { port: 53, protocol: 'UDP' });
    const egress = find(synthAll(p), 'NetworkPolicy', 'a').spec.egress;
    expect(egress).toContainEqual({
      to: [{ ipBlock: { cidr: '169.254.169.254/32' } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    });
    expect(egress).toContainEqual({
      to: [{ ipBlock: { cidr: '169.254.169.254/32' } }],
      ports: [{ protocol: 'UDP', port: 53 }],
    });
    expect(() => a.allowEgressTo(Peer.cidr('169.254.169.254/32'), 80)).toThrow(
      '[platform/agents/a] allowEgressTo.peer.cidr: invalid value "169.254.169.254/32" (it reaches the cloud metadata address 169.254.169.254',
    );
    const q = platform();
    const b = agent(new AgentNamespace(q, 'agents'), 'b');
    expect(() => b.allowEgressTo(Peer.cidr('169.254.169.254/32'), { port: 53, protocol: 'UDP' })).toThrow(
      '[platform/agents/b] allowEgressTo.peer.cidr: invalid value "169.254.169.254/32" (it reaches the cloud metadata address 169.254.169.254',
    );
  });
});

describe('FQDN egress', () => {
  test('on Cilium, emits a CiliumNetworkPolicy with toFQDNs and the DNS-proxy rule', () => {
    const p = platform({ cni: 'cilium' });
    const a = agent(new AgentNamespace(p, 'agents'), 'a', { network: { fqdns: [{ fqdn: 'api.openai.com' }] } });
    a.allowEgressToFqdn('*.anthropic.com', 8443);
    const cnp = find(synthAll(p), 'CiliumNetworkPolicy', 'a-fqdn') as unknown as Record<string, unknown>;
    expect(cnp.apiVersion).toBe('cilium.io/v2');
    expect(cnp.spec).toEqual({
      endpointSelector: selector('a'),
      egress: [
        {
          toEndpoints: [
            { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } },
          ],
          toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }],
        },
        { toFQDNs: [{ matchName: 'api.openai.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
        { toFQDNs: [{ matchPattern: '*.anthropic.com' }], toPorts: [{ ports: [{ port: '8443', protocol: 'TCP' }] }] },
      ],
    });
    expect(a.network.ciliumPolicy).toBeDefined();
  });

  test('without Cilium, FQDN egress is refused with the reason and the alternative', () => {
    const p = platform();
    const ns = new AgentNamespace(p, 'agents');
    expect(() => agent(ns, 'a', { network: { fqdns: [{ fqdn: 'api.openai.com' }] } })).toThrow(
      "[platform/agents/a] network.fqdns[0].fqdn: invalid value \"api.openai.com\" (a Kubernetes NetworkPolicy matches IP addresses only and cannot express DNS names; an allow nothing enforces would be silently ignored). Allowed: FQDN egress only with the cluster setting cni: 'cilium' (CiliumNetworkPolicy toFQDNs); otherwise allow the provider's published CIDR ranges, e.g. allowEgressTo(Peer.cidr('203.0.113.0/24'), 443)",
    );
  });
});

describe('Istio mesh', () => {
  test('STRICT PeerAuthentication per namespace and an AuthorizationPolicy per agent from the ingress intent', () => {
    const p = platform({ mesh: 'istio' });
    const agents = new AgentNamespace(p, 'agents');
    const other = new AgentNamespace(p, 'other');
    const caller = agent(other, 'caller');
    const target = agent(agents, 'target');
    agent(agents, 'lonely');
    target.allowIngressFrom(caller, 'http');
    target.allowIngressFrom(Peer.namespace('monitoring'));
    target.allowIngressFrom(Peer.pods({ app: 'gw' }, { serviceAccount: 'gateway' }));
    target.allowIngressFrom(Peer.cidr('198.51.100.0/24'));
    const objects = synthAll(p);
    const peerAuth = objects.filter((o) => o.kind === 'PeerAuthentication');
    expect(peerAuth.map((o) => [o.metadata.namespace, o.metadata.name, o.spec])).toEqual([
      ['agents', 'default', { mtls: { mode: 'STRICT' } }],
      ['other', 'default', { mtls: { mode: 'STRICT' } }],
    ]);
    const ap = find(objects, 'AuthorizationPolicy', 'target') as unknown as Record<string, unknown>;
    expect(ap.apiVersion).toBe('security.istio.io/v1');
    const to = [{ operation: { ports: ['8080'] } }];
    expect(ap.spec).toEqual({
      selector: selector('target'),
      action: 'ALLOW',
      rules: [
        { from: [{ source: { principals: ['cluster.local/ns/other/sa/caller'] } }], to },
        { from: [{ source: { namespaces: ['monitoring'] } }], to },
        { from: [{ source: { principals: ['cluster.local/ns/agents/sa/gateway'] } }], to },
        { from: [{ source: { ipBlocks: ['198.51.100.0/24'] } }], to },
      ],
    });
    // No ingress intent: an ALLOW policy without rules allows nothing.
    expect(find(objects, 'AuthorizationPolicy', 'lonely').spec).toEqual({
      selector: selector('lonely'),
      action: 'ALLOW',
    });
  });

  test('a label-only peer cannot be expressed in Istio and is refused', () => {
    const p = platform({ mesh: 'istio' });
    const target = agent(new AgentNamespace(p, 'agents'), 'target');
    expect(() => target.allowIngressFrom(Peer.pods({ app: 'gw' }))).toThrow(
      '[platform/agents/target] allowIngressFrom.peer.serviceAccount: invalid value undefined (Istio identifies callers by ServiceAccount, not by labels, so a label-only peer cannot be expressed in the AuthorizationPolicy). Allowed: the ServiceAccount of the pods (Peer.pods(labels, { serviceAccount })), an agent, or a namespace',
    );
  });

  test('without a mesh no Istio objects are emitted', () => {
    const p = platform();
    agent(new AgentNamespace(p, 'agents'), 'a');
    expect(synthAll(p).filter((o) => ['PeerAuthentication', 'AuthorizationPolicy'].includes(o.kind))).toEqual([]);
  });
});

describe('invalid input is refused with a message', () => {
  const P = '[platform/agents/a] ';
  const CIDR_HINT = "Allowed: a CIDR block such as '203.0.113.0/24' or '2001:db8::/32'";
  const cases: [string, (a: ReturnType<typeof agent>, b: ReturnType<typeof agent>) => void, string][] = [
    [
      'bad CIDR',
      (a) => a.allowEgressTo(Peer.cidr('10.0.0/8'), 443),
      `${P}allowEgressTo.peer.cidr: invalid value "10.0.0/8". ${CIDR_HINT}`,
    ],
    [
      'CIDR with host bits',
      (a) => a.allowEgressTo(Peer.cidr('10.1.2.3/8'), 443),
      `${P}allowEgressTo.peer.cidr: invalid value "10.1.2.3/8" (host bits set usually mean a typo in the prefix). Allowed: the network address with host bits cleared ('10.0.0.0/8')`,
    ],
    [
      '/0 CIDR',
      (a) => a.allowEgressTo(Peer.cidr('0.0.0.0/0'), 443),
      `${P}allowEgressTo.peer.cidr: invalid value "0.0.0.0/0" (a /0 block reaches cloud metadata and every private network). Allowed: a bounded range; for the public internet use 'internet' (allowEgressToInternet), which excepts metadata and private ranges`,
    ],
    [
      'except outside the block',
      (a) => a.allowEgressTo(Peer.cidr('10.0.0.0/8', ['192.168.0.0/16']), 443),
      `${P}allowEgressTo.peer.except[0]: invalid value "192.168.0.0/16". Allowed: a range strictly inside 10.0.0.0/8`,
    ],
    [
      'bad except',
      (a) => a.allowEgressTo(Peer.cidr('10.0.0.0/8', ['x']), 443),
      `${P}allowEgressTo.peer.except[0]: invalid value "x". ${CIDR_HINT}`,
    ],
    [
      'port 0',
      (a) => a.allowEgressTo(Peer.cidr('203.0.113.0/24'), 0),
      `${P}allowEgressTo.ports[0].port: invalid value 0. Allowed: an integer from 1 to 65535`,
    ],
    [
      'port 70000',
      (a) => a.allowEgressTo(Peer.cidr('203.0.113.0/24'), 70000),
      `${P}allowEgressTo.ports[0].port: invalid value 70000. Allowed: an integer from 1 to 65535`,
    ],
    [
      'endPort below port',
      (a) => a.allowEgressTo(Peer.cidr('203.0.113.0/24'), { port: 443, endPort: 80 }),
      `${P}allowEgressTo.ports[0].endPort: invalid value 80. Allowed: an integer from 443 to 65535`,
    ],
    [
      'bad protocol',
      (a) => a.allowEgressTo(Peer.cidr('203.0.113.0/24'), { port: 443, protocol: 'ICMP' as 'TCP' }),
      `${P}allowEgressTo.ports[0].protocol: invalid value "ICMP". Allowed: one of 'TCP', 'UDP', 'SCTP'`,
    ],
    [
      'named port to a CIDR',
      (a) => a.allowEgressTo(Peer.cidr('203.0.113.0/24'), 'https'),
      `${P}allowEgressTo.ports[0].port: invalid value "https". Allowed: a port number: names resolve only against container ports of pods, not external addresses`,
    ],
    [
      'CIDR without ports',
      (a) => a.allowEgressTo(Peer.cidr('203.0.113.0/24')),
      `${P}allowEgressTo.ports: invalid value undefined (an all-ports allow opens every service at the destination). Allowed: at least one port, e.g. [443]`,
    ],
    [
      'undeclared ingress port',
      (a, b) => a.allowIngressFrom(b, 'admin'),
      `${P}allowIngressFrom.ports[0]: invalid value "admin". Allowed: a port 'a' declares: http (8080)`,
    ],
    [
      'undeclared target port',
      (a, b) => a.allowEgressTo(b, 9999),
      `${P}allowEgressTo.ports[0]: invalid value 9999. Allowed: a port 'b' declares: http (8080)`,
    ],
    [
      'empty pod selector',
      (a) => a.allowIngressFrom(Peer.pods({})),
      `${P}allowIngressFrom.peer.pods: invalid value {} (an empty selector matches every pod). Allowed: a non-empty map of labels`,
    ],
    [
      'bad namespace name',
      (a) => a.allowIngressFrom(Peer.namespace('Bad_NS')),
      `${P}allowIngressFrom.peer.namespace: invalid value "Bad_NS". Allowed: a DNS-1123 label`,
    ],
    [
      'bad FQDN',
      (a) => a.allowEgressToFqdn('*'),
      `${P}allowEgressToFqdn.fqdn: invalid value "*". Allowed: a lower-case DNS name such as 'api.openai.com', or a one-label wildcard such as '*.openai.com'`,
    ],
    [
      'bad peer',
      (a) => a.allowEgressTo({} as never, 443),
      `${P}allowEgressTo.peer: invalid value {}. Allowed: an agent, Peer.agent(), Peer.namespace(), Peer.pods() or Peer.cidr()`,
    ],
    [
      'bad internet port',
      (a) => a.allowEgressToInternet({ ports: [] }),
      `${P}allowEgressToInternet.ports: invalid value [] (an all-ports allow opens every service at the destination). Allowed: at least one port, e.g. [443]`,
    ],
  ];
  test.each(cases)('%s', (_name, act, message) => {
    const p = platform({ cni: 'cilium' });
    const ns = new AgentNamespace(p, 'agents');
    const a = agent(ns, 'a');
    const b = agent(ns, 'b');
    expect(() => act(a, b)).toThrow(message.split('. Allowed:')[0]);
    expect(() => act(a, b)).toThrow(message);
  });

  test('ingress to an agent without ports is refused', () => {
    const p = platform();
    const ns = new AgentNamespace(p, 'agents');
    const quiet = agent(ns, 'quiet', {
      ports: [],
      probes: {
        readiness: { exec: { command: ['true'] } },
        liveness: { exec: { command: ['true'] }, periodSeconds: 30 },
      },
    });
    expect(() => quiet.allowIngressFrom(Peer.namespace('x'))).toThrow(
      "[platform/agents/quiet] allowIngressFrom.ports: invalid value undefined. Allowed: an agent that listens: 'quiet' declares no ports",
    );
  });

  test('props errors name the prop path', () => {
    const p = platform();
    const ns = new AgentNamespace(p, 'agents');
    expect(() =>
      agent(ns, 'a', {
        network: {
          egress: [
            { to: Peer.cidr('203.0.113.0/24'), ports: [443] },
            { to: Peer.cidr('nope'), ports: [443] },
          ],
        },
      }),
    ).toThrow(`[platform/agents/a] network.egress[1].peer.cidr: invalid value "nope". ${CIDR_HINT}`);
  });

  test('Vault egress is refused when the pod never talks to Vault', () => {
    const p = platform({ vaultDeliveryModes: ['operator'] });
    expect(() => agent(new AgentNamespace(p, 'agents'), 'a', { network: { vault: true } })).toThrow(
      '[platform/agents/a] network.vault: invalid value ["operator"] (in operator and CSI modes the operator or the driver talks to Vault, so the agent needs no route to it). Allowed: a platform with vaultDeliveryModes including \'injector\'',
    );
  });
});
