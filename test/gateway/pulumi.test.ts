/** The Pulumi path registers the gateway's objects as custom resources, with the cdk8s inputs. */
import { App } from 'cdk8s';
import { PulumiPlatform } from '../../lib/pulumi';
import { buildDefaultPlatform } from '../../stacks/platform';
import { Registered, recordRegistrations, settled } from '../pulumi/mocks';

describe('the gateway on the Pulumi path', () => {
  let registered: Registered[];
  let component: PulumiPlatform;

  beforeAll(async () => {
    registered = await recordRegistrations();
    const app = new App();
    buildDefaultPlatform(app);
    component = new PulumiPlatform('agents', { app });
    await settled([component, ...component.resources.values()]);
  });

  test.each([
    ['gateway/Gateway/agents-edge', 'kubernetes:gateway.networking.k8s.io/v1:Gateway'],
    ['gateway/HTTPRoute/agents-edge-https-redirect', 'kubernetes:gateway.networking.k8s.io/v1:HTTPRoute'],
    ['gateway/Certificate/agents-edge-tls', 'kubernetes:cert-manager.io/v1:Certificate'],
    ['agents/HTTPRoute/assistant', 'kubernetes:gateway.networking.k8s.io/v1:HTTPRoute'],
    ['agents/SecurityPolicy/assistant-edge-auth', 'kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy'],
    ['agents/BackendTrafficPolicy/assistant-limits', 'kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy'],
    ['agents/VaultStaticSecret/assistant-oidc-client', 'kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret'],
  ])('%s is a custom resource (%s)', (key, type) => {
    const plan = component.plan.find((p) => p.key === key);
    expect(plan?.builtIn).toBe(false);
    const resource = registered.filter((r) => r.name === `agents/${key}`);
    expect(resource.map((r) => r.type)).toEqual([type]);
    expect(resource[0].inputs).toEqual(plan?.object);
  });

  test('the client secret is read through its own VaultAuth and VaultConnection', () => {
    const vss = component.plan.find((p) => p.key === 'agents/VaultStaticSecret/assistant-oidc-client');
    expect(vss?.dependsOn).toEqual(expect.arrayContaining(['agents/VaultAuth/assistant-oidc-client']));
    const auth = component.plan.find((p) => p.key === 'agents/VaultAuth/assistant-oidc-client');
    expect(auth?.dependsOn).toEqual(
      expect.arrayContaining([
        'agents/VaultConnection/assistant-oidc-client',
        'agents/ServiceAccount/assistant-oidc-client',
      ]),
    );
  });
});
