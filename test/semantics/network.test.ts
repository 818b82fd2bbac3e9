/**
 * NetworkPolicy semantics (issue 13 item 3, issue 14 item 2): address sets, not spellings; the
 * metadata table; allow-all peers; and the grant APIs refusing the same sets.
 */
import { AddressSet, CLOUD_METADATA_ENDPOINTS, ipBlockSet, internetWide } from '../../lib/core';
import { AgentNamespace } from '../../lib/namespace';
import { Peer } from '../../lib/network';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';
import { Testing } from 'cdk8s';
import { appObjects } from '../helpers/synth';
import { EXIT, Obj, cliScan, find, findingsOf, goodSet } from './helpers';

const IMAGE = 'ghcr.io/acme/bot:1.0.0@sha256:4f6c1d0b8e3a2f9c7d5e1b0a3c8f6e2d9b7a5c3e1f0d8b6a4c2e0f9d7b5a3c1e';

/** The good set plus an extra policy selecting the agent, written beside the construct's. */
function withExtraPolicy(spec: Obj, kind = 'NetworkPolicy'): Obj[] {
  const set = goodSet();
  set.push({
    apiVersion: kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : 'cilium.io/v2',
    kind,
    metadata: { name: 'extra', namespace: 'agents' },
    spec,
  });
  return set;
}

/** The good set with one more egress rule in the agent's own NetworkPolicy. */
function inOwnPolicy(rule: Obj): Obj[] {
  const set = goodSet();
  const own = find(set, 'NetworkPolicy', 'agent');
  const spec = own.spec as Obj;
  spec.egress = [...((spec.egress as Obj[] | undefined) ?? []), rule];
  return set;
}

const AGENT_SELECTOR = { matchLabels: { 'app.kubernetes.io/name': 'agent' } };
const egressTo = (...blocks: Obj[]): Obj => ({
  podSelector: AGENT_SELECTOR,
  policyTypes: ['Egress'],
  egress: [{ to: blocks.map((ipBlock) => ({ ipBlock })), ports: [{ port: 443 }] }],
});

