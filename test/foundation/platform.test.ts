import { Testing } from 'cdk8s';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { buildDefaultPlatform } from '../../stacks/platform';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';
import { podPlumbing } from '../../lib/agent-pod/plumbing';
import { appObjects, dig, findObject, podSpecOf, synthDefaultPlatform } from '../helpers/synth';

const IMAGE = `ghcr.io/acme-ai/agent:1.0.0@sha256:${'b'.repeat(64)}`;

describe('default platform', () => {
  test('matches the snapshot', () => {
    expect(synthDefaultPlatform().objects).toMatchSnapshot();
  });

  test('two synths are byte-identical', () => {
    const render = () => {
      const app = Testing.app();
      buildDefaultPlatform(app);
      return app.charts.map((c) => JSON.stringify(c.toJson())).join('\n');
    };
    expect(render()).toBe(render());
  });

  test('contains the namespace baseline and both agents', () => {
    const { objects } = synthDefaultPlatform();
    const ns = DEFAULT_PLATFORM_CONFIG.namespace;
    for (const [kind, name] of [
      ['Namespace', ns],
      ['ResourceQuota', 'agent-quota'],
      ['LimitRange', 'agent-limits'],
      ['NetworkPolicy', 'default-deny'],
      ['Deployment', 'assistant'],
      ['Deployment', 'tool-runner'],
      ['ServiceAccount', 'assistant'],
      ['ServiceAccount', 'tool-runner'],
      ['Service', 'assistant'],
      ['PodDisruptionBudget', 'tool-runner'],
    ]) {
      expect(() => findObject(objects, kind, name)).not.toThrow();
    }
    expect(findObject(objects, 'PriorityClass', `${ns}-agents`).metadata.namespace).toBeUndefined();
  });
});

describe('AgentNamespace', () => {
  const build = (kubernetesVersion = '1.28') => {
    const app = Testing.app();
    const platform = new AgentPlatform(app, 'platform', { kubernetesVersion, nodeLocalDns: true });
    new AgentNamespace(platform, 'team-a', {
      quota: { pods: '10' },
      priorityClass: { name: 'agents-high', value: 5000 },
    });
    return appObjects(app);
  };

  test('labels the Namespace for Pod Security Admission at the pinned version', () => {
    const ns = findObject(build('1.31'), 'Namespace', 'team-a');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toEqual(
      expect.objectContaining({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.31',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/audit-version': 'v1.31',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'v1.31',
      }),
    );
  });

  test('default-deny selects every pod in both directions and lets only DNS out', () => {
    const policy = findObject(build(), 'NetworkPolicy', 'default-deny');
    expect(policy.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
        {
          to: [{ ipBlock: { cidr: '169.254.20.10/32' } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
  });

  test('quota overrides merge over the defaults; the PriorityClass can be named', () => {
    const objects = build();
    const hard = dig(findObject(objects, 'ResourceQuota', 'agent-quota'), 'spec', 'hard') as Record<string, string>;
    expect(hard.pods).toBe('10');
    expect(hard['limits.memory']).toBe('32Gi');
    expect(hard['services.loadbalancers']).toBe('0');
    expect(findObject(objects, 'PriorityClass', 'agents-high')).toEqual(
      expect.objectContaining({ value: 5000, preemptionPolicy: 'Never', globalDefault: false }),
    );
  });

  test('an existing PriorityClass is referenced, not created', () => {
    const app = Testing.app();
    const ns = new AgentNamespace(new AgentPlatform(app, 'platform'), 'agents', {
      priorityClass: { name: 'platform-critical', existing: true },
    });
    new HardenedAgent(ns, 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
    const objects = appObjects(app);
    expect(objects.filter((o) => o.kind === 'PriorityClass')).toEqual([]);
    expect(podSpecOf(findObject(objects, 'Deployment', 'bot'))?.priorityClassName).toBe('platform-critical');
  });
});

describe('HardenedAgent', () => {
  const build = (kubernetesVersion = '1.28') => {
    const app = Testing.app();
    const ns = new AgentNamespace(new AgentPlatform(app, 'platform', { kubernetesVersion }), 'agents');
    const agent = new HardenedAgent(ns, 'worker', {
      image: IMAGE,
      replicas: 1,
      probes: {
        readiness: { exec: { command: ['/bin/ready'] } },
        liveness: { exec: { command: ['/bin/alive'] }, periodSeconds: 30 },
      },
      initContainers: [{ name: 'migrate', image: IMAGE, command: ['/migrate'] }],
      writablePaths: ['/tmp', '/var/cache/agent'],
    });
    return { agent, objects: appObjects(app) };
  };

  test('an agent without ports gets no Service; one replica gets no PDB', () => {
    const { objects } = build();
    expect(objects.filter((o) => o.kind === 'Service' || o.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('init containers get the same hardening and mounts as the agent', () => {
    const spec = podSpecOf(findObject(build().objects, 'Deployment', 'worker')) as Record<
      string,
      Array<Record<string, unknown>>
    >;
    const [init] = spec.initContainers;
    const [main] = spec.containers;
    expect(init.securityContext).toEqual(main.securityContext);
    expect(init.volumeMounts).toEqual(main.volumeMounts);
    expect(init.resources).toEqual(main.resources);
  });

  test('every writable path is an emptyDir mount', () => {
    const spec = podSpecOf(findObject(build().objects, 'Deployment', 'worker')) as Record<
      string,
      Array<Record<string, unknown>>
    >;
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'writable-0', mountPath: '/tmp', readOnly: false },
      { name: 'writable-1', mountPath: '/var/cache/agent', readOnly: false },
    ]);
    expect(spec.volumes.map((v) => Object.keys(v).sort())).toEqual([
      ['emptyDir', 'name'],
      ['emptyDir', 'name'],
    ]);
  });

  test('AppArmor uses the annotation before 1.30 and the field from 1.30', () => {
    const old = findObject(build('1.29').objects, 'Deployment', 'worker');
    expect(dig(old, 'spec', 'template', 'metadata', 'annotations')).toEqual({
      'container.apparmor.security.beta.kubernetes.io/agent': 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/migrate': 'runtime/default',
    });
    expect(dig(podSpecOf(old), 'securityContext', 'appArmorProfile')).toBeUndefined();
    const current = findObject(build('1.30').objects, 'Deployment', 'worker');
    expect(dig(current, 'spec', 'template', 'metadata', 'annotations')).toBeUndefined();
    expect(dig(podSpecOf(current), 'securityContext', 'appArmorProfile')).toEqual({ type: 'RuntimeDefault' });
  });

  test('a projected token is audience-bound, short-lived and never the legacy automount', () => {
    const app = Testing.app();
    const ns = new AgentNamespace(new AgentPlatform(app, 'platform'), 'agents');
    const agent = new HardenedAgent(ns, 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
    // Tokens are plumbing: features (Vault, API access) ask for them through the pod contract.
    const plumbing = podPlumbing(agent);
    plumbing.addProjectedServiceAccountToken({ audience: 'vault', expirationSeconds: 900 });
    const spec = podSpecOf(findObject(appObjects(app), 'Deployment', 'bot')) as Record<string, unknown>;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.volumes).toContainEqual({
      name: 'token-vault',
      projected: { sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 900, path: 'token' } }] },
    });
    expect(() => plumbing.addProjectedServiceAccountToken({ audience: 'api', expirationSeconds: 86400 })).toThrow(
      /token\.expirationSeconds: invalid value 86400 \(long-lived tokens outlive the agent that holds them\)\. Allowed: an integer from 600 to 3600/,
    );
  });
});
