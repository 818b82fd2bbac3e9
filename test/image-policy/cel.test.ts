import { Testing } from 'cdk8s';
import fc from 'fast-check';
import { ImagePolicy, celImageAllowed, imageChecks } from '../../lib/image-policy';
import { buildDefaultPlatform } from '../../stacks/platform';
import { KubeObject, appObjects, podSpecOf } from '../helpers/synth';
import { admit, evaluateCel, toCel } from './vap-evaluator';

const DIGEST = `sha256:${'4f6c1d0b'.repeat(8)}`;
const GOOD = `ghcr.io/acme-ai/assistant:1.4.2@${DIGEST}`;
const GOOD_INIT = `ghcr.io/acme-ai/setup:2.0.0@${DIGEST}`;

const MSG = {
  wellFormed: 'every image must be a lower-case reference',
  registry: 'every image must come from an allowed registry or repository: ghcr.io/acme-ai/',
  digest: 'every image must be pinned by digest',
  latest: "no image may use the 'latest' tag",
};

function defaultPlatform() {
  const app = Testing.app();
  const built = buildDefaultPlatform(app);
  const policy = ImagePolicy.of(built.platform) as ImagePolicy;
  const objects = appObjects(app);
  const vap = objects.find(
    (o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === 'agent-images',
  ) as KubeObject;
  const binding = objects.find(
    (o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === 'agent-images',
  ) as KubeObject;
  return { objects, policy, vap, binding };
}

const { objects, policy, vap, binding } = defaultPlatform();

interface Containers {
  containers?: { name: string; image: string }[];
  initContainers?: { name: string; image: string }[];
  ephemeralContainers?: { name: string; image: string }[];
}

const podSpec = (c: Containers) => ({ containers: [{ name: 'agent', image: GOOD }], ...c });
const meta = { name: 'x', namespace: 'agents' };
const pod = (c: Containers) => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: podSpec(c) });
const template = (c: Containers) => ({ metadata: { labels: { a: 'b' } }, spec: podSpec(c) });
const workload = (apiVersion: string, kind: string) => (c: Containers) => ({
  apiVersion,
  kind,
  metadata: meta,
  spec: { template: template(c) },
});
const deployment = workload('apps/v1', 'Deployment');
const cronJob = (c: Containers) => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: meta,
  spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: template(c) } } },
});
const main = (image: string) => ({ containers: [{ name: 'agent', image }] });

