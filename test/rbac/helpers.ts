import { App, Testing } from 'cdk8s';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform, AgentPlatformProps } from '../../lib/platform';
import { HardenedAgent, HardenedAgentProps } from '../../lib/workload';

export const IMAGE = 'ghcr.io/acme/bot:1.0.0@sha256:4f6c1d0b8e3a2f9c7d5e1b0a3c8f6e2d9b7a5c3e1f0d8b6a4c2e0f9d7b5a3c1e';

export const API_SERVER_ENDPOINTS = { cidrs: ['192.0.2.10/32'], port: 443 };

export interface Fixture {
  readonly app: App;
  readonly platform: AgentPlatform;
  readonly ns: AgentNamespace;
}

export function fixture(settings: AgentPlatformProps = {}): Fixture {
  const app = Testing.app();
  const platform = new AgentPlatform(app, 'platform', { apiServerEndpoints: API_SERVER_ENDPOINTS, ...settings });
  const ns = new AgentNamespace(platform, 'agents');
  return { app, platform, ns };
}

export function bot(ns: AgentNamespace, props: Partial<HardenedAgentProps> = {}, id = 'bot'): HardenedAgent {
  return new HardenedAgent(ns, id, { image: IMAGE, ports: [{ name: 'http', port: 8080 }], ...props });
}
