import { Peer } from '../../lib/network';
import { AgentTask, HardenedAgent, StatefulAgent } from '../../lib/workload';
import { KubeObject, dig, findObject } from '../helpers/synth';
import { IMAGE, fixture, withImagePolicy } from './helpers';

type Json = Record<string, unknown>;

/** A grant without its construct references: printing a construct tree on failure would exhaust memory. */
function plain(grant: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(grant).filter(([key]) => !['policy', 'authorizationPolicy', 'role'].includes(key)),
  );
}

function rules(objects: KubeObject[], name: string, direction: 'ingress' | 'egress'): Json[] {
  return (dig(findObject(objects, 'NetworkPolicy', name), 'spec')?.[direction] as Json[]) ?? [];
}

describe('connections.allowTo', () => {
  test('one call adds egress on the caller and ingress on the callee, and returns both', () => {
    const f = fixture();
    const caller = new HardenedAgent(f.ns, 'assistant', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
    const memory = new StatefulAgent(f.ns, 'memory', {
      image: IMAGE,
      ports: [
        { name: 'http', port: 6333 },
        { name: 'grpc', port: 6334 },
      ],
      storageSize: '1Gi',
    });
    const grant = caller.connections.allowTo(memory, 'grpc');
    expect(plain(grant.egress)).toEqual(
      expect.objectContaining({ direction: 'egress', added: true, ports: [{ protocol: 'TCP', port: 'grpc' }] }),
    );
    expect(plain(grant.ingress)).toEqual(
      expect.objectContaining({ direction: 'ingress', added: true, ports: [{ protocol: 'TCP', port: 'grpc' }] }),
    );
    expect(grant.egress.policy === caller.network.networkPolicy).toBe(true);
    expect(grant.ingress.policy === memory.network.networkPolicy).toBe(true);
    const objects = withImagePolicy(f);
    expect(rules(objects, 'assistant', 'egress')).toContainEqual({
      to: [{ podSelector: { matchLabels: memory.selectorLabels } }],
      ports: [{ protocol: 'TCP', port: 'grpc' }],
    });
    expect(rules(objects, 'memory', 'ingress')).toContainEqual({
      from: [{ podSelector: { matchLabels: caller.selectorLabels } }],
      ports: [{ protocol: 'TCP', port: 'grpc' }],
    });
  });

  test('is the same as the two one-sided grants, which stay available', () => {
    const build = (oneCall: boolean) => {
      const f = fixture();
      const a = new AgentTask(f.ns, 'eval', { image: IMAGE });
      const b = new HardenedAgent(f.ns, 'tools', { image: IMAGE, ports: [{ name: 'http', port: 8081 }] });
      if (oneCall) a.connections.allowTo(b, 'http');
      else {
        a.allowEgressTo(b, 'http');
        b.allowIngressFrom(a, 'http');
      }
      return JSON.stringify(withImagePolicy(f));
    };
    expect(build(true)).toBe(build(false));
  });

  test('allowFrom is the mirror image, ports default to every declared port, repeats are idempotent', () => {
    const f = fixture();
    const a = new HardenedAgent(f.ns, 'a', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
    const b = new HardenedAgent(f.ns, 'b', {
      image: IMAGE,
      ports: [
        { name: 'http', port: 8081 },
        { name: 'metrics', port: 9090 },
      ],
    });
    const first = b.connections.allowFrom(a);
    // Agent ports are allowed by name, so a renumbered port keeps its rules.
    expect(first.ingress.ports.map((p) => p.port)).toEqual(['http', 'metrics']);
    expect(first.egress.added).toBe(true);
    const again = a.connections.allowTo(b);
    expect([again.egress.added, again.ingress.added]).toEqual([false, false]);
  });

  test('a port the callee does not declare is refused on the callee', () => {
    const f = fixture();
    const a = new AgentTask(f.ns, 'eval', { image: IMAGE });
    const b = new HardenedAgent(f.ns, 'tools', { image: IMAGE, ports: [{ name: 'http', port: 8081 }] });
    expect(() => a.connections.allowTo(b, 'grpc')).toThrow(
      '[platform/agents/tools] connections.allowFrom.ports[0]: invalid value "grpc". Allowed: a port \'tools\' declares: http (8081)',
    );
  });
});

describe('grant methods return what they granted', () => {
  test('network grants name the policy, peers and ports', () => {
    const f = fixture({ cni: 'cilium' });
    const agent = new AgentTask(f.ns, 'eval', { image: IMAGE });
    const cidr = agent.allowEgressTo(Peer.cidr('203.0.113.0/24'), 443);
    expect(plain(cidr)).toEqual(
      expect.objectContaining({
        direction: 'egress',
        peers: [{ kind: 'ipBlock', cidr: '203.0.113.0/24', except: [] }],
        ports: [{ protocol: 'TCP', port: 443 }],
        added: true,
      }),
    );
    const fqdn = agent.allowEgressToFqdn('api.openai.com');
    expect(plain(fqdn)).toEqual(expect.objectContaining({ fqdn: 'api.openai.com', peers: [], added: true }));
    expect(fqdn.policy === agent.network.ciliumPolicy).toBe(true);
    const internet = agent.allowEgressToInternet();
    expect(internet.peers.map((p) => (p.kind === 'ipBlock' ? p.cidr : p.kind))).toEqual(['0.0.0.0/0', '::/0']);
    expect(agent.allowEgressToVault().ports).toEqual([{ protocol: 'TCP', port: 8200 }]);
  });

  test('API grants return the role, the rule and the acknowledged risks', () => {
    const f = fixture({ apiServerEndpoints: { cidrs: ['192.0.2.10/32'] } });
    const agent = new HardenedAgent(f.ns, 'tools', { image: IMAGE, ports: [{ name: 'http', port: 8081 }] });
    const reason = 'runs each tool call as a Job in its own namespace';
    const grant = agent.grantApiAccess({
      apiGroups: ['batch'],
      resources: ['jobs'],
      verbs: ['create', 'get'],
      acknowledgeRisks: [{ risk: 'workload-create', reason }],
    });
    expect(grant.role === agent.apiRole).toBe(true);
    expect(grant.clusterWide).toBe(false);
    expect(grant.rule).toEqual(expect.objectContaining({ apiGroups: ['batch'], resources: ['jobs'] }));
    expect(grant.acknowledgements).toEqual([expect.objectContaining({ risk: 'workload-create', reason })]);
  });
});
