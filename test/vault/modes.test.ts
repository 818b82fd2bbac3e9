import { ApiObject, JsonPatch } from 'cdk8s';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { refusal } from '../helpers/refusal';
import { parse as parseYaml } from 'yaml';
import { runRules } from '../../lib/rules';
import { AgentVaultSecrets, vaultPlans } from '../../lib/vault';
import { DB_SECRET, KV_SECRET, agentWith, deploymentOf, fixture, objectsOf, podTemplate } from './helpers';

type Json = Record<string, unknown>;

const PATCH = JSON.stringify([
  {
    op: 'add',
    path: '/securityContext',
    value: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  },
  { op: 'add', path: '/resources/requests/ephemeral-storage', value: '16Mi' },
  { op: 'add', path: '/resources/limits/ephemeral-storage', value: '64Mi' },
]);

function mainContainer(spec: Json): Json {
  return (spec.containers as Json[]).find((c) => c.name === 'agent') as Json;
}

describe('injector mode', () => {
  test('annotates the pod template with exactly the injector settings (static KV: init container only)', () => {
    const { app, namespace } = fixture();
    agentWith(namespace, { items: [KV_SECRET] });
    const template = podTemplate(deploymentOf(objectsOf(app)));
    expect(template.metadata.annotations).toEqual({
      'container.apparmor.security.beta.kubernetes.io/agent': 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/vault-agent-init': 'runtime/default',
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/role': 'team_bot',
      'vault.hashicorp.com/auth-path': 'auth/kubernetes',
      'vault.hashicorp.com/service': 'https://vault.vault.svc:8200',
      'vault.hashicorp.com/agent-pre-populate-only': 'true',
      'vault.hashicorp.com/agent-requests-cpu': '50m',
      'vault.hashicorp.com/agent-limits-cpu': '250m',
      'vault.hashicorp.com/agent-requests-mem': '64Mi',
      'vault.hashicorp.com/agent-limits-mem': '128Mi',
      'vault.hashicorp.com/agent-run-as-user': '10001',
      'vault.hashicorp.com/agent-run-as-group': '10001',
      'vault.hashicorp.com/agent-set-security-context': 'true',
      'vault.hashicorp.com/agent-image': DEFAULT_PLATFORM_CONFIG.cluster.vault?.agentImage,
      'vault.hashicorp.com/agent-json-patch': PATCH,
      'vault.hashicorp.com/agent-init-json-patch': PATCH,
      'vault.hashicorp.com/agent-service-account-token-volume-name': 'vault-token',
      'vault.hashicorp.com/agent-inject-secret-openai-api-key': 'kv/data/agents/bot/openai',
      'vault.hashicorp.com/agent-inject-template-openai-api-key':
        '{{- with secret "kv/data/agents/bot/openai" -}}{{ .Data.data.api_key }}{{- end -}}',
      'vault.hashicorp.com/agent-inject-file-openai-api-key': 'openai-api-key',
      'vault.hashicorp.com/agent-inject-perms-openai-api-key': '0440',
    });
  });

  test('adds a vault-audience projected token volume that the agent container does not mount', () => {
    const { app, namespace } = fixture();
    agentWith(namespace, { items: [KV_SECRET] });
    const spec = podTemplate(deploymentOf(objectsOf(app))).spec;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect((spec.volumes as Json[]).find((v) => v.name === 'vault-token')).toEqual({
      name: 'vault-token',
      projected: {
        sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'token' } }],
      },
    });
    const mounts = (mainContainer(spec).volumeMounts as Json[]).map((m) => m.name);
    expect(mounts).not.toContain('vault-token');
    expect(mainContainer(spec).env).toBeUndefined();
  });

  test('rotating secrets keep the sidecar, with .Data for database credentials and the fastest render interval', () => {
    const { app, namespace } = fixture(['injector'], '1.30');
    agentWith(namespace, {
      items: [
        { ...KV_SECRET, rotates: true, refreshAfter: '2m' },
        { ...DB_SECRET, refreshAfter: '30s' },
      ],
    });
    const a = podTemplate(deploymentOf(objectsOf(app))).metadata.annotations as Record<string, string>;
    expect(a['vault.hashicorp.com/agent-pre-populate-only']).toBe('false');
    expect(a['vault.hashicorp.com/template-static-secret-render-interval']).toBe('2m');
    expect(a['vault.hashicorp.com/agent-inject-secret-db-username']).toBe('database/creds/bot');
    expect(a['vault.hashicorp.com/agent-inject-template-db-password']).toBe(
      '{{- with secret "database/creds/bot" -}}{{ .Data.password }}{{- end -}}',
    );
    // From 1.30 the pod-level appArmorProfile field applies; no per-container annotations.
    expect(Object.keys(a).filter((k) => k.startsWith('container.apparmor'))).toEqual([]);
  });

  test('opens egress from the pod to the Vault server pods', () => {
    const { app, namespace } = fixture();
    agentWith(namespace, { items: [KV_SECRET] });
    const policies = objectsOf(app).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name !== 'default-deny');
    const egress = policies.flatMap((p) => ((p.spec as Json).egress as Json[] | undefined) ?? []);
    expect(egress).toContainEqual(
      expect.objectContaining({
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vault' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vault' } },
          },
        ],
      }),
    );
  });
});

