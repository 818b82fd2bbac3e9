import { REMOVED_API_VERSIONS, removedApiVersion } from '../../lib/core/api-versions';
import { EXIT, Obj, agentDeployment, cliScan, findingsOf, goodSet } from './helpers';

/** A privileged, hostPID workload of `kind` under `apiVersion`, built from the hardened agent. */
function insecure(apiVersion: string, kind: string): Obj[] {
  const set = goodSet();
  const dep = agentDeployment(set);
  dep.apiVersion = apiVersion;
  dep.kind = kind;
  const template = dep.spec.template;
  template.spec.hostPID = true;
  template.spec.containers[0].securityContext.privileged = true;
  if (kind === 'CronJob') {
    dep.spec = { schedule: '* * * * *', jobTemplate: { spec: { template } } };
    template.spec.restartPolicy = 'Never';
  }
  return set;
}

const TEMPLATE = (kind: string) => (kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec');

describe('every version of a workload kind gets every pod rule', () => {
  it.each([
    ['extensions/v1beta1', 'DaemonSet', '1.16'],
    ['extensions/v1beta1', 'Deployment', '1.16'],
    ['extensions/v1beta1', 'ReplicaSet', '1.16'],
    ['apps/v1beta1', 'Deployment', '1.16'],
    ['apps/v1beta1', 'StatefulSet', '1.16'],
    ['apps/v1beta2', 'DaemonSet', '1.16'],
    ['apps/v1beta2', 'StatefulSet', '1.16'],
    ['batch/v1beta1', 'CronJob', '1.25'],
    ['batch/v2alpha1', 'CronJob', '1.21'],
  ])('%s %s: privileged and hostPID are judged, and the removed version is flagged', (apiVersion, kind, removed) => {
    const set = insecure(apiVersion, kind);
    const t = TEMPLATE(kind);
    expect(findingsOf(set, 'PSS-privileged')).toEqual([
      expect.stringContaining(`error ${t}.containers[0].securityContext.privileged:`),
    ]);
    expect(findingsOf(set, 'PSS-hostNamespaces')).toEqual([expect.stringContaining(`error ${t}.hostPID:`)]);
    expect(findingsOf(set, 'API-RemovedVersion')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error apiVersion: ${apiVersion} ${kind} was deprecated in 1\\.\\d+ and removed in ${removed.replace('.', '\\.')}; the target 1\\.28 does not serve it; use batch/v1|apps/v1`,
        ),
      ),
    ]);
    const cli = cliScan(set);
    expect(cli.code).toBe(EXIT.failing);
    expect(cli.out).toMatch(/PSS-privileged/);
    expect(cli.out).toMatch(new RegExp(`removed in ${removed.replace('.', '\\.')}`));
  });

  it('a future version of a workload kind is judged too (the version is a wildcard)', () => {
    const set = insecure('apps/v2', 'Deployment');
    expect(findingsOf(set, 'PSS-privileged')).toHaveLength(1);
  });

  it('a kind of the same name in another API group is not a workload', () => {
    const set = insecure('example.com/v1', 'Deployment');
    expect(findingsOf(set, 'PSS-privileged')).toEqual([]);
  });

  it('the current versions are not flagged', () => {
    expect(findingsOf(goodSet(), 'API-RemovedVersion')).toEqual([]);
  });
});

describe('API-RemovedVersion', () => {
  it('is a warning while the target still serves the version, an error once it is removed', () => {
    const schema = (apiVersion: string): Obj[] => [
      { apiVersion, kind: 'FlowSchema', metadata: { name: 'f' }, spec: {} },
    ];
    expect(findingsOf(schema('flowcontrol.apiserver.k8s.io/v1beta3'), 'API-RemovedVersion')).toEqual([
      'warning apiVersion: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema was deprecated in 1.29 and removed in 1.32; the target 1.28 still serves it; use flowcontrol.apiserver.k8s.io/v1',
    ]);
    expect(
      findingsOf(schema('flowcontrol.apiserver.k8s.io/v1beta3'), 'API-RemovedVersion', { kubernetesVersion: '1.32' }),
    ).toEqual([
      'error apiVersion: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema was deprecated in 1.29 and removed in 1.32; the target 1.32 does not serve it; use flowcontrol.apiserver.k8s.io/v1',
    ]);
  });

  it.each([
    ['policy/v1beta1', 'PodSecurityPolicy', 25],
    ['extensions/v1beta1', 'NetworkPolicy', 16],
    ['networking.k8s.io/v1beta1', 'Ingress', 22],
    ['rbac.authorization.k8s.io/v1beta1', 'ClusterRole', 22],
    ['admissionregistration.k8s.io/v1beta1', 'ValidatingWebhookConfiguration', 22],
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', 26],
  ])('%s %s is removed in 1.%d', (apiVersion, kind, removedIn) => {
    expect(removedApiVersion(apiVersion, kind)?.removedIn).toBe(removedIn);
    const cli = cliScan([{ apiVersion, kind, metadata: { name: 'x', namespace: 'x' } }], {
      pack: ['api-versions'],
      kubernetesVersion: '1.34',
    });
    expect(cli.code).toBe(EXIT.failing);
    expect(cli.out).toContain(`${apiVersion} ${kind} was deprecated in`);
  });

  it('the table has one entry per version and kind, removed after it was deprecated', () => {
    const keys = REMOVED_API_VERSIONS.map((e) => `${e.apiVersion} ${e.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of REMOVED_API_VERSIONS) expect(e.removedIn).toBeGreaterThan(e.deprecatedIn);
  });

  it('refuses an unsupported target version', () => {
    const cli = cliScan(goodSet(), { kubernetesVersion: '1.12' });
    expect(cli.code).toBe(EXIT.badInput);
    expect(cli.err).toContain("kubernetesVersion '1.12' is not a supported 1.<minor> (1.28, 1.29");
  });
});
