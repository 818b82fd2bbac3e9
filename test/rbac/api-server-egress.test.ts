import { appObjects } from '../helpers/synth';
import { bot, fixture } from './helpers';

const JOBS = { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch'] };

describe('API grants open egress to the API server endpoints', () => {
  test('the first grant adds egress to every endpoint CIDR on the endpoint port, once', () => {
    const { app, ns } = fixture({ apiServerEndpoints: { cidrs: ['192.0.2.10/32', '192.0.2.11/32'], port: 6443 } });
    const agent = bot(ns);
    agent.grantApiAccess(JOBS);
    agent.grantApiAccess({ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] });
    const policy = appObjects(app).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'bot') as unknown as {
      spec: { egress: Array<{ to: unknown[]; ports: unknown[] }> };
    };
    const apiRules = policy.spec.egress.filter((r) => JSON.stringify(r.to).includes('192.0.2.1'));
    expect(apiRules.flatMap((r) => r.to)).toEqual([
      { ipBlock: { cidr: '192.0.2.10/32' } },
      { ipBlock: { cidr: '192.0.2.11/32' } },
    ]);
    expect(apiRules.flatMap((r) => r.ports)).toEqual(expect.arrayContaining([{ protocol: 'TCP', port: 6443 }]));
  });

  test('a grant without the platform knowing the API server endpoints is refused', () => {
    const { ns } = fixture({ apiServerEndpoints: undefined });
    expect(() => bot(ns).grantApiAccess(JOBS)).toThrow(
      /\[platform\/agents\/bot\] apiGrants: invalid value "platform setting apiServerEndpoints unset" \(without it the default-deny NetworkPolicy blocks the access the grant gives\)\. Allowed: the platform's apiServerEndpoints/,
    );
  });

  test('an endpoint that is not a CIDR is refused by the platform', () => {
    expect(() => fixture({ apiServerEndpoints: { cidrs: ['kubernetes.default'] } })).toThrow(
      /\[platform\] apiServerEndpoints\.cidrs\[0\]: invalid value "kubernetes\.default"\. Allowed: an IPv4 or IPv6 CIDR/,
    );
  });
});
