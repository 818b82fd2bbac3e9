import { App } from 'cdk8s';
import { AgentGateway } from '../../lib/gateway';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';

export function build(app: App = new App()): App {
  const platform = new AgentPlatform(app, 'platform', { vaultDeliveryModes: ['operator'] });
  const research = new AgentNamespace(platform, 'research');
  const researcher = new HardenedAgent(research, 'researcher', {
    image: `ghcr.io/acme-ai/researcher:2.0.1@sha256:${'ab'.repeat(32)}`,
    ports: [{ name: 'http', port: 8080 }],
  });

  const gateway = new AgentGateway(platform, 'edge', { namespace: 'gateway', tls: { secretName: 'edge-tls' } });
  gateway.expose(researcher, {
    hostnames: ['research.example.com'],
    people: {
      issuer: 'https://login.example.com/realms/acme',
      jwksUri: 'https://login.example.com/realms/acme/protocol/openid-connect/certs',
      clientId: 'researcher-web',
      clientSecret: { vault: { path: 'gateway/researcher/oidc' } },
    },
  });
  return app;
}

if (require.main === module) build().synth();
