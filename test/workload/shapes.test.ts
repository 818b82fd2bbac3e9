import { JsonPatch, Testing } from 'cdk8s';
import { packNames, runRules } from '../../lib/rules';
import { AgentTask, ScheduledAgent, StatefulAgent } from '../../lib/workload';
import { isCustomResource, openApiErrors } from '../helpers/openapi';
import { KubeObject, appObjects, dig, findObject, podSpecOf } from '../helpers/synth';
import {
  ALL_SHAPES,
  IMAGE,
  NEW_SHAPES,
  WATCHED_CLUSTER,
  addImagePolicy,
  fixture,
  withFullBaseline,
  withImagePolicy,
} from './helpers';

type Json = Record<string, unknown>;

/** The shape in a platform with every control the packs judge (attestations, runtime rules; issue 20). */
function objectsOf(shape: (typeof ALL_SHAPES)[number], props = {}): KubeObject[] {
  const f = fixture(WATCHED_CLUSTER);
  shape.build(f.ns, 'bot', props as never);
  return withFullBaseline(f);
}

function findings(objects: KubeObject[], packs: string[]): string[] {
  return runRules(objects, { packs }).results.flatMap((r) =>
    r.findings.filter((f) => !f.suppressed).map((f) => `${f.rule} ${r.kind}/${r.name}: ${f.message}`),
  );
}

describe.each(ALL_SHAPES.map((s) => [s.name, s] as const))('%s', (_name, shape) => {
  const objects = objectsOf(shape);
  const workload = findObject(objects, shape.kind, 'bot');

  test('snapshot of its objects', () => {
    expect(objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/instance'] === 'bot')).toMatchSnapshot();
  });

  test('every object validates against its OpenAPI schema', () => {
    expect(objects.filter((o) => !isCustomResource(o)).flatMap((o) => openApiErrors(o) ?? [])).toEqual([]);
  });

  test('Pod Security restricted at every supported version: no finding of the pss-restricted pack', () => {
    for (const version of ['1.28', '1.30', '1.34']) {
      const f = fixture({ kubernetesVersion: version });
      shape.build(f.ns, 'bot');
      expect(findings(withImagePolicy(f), ['pss-restricted'])).toEqual([]);
    }
  });

  test('every rule pack is clean, warnings included', () => {
    // The gdpr pack warns about agents that do not declare their data; a declared one is clean.
    expect(findings(objectsOf(shape, { data: { categories: ['none'] } }), packNames())).toEqual([]);
    expect(findings(objects, packNames())).toEqual([
      `GDPR-Undeclared ${shape.kind}/bot: agent has no data declaration (unknown): its processing cannot be recorded`,
    ]);
  });

  test('the pod keeps the baseline: no token, read-only root, non-root, all capabilities dropped', () => {
    const spec = podSpecOf(workload) as Json;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('bot');
    const container = (spec.containers as Json[])[0];
    expect(container.securityContext).toEqual(
      expect.objectContaining({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      }),
    );
    expect(dig(spec, 'securityContext', 'seccompProfile')).toEqual({ type: 'RuntimeDefault' });
  });

  test('gets its NetworkPolicy and ServiceAccount', () => {
    expect(findObject(objects, 'NetworkPolicy', 'bot').metadata.namespace).toBe('agents');
    expect(findObject(objects, 'ServiceAccount', 'bot')).toEqual(
      expect.objectContaining({ automountServiceAccountToken: false }),
    );
  });

  test('is deterministic', () => {
    expect(JSON.stringify(objectsOf(shape))).toBe(JSON.stringify(objects));
  });
});

describe.each(NEW_SHAPES.map((s) => [s.name, s] as const))('%s through the pod contract', (_name, shape) => {
  test('API grants bind a Role to its own ServiceAccount, with a projected API token', () => {
    const f = fixture({ apiServerEndpoints: { cidrs: ['192.0.2.10/32'] } });
    const agent = shape.build(f.ns, 'bot');
    const grant = agent.grantApiAccess({ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] });
    expect(grant.role.name).toBe('bot-api');
    expect(grant.serviceAccount).toEqual({ namespace: 'agents', name: 'bot' });
    const spec = podSpecOf(findObject(withImagePolicy(f), shape.kind, 'bot')) as Json;
    expect(JSON.stringify(spec.volumes)).toContain('kube-api-token');
  });

  test('Vault CSI delivery mounts read-only secrets and orders the SecretProviderClass first', () => {
    const f = fixture();
    shape.build(f.ns, 'bot', {
      secrets: { mode: 'csi', items: [{ name: 'llm', mount: 'kv', path: 'bot/llm', keys: ['key'] }] },
    } as never);
    const objects = withImagePolicy(f);
    const mounts = ((podSpecOf(findObject(objects, shape.kind, 'bot')) as Json).containers as Json[])[0].volumeMounts;
    expect(mounts).toContainEqual({ name: 'vault-secrets', mountPath: '/vault/secrets', readOnly: true });
    const order = objects.map((o) => o.kind);
    expect(order.indexOf('SecretProviderClass')).toBeLessThan(order.indexOf(shape.kind));
  });

  test('a sandbox sets the RuntimeClass and runsGeneratedCode labels the workload', () => {
    const f = fixture();
    shape.build(f.ns, 'bot', { sandbox: 'gvisor', runsGeneratedCode: true } as never);
    const workload = findObject(withImagePolicy(f), shape.kind, 'bot');
    expect((podSpecOf(workload) as Json).runtimeClassName).toBe('gvisor');
    expect(workload.metadata.labels?.['agent-baseline.io/runs-generated-code']).toBe('true');
  });

  test('guardrails bound what it creates', () => {
    const f = fixture();
    const agent = shape.build(f.ns, 'bot', { guardrails: { allowedRegistries: ['ghcr.io/acme-ai'] } } as never);
    expect(agent.guardrails?.policies.length).toBeGreaterThan(0);
  });

  test('the image policy judges its images at synth', () => {
    const f = fixture();
    shape.build(f.ns, 'bot', { image: `docker.io/evil/bot:1.0.0@sha256:${'e'.repeat(64)}` } as never);
    addImagePolicy(f);
    expect(() => f.app.synthYaml()).toThrow(/docker\.io\/evil\/bot.*would be refused at admission/);
  });
});

