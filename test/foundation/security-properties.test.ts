import {
  DEFAULT_RUN_AS_GROUP,
  MIN_NON_ROOT_ID_EXCLUSIVE,
  MIN_UNPRIVILEGED_PORT,
  RESTRICTED_VOLUME_TYPES,
  SECRET_LIKE_ENV_NAME,
} from '../../lib/core';
import { isCustomResource, modelFor, openApiErrors } from '../helpers/openapi';
import { KubeObject, dig, podSpecOf, synthDefaultPlatform } from '../helpers/synth';

type Json = Record<string, unknown>;

const { objects } = synthDefaultPlatform();
const workloads = objects.filter((o) => podSpecOf(o) !== undefined);

function containersOf(spec: Json): Json[] {
  return ['initContainers', 'containers', 'ephemeralContainers'].flatMap(
    (key) => (spec[key] as Json[] | undefined) ?? [],
  );
}

const containerCases = workloads.flatMap((w) => {
  const spec = podSpecOf(w) as Json;
  return containersOf(spec).map(
    (c) => [`${w.kind} ${w.metadata.namespace}/${w.metadata.name} container ${c.name}`, w, spec, c] as const,
  );
});

describe('the default platform', () => {
  test('has workloads to check', () => {
    expect(workloads.map((w) => w.metadata.name)).toEqual(expect.arrayContaining(['assistant', 'tool-runner']));
  });

  test.each(workloads.map((w) => [`${w.kind} ${w.metadata.name}`, w] as const))(
    '%s: pod-level baseline',
    (_name, workload) => {
      const spec = podSpecOf(workload) as Json;
      const sc = spec.securityContext as Json;
      expect(sc.runAsNonRoot).toBe(true);
      expect(sc.runAsUser).toBeGreaterThan(MIN_NON_ROOT_ID_EXCLUSIVE);
      expect(sc.runAsGroup).toBeGreaterThan(MIN_NON_ROOT_ID_EXCLUSIVE);
      expect(sc.fsGroup).toBeGreaterThan(MIN_NON_ROOT_ID_EXCLUSIVE);
      expect(sc.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      expect(sc.sysctls).toBeUndefined();
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const field of ['hostNetwork', 'hostPID', 'hostIPC', 'hostAliases']) expect(spec[field]).toBeFalsy();
      expect(spec.serviceAccountName).toBe(workload.metadata.name);
      expect(spec.priorityClassName).toEqual(expect.any(String));
      for (const volume of (spec.volumes as Json[] | undefined) ?? []) {
        const sourceTypes = Object.keys(volume).filter((k) => k !== 'name');
        expect(sourceTypes.every((t) => RESTRICTED_VOLUME_TYPES.includes(t))).toBe(true);
        expect(volume.hostPath).toBeUndefined();
      }
    },
  );

  test.each(workloads.map((w) => [`${w.kind} ${w.metadata.name}`, w] as const))(
    '%s: availability and scheduling',
    (_name, workload) => {
      const labels = workload.metadata.labels as Record<string, string>;
      expect(labels['app.kubernetes.io/instance']).toBe(workload.metadata.name);
      const selector = dig(workload, 'spec', 'selector', 'matchLabels');
      const templateLabels = dig(workload, 'spec', 'template', 'metadata', 'labels') as Json;
      expect(templateLabels).toEqual(expect.objectContaining(selector));
      expect(dig(workload, 'spec', 'strategy')?.type).toBe('RollingUpdate');
      const spec = podSpecOf(workload) as Json;
      const anti = dig(spec, 'affinity', 'podAntiAffinity') as Json;
      const terms = ((anti.preferredDuringSchedulingIgnoredDuringExecution as Json[]) ?? []).map(
        (t) => t.podAffinityTerm as Json,
      );
      expect(
        terms.some(
          (t) =>
            t.topologyKey === 'kubernetes.io/hostname' &&
            JSON.stringify(dig(t, 'labelSelector', 'matchLabels')) === JSON.stringify(selector),
        ),
      ).toBe(true);
      const spread = spec.topologySpreadConstraints as Json[];
      expect(spread.length).toBeGreaterThan(0);
      expect(
        spread.every((s) => JSON.stringify(dig(s, 'labelSelector', 'matchLabels')) === JSON.stringify(selector)),
      ).toBe(true);
      const replicas = dig(workload, 'spec')?.replicas as number;
      expect(replicas).toBeGreaterThanOrEqual(2);
      const pdb = objects.find(
        (o) =>
          o.kind === 'PodDisruptionBudget' &&
          o.metadata.namespace === workload.metadata.namespace &&
          JSON.stringify(dig(o, 'spec', 'selector', 'matchLabels')) === JSON.stringify(selector),
      );
      expect(pdb).toBeDefined();
      expect(dig(pdb, 'spec')?.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    },
  );

  test.each(containerCases)('%s: container-level baseline', (_name, _workload, spec, container) => {
    const sc = container.securityContext as Json;
    expect(sc.allowPrivilegeEscalation).toBe(false);
    expect(sc.privileged).toBe(false);
    expect(sc.readOnlyRootFilesystem).toBe(true);
    expect(sc.runAsNonRoot).toBe(true);
    expect(sc.runAsUser).toBeGreaterThan(MIN_NON_ROOT_ID_EXCLUSIVE);
    expect(sc.runAsGroup).toBeGreaterThan(MIN_NON_ROOT_ID_EXCLUSIVE);
    expect(sc.capabilities).toEqual({ drop: ['ALL'] });
    expect(sc.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.image).toMatch(/^[^@]+:[^@/]+@sha256:[a-f0-9]{64}$/);
    const resources = container.resources as Record<string, Json>;
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory', 'ephemeral-storage']) expect(resources[kind][resource]).toBeDefined();
    }
    for (const port of (container.ports as Json[] | undefined) ?? []) {
      expect(port.hostPort).toBeUndefined();
      expect(port.containerPort).toBeGreaterThanOrEqual(MIN_UNPRIVILEGED_PORT);
    }
    for (const env of (container.env as Json[] | undefined) ?? []) {
      expect(dig(env, 'valueFrom', 'secretKeyRef')).toBeUndefined();
      if (SECRET_LIKE_ENV_NAME.test(env.name as string)) expect(env.value).toBeUndefined();
    }
    for (const from of (container.envFrom as Json[] | undefined) ?? []) expect(from.secretRef).toBeUndefined();
    for (const mount of (container.volumeMounts as Json[] | undefined) ?? []) {
      expect(((spec.volumes as Json[]) ?? []).some((v) => v.name === mount.name)).toBe(true);
    }
  });

  test.each(containerCases.filter(([, workload, , c]) => c.name === 'agent' && workload.kind === 'Deployment'))(
    '%s: distinct probes on a declared port',
    (_name, _w, _spec, container) => {
      const readiness = container.readinessProbe as Json;
      const liveness = container.livenessProbe as Json;
      expect(readiness).toBeDefined();
      expect(liveness).toBeDefined();
      expect(liveness).not.toEqual(readiness);
      const declared = ((container.ports as Json[]) ?? []).flatMap((p) => [p.name, p.containerPort]);
      for (const probe of [readiness, liveness]) {
        const port = dig(probe, 'httpGet')?.port ?? dig(probe, 'tcpSocket')?.port;
        if (port !== undefined) expect(declared).toContain(port);
        expect(dig(probe, 'httpGet')?.host).toBeUndefined();
      }
    },
  );

  test('every ServiceAccount mounts no token and every Service is ClusterIP', () => {
    for (const sa of objects.filter((o) => o.kind === 'ServiceAccount'))
      expect(sa.automountServiceAccountToken).toBe(false);
    for (const svc of objects.filter((o) => o.kind === 'Service')) {
      expect(dig(svc, 'spec')?.type).toBe('ClusterIP');
      expect(dig(svc, 'spec')?.externalIPs).toBeUndefined();
    }
  });

  test('the default run-as IDs come from the one baseline definition', () => {
    for (const w of workloads) expect(dig(podSpecOf(w), 'securityContext')?.runAsGroup).toBe(DEFAULT_RUN_AS_GROUP);
  });

  test('every namespaced object is outside default and kube-system', () => {
    for (const o of objects) expect(['default', 'kube-system']).not.toContain(o.metadata.namespace);
  });

  const coreObjects = objects.filter((o) => !isCustomResource(o));
  test('only known add-on custom resources lack a built-in schema', () => {
    expect(
      objects.filter((o) => modelFor(o) === undefined && !isCustomResource(o)).map((o) => `${o.apiVersion} ${o.kind}`),
    ).toEqual([]);
  });

  test('the schema validation rejects a malformed object', () => {
    const deployment = objects.find((o) => o.kind === 'Deployment') as KubeObject;
    const broken = { ...deployment, spec: { ...(deployment.spec as Json), replicas: 'three' } };
    expect(openApiErrors(broken)).toMatch(/replicas/);
  });

  test.each(
    coreObjects.map((o) => [`${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o] as const),
  )('%s validates against the Kubernetes OpenAPI schema', (_name, obj) => {
    expect(openApiErrors(obj)).toBeUndefined();
  });
});
