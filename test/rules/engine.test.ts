import { App, ApiObject, Chart, Testing } from 'cdk8s';
import { SUPPRESSIONS_ANNOTATION } from '../../lib/core';
import { Suppressions, rulesValidation } from '../../lib/platform/suppressions';
import {
  KubeObject,
  Rule,
  registerPodTemplateLocator,
  runRules,
  templatePathLocator,
  validateObjectsForSynth,
} from '../../lib/rules';

function pod(spec: Record<string, unknown>, annotations?: Record<string, string>, namespace = 'agents'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace, annotations }, spec };
}

const restrictedCtr = {
  name: 'c',
  image: 'x',
  securityContext: {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
};

function pss(objects: KubeObject[], pssVersion?: string) {
  return runRules(objects, { packs: ['pss-restricted'], pssVersion }).results.flatMap((r) =>
    r.findings.map((f) => `${f.rule} ${f.path}`),
  );
}

describe('PSS on ephemeral containers (the upstream fixtures have none)', () => {
  it.each([
    ['privileged', { privileged: true }, 'PSS-privileged spec.ephemeralContainers[0].securityContext.privileged'],
    [
      'capability add',
      { capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } },
      'PSS-capabilities_restricted spec.ephemeralContainers[0].securityContext.capabilities.add',
    ],
    [
      'no drop ALL',
      { capabilities: {} },
      'PSS-capabilities_restricted spec.ephemeralContainers[0].securityContext.capabilities.drop',
    ],
    ['runAsUser 0', { runAsUser: 0 }, 'PSS-runAsUser spec.ephemeralContainers[0].securityContext.runAsUser'],
    [
      'escalation',
      { allowPrivilegeEscalation: true },
      'PSS-allowPrivilegeEscalation spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation',
    ],
    [
      'procMount',
      { procMount: 'Unmasked' },
      'PSS-procMount_restricted spec.ephemeralContainers[0].securityContext.procMount',
    ],
  ])('%s', (_name, override, expected) => {
    const eph = { name: 'debug', image: 'x', securityContext: { ...restrictedCtr.securityContext, ...override } };
    expect(pss([pod({ containers: [restrictedCtr], ephemeralContainers: [eph] })])).toEqual([expected]);
  });

  it('a host port on an ephemeral container fails baseline', () => {
    const eph = { ...restrictedCtr, name: 'debug', ports: [{ containerPort: 80, hostPort: 80 }] };
    expect(pss([pod({ containers: [restrictedCtr], ephemeralContainers: [eph] })])).toEqual([
      'PSS-hostPorts spec.ephemeralContainers[0].ports[0].hostPort',
    ]);
  });
});

describe('PSS versions', () => {
  const hostUsersPod = pod({
    hostUsers: false,
    containers: [
      { ...restrictedCtr, securityContext: { ...restrictedCtr.securityContext, runAsNonRoot: false, runAsUser: 0 } },
    ],
  });
  it('hostUsers: false lifts runAsNonRoot and runAsUser from v1.35 only', () => {
    expect(pss([hostUsersPod], 'v1.34')).toEqual(
      expect.arrayContaining(['PSS-runAsNonRoot spec.containers[0].securityContext.runAsNonRoot']),
    );
    expect(pss([hostUsersPod], 'v1.35')).toEqual([]);
  });

  it('takes the default version from the namespace enforce-version label', () => {
    const withHost = pod({
      containers: [{ ...restrictedCtr, readinessProbe: { httpGet: { port: 80, host: 'evil' } } }],
    });
    const ns = (v: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'agents', labels: { 'pod-security.kubernetes.io/enforce-version': v } },
    });
    expect(pss([ns('v1.33'), withHost])).toEqual([]);
    expect(pss([ns('v1.34'), withHost])).toEqual([
      'PSS-hostProbesAndHostLifecycle spec.containers[0].readinessProbe.httpGet.host',
    ]);
    expect(pss([ns('v1.33'), withHost], 'latest')).toHaveLength(1);
  });

  it('takes the version of each object from its own namespace, however the namespaces alternate', () => {
    const withHost = (namespace: string): KubeObject =>
      pod(
        { containers: [{ ...restrictedCtr, readinessProbe: { httpGet: { port: 80, host: 'evil' } } }] },
        undefined,
        namespace,
      );
    const ns = (name: string, v: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'pod-security.kubernetes.io/enforce-version': v } },
    });
    const objects = [
      ns('old', 'v1.33'),
      ns('new', 'v1.34'),
      withHost('old'),
      withHost('old'),
      withHost('new'),
      withHost('old'),
      withHost('new'),
      withHost('new'),
      withHost('unlabelled'),
    ];
    const flagged = runRules(objects, { packs: ['pss-restricted'] }).results.map((r) =>
      r.findings.some((f) => f.rule === 'PSS-hostProbesAndHostLifecycle'),
    );
    expect(flagged).toEqual([false, false, false, false, true, false, true, true, true]);
  });

  it('windows pods are exempt from the Linux-only restricted checks from v1.25', () => {
    const win = pod({
      os: { name: 'windows' },
      securityContext: { runAsNonRoot: true },
      containers: [{ name: 'c', image: 'x' }],
    });
    expect(pss([win], 'v1.25')).toEqual([]);
    expect(pss([win], 'v1.24').length).toBeGreaterThan(0);
  });
});

