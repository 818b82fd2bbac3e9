import { runRules } from '../../lib/rules';
import { declarationOf } from '../../lib/rules/packs/gdpr';
import { KubeObject } from '../../lib/rules/types';

type Json = Record<string, unknown>;
const NS = 'agents';
const AGENT_LABELS = {
  'app.kubernetes.io/name': 'bot',
  'app.kubernetes.io/component': 'agent',
  'app.kubernetes.io/managed-by': 'agent-baseline',
};
const PERSONAL = {
  'privacy.agent-baseline.dev/declared': 'true',
  'privacy.agent-baseline.dev/categories': 'personal',
  'privacy.agent-baseline.dev/personal-data': 'true',
  'privacy.agent-baseline.dev/retention-days': '30',
  'privacy.agent-baseline.dev/regions': 'eu',
};
const SPECIAL = {
  ...PERSONAL,
  'privacy.agent-baseline.dev/categories': 'special-category',
  'privacy.agent-baseline.dev/special-category': 'true',
};

function workload(kind: string, labels: Record<string, string>, pod: Json = {}, extraSpec: Json = {}): KubeObject {
  const template = {
    metadata: { labels: { ...AGENT_LABELS, ...labels } },
    spec: { containers: [{ name: 'agent', image: 'x' }], ...pod },
  };
  const spec: Json =
    kind === 'CronJob'
      ? { schedule: '@daily', jobTemplate: { spec: { template, ...extraSpec } } }
      : { selector: { matchLabels: AGENT_LABELS }, template, ...extraSpec };
  return {
    apiVersion: kind === 'Deployment' ? 'apps/v1' : 'batch/v1',
    kind,
    metadata: { name: 'bot', namespace: NS, labels: { ...AGENT_LABELS, ...labels } },
    spec,
  };
}

function netpol(egress: Json[], regions?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: 'bot',
      namespace: NS,
      annotations: regions ? { 'privacy.agent-baseline.dev/egress-regions': JSON.stringify(regions) } : undefined,
    },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'bot' } },
      policyTypes: ['Ingress', 'Egress'],
      egress,
    },
  };
}

function cilium(egress: Json[], regions?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: {
      name: 'bot-fqdn',
      namespace: NS,
      annotations: regions ? { 'privacy.agent-baseline.dev/egress-regions': JSON.stringify(regions) } : undefined,
    },
    spec: { endpointSelector: { matchLabels: { 'app.kubernetes.io/name': 'bot' } }, egress },
  };
}

const cidr = (c: string) => ({ to: [{ ipBlock: { cidr: c } }], ports: [{ port: 443 }] });

function findings(objects: KubeObject[], rule: string): string[] {
  return runRules(objects, { packs: ['gdpr'] }).results.flatMap((r) =>
    r.findings.filter((f) => f.rule === rule && !f.suppressed).map((f) => `${f.severity}: ${f.message}`),
  );
}

type Case = [string, KubeObject[], number];

describe('GDPR-Undeclared (Art. 30): an agent without a declaration is unknown, a warning', () => {
  const cases: Case[] = [
    ['declared personal', [workload('Deployment', PERSONAL)], 0],
    ['declared none', [workload('Deployment', { 'privacy.agent-baseline.dev/categories': 'none' })], 0],
    [
      'declared only on the pod template',
      [
        {
          ...workload('Deployment', {}),
          metadata: { name: 'bot', namespace: NS, labels: AGENT_LABELS },
          spec: {
            template: {
              metadata: { labels: { ...AGENT_LABELS, 'privacy.agent-baseline.dev/declared': 'true' } },
              spec: { containers: [] },
            },
          },
        },
      ],
      0,
    ],
    ['undeclared agent', [workload('Deployment', {})], 1],
    ['undeclared CronJob agent', [workload('CronJob', {})], 1],
  ];
  test.each(cases)('%s', (_n, objects, n) => {
    const f = findings(objects, 'GDPR-Undeclared');
    expect(f).toHaveLength(n);
    f.forEach((x) =>
      expect(x).toBe('warning: agent has no data declaration (unknown): its processing cannot be recorded'),
    );
  });

  test('a workload that is not an agent is not judged', () => {
    const plain: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'web' },
      spec: { template: { spec: { containers: [] } } },
    };
    expect(findings([plain], 'GDPR-Undeclared')).toEqual([]);
  });
});

