import { Testing } from 'cdk8s';
import { packNames, runRules } from '../../lib/rules';
import { buildAgentShapesExample } from '../../stacks/examples';
import { isCustomResource, openApiErrors } from '../helpers/openapi';
import { appObjects, dig, findObject } from '../helpers/synth';

function synth() {
  const app = Testing.app();
  const built = buildAgentShapesExample(app);
  return { app, built, objects: appObjects(app) };
}

describe('the agent-shapes example stack (stacks/examples.ts)', () => {
  const { app, objects } = synth();

  test('synthesizes through the synth-time validations and matches its snapshot', () => {
    expect(() => app.synthYaml()).not.toThrow();
    expect(objects).toMatchSnapshot();
  });

  test('every object validates against its OpenAPI schema', () => {
    expect(objects.filter((o) => !isCustomResource(o)).flatMap((o) => openApiErrors(o) ?? [])).toEqual([]);
  });

  test('every rule pack is clean, warnings included', () => {
    const report = runRules(objects, { packs: packNames() });
    expect(
      report.results.flatMap((r) =>
        r.findings.filter((f) => !f.suppressed).map((f) => `${f.rule} ${r.kind}/${r.name}`),
      ),
    ).toEqual([]);
  });

  test('has a scheduled triage agent, a stateful memory service and a one-off task', () => {
    expect(dig(findObject(objects, 'CronJob', 'triage'), 'spec')?.schedule).toBe('0 3 * * *');
    expect(dig(findObject(objects, 'StatefulSet', 'memory'), 'spec')?.volumeClaimTemplates).toHaveLength(1);
    expect(findObject(objects, 'Job', 'eval')).toBeDefined();
  });

  test('triage and eval reach memory, and memory lets them in: one connections.allowTo each', () => {
    const ingress = dig(findObject(objects, 'NetworkPolicy', 'memory'), 'spec')?.ingress as Array<{
      from: Array<{ podSelector: { matchLabels: Record<string, string> } }>;
    }>;
    expect(ingress.map((r) => r.from[0].podSelector.matchLabels['app.kubernetes.io/name'])).toEqual(['triage', 'eval']);
  });

  test('is deterministic', () => {
    expect(JSON.stringify(synth().objects)).toBe(JSON.stringify(objects));
  });
});
