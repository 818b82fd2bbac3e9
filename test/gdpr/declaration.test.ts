import { Testing } from 'cdk8s';
import { DataDeclaration, PRIVACY_KEYS, resolveDataDeclaration } from '../../lib/core';
import { auditPolicyFor } from '../../lib/audit';
import { LlmGateway } from '../../lib/guardrails';
import { Peer } from '../../lib/network';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';
import { ALL_SHAPES, IMAGE, fixture, withImagePolicy } from '../workload/helpers';
import { dig, findObject, podSpecOf } from '../helpers/synth';
import { refusal } from '../helpers/refusal';

const PERSONAL: DataDeclaration = {
  categories: ['personal'],
  purposes: ['support chat'],
  lawfulBasis: 'contract',
  retentionDays: 30,
  regions: ['eu'],
};

describe('the data declaration refuses incomplete or malformed input, naming path, field, value and what is allowed', () => {
  const cases: [string, unknown, string][] = [
    [
      'not an object',
      'personal',
      '[a] data: invalid value "personal". Allowed: { categories, purposes, lawfulBasis, retentionDays, regions }',
    ],
    [
      'no categories',
      { categories: [] },
      "[a] data.categories: invalid value []. Allowed: a non-empty list of 'none', 'public', 'telemetry', 'credentials', 'personal', 'special-category'",
    ],
    [
      'unknown category',
      { categories: ['health'] },
      "[a] data.categories[0]: invalid value \"health\". Allowed: one of 'none', 'public', 'telemetry', 'credentials', 'personal', 'special-category'",
    ],
    [
      'none with others',
      { categories: ['none', 'telemetry'] },
      '[a] data.categories: invalid value ["none","telemetry"]. Allowed: \'none\' alone, or the categories without \'none\'',
    ],
    [
      'personal without purposes',
      { ...PERSONAL, purposes: undefined },
      '[a] data.purposes: invalid value undefined (the agent declares personal data). Allowed: at least one purpose (GDPR Art. 5(1)(b), 30(1)(b))',
    ],
    [
      'empty purpose',
      { ...PERSONAL, purposes: [' '] },
      '[a] data.purposes[0]: invalid value " ". Allowed: a purpose of 1 to 200 characters',
    ],
    [
      'personal without lawful basis',
      { ...PERSONAL, lawfulBasis: undefined },
      "[a] data.lawfulBasis: invalid value undefined (the agent declares personal data). Allowed: one of 'consent', 'contract', 'legal-obligation', 'vital-interests', 'public-task', 'legitimate-interests' (GDPR Art. 6(1))",
    ],
    [
      'unknown lawful basis',
      { ...PERSONAL, lawfulBasis: 'because' },
      "[a] data.lawfulBasis: invalid value \"because\". Allowed: one of 'consent', 'contract', 'legal-obligation', 'vital-interests', 'public-task', 'legitimate-interests'",
    ],
    [
      'personal without retention',
      { ...PERSONAL, retentionDays: undefined },
      '[a] data.retentionDays: invalid value undefined (the agent declares personal data). Allowed: an integer from 1 to 3650 (GDPR Art. 5(1)(e))',
    ],
    [
      'special category without retention',
      { ...PERSONAL, categories: ['special-category'], retentionDays: undefined },
      '[a] data.retentionDays: invalid value undefined (the agent declares personal data). Allowed: an integer from 1 to 3650 (GDPR Art. 5(1)(e))',
    ],
    [
      'retention of zero days',
      { ...PERSONAL, retentionDays: 0 },
      '[a] data.retentionDays: invalid value 0. Allowed: an integer from 1 to 3650',
    ],
    [
      'fractional retention',
      { ...PERSONAL, retentionDays: 1.5 },
      '[a] data.retentionDays: invalid value 1.5. Allowed: an integer from 1 to 3650',
    ],
    [
      'personal without regions',
      { ...PERSONAL, regions: undefined },
      "[a] data.regions: invalid value undefined (the agent declares personal data). Allowed: at least one region the data may be sent to, such as ['eu'] (GDPR Art. 44-49)",
    ],
    [
      'personal with no regions',
      { ...PERSONAL, regions: [] },
      "[a] data.regions: invalid value [] (the agent declares personal data). Allowed: at least one region the data may be sent to, such as ['eu'] (GDPR Art. 44-49)",
    ],
    [
      'malformed region',
      { ...PERSONAL, regions: ['EU West'] },
      "[a] data.regions[0]: invalid value \"EU West\". Allowed: a region name of lower-case letters, digits and dashes, such as 'eu' or 'eu-west-1'",
    ],
    [
      'a region with the list separator',
      { ...PERSONAL, regions: ['eu.us'] },
      "[a] data.regions[0]: invalid value \"eu.us\". Allowed: a region name of lower-case letters, digits and dashes, such as 'eu' or 'eu-west-1'",
    ],
  ];
  test.each(cases)('%s', (_name, data, message) => {
    expect(refusal(() => resolveDataDeclaration('a', 'data', data))).toBe(message);
  });

  test.each(ALL_SHAPES.map((s) => [s.name, s] as const))(
    '%s refuses personal data without retention at construction',
    (_n, shape) => {
      const f = fixture();
      expect(
        refusal(() => shape.build(f.ns, 'bot', { data: { ...PERSONAL, retentionDays: undefined } } as never)),
      ).toBe(
        '[platform/agents/bot] data.retentionDays: invalid value undefined (the agent declares personal data). Allowed: an integer from 1 to 3650 (GDPR Art. 5(1)(e))',
      );
    },
  );

  test.each(ALL_SHAPES.map((s) => [s.name, s] as const))(
    '%s refuses special-category data without a sandbox',
    (_n, shape) => {
      const f = fixture();
      expect(
        refusal(() => shape.build(f.ns, 'bot', { data: { ...PERSONAL, categories: ['special-category'] } } as never)),
      ).toBe(
        "[platform/agents/bot] sandbox: invalid value undefined (special-category data (GDPR Art. 9) needs protection beyond a plain container runtime (Art. 32)). Allowed: 'gvisor' or 'kata' for an agent with special-category data",
      );
      const g = fixture();
      shape.build(g.ns, 'bot', { data: { ...PERSONAL, categories: ['special-category'] }, sandbox: 'gvisor' } as never);
      const workload = findObject(withImagePolicy(g), shape.kind, 'bot');
      expect(workload.metadata.labels?.[PRIVACY_KEYS.specialCategory]).toBe('true');
    },
  );

  test('a hand-set privacy label is refused: the declaration comes from `data` only', () => {
    const f = fixture();
    expect(
      refusal(() => new HardenedAgent(f.ns, 'bot', { image: IMAGE, labels: { [PRIVACY_KEYS.personalData]: 'false' } })),
    ).toBe(
      '[platform/agents/bot] labels.privacy.agent-baseline.dev/personal-data: invalid value "false". Allowed: labels outside privacy.agent-baseline.dev/: declare data with the \'data\' prop',
    );
  });

  test('a malformed clusterRegion is refused', () => {
    expect(refusal(() => new AgentPlatform(Testing.app(), 'p', { clusterRegion: 'Europe' }))).toBe(
      "[p] clusterRegion: invalid value \"Europe\". Allowed: a region name of lower-case letters, digits and dashes, such as 'eu' or 'eu-west-1'",
    );
  });
});

