import { Testing } from 'cdk8s';
import {
  AgentGuardrailsProps,
  APPROVAL_ANNOTATION,
  CREATED_BY_LABEL,
  RUNS_GENERATED_CODE_LABEL,
  addSandboxRuntimeClass,
} from '../../lib/guardrails';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform, AgentPlatformProps } from '../../lib/platform';
import { HardenedAgent, HardenedAgentProps } from '../../lib/workload';
import { evaluatePolicy, PolicySpec } from '../helpers/cel';
import { appObjects, findObject, podSpecOf } from '../helpers/synth';

const IMAGE =
  'ghcr.io/acme-ai/tool-runner:0.9.0@sha256:9a8b7c6d5e4f30211f2e3d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f0';

function build(
  agent: Partial<HardenedAgentProps>,
  platformProps: AgentPlatformProps = {},
  extra?: Partial<HardenedAgentProps>,
) {
  const app = Testing.app();
  const platform = new AgentPlatform(app, 'platform', platformProps);
  const ns = new AgentNamespace(platform, 'agents');
  new HardenedAgent(ns, 'tool-runner', { image: IMAGE, ports: [{ name: 'http', port: 8081 }], ...agent });
  if (extra) new HardenedAgent(ns, 'helper', { image: IMAGE, ports: [{ name: 'http', port: 8082 }], ...extra });
  return { app, platform, objects: appObjects(app) };
}

const BASE: AgentGuardrailsProps = { allowedRegistries: ['ghcr.io/acme-ai'] };

describe('action quota', () => {
  test("one agent-actions quota per namespace sums the agents' Job shares", () => {
    const { objects } = build({ guardrails: { ...BASE, maxJobs: 3 } }, {}, { guardrails: { ...BASE, maxJobs: 2 } });
    const quota = findObject(objects, 'ResourceQuota', 'agent-actions', 'agents');
    expect(quota.spec).toEqual({ hard: { 'count/jobs.batch': '5' } });
    expect(quota.metadata.annotations).toEqual({ 'agent-baseline.io/action-limits': '{"tool-runner":3,"helper":2}' });
  });

  test('defaults to 5 Jobs', () => {
    const { objects } = build({ guardrails: BASE });
    expect(findObject(objects, 'ResourceQuota', 'agent-actions').spec).toEqual({ hard: { 'count/jobs.batch': '5' } });
  });
});

describe('admission policy objects', () => {
  test('binding denies and audits; API version follows the Kubernetes minor', () => {
    for (const [version, apiVersion] of [
      ['1.28', 'admissionregistration.k8s.io/v1beta1'],
      ['1.29', 'admissionregistration.k8s.io/v1beta1'],
      ['1.30', 'admissionregistration.k8s.io/v1'],
    ]) {
      const { objects } = build({ guardrails: BASE }, { kubernetesVersion: version });
      const binding = findObject(objects, 'ValidatingAdmissionPolicyBinding', 'agents-tool-runner-job-guardrail');
      expect(binding).toEqual({
        apiVersion,
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: {
          name: 'agents-tool-runner-job-guardrail',
          labels: {
            'app.kubernetes.io/managed-by': 'agent-baseline',
            'app.kubernetes.io/part-of': 'agents',
            'app.kubernetes.io/component': 'guardrail',
          },
        },
        spec: { policyName: 'agents-tool-runner-job-guardrail', validationActions: ['Deny', 'Audit'] },
      });
      const policy = findObject(objects, 'ValidatingAdmissionPolicy', 'agents-tool-runner-job-guardrail');
      expect(policy.apiVersion).toBe(apiVersion);
      expect(policy.metadata.namespace).toBeUndefined();
      expect((policy.spec as Record<string, unknown>).failurePolicy).toBe('Fail');
      expect((policy.spec as Record<string, unknown>).matchConditions).toEqual([
        {
          name: 'requested-by-agent',
          expression: "request.userInfo.username == 'system:serviceaccount:agents:tool-runner'",
        },
      ]);
    }
  });
});

