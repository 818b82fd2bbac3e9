import { Testing } from 'cdk8s';
import fc from 'fast-check';
import { Endpoint, buildClusterModel, evaluateFlow, findWorkload } from '../../lib/network';
import { packNames, runRules } from '../../lib/rules';
import { modelFor, openApiErrors } from '../helpers/openapi';
import { KubeObject, appObjects } from '../helpers/synth';
import { NUM_RUNS } from './arbitraries';
import { Scenario, buildScenario, declaredPorts, flatAgents, scenario } from './scenario';

/** Custom resources of add-ons: kubernetes-models has no schema for them. */
const CRD_GROUPS = [
  'secrets.hashicorp.com',
  'secrets-store.csi.x-k8s.io',
  'kyverno.io',
  'policies.kyverno.io',
  'policy.sigstore.dev',
  'cilium.io',
  'security.istio.io',
];
/** kubernetes-models ships ValidatingAdmissionPolicy only as v1; v1beta1 (emitted for 1.28-1.29) has the same shape. */
const SCHEMA_STAND_INS: Record<string, string> = { 'admissionregistration.k8s.io/v1beta1': 'admissionregistration.k8s.io/v1' };

function schemaErrors(obj: KubeObject): string | undefined {
  if (CRD_GROUPS.includes(obj.apiVersion.split('/')[0])) return undefined;
  const standIn = modelFor(obj) ? obj : { ...obj, apiVersion: SCHEMA_STAND_INS[obj.apiVersion] ?? obj.apiVersion };
  const error = openApiErrors(standIn);
  return error === undefined ? undefined : `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}: ${error}`;
}

function synthScenario(s: Scenario): { objects: KubeObject[]; yaml: string } {
  const app = Testing.app();
  buildScenario(app, s);
  return { objects: appObjects(app), yaml: app.synthYaml() };
}

/** Error findings that are not suppressed, as `RULE kind/name`. */
function failing(objects: KubeObject[]): string[] {
  const report = runRules(objects, { packs: packNames() });
  return report.results.flatMap((r) =>
    r.findings.filter((f) => !f.suppressed && f.severity === 'error').map((f) => `${f.rule} ${r.kind}/${r.name}: ${f.message}`),
  );
}

const METADATA_IP: Endpoint = { kind: 'address', address: '169.254.169.254' };
const PUBLIC_IP: Endpoint = { kind: 'address', address: '8.8.8.8' };

describe('every valid platform configuration', () => {
  test('synthesizes, validates against the OpenAPI schema, passes every pack and is byte-identical when repeated', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const first = synthScenario(s);
        expect(first.objects.map(schemaErrors).filter(Boolean)).toEqual([]);
        const findings = failing(first.objects);
        // Without an ImagePolicy the agent pack rightly reports the uncovered namespaces, and nothing else.
        const expected = s.imagePolicy ? [] : findings.filter((f) => f.startsWith('AGT-ImagePolicy Namespace/'));
        expect(findings).toEqual(expected);
        if (!s.imagePolicy) expect(findings).toHaveLength(s.namespaces.length);
        expect(synthScenario(s).yaml).toBe(first.yaml);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('allows exactly the declared flows between agents, and never cloud metadata', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const model = buildClusterModel(synthScenario(s).objects);
        const agents = flatAgents(s);
        const pods = agents.map((a) => findWorkload(model, a.namespace, a.name));
        const allowed = (from: Endpoint, to: Endpoint, port: number) => evaluateFlow(model, { from, to, port }).allowed;
        agents.forEach((a, i) => {
          agents.forEach((b, j) => {
            if (i === j) return;
            const declared = declaredPorts(s, i, j);
            for (const p of b.props.ports ?? []) {
              expect([`${a.namespace}/${a.name} -> ${b.namespace}/${b.name}:${p.port}`, allowed(pods[i], pods[j], p.port)]).toEqual([
                `${a.namespace}/${a.name} -> ${b.namespace}/${b.name}:${p.port}`,
                declared.has(p.port),
              ]);
            }
          });
          const cidrPorts = s.cidrEgress.filter((c) => c.agent === i).map((c) => c.port);
          for (const port of new Set([80, 443, 8443, ...cidrPorts])) {
            expect(allowed(pods[i], METADATA_IP, port)).toBe(false);
            expect(allowed(pods[i], PUBLIC_IP, port)).toBe((a.internetPorts ?? []).includes(port));
          }
          for (const c of s.cidrEgress.filter((e) => e.agent === i)) {
            expect(allowed(pods[i], { kind: 'address', address: `198.51.${c.block}.7` }, c.port)).toBe(true);
          }
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