describe('GDPR-Retention (Art. 5(1)(e))', () => {
  const noRetention = { ...PERSONAL, 'privacy.agent-baseline.dev/retention-days': '' };
  const cases: Case[] = [
    ['Deployment with retention', [workload('Deployment', PERSONAL)], 0],
    [
      'Deployment with personal data and no retention',
      [workload('Deployment', { ...PERSONAL, 'privacy.agent-baseline.dev/retention-days': undefined as never })],
      1,
    ],
    [
      'retention not a number',
      [workload('Deployment', { ...PERSONAL, 'privacy.agent-baseline.dev/retention-days': '30d' })],
      1,
    ],
    ['retention zero', [workload('Deployment', { ...PERSONAL, 'privacy.agent-baseline.dev/retention-days': '0' })], 1],
    ['empty retention', [workload('Deployment', noRetention)], 1],
    [
      'personal only by category, no retention',
      [workload('Deployment', { 'privacy.agent-baseline.dev/categories': 'telemetry.personal' })],
      1,
    ],
    [
      'personal only by flag, no retention',
      [workload('Deployment', { 'privacy.agent-baseline.dev/personal-data': 'true' })],
      1,
    ],
    ['Job with TTL within retention', [workload('Job', PERSONAL, {}, { ttlSecondsAfterFinished: 3600 })], 0],
    ['Job with TTL equal to retention', [workload('Job', PERSONAL, {}, { ttlSecondsAfterFinished: 30 * 86400 })], 0],
    ['Job without TTL', [workload('Job', PERSONAL)], 1],
    ['Job with TTL past retention', [workload('Job', PERSONAL, {}, { ttlSecondsAfterFinished: 30 * 86400 + 1 })], 1],
    ['CronJob with TTL', [workload('CronJob', PERSONAL, {}, { ttlSecondsAfterFinished: 86400 })], 0],
    ['CronJob without TTL', [workload('CronJob', PERSONAL)], 1],
    ['no personal data, no retention', [workload('Job', { 'privacy.agent-baseline.dev/categories': 'telemetry' })], 0],
  ];
  test.each(cases)('%s', (_n, objects, n) => {
    expect(findings(objects, 'GDPR-Retention')).toHaveLength(n);
  });

  test('messages name the retention and the TTL', () => {
    expect(findings([workload('Job', PERSONAL, {}, { ttlSecondsAfterFinished: 9999999 })], 'GDPR-Retention')).toEqual([
      'error: finished runs are kept 9999999 s, longer than the 30-day retention (2592000 s)',
    ]);
    expect(
      findings([workload('Deployment', { 'privacy.agent-baseline.dev/personal-data': 'true' })], 'GDPR-Retention'),
    ).toEqual([
      'error: agent declares personal data without a retention period (privacy.agent-baseline.dev/retention-days)',
    ]);
  });
});

