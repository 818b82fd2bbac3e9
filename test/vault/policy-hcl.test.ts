import { mkdtempSync, readFileSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from '@cdktf/hcl2json';
import { VaultAgentPlan, vaultPlans, writeVaultArtifacts } from '../../lib/vault';
import { synthDefaultPlatform } from '../helpers/synth';
import { DB_SECRET, KV_SECRET, agentWith, fixture } from './helpers';

type Json = Record<string, unknown>;

/** path -> capabilities, from a real HCL parse of the policy text. */
async function parsedRules(plan: VaultAgentPlan): Promise<Record<string, string[]>> {
  const doc = (await parse(`${plan.policyName}.hcl`, plan.policyHcl)) as { path: Record<string, Json[]> };
  const out: Record<string, string[]> = {};
  for (const [path, blocks] of Object.entries(doc.path)) {
    expect(blocks).toHaveLength(1);
    expect(Object.keys(blocks[0])).toEqual(['capabilities']);
    out[path] = blocks[0].capabilities as string[];
  }
  return out;
}

describe('generated Vault policies parse as HCL and grant exactly the declared paths', () => {
  test('default platform', async () => {
    const { app } = synthDefaultPlatform();
    const plans = vaultPlans(app);
    expect(plans.map((p) => `${p.namespace}/${p.agent}`)).toEqual(['agents/assistant', 'agents/tool-runner']);
    expect(await parsedRules(plans[0])).toEqual({ 'kv/data/agents/assistant/openai': ['read'] });
    expect(await parsedRules(plans[1])).toEqual({ 'database/creds/tool-runner': ['read'] });
  });

  test('KV versions add metadata read; static database credentials read static-creds', async () => {
    const { app, namespace } = fixture();
    agentWith(namespace, {
      items: [
        { ...KV_SECRET, versions: true },
        { ...KV_SECRET, name: 'plain', path: 'agents/bot/plain', fileName: 'plain' },
        { ...DB_SECRET, database: { type: 'static', dbName: 'tools', username: 'reporter' } },
      ],
    });
    const [plan] = vaultPlans(app);
    expect(await parsedRules(plan)).toEqual({
      'database/static-creds/bot': ['read'],
      'kv/data/agents/bot/openai': ['read'],
      'kv/data/agents/bot/plain': ['read'],
      'kv/metadata/agents/bot/openai': ['read'],
    });
  });
});

describe('writeVaultArtifacts', () => {
  test('writes a policy and a sorted-key role description per agent with secrets, deterministically', () => {
    const { app } = synthDefaultPlatform();
    const first = mkdtempSync(join(tmpdir(), 'vault-a-'));
    const second = mkdtempSync(join(tmpdir(), 'vault-b-'));
    const written = writeVaultArtifacts(app, first);
    writeVaultArtifacts(app, second);
    expect(written.map((p) => p.slice(first.length))).toEqual([
      '/vault/agents_assistant.policy.hcl',
      '/vault/agents_assistant.role.json',
      '/vault/agents_tool-runner.policy.hcl',
      '/vault/agents_tool-runner.role.json',
    ]);
    for (const name of readdirSync(join(first, 'vault')))
      expect(readFileSync(join(first, 'vault', name), 'utf8')).toBe(readFileSync(join(second, 'vault', name), 'utf8'));
    const role = JSON.parse(readFileSync(join(first, 'vault', 'agents_assistant.role.json'), 'utf8'));
    expect(Object.keys(role)).toEqual([...Object.keys(role)].sort());
    expect(role.kubernetesAuthRole).toEqual({
      audience: 'vault',
      backend: 'kubernetes',
      boundServiceAccountNames: ['assistant'],
      boundServiceAccountNamespaces: ['agents'],
      roleName: 'agents_assistant',
      tokenMaxTtl: 3600,
      tokenPolicies: ['agents_assistant'],
      tokenTtl: 1800,
    });
    expect(readFileSync(join(first, 'vault', 'agents_assistant.policy.hcl'), 'utf8')).toContain(
      'path "kv/data/agents/assistant/openai" {\n  capabilities = ["read"]\n}',
    );
  });

  test('writes nothing for an app without Vault secrets', () => {
    const { app } = fixture();
    expect(writeVaultArtifacts(app, mkdtempSync(join(tmpdir(), 'vault-none-')))).toEqual([]);
  });
});