describe('personal data changes what is deployed: egress only to endpoints in the declared regions', () => {
  const agent = (cluster = {}) => {
    const f = fixture({ clusterRegion: 'eu', cni: 'cilium', ...cluster });
    return {
      f,
      a: new HardenedAgent(f.ns, 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }], data: PERSONAL }),
    };
  };

  const refused: [string, (a: HardenedAgent) => unknown, string][] = [
    [
      'a CIDR without a region',
      (a) => a.allowEgressTo(Peer.cidr('203.0.113.0/24'), 443),
      "[platform/agents/bot] allowEgressTo.peer.region: invalid value undefined ('203.0.113.0/24' has no declared region and the agent processes personal data (GDPR Art. 44-49)). Allowed: one of the agent's data regions: 'eu'",
    ],
    [
      'a CIDR in another region',
      (a) => a.allowEgressTo(Peer.cidr('203.0.113.0/24', undefined, 'us'), 443),
      "[platform/agents/bot] allowEgressTo.peer.region: invalid value \"us\" ('203.0.113.0/24' is in 'us', outside the regions the agent's personal data may go to (GDPR Art. 44-49)). Allowed: one of the agent's data regions: 'eu'",
    ],
    [
      'a CIDR with a malformed region',
      (a) => a.allowEgressTo(Peer.cidr('203.0.113.0/24', undefined, 'EU'), 443),
      "[platform/agents/bot] allowEgressTo.peer.region: invalid value \"EU\". Allowed: a region name of lower-case letters, digits and dashes, such as 'eu' or 'eu-west-1'",
    ],
    [
      'an FQDN without a region',
      (a) => a.allowEgressToFqdn('api.example.com'),
      "[platform/agents/bot] allowEgressToFqdn.region: invalid value undefined ('api.example.com' has no declared region and the agent processes personal data (GDPR Art. 44-49)). Allowed: one of the agent's data regions: 'eu'",
    ],
    [
      'an FQDN in another region',
      (a) => a.allowEgressToFqdn('api.example.com', 443, 'us-east-1'),
      "[platform/agents/bot] allowEgressToFqdn.region: invalid value \"us-east-1\" ('api.example.com' is in 'us-east-1', outside the regions the agent's personal data may go to (GDPR Art. 44-49)). Allowed: one of the agent's data regions: 'eu'",
    ],
    [
      'the public internet',
      (a) => a.allowEgressToInternet(),
      "[platform/agents/bot] allowEgressToInternet.region: invalid value undefined ('the public internet' has no declared region and the agent processes personal data (GDPR Art. 44-49)). Allowed: one of the agent's data regions: 'eu'",
    ],
  ];
  test.each(refused)('refuses %s', (_name, grant, message) => {
    expect(refusal(() => grant(agent().a))).toBe(message);
  });

  test('refuses a network prop egress the same way, naming the prop', () => {
    const f = fixture({ clusterRegion: 'eu' });
    expect(
      refusal(
        () =>
          new HardenedAgent(f.ns, 'bot', {
            image: IMAGE,
            ports: [{ name: 'http', port: 8080 }],
            data: PERSONAL,
            network: { egress: [{ to: Peer.cidr('203.0.113.0/24', undefined, 'us'), ports: [443] }] },
          }),
      ),
    ).toBe(
      "[platform/agents/bot] network.egress[0].peer.region: invalid value \"us\" ('203.0.113.0/24' is in 'us', outside the regions the agent's personal data may go to (GDPR Art. 44-49)). Allowed: one of the agent's data regions: 'eu'",
    );
  });

  test('in-cluster peers take the cluster region; without one they are undeclared', () => {
    const { f, a } = agent();
    const peer = new HardenedAgent(f.ns, 'peer', {
      image: IMAGE,
      ports: [{ name: 'http', port: 8080 }],
      data: PERSONAL,
    });
    expect(a.connections.allowTo(peer).egress.added).toBe(true);
    const g = fixture();
    const b = new HardenedAgent(g.ns, 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }], data: PERSONAL });
    const target = new HardenedAgent(g.ns, 'peer', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
    expect(refusal(() => b.allowEgressTo(target))).toContain(
      "allowEgressTo.peer.region: invalid value undefined ('(own namespace)/app.kubernetes.io/name=peer,app.kubernetes.io/instance=peer' has no declared region",
    );
    expect(refusal(() => b.allowEgressToVault())).toContain('allowEgressToVault.region: invalid value undefined');
  });

  test('endpoints in the region are granted and their regions annotated on the policies', () => {
    const { f, a } = agent();
    a.allowEgressTo(Peer.cidr('203.0.113.0/24', undefined, 'eu'), 443);
    a.allowEgressToFqdn('api.example.eu', 443, 'eu');
    const objects = withImagePolicy(f);
    expect(findObject(objects, 'NetworkPolicy', 'bot').metadata.annotations?.[PRIVACY_KEYS.egressRegions]).toBe(
      '{"203.0.113.0/24":"eu"}',
    );
    expect(
      findObject(objects, 'CiliumNetworkPolicy', 'bot-fqdn').metadata.annotations?.[PRIVACY_KEYS.egressRegions],
    ).toBe('{"api.example.eu":"eu"}');
    expect(a.network.egressEndpoints.map((e) => `${e.kind} ${e.endpoint} ${e.region}`)).toEqual([
      'cidr 203.0.113.0/24 eu',
      'fqdn api.example.eu eu',
    ]);
  });

  test('an agent without personal data keeps region-free grants', () => {
    const f = fixture();
    const a = new HardenedAgent(f.ns, 'bot', {
      image: IMAGE,
      ports: [{ name: 'http', port: 8080 }],
      data: { categories: ['telemetry'] },
    });
    expect(a.allowEgressTo(Peer.cidr('203.0.113.0/24'), 443).added).toBe(true);
    expect(a.allowEgressToInternet().added).toBe(true);
  });

  test('the LLM gateway reaches providers only in its regions', () => {
    const f = fixture();
    const gw = new HardenedAgent(f.ns, 'llm', { image: IMAGE, ports: [{ name: 'http', port: 8080 }], data: PERSONAL });
    expect(refusal(() => new LlmGateway(f.ns, 'Llm', { gateway: gw, providerCidrs: ['203.0.113.0/24'] }))).toContain(
      "allowEgressTo.peer.region: invalid value undefined ('203.0.113.0/24' has no declared region",
    );
    const g = fixture();
    const ok = new HardenedAgent(g.ns, 'llm', { image: IMAGE, ports: [{ name: 'http', port: 8080 }], data: PERSONAL });
    new LlmGateway(g.ns, 'Llm', { gateway: ok, providerCidrs: ['203.0.113.0/24'], providerRegion: 'eu' });
    expect(ok.network.egressEndpoints[0]).toMatchObject({ endpoint: '203.0.113.0/24', region: 'eu' });
  });
});