describe('operator mode', () => {
  test('emits VaultConnection, VaultAuth and one Vault secret object per secret', () => {
    const { app, namespace } = fixture();
    agentWith(namespace, { mode: 'operator', items: [KV_SECRET, DB_SECRET] });
    const objects = objectsOf(app);
    const vso = objects.filter((o) => o.apiVersion === 'secrets.hashicorp.com/v1beta1');
    const labels = deploymentOf(objects).metadata.labels;
    expect(vso.map((o) => [o.kind, o.metadata.name, o.metadata.namespace])).toEqual(
      expect.arrayContaining([
        ['VaultConnection', 'vault', 'team'],
        ['VaultAuth', 'bot-vault', 'team'],
        ['VaultStaticSecret', 'bot-openai', 'team'],
        ['VaultDynamicSecret', 'bot-db', 'team'],
      ]),
    );
    expect(vso).toHaveLength(4);
    const byKind = (kind: string) => vso.find((o) => o.kind === kind) as Json;
    expect(byKind('VaultConnection').spec).toEqual({ address: 'https://vault.vault.svc:8200', skipTLSVerify: false });
    expect(byKind('VaultAuth').spec).toEqual({
      vaultConnectionRef: 'vault',
      method: 'kubernetes',
      mount: 'kubernetes',
      kubernetes: { role: 'team_bot', serviceAccount: 'bot', audiences: ['vault'], tokenExpirationSeconds: 600 },
    });
    const destination = (name: string) => ({ name, create: true, overwrite: false, type: 'Opaque', labels });
    const restart = [{ kind: 'Deployment', name: 'bot' }];
    expect(byKind('VaultStaticSecret').spec).toEqual({
      vaultAuthRef: 'bot-vault',
      mount: 'kv',
      path: 'agents/bot/openai',
      type: 'kv-v2',
      refreshAfter: '5m',
      hmacSecretData: true,
      rolloutRestartTargets: restart,
      destination: destination('bot-openai'),
    });
    expect(byKind('VaultDynamicSecret').spec).toEqual({
      vaultAuthRef: 'bot-vault',
      mount: 'database',
      path: 'creds/bot',
      renewalPercent: 67,
      refreshAfter: '5m',
      rolloutRestartTargets: restart,
      destination: destination('bot-db'),
    });
  });

  test('mounts the resulting Secrets as one read-only projected volume, never env', () => {
    const { app, namespace } = fixture();
    agentWith(namespace, { mode: 'operator', items: [KV_SECRET, DB_SECRET] });
    const spec = podTemplate(deploymentOf(objectsOf(app))).spec;
    expect((spec.volumes as Json[]).find((v) => v.name === 'vault-secrets')).toEqual({
      name: 'vault-secrets',
      projected: {
        defaultMode: 0o440,
        sources: [
          { secret: { name: 'bot-openai', optional: false, items: [{ key: 'api_key', path: 'openai-api-key' }] } },
          {
            secret: {
              name: 'bot-db',
              optional: false,
              items: [
                { key: 'username', path: 'db-username' },
                { key: 'password', path: 'db-password' },
              ],
            },
          },
        ],
      },
    });
    const main = mainContainer(spec);
    expect(main.volumeMounts).toContainEqual({ name: 'vault-secrets', mountPath: '/vault/secrets', readOnly: true });
    expect(main.env).toBeUndefined();
    expect(JSON.stringify(main.envFrom ?? [])).not.toContain('secretRef');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(podTemplate(deploymentOf(objectsOf(app))).metadata.annotations ?? {}).not.toHaveProperty(
      'vault.hashicorp.com/agent-inject',
    );
  });

  test('static database credentials use static-creds with allowStaticCreds; agents share one VaultConnection', () => {
    const { app, namespace } = fixture();
    agentWith(namespace, {
      mode: 'operator',
      items: [{ ...DB_SECRET, database: { type: 'static', dbName: 'tools', username: 'reporter' } }],
    });
    agentWith(namespace, { mode: 'operator', items: [KV_SECRET] }, 'other');
    const objects = objectsOf(app);
    expect(objects.filter((o) => o.kind === 'VaultConnection')).toHaveLength(1);
    const vds = objects.find((o) => o.kind === 'VaultDynamicSecret') as Json;
    expect(vds.spec).toMatchObject({ path: 'static-creds/bot', allowStaticCreds: true });
  });

  test.each([
    ['a second agent', () => undefined],
    [
      'a third agent, after the connection was written once',
      (ns: Parameters<typeof agentWith>[0]) => agentWith(ns, { mode: 'operator', items: [KV_SECRET] }, 'second'),
    ],
  ])('%s whose connection settings differ from the namespace VaultConnection is refused', (_name, between) => {
    const { namespace } = fixture();
    agentWith(namespace, { mode: 'operator', items: [KV_SECRET] });
    between(namespace);
    expect(
      refusal(() =>
        agentWith(
          namespace,
          { mode: 'operator', connection: { caCertSecretRef: 'vault-ca' }, items: [KV_SECRET] },
          'other',
        ),
      ),
    ).toMatch(
      /secrets\.connection\.caCertSecretRef: invalid value "vault-ca"\. Allowed: the settings of the namespace's VaultConnection 'vault' \(\{"address":"[^"]+","skipTLSVerify":false\}\), or connection\.existing$/,
    );
  });

  test('a JSON patch on the namespace VaultConnection is seen by the next agent', () => {
    const { namespace } = fixture();
    agentWith(namespace, { mode: 'operator', items: [KV_SECRET] });
    agentWith(namespace, { mode: 'operator', items: [KV_SECRET] }, 'second');
    const connection = namespace.node.findChild('VaultConnection') as ApiObject;
    connection.addJsonPatch(JsonPatch.replace('/spec/skipTLSVerify', true));
    expect(refusal(() => agentWith(namespace, { mode: 'operator', items: [KV_SECRET] }, 'other'))).toContain(
      '"skipTLSVerify":true',
    );
  });

  test('an existing VaultConnection is referenced instead of created', () => {
    const { app, namespace } = fixture();
    agentWith(namespace, { mode: 'operator', connection: { existing: 'vault-system/shared' }, items: [KV_SECRET] });
    const objects = objectsOf(app);
    expect(objects.filter((o) => o.kind === 'VaultConnection')).toHaveLength(0);
    expect((objects.find((o) => o.kind === 'VaultAuth') as Json).spec).toMatchObject({
      vaultConnectionRef: 'vault-system/shared',
    });
  });
});

