/**
 * A user's own app, as the consumer test installs it: two agents of its own, not the default
 * platform. It replaces the main.ts that `agent-baseline init` wrote.
 */
import { writeAuditPolicy } from 'agent-baseline/audit';
import { AgentNamespace } from 'agent-baseline/namespace';
import { Peer } from 'agent-baseline/network';
import { AgentApp, AgentPlatform } from 'agent-baseline/platform';
import { writeVaultArtifacts } from 'agent-baseline/vault';
import { HardenedAgent } from 'agent-baseline/workload';

export function buildApp(outdir?: string): AgentApp {
  const app = new AgentApp(outdir === undefined ? {} : { outdir });
  const platform = new AgentPlatform(app, 'platform', { kubernetesVersion: '1.30' });
  const research = new AgentNamespace(platform, 'research');

  const planner = new HardenedAgent(research, 'planner', {
    image:
      'registry.example.com/research/planner:2.0.0@sha256:1111111111111111111111111111111111111111111111111111111111111111',
    ports: [{ name: 'http', port: 8080 }],
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } },
  });
  const searcher = new HardenedAgent(research, 'searcher', {
    image:
      'registry.example.com/research/searcher:1.3.0@sha256:2222222222222222222222222222222222222222222222222222222222222222',
    ports: [{ name: 'http', port: 9090 }],
    config: { SEARCH_BACKEND: 'internal' },
  });
  planner.allowEgressTo(Peer.cidr('198.51.100.0/24'), 443);
  planner.allowEgressTo(searcher, 'http');
  searcher.allowIngressFrom(planner, 'http');
  planner.addVaultSecrets({
    mode: 'injector',
    items: [{ name: 'llm', mount: 'kv', path: 'research/planner/llm', keys: ['api_key'], fileName: 'llm-api-key' }],
  });
  return app;
}

if (require.main === module) {
  const app = buildApp();
  app.synth();
  writeAuditPolicy(app, app.outdir);
  writeVaultArtifacts(app, app.outdir);
}