describe('human approval', () => {
  const { objects } = build({ guardrails: { ...BASE, approval: { approverGroup: 'oncall-approvers' } } });
  const guardrail = findObject(objects, 'ValidatingAdmissionPolicy', 'agents-tool-runner-job-guardrail')
    .spec as unknown as PolicySpec;
  const approval = findObject(objects, 'ValidatingAdmissionPolicy', 'agents-tool-runner-job-approval')
    .spec as unknown as PolicySpec;
  const labels = { [CREATED_BY_LABEL]: 'tool-runner', 'app.kubernetes.io/part-of': 'agents' };
  const job = (extra: { suspend?: boolean; approvedBy?: string } = {}) => ({
    kind: 'Job',
    metadata: {
      name: 'j',
      labels,
      ...(extra.approvedBy ? { annotations: { [APPROVAL_ANNOTATION]: extra.approvedBy } } : {}),
    },
    spec: {
      ...(extra.suspend !== undefined ? { suspend: extra.suspend } : {}),
      activeDeadlineSeconds: 60,
      ttlSecondsAfterFinished: 60,
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'c',
              image: 'ghcr.io/acme-ai/x:1',
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  });
  const agent = { username: 'system:serviceaccount:agents:tool-runner' };
  const approver = { username: 'carol', groups: ['oncall-approvers'] };
  const approvalMessage = `the Job needs human approval: create it with spec.suspend: true; an approver adds ${APPROVAL_ANNOTATION} and resumes it`;
  const annotationMessage = `only members of 'oncall-approvers' may set ${APPROVAL_ANNOTATION}, and its value must be their own username`;

  test('the agent may create a suspended Job, but not a running one', () => {
    expect(
      evaluatePolicy(guardrail, {
        object: job({ suspend: true }),
        request: { operation: 'CREATE', namespace: 'agents', userInfo: agent },
      }).violations,
    ).toEqual([]);
    expect(
      evaluatePolicy(guardrail, {
        object: job(),
        request: { operation: 'CREATE', namespace: 'agents', userInfo: agent },
      }).violations,
    ).toEqual([approvalMessage]);
    expect(
      evaluatePolicy(guardrail, {
        object: job({ suspend: false }),
        oldObject: job({ suspend: true }),
        request: { operation: 'UPDATE', namespace: 'agents', userInfo: agent },
      }).violations,
    ).toEqual([approvalMessage]);
  });

  test('once approved the agent may resume it', () => {
    const attributes = {
      object: job({ suspend: false, approvedBy: 'carol' }),
      oldObject: job({ suspend: true, approvedBy: 'carol' }),
      request: { operation: 'UPDATE' as const, namespace: 'agents', userInfo: agent },
    };
    expect(evaluatePolicy(guardrail, attributes).violations).toEqual([]);
    expect(evaluatePolicy(approval, attributes).violations).toEqual([]);
  });

  test('only the approver group may add the annotation, with its own name', () => {
    const add = (userInfo: { username: string; groups?: string[] }, approvedBy: string) =>
      evaluatePolicy(approval, {
        object: job({ suspend: true, approvedBy }),
        oldObject: job({ suspend: true }),
        request: { operation: 'UPDATE', namespace: 'agents', userInfo },
      }).violations;
    expect(add(approver, 'carol')).toEqual([]);
    expect(add(approver, 'mallory')).toEqual([annotationMessage]);
    expect(add(agent, 'carol')).toEqual([annotationMessage]);
    expect(add({ username: 'dave', groups: ['developers'] }, 'dave')).toEqual([annotationMessage]);
    expect(
      evaluatePolicy(approval, {
        object: job({ suspend: false, approvedBy: 'carol' }),
        request: { operation: 'CREATE', namespace: 'agents', userInfo: agent },
      }).violations,
    ).toEqual([annotationMessage]);
  });

  test("the approval policy is scoped to the agent's Jobs in its namespace", () => {
    const policy = findObject(objects, 'ValidatingAdmissionPolicy', 'agents-tool-runner-job-approval');
    expect((policy.spec as Record<string, unknown>).matchConstraints).toEqual({
      resourceRules: [
        { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs'] },
      ],
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'agents' } },
      objectSelector: { matchLabels: { [CREATED_BY_LABEL]: 'tool-runner' } },
    });
  });
});

