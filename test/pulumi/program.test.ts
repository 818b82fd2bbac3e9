// The Pulumi SDK reads PULUMI_CONFIG when its config store is first used, so it is set before anything runs.
process.env.PULUMI_CONFIG = JSON.stringify({
  'agent-baseline:namespace': 'team-a',
  'agent-baseline:kubernetesVersion': '1.30',
  'agent-baseline:vaultAddress': 'https://vault.example:8200',
  'agent-baseline:vaultOwnSetup': 'true',
  'agent-baseline:vaultKubernetesHost': 'https://kubernetes.default.svc',
  'agent-baseline:vaultKubernetesCaCert': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
});
process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(['agent-baseline:vaultKubernetesCaCert']);

import { App } from 'cdk8s';
import { classifyObjects, synthesizeObjects } from '../../lib/pulumi';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { buildDefaultPlatform } from '../../stacks/platform';
import { Registered, recordRegistrations } from './mocks';

describe('the program named by Pulumi.yaml main', () => {
  let registered: Registered[];
  let exported: { kubernetesObjects: string[] };

  beforeAll(async () => {
    registered = await recordRegistrations('agent-baseline', 'dev');
    exported = require('../../stacks/pulumi');
    // Registrations are asynchronous; wait until the engine has seen every planned resource.
    const expectedCount = () => exported.kubernetesObjects.length;
    for (
      let i = 0;
      i < 500 &&
      (registered.filter((r) => r.type.startsWith('kubernetes:')).length < expectedCount() ||
        registered.filter((r) => r.type === 'vault:index/audit:Audit').length < 2);
      i++
    ) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  test('registers the whole default platform built from the PULUMI_CONFIG stack config', () => {
    const app = new App();
    const config = {
      ...DEFAULT_PLATFORM_CONFIG,
      namespace: 'team-a',
      cluster: {
        ...DEFAULT_PLATFORM_CONFIG.cluster,
        kubernetesVersion: '1.30',
        vault: { ...DEFAULT_PLATFORM_CONFIG.cluster.vault, address: 'https://vault.example:8200' },
      },
    };
    buildDefaultPlatform(app, config);
    const expected = classifyObjects('x', synthesizeObjects(app));
    const k8sResources = registered.filter((r) => r.type.startsWith('kubernetes:'));
    expect(k8sResources.map((r) => r.name).sort()).toEqual(expected.map((o) => `agent-baseline/${o.key}`).sort());
    for (const o of expected)
      expect(k8sResources.find((r) => r.name === `agent-baseline/${o.key}`)?.inputs).toEqual(o.object);
    expect(exported.kubernetesObjects).toContain('Namespace/team-a');
    const ns = k8sResources.find((r) => r.name === 'agent-baseline/Namespace/team-a');
    expect(
      (ns?.inputs.metadata as { labels: Record<string, string> }).labels['pod-security.kubernetes.io/enforce-version'],
    ).toBe('v1.30');
  });

  test('registers the Vault side: a policy and auth role per agent with secrets, and the owned setup', () => {
    const count = (type: string) => registered.filter((r) => r.type === type).length;
    expect(count('vault:index/policy:Policy')).toBeGreaterThan(0);
    expect(count('vault:kubernetes/authBackendRole:AuthBackendRole')).toBe(count('vault:index/policy:Policy'));
    expect(count('vault:index/authBackend:AuthBackend')).toBe(1);
    expect(count('vault:index/audit:Audit')).toBe(2);
    const config = registered.find((r) => r.type === 'vault:kubernetes/authBackendConfig:AuthBackendConfig');
    expect(config?.inputs.kubernetesHost).toBe('https://kubernetes.default.svc');
    for (const r of registered.filter((x) => x.type === 'vault:kubernetes/authBackendRole:AuthBackendRole')) {
      expect(r.inputs.boundServiceAccountNamespaces).toEqual(['team-a']);
    }
  });

  test('exports the Vault policy names once every resource exists', async () => {
    const names = await new Promise<string[]>((resolve) =>
      (exported as unknown as { vaultPolicies: { apply: (f: (v: string[]) => void) => void } }).vaultPolicies.apply(
        resolve,
      ),
    );
    const policies = registered.filter((r) => r.type === 'vault:index/policy:Policy').map((r) => r.inputs.name);
    expect(names.length).toBeGreaterThan(0);
    expect([...names].sort()).toEqual([...policies].sort());
  });

  test('the CA certificate from a config secret stays a secret output', async () => {
    const { Config } = await import('@pulumi/pulumi');
    const secret = new Config().getSecret('vaultKubernetesCaCert');
    expect(secret).toBeDefined();
    expect(await (secret as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
  });

  test('registers the platform component at the root of the stack', () => {
    expect(registered.find((r) => r.type === 'agent-baseline:index:Platform')?.name).toBe('agent-baseline');
  });
});
