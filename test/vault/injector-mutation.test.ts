/**
 * Applies the Vault Agent Injector's documented mutation (hashicorp/vault-k8s) to the synthesized
 * pod template, then the json-patch annotations, and checks the mutated pod with the rule
 * engine's Pod Security "restricted" pack.
 */
import { JsonPatch } from 'cdk8s';
import { MIN_NON_ROOT_ID_EXCLUSIVE } from '../../lib/core';
import { runRules } from '../../lib/rules';
import { synthDefaultPlatform } from '../helpers/synth';
import { DB_SECRET, KV_SECRET, agentWith, deploymentOf, fixture, objectsOf, podTemplate } from './helpers';

type Json = Record<string, unknown>;
type Template = { metadata: Json & { annotations?: Record<string, string> }; spec: Json };

const P = 'vault.hashicorp.com/';
const TOKEN_MOUNT = '/var/run/secrets/vault.hashicorp.com/serviceaccount';

interface PatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

function applyPatch(container: Json, patchJson: string | undefined): Json {
  if (!patchJson) return container;
  const ops = (JSON.parse(patchJson) as PatchOp[]).map((o) =>
    o.op === 'add'
      ? JsonPatch.add(o.path, o.value)
      : o.op === 'replace'
        ? JsonPatch.replace(o.path, o.value)
        : JsonPatch.remove(o.path),
  );
  return JsonPatch.apply(container, ...ops) as Json;
}

/** The injector's mutation, as documented in vault-k8s agent-inject/agent (container_sidecar.go, container_init_sidecar.go). */
function injectVaultAgent(template: Template, options: { applyPatches: boolean } = { applyPatches: true }): Template {
  const t = JSON.parse(JSON.stringify(template)) as Template;
  const a = t.metadata.annotations ?? {};
  if (a[`${P}agent-inject`] !== 'true') return t;
  const spec = t.spec;
  const volumes = (spec.volumes as Json[] | undefined) ?? [];
  const tokenVolume = a[`${P}agent-service-account-token-volume-name`];
  const hasToken = volumes.some(
    (v) => v.name === tokenVolume && JSON.stringify(v.projected ?? {}).includes('serviceAccountToken'),
  );
  if (spec.automountServiceAccountToken === false && !hasToken)
    throw new Error('injector refuses the pod: automount is off and no projected token volume is named');
  const container = (name: string, home: string): Json => ({
    name,
    image: 'hashicorp/vault:1.18.0',
    securityContext: {
      runAsUser: Number(a[`${P}agent-run-as-user`] ?? 100),
      runAsGroup: Number(a[`${P}agent-run-as-group`] ?? 1000),
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
    resources: {
      requests: { cpu: a[`${P}agent-requests-cpu`] ?? '250m', memory: a[`${P}agent-requests-mem`] ?? '64Mi' },
      limits: { cpu: a[`${P}agent-limits-cpu`] ?? '500m', memory: a[`${P}agent-limits-mem`] ?? '128Mi' },
    },
    volumeMounts: [
      { name: home, mountPath: '/home/vault' },
      { name: 'vault-secrets', mountPath: '/vault/secrets' },
      { name: tokenVolume, mountPath: TOKEN_MOUNT, readOnly: true },
    ],
  });
  const patch = (c: Json, key: string) => (options.applyPatches ? applyPatch(c, a[`${P}${key}`]) : c);
  spec.initContainers = [
    patch(container('vault-agent-init', 'home-init'), 'agent-init-json-patch'),
    ...((spec.initContainers as Json[] | undefined) ?? []),
  ];
  const appContainers = (spec.containers as Json[]).map((c) => ({
    ...c,
    volumeMounts: [...((c.volumeMounts as Json[]) ?? []), { name: 'vault-secrets', mountPath: '/vault/secrets' }],
  }));
  const sidecar = a[`${P}agent-pre-populate-only`] !== 'true';
  spec.containers = sidecar
    ? [...appContainers, patch(container('vault-agent', 'home-sidecar'), 'agent-json-patch')]
    : appContainers;
  spec.volumes = [
    ...volumes,
    { name: 'home-init', emptyDir: { medium: 'Memory' } },
    ...(sidecar ? [{ name: 'home-sidecar', emptyDir: { medium: 'Memory' } }] : []),
    { name: 'vault-secrets', emptyDir: { medium: 'Memory' } },
  ];
  return t;
}

function asPod(template: Template, namespace: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...template.metadata, name: 'mutated', namespace },
    spec: template.spec,
  };
}

function pssErrors(pod: Json): string[] {
  const report = runRules([pod], { packs: ['pss-restricted'], pssVersion: 'latest' });
  return report.results.flatMap((r) => r.findings.filter((f) => !f.suppressed).map((f) => `${f.rule}: ${f.message}`));
}

function injectedContainers(spec: Json): Json[] {
  return [...((spec.initContainers as Json[]) ?? []), ...(spec.containers as Json[])].filter((c) =>
    String(c.name).startsWith('vault-agent'),
  );
}

describe('the injector-mutated pod', () => {
  test('the default platform assistant (static KV: init container only) passes restricted', () => {
    const { objects } = synthDefaultPlatform();
    const mutated = injectVaultAgent(podTemplate(deploymentOf(objects, 'assistant')));
    const injected = injectedContainers(mutated.spec);
    expect(injected.map((c) => c.name)).toEqual(['vault-agent-init']);
    expect(pssErrors(asPod(mutated, 'agents'))).toEqual([]);
  });

  test.each(['1.28', '1.30'])('a rotating-secret pod with the sidecar passes restricted (Kubernetes %s)', (version) => {
    const { app, namespace } = fixture(['injector'], version);
    agentWith(namespace, { items: [{ ...KV_SECRET, rotates: true }, DB_SECRET] });
    const mutated = injectVaultAgent(podTemplate(deploymentOf(objectsOf(app))));
    const injected = injectedContainers(mutated.spec);
    expect(injected.map((c) => c.name).sort()).toEqual(['vault-agent', 'vault-agent-init']);
    expect(pssErrors(asPod(mutated, 'team'))).toEqual([]);
    for (const c of injected) {
      // The consensus profile's container settings, from the json-patch annotations.
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect((c.securityContext as Json).runAsUser).toBeGreaterThan(MIN_NON_ROOT_ID_EXCLUSIVE);
      expect(c.resources).toEqual({
        requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '16Mi' },
        limits: { cpu: '250m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
      });
    }
  });

  test('without the pod-level seccomp and the patches, restricted would reject the injected containers', () => {
    const { app, namespace } = fixture(['injector']);
    agentWith(namespace, { items: [{ ...KV_SECRET, rotates: true }] });
    const template = podTemplate(deploymentOf(objectsOf(app)));
    const mutated = injectVaultAgent(template, { applyPatches: false });
    delete (mutated.spec.securityContext as Json).seccompProfile;
    const errors = pssErrors(asPod(mutated, 'team'));
    expect(errors.join('\n')).toMatch(/vault-agent/);
  });

  test('the injector refuses a pod without the named projected token volume; ours has it', () => {
    const { app, namespace } = fixture(['injector']);
    agentWith(namespace, { items: [KV_SECRET] });
    const template = podTemplate(deploymentOf(objectsOf(app)));
    expect(() => injectVaultAgent(template)).not.toThrow();
    const broken = JSON.parse(JSON.stringify(template)) as Template;
    broken.spec.volumes = (broken.spec.volumes as Json[]).filter((v) => v.name !== 'vault-token');
    expect(() => injectVaultAgent(broken)).toThrow(/no projected token volume/);
  });
});