describe('csi mode', () => {
  test('emits a SecretProviderClass with objects as a YAML string and the vault audience', () => {
    const { app, namespace } = fixture();
    agentWith(namespace, { mode: 'csi', items: [KV_SECRET] });
    const objects = objectsOf(app);
    const spc = objects.find((o) => o.kind === 'SecretProviderClass') as unknown as Json & { spec: Json };
    expect(spc.apiVersion).toBe('secrets-store.csi.x-k8s.io/v1');
    expect((spc.metadata as Json).name).toBe('bot-vault');
    expect((spc.metadata as Json).annotations).toBeUndefined();
    const parameters = (spc.spec as Json).parameters as Record<string, string>;
    expect(spc.spec.provider).toBe('vault');
    expect(parameters).toEqual({
      audience: 'vault',
      objects: expect.any(String),
      roleName: 'team_bot',
      vaultAddress: 'https://vault.vault.svc:8200',
      vaultKubernetesMountPath: 'kubernetes',
    });
    expect(parseYaml(parameters.objects)).toEqual([
      { objectName: 'openai-api-key', secretPath: 'kv/data/agents/bot/openai', secretKey: 'api_key' },
    ]);
  });

  test('mounts a read-only CSI volume with the secrets-store driver', () => {
    const { app, namespace } = fixture();
    agentWith(namespace, { mode: 'csi', items: [KV_SECRET, DB_SECRET] });
    const objects = objectsOf(app);
    const spec = podTemplate(deploymentOf(objects)).spec;
    expect((spec.volumes as Json[]).find((v) => v.name === 'vault-secrets')).toEqual({
      name: 'vault-secrets',
      csi: {
        driver: 'secrets-store.csi.k8s.io',
        readOnly: true,
        volumeAttributes: { secretProviderClass: 'bot-vault' },
      },
    });
    expect(mainContainer(spec).volumeMounts).toContainEqual({
      name: 'vault-secrets',
      mountPath: '/vault/secrets',
      readOnly: true,
    });
    // Rotating database credentials need the driver's rotation: recorded, not silently assumed.
    const spc = objects.find((o) => o.kind === 'SecretProviderClass') as Json;
    expect((spc.metadata as Json).annotations).toEqual({ 'agent-baseline.io/requires-csi-secret-rotation': 'true' });
  });
});

