import { Testing } from 'cdk8s';
import { ImagePolicy } from '../../lib/image-policy';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform, AgentPlatformProps } from '../../lib/platform';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { KV_SECRET, agentWith } from './helpers';

function injectorPlatform(props: AgentPlatformProps, withPolicy: boolean) {
  const app = Testing.app();
  const platform = new AgentPlatform(app, 'p', { vaultDeliveryModes: ['injector'], ...props });
  const namespace = new AgentNamespace(platform, 'team');
  if (withPolicy && DEFAULT_PLATFORM_CONFIG.imagePolicy)
    new ImagePolicy(platform, 'ImagePolicy', DEFAULT_PLATFORM_CONFIG.imagePolicy);
  agentWith(namespace, { mode: 'injector', items: [KV_SECRET] });
  return app;
}

describe('the injected Vault Agent image meets the image policy', () => {
  test('without vault.agentImage, an image policy would refuse the injected container, so synth fails', () => {
    const app = injectorPlatform({}, true);
    expect(() => app.synthYaml()).toThrow(
      /\[p\/team\/bot\] image "docker\.io\/hashicorp\/vault" would be refused at admission by p\/ImagePolicy .*set the platform setting vault\.agentImage to a pinned image the policy allows/,
    );
  });

  test('a pinned mirror inside the allowlist passes and is annotated on the pod', () => {
    const app = injectorPlatform({ vault: DEFAULT_PLATFORM_CONFIG.cluster.vault }, true);
    expect(app.synthYaml()).toContain(
      `vault.hashicorp.com/agent-image: ${DEFAULT_PLATFORM_CONFIG.cluster.vault?.agentImage}`,
    );
  });

  test('without an image policy, the injector default is not judged at synth', () => {
    expect(() => injectorPlatform({}, false).synthYaml()).not.toThrow();
  });

  test('an unpinned vault.agentImage is refused by the platform', () => {
    expect(
      () => new AgentPlatform(Testing.app(), 'p', { vault: { agentImage: 'ghcr.io/acme-ai/mirror/vault:1.18.1' } }),
    ).toThrow(
      /\[p\] vault\.agentImage: invalid value "ghcr\.io\/acme-ai\/mirror\/vault:1\.18\.1" \(injected containers run with the agent's Vault token\)\. Allowed: an image pinned by digest/,
    );
  });
});
