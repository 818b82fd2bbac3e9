/**
 * The full plan the Pulumi engine sees for a multi-agent platform (every resource's type, name,
 * inputs, provider, dependencies and parent, and the component's registration order) held equal to
 * the plan recorded before the registration path was optimised (test/fixtures/pulumi). A change to
 * how resources are registered must not change what is registered.
 *
 * The fixture is regenerated only when the plan is meant to change, with
 * `PULUMI_PLAN_UPDATE=1 npx jest --ci test/pulumi/plan.test.ts`; read its diff before committing.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as vault from '@pulumi/vault';
import { App } from 'cdk8s';
import { buildScalePlatform } from '../../bench/fixture';
import { PulumiPlatform, REGISTRATION_BATCH_SIZE } from '../../lib/pulumi';
import { Registered, recordRegistrations, settled } from './mocks';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'pulumi', 'plan-scale-12.json');

interface RecordedPlan {
  /** `platform.plan` keys in registration order, with their dependsOn keys. */
  readonly order: { key: string; dependsOn: readonly string[] }[];
  /** Every registration the mock engine received, sorted by type and name. */
  readonly resources: Registered[];
}

// Paced in batches (the default, one resource per turn and a batch size that divides nothing) or
// released all at once (0): the engine must see the same plan.
describe.each([
  ['the default batch size', undefined, false],
  ['all at once', 0, false],
  ['one resource per turn', 1, false],
  ['batches of 7', 7, false],
  ['batches of 7, the first half created at once by a read', 7, true],
])('the registered plan of a 12-agent platform, registered %s', (_, registrationBatchSize, readHalf) => {
  let recorded: RecordedPlan;

  beforeAll(async () => {
    const registered = await recordRegistrations('agent-baseline', 'plan');
    const app = new App();
    // Two namespaces (10 and 2 agents), Vault secrets through the injector and the operator,
    // network policies, RBAC grants and the image policy.
    buildScalePlatform(app, 12);
    const kubernetesProvider = new k8s.Provider('k8s', {});
    const vaultProvider = new vault.Provider('vault', { address: 'https://vault.example:8200' });
    const platform = new PulumiPlatform(
      'scale',
      {
        app,
        kubernetesProvider,
        vaultProvider,
        vaultOwnSetup: { kubernetesHost: 'https://kubernetes.default.svc' },
        registrationBatchSize,
      },
      {},
    );
    if (readHalf) {
      const half = platform.plan[Math.floor(platform.plan.length / 2)].key;
      expect(platform.resources.get(half)).toBeInstanceOf(pulumi.CustomResource);
    }
    await platform.created;
    await settled([
      platform,
      ...platform.resources.values(),
      ...platform.vault.policies,
      ...platform.vault.roles,
      ...platform.vault.authBackends,
      ...platform.vault.authBackendConfigs,
      ...platform.vault.kvMounts,
      ...platform.vault.databaseRoles,
      ...platform.vault.audits,
    ]);
    recorded = {
      order: platform.plan.map((p) => ({ key: p.key, dependsOn: p.dependsOn })),
      resources: [...registered].sort((a, b) =>
        a.type === b.type ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.type < b.type ? -1 : 1,
      ),
    };
    if (process.env.PULUMI_PLAN_UPDATE === '1' && registrationBatchSize === undefined) {
      fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
      fs.writeFileSync(FIXTURE, `${JSON.stringify(recorded, null, 1)}\n`);
    }
  });

  test('covers Kubernetes objects, Vault resources and the own setup, in more than one batch', () => {
    expect(recorded.order.length).toBeGreaterThan(REGISTRATION_BATCH_SIZE);
    const types = new Set(recorded.resources.map((r) => r.type));
    for (const t of [
      'agent-baseline:index:Platform',
      'kubernetes:core/v1:Namespace',
      'kubernetes:apps/v1:Deployment',
      'kubernetes:networking.k8s.io/v1:NetworkPolicy',
      'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding',
      'vault:index/policy:Policy',
      'vault:kubernetes/authBackendRole:AuthBackendRole',
      'vault:index/audit:Audit',
    ])
      expect(types).toContain(t);
    expect(recorded.order.some((o) => o.dependsOn.length > 1)).toBe(true);
  });

  test('registration order and dependsOn are the recorded ones', () => {
    const expected = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as RecordedPlan;
    expect(recorded.order).toEqual(expected.order);
  });

  test('every registration (type, name, inputs, provider, dependencies, parent) is the recorded one', () => {
    const expected = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as RecordedPlan;
    expect(recorded.resources.map((r) => `${r.type}::${r.name}`)).toEqual(
      expected.resources.map((r) => `${r.type}::${r.name}`),
    );
    // One resource at a time, so a difference names the resource.
    recorded.resources.forEach((r, i) => expect([r.name, r]).toEqual([r.name, expected.resources[i]]));
  });
});
