import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { AgentBaselineError } from '../../lib/core';
import { getPath } from '../../lib/pulumi/config';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import {
  PLATFORM_CONFIG_KEYS,
  PULUMI_PROJECT,
  VAULT_SETUP_KEYS,
  readPlatformConfig,
  readVaultOwnSetup,
} from '../../stacks/pulumi-config';

const ROOT = path.join(__dirname, '..', '..');
const project = parse(fs.readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8')) as {
  name: string;
  main: string;
  runtime: { name: string; options: { typescript: boolean; nodeargs?: string } };
  config: Record<string, { type: string; default?: unknown; items?: { type: string } }>;
};
// Pulumi.yaml cannot type object-valued keys; they are set as structured stack config.
const DECLARABLE = PLATFORM_CONFIG_KEYS.filter((k) => k.type !== 'object');
const source = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe('Pulumi.yaml', () => {
  test('is a nodejs project whose main runs the Pulumi entry compiled, with a bounded stack-trace limit and a larger young generation', () => {
    expect(project.name).toBe(PULUMI_PROJECT);
    expect(project.runtime).toEqual({
      name: 'nodejs',
      options: {
        typescript: false,
        nodeargs: expect.stringMatching(/^--stack-trace-limit=\d+ --max-semi-space-size=\d+$/),
      },
    });
    expect(project.main).toBe('scripts/pulumi.js');
    // The launcher compiles stacks/pulumi.ts (test/pulumi/launcher.test.ts runs it under mocks).
    expect(fs.readFileSync(path.join(ROOT, project.main), 'utf8')).toContain("bundle('stacks/pulumi.ts'");
    expect(fs.existsSync(path.join(ROOT, 'stacks/pulumi.ts'))).toBe(true);
  });

  test('declares exactly the config keys the program reads, with their types', () => {
    expect(Object.keys(project.config).sort()).toEqual(
      [...DECLARABLE.map((k) => k.key), ...Object.values(VAULT_SETUP_KEYS)].sort(),
    );
    expect(project.config[VAULT_SETUP_KEYS.ownSetup]).toMatchObject({ type: 'boolean', default: false });
    expect(project.config[VAULT_SETUP_KEYS.kubernetesCaCert]).toMatchObject({ type: 'string', secret: true });
    for (const spec of DECLARABLE) {
      expect(project.config[spec.key].type).toBe(spec.type);
      if (spec.type === 'array') expect(project.config[spec.key].items).toEqual({ type: 'string' });
    }
  });

  test('declared defaults equal DEFAULT_PLATFORM_CONFIG, and every default it has is declared', () => {
    for (const spec of DECLARABLE) {
      expect({ key: spec.key, default: project.config[spec.key].default }).toEqual({
        key: spec.key,
        default: getPath(DEFAULT_PLATFORM_CONFIG, spec.path),
      });
    }
  });

  test('the example stack file sets only declared keys', () => {
    const stack = parse(fs.readFileSync(path.join(ROOT, 'Pulumi.dev.yaml'), 'utf8')) as {
      config: Record<string, unknown>;
    };
    const declared = new Set(
      [...PLATFORM_CONFIG_KEYS.map((k) => k.key), ...Object.values(VAULT_SETUP_KEYS)].map(
        (k) => `${PULUMI_PROJECT}:${k}`,
      ),
    );
    const ours = Object.keys(stack.config).filter((key) => key.startsWith(`${PULUMI_PROJECT}:`));
    expect(ours.filter((key) => !declared.has(key))).toEqual([]);
    expect(() =>
      readPlatformConfig(
        source(
          Object.fromEntries(
            ours
              .filter((k) => !Object.values(VAULT_SETUP_KEYS).some((v) => k.endsWith(`:${v}`)))
              .map((k) => [
                k.slice(PULUMI_PROJECT.length + 1),
                JSON.stringify(stack.config[k]).replace(/^"(.*)"$/, '$1'),
              ]),
          ),
        ),
      ),
    ).not.toThrow();
  });
});