describe('egress address sets are judged by meaning', () => {
  it.each([
    ['the metadata address', { cidr: '169.254.169.254/32' }, 'reaches the cloud metadata address 169.254.169.254'],
    ['host bits set', { cidr: '169.254.169.254/16' }, 'reaches the cloud metadata address 169.254.169.254'],
    ['the link-local /16', { cidr: '169.254.0.0/16' }, 'reaches the cloud metadata address 169.254.169.254'],
    ['a /8 around it', { cidr: '169.0.0.0/8' }, 'reaches the cloud metadata address 169.254.169.254'],
    ['IPv4-mapped IPv6', { cidr: '::ffff:169.254.169.254/128' }, 'reaches the cloud metadata address 169.254.169.254'],
    ['IPv4-mapped IPv6 block', { cidr: '::ffff:a9fe:0/112' }, 'reaches the cloud metadata address 169.254.169.254'],
    ['AWS IMDS over IPv6', { cidr: 'fd00:ec2::254/128' }, 'reaches the cloud metadata address fd00:ec2::254'],
    ['AWS IMDS IPv6 long form', { cidr: 'fd00:0ec2:0:0:0:0:0:254/128' }, 'fd00:ec2::254'],
    ['AWS IMDS in fd00::/8', { cidr: 'fd00::/8' }, 'fd00:ec2::254'],
    ['EKS Pod Identity', { cidr: '169.254.170.23/32' }, '169.254.170.23 (AWS (EKS Pod Identity))'],
    ['Azure WireServer', { cidr: '168.63.129.16/32' }, '168.63.129.16 (Azure (WireServer))'],
    ['Alibaba metadata', { cidr: '100.100.100.200/32' }, '100.100.100.200 (Alibaba Cloud)'],
    ['Alibaba metadata in CGNAT', { cidr: '100.64.0.0/10' }, '100.100.100.200 (Alibaba Cloud)'],
    ['Oracle legacy metadata', { cidr: '192.0.0.192/32' }, '192.0.0.192 (Oracle (legacy metadata))'],
    ['the internet without excepts', { cidr: '0.0.0.0/0' }, 'reaches the cloud metadata address 169.254.169.254'],
    [
      'the internet excepting only the old link-local /16',
      { cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] },
      '168.63.129.16 (Azure (WireServer))',
    ],
    ['::/0 without excepts', { cidr: '::/0' }, 'reaches the cloud metadata address fd00:ec2::254'],
    ['0:0::/0 spelling', { cidr: '0:0::/0' }, 'reaches the cloud metadata address fd00:ec2::254'],
    ['link-local besides NodeLocal DNS', { cidr: '169.254.20.0/24' }, 'reaches link-local 169.254.20.0/29'],
    [
      'internet without the private excepts',
      { cidr: '0.0.0.0/1', except: ['10.0.0.0/8'] },
      'opens the internet (IPv4) together with private 100.64.0.0/10',
    ],
  ])('%s', (_name, block, fragment) => {
    const set = withExtraPolicy(egressTo(block));
    const got = findingsOf(set, 'AGT-InternetEgress');
    expect(got.length).toBeGreaterThan(0);
    expect(got.join('\n')).toContain(fragment);
    expect(got[0]).toMatch(/^error spec\.egress\[0\]\.to\[0\]\.ipBlock: egress rule 0 to /);
    const cli = cliScan(set);
    expect(cli.code).toBe(EXIT.failing);
    expect(cli.out).toContain(fragment);
  });

  it.each([
    ['NodeLocal DNSCache', { cidr: '169.254.20.10/32' }],
    ['a bounded public range', { cidr: '203.0.113.0/24' }],
    ['a private database', { cidr: '10.1.2.3/32' }],
    [
      'the internet with every metadata and private range excepted',
      {
        cidr: '0.0.0.0/0',
        except: [
          '169.254.0.0/16',
          '10.0.0.0/8',
          '172.16.0.0/12',
          '192.168.0.0/16',
          '100.64.0.0/10',
          '168.63.129.16/32',
          '192.0.0.192/32',
        ],
      },
    ],
  ])('%s stays allowed', (_name, block) => {
    expect(findingsOf(withExtraPolicy(egressTo(block)), 'AGT-InternetEgress')).toEqual([]);
  });

  it('169.254.169.254/32 on port 53 is allowed only with metadataDns, and only on port 53', () => {
    const dns = withExtraPolicy({
      podSelector: AGENT_SELECTOR,
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ port: 53, protocol: 'UDP' }] }],
    });
    expect(findingsOf(dns, 'AGT-InternetEgress', { metadataDns: true })).toEqual([]);
    expect(findingsOf(dns, 'AGT-InternetEgress')).toHaveLength(1);
    // The CLI judges the same rule written into the agent's own policy: beside it, AGT-NetworkPolicyUnion refuses it anyway.
    const own = inOwnPolicy({
      to: [{ ipBlock: { cidr: '169.254.169.254/32' } }],
      ports: [{ port: 53, protocol: 'UDP' }],
    });
    expect(cliScan(own, { metadataDns: true }).code).toBe(EXIT.ok);
    expect(cliScan(own).code).toBe(EXIT.failing);
    expect(cliScan(dns, { metadataDns: true }).code).toBe(EXIT.failing);
    const http = withExtraPolicy(egressTo({ cidr: '169.254.169.254/32' }));
    expect(findingsOf(http, 'AGT-InternetEgress', { metadataDns: true })).toHaveLength(1);
    const wide = withExtraPolicy({
      podSelector: AGENT_SELECTOR,
      egress: [{ to: [{ ipBlock: { cidr: '169.254.0.0/16' } }], ports: [{ port: 53, protocol: 'UDP' }] }],
    });
    expect(findingsOf(wide, 'AGT-InternetEgress', { metadataDns: true }).join()).toContain('169.254.169.254');
  });

  it.each([
    ['toCIDR metadata', { toCIDR: ['169.254.169.254/32'] }, '169.254.169.254'],
    ['toCIDR internet', { toCIDR: ['0.0.0.0/1', '128.0.0.0/1'] }, 'reaches the cloud metadata address'],
    [
      'toCIDRSet without the Azure except',
      { toCIDRSet: [{ cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] }] },
      '168.63.129.16',
    ],
    ['toEntities world', { toEntities: ['world'] }, 'toEntities world: the internet'],
    ['toEntities all', { toEntities: ['all'] }, 'toEntities all'],
    ['toFQDNs *', { toFQDNs: [{ matchPattern: '*' }] }, 'every DNS name'],
  ])('Cilium: %s', (_name, rule, fragment) => {
    const set = withExtraPolicy({ endpointSelector: AGENT_SELECTOR, egress: [rule] }, 'CiliumNetworkPolicy');
    expect(findingsOf(set, 'AGT-InternetEgress').join('\n')).toContain(fragment);
    expect(cliScan(set).code).toBe(EXIT.failing);
  });
});