describe('retention where Kubernetes enforces it', () => {
  test('AgentTask: the TTL of a finished Job is at most the retention; a longer explicit TTL is refused', () => {
    const f = fixture();
    const [task] = ALL_SHAPES.filter((s) => s.kind === 'Job');
    task.build(f.ns, 'bot', { data: { ...PERSONAL, retentionDays: 1 } } as never);
    expect(dig(findObject(withImagePolicy(f), 'Job', 'bot'), 'spec')?.ttlSecondsAfterFinished).toBe(3600);
    const g = fixture();
    expect(
      refusal(() =>
        task.build(g.ns, 'bot', { data: { ...PERSONAL, retentionDays: 1 }, ttlSecondsAfterFinished: 90000 } as never),
      ),
    ).toBe(
      '[platform/agents/bot] ttlSecondsAfterFinished: invalid value 90000 (a finished run keeps its pod and logs, with the personal data they hold, until the TTL). Allowed: at most 86400 seconds: the declared data.retentionDays (1)',
    );
  });

  test('ScheduledAgent: finished runs of a personal-data CronJob expire with the retention; others keep history limits only', () => {
    const [cron] = ALL_SHAPES.filter((s) => s.kind === 'CronJob');
    const f = fixture();
    cron.build(f.ns, 'bot', { data: { ...PERSONAL, retentionDays: 7 } } as never);
    const cronJob = findObject(withImagePolicy(f), 'CronJob', 'bot');
    expect(dig(cronJob, 'spec', 'jobTemplate', 'spec')?.ttlSecondsAfterFinished).toBe(7 * 86400);
    expect(dig(cronJob, 'spec')?.successfulJobsHistoryLimit).toBe(3);
    const g = fixture();
    cron.build(g.ns, 'bot');
    expect(
      dig(findObject(withImagePolicy(g), 'CronJob', 'bot'), 'spec', 'jobTemplate', 'spec')?.ttlSecondsAfterFinished,
    ).toBeUndefined();
  });
});

