import { runRules } from '../../lib/rules';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { findObject, KubeObject, synthDefaultPlatform } from '../helpers/synth';

const MESH_ON = { ...DEFAULT_PLATFORM_CONFIG, cluster: { ...DEFAULT_PLATFORM_CONFIG.cluster, mesh: 'istio' as const } };

function isMine(o: KubeObject): boolean {
  return (
    o.metadata.labels?.['app.kubernetes.io/component'] === 'guardrail' ||
    (o.kind === 'ResourceQuota' && o.metadata.name === 'agent-actions') ||
    (o.apiVersion.startsWith('security.istio.io/') && o.metadata.name.endsWith('-jwt'))
  );
}

describe('default platform guardrails', () => {
  test("the tool-runner's Jobs are bounded by quota and by the admission guardrail", () => {
    const { objects } = synthDefaultPlatform();
    expect(findObject(objects, 'ResourceQuota', 'agent-actions', 'agents').spec).toEqual({
      hard: { 'count/jobs.batch': '5' },
    });
    const policy = findObject(objects, 'ValidatingAdmissionPolicy', 'agents-tool-runner-job-guardrail');
    expect(policy.apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
    expect(findObject(objects, 'ValidatingAdmissionPolicyBinding', 'agents-tool-runner-job-guardrail')).toBeDefined();
    expect(
      objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name.includes('assistant')),
    ).toEqual([]);
  });

  test.each([
    ['mesh off', DEFAULT_PLATFORM_CONFIG],
    ['mesh on', MESH_ON],
  ])('the guardrail and identity objects raise no rule findings (%s)', (_name, config) => {
    const { objects } = synthDefaultPlatform(config);
    const mine = objects.filter(isMine);
    expect(mine.length).toBeGreaterThanOrEqual(config === MESH_ON ? 5 : 3);
    const report = runRules(objects);
    const findings = report.results
      .filter((r) => isMine(objects[r.index]))
      .flatMap((r) => r.findings.filter((f) => !f.suppressed));
    expect(findings).toEqual([]);
  });
});