describe('GDPR-Transfer (Art. 44-49)', () => {
  const agent = workload('Deployment', PERSONAL);
  const cases: Case[] = [
    ['CIDR in the region', [agent, netpol([cidr('203.0.113.0/24')], { '203.0.113.0/24': 'eu' })], 0],
    ['in-cluster peers only', [agent, netpol([{ to: [{ podSelector: { matchLabels: { a: 'b' } } }] }])], 0],
    ['CIDR without a region annotation', [agent, netpol([cidr('203.0.113.0/24')])], 1],
    [
      'CIDR missing from the annotation',
      [agent, netpol([cidr('203.0.113.0/24'), cidr('198.51.100.0/24')], { '203.0.113.0/24': 'eu' })],
      1,
    ],
    ['CIDR in another region', [agent, netpol([cidr('203.0.113.0/24')], { '203.0.113.0/24': 'us' })], 1],
    ['egress rule without destinations (anywhere)', [agent, netpol([{ ports: [{ port: 443 }] }])], 1],
    ['internet 0.0.0.0/0', [agent, netpol([cidr('0.0.0.0/0')])], 1],
    [
      'NodeLocal DNSCache on port 53',
      [
        agent,
        netpol([
          {
            to: [{ ipBlock: { cidr: '169.254.20.10/32' } }],
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
        ]),
      ],
      0,
    ],
    [
      'NodeLocal DNS address on another port',
      [agent, netpol([{ to: [{ ipBlock: { cidr: '169.254.20.10/32' } }], ports: [{ port: 443 }] }])],
      1,
    ],
    [
      'an outside resolver on port 53',
      [agent, netpol([{ to: [{ ipBlock: { cidr: '8.8.8.8/32' } }], ports: [{ port: 53, protocol: 'UDP' }] }])],
      1,
    ],
    [
      'malformed annotation counts as undeclared',
      [
        agent,
        {
          ...netpol([cidr('203.0.113.0/24')]),
          metadata: { name: 'bot', namespace: NS, annotations: { 'privacy.agent-baseline.dev/egress-regions': '{eu' } },
        },
      ],
      1,
    ],
    [
      'a second policy beside the construct’s',
      [
        agent,
        netpol([cidr('203.0.113.0/24')], { '203.0.113.0/24': 'eu' }),
        { ...netpol([cidr('192.0.2.0/24')]), metadata: { name: 'extra', namespace: NS } },
      ],
      1,
    ],
    [
      'FQDN in the region',
      [agent, cilium([{ toFQDNs: [{ matchName: 'api.example.eu' }] }], { 'api.example.eu': 'eu' })],
      0,
    ],
    ['FQDN without a region', [agent, cilium([{ toFQDNs: [{ matchName: 'api.example.com' }] }])], 1],
    [
      'FQDN pattern in another region',
      [agent, cilium([{ toFQDNs: [{ matchPattern: '*.example.com' }] }], { '*.example.com': 'us' })],
      1,
    ],
    ['Cilium world entity', [agent, cilium([{ toEntities: ['world'] }])], 1],
    ['Cilium toCIDR without region', [agent, cilium([{ toCIDR: ['192.0.2.0/24'] }])], 1],
    [
      'agent without personal data',
      [workload('Deployment', { 'privacy.agent-baseline.dev/categories': 'none' }), netpol([cidr('203.0.113.0/24')])],
      0,
    ],
    [
      'policy selecting other pods',
      [
        agent,
        {
          ...netpol([cidr('203.0.113.0/24')]),
          spec: {
            podSelector: { matchLabels: { app: 'other' } },
            policyTypes: ['Egress'],
            egress: [cidr('203.0.113.0/24')],
          },
        },
      ],
      0,
    ],
  ];
  test.each(cases)('%s', (_n, objects, n) => {
    expect(findings(objects, 'GDPR-Transfer')).toHaveLength(n);
  });

  test('messages name the policy, the endpoint and the region', () => {
    expect(findings([agent, netpol([cidr('203.0.113.0/24')], { '203.0.113.0/24': 'us' })], 'GDPR-Transfer')).toEqual([
      "error: NetworkPolicy/bot lets the agent send personal data to 203.0.113.0/24 in 'us', outside its regions (eu)",
    ]);
    expect(findings([agent, cilium([{ toFQDNs: [{ matchName: 'api.example.com' }] }])], 'GDPR-Transfer')).toEqual([
      'error: CiliumNetworkPolicy/bot-fqdn lets the agent send personal data to api.example.com, whose region is undeclared',
    ]);
  });
});

describe('GDPR-SpecialCategorySandbox and GDPR-SpecialCategoryEdgeAuth (Art. 9, 32)', () => {
  const sandboxCases: Case[] = [
    ['gVisor', [workload('Deployment', SPECIAL, { runtimeClassName: 'gvisor' })], 0],
    ['Kata', [workload('Deployment', SPECIAL, { runtimeClassName: 'kata' })], 0],
    [
      'RuntimeClass whose handler is runsc',
      [
        workload('Deployment', SPECIAL, { runtimeClassName: 'secure' }),
        { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'secure' }, handler: 'runsc' },
      ],
      0,
    ],
    ['no runtimeClassName', [workload('Deployment', SPECIAL)], 1],
    ['a non-sandbox RuntimeClass', [workload('Deployment', SPECIAL, { runtimeClassName: 'runc' })], 1],
    [
      'special only by category',
      [workload('Deployment', { 'privacy.agent-baseline.dev/categories': 'special-category' })],
      1,
    ],
    ['personal, not special', [workload('Deployment', PERSONAL)], 0],
  ];
  test.each(sandboxCases)('sandbox: %s', (_n, objects, n) => {
    expect(findings(objects, 'GDPR-SpecialCategorySandbox')).toHaveLength(n);
  });

  const lb = (selector: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'bot', namespace: NS },
    spec: { type: 'LoadBalancer', selector, ports: [{ port: 80 }] },
  });
  const nsIngress = (): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'in', namespace: NS },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'bot' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }],
    },
  });
  const edgeCases: Case[] = [
    ['not exposed', [workload('Deployment', SPECIAL, { runtimeClassName: 'gvisor' })], 0],
    ['LoadBalancer Service', [workload('Deployment', SPECIAL), lb({ 'app.kubernetes.io/name': 'bot' })], 1],
    [
      'ingress from a whole namespace (a warning for AGT-EdgeAuth, an error here)',
      [workload('Deployment', SPECIAL), nsIngress()],
      1,
    ],
    ['personal, not special, exposed', [workload('Deployment', PERSONAL), lb({ 'app.kubernetes.io/name': 'bot' })], 0],
  ];
  test.each(edgeCases)('edge auth: %s', (_n, objects, n) => {
    const f = findings(objects, 'GDPR-SpecialCategoryEdgeAuth');
    expect(f).toHaveLength(n);
    f.forEach((x) =>
      expect(x).toMatch(
        /^error: agent agents\/bot is reachable from outside its namespace through .* without edge authentication$/,
      ),
    );
  });
});

