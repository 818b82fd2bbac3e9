/**
 * ValidatingAdmissionPolicy API versions. The API is beta (and off by default: feature gate plus
 * runtime-config) on 1.28-1.29 and GA from 1.30; emitting `v1` to an older cluster fails to apply.
 */
export const ADMISSION_POLICY_GA_MINOR = 30;

/** apiVersion of ValidatingAdmissionPolicy for a Kubernetes minor: `v1` from 1.30 (GA), `v1beta1` before. */
export function admissionPolicyApiVersion(kubernetesMinor: number): string {
  return kubernetesMinor >= ADMISSION_POLICY_GA_MINOR
    ? 'admissionregistration.k8s.io/v1'
    : 'admissionregistration.k8s.io/v1beta1';
}
