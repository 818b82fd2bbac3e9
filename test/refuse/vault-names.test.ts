import { Testing } from 'cdk8s';
import * as pulumi from '@pulumi/pulumi';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { VaultAgentPlan, renderPolicyHcl, vaultArtifactNames, vaultPlans } from '../../lib/vault';
import { createVaultResources } from '../../lib/vault/pulumi';
import { HardenedAgent } from '../../lib/workload';
import { KV_SECRET } from '../vault/helpers';
import { refusal } from '../helpers/refusal';

const IMAGE = `ghcr.io/acme-ai/bot:1.0.0@sha256:${'a'.repeat(64)}`;

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
    'agent-baseline',
    'test',
    false,
  );
});

function platform(): AgentPlatform {
  return new AgentPlatform(Testing.app(), 'p', { vaultDeliveryModes: ['injector', 'operator', 'csi'] });
}
function agent(ns: AgentNamespace, name: string, role?: string): HardenedAgent {
  return new HardenedAgent(ns, name, {
    image: IMAGE,
    ports: [{ name: 'http', port: 8080 }],
    secrets: { items: [{ ...KV_SECRET, path: `agents/${name}/x` }], ...(role ? { role: { name: role } } : {}) },
  });
}

describe('Vault names are collision-free by construction', () => {
  const pairs: Array<[string, string, string, string]> = [
    ['a', 'b-c', 'a-b', 'c'],
    ['team', 'x-bot', 'team-x', 'bot'],
    ['a-b-c', 'd', 'a', 'b-c-d'],
    ['agents', 'tool-runner', 'agents-tool', 'runner'],
  ];
  it.each(pairs)('%s + %s and %s + %s get distinct policies, roles and files', (ns1, a1, ns2, a2) => {
    const p = platform();
    agent(new AgentNamespace(p, ns1), a1);
    agent(new AgentNamespace(p, ns2), a2);
    const plans = vaultPlans(p.node.root);
    expect(plans).toHaveLength(2);
    const [x, y] = plans;
    expect(x.policyName).not.toBe(y.policyName);
    expect(x.role.roleName).not.toBe(y.role.roleName);
    expect(vaultArtifactNames(x)).not.toEqual(vaultArtifactNames(y));
    expect(plans.map((pl) => pl.policyName).sort()).toEqual([`${ns1}_${a1}`, `${ns2}_${a2}`].sort());
    expect(() => Testing.synth(p)).not.toThrow();
  });

  it.each([
    ['another agent in the same namespace', 'team_other'],
    ['an agent in another namespace', 'ops_bot'],
    ['a name shaped like a default even if unused', 'x_y'],
  ])('a secrets.role.name that is %s default is refused', (_, name) => {
    const p = platform();
    const ns = new AgentNamespace(p, 'team');
    expect(refusal(() => agent(ns, 'bot', name))).toBe(
      `[p/team/bot] secrets.role.name: invalid value "${name}" (names of that form are the default role names of other agents). Allowed: this agent's own default 'team_bot', or a name not of the form <namespace>_<agent>`,
    );
  });

  it('two agents with the same custom role name: the second is refused, naming the first', () => {
    const p = platform();
    const ns = new AgentNamespace(p, 'team');
    agent(ns, 'one', 'shared-role');
    expect(refusal(() => agent(ns, 'two', 'shared-role'))).toBe(
      '[p/team/two] secrets.role.name: invalid value "shared-role" (two agents with one Vault name overwrite each other in Vault and in dist/vault). Allowed: a Vault role name no other agent uses (p/team/one has it)',
    );
  });

  it("an agent's own default spelled out is accepted", () => {
    const p = platform();
    expect(() => agent(new AgentNamespace(p, 'team'), 'bot', 'team_bot')).not.toThrow();
  });

  it('two platforms in one App with the same namespace and agent names are refused', () => {
    const app = Testing.app();
    const p1 = new AgentPlatform(app, 'p1');
    const p2 = new AgentPlatform(app, 'p2');
    agent(new AgentNamespace(p1, 'team'), 'bot');
    expect(refusal(() => agent(new AgentNamespace(p2, 'team'), 'bot'))).toContain(
      'Allowed: a Vault role name no other agent uses (p1/team/bot has it)',
    );
  });
});

