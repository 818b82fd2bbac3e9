/** Checks every property applies to synthesized objects. */
import { packNames, runRules } from '../../lib/rules';
import { isCustomResource, openApiErrors } from '../helpers/openapi';
import { KubeObject } from '../helpers/synth';

/** OpenAPI schema errors of one object, or undefined when it is valid or a known custom resource. */
export function schemaErrors(obj: KubeObject): string | undefined {
  if (isCustomResource(obj)) return undefined;
  const error = openApiErrors(obj);
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

/** The restricted-profile settings every generated pod spec must carry, on the pod and each container. */
export function expectHardenedPodSpec(spec: Record<string, unknown>): void {
  expect(spec.automountServiceAccountToken).toBe(false);
  const containers = [...((spec.initContainers as object[]) ?? []), ...(spec.containers as object[])] as Array<
    Record<string, Record<string, unknown>>
  >;
  for (const c of containers) {
    expect(c.securityContext).toEqual(
      expect.objectContaining({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      }),
    );
  }
}
