import { MANAGED_BY, NAMESPACE_NAME_LABEL } from '../core';
import { CelValidation, celAllContainers, celImageValidations, celPodSpec } from './cel';
import { ImagePolicyMode, ResolvedImagePolicy } from './settings';

/** ValidatingAdmissionPolicy is GA (`v1`) from Kubernetes 1.30; 1.28 and 1.29 have `v1beta1`, off by default. */
export const VAP_V1_MIN_MINOR = 30;

export function vapApiVersion(kubernetesMinor: number): string {
  return kubernetesMinor >= VAP_V1_MIN_MINOR
    ? 'admissionregistration.k8s.io/v1'
    : 'admissionregistration.k8s.io/v1beta1';
}

export const VAP_VALIDATION_ACTIONS: Readonly<Record<ImagePolicyMode, readonly string[]>> = {
  enforce: ['Deny'],
  audit: ['Audit'],
  warn: ['Warn'],
};

/** A resource rule of `matchConstraints`. */
export interface ResourceRule {
  readonly apiGroups: string[];
  readonly apiVersions: string[];
  readonly operations: string[];
  readonly resources: string[];
}

/**
 * Pods (and their ephemeral containers subresource) and every built-in pod controller: a VAP
 * does not follow templates to the pods they create, so the templates are checked themselves.
 */
export function podTemplateResourceRules(): ResourceRule[] {
  const operations = ['CREATE', 'UPDATE'];
  return [
    { apiGroups: [''], apiVersions: ['v1'], operations, resources: ['pods', 'pods/ephemeralcontainers'] },
    {
      apiGroups: ['apps'],
      apiVersions: ['v1'],
      operations,
      resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
    },
    { apiGroups: ['batch'], apiVersions: ['v1'], operations, resources: ['jobs', 'cronjobs'] },
  ];
}

/** Selects namespaces by their automatic name label. */
export function namespaceNameSelector(namespaces: readonly string[]) {
  return { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...namespaces] }] };
}

export interface VapSpec {
  readonly failurePolicy: 'Fail';
  readonly matchConstraints: { resourceRules: ResourceRule[] };
  readonly matchConditions: { name: string; expression: string }[];
  readonly variables: { name: string; expression: string }[];
  readonly validations: CelValidation[];
}

/** The policy spec. Variables are evaluated lazily, in order, and read as `variables.<name>`. */
export function renderVapSpec(policy: ResolvedImagePolicy): VapSpec {
  return {
    failurePolicy: 'Fail',
    matchConstraints: { resourceRules: podTemplateResourceRules() },
    // Finalizer removal on an object being deleted must not be blocked by a policy added later.
    matchConditions: [{ name: 'not-being-deleted', expression: '!has(object.metadata.deletionTimestamp)' }],
    variables: [
      { name: 'podSpec', expression: celPodSpec() },
      { name: 'containers', expression: celAllContainers('variables.podSpec') },
    ],
    validations: celImageValidations('variables.containers', policy),
  };
}

function labels(component: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': component };
}

/** The ValidatingAdmissionPolicy and its Binding as plain manifests. */
export function renderVap(policy: ResolvedImagePolicy, kubernetesMinor: number, namespaces: readonly string[]) {
  const apiVersion = vapApiVersion(kubernetesMinor);
  return {
    policy: {
      apiVersion,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: policy.name, labels: labels('image-policy') },
      spec: renderVapSpec(policy),
    },
    binding: {
      apiVersion,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: policy.name, labels: labels('image-policy') },
      spec: {
        policyName: policy.name,
        validationActions: [...VAP_VALIDATION_ACTIONS[policy.mode]],
        matchResources: { namespaceSelector: namespaceNameSelector(namespaces) },
      },
    },
  };
}
