/**
 * AgentApp is the fix for the cubic synthesis the benchmark found: it must write exactly what
 * cdk8s's App writes, only faster.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { buildScalePlatform } from '../../bench/fixture';
import { AgentApp, VALIDATED_MARKER_FILE, synthesizeCharts } from '../../lib/platform';
import { buildDefaultPlatform } from '../../stacks/platform';

type Build = (app: App) => void;

function both(build: Build, props: AppProps = {}): { stock: App; ours: AgentApp } {
  const stock = new App(props);
  const ours = new AgentApp(props);
  build(stock);
  build(ours);
  return { stock, ours };
}

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).sort()) out[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  return out;
}

function synthBoth(
  build: Build,
  props: AppProps = {},
): { stock: Record<string, string>; ours: Record<string, string> } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-app-'));
  try {
    const { stock, ours } = both(build, { ...props, outdir: path.join(tmp, 'stock') });
    (ours as unknown as { outdir: string }).outdir = path.join(tmp, 'ours');
    stock.synth();
    ours.synth();
    return { stock: filesOf(path.join(tmp, 'stock')), ours: filesOf(path.join(tmp, 'ours')) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Two top-level charts with construct-level and cross-chart dependencies. */
function crossChart(app: App): void {
  const base = new Chart(app, 'base', { disableResourceNameHashes: true });
  const crd = new ApiObject(base, 'crd', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'crd' } });
  const top = new Chart(app, 'top', { namespace: 'x', disableResourceNameHashes: true });
  const group = new Construct(top, 'group');
  const b = new ApiObject(group, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
  const a = new ApiObject(top, 'a', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a' } });
  const c = new ApiObject(group, 'c', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'c' } });
  a.node.addDependency(group);
  b.node.addDependency(crd);
  c.node.addDependency(b);
}

describe('AgentApp', () => {
  it.each<[string, Build]>([
    ['the default platform', (app) => buildDefaultPlatform(app)],
    ['30 agents in 3 namespaces', (app) => buildScalePlatform(app, 30)],
    ['charts with construct-level and cross-chart dependencies', crossChart],
  ])('synthYaml() returns what App.synthYaml() returns for %s', (_name, build) => {
    const { stock, ours } = both(build);
    expect(ours.synthYaml()).toEqual(stock.synthYaml());
  });

  it('synth() writes the same files as App.synth(), with the indexed chart names', () => {
    const { stock, ours } = synthBoth((app) => buildScalePlatform(app, 20));
    expect(Object.keys(ours)).toEqual(Object.keys(stock));
    expect(Object.keys(ours)[0]).toMatch(/^0000-platform-team-0-/);
    expect(ours).toEqual(stock);
  });

  it('synth() matches App.synth() for independent charts, one file per app, and construct metadata', () => {
    expect(synthBoth(crossChart).ours).toEqual(synthBoth(crossChart).stock);
    const perApp = synthBoth((app) => buildScalePlatform(app, 10), { yamlOutputType: YamlOutputType.FILE_PER_APP });
    expect(Object.keys(perApp.ours)).toEqual(['app.k8s.yaml']);
    expect(perApp.ours).toEqual(perApp.stock);
    const withMetadata = synthBoth((app) => buildDefaultPlatform(app), { recordConstructMetadata: true });
    expect(Object.keys(withMetadata.ours)).toContain('construct-metadata.json');
    // Plus the marker that lets the cdk8s plugin skip its second pass (test/platform/synth-entry.test.ts).
    const { [VALIDATED_MARKER_FILE]: marker, ...rest } = withMetadata.ours;
    expect(marker).toContain('"validatedBy": "agent-baseline"');
    expect(rest).toEqual(withMetadata.stock);
  });

  it('falls back to App.synth() for the per-resource output types', () => {
    const { stock, ours } = synthBoth(crossChart, { yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    expect(ours).toEqual(stock);
  });

  it('synthCharts() returns each chart with what chart.toJson() returns, in App.charts order', () => {
    const { stock, ours } = both((app) => buildScalePlatform(app, 20));
    const charts = ours.synthCharts();
    stock.synthYaml(); // App resolves chart dependencies, and so its chart order, at synthesis
    expect(charts.map((c) => c.chart.node.path)).toEqual(stock.charts.map((c) => c.node.path));
    expect(charts.map((c) => c.objects)).toEqual(stock.charts.map((c) => c.toJson()));
  });

  it('synthesizeCharts() gives a plain App the same linear synthesis', () => {
    const { stock, ours } = both((app) => buildScalePlatform(app, 20));
    expect(synthesizeCharts(stock).map((c) => c.objects)).toEqual(ours.synthCharts().map((c) => c.objects));
  });

  it('runs every validation, once, and fails with the message App gives', () => {
    const build: Build = (app) => {
      const chart = new Chart(app, 'c');
      chart.node.addValidation({ validate: () => ['broken'] });
    };
    const { stock, ours } = both(build);
    expect(() => stock.synthYaml()).toThrow('Validation failed with the following errors:\n  [c] broken');
    expect(() => ours.synthYaml()).toThrow('Validation failed with the following errors:\n  [c] broken');
    const counted = new AgentApp();
    let calls = 0;
    new Chart(counted, 'c').node.addValidation({
      validate: () => {
        calls++;
        return [];
      },
    });
    new Chart(counted, 'd');
    counted.synthYaml();
    expect(calls).toBe(1);
  });

  it('refuses a dependency cycle between charts, as App does', () => {
    const build: Build = (app) => {
      const a = new Chart(app, 'a');
      const b = new Chart(app, 'b');
      new ApiObject(a, 'x', { apiVersion: 'v1', kind: 'ConfigMap' });
      a.addDependency(b);
      b.addDependency(a);
    };
    const { stock, ours } = both(build);
    expect(() => stock.synthYaml()).toThrow(/Dependency cycle detected: (a => b => a|b => a => b)/);
    expect(() => ours.synthYaml()).toThrow(/Dependency cycle detected: (a => b => a|b => a => b)/);
  });

  it('refuses a dependency cycle inside a chart', () => {
    const app = new AgentApp();
    const chart = new Chart(app, 'c');
    const a = new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap' });
    const b = new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap' });
    a.node.addDependency(b);
    b.node.addDependency(a);
    expect(() => app.synthYaml()).toThrow(/Dependency cycle detected: c\/a => c\/b => c\/a/);
  });
});
