/**
 * ValidatingAdmissionPolicies (and bindings) for what an agent creates, rendered as plain objects.
 */
import { NAMESPACE_NAME_LABEL, admissionPolicyApiVersion } from '../core';
import {
  CelValidation,
  JOB_VARIABLES,
  JobGuardrailOptions,
  approvalAnnotationValidation,
  jobGuardrailValidations,
} from './cel';
import { celString } from '../image-policy/cel';
import { CREATED_BY_LABEL } from '../shared/guardrail-constants';

export interface AdmissionObject {
  readonly apiVersion: string;
  readonly kind: 'ValidatingAdmissionPolicy' | 'ValidatingAdmissionPolicyBinding';
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

const OPERATIONS = ['CREATE', 'UPDATE'];

/** Every kind that runs pods: a policy does not follow pod templates into the objects they create. */
export const WORKLOAD_RESOURCE_RULES = [
  { apiGroups: [''], apiVersions: ['v1'], operations: OPERATIONS, resources: ['pods', 'replicationcontrollers'] },
  {
    apiGroups: ['apps'],
    apiVersions: ['v1'],
    operations: OPERATIONS,
    resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
  },
  { apiGroups: ['batch'], apiVersions: ['v1'], operations: OPERATIONS, resources: ['jobs', 'cronjobs'] },
];

export interface GuardrailPolicyOptions extends JobGuardrailOptions {
  readonly kubernetesMinor: number;
  /** The agent's username, `system:serviceaccount:<ns>:<sa>`. */
  readonly username: string;
  readonly labels: Record<string, string>;
}

export function jobGuardrailPolicyName(namespace: string, agentName: string): string {
  return `${namespace}-${agentName}-job-guardrail`;
}

export function jobApprovalPolicyName(namespace: string, agentName: string): string {
  return `${namespace}-${agentName}-job-approval`;
}

function policy(o: {
  kubernetesMinor: number;
  name: string;
  labels: Record<string, string>;
  spec: Record<string, unknown>;
}): AdmissionObject[] {
  const apiVersion = admissionPolicyApiVersion(o.kubernetesMinor);
  return [
    {
      apiVersion,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: o.name, labels: o.labels },
      spec: { failurePolicy: 'Fail', ...o.spec },
    },
    {
      apiVersion,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: o.name, labels: o.labels },
      // Audit as well as Deny: every refusal also lands in the audit log with its message.
      spec: { policyName: o.name, validationActions: ['Deny', 'Audit'] },
    },
  ];
}

/**
 * The agent's guardrail: matched on requests made by the agent's ServiceAccount only, so people and
 * controllers creating the same objects are untouched.
 */
export function renderJobGuardrail(o: GuardrailPolicyOptions): AdmissionObject[] {
  const validations: CelValidation[] = jobGuardrailValidations(o);
  return policy({
    kubernetesMinor: o.kubernetesMinor,
    name: jobGuardrailPolicyName(o.namespace, o.agentName),
    labels: o.labels,
    spec: {
      matchConstraints: { resourceRules: WORKLOAD_RESOURCE_RULES },
      matchConditions: [
        { name: 'requested-by-agent', expression: `request.userInfo.username == ${celString(o.username)}` },
      ],
      variables: JOB_VARIABLES,
      validations,
    },
  });
}

export interface ApprovalPolicyOptions {
  readonly kubernetesMinor: number;
  readonly namespace: string;
  readonly agentName: string;
  readonly approverGroup: string;
  readonly labels: Record<string, string>;
}

/** Guards the approval annotation on the agent's Jobs against everyone, the agent included. */
export function renderApprovalPolicy(o: ApprovalPolicyOptions): AdmissionObject[] {
  return policy({
    kubernetesMinor: o.kubernetesMinor,
    name: jobApprovalPolicyName(o.namespace, o.agentName),
    labels: o.labels,
    spec: {
      matchConstraints: {
        resourceRules: [{ apiGroups: ['batch'], apiVersions: ['v1'], operations: OPERATIONS, resources: ['jobs'] }],
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: o.namespace } },
        objectSelector: { matchLabels: { [CREATED_BY_LABEL]: o.agentName } },
      },
      validations: [approvalAnnotationValidation(o.approverGroup)],
    },
  });
}