describe('every mode keeps the pod inside restricted and the consensus profile', () => {
  const cases: [string, () => ReturnType<typeof fixture>][] = (['injector', 'operator', 'csi'] as const).map((mode) => [
    mode,
    () => {
      const f = fixture();
      agentWith(f.namespace, { mode, items: [KV_SECRET, DB_SECRET] });
      return f;
    },
  ]);

  test.each(cases)('%s', (_mode, build) => {
    const { app } = build();
    const objects = objectsOf(app);
    const report = runRules(objects, { packs: ['pss-restricted', 'hardening'] });
    const bot = report.results.filter((r) => r.name.startsWith('bot'));
    const deployment = bot.find((r) => r.kind === 'Deployment');
    expect(deployment?.checked).toEqual(expect.arrayContaining(['HRD-SecretInEnv', 'HRD-ReadOnlyRootFilesystem']));
    const errors = bot.flatMap((r) => r.findings.filter((f) => !f.suppressed && f.severity === 'error'));
    expect(errors).toEqual([]);
    const spec = podTemplate(deploymentOf(objects)).spec;
    for (const volume of spec.volumes as Json[]) {
      expect(Object.keys(volume).filter((k) => k !== 'name')).toEqual([
        expect.stringMatching(/^(emptyDir|projected|csi)$/),
      ]);
    }
    for (const container of spec.containers as Json[]) {
      expect(container.env).toBeUndefined();
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });
});

describe('the Vault plan', () => {
  test('is exposed per agent and collected for the app', () => {
    const { app, namespace } = fixture();
    const bot = agentWith(namespace, { items: [{ ...KV_SECRET, versions: true }, DB_SECRET] });
    agentWith(namespace, { mode: 'csi', role: { name: 'custom', tokenTtlSeconds: 600 }, items: [KV_SECRET] }, 'alpha');
    const plan = (AgentVaultSecrets.of(bot) as AgentVaultSecrets).plan;
    expect(plan.rules).toEqual([
      { path: 'database/creds/bot', capabilities: ['read'] },
      { path: 'kv/data/agents/bot/openai', capabilities: ['read'] },
      { path: 'kv/metadata/agents/bot/openai', capabilities: ['read'] },
    ]);
    expect(plan.role).toEqual({
      backend: 'kubernetes',
      roleName: 'team_bot',
      boundServiceAccountNames: ['bot'],
      boundServiceAccountNamespaces: ['team'],
      audience: 'vault',
      tokenTtl: 1800,
      tokenMaxTtl: 3600,
      tokenPolicies: ['team_bot'],
    });
    expect(plan.databaseRoles).toEqual([
      {
        type: 'dynamic',
        backend: 'database',
        name: 'bot',
        dbName: 'tools',
        creationStatements: ['CREATE ROLE "{{name}}";'],
        revocationStatements: undefined,
        defaultTtlSeconds: 3600,
        maxTtlSeconds: 86400,
      },
    ]);
    const plans = vaultPlans(app);
    expect(plans.map((p) => [p.agent, p.mode, p.role.roleName, p.role.tokenTtl])).toEqual([
      ['alpha', 'csi', 'custom', 600],
      ['bot', 'injector', 'team_bot', 1800],
    ]);
  });
});