describe('ScheduledAgent', () => {
  const f = fixture();
  new ScheduledAgent(f.ns, 'triage', { image: IMAGE, schedule: '@daily', timeZone: 'Europe/Berlin' });
  const objects = withImagePolicy(f);
  const cron = findObject(objects, 'CronJob', 'triage');
  const spec = cron.spec as Json;

  test('one run at a time, deadlines to start and to finish, bounded history', () => {
    expect(spec).toEqual(
      expect.objectContaining({
        schedule: '@daily',
        timeZone: 'Europe/Berlin',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
      }),
    );
    expect(dig(spec, 'jobTemplate', 'spec')).toEqual(
      expect.objectContaining({ activeDeadlineSeconds: 3600, backoffLimit: 0 }),
    );
    expect(dig(spec, 'jobTemplate', 'spec', 'template', 'spec')?.restartPolicy).toBe('Never');
  });

  test('no ttlSecondsAfterFinished on its job template (it would fight the history limits)', () => {
    expect(dig(spec, 'jobTemplate', 'spec')).not.toHaveProperty('ttlSecondsAfterFinished');
  });

  test('no Service, no PodDisruptionBudget, no ports', () => {
    expect(objects.filter((o) => ['Service', 'PodDisruptionBudget'].includes(o.kind))).toEqual([]);
    expect(((podSpecOf(cron) as Json).containers as Json[])[0]).not.toHaveProperty('ports');
  });

  test("'Replace' is accepted and counts two runs against the quota", () => {
    const g = fixture({}, { quota: { pods: '1' } });
    new ScheduledAgent(g.ns, 'triage', { image: IMAGE, schedule: '0 * * * *', concurrencyPolicy: 'Replace' });
    expect(() => g.app.synthYaml()).toThrow(/quota\.pods: the agents need up to 2 pods/);
    const h = fixture({}, { quota: { pods: '1' } });
    new ScheduledAgent(h.ns, 'triage', { image: IMAGE, schedule: '0 * * * *' });
    addImagePolicy(h);
    expect(() => h.app.synthYaml()).not.toThrow();
  });
});

describe('AgentTask', () => {
  const f = fixture();
  new AgentTask(f.ns, 'eval', { image: IMAGE, ttlSecondsAfterFinished: 600, backoffLimit: 2 });
  const objects = withImagePolicy(f);
  const job = findObject(objects, 'Job', 'eval');

  test('deadline, TTL and retries', () => {
    expect(job.spec).toEqual(
      expect.objectContaining({ activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 600, backoffLimit: 2 }),
    );
    expect((podSpecOf(job) as Json).restartPolicy).toBe('Never');
  });

  test('no Service and no spread constraints for a single run', () => {
    expect(objects.filter((o) => o.kind === 'Service')).toEqual([]);
    expect(podSpecOf(job)).not.toHaveProperty('topologySpreadConstraints');
  });
});