describe('readPlatformConfig', () => {
  test('no config gives DEFAULT_PLATFORM_CONFIG', () => {
    expect(readPlatformConfig(source({}))).toEqual(DEFAULT_PLATFORM_CONFIG);
  });

  test('every key lands in its field, parsed by type', () => {
    const config = readPlatformConfig(
      source({
        namespace: 'team-a',
        assistantImage: 'registry.example/a@sha256:' + 'a'.repeat(64),
        toolRunnerImage: 'registry.example/t@sha256:' + 'b'.repeat(64),
        kubernetesVersion: '1.31',
        cni: 'cilium',
        mesh: 'istio',
        nodeLocalDns: 'true',
        vaultDeliveryModes: '["csi"]',
        imagePolicyEngines: '["kyverno"]',
        vaultAddress: 'https://vault.example:8200',
        vaultNamespace: 'secrets',
        vaultPort: '8300',
        vaultAuthMount: 'k8s-prod',
        apiServerAudience: 'https://kubernetes.example',
        llmApiCidrs: '["198.51.100.0/24"]',
        registries: '["registry.example/"]',
        toolRunnerJobs: '{"allowedRegistries":["registry.example"],"maxJobs":2}',
        apiServerEndpoints: '{"cidrs":["10.0.0.1/32"],"port":6443}',
        vaultAgentImage: 'registry.example/vault@sha256:' + 'c'.repeat(64),
        vaultMode: 'csi',
        toolsDatabase: '{"cidr":"10.1.2.3/32","port":5433}',
      }),
    );
    expect(config).toEqual({
      ...DEFAULT_PLATFORM_CONFIG,
      namespace: 'team-a',
      llmApiCidrs: ['198.51.100.0/24'],
      vaultMode: 'csi',
      toolsDatabase: { cidr: '10.1.2.3/32', port: 5433 },
      imagePolicy: { ...DEFAULT_PLATFORM_CONFIG.imagePolicy, allowedPrefixes: ['registry.example/'] },
      toolRunnerJobs: { allowedRegistries: ['registry.example'], maxJobs: 2 },
      images: {
        assistant: 'registry.example/a@sha256:' + 'a'.repeat(64),
        toolRunner: 'registry.example/t@sha256:' + 'b'.repeat(64),
      },
      cluster: {
        ...DEFAULT_PLATFORM_CONFIG.cluster,
        kubernetesVersion: '1.31',
        cni: 'cilium',
        mesh: 'istio',
        nodeLocalDns: true,
        vaultDeliveryModes: ['csi'],
        imagePolicyEngines: ['kyverno'],
        vault: {
          ...DEFAULT_PLATFORM_CONFIG.cluster.vault,
          address: 'https://vault.example:8200',
          namespace: 'secrets',
          port: 8300,
          authMount: 'k8s-prod',
          agentImage: 'registry.example/vault@sha256:' + 'c'.repeat(64),
        },
        apiServerEndpoints: { cidrs: ['10.0.0.1/32'], port: 6443 },
        apiServerAudience: 'https://kubernetes.example',
      },
    });
  });

  test('the defaults object is not modified', () => {
    const before = JSON.stringify(DEFAULT_PLATFORM_CONFIG);
    readPlatformConfig(source({ namespace: 'x', vaultAddress: 'https://v:8200' }));
    expect(JSON.stringify(DEFAULT_PLATFORM_CONFIG)).toBe(before);
  });

  const refused: [string, string, RegExp][] = [
    [
      'cni',
      'calico',
      /^\[Pulumi config\] agent-baseline:cni: invalid value "calico" \(.+\)\. Allowed: one of 'generic', 'cilium'$/,
    ],
    [
      'mesh',
      'linkerd',
      /^\[Pulumi config\] agent-baseline:mesh: invalid value "linkerd" \(.+\)\. Allowed: one of 'none', 'istio'$/,
    ],
    [
      'kubernetesVersion',
      '1.20',
      /^\[Pulumi config\] agent-baseline:kubernetesVersion: invalid value "1.20" \(.+\)\. Allowed: one of '1.28', /,
    ],
    [
      'nodeLocalDns',
      'yes',
      /^\[Pulumi config\] agent-baseline:nodeLocalDns: invalid value "yes" \(.+\)\. Allowed: true or false$/,
    ],
    [
      'vaultDeliveryModes',
      '["sidecar"]',
      /^\[Pulumi config\] agent-baseline:vaultDeliveryModes: invalid value "\[\\"sidecar\\"\]" \(.+\)\. Allowed: a JSON list of 'injector', 'operator', 'csi'$/,
    ],
    [
      'vaultDeliveryModes',
      'injector',
      /^\[Pulumi config\] agent-baseline:vaultDeliveryModes: invalid value "injector" \(.+\)\. Allowed: a JSON list of/,
    ],
    [
      'imagePolicyEngines',
      '[]',
      /^\[Pulumi config\] agent-baseline:imagePolicyEngines: invalid value "\[\]" \(must name at least one\)\. Allowed: a JSON list of 'vap', 'kyverno', 'sigstore'$/,
    ],
    [
      'vaultAddress',
      'vault:8200',
      /^\[Pulumi config\] agent-baseline:vaultAddress: invalid value "vault:8200" \(.+\)\. Allowed: an http\(s\) URL/,
    ],
    [
      'vaultPort',
      '80.5',
      /^\[Pulumi config\] agent-baseline:vaultPort: invalid value "80.5" \(.+\)\. Allowed: an integer from 1 to 65535$/,
    ],
    [
      'vaultPort',
      '70000',
      /^\[Pulumi config\] agent-baseline:vaultPort: invalid value "70000" \(.+\)\. Allowed: an integer from 1 to 65535$/,
    ],
    [
      'namespace',
      '  ',
      /^\[Pulumi config\] agent-baseline:namespace: invalid value " {2}" \(must not be empty\)\. Allowed: a DNS-1123 label/,
    ],
    [
      'people',
      '["a"]',
      /^\[Pulumi config\] agent-baseline:people: invalid value "\[\\"a\\"\]" \(.+\)\. Allowed: an object \{viewers, operators, auditors\}/,
    ],
    [
      'llmApiCidrs',
      '[]',
      /^\[Pulumi config\] agent-baseline:llmApiCidrs: invalid value "\[\]" \(must name at least one\)\. Allowed: a JSON list of CIDRs$/,
    ],
    [
      'assistantImage',
      '',
      /^\[Pulumi config\] agent-baseline:assistantImage: invalid value "" \(must not be empty\)\. Allowed: an image reference pinned by digest$/,
    ],
  ];
  test.each(refused)('refuses %s=%s naming the config key', (key, value, message) => {
    expect(() => readPlatformConfig(source({ [key]: value }))).toThrow(AgentBaselineError);
    expect(() => readPlatformConfig(source({ [key]: value }))).toThrow(message);
  });
});

