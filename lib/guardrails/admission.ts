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
import { CREATED_BY_LABEL } from '../common/guardrail-constants';

/** A ValidatingAdmissionPolicy or its binding, as a plain object to emit. */
export interface AdmissionObject {
  /** `admissionregistration.k8s.io/v1` or `v1beta1`, by Kubernetes minor. */
  readonly apiVersion: string;
  /** The policy or its binding. */
  readonly kind: 'ValidatingAdmissionPolicy' | 'ValidatingAdmissionPolicyBinding';
  /** Name and labels of the object. */
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  /** The object's spec. */
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

/** What the Job guardrail policy of one agent needs: its limits, identity and labels. */
export interface GuardrailPolicyOptions extends JobGuardrailOptions {
  /** Target Kubernetes minor, to pick the admission API version. */
  readonly kubernetesMinor: number;
  /** The agent's username, `system:serviceaccount:<ns>:<sa>`. */
  readonly username: string;
  /** Labels of the emitted objects. */
  readonly labels: Record<string, string>;
}

/** Name of an agent's Job guardrail policy: cluster-scoped, so the namespace is part of it. */
export function jobGuardrailPolicyName(namespace: string, agentName: string): string {
  return `${namespace}-${agentName}-job-guardrail`;
}

/** Name of an agent's Job approval policy: cluster-scoped, so the namespace is part of it. */
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

/** What the approval-annotation policy of one agent's Jobs needs. */
export interface ApprovalPolicyOptions {
  /** Target Kubernetes minor, to pick the admission API version. */
  readonly kubernetesMinor: number;
  /** Namespace the agent's Jobs run in. */
  readonly namespace: string;
  /** Agent whose Jobs (labelled as created by it) the policy guards. */
  readonly agentName: string;
  /** Group whose members alone may set the approval annotation. */
  readonly approverGroup: string;
  /** Labels of the emitted objects. */
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
