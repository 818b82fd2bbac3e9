import { Testing } from 'cdk8s';
import { AgentNamespace, effectivePodAmounts, quotaShortfalls } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';

const IMAGE = `ghcr.io/acme-ai/agent:1.0.0@sha256:${'d'.repeat(64)}`;

function namespaceWith(quota: Record<string, string>) {
  const app = Testing.app();
  const ns = new AgentNamespace(new AgentPlatform(app, 'platform'), 'agents', { quota });
  return { app, ns };
}

describe('the namespace quota holds every agent at its rolling-update peak', () => {
  test('effective pod amounts: the larger of the biggest init container and the running sum', () => {
    expect(effectivePodAmounts([{ cpu: '250m' }, { cpu: '50m' }], [{ cpu: '1' }])).toEqual({ cpu: 1 });
    expect(
      effectivePodAmounts(
        [
          { cpu: '250m', memory: '1Gi' },
          { cpu: '50m', memory: '64Mi' },
        ],
        [{ cpu: '100m' }],
      ),
    ).toEqual({
      cpu: 0.3,
      memory: 2 ** 30 + 64 * 2 ** 20,
    });
  });

  test('replicas plus the surge pod are counted against requests, limits and pods', () => {
    expect(
      quotaShortfalls({ 'requests.cpu': '1', pods: '3' }, [
        { owner: 'bot', maxPods: 4, requests: { cpu: 0.25 }, limits: {} },
      ]),
    ).toEqual(["quota.pods: the agents need up to 4 pods during rolling updates, more than the quota's 3"]);
    expect(
      quotaShortfalls({ 'requests.cpu': '1' }, [{ owner: 'bot', maxPods: 5, requests: { cpu: 0.25 }, limits: {} }]),
    ).toEqual([
      "quota.requests.cpu: the agents need up to 1.25 during rolling updates (bot: 5 × 250m), more than the quota's 1",
    ]);
  });

  test('a quota too small for the agents fails synth with the namespace path and the numbers', () => {
    const { app, ns } = namespaceWith({ 'limits.memory': '2Gi' });
    new HardenedAgent(ns, 'bot', {
      image: IMAGE,
      ports: [{ name: 'http', port: 8080 }],
      replicas: 3,
      resources: { memory: { request: '256Mi', limit: '1Gi' } },
    });
    expect(() => app.synthYaml()).toThrow(
      /\[platform\/agents\] quota\.limits\.memory: the agents need up to 4096Mi during rolling updates \(bot: 4 × 1024Mi\), more than the quota's 2Gi/,
    );
  });

  test('the injected Vault Agent counts too', () => {
    const app = Testing.app();
    const ns = new AgentNamespace(new AgentPlatform(app, 'platform', { vaultDeliveryModes: ['injector'] }), 'agents', {
      quota: { 'requests.cpu': '750m' },
    });
    const bot = new HardenedAgent(ns, 'bot', {
      image: IMAGE,
      ports: [{ name: 'http', port: 8080 }],
      replicas: 2,
      resources: { cpu: { request: '250m' } },
    });
    expect(() => app.synthYaml()).not.toThrow();
    bot.addVaultSecrets({
      mode: 'injector',
      items: [{ name: 'key', mount: 'kv', path: 'agents/bot/key', keys: ['value'], fileName: 'key' }],
    });
    expect(() => app.synthYaml()).toThrow(
      /quota\.requests\.cpu: the agents need up to 900m during rolling updates \(bot: 3 × 300m\)/,
    );
  });
});
