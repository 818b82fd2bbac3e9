import { KubeObject } from './synth';

type Model = new (data: unknown) => { validate(): void };

/**
 * The kubernetes-models class for an object's apiVersion and kind: these validate against the
 * Kubernetes OpenAPI schemas. Returns undefined for kinds the package has no schema for (CRDs).
 */
export function modelFor(obj: KubeObject): Model | undefined {
  const [group, version] =
    schemaVersionOf(obj).split('/').length === 2 ? schemaVersionOf(obj).split('/') : ['', obj.apiVersion];
  const modulePath = group === '' ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
  try {
    const mod = require(modulePath) as Record<string, Model | undefined>;
    return mod[obj.kind];
  } catch {
    return undefined;
  }
}

/**
 * kubernetes-models ships ValidatingAdmissionPolicy only as v1. The v1beta1 API (1.28–1.29) has the
 * same fields apart from additions made at GA, so v1beta1 objects are checked against the v1 schema.
 */
const SCHEMA_ALIASES: Record<string, string> = {
  'admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy': 'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicyBinding': 'admissionregistration.k8s.io/v1',
};

function schemaVersionOf(obj: KubeObject): string {
  return SCHEMA_ALIASES[`${obj.apiVersion} ${obj.kind}`] ?? obj.apiVersion;
}

/**
 * Custom resources of add-ons (Vault Secrets Operator, CSI, Kyverno, Sigstore, Cilium, Istio, Gateway
 * API, Envoy Gateway, cert-manager): kubernetes-models has no schema for them. Gateway API and Envoy
 * Gateway objects are checked against pinned CRDs in test/gateway.
 */
export const CRD_GROUPS: readonly string[] = [
  'secrets.hashicorp.com',
  'secrets-store.csi.x-k8s.io',
  'kyverno.io',
  'policies.kyverno.io',
  'policy.sigstore.dev',
  'cilium.io',
  'security.istio.io',
  'gateway.networking.k8s.io',
  'gateway.envoyproxy.io',
  'cert-manager.io',
];

export function isCustomResource(obj: KubeObject): boolean {
  return CRD_GROUPS.includes(obj.apiVersion.split('/')[0]);
}

/** Validates an object against its OpenAPI schema; returns the error text, or undefined when valid. */
export function openApiErrors(obj: KubeObject): string | undefined {
  const Model = modelFor(obj);
  if (!Model) return `no OpenAPI schema for ${obj.apiVersion} ${obj.kind}`;
  try {
    new Model({ ...obj, apiVersion: schemaVersionOf(obj) }).validate();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
