import { App } from 'cdk8s';
import { AgentNamespace } from '../../lib/namespace';
import { Peer } from '../../lib/network';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';

export function build(app: App): App {
  // In-cluster peers (other agents, Vault, the API server) are in the cluster's region.
  const platform = new AgentPlatform(app, 'platform', { clusterRegion: 'eu' });
  const ns = new AgentNamespace(platform, 'support');
  const agent = new HardenedAgent(ns, 'support-bot', {
    image: 'ghcr.io/acme/support-bot:2.1.0@sha256:' + 'a'.repeat(64),
    ports: [{ name: 'http', port: 8080 }],
    data: {
      categories: ['personal'],
      purposes: ['answer customer support requests'],
      lawfulBasis: 'contract',
      retentionDays: 90,
      regions: ['eu'],
    },
  });
  // Every egress endpoint of a personal-data agent names its region; 'us' here would fail synth.
  agent.allowEgressTo(Peer.cidr('203.0.113.0/24', undefined, 'eu'), 443);
  return app;
}