describe('readVaultOwnSetup', () => {
  const withSecrets = (values: Record<string, string>) => ({ ...source(values), getSecret: () => undefined });

  test('is off unless vaultOwnSetup is true', () => {
    expect(readVaultOwnSetup(withSecrets({}))).toBeUndefined();
    expect(readVaultOwnSetup(withSecrets({ vaultOwnSetup: 'false' }))).toBeUndefined();
    expect(readVaultOwnSetup(withSecrets({ vaultOwnSetup: 'true', vaultKubernetesHost: 'https://k8s' }))).toEqual({
      kubernetesHost: 'https://k8s',
      kubernetesCaCert: undefined,
      auditFilePath: undefined,
    });
  });

  test('refuses a non-boolean vaultOwnSetup', () => {
    expect(() => readVaultOwnSetup(withSecrets({ vaultOwnSetup: 'yes' }))).toThrow(
      /^\[Pulumi config\] agent-baseline:vaultOwnSetup: invalid value "yes"\. Allowed: true or false$/,
    );
  });

  test('refuses an owned setup without the Kubernetes host', () => {
    expect(() => readVaultOwnSetup(withSecrets({ vaultOwnSetup: 'true' }))).toThrow(AgentBaselineError);
    expect(() => readVaultOwnSetup(withSecrets({ vaultOwnSetup: 'true' }))).toThrow(
      /^\[Pulumi config\] agent-baseline:vaultKubernetesHost: invalid value undefined\. Allowed: the Kubernetes API URL Vault reviews tokens against, required with vaultOwnSetup$/,
    );
  });
});