describe('GDPR-VaultSecrets (Art. 32)', () => {
  const vso = (destination: string): KubeObject => ({
    apiVersion: 'secrets.hashicorp.com/v1beta1',
    kind: 'VaultDynamicSecret',
    metadata: { name: 'db', namespace: NS },
    spec: { destination: { name: destination, create: true } },
  });
  const withSecretVolume = workload('Deployment', PERSONAL, {
    volumes: [{ name: 's', secret: { secretName: 'db-creds' } }],
  });
  const cases: Case[] = [
    ['no Secrets at all', [workload('Deployment', PERSONAL)], 0],
    ['Secret volume written by the Vault Secrets Operator', [withSecretVolume, vso('db-creds')], 0],
    ['hand-made Secret volume', [withSecretVolume], 1],
    ['VSO writes a different Secret', [withSecretVolume, vso('other')], 1],
    ['VSO object of another API group', [withSecretVolume, { ...vso('db-creds'), apiVersion: 'example.com/v1' }], 1],
    [
      'projected Secret',
      [
        workload('Deployment', PERSONAL, {
          volumes: [{ name: 'p', projected: { sources: [{ secret: { name: 'x' } }] } }],
        }),
      ],
      1,
    ],
    [
      'env secretKeyRef',
      [
        workload('Deployment', PERSONAL, {
          containers: [
            { name: 'agent', image: 'x', env: [{ name: 'K', valueFrom: { secretKeyRef: { name: 'k', key: 'v' } } }] },
          ],
        }),
      ],
      1,
    ],
    [
      'envFrom secretRef in an init container',
      [
        workload('Deployment', PERSONAL, {
          initContainers: [{ name: 'init', image: 'x', envFrom: [{ secretRef: { name: 'k' } }] }],
        }),
      ],
      1,
    ],
    [
      'no personal data',
      [
        workload(
          'Deployment',
          { 'privacy.agent-baseline.dev/categories': 'none' },
          { volumes: [{ name: 's', secret: { secretName: 'x' } }] },
        ),
      ],
      0,
    ],
  ];
  test.each(cases)('%s', (_n, objects, n) => {
    expect(findings(objects, 'GDPR-VaultSecrets')).toHaveLength(n);
  });
  test('message names the Secret', () => {
    expect(findings([withSecretVolume], 'GDPR-VaultSecrets')).toEqual([
      'error: agent with personal data reads Secret db-creds, which Vault does not deliver',
    ]);
  });
});

