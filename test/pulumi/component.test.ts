import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as k8s from '@pulumi/kubernetes';
import * as vault from '@pulumi/vault';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { AgentBaselineError } from '../../lib/core';
import {
  PLATFORM_COMPONENT_TYPE,
  PulumiPlatform,
  classifyObjects,
  parseTypeToken,
  planDependencies,
  planKubernetesObjects,
  resourceName,
  typeToken,
} from '../../lib/pulumi';
import { vaultPlans } from '../../lib/vault';
import { DEFAULT_PLATFORM_CONFIG, PlatformConfig } from '../../stacks/config';
import { buildDefaultPlatform } from '../../stacks/platform';
import { Registered, recordRegistrations, settled } from './mocks';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<
  string,
  unknown
>;

/** What `cdk8s synth` writes for the config, read back from the YAML files. */
function synthYaml(config: PlatformConfig): Obj[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulumi-parity-'));
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  buildDefaultPlatform(app, config);
  app.synth();
  const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml'));
  const objects = files.flatMap((f) =>
    parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJS() as Obj),
  );
  fs.rmSync(outdir, { recursive: true, force: true });
  return objects.filter((o) => o !== null);
}

function keyOf(o: Obj): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.kind}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`;
}

const kubernetesOnly = (r: Registered[]) => r.filter((x) => x.type.startsWith('kubernetes:'));

describe('PulumiPlatform under mocks', () => {
  let registered: Registered[];
  let component: PulumiPlatform;

  beforeAll(async () => {
    registered = await recordRegistrations();
    const app = new App();
    buildDefaultPlatform(app, DEFAULT_PLATFORM_CONFIG);
    component = new PulumiPlatform('agents', { app });
    await settled([component, ...component.resources.values()]);
  });

  test('parity: every synthesized object has exactly one resource with its type token and identical inputs', () => {
    const objects = synthYaml(DEFAULT_PLATFORM_CONFIG);
    expect(objects.length).toBeGreaterThanOrEqual(16);
    const k8sResources = kubernetesOnly(registered);
    for (const o of objects) {
      const matches = k8sResources.filter((r) => r.name === `agents/${keyOf(o)}`);
      expect(matches).toHaveLength(1);
      expect(matches[0].type).toBe(typeToken(o.apiVersion, o.kind));
      expect(matches[0].inputs).toEqual(o);
    }
    expect(k8sResources).toHaveLength(objects.length);
  });

  test('the component has the platform type token and parents every resource', () => {
    const self = registered.find((r) => r.name === 'agents' && r.type === PLATFORM_COMPONENT_TYPE);
    expect(self).toBeDefined();
    for (const r of kubernetesOnly(registered)) expect(r.parent).toBe('agents');
  });

  test('typed classes are used for built-in kinds', () => {
    expect(component.resources.get('agents/Deployment/assistant')).toBeInstanceOf(k8s.apps.v1.Deployment);
    expect(component.resources.get('agents/ServiceAccount/assistant')).toBeInstanceOf(k8s.core.v1.ServiceAccount);
    expect(component.resources.get('agents/NetworkPolicy/default-deny')).toBeInstanceOf(
      k8s.networking.v1.NetworkPolicy,
    );
    expect(component.resources.get('agents/PodDisruptionBudget/assistant')).toBeInstanceOf(
      k8s.policy.v1.PodDisruptionBudget,
    );
    expect(component.resources.get('PriorityClass/agents-agents')).toBeInstanceOf(k8s.scheduling.v1.PriorityClass);
    expect(component.resources.get('Namespace/agents')).toBeInstanceOf(k8s.core.v1.Namespace);
  });

  test('dependency edges reach the engine as dependsOn', () => {
    const deps = (name: string) => registered.find((r) => r.name === `agents/${name}`)?.dependsOn;
    expect(deps('Namespace/agents')).toEqual([]);
    expect(deps('PriorityClass/agents-agents')).toEqual([]);
    expect(deps('agents/ServiceAccount/assistant')).toEqual(['agents/Namespace/agents']);
    expect(deps('agents/ConfigMap/assistant-config')).toEqual(['agents/Namespace/agents']);
    expect(deps('agents/Deployment/assistant')).toEqual([
      'agents/Namespace/agents',
      'agents/PriorityClass/agents-agents',
      'agents/agents/ConfigMap/assistant-config',
      'agents/agents/ServiceAccount/assistant',
    ]);
  });

  test('resources are registered in dependency order', () => {
    const planned = component.plan.map((p) => p.object.kind);
    const firstOther = planned.findIndex((kind) => kind !== 'Namespace' && kind !== 'PriorityClass');
    expect(planned.slice(0, firstOther).sort()).toEqual(['Namespace', 'PriorityClass']);
    expect(planned.slice(firstOther)).not.toContain('Namespace');
    // The mock engine sees a registration only once its dependencies are registered.
    const order = kubernetesOnly(registered).map((r) => r.name);
    for (const r of kubernetesOnly(registered)) {
      for (const d of r.dependsOn) expect(order.indexOf(d)).toBeLessThan(order.indexOf(r.name));
    }
  });

  test('names are stable across runs', () => {
    const again = new App();
    buildDefaultPlatform(again, DEFAULT_PLATFORM_CONFIG);
    expect(planKubernetesObjects('agents', again)).toEqual(component.plan);
    expect(
      kubernetesOnly(registered)
        .map((r) => r.name)
        .sort(),
    ).toEqual(component.plan.map((p) => resourceName('agents', p.key)).sort());
  });

  test('a kubernetes provider is passed to every resource', async () => {
    const provider = new k8s.Provider('cluster', { kubeconfig: 'unused' });
    const app = new App();
    const chart = new Chart(app, 'extra', { disableResourceNameHashes: true });
    new ApiObject(chart, 'cm', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'other' },
      data: { a: 'b' },
    });
    const withProvider = new PulumiPlatform('with-provider', { app, kubernetesProvider: provider });
    await settled([...withProvider.resources.values()]);
    const cm = registered.find((r) => r.name === 'with-provider/other/ConfigMap/x');
    expect(cm?.provider).toMatch(/::cluster::cluster-id$/);
  });
});

describe('the Vault side under mocks', () => {
  let registered: Registered[];
  let component: PulumiPlatform;
  let app: IConstruct;

  beforeAll(async () => {
    registered = await recordRegistrations();
    app = new App();
    buildDefaultPlatform(app, DEFAULT_PLATFORM_CONFIG);
    const vaultProvider = new vault.Provider('vault', { address: 'https://vault.example:8200' });
    component = new PulumiPlatform('vaulted', {
      app,
      vaultProvider,
      vaultOwnSetup: { kubernetesHost: 'https://kubernetes.default.svc' },
    });
    const v = component.vault;
    await settled([
      component,
      ...component.resources.values(),
      ...v.policies,
      ...v.roles,
      ...v.authBackends,
      ...v.authBackendConfigs,
      ...v.kvMounts,
      ...v.audits,
    ]);
  });

  test('a policy and a Kubernetes auth role per agent with secrets, bound to its ServiceAccount and namespace', () => {
    const plans = vaultPlans(app);
    expect(plans.length).toBeGreaterThan(0);
    expect(registered.filter((r) => r.type === 'vault:index/policy:Policy')).toHaveLength(plans.length);
    for (const plan of plans) {
      const policy = registered.find(
        (r) => r.type === 'vault:index/policy:Policy' && r.inputs.name === plan.policyName,
      );
      expect(policy?.inputs).toEqual({ name: plan.policyName, policy: plan.policyHcl });
      expect(plan.policyHcl).toMatch(/^path "[^"*]+" \{/m);
      const role = registered.find(
        (r) =>
          r.type === 'vault:kubernetes/authBackendRole:AuthBackendRole' && r.inputs.roleName === plan.role.roleName,
      );
      expect(role?.inputs).toMatchObject({
        backend: 'kubernetes',
        boundServiceAccountNames: [plan.agent],
        boundServiceAccountNamespaces: [plan.namespace],
        audience: 'vault',
        tokenTtl: plan.role.tokenTtl,
        tokenMaxTtl: plan.role.tokenMaxTtl,
        tokenPolicies: [plan.policyName],
      });
      expect(plan.role.tokenMaxTtl).toBeLessThanOrEqual(3600);
    }
    for (const r of registered.filter((x) => x.type.startsWith('vault:'))) {
      expect(r.parent).toBe('vaulted');
      expect(r.provider).toMatch(/::vault::vault-id$/);
    }
  });

  test('the stack that owns Vault setup also gets the auth backend and config, the KV v2 mount and two audit devices', () => {
    const count = (type: string) => registered.filter((r) => r.type === type).length;
    expect(count('vault:index/authBackend:AuthBackend')).toBe(1);
    expect(count('vault:kubernetes/authBackendConfig:AuthBackendConfig')).toBe(1);
    expect(registered.find((r) => r.type === 'vault:index/mount:Mount')?.inputs).toMatchObject({
      path: 'kv',
      type: 'kv',
      options: { version: '2' },
    });
    expect(count('vault:index/audit:Audit')).toBe(2);
  });

  test('the Vault Secrets Operator objects are registered as custom resources before the Deployment', () => {
    for (const plan of vaultPlans(app).filter((p) => p.mode === 'operator')) {
      const vso = component.plan.filter(
        (p) =>
          p.object.apiVersion.startsWith('secrets.hashicorp.com/') && p.object.metadata.namespace === plan.namespace,
      );
      expect(vso.length).toBeGreaterThan(0);
      for (const p of vso) expect(p.builtIn).toBe(false);
      const deployment = component.plan.find((p) => p.key === `${plan.namespace}/Deployment/${plan.agent}`);
      expect(deployment?.dependsOn.some((d) => /\/Vault(Static|Dynamic)Secret\//.test(d))).toBe(true);
    }
  });
});

describe('custom resources and cluster-scoped objects', () => {
  test('CRD kinds go through CustomResource with their own type token, after their namespace', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'agents' } },
      {
        apiVersion: 'secrets.hashicorp.com/v1beta1',
        kind: 'VaultConnection',
        metadata: { name: 'vault', namespace: 'agents' },
        spec: { address: 'https://vault:8200' },
      },
      {
        apiVersion: 'secrets.hashicorp.com/v1beta1',
        kind: 'VaultAuth',
        metadata: { name: 'assistant', namespace: 'agents' },
        spec: { vaultConnectionRef: 'vault', kubernetes: { serviceAccount: 'assistant' } },
      },
      {
        apiVersion: 'secrets.hashicorp.com/v1beta1',
        kind: 'VaultStaticSecret',
        metadata: { name: 'llm', namespace: 'agents' },
        spec: {
          vaultAuthRef: 'assistant',
          destination: { name: 'llm-key', create: true },
          rolloutRestartTargets: [{ kind: 'Deployment', name: 'assistant' }],
        },
      },
      {
        apiVersion: 'secrets-store.csi.x-k8s.io/v1',
        kind: 'SecretProviderClass',
        metadata: { name: 'spc', namespace: 'agents' },
        spec: { provider: 'vault' },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'assistant', namespace: 'agents' },
        spec: {
          template: {
            spec: {
              containers: [{ name: 'a', envFrom: [{ secretRef: { name: 'llm-key' } }] }],
              volumes: [{ name: 'v', csi: { volumeAttributes: { secretProviderClass: 'spc' } } }],
            },
          },
        },
      },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'assistant', namespace: 'agents' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'reader', namespace: 'agents' },
        rules: [],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'reader', namespace: 'agents' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'assistant' }],
      },
      {
        apiVersion: 'kyverno.io/v1',
        kind: 'ClusterPolicy',
        metadata: { name: 'verify', namespace: 'agents' },
        spec: {},
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: 'b' },
        spec: { policyName: 'p' },
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'p' },
        spec: {},
      },
    ] as Obj[];
    const plan = planDependencies('test', classifyObjects('test', objects));
    const byKey = new Map(plan.map((p) => [p.key, p]));
    expect(byKey.get('agents/VaultStaticSecret/llm')?.token).toBe(
      'kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret',
    );
    expect(byKey.get('agents/VaultConnection/vault')?.dependsOn).toEqual(['Namespace/agents']);
    expect(byKey.get('agents/VaultAuth/assistant')?.dependsOn).toEqual([
      'Namespace/agents',
      'agents/ServiceAccount/assistant',
      'agents/VaultConnection/vault',
    ]);
    expect(byKey.get('agents/VaultStaticSecret/llm')?.dependsOn).toEqual([
      'Namespace/agents',
      'agents/VaultAuth/assistant',
    ]);
    expect(byKey.get('agents/Deployment/assistant')?.dependsOn).toEqual([
      'Namespace/agents',
      'agents/SecretProviderClass/spc',
      'agents/VaultStaticSecret/llm',
    ]);
    expect(byKey.get('agents/RoleBinding/reader')?.dependsOn).toEqual([
      'Namespace/agents',
      'agents/Role/reader',
      'agents/ServiceAccount/assistant',
    ]);
    expect(byKey.get('ValidatingAdmissionPolicyBinding/b')?.dependsOn).toEqual(['ValidatingAdmissionPolicy/p']);
    // Cluster-scoped custom kinds lose the namespace the Chart gave them.
    expect(byKey.get('ClusterPolicy/verify')?.object.metadata).toEqual({ name: 'verify' });
    const order = plan.map((p) => p.key);
    for (const p of plan) for (const d of p.dependsOn) expect(order.indexOf(d)).toBeLessThan(order.indexOf(p.key));
  });

  test('type tokens map back to apiVersion and kind', () => {
    expect(parseTypeToken('kubernetes:core/v1:Namespace')).toEqual({ apiVersion: 'v1', kind: 'Namespace' });
    expect(parseTypeToken('kubernetes:apps/v1:Deployment')).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(parseTypeToken((k8s.rbac.v1.RoleBinding as unknown as { __pulumiType: string }).__pulumiType)).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
    });
    expect(parseTypeToken('kubernetes:apps/v1:DeploymentPatch')).toBeUndefined();
    expect(parseTypeToken('kubernetes:yaml/v2:ConfigGroup')).toBeUndefined();
    expect(parseTypeToken('kubernetes:helm.sh/v3:Release')).toBeUndefined();
    expect(parseTypeToken('vault:index/policy:Policy')).toBeUndefined();
  });
});

describe('refused inputs', () => {
  const refuse = (objects: unknown[], message: RegExp) => {
    expect(() => planDependencies('agents', classifyObjects('agents', objects as Obj[]))).toThrow(AgentBaselineError);
    expect(() => planDependencies('agents', classifyObjects('agents', objects as Obj[]))).toThrow(message);
  };

  test('an object without a name', () => {
    refuse(
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }],
      /^\[agents\] objects\[0\]: invalid value .*Allowed: a Kubernetes object with apiVersion, kind and metadata.name/,
    );
  });

  test('a built-in kind the typed table does not know', () => {
    refuse(
      [{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'x' } }],
      /^\[agents\] objects\[0\]\.kind: invalid value "storage.k8s.io\/v1\/StorageClass"\. Allowed: one of v1\/Namespace/,
    );
  });

  test('a field the typed class would drop', () => {
    refuse(
      [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x' }, spec: {} }],
      /^\[agents\] objects\[0\]\.spec: invalid value \{\} \(the typed Pulumi resource would drop the field silently\)\. Allowed: only metadata, automountServiceAccountToken/,
    );
  });

  test('an object with status', () => {
    refuse(
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, status: {} }],
      /^\[agents\] objects\[0\]\.status: invalid value \{\}\. Allowed: objects without status/,
    );
  });

  test('two objects with the same identity', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'a' } };
    refuse(
      [cm, cm],
      /^\[agents\] objects\[1\]: invalid value "a\/ConfigMap\/x" \(the second object would overwrite the first in the cluster\)\. Allowed: objects with distinct kind, namespace and name/,
    );
  });

  test('a reference cycle', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', namespace: 'a' } };
    // A namespaced Namespace is impossible in the cluster but makes the smallest cycle: it references itself through a Vault auth.
    const auth = {
      apiVersion: 'secrets.hashicorp.com/v1beta1',
      kind: 'VaultAuth',
      metadata: { name: 'x', namespace: 'a' },
      spec: { vaultConnectionRef: 'y' },
    };
    const conn = {
      apiVersion: 'secrets.hashicorp.com/v1beta1',
      kind: 'VaultConnection',
      metadata: { name: 'y', namespace: 'a' },
      spec: { vaultAuthRef: 'x' },
    };
    refuse(
      [ns, auth, conn],
      /^\[agents\] objects: invalid value \["a\/VaultAuth\/x","a\/VaultConnection\/y"\] \(no apply order exists\)\. Allowed: objects whose references form no cycle/,
    );
  });
});