describe('StatefulAgent', () => {
  const f = fixture();
  new StatefulAgent(f.ns, 'memory', {
    image: IMAGE,
    ports: [{ name: 'grpc', port: 6334 }],
    storageSize: '20Gi',
    storageClassName: 'encrypted-ssd',
    replicas: 3,
  });
  const objects = withImagePolicy(f);
  const sts = findObject(objects, 'StatefulSet', 'memory');
  const spec = podSpecOf(sts) as Json;

  test('one claim per replica from volumeClaimTemplates, with its class and size', () => {
    expect(dig(sts, 'spec')?.volumeClaimTemplates).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ name: 'data' }),
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'encrypted-ssd',
          resources: { requests: { storage: '20Gi' } },
        },
      }),
    ]);
  });

  test('writable only at its data path', () => {
    const container = (spec.containers as Json[])[0];
    const writable = (container.volumeMounts as Json[]).filter((m) => m.readOnly === false);
    expect(writable).toEqual([{ name: 'data', mountPath: '/data', readOnly: false }]);
    expect(dig(container, 'securityContext')?.readOnlyRootFilesystem).toBe(true);
    expect(spec.volumes).toBeUndefined();
  });

  test('files are re-owned only when the volume root does not match (fsGroupChangePolicy OnRootMismatch)', () => {
    expect(dig(spec, 'securityContext')?.fsGroupChangePolicy).toBe('OnRootMismatch');
  });

  test('a headless Service names the replicas; a PodDisruptionBudget and spread come with replicas', () => {
    const service = findObject(objects, 'Service', 'memory');
    expect(dig(service, 'spec')?.clusterIP).toBe('None');
    expect(dig(sts, 'spec')?.serviceName).toBe('memory');
    expect(findObject(objects, 'PodDisruptionBudget', 'memory')).toBeDefined();
    expect(spec.topologySpreadConstraints).toBeDefined();
    const order = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(order.indexOf('Service/memory')).toBeLessThan(order.indexOf('StatefulSet/memory'));
  });

  test('its volumes count against the storage quota, overall and per StorageClass', () => {
    const cases: Array<[Record<string, string>, RegExp | undefined]> = [
      [{ 'requests.storage': '60Gi', persistentvolumeclaims: '3' }, undefined],
      [
        { 'requests.storage': '50Gi' },
        /quota\.requests\.storage: the agents' volume claims need 60Gi \(memory: 60Gi\)/,
      ],
      [
        { persistentvolumeclaims: '2' },
        /quota\.persistentvolumeclaims: the agents' volume claims need 3 \(memory: 3\)/,
      ],
      [
        { 'encrypted-ssd.storageclass.storage.k8s.io/requests.storage': '40Gi' },
        /quota\.encrypted-ssd\.storageclass\.storage\.k8s\.io\/requests\.storage/,
      ],
      [{ 'other.storageclass.storage.k8s.io/requests.storage': '1Gi' }, undefined],
    ];
    for (const [quota, problem] of cases) {
      const g = fixture({}, { quota });
      new StatefulAgent(g.ns, 'memory', {
        image: IMAGE,
        ports: [{ name: 'grpc', port: 6334 }],
        storageSize: '20Gi',
        storageClassName: 'encrypted-ssd',
        replicas: 3,
      });
      addImagePolicy(g);
      if (problem) expect(() => g.app.synthYaml()).toThrow(problem);
      else expect(() => g.app.synthYaml()).not.toThrow();
    }
  });

  test('the Vault Secrets Operator restarts the StatefulSet; batch shapes get no restart target', () => {
    const g = fixture();
    const secrets = { mode: 'operator' as const, items: [{ name: 'db', mount: 'kv', path: 'x/db', keys: ['pw'] }] };
    new StatefulAgent(g.ns, 'memory', {
      image: IMAGE,
      ports: [{ name: 'grpc', port: 6334 }],
      storageSize: '1Gi',
      secrets,
    });
    new ScheduledAgent(g.ns, 'triage', { image: IMAGE, schedule: '@hourly', secrets });
    const objects = appObjects(g.app);
    expect(dig(findObject(objects, 'VaultStaticSecret', 'memory-db'), 'spec')?.rolloutRestartTargets).toEqual([
      { kind: 'StatefulSet', name: 'memory' },
    ]);
    expect(dig(findObject(objects, 'VaultStaticSecret', 'triage-db'), 'spec')).not.toHaveProperty(
      'rolloutRestartTargets',
    );
  });
});

describe('the hardening pack sees what the shapes leave out', () => {
  test('a CronJob patched to add ttlSecondsAfterFinished through the escape hatch fails synth', () => {
    const f = fixture();
    const agent = new ScheduledAgent(f.ns, 'triage', { image: IMAGE, schedule: '@daily' });
    withImagePolicy(f);
    agent.escapeHatch().addJsonPatch(JsonPatch.add('/spec/jobTemplate/spec/ttlSecondsAfterFinished', 60));
    const objects = Testing.synth(f.ns) as KubeObject[];
    expect(findings(objects, ['hardening'])).toEqual([
      'HRD-JobLifecycle CronJob/triage: CronJob jobTemplate sets ttlSecondsAfterFinished',
    ]);
  });
});