describe('createVaultResources re-validates a hand-built plan like the constructs', () => {
  function plan(): VaultAgentPlan {
    const p = platform();
    agent(new AgentNamespace(p, 'team'), 'bot');
    return vaultPlans(p.node.root)[0];
  }
  const withRules = (rules: VaultAgentPlan['rules']): Partial<VaultAgentPlan> => ({
    rules,
    policyHcl: renderPolicyHcl('Vault policy of agent team/bot', rules),
  });

  const cases: Array<[string, (p: VaultAgentPlan) => Partial<VaultAgentPlan>, string]> = [
    ['policy name default', () => ({ policyName: 'default' }), 'policyName: invalid value "default"'],
    ['policy name root', () => ({ policyName: 'root' }), 'policyName: invalid value "root"'],
    ['policy name Root (case)', () => ({ policyName: 'Root' }), 'policyName: invalid value "Root"'],
    [
      'a token policy other than its own',
      (p) => ({ role: { ...p.role, tokenPolicies: [p.policyName, 'admin'] } }),
      'role.tokenPolicies: invalid value ["team_bot","admin"]',
    ],
    [
      'sys/ path',
      () => withRules([{ path: 'sys/policies/acl/x', capabilities: ['read'] }]),
      'rules[0].path: invalid value "sys/policies/acl/x"',
    ],
    [
      '/sys/ path with a leading slash',
      () => withRules([{ path: '/sys/mounts', capabilities: ['read'] }]),
      'rules[0].path: invalid value "/sys/mounts"',
    ],
    [
      'auth/ path',
      () => withRules([{ path: 'auth/token/create', capabilities: ['read'] }]),
      'rules[0].path: invalid value "auth/token/create"',
    ],
    [
      'a glob',
      () => withRules([{ path: 'kv/data/*', capabilities: ['read'] }]),
      'rules[0].path: invalid value "kv/data/*"',
    ],
    [
      'a segment wildcard',
      () => withRules([{ path: 'kv/data/+/x', capabilities: ['read'] }]),
      'rules[0].path: invalid value "kv/data/+/x"',
    ],
    [
      'a .. segment',
      () => withRules([{ path: 'kv/data/../x', capabilities: ['read'] }]),
      'rules[0].path: invalid value "kv/data/../x"',
    ],
    [
      'sudo',
      () => withRules([{ path: 'kv/data/x', capabilities: ['read', 'sudo'] }]),
      'rules[0].capabilities: invalid value ["read","sudo"]',
    ],
    [
      'create',
      () => withRules([{ path: 'kv/data/x', capabilities: ['create'] }]),
      'rules[0].capabilities: invalid value ["create"]',
    ],
    [
      'update',
      () => withRules([{ path: 'kv/data/x', capabilities: ['update'] }]),
      'rules[0].capabilities: invalid value ["update"]',
    ],
    [
      'no capabilities',
      () => withRules([{ path: 'kv/data/x', capabilities: [] }]),
      'rules[0].capabilities: invalid value []',
    ],
    [
      'HCL that differs from the rules',
      (p) => ({ policyHcl: `${p.policyHcl}\npath "sys/*" {\n  capabilities = ["sudo"]\n}\n` }),
      'policyHcl: invalid value',
    ],
    [
      'a wildcard ServiceAccount',
      (p) => ({ role: { ...p.role, boundServiceAccountNames: ['*'] } }),
      'role.boundServiceAccountNames',
    ],
    ['a long TTL', (p) => ({ role: { ...p.role, tokenTtl: 86400, tokenMaxTtl: 86400 } }), 'role.tokenTtl'],
  ];
  it.each(cases)('%s is refused', (_, change, expected) => {
    const p = plan();
    const message = refusal(() => createVaultResources([{ ...p, ...change(p) }]));
    expect(message).toContain('[team/bot] ');
    expect(message).toContain(expected);
  });

  it('read and list on exact paths pass', () => {
    const p = plan();
    expect(() =>
      createVaultResources([{ ...p, ...withRules([{ path: 'kv/data/x', capabilities: ['read', 'list'] }]) }]),
    ).not.toThrow();
  });

  it('two plans with one policy or role name are refused', () => {
    const p = plan();
    const other = { ...p, agent: 'other' };
    expect(
      refusal(() =>
        createVaultResources([
          p,
          { ...other, policyHcl: renderPolicyHcl('Vault policy of agent team/other', p.rules) },
        ]),
      ),
    ).toContain('Allowed: a name no other plan uses');
  });
});
