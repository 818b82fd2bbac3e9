import { App, Testing } from 'cdk8s';
import { AgentGuardrailsProps, CREATED_BY_LABEL } from '../../lib/guardrails';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';
import { containerSecurityContext, podSecurityContext } from '../../lib/core';
import { AdmissionAttributes, evaluatePolicy, PolicySpec } from '../helpers/cel';
import { appObjects, findObject, KubeObject } from '../helpers/synth';

const IMAGE =
  'ghcr.io/acme-ai/tool-runner:0.9.0@sha256:9a8b7c6d5e4f30211f2e3d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f0';
const JOB_IMAGE =
  'ghcr.io/acme-ai/sandbox:1.0.0@sha256:4f6c1d0b8e3a2f9c7d5e1b0a3c8f6e2d9b7a5c3e1f0d8b6a4c2e0f9d7b5a3c1e';
// Request objects are free-form JSON that the tests mutate field by field.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const AGENT_USER = 'system:serviceaccount:agents:tool-runner';

function build(guardrails: AgentGuardrailsProps, kubernetesVersion = '1.28'): { app: App; objects: KubeObject[] } {
  const app = Testing.app();
  const platform = new AgentPlatform(app, 'platform', { kubernetesVersion });
  const ns = new AgentNamespace(platform, 'agents');
  new HardenedAgent(ns, 'tool-runner', { image: IMAGE, ports: [{ name: 'http', port: 8081 }], guardrails });
  return { app, objects: appObjects(app) };
}

const GUARDRAILS: AgentGuardrailsProps = {
  allowedRegistries: ['ghcr.io/acme-ai'],
  maxJobs: 3,
  serviceAccountNames: ['job-runner'],
};

function policySpec(objects: KubeObject[], name = 'agents-tool-runner-job-guardrail'): PolicySpec {
  return findObject(objects, 'ValidatingAdmissionPolicy', name).spec as unknown as PolicySpec;
}

const LABELS = { [CREATED_BY_LABEL]: 'tool-runner', 'app.kubernetes.io/part-of': 'agents' };