const bad: [string, object, string[], string][] = [
  ['a tag only', pod(main('ghcr.io/acme-ai/assistant:1.4.2')), [MSG.digest], 'agent=ghcr.io/acme-ai/assistant:1.4.2'],
  [
    'latest with a digest',
    pod(main(`ghcr.io/acme-ai/assistant:latest@${DIGEST}`)),
    [MSG.latest],
    'agent=ghcr.io/acme-ai/assistant:latest@',
  ],
  ['latest without a digest', pod(main('ghcr.io/acme-ai/assistant:latest')), [MSG.digest, MSG.latest], ':latest'],
  [
    'no tag and no digest (implied latest)',
    pod(main('ghcr.io/acme-ai/assistant')),
    [MSG.digest, MSG.latest],
    'agent=ghcr.io/acme-ai/assistant',
  ],
  [
    'another registry',
    pod(main(`quay.io/acme-ai/assistant:1@${DIGEST}`)),
    [MSG.registry],
    'agent=quay.io/acme-ai/assistant',
  ],
  [
    'Docker Hub, fully qualified',
    pod(main(`docker.io/library/nginx:1.27@${DIGEST}`)),
    [MSG.registry],
    'docker.io/library/nginx',
  ],
  ['Docker Hub, short name', pod(main(`nginx:1.27@${DIGEST}`)), [MSG.registry], 'agent=nginx:1.27'],
  [
    'a look-alike registry host',
    pod(main(`ghcr.io.evil.io/acme-ai/assistant:1@${DIGEST}`)),
    [MSG.registry],
    'ghcr.io.evil.io',
  ],
  [
    'a look-alike organization',
    pod(main(`ghcr.io/acme-ai-evil/assistant:1@${DIGEST}`)),
    [MSG.registry],
    'acme-ai-evil',
  ],
  [
    'the organization name without a slash',
    pod(main(`ghcr.io/acme-aix:1@${DIGEST}`)),
    [MSG.registry],
    'ghcr.io/acme-aix',
  ],
  [
    'the allowed registry on an explicit port',
    pod(main(`ghcr.io:443/acme-ai/assistant:1@${DIGEST}`)),
    [MSG.registry],
    'ghcr.io:443',
  ],
  [
    'an upper-case registry',
    pod(main(`GHCR.IO/acme-ai/assistant:1@${DIGEST}`)),
    [MSG.wellFormed, MSG.registry],
    'GHCR.IO',
  ],
  ['an upper-case repository', pod(main(`ghcr.io/acme-ai/Assistant:1@${DIGEST}`)), [MSG.wellFormed], 'Assistant'],
  [
    'a digest one character short',
    pod(main(`ghcr.io/acme-ai/assistant:1@sha256:${'a'.repeat(63)}`)),
    [MSG.wellFormed, MSG.digest],
    'sha256:aaa',
  ],
  [
    'a digest one character long',
    pod(main(`ghcr.io/acme-ai/assistant:1@sha256:${'a'.repeat(65)}`)),
    [MSG.wellFormed, MSG.digest],
    'sha256:aaa',
  ],
  [
    'an upper-case digest',
    pod(main(`ghcr.io/acme-ai/assistant:1@sha256:${'A'.repeat(64)}`)),
    [MSG.wellFormed, MSG.digest],
    'sha256:AAA',
  ],
  [
    'a sha512 digest',
    pod(main(`ghcr.io/acme-ai/assistant:1@sha512:${'a'.repeat(128)}`)),
    [MSG.wellFormed, MSG.digest],
    'sha512:',
  ],
  ['a path traversal', pod(main(`ghcr.io/acme-ai/../evil/x:1@${DIGEST}`)), [MSG.wellFormed], '/../'],
  [
    'trailing text after the digest',
    pod(main(`ghcr.io/acme-ai/assistant:1@${DIGEST}x`)),
    [MSG.wellFormed, MSG.digest],
    `${DIGEST}x`,
  ],
  [
    'leading whitespace',
    pod(main(` ghcr.io/acme-ai/assistant:1@${DIGEST}`)),
    [MSG.wellFormed, MSG.registry],
    'agent= ghcr.io',
  ],
  ['an empty image', pod(main('')), [MSG.wellFormed, MSG.registry, MSG.digest, MSG.latest], 'agent='],
  [
    'a bad init container',
    pod({ initContainers: [{ name: 'init', image: `docker.io/busybox:1@${DIGEST}` }] }),
    [MSG.registry],
    'init=docker.io/busybox',
  ],
  [
    'a bad ephemeral container',
    pod({ ephemeralContainers: [{ name: 'debug', image: 'ghcr.io/acme-ai/debug:1' }] }),
    [MSG.digest],
    'debug=ghcr.io/acme-ai/debug:1',
  ],
  [
    'a bad second container',
    pod({
      containers: [
        { name: 'agent', image: GOOD },
        { name: 'sidecar', image: `quay.io/x/y:1@${DIGEST}` },
      ],
    }),
    [MSG.registry],
    'sidecar=quay.io/x/y',
  ],
  ['a bad CronJob template', cronJob(main('ghcr.io/acme-ai/cron:2')), [MSG.digest], 'agent=ghcr.io/acme-ai/cron:2'],
  [
    'a CronJob with a bad init container',
    cronJob({ initContainers: [{ name: 'init', image: `evil.io/x:1@${DIGEST}` }] }),
    [MSG.registry],
    'init=evil.io/x',
  ],
  [
    'a bad Deployment template',
    deployment(main(`ghcr.io/acme-ai/x:latest@${DIGEST}`)),
    [MSG.latest],
    'agent=ghcr.io/acme-ai/x:latest',
  ],
  [
    'a bad StatefulSet template',
    workload('apps/v1', 'StatefulSet')(main('quay.io/x/y:1')),
    [MSG.registry, MSG.digest],
    'quay.io/x/y',
  ],
  [
    'a bad DaemonSet template',
    workload('apps/v1', 'DaemonSet')(main('ghcr.io/acme-ai/x:1')),
    [MSG.digest],
    'ghcr.io/acme-ai/x:1',
  ],
  [
    'a bad ReplicaSet template',
    workload('apps/v1', 'ReplicaSet')(main(`registry.example.com.evil.io/acme-ai/x:1@${DIGEST}`)),
    [MSG.registry],
    'registry.example.com.evil.io',
  ],
  [
    'a bad Job template',
    workload('batch/v1', 'Job')({ initContainers: [{ name: 'init', image: 'ghcr.io/acme-ai/init' }] }),
    [MSG.digest, MSG.latest],
    'init=ghcr.io/acme-ai/init',
  ],
];