describe('engine', () => {
  it('resolves pod-level security values for container rules', () => {
    const p = pod({
      securityContext: { runAsUser: 20000, runAsGroup: 20000 },
      containers: [{ name: 'c', image: 'x' }],
    });
    const rules = runRules([p], { packs: ['hardening'] }).results[0].findings.map((f) => f.rule);
    expect(rules).not.toContain('HRD-RunAsUser');
    expect(rules).not.toContain('HRD-RunAsGroup');
  });

  it('accepts pod-template locators for CRDs', () => {
    registerPodTemplateLocator(
      { group: 'example.com', version: 'v1', kind: 'AgentRun' },
      templatePathLocator('spec', 'podTemplate'),
    );
    const crd: KubeObject = {
      apiVersion: 'example.com/v1',
      kind: 'AgentRun',
      metadata: { name: 'r' },
      spec: {
        podTemplate: { spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } },
      },
    };
    expect(pss([crd])).toContain('PSS-privileged spec.podTemplate.spec.containers[0].securityContext.privileged');
  });

  it('reports a rule that throws as an error finding, never a pass', () => {
    const broken: Rule = {
      id: 'X-Broken',
      title: 't',
      severity: 'warning',
      kinds: ['ConfigMap'],
      description: 'd',
      fix: 'f',
      references: [],
      check: () => {
        throw new Error('boom');
      },
    };
    const report = runRules([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }], {
      packs: ['rbac'],
      rules: [broken],
    });
    expect(report.results[0].findings).toEqual([
      expect.objectContaining({ rule: 'X-Broken', severity: 'error', message: 'rule failed to evaluate: boom' }),
    ]);
  });

  it('validateObjectsForSynth returns rule, message and fix for failing findings only', () => {
    const messages = validateObjectsForSynth([pod({ hostNetwork: true, containers: [restrictedCtr] })], {
      packs: ['pss-baseline'],
    });
    expect(messages).toEqual([
      '[PSS-hostNamespaces] Pod/agents/p at spec.hostNetwork: pod sets hostNetwork: true. Fix: Remove hostNetwork, hostPID and hostIPC (or set them to false).',
    ]);
  });
});