describe('sandbox', () => {
  test('sets runtimeClassName and marks agents that run generated code', () => {
    const { objects } = build({ sandbox: 'gvisor', runsGeneratedCode: true });
    const deployment = findObject(objects, 'Deployment', 'tool-runner');
    expect(podSpecOf(deployment)?.runtimeClassName).toBe('gvisor');
    expect(deployment.metadata.labels?.[RUNS_GENERATED_CODE_LABEL]).toBe('true');
  });

  test('the platform emits the RuntimeClass once', () => {
    const app = Testing.app();
    const platform = new AgentPlatform(app, 'platform');
    addSandboxRuntimeClass(platform, 'kata');
    addSandboxRuntimeClass(platform, 'kata');
    addSandboxRuntimeClass(platform, 'gvisor');
    expect(appObjects(app).filter((o) => o.kind === 'RuntimeClass')).toEqual([
      {
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: {
          name: 'kata',
          labels: { 'app.kubernetes.io/managed-by': 'agent-baseline', 'app.kubernetes.io/component': 'sandbox' },
        },
        handler: 'kata',
      },
      {
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: {
          name: 'gvisor',
          labels: { 'app.kubernetes.io/managed-by': 'agent-baseline', 'app.kubernetes.io/component': 'sandbox' },
        },
        handler: 'runsc',
      },
    ]);
  });
});

describe('refused inputs', () => {
  const cases: [string, Partial<HardenedAgentProps>, AgentPlatformProps, string][] = [
    [
      'an unknown sandbox',
      { sandbox: 'docker' as never },
      {},
      `[platform/agents/tool-runner] sandbox: invalid value "docker". Allowed: one of 'gvisor', 'kata'`,
    ],
    [
      'generated code without a sandbox',
      { runsGeneratedCode: true },
      {},
      "[platform/agents/tool-runner] sandbox: invalid value undefined (generated code would share the node kernel with a plain container runtime). Allowed: 'gvisor' or 'kata' for an agent with runsGeneratedCode",
    ],
    [
      'no registries',
      { guardrails: { allowedRegistries: [] } },
      {},
      `[platform/agents/tool-runner/Guardrails] guardrails.allowedRegistries: invalid value []. Allowed: at least one registry or repository prefix, e.g. 'ghcr.io/acme-ai'`,
    ],
    [
      'a wildcard registry',
      { guardrails: { allowedRegistries: ['*'] } },
      {},
      `[platform/agents/tool-runner/Guardrails] guardrails.allowedRegistries[0]: invalid value "*" (a pattern broader than a registry lets the agent run any image). Allowed: a registry host with an optional repository prefix, e.g. 'ghcr.io' or 'ghcr.io/acme-ai' (no wildcards, no scheme)`,
    ],
    [
      'a registry without a host',
      { guardrails: { allowedRegistries: ['acme-ai/tools'] } },
      {},
      `[platform/agents/tool-runner/Guardrails] guardrails.allowedRegistries[0]: invalid value "acme-ai/tools" (a pattern broader than a registry lets the agent run any image). Allowed: a registry host with an optional repository prefix, e.g. 'ghcr.io' or 'ghcr.io/acme-ai' (no wildcards, no scheme)`,
    ],
    [
      'a Job limit of 0',
      { guardrails: { ...BASE, maxJobs: 0 } },
      {},
      '[platform/agents/tool-runner/Guardrails] guardrails.maxJobs: invalid value 0. Allowed: an integer from 1 to 1000',
    ],
    [
      "the agent's own ServiceAccount for Jobs",
      { guardrails: { ...BASE, serviceAccountNames: ['tool-runner'] } },
      {},
      `[platform/agents/tool-runner/Guardrails] guardrails.serviceAccountNames[0]: invalid value "tool-runner" (a Job running as the agent could create further Jobs outside its bounds and acts with all of its permissions). Allowed: a ServiceAccount other than the agent's own ('tool-runner')`,
    ],
    [
      'a too-long deadline bound',
      { guardrails: { ...BASE, maxActiveDeadlineSeconds: 100000 } },
      {},
      '[platform/agents/tool-runner/Guardrails] guardrails.maxActiveDeadlineSeconds: invalid value 100000. Allowed: an integer from 1 to 86400',
    ],
    [
      'a system approver group',
      { guardrails: { ...BASE, approval: { approverGroup: 'system:authenticated' } } },
      {},
      '[platform/agents/tool-runner/Guardrails] guardrails.approval.approverGroup: invalid value "system:authenticated" (a system group includes the agents themselves, so they could approve their own Jobs). Allowed: a dedicated group of human approvers',
    ],
    [
      'guardrails without VAP',
      { guardrails: BASE },
      { imagePolicyEngines: ['kyverno'] },
      `[platform/agents/tool-runner/Guardrails] guardrails: invalid value ["kyverno"] (the admission guardrail would be emitted but never enforced). Allowed: a platform whose imagePolicyEngines include 'vap'`,
    ],
  ];
  test.each(cases)('refuses %s', (_name, agent, platformProps, message) => {
    expect(() => build(agent, platformProps)).toThrow(message);
  });
});
