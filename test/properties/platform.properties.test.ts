import { Testing } from 'cdk8s';
import fc from 'fast-check';
import { Endpoint, buildClusterModel, evaluateFlow, findWorkload } from '../../lib/network';
import { KubeObject, appObjects } from '../helpers/synth';
import { NUM_RUNS } from './arbitraries';
import { failingFindings, schemaErrors } from './checks';
import { Scenario, buildScenario, declaredPorts, flatAgents, scenario } from './scenario';

/** One synth of a scenario: the objects (through cdk8s synth, so synth-time validations run) and their exact text. */
function synthScenario(s: Scenario): { objects: KubeObject[]; text: string } {
  const app = Testing.app();
  buildScenario(app, s);
  const objects = appObjects(app);
  // Byte-level comparison of the emitted objects; cdk8s writes them to YAML in this order and key order.
  return { objects, text: JSON.stringify(objects) };
}

const METADATA_IP: Endpoint = { kind: 'address', address: '169.254.169.254' };
const PUBLIC_IP: Endpoint = { kind: 'address', address: '8.8.8.8' };

describe('every valid platform configuration', () => {
  test('synthesizes, validates against the OpenAPI schema, passes every pack, is byte-identical when repeated, and allows exactly the declared flows', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const first = synthScenario(s);
        expect(first.objects.map(schemaErrors).filter(Boolean)).toEqual([]);
        expect(failingFindings(first.objects)).toEqual([]);
        expect(synthScenario(s).text).toBe(first.text);
        expectDeclaredFlowsOnly(s, first.objects);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

/**
 * For every ordered pair of generated agents and every port of the target: allowed iff declared on
 * both sides. Cloud metadata is always denied; the internet only on declared internet ports.
 */
function expectDeclaredFlowsOnly(s: Scenario, objects: KubeObject[]): void {
  const model = buildClusterModel(objects);
  const agents = flatAgents(s);
  const pods = agents.map((a) => findWorkload(model, a.namespace, a.name));
  const allowed = (from: Endpoint, to: Endpoint, port: number) => evaluateFlow(model, { from, to, port }).allowed;
  const label = (i: number) => `${agents[i].namespace}/${agents[i].name}`;
  agents.forEach((a, i) => {
    agents.forEach((b, j) => {
      if (i === j) return;
      const declared = declaredPorts(s, i, j);
      for (const p of b.props.ports ?? []) {
        const flow = `${label(i)} -> ${label(j)}:${p.port}`;
        expect([flow, allowed(pods[i], pods[j], p.port)]).toEqual([flow, declared.has(p.port)]);
      }
    });
    const cidrs = s.cidrEgress.filter((c) => c.agent === i);
    for (const port of new Set([80, 443, 8443, ...cidrs.map((c) => c.port)])) {
      expect([label(i), 'metadata', port, allowed(pods[i], METADATA_IP, port)]).toEqual([
        label(i),
        'metadata',
        port,
        false,
      ]);
      const internet = (a.internetPorts ?? []).includes(port);
      expect([label(i), 'internet', port, allowed(pods[i], PUBLIC_IP, port)]).toEqual([
        label(i),
        'internet',
        port,
        internet,
      ]);
    }
    for (const c of cidrs)
      expect(allowed(pods[i], { kind: 'address', address: `198.51.${c.block}.7` }, c.port)).toBe(true);
  });
}