describe('the ValidatingAdmissionPolicy, evaluated as CEL', () => {
  test('the default platform emits it for every in-scope namespace', () => {
    expect(vap.apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
    expect(binding.spec).toEqual({
      policyName: 'agent-images',
      validationActions: ['Deny'],
      matchResources: {
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['agents'] }],
        },
      },
    });
  });

  const templated = objects.filter((o) => podSpecOf(o) !== undefined);
  test('the project synthesizes pod templates to check', () => {
    expect(templated.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining(['Deployment/assistant', 'Deployment/tool-runner']),
    );
  });

  test.each(templated.map((o) => [`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o] as const))(
    'admits the synthesized %s',
    (_name, obj) => {
      for (const operation of ['CREATE', 'UPDATE'] as const) {
        expect(admit(vap, binding, obj, { operation })).toEqual({
          matched: true,
          admitted: true,
          messages: [],
          actions: ['Deny'],
        });
      }
    },
  );

  test.each([
    [
      'a pod with init and ephemeral containers',
      pod({
        initContainers: [{ name: 'init', image: GOOD_INIT }],
        ephemeralContainers: [{ name: 'debug', image: GOOD_INIT }],
      }),
    ],
    ['a CronJob', cronJob({})],
    ['a StatefulSet', workload('apps/v1', 'StatefulSet')({})],
    ['a Job', workload('batch/v1', 'Job')({})],
    ['a tag-less digest reference', pod(main(`ghcr.io/acme-ai/assistant@${DIGEST}`))],
    ['a nested repository', pod(main(`ghcr.io/acme-ai/team/tools/runner:v1_2.3-rc.1@${DIGEST}`))],
  ])('admits %s with good images', (_name, obj) => {
    expect(admit(vap, binding, obj)).toMatchObject({ matched: true, admitted: true });
  });

  test('the table covers at least 25 bad images and pods', () => expect(bad.length).toBeGreaterThanOrEqual(25));

  test.each(bad)('denies %s', (_name, obj, expected, refused) => {
    const result = admit(vap, binding, obj as Record<string, unknown>);
    if (!result.matched) throw new Error('the policy did not match');
    expect(result.admitted).toBe(false);
    expect(result.messages.map((m) => Object.values(MSG).find((prefix) => m.startsWith(prefix)))).toEqual(expected);
    for (const message of result.messages) expect(message).toContain(`; refused: `);
    expect(result.messages[0]).toContain(refused);
  });

  test('denies a bad ephemeral container added through the pods/ephemeralcontainers subresource', () => {
    const obj = pod({ ephemeralContainers: [{ name: 'debug', image: `busybox:1@${DIGEST}` }] });
    expect(admit(vap, binding, obj, { operation: 'UPDATE', subResource: 'ephemeralcontainers' })).toEqual({
      matched: true,
      admitted: false,
      messages: [`${MSG.registry}; refused: debug=busybox:1@${DIGEST}`],
      actions: ['Deny'],
    });
  });

  test('a synthesized workload with a tampered image is denied with the container named', () => {
    const deploymentObj = JSON.parse(
      JSON.stringify(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'assistant')),
    );
    deploymentObj.spec.template.spec.containers[0].image = 'ghcr.io/acme-ai/assistant:1.4.2';
    expect(admit(vap, binding, deploymentObj)).toMatchObject({
      admitted: false,
      messages: [
        `every image must be pinned by digest (@sha256:<64 lower-case hex>); refused: agent=ghcr.io/acme-ai/assistant:1.4.2`,
      ],
    });
  });

  test('objects outside the bound namespaces or being deleted are not matched', () => {
    expect(admit(vap, binding, { ...pod(main('evil')), metadata: { name: 'x', namespace: 'other' } })).toEqual({
      matched: false,
    });
    expect(
      admit(
        vap,
        binding,
        { ...pod(main('evil')), metadata: { ...meta, deletionTimestamp: '2024-01-01T00:00:00Z' } },
        { operation: 'UPDATE' },
      ),
    ).toEqual({ matched: false });
  });

  test('a pod without an image fails closed', () => {
    const result = admit(vap, binding, pod({ containers: [{ name: 'agent' } as { name: string; image: string }] }));
    expect(result).toMatchObject({ matched: true, admitted: false });
  });
});

describe('CEL and the synth-time check agree', () => {
  const allowed = celImageAllowed('image', policy.settings);
  const celSays = (image: string) => evaluateCel(allowed, toCel({ image }) as Record<string, unknown>) === true;

  test.each(bad.flatMap(([, obj]) => imagesOf(obj)).filter((i) => i !== GOOD))('refuses %p in both', (image) => {
    expect(celSays(image)).toBe(false);
    expect(policy.violation(image)).toBeDefined();
  });

  test('on random references built from the grammar and from noise', () => {
    const component = fc.stringMatching(/^[a-z0-9]{1,6}([._-][a-z0-9]{1,4})?$/);
    const reference = fc
      .tuple(
        fc.constantFrom(
          'ghcr.io/acme-ai/',
          'ghcr.io/',
          'ghcr.io.evil.io/acme-ai/',
          'quay.io/',
          '',
          'GHCR.io/acme-ai/',
          'localhost:5000/',
        ),
        fc.array(component, { minLength: 1, maxLength: 3 }),
        fc.option(fc.constantFrom(':1.0', ':latest', ':LATEST', ':-x', ':v2_0'), { nil: '' }),
        fc.option(fc.constantFrom(`@${DIGEST}`, '@sha256:abc', `@sha256:${'F'.repeat(64)}`), { nil: '' }),
      )
      .map(([prefix, parts, tag, digest]) => `${prefix}${parts.join('/')}${tag}${digest}`);
    const noise = fc.string({ maxLength: 40 }).map((s) => `ghcr.io/acme-ai/${s}`);
    fc.assert(
      fc.property(fc.oneof(reference, noise), (image) => {
        expect(policy.violation(image) === undefined).toBe(celSays(image));
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 300) },
    );
  });

  test('every check has a CEL predicate and a message', () => {
    expect(imageChecks(policy.settings).map((c) => c.id)).toEqual([
      'well-formed',
      'allowed-registry',
      'digest',
      'no-latest',
    ]);
  });
});

function imagesOf(obj: object): string[] {
  const spec = podSpecOf(obj as KubeObject) as Containers;
  return [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map(
    (c) => c.image,
  );
}
