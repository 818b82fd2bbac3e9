import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, Names, Yaml, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkLoadedPeers } from './peers';

/** One chart's objects as `chart.toJson()` returns them, in dependency order. */
export interface SynthesizedChart {
  readonly chart: Chart;
  readonly objects: readonly Record<string, unknown>[];
}

/**
 * An App whose synthesis is linear in the number of objects, with the same output as `App`.
 *
 * Why: cdk8s's `App.synth()` calls `chart.toJson()` per chart, and each call re-resolves the
 * dependencies and re-runs the validations of the whole app. Nested charts (every AgentNamespace
 * inside its AgentPlatform) also make it add an edge from every platform object to every object of
 * every namespace. Together that is cubic: 1,000 agents in 100 namespaces took about two minutes.
 * AgentApp validates once, resolves once, and only expands dependencies inside a chart (across
 * charts the chart-level edge decides the order, as it does in cdk8s).
 */
export class AgentApp extends App {
  private readonly recordMetadata: boolean;

  constructor(props: AppProps = {}) {
    super(props);
    checkLoadedPeers('AgentApp');
    this.recordMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
  }

  /** Validates and resolves once, then returns every chart's objects in `app.charts` order. */
  public synthCharts(): SynthesizedChart[] {
    return synthesizeCharts(this);
  }

  public synthYaml(): string {
    return Yaml.stringify(...this.synthCharts().flatMap((c) => c.objects));
  }

  public synth(): void {
    const perChart = this.yamlOutputType === YamlOutputType.FILE_PER_CHART;
    if (!perChart && this.yamlOutputType !== YamlOutputType.FILE_PER_APP) return super.synth();
    fs.mkdirSync(this.outdir, { recursive: true });
    const { charts, hasDependantCharts } = prepare(this);
    const synthesized = charts.map((chart) => ({ chart, apiObjects: chartObjects(chart) }));
    if (perChart) {
      synthesized.forEach(({ chart, apiObjects }, i) => {
        const label = Names.toDnsLabel(chart);
        const name = hasDependantCharts ? `${String(i).padStart(4, '0')}-${label}` : label;
        Yaml.save(path.join(this.outdir, name + this.outputFileExtension), toJsonAll(apiObjects));
      });
    } else if (synthesized.length > 0) {
      const all = synthesized.flatMap((s) => toJsonAll(s.apiObjects));
      Yaml.save(path.join(this.outdir, `app${this.outputFileExtension}`), all);
    }
    if (this.recordMetadata) this.writeMetadata(synthesized.flatMap((s) => s.apiObjects));
  }

  /** The file `cdk8s synth` reads to map validation findings back to construct paths. */
  private writeMetadata(apiObjects: readonly ApiObject[]): void {
    const resources: Record<string, { path: string }> = {};
    for (const o of apiObjects) resources[o.name] = { path: o.node.path };
    const file = path.join(this.outdir, 'construct-metadata.json');
    fs.writeFileSync(file, JSON.stringify({ version: '1.0.0', resources }));
  }
}

/**
 * What `chart.toJson()` returns for every chart of any App (a plain cdk8s App too), computed in
 * one linear pass instead of one whole-app pass per chart. For in-memory consumers such as Pulumi.
 */
export function synthesizeCharts(app: App): SynthesizedChart[] {
  return prepare(app).charts.map((chart) => ({ chart, objects: chartObjects(chart).map((o) => o.toJson()) }));
}

function prepare(app: App): { charts: Chart[]; hasDependantCharts: boolean } {
  const all = app.node.findAll();
  validateAll(all);
  const hasDependantCharts = resolveDependencies(all);
  return { charts: app.charts, hasDependantCharts };
}

function toJsonAll(apiObjects: readonly ApiObject[]): unknown[] {
  return apiObjects.map((o) => o.toJson());
}

/** Runs every construct's validations once; the message matches cdk8s's. */
function validateAll(all: readonly IConstruct[]): void {
  const errors = all.flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/**
 * cdk8s's dependency resolution without its quadratic part: nested charts and cross-chart
 * dependencies become chart-level edges, and construct dependencies inside one chart become edges
 * between the ApiObjects under them. Returns whether any chart depends on another.
 */
function resolveDependencies(all: readonly IConstruct[]): boolean {
  let hasDependantCharts = false;
  for (const parent of all.filter((c): c is Chart => Chart.isChart(c))) {
    for (const child of parent.node.children.filter((c) => Chart.isChart(c))) {
      parent.node.addDependency(child);
      hasDependantCharts = true;
    }
  }
  const chartOf = memoChartOf();
  const edges = all.flatMap((source) => source.node.dependencies.map((target) => ({ source, target })));
  for (const { source, target } of edges) {
    const sourceChart = chartOf(source);
    const targetChart = chartOf(target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
      continue;
    }
    const targets = apiObjectsUnder(target, targetChart, chartOf);
    for (const s of apiObjectsUnder(source, sourceChart, chartOf)) {
      for (const t of targets) if (s !== t) s.node.addDependency(t);
    }
  }
  return hasDependantCharts;
}

function apiObjectsUnder(c: IConstruct, chart: Chart, chartOf: (c: IConstruct) => Chart): ApiObject[] {
  return c.node.findAll().filter((x): x is ApiObject => ApiObject.isApiObject(x) && chartOf(x) === chart);
}

function memoChartOf(): (c: IConstruct) => Chart {
  const cache = new Map<IConstruct, Chart>();
  return (c) => {
    let chart = cache.get(c);
    if (!chart) cache.set(c, (chart = Chart.of(c)));
    return chart;
  };
}

/** The chart's own ApiObjects (not those of nested charts), in dependency order. */
function chartObjects(chart: Chart): ApiObject[] {
  return topology(chart).filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
}

/**
 * The same order as cdk8s's `DependencyGraph(chart.node).topology()`: a post-order walk from the
 * constructs nothing depends on, in tree order. cdk8s checks every edge for cycles with a walk of
 * its own and revisits shared dependencies; here one memoized walk does both.
 */
function topology(chart: Chart): IConstruct[] {
  const nodes = chart.node.findAll();
  const inTree = new Set(nodes);
  const hasInbound = new Set<IConstruct>();
  const outbound = new Map<IConstruct, IConstruct[]>();
  for (const n of nodes) {
    const deps = n.node.dependencies.filter((d) => inTree.has(d));
    outbound.set(n, [...new Set(deps)]);
    deps.forEach((d) => hasInbound.add(d));
  }
  const found = new Set<IConstruct>();
  const onPath = new Set<IConstruct>();
  const out: IConstruct[] = [];
  const visit = (n: IConstruct): void => {
    if (found.has(n)) return;
    if (onPath.has(n))
      throw new Error(`Dependency cycle detected: ${[...onPath, n].map((c) => c.node.path).join(' => ')}`);
    onPath.add(n);
    for (const c of outbound.get(n) ?? []) visit(c);
    onPath.delete(n);
    out.push(n);
    found.add(n);
  };
  nodes.filter((n) => !hasInbound.has(n)).forEach(visit);
  return out;
}
