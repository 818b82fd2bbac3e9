import { AgentBaselineError } from '../../lib/core';
import { AgentVaultSecretsProps, VaultKubernetesRole, checkKubernetesRole } from '../../lib/vault';
import { DB_SECRET, KV_SECRET, agentWith, fixture } from './helpers';

function refusal(secrets: AgentVaultSecretsProps, modes?: Parameters<typeof fixture>[0]): string {
  const { namespace } = fixture(modes);
  try {
    agentWith(namespace, secrets);
  } catch (e) {
    expect(e).toBeInstanceOf(AgentBaselineError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

const cast = (x: unknown) => x as AgentVaultSecretsProps;

describe('refused Vault declarations', () => {
  test.each([
    ['../ escapes the mount', 'agents/../../sys/policy'],
    ['absolute path', '/agents/bot'],
    ['glob', 'agents/*'],
  ])('a secret path outside the declared mount (%s)', (_case, path) => {
    expect(refusal({ items: [{ ...KV_SECRET, path }] })).toContain(
      `[p/team/bot] secrets.items[0].path: invalid value ${JSON.stringify(path)} (the policy would grant read outside the declared mount). Allowed: a path inside the mount 'kv'`,
    );
  });

  test('a KV path that repeats the data/ prefix', () => {
    expect(refusal({ items: [{ ...KV_SECRET, path: 'data/agents/bot' }] })).toContain(
      'secrets.items[0].path: invalid value "data/agents/bot". Allowed: the path without the KV v2 \'data/\' prefix',
    );
  });

  test("a mount on Vault's own APIs", () => {
    expect(refusal({ items: [{ ...KV_SECRET, mount: 'sys' }] })).toContain(
      'secrets.items[0].mount: invalid value "sys" (sys, auth, identity, cubbyhole are Vault\'s own APIs',
    );
  });

  test('a delivery mode the cluster does not have', () => {
    expect(refusal({ mode: 'csi', items: [KV_SECRET] }, ['injector', 'operator'])).toBe(
      "[p/team/bot] secrets.mode: invalid value \"csi\" (objects for a mechanism the cluster lacks are ignored and the agent starts without its secrets). Allowed: a delivery mode the cluster has installed: 'injector', 'operator' (platform setting vaultDeliveryModes)",
    );
  });

  test('an unknown delivery mode', () => {
    expect(refusal(cast({ mode: 'sidecar', items: [KV_SECRET] }))).toContain(
      "secrets.mode: invalid value \"sidecar\". Allowed: one of 'injector', 'operator', 'csi'",
    );
  });

  test('delivery through env vars', () => {
    expect(refusal({ items: [{ ...KV_SECRET, delivery: 'env' }] })).toBe(
      '[p/team/bot] secrets.items[0].delivery: invalid value "env" (env vars leak into crash dumps, /proc/<pid>/environ, child processes and logs (CKV_K8S_35, kubesec)). Allowed: \'file\': secrets are delivered as read-only files under /vault/secrets',
    );
  });

  test.each([
    ['a value field', { ...KV_SECRET, value: 'hunter2' }, 'secrets.items[0].value'],
    ['a password field', { ...KV_SECRET, password: 'hunter2' }, 'secrets.items[0].password'],
    ['an API key in the path', { ...KV_SECRET, path: 'sk-abcdefghijklmnopqrstuvwx' }, 'secrets.items[0].path'],
    ['a private key', { ...KV_SECRET, fileName: '-----BEGIN RSA PRIVATE KEY-----' }, 'secrets.items[0].fileName'],
    [
      'a URL with a password',
      { ...DB_SECRET, database: { ...DB_SECRET.database, dbName: 'postgres://app:s3cret@db:5432/tools' } },
      'secrets.items[0].database.dbName',
    ],
  ])('literal secret values (%s), redacted in the message', (_case, item, field) => {
    const message = refusal(cast({ items: [item] }));
    expect(message).toBe(
      `[p/team/bot] ${field}: invalid value "<redacted>" (a literal secret in props ends up in manifests, synth output and Git history). Allowed: a reference to where the secret lives in Vault (mount, path, keys), never the value itself`,
    );
    expect(message).not.toMatch(/hunter2|s3cret|sk-abc/);
  });

  test('unknown fields', () => {
    expect(refusal(cast({ items: [{ ...KV_SECRET, env: 'OPENAI_KEY' }] }))).toContain(
      'secrets.items[0].env: invalid value "env". Allowed: one of the fields name, kind, mount, path, keys',
    );
  });

  test.each([
    [
      'tokenTtlSeconds',
      { tokenTtlSeconds: 7200 },
      'an integer from 60 to 3600 (a leaked Vault token is usable until it expires)',
    ],
    [
      'tokenMaxTtlSeconds',
      { tokenMaxTtlSeconds: 86400 },
      'an integer from 60 to 3600 (a leaked Vault token is usable until it expires)',
    ],
  ])('a token TTL above the maximum (%s)', (field, role, expected) => {
    const message = refusal({ role, items: [KV_SECRET] });
    expect(message).toContain(`secrets.role.${field}: invalid value`);
    expect(message).toContain(expected.split(' (')[1].replace(')', ''));
    expect(message).toContain('Allowed: an integer from 60 to 3600');
  });

  test('a token TTL above the max TTL', () => {
    expect(refusal({ role: { tokenTtlSeconds: 1200, tokenMaxTtlSeconds: 600 }, items: [KV_SECRET] })).toContain(
      'secrets.role.tokenTtlSeconds: invalid value 1200 (the TTL cannot exceed the max TTL). Allowed: an integer from 60 to 600',
    );
  });

  test('database TTLs above the maximum', () => {
    const db = (database: object) =>
      cast({ items: [{ ...DB_SECRET, database: { ...DB_SECRET.database, ...database } }] });
    expect(refusal(db({ maxTtlSeconds: 172800 }))).toContain(
      'secrets.items[0].database.maxTtlSeconds: invalid value 172800 (long-lived database credentials outlive the pods that hold them). Allowed: an integer from 60 to 86400',
    );
    expect(refusal(db({ defaultTtlSeconds: 100000 }))).toContain(
      'secrets.items[0].database.defaultTtlSeconds: invalid value 100000 (long-lived database credentials outlive the pods that hold them)',
    );
    expect(refusal(db({ defaultTtlSeconds: 7200, maxTtlSeconds: 3600 }))).toContain(
      'database.defaultTtlSeconds: invalid value 7200 (the default TTL cannot exceed the max TTL). Allowed: an integer from 60 to 3600',
    );
    expect(
      refusal(
        cast({
          items: [
            {
              ...DB_SECRET,
              database: { type: 'static', dbName: 'tools', username: 'u', rotationPeriodSeconds: 2592000 },
            },
          ],
        }),
      ),
    ).toContain(
      'database.rotationPeriodSeconds: invalid value 2592000 (a password that rarely rotates stays useful to whoever copied it). Allowed: an integer from 300 to 604800',
    );
  });

  test('two secrets that render to the same file', () => {
    expect(refusal({ items: [KV_SECRET, { ...KV_SECRET, name: 'other', path: 'agents/bot/other' }] })).toBe(
      '[p/team/bot] secrets.items.other.fileName: invalid value "openai-api-key" (two secrets rendered to one file would overwrite each other). Allowed: a file name not already written by secret \'openai\'',
    );
    // A multi-key secret's per-key file can collide with another secret's file too.
    expect(refusal({ items: [DB_SECRET, { ...KV_SECRET, fileName: 'db-password' }] })).toContain(
      'secrets.items.openai.fileName: invalid value "db-password" (two secrets rendered to one file would overwrite each other). Allowed: a file name not already written by secret \'db\'',
    );
  });

  test('other malformed declarations', () => {
    expect(refusal({ items: [] })).toContain('secrets.items: invalid value []. Allowed: at least one secret');
    expect(refusal({ items: [{ ...KV_SECRET, keys: ['api-key'] }] })).toContain(
      'secrets.items[0].keys[0]: invalid value "api-key". Allowed: a Go template identifier',
    );
    expect(refusal({ items: [{ ...KV_SECRET, refreshAfter: '2d' }] })).toContain(
      "secrets.items[0].refreshAfter: invalid value \"2d\". Allowed: a duration from '10s' to '24h'",
    );
    expect(refusal({ mode: 'csi', items: [{ ...KV_SECRET, refreshAfter: '1m' }] })).toContain(
      'secrets.items.openai.refreshAfter: invalid value "1m". Allowed: no refreshAfter in \'csi\' mode',
    );
    expect(refusal(cast({ items: [{ ...DB_SECRET, database: undefined }] }))).toContain(
      'secrets.items[0].database: invalid value undefined. Allowed: a database role',
    );
    expect(refusal({ items: [KV_SECRET, { ...KV_SECRET, fileName: 'x' }] })).toContain(
      'secrets.items: invalid value "openai". Allowed: secrets with distinct names',
    );
    expect(refusal({ connection: { existing: 'shared' }, items: [KV_SECRET] })).toContain(
      'secrets.connection: invalid value {"existing":"shared"}. Allowed: no connection unless mode is \'operator\'',
    );
  });

  test('a second Vault declaration on one agent', () => {
    const { namespace } = fixture();
    const agent = agentWith(namespace, { items: [KV_SECRET] });
    expect(() => agent.addVaultSecrets({ items: [DB_SECRET] })).toThrow(
      'Allowed: one Vault declaration per agent: list every secret in its items',
    );
  });
});

describe('Kubernetes auth roles', () => {
  const role: VaultKubernetesRole = {
    backend: 'kubernetes',
    roleName: 'team-bot',
    boundServiceAccountNames: ['bot'],
    boundServiceAccountNamespaces: ['team'],
    audience: 'vault',
    tokenTtl: 1800,
    tokenMaxTtl: 3600,
    tokenPolicies: ['team-bot'],
  };

  test('accepts the agent-bound role', () => {
    expect(() => checkKubernetesRole('team/bot', role, 3600)).not.toThrow();
  });

  test.each([
    ['boundServiceAccountNames', { boundServiceAccountNames: ['*'] }, '["*"]'],
    ['boundServiceAccountNamespaces', { boundServiceAccountNamespaces: ['team-*'] }, '["team-*"]'],
    ['boundServiceAccountNames', { boundServiceAccountNames: ['bot', 'other'] }, '["bot","other"]'],
  ])('refuses a wildcard or extra binding (%s)', (field, change, value) => {
    expect(() => checkKubernetesRole('team/bot', { ...role, ...change }, 3600)).toThrow(
      `[team/bot] role.${field}: invalid value ${value} (a wildcard binding lets any pod in the cluster log in as this agent and read its secrets). Allowed: exactly one ServiceAccount name and one namespace, the agent's own, without wildcards`,
    );
  });

  test('refuses another audience and long TTLs', () => {
    expect(() =>
      checkKubernetesRole('team/bot', { ...role, audience: 'https://kubernetes.default.svc' }, 3600),
    ).toThrow(
      'role.audience: invalid value "https://kubernetes.default.svc" (tokens for other audiences must not open Vault). Allowed: \'vault\'',
    );
    expect(() => checkKubernetesRole('team/bot', { ...role, tokenMaxTtl: 7200 }, 3600)).toThrow(
      'role.tokenMaxTtl: invalid value 7200 (a leaked Vault token is usable until it expires). Allowed: an integer from 1 to 3600 seconds',
    );
  });
});