/** A Job the tool-runner is allowed to create. */
function allowedJob(): Json {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'run-tool-42', namespace: 'agents', labels: { ...LABELS } },
    spec: {
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 300,
      backoffLimit: 0,
      template: {
        metadata: { labels: { ...LABELS, 'app.kubernetes.io/name': 'tool-run' } },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: 'job-runner',
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(10001, 10001, 10001),
          containers: [{ name: 'tool', image: JOB_IMAGE, securityContext: containerSecurityContext(10001, 10001) }],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

function create(object: Record<string, unknown>, username = AGENT_USER, namespace = 'agents'): AdmissionAttributes {
  return { object, request: { operation: 'CREATE', namespace, userInfo: { username } } };
}

function mutate(change: (job: Json) => void): Json {
  const job = allowedJob();
  change(job);
  return job;
}

describe('the tool-runner Job guardrail, evaluated with a real CEL evaluator', () => {
  const { objects } = build(GUARDRAILS);
  const spec = policySpec(objects);

  test('admits a Job the tool-runner is allowed to create', () => {
    expect(evaluatePolicy(spec, create(allowedJob()))).toEqual({ matched: true, violations: [] });
  });

  test('leaves the same Job alone when another user creates it', () => {
    const job = mutate((j) => delete j.spec.activeDeadlineSeconds);
    expect(evaluatePolicy(spec, create(job, 'alice@example.com'))).toEqual({ matched: false, violations: [] });
    expect(evaluatePolicy(spec, create(job, 'system:serviceaccount:agents:assistant'))).toEqual({
      matched: false,
      violations: [],
    });
  });

  const ps = (j: Json) => j.spec.template.spec;
  const ctr = (j: Json) => j.spec.template.spec.containers[0].securityContext;
  const cases: [string, Json | AdmissionAttributes, string][] = [
    [
      'another workload kind',
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: LABELS }, spec: allowedJob().spec.template.spec },
      "agent 'tool-runner' may create only Jobs: other workloads escape the deadline and TTL bounds",
    ],
    [
      'another namespace',
      create(allowedJob(), AGENT_USER, 'kube-system'),
      "agent 'tool-runner' may create workloads only in its namespace 'agents'",
    ],
    [
      'no created-by label on the Job',
      mutate((j) => delete j.metadata.labels[CREATED_BY_LABEL]),
      `the Job and its pod template must carry the labels ${JSON.stringify(LABELS)}`,
    ],
    [
      'no labels on the pod template',
      mutate((j) => delete j.spec.template.metadata),
      `the Job and its pod template must carry the labels ${JSON.stringify(LABELS)}`,
    ],
    [
      'the agent selector label',
      mutate((j) => (j.spec.template.metadata.labels['app.kubernetes.io/name'] = 'tool-runner')),
      "the Job's pods must not carry the agent's selector label app.kubernetes.io/name=tool-runner (they would receive the agent's traffic and policies)",
    ],
    [
      'no activeDeadlineSeconds',
      mutate((j) => delete j.spec.activeDeadlineSeconds),
      'spec.activeDeadlineSeconds must be set, at most 3600',
    ],
    [
      'too long a deadline',
      mutate((j) => (j.spec.activeDeadlineSeconds = 7200)),
      'spec.activeDeadlineSeconds must be set, at most 3600',
    ],
    [
      'no ttlSecondsAfterFinished',
      mutate((j) => delete j.spec.ttlSecondsAfterFinished),
      'spec.ttlSecondsAfterFinished must be set, at most 86400',
    ],
    [
      'an undeclared ServiceAccount',
      mutate((j) => (ps(j).serviceAccountName = 'tool-runner')),
      'serviceAccountName must be unset or one of job-runner',
    ],
    [
      'the deprecated serviceAccount field',
      mutate((j) => (ps(j).serviceAccount = 'admin')),
      'serviceAccountName must be unset or one of job-runner',
    ],
    [
      'an image from another registry',
      mutate((j) => (ps(j).containers[0].image = 'docker.io/library/busybox:1.36')),
      'images must come from ghcr.io/acme-ai/',
    ],
    [
      'a look-alike registry',
      mutate((j) => (ps(j).containers[0].image = 'ghcr.io/acme-ai-evil/x:1')),
      'images must come from ghcr.io/acme-ai/',
    ],
    [
      'a short Docker Hub name',
      mutate((j) => (ps(j).initContainers = [{ ...ps(j).containers[0], name: 'init', image: 'busybox' }])),
      'images must come from ghcr.io/acme-ai/',
    ],
    [
      'hostNetwork',
      mutate((j) => (ps(j).hostNetwork = true)),
      'Pod Security restricted: host namespaces (hostNetwork, hostPID, hostIPC) are forbidden',
    ],
    [
      'a hostPath volume',
      mutate((j) => ps(j).volumes.push({ name: 'host', hostPath: { path: '/' } })),
      'Pod Security restricted: volumes must be one of configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret',
    ],
    [
      'a hostPort',
      mutate((j) => (ps(j).containers[0].ports = [{ containerPort: 8080, hostPort: 8080 }])),
      'Pod Security restricted: hostPort is forbidden',
    ],
    [
      'a privileged container',
      mutate((j) => (ctr(j).privileged = true)),
      'Pod Security restricted: privileged containers are forbidden',
    ],
    [
      'privilege escalation unset',
      mutate((j) => delete ctr(j).allowPrivilegeEscalation),
      'Pod Security restricted: every container must set allowPrivilegeEscalation: false',
    ],
    [
      'an added capability',
      mutate((j) => (ctr(j).capabilities = { drop: ['ALL'], add: ['NET_RAW'] })),
      'Pod Security restricted: every container must drop ALL capabilities and add none but NET_BIND_SERVICE',
    ],
    [
      'runAsNonRoot false on the container',
      mutate((j) => (ctr(j).runAsNonRoot = false)),
      'Pod Security restricted: runAsNonRoot must be true for every container',
    ],
    [
      'runAsNonRoot nowhere',
      mutate((j) => {
        delete ctr(j).runAsNonRoot;
        delete ps(j).securityContext.runAsNonRoot;
      }),
      'Pod Security restricted: runAsNonRoot must be true for every container',
    ],
    [
      'runAsUser 0',
      mutate((j) => (ps(j).securityContext.runAsUser = 0)),
      'Pod Security restricted: runAsUser must not be 0',
    ],
    [
      'seccomp Unconfined',
      mutate((j) => (ctr(j).seccompProfile = { type: 'Unconfined' })),
      'Pod Security restricted: seccompProfile.type must be RuntimeDefault or Localhost for every container',
    ],
  ];

  test.each(cases)('refuses a Job with %s', (_name, input, message) => {
    const attributes = 'request' in input ? (input as AdmissionAttributes) : create(input as Record<string, unknown>);
    expect(evaluatePolicy(spec, attributes)).toEqual({ matched: true, violations: [message] });
  });

  test('seccomp set on the pod only is accepted, as Pod Security accepts it', () => {
    expect(evaluatePolicy(spec, create(mutate((j) => delete ctr(j).seccompProfile))).violations).toEqual([]);
  });

  test('an unset serviceAccountName (the token-less default) is accepted', () => {
    expect(evaluatePolicy(spec, create(mutate((j) => delete ps(j).serviceAccountName))).violations).toEqual([]);
  });

  test('updates are checked like creates', () => {
    const job = mutate((j) => (j.spec.ttlSecondsAfterFinished = 999999));
    const attributes: AdmissionAttributes = {
      object: job,
      oldObject: allowedJob(),
      request: { operation: 'UPDATE', namespace: 'agents', userInfo: { username: AGENT_USER } },
    };
    expect(evaluatePolicy(spec, attributes).violations).toEqual([
      'spec.ttlSecondsAfterFinished must be set, at most 86400',
    ]);
  });
});
