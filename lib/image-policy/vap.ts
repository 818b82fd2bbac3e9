import { MANAGED_BY, NAMESPACE_NAME_LABEL } from '../core';
import { CelValidation, celAllContainers, celImageValidations, celPodSpec } from './cel';
import { ImagePolicyMode, ResolvedImagePolicy } from './settings';

/** ValidatingAdmissionPolicy is GA (`v1`) from Kubernetes 1.30; 1.28 and 1.29 have `v1beta1`, off by default. */
export const VAP_V1_MIN_MINOR = 30;

/** The ValidatingAdmissionPolicy apiVersion for a cluster of Kubernetes 1.`kubernetesMinor`. */
export function vapApiVersion(kubernetesMinor: number): string {
  return kubernetesMinor >= VAP_V1_MIN_MINOR
    ? 'admissionregistration.k8s.io/v1'
    : 'admissionregistration.k8s.io/v1beta1';
}

/** The binding's `validationActions` for each policy mode. */
export const VAP_VALIDATION_ACTIONS: Readonly<Record<ImagePolicyMode, readonly string[]>> = {
  enforce: ['Deny'],
  audit: ['Audit'],
  warn: ['Warn'],
};

/** A resource rule of `matchConstraints`. */
export interface ResourceRule {
  /** API groups matched (`''` for the core group). */
  readonly apiGroups: string[];
  /** API versions matched. */
  readonly apiVersions: string[];
  /** Admission operations matched, e.g. `CREATE`, `UPDATE`. */
  readonly operations: string[];
  /** Resources (and subresources) matched. */
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

/** The spec of the image ValidatingAdmissionPolicy. */
export interface VapSpec {
  /** Always `Fail`: an error evaluating the policy refuses the object rather than admitting it unchecked. */
  readonly failurePolicy: 'Fail';
  /** Which requests the policy sees: pods and every built-in pod controller. */
  readonly matchConstraints: { resourceRules: ResourceRule[] };
  /** Preconditions; objects being deleted are skipped so finalizer removal is never blocked. */
  readonly matchConditions: { name: string; expression: string }[];
  /** Named CEL values (the pod spec, its containers), read as `variables.<name>`. */
  readonly variables: { name: string; expression: string }[];
  /** One validation per image check. */
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