describe('allow-all peers in agent namespaces', () => {
  it.each([
    [
      'namespaceSelector {}',
      { podSelector: AGENT_SELECTOR, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] }] },
      'error spec.ingress[0].from[0].namespaceSelector: ingress rule 0 from every pod of every namespace (namespaceSelector {}) on its ports',
    ],
    [
      'namespaceSelector Exists on the name label',
      {
        podSelector: AGENT_SELECTOR,
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] },
                podSelector: { matchLabels: { app: 'x' } },
              },
            ],
          },
        ],
      },
      'ingress rule 0 from the selected pods of every namespace',
    ],
    [
      'namespaceSelector NotIn',
      {
        podSelector: AGENT_SELECTOR,
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: {
                  matchExpressions: [
                    { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
                  ],
                },
              },
            ],
          },
        ],
      },
      'egress rule 0 to every pod of every namespace',
    ],
    [
      'ingress [{}] (allow-all)',
      { podSelector: {}, ingress: [{}] },
      'error spec.ingress[0]: ingress rule 0 allows every source (every pod of every namespace, every address) on every port',
    ],
    [
      'ingress from: [] on a port',
      { podSelector: AGENT_SELECTOR, ingress: [{ from: [], ports: [{ port: 8080 }] }] },
      'ingress rule 0 allows every source (every pod of every namespace, every address) on its ports',
    ],
    [
      'ingress from the internet',
      { podSelector: AGENT_SELECTOR, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] },
      'ingress rule 0 admits the internet (0.0.0.0/0) on every port',
    ],
    [
      'podSelector {} peer on a port range spanning every port',
      { podSelector: AGENT_SELECTOR, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 1, endPort: 65535 }] }] },
      'ingress rule 0 from every pod of the namespace (podSelector {}) on every port: every other agent',
    ],
    [
      'port-less podSelector {} peer',
      { podSelector: AGENT_SELECTOR, ingress: [{ from: [{ podSelector: {} }] }] },
      'ingress rule 0 from every pod of the namespace (podSelector {}) on every port: every other agent',
    ],
  ])('%s', (_name, spec, message) => {
    const set = withExtraPolicy(spec);
    expect(findingsOf(set, 'AGT-NetworkPolicyScope').join('\n')).toContain(message);
    const cli = cliScan(set);
    expect(cli.code).toBe(EXIT.failing);
    expect(cli.out).toContain('AGT-NetworkPolicyScope');
  });

  it('the construct-style policy of the good set passes', () => {
    expect(findingsOf(goodSet(), 'AGT-NetworkPolicyScope')).toEqual([]);
    expect(find(goodSet(), 'NetworkPolicy', 'agent')).toBeDefined();
  });
});

describe('address-set arithmetic', () => {
  it('unions of halves are the whole space', () => {
    expect(AddressSet.ofCidrs(['0.0.0.0/1', '128.0.0.0/1'])!.toCidrs()).toEqual(['0.0.0.0/0']);
    expect(AddressSet.ofCidrs(['::/1', '8000::/1'])!.toCidrs()).toEqual(['::/0']);
    expect(internetWide(AddressSet.ofCidrs(['0.0.0.0/2', '64.0.0.0/2'])!)).toEqual([4]);
    expect(internetWide(AddressSet.ofCidrs(['203.0.113.0/24'])!)).toEqual([]);
  });

  it('except and IPv4-mapped forms', () => {
    expect(ipBlockSet('10.0.0.0/8', ['10.0.0.0/9'])!.toCidrs()).toEqual(['10.128.0.0/9']);
    expect(ipBlockSet('::ffff:10.0.0.0/104')!.toCidrs()).toEqual(['10.0.0.0/8']);
    expect(ipBlockSet('bad')).toBeUndefined();
  });

  it('the metadata table holds each address once', () => {
    const addresses = CLOUD_METADATA_ENDPOINTS.map((e) => e.address);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses).toEqual(
      expect.arrayContaining(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '168.63.129.16']),
    );
  });
});