describe('the declaration travels on the manifests', () => {
  test.each(ALL_SHAPES.map((s) => [s.name, s] as const))(
    '%s: every object of the agent carries the labels; workload and pods the annotations',
    (_n, shape) => {
      const f = fixture({ clusterRegion: 'eu' });
      shape.build(f.ns, 'bot', { data: PERSONAL } as never);
      const objects = withImagePolicy(f).filter((o) => o.metadata.labels?.['app.kubernetes.io/instance'] === 'bot');
      expect(objects.length).toBeGreaterThan(2);
      for (const o of objects) {
        expect(o.metadata.labels).toMatchObject({
          [PRIVACY_KEYS.declared]: 'true',
          [PRIVACY_KEYS.categories]: 'personal',
          [PRIVACY_KEYS.personalData]: 'true',
          [PRIVACY_KEYS.specialCategory]: 'false',
          [PRIVACY_KEYS.retentionDays]: '30',
          [PRIVACY_KEYS.regions]: 'eu',
        });
      }
      const workload = findObject(objects, shape.kind, 'bot');
      const expected = { [PRIVACY_KEYS.purposes]: '["support chat"]', [PRIVACY_KEYS.lawfulBasis]: 'contract' };
      expect(workload.metadata.annotations).toMatchObject(expected);
      expect(podSpecOf(workload)).toBeDefined();
    },
  );

  test('the audit policy logs personal-data namespaces at Metadata, explicitly', () => {
    const f = fixture();
    new HardenedAgent(f.ns, 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }], data: PERSONAL });
    expect(auditPolicyFor(f.app).rules).toContainEqual({ level: 'Metadata', namespaces: ['agents'] });
    const g = fixture();
    new HardenedAgent(g.ns, 'bot', {
      image: IMAGE,
      ports: [{ name: 'http', port: 8080 }],
      data: { categories: ['none'] },
    });
    expect(auditPolicyFor(g.app).rules.some((r) => r.namespaces !== undefined)).toBe(false);
  });
});
