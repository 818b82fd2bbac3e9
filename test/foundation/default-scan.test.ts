import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AgentApp } from '../../lib/platform';
import { DEFAULT_PACKS, runRules } from '../../lib/rules';
import { buildDefaultPlatform } from '../../stacks/platform';
import { ClusterSettings } from '../../lib/core';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { synthDefaultPlatform } from '../helpers/synth';

describe('the default platform against every default pack', () => {
  const report = runRules(synthDefaultPlatform().objects, { packs: DEFAULT_PACKS });

  test('has no open finding of any severity', () => {
    const open = report.results.flatMap((r) =>
      r.findings.filter((f) => !f.suppressed).map((f) => `${r.kind}/${r.name} ${f.rule} ${f.path}`),
    );
    expect(open).toEqual([]);
  });

  test("its only suppressions are the acknowledged Job-creation grant and the operators' rollout-restart patch, with their reasons", () => {
    const suppressed = report.results.flatMap((r) =>
      r.findings.filter((f) => f.suppressed).map((f) => [`${r.kind}/${r.name}`, f.rule, f.suppression?.reason]),
    );
    expect(suppressed).toEqual([
      ['Role/tool-runner-api', 'RBAC-CreateWorkloads', expect.stringMatching(/runs each tool call as a Job/)],
      // patch on Deployments is as strong as creating them (issue 13): recorded, not silent.
      ['Role/agent-operator', 'RBAC-CreateWorkloads', expect.stringMatching(/kubectl rollout restart patches/)],
    ]);
  });
});

describe('the default platform on other clusters stays clean', () => {
  test.each<[string, ClusterSettings]>([
    ['with Istio', { mesh: 'istio' }],
    ['with Cilium', { cni: 'cilium' }],
    ['on Kubernetes 1.34', { kubernetesVersion: '1.34' }],
    ['on 1.30 with NodeLocal DNS', { kubernetesVersion: '1.30', nodeLocalDns: true }],
  ])('%s', (_name, cluster) => {
    const config = { ...DEFAULT_PLATFORM_CONFIG, cluster: { ...DEFAULT_PLATFORM_CONFIG.cluster, ...cluster } };
    const { summary } = runRules(synthDefaultPlatform(config).objects);
    expect(summary).toEqual(
      expect.objectContaining({ failing: 0, suppressed: 2, bySeverity: { error: 0, warning: 0, info: 0 } }),
    );
  });
});

describe('synth writes byte-identical files every time', () => {
  const synthTo = () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-baseline-det-'));
    const app = new AgentApp({ outdir });
    buildDefaultPlatform(app);
    app.synth();
    const files = Object.fromEntries(
      fs
        .readdirSync(outdir)
        .sort()
        .map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]),
    );
    fs.rmSync(outdir, { recursive: true, force: true });
    return files;
  };

  test('two runs give the same file names and bytes', () => {
    const first = synthTo();
    expect(Object.keys(first).length).toBeGreaterThan(1);
    expect(synthTo()).toEqual(first);
  });
});