describe('suppressions', () => {
  const now = new Date('2026-06-01');
  const bad = {
    containers: [
      { ...restrictedCtr, securityContext: { ...restrictedCtr.securityContext, privileged: true } },
      { ...restrictedCtr, name: 'd', securityContext: { ...restrictedCtr.securityContext, privileged: true } },
    ],
  };
  const run = (annotation: unknown, template?: unknown) => {
    const deploy: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'd',
        annotations: annotation === undefined ? undefined : { [SUPPRESSIONS_ANNOTATION]: JSON.stringify(annotation) },
      },
      spec: {
        template: {
          metadata: {
            annotations: template === undefined ? undefined : { [SUPPRESSIONS_ANNOTATION]: JSON.stringify(template) },
          },
          spec: bad,
        },
      },
    };
    return runRules([deploy], { packs: ['pss-baseline'], now }).results[0].findings;
  };

  it('marks findings suppressed (never drops them), per container', () => {
    const f = run([{ rule: 'PSS-privileged', reason: 'debug sidecar needs it', container: 'c' }]);
    expect(f.map((x) => [x.container, x.suppressed])).toEqual([
      ['c', true],
      ['d', false],
    ]);
    expect(f[0].suppression?.reason).toBe('debug sidecar needs it');
  });

  it('honours suppressions on pod-template metadata', () => {
    expect(
      run(undefined, [{ rule: 'PSS-privileged', reason: 'template-level reason' }]).every((x) => x.suppressed),
    ).toBe(true);
  });

  it.each([
    ['a short reason', [{ rule: 'PSS-privileged', reason: 'short' }], /needs a reason of at least 10 characters/],
    [
      'an unknown field',
      [{ rule: 'PSS-privileged', reason: 'long enough reason', scope: 'all' }],
      /unknown field\(s\) scope/,
    ],
    ['not an array', { rule: 'PSS-privileged' }, /not a JSON array/],
    [
      'a bad expiry',
      [{ rule: 'PSS-privileged', reason: 'long enough reason', expires: 'soon' }],
      /expiry that is not a date/,
    ],
  ])('reports %s as an SUP-Invalid error', (_what, annotation, message) => {
    const f = run(annotation);
    const invalid = f.filter((x) => x.rule === 'SUP-Invalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({
      severity: 'error',
      suppressed: false,
      path: `metadata.annotations["${SUPPRESSIONS_ANNOTATION}"]`,
    });
    expect(invalid[0].message).toMatch(message);
    expect(f.filter((x) => x.rule === 'PSS-privileged').every((x) => !x.suppressed)).toBe(true);
  });

  it('an expired suppression stops suppressing and warns', () => {
    const f = run([{ rule: 'PSS-privileged', reason: 'temporary exception', expires: '2026-01-01' }]);
    expect(f.find((x) => x.rule === 'SUP-Expired')).toMatchObject({
      severity: 'warning',
      message: expect.stringMatching(/expired on 2026-01-01/),
    });
    expect(f.filter((x) => x.rule === 'PSS-privileged').every((x) => !x.suppressed)).toBe(true);
  });

  it('Suppressions.add records the annotation on the ApiObjects under a construct', () => {
    const chart = Testing.chart();
    const obj = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default' } });
    Suppressions.add(chart, [{ rule: 'HRD-Namespace', reason: 'legacy tenant lives in default' }]);
    Suppressions.add(obj, [
      { rule: 'HRD-Namespace', reason: 'duplicate is merged away' },
      { rule: 'HRD-Other', reason: 'second suppression kept' },
    ]);
    const json = Testing.synth(chart)[0];
    expect(JSON.parse(json.metadata.annotations[SUPPRESSIONS_ANNOTATION])).toEqual([
      { rule: 'HRD-Namespace', reason: 'legacy tenant lives in default' },
      { rule: 'HRD-Other', reason: 'second suppression kept' },
    ]);
    const finding = runRules([json], { packs: ['hardening'] }).results[0].findings.find(
      (f) => f.rule === 'HRD-Namespace',
    );
    expect(finding).toMatchObject({ suppressed: true });
    expect(() => Suppressions.add(obj, [{ rule: 'HRD-Namespace', reason: 'short' }])).toThrow(
      /reason of at least 10 characters/,
    );
  });

  it('rulesValidation reports failing findings at the construct path', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'svc', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'apps' },
      spec: { type: 'NodePort' },
    });
    chart.node.addValidation(rulesValidation(chart, { packs: ['hardening'] }));
    expect(() => app.synth()).toThrow(
      /\[c\/svc\] \[HRD-ServiceType\] Service\/apps\/s at spec\.type: Service type is NodePort/,
    );
    expect(App).toBeDefined();
  });
});
