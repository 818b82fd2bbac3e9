import fc from 'fast-check';
import { SECRET_LIKE_ENV_NAME, SUPPORTED_KUBERNETES_MINORS } from '../../lib/core';
import { AgentPort, HardenedAgentProps } from '../../lib/workload';

/**
 * A namespace quota large enough for any generated set of agents at its rolling-update peak (up to
 * 3 agents × 6 pods × the largest generated resources). Whether a quota fits is its own property
 * (test/foundation/quota-budget.test.ts); here the agents are the subject.
 */
export const ROOMY_QUOTA: Record<string, string> = {
  'requests.cpu': '200',
  'limits.cpu': '200',
  'requests.memory': '400Gi',
  'limits.memory': '400Gi',
  'requests.ephemeral-storage': '200Gi',
  'limits.ephemeral-storage': '200Gi',
  pods: '200',
};

/** Runs per property: 200 in CI, `npm run test:deep` sets FC_NUM_RUNS=10000. */
export const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 200);

export const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/);
export const kubernetesVersion = fc.constantFrom(...SUPPORTED_KUBERNETES_MINORS.map((m) => `1.${m}`));
export const digest = fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`);
/** Registries and repository prefixes generated images come from (an ImagePolicy allowlist covers them). */
export const IMAGE_PREFIXES = ['ghcr.io/acme-ai', 'registry.example.com:5000/team', 'docker.io/acme'] as const;
export const image = fc
  .tuple(
    fc.constantFrom(...IMAGE_PREFIXES),
    dnsLabel,
    fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$/),
    digest,
  )
  .map(([prefix, repo, tag, d]) => `${prefix}/${repo}:${tag}@${d}`);

const portName = fc.stringMatching(/^[a-z]([a-z0-9]{0,9})$/);
export const ports = fc
  .uniqueArray(fc.record({ name: portName, port: fc.integer({ min: 1024, max: 65535 }) }), {
    minLength: 0,
    maxLength: 3,
    selector: (p) => p.name,
  })
  .filter((list) => new Set(list.map((p) => p.port)).size === list.length) as fc.Arbitrary<AgentPort[]>;

/** A request/limit pair with request <= limit <= max (the namespace LimitRange's default max), in millicores or MiB. */
const range = (unit: 'm' | 'Mi', max: number) =>
  fc
    .tuple(fc.integer({ min: 1, max }), fc.integer({ min: 1, max }))
    .map(([a, b]) => ({ request: `${Math.min(a, b)}${unit}`, limit: `${Math.max(a, b)}${unit}` }));

export const resources = fc.record(
  { cpu: range('m', 4000), memory: range('Mi', 8192), ephemeralStorage: range('Mi', 4096) },
  { requiredKeys: [] },
);

const envName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/).filter((n) => !SECRET_LIKE_ENV_NAME.test(n));
export const config = fc.dictionary(envName, fc.string({ maxLength: 40 }), { maxKeys: 4 });
// A writable mount at /var or /var/run would cover the legacy token path: HRD-LegacyTokenPath
// refuses it at synth (a valid refusal, not what these properties are about).
export const writablePaths = fc.uniqueArray(
  fc.stringMatching(/^\/[a-z]{1,8}(\/[a-z]{1,8})?$/).filter((p) => !'/var/run/secrets/'.startsWith(`${p}/`)),
  {
    minLength: 1,
    maxLength: 3,
  },
);
const id = fc.integer({ min: 10001, max: 2_000_000 });

export const agentProps: fc.Arbitrary<HardenedAgentProps> = fc
  .record({
    image,
    ports,
    replicas: fc.integer({ min: 1, max: 5 }),
    resources,
    config,
    writablePaths,
    runAsUser: id,
    runAsGroup: id,
    fsGroup: id,
    initContainers: fc.uniqueArray(
      fc.record({ name: dnsLabel.filter((n) => n !== 'agent'), image, command: fc.constant(['/bin/init']) }),
      { maxLength: 2, selector: (c) => c.name },
    ),
  })
  .map((props) =>
    props.ports.length > 0
      ? props
      : {
          ...props,
          probes: {
            readiness: { exec: { command: ['/bin/ready'] } },
            liveness: { exec: { command: ['/bin/alive'] }, periodSeconds: 30 },
          },
        },
  );