describe('the grant APIs refuse the same address sets, naming the construct path', () => {
  const setup = (props = {}) => {
    const app = Testing.app();
    const platform = new AgentPlatform(app, 'platform', props);
    const ns = new AgentNamespace(platform, 'agents');
    const agent = new HardenedAgent(ns, 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
    return agent;
  };
  const PATH = '[platform/agents/bot] allowEgressTo.peer.cidr: invalid value';

  it.each([
    ['169.254.0.0/16', 'it reaches the cloud metadata address 169.254.169.254'],
    ['169.254.169.254/32', 'it reaches the cloud metadata address 169.254.169.254'],
    ['169.254.170.0/24', 'it reaches the cloud metadata address 169.254.170.2'],
    ['100.100.100.200/32', 'it reaches the cloud metadata address 100.100.100.200'],
    ['168.63.129.16/32', 'it reaches the cloud metadata address 168.63.129.16'],
    ['fd00:ec2::254/128', 'it reaches the cloud metadata address fd00:ec2::254'],
    ['::ffff:169.254.169.254/128', 'it reaches the cloud metadata address 169.254.169.254'],
    ['169.254.1.0/24', 'it reaches link-local 169.254.1.0/24'],
    ['0.0.0.0/1', 'it opens the internet (IPv4) together with private'],
    ['::/1', "it opens the IPv6 internet (alone or with the agent's other ranges)"],
    ['128.0.0.0/2', 'it opens the internet (IPv4) together with private 172.16.0.0/12'],
  ])('Peer.cidr(%s)', (cidr, reason) => {
    const agent = setup();
    expect(() => agent.allowEgressTo(Peer.cidr(cidr), 443)).toThrow(`${PATH} ${JSON.stringify(cidr)} (${reason}`);
  });

  it('blocks that add up to the internet across grants', () => {
    const agent = setup();
    agent.allowEgressTo(Peer.cidr('11.0.0.0/9'), 443);
    expect(() => agent.allowEgressTo(Peer.cidr('11.128.0.0/9'), 443)).toThrow(
      `${PATH} "11.128.0.0/9" (it opens the IPv4 internet (alone or with the agent's other ranges)). Allowed: a bounded range; for the public internet use 'internet'`,
    );
  });

  it('bounded ranges, NodeLocal DNS and the internet API stay allowed', () => {
    const agent = setup();
    agent.allowEgressTo(Peer.cidr('203.0.113.0/24'), 443);
    agent.allowEgressTo(Peer.cidr('10.1.0.0/16'), 5432);
    agent.allowEgressTo(Peer.cidr('169.254.20.10/32'), { port: 53, protocol: 'UDP' });
    agent.allowEgressToInternet();
  });

  it.each([
    [{ port: 1, endPort: 65535 }, '1-65535'],
    [{ port: 1024, endPort: 65535 }, '1024-65535'],
    [{ port: 8000, endPort: 9023 }, '8000-9023'],
  ])('a port range spanning every port: %j', (port, range) => {
    const agent = setup();
    expect(() => agent.allowEgressTo(Peer.cidr('203.0.113.0/24'), port)).toThrow(
      `[platform/agents/bot] allowEgressTo.ports[0].endPort: invalid value ${port.endPort} (${range} is every port by another spelling (the rule engine judges it as a port-less allow-all)). Allowed: a range of fewer than 1024 ports, or the single ports needed`,
    );
    agent.allowEgressTo(Peer.cidr('203.0.113.0/24'), { port: 8000, endPort: 8100 });
  });

  it('a platform with metadataDns synthesizes clean: DNS at the metadata address on port 53 only', () => {
    const app = Testing.app();
    const platform = new AgentPlatform(app, 'platform', { metadataDns: true });
    const ns = new AgentNamespace(platform, 'agents');
    new HardenedAgent(ns, 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
    const policies = appObjects(app).filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.length).toBeGreaterThan(1);
    for (const p of policies)
      expect(JSON.stringify(p.spec)).toContain(
        '{"ports":[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP"}],"to":[{"ipBlock":{"cidr":"169.254.169.254/32"}}]}',
      );
    expect(() => app.synth()).not.toThrow();
  });

  it('ingress from the internet is refused', () => {
    const agent = setup();
    expect(() => agent.allowIngressFrom(Peer.cidr('0.0.0.0/1', ['10.0.0.0/8']))).toThrow(
      '[platform/agents/bot] allowIngressFrom.peer.cidr: invalid value "0.0.0.0/1" (it admits the internet',
    );
  });
});