describe('GDPR-AuditCoverage (Art. 30, 32)', () => {
  const policy = (rules: Json[]): KubeObject =>
    ({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', metadata: { name: 'audit' }, rules }) as KubeObject;
  const agent = workload('Deployment', PERSONAL, { serviceAccountName: 'bot' });
  const cases: Case[] = [
    ['catch-all Metadata', [agent, policy([{ level: 'Metadata' }])], 0],
    [
      'namespace rule at Metadata before a None catch-all',
      [agent, policy([{ level: 'Metadata', namespaces: [NS] }, { level: 'None' }])],
      0,
    ],
    ['no rule matches', [agent, policy([{ level: 'Metadata', namespaces: ['other'] }])], 2],
    ['None for the namespace first', [agent, policy([{ level: 'None', namespaces: [NS] }, { level: 'Metadata' }])], 2],
    [
      'None for every authenticated user',
      [agent, policy([{ level: 'None', userGroups: ['system:authenticated'] }, { level: 'Metadata' }])],
      2,
    ],
    [
      'None for the agent only',
      [agent, policy([{ level: 'None', users: ['system:serviceaccount:agents:bot'] }, { level: 'Metadata' }])],
      1,
    ],
    [
      'None on pods only',
      [agent, policy([{ level: 'None', resources: [{ group: '', resources: ['pods'] }] }, { level: 'Metadata' }])],
      1,
    ],
    [
      'a nonResourceURLs None rule does not drop resource requests',
      [agent, policy([{ level: 'None', nonResourceURLs: ['/*'] }, { level: 'Metadata' }])],
      0,
    ],
    [
      'no personal-data agents',
      [workload('Deployment', { 'privacy.agent-baseline.dev/categories': 'none' }), policy([{ level: 'None' }])],
      0,
    ],
  ];
  test.each(cases)('%s', (_n, objects, n) => {
    expect(findings(objects, 'GDPR-AuditCoverage')).toHaveLength(n);
  });
  test('message names the user, namespace and level', () => {
    expect(
      findings(
        [agent, policy([{ level: 'None', users: ['system:serviceaccount:agents:bot'] }, { level: 'Metadata' }])],
        'GDPR-AuditCoverage',
      ),
    ).toEqual([
      'error: requests of system:serviceaccount:agents:bot in namespace agents (personal data, Deployment/bot) are logged at None',
    ]);
  });
});

describe('declarationOf reads either label set and never lets one hide personal data', () => {
  test.each([
    [
      { 'privacy.agent-baseline.dev/personal-data': 'false', 'privacy.agent-baseline.dev/categories': 'personal' },
      {},
      true,
    ],
    [
      { 'privacy.agent-baseline.dev/categories': 'none' },
      { 'privacy.agent-baseline.dev/categories': 'special-category' },
      true,
    ],
    [{ 'privacy.agent-baseline.dev/categories': 'telemetry' }, {}, false],
  ])('%j + %j → personal %s', (objectLabels, podLabels, personal) => {
    expect(declarationOf(objectLabels, podLabels).personal).toBe(personal);
  });
});
