/** Checks every property applies to synthesized objects. */
import { packNames, runRules } from '../../lib/rules';
import { modelFor, openApiErrors } from '../helpers/openapi';
import { KubeObject } from '../helpers/synth';

/** Custom resources of add-ons: kubernetes-models has no schema for them, so they are skipped by name. */
export const CRD_GROUPS: readonly string[] = [
  'secrets.hashicorp.com',
  'secrets-store.csi.x-k8s.io',
  'kyverno.io',
  'policies.kyverno.io',
  'policy.sigstore.dev',
  'cilium.io',
  'security.istio.io',
];

/** kubernetes-models ships ValidatingAdmissionPolicy only as v1; the v1beta1 emitted for 1.28-1.29 has the same shape. */
const SCHEMA_STAND_INS: Record<string, string> = {
  'admissionregistration.k8s.io/v1beta1': 'admissionregistration.k8s.io/v1',
};

/** OpenAPI schema errors of one object, or undefined when it is valid or a known custom resource. */
export function schemaErrors(obj: KubeObject): string | undefined {
  if (CRD_GROUPS.includes(obj.apiVersion.split('/')[0])) return undefined;
  const checked = modelFor(obj) ? obj : { ...obj, apiVersion: SCHEMA_STAND_INS[obj.apiVersion] ?? obj.apiVersion };
  const error = openApiErrors(checked);
  return error === undefined ? undefined : `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}: ${error}`;
}

/** Unsuppressed error findings of every registered pack, as `RULE Kind/name: message`. */
export function failingFindings(objects: readonly KubeObject[]): string[] {
  const report = runRules(objects, { packs: packNames() });
  return report.results.flatMap((r) =>
    r.findings
      .filter((f) => !f.suppressed && f.severity === 'error')
      .map((f) => `${f.rule} ${r.kind}/${r.name}: ${f.message}`),
  );
}
