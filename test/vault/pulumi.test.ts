import * as pulumi from '@pulumi/pulumi';
import { VaultAgentPlan, vaultPlans } from '../../lib/vault';
import { createVaultResources } from '../../lib/vault/pulumi';
import { synthDefaultPlatform } from '../helpers/synth';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registered: Registered[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    'agent-baseline',
    'test',
    false,
  );
});

function output<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

const plans = (): VaultAgentPlan[] => vaultPlans(synthDefaultPlatform().app);

describe('createVaultResources', () => {
  test('creates a policy and an agent-bound Kubernetes auth role per plan', async () => {
    registered.length = 0;
    const defaultPlans = plans();
    const resources = createVaultResources(defaultPlans);
    await Promise.all(resources.roles.map((r) => output(r.roleName)));
    expect(await output(resources.policies[0].policy)).toBe(defaultPlans[0].policyHcl);
    // Registration is asynchronous: compare in name order.
    const byType = (type: string) =>
      registered.filter((r) => r.type === type).sort((a, b) => a.name.localeCompare(b.name));
    expect(byType('vault:index/policy:Policy').map((r) => [r.name, r.inputs.name])).toEqual([
      ['vault-policy-agents_assistant', 'agents_assistant'],
      ['vault-policy-agents_tool-runner', 'agents_tool-runner'],
    ]);
    expect(byType('vault:kubernetes/authBackendRole:AuthBackendRole').map((r) => r.inputs)).toEqual([
      {
        backend: 'kubernetes',
        roleName: 'agents_assistant',
        boundServiceAccountNames: ['assistant'],
        boundServiceAccountNamespaces: ['agents'],
        audience: 'vault',
        tokenTtl: 1800,
        tokenMaxTtl: 3600,
        tokenPolicies: ['agents_assistant'],
      },
      {
        backend: 'kubernetes',
        roleName: 'agents_tool-runner',
        boundServiceAccountNames: ['tool-runner'],
        boundServiceAccountNamespaces: ['agents'],
        audience: 'vault',
        tokenTtl: 1800,
        tokenMaxTtl: 3600,
        tokenPolicies: ['agents_tool-runner'],
      },
    ]);
    expect(registered.filter((r) => !r.type.includes('Policy') && !r.type.includes('AuthBackendRole'))).toEqual([]);
  });

  test('with ownSetup also creates the auth backend and config, KV v2 mount, database role and two audit devices', async () => {
    registered.length = 0;
    const resources = createVaultResources(plans(), {
      namePrefix: 'v',
      ownSetup: { kubernetesHost: 'https://kubernetes.default.svc' },
    });
    await Promise.all([...resources.roles, ...resources.audits].map((r) => output(r.urn)));
    const inputsOf = (type: string) =>
      registered
        .filter((r) => r.type === type)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((r) => r.inputs);
    expect(inputsOf('vault:index/authBackend:AuthBackend')).toEqual([
      { type: 'kubernetes', path: 'kubernetes', tune: { defaultLeaseTtl: '3600s', maxLeaseTtl: '3600s' } },
    ]);
    expect(inputsOf('vault:kubernetes/authBackendConfig:AuthBackendConfig')).toEqual([
      { backend: 'kubernetes', kubernetesHost: 'https://kubernetes.default.svc' },
    ]);
    expect(inputsOf('vault:index/mount:Mount')).toEqual([{ path: 'kv', type: 'kv', options: { version: '2' } }]);
    expect(inputsOf('vault:database/secretBackendRole:SecretBackendRole')).toEqual([
      {
        backend: 'database',
        name: 'tool-runner',
        dbName: 'tools',
        creationStatements: [
          `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
          'GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA tools TO "{{name}}";',
        ],
        defaultTtl: 3600,
        maxTtl: 86400,
      },
    ]);
    // Two devices: Vault stops serving when its only audit device blocks.
    expect(inputsOf('vault:index/audit:Audit')).toEqual([
      { type: 'file', path: 'file', options: { file_path: '/vault/audit/audit.log', mode: '0600' } },
      { type: 'file', path: 'stdout', options: { file_path: 'stdout' } },
    ]);
  });

  test('refuses a hand-built plan bound to a wildcard ServiceAccount', () => {
    const [plan] = plans();
    const wildcard = { ...plan, role: { ...plan.role, boundServiceAccountNames: ['*'] } };
    expect(() => createVaultResources([wildcard])).toThrow(
      '[agents/assistant] role.boundServiceAccountNames: invalid value ["*"] (a wildcard binding lets any pod in the cluster log in as this agent and read its secrets)',
    );
  });
});
