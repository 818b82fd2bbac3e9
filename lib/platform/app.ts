import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, Names, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { FailOn, KubeObject, SynthValidationOptions, synthViolations } from '../rules';
import { stringifyManifests } from './emit';
import { checkLoadedPeers } from './peers';

/** One chart's objects as `chart.toJson()` returns them, in dependency order. */
export interface SynthesizedChart {
  /** The chart the objects belong to. */
  readonly chart: Chart;
  /** The chart's objects as JSON manifests. */
  readonly objects: readonly Record<string, unknown>[];
}

/**
 * The file AgentApp writes into the output directory when one in-process run of the rule packs
 * covered every object it wrote (see docs/performance.md). The cdk8s validation plugin
 * (lib/rules/plugin) reads it and skips its second pass only when every manifest it is given is
 * listed with the same SHA-256 and the plugin's options equal the ones recorded here.
 */
export const VALIDATED_MARKER_FILE = 'agent-baseline-validated.json';

/** The rule options that decide a run's outcome, normalized so the plugin can compare its own. */
export interface MarkerOptions {
  /** Lowest severity that fails the run (`'error'` when not set). */
  readonly failOn: FailOn;
  /** Rule packs run, or `'default'` for the default selection. */
  readonly packs: readonly string[] | 'default';
  /** Pod Security Standards version checked against, or null for the rules' default. */
  readonly pssVersion: string | null;
  /** Whether pods had to run under a sandbox RuntimeClass. */
  readonly requireSandbox: boolean;
  /** RuntimeClasses accepted as sandboxes, or null for the rules' default list. */
  readonly sandboxRuntimeClasses: readonly string[] | null;
}

/** The content of VALIDATED_MARKER_FILE: which manifests one rule run covered, with which options. */
export interface ValidatedMarker {
  /** Identifies the file as this library's marker. */
  readonly validatedBy: 'agent-baseline';
  /** Marker format version, so a reader can tell a format it does not know. */
  readonly version: 1;
  /** The options of the run; a second pass may be skipped only when its own options match. */
  readonly options: MarkerOptions;
  /** Output-relative path (forward slashes) to the SHA-256 of the file as written. */
  readonly manifests: Record<string, string>;
}

/** Normalizes validation options (defaults filled in, absent lists as null) so two runs compare equal when they judge alike. */
export function markerOptions(options: SynthValidationOptions): MarkerOptions {
  return {
    failOn: options.failOn ?? 'error',
    packs: options.packs && options.packs.length > 0 ? [...options.packs] : 'default',
    pssVersion: options.pssVersion ?? null,
    requireSandbox: options.requireSandbox ?? false,
    sandboxRuntimeClasses: options.sandboxRuntimeClasses ? [...options.sandboxRuntimeClasses] : null,
  };
}

/** One run of the rule packs during synthesis: which objects, with which options. */
interface ValidationRun {
  readonly objects: ReadonlySet<ApiObject>;
  readonly options: MarkerOptions;
}

/** State of one synthesis: every object resolved once, and the rule runs that saw them. */
interface SynthSession {
  readonly resolved: Map<ApiObject, Record<string, unknown>>;
  readonly runs: ValidationRun[];
}

let session: SynthSession | undefined;

function withSession<T>(fn: (s: SynthSession) => T): T {
  const outer = session;
  const s: SynthSession = outer ?? { resolved: new Map(), runs: [] };
  session = s;
  try {
    return fn(s);
  } finally {
    session = outer;
  }
}

/**
 * `o.toJson()`, computed once per synthesis and shared by synth-time validation and output.
 * Outside a synthesis it resolves afresh, as cdk8s does. Callers must not mutate the result.
 */
export function resolveObject(o: ApiObject): Record<string, unknown> {
  if (!session) return o.toJson() as Record<string, unknown>;
  let json = session.resolved.get(o);
  if (json === undefined) {
    json = o.toJson() as Record<string, unknown>;
    session.resolved.set(o, json);
  }
  return json;
}

/**
 * Records that one run of the rule packs covered `objects` with `options` (synth-time validation
 * calls this). AgentApp writes the validated marker only when one recorded run covered every
 * object it wrote; several runs over parts do not count, as cross-object rules see one run's set.
 */
export function recordRulesValidation(objects: readonly ApiObject[], options: SynthValidationOptions = {}): void {
  session?.runs.push({ objects: new Set(objects), options: markerOptions(options) });
}

/** Set by `npm run synth`: when no synth-time run covered the whole App, run the packs over it here. */
export const VALIDATE_WHOLE_APP_ENV = 'AGENT_BASELINE_VALIDATE_WHOLE_APP';

/**
 * An App whose synthesis is linear in the number of objects, with the same output as `App`.
 *
 * Why: cdk8s's `App.synth()` calls `chart.toJson()` per chart, and each call re-resolves the
 * dependencies and re-runs the validations of the whole app. Nested charts (every AgentNamespace
 * inside its AgentPlatform) also make it add an edge from every platform object to every object of
 * every namespace. Together that is cubic: 1,000 agents in 100 namespaces took about two minutes.
 * AgentApp validates once, resolves every object once (validation and output share the JSON),
 * only expands dependencies inside a chart (across charts the chart-level edge decides the order,
 * as it does in cdk8s), and writes YAML with a faster emitter equal to cdk8s's byte for byte.
 */
export class AgentApp extends App {
  private readonly recordMetadata: boolean;
  private marker: ValidatedMarker | undefined;

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
    return stringifyManifests(this.synthCharts().flatMap((c) => c.objects));
  }

  public synth(): void {
    const perChart = this.yamlOutputType === YamlOutputType.FILE_PER_CHART;
    if (!perChart && this.yamlOutputType !== YamlOutputType.FILE_PER_APP) return super.synth();
    fs.mkdirSync(this.outdir, { recursive: true });
    withSession((s) => {
      const { charts, hasDependantCharts } = prepare(this);
      const synthesized = charts.map((chart) => ({ chart, apiObjects: chartObjects(chart) }));
      const files: { name: string; apiObjects: ApiObject[] }[] = perChart
        ? synthesized.map(({ chart, apiObjects }, i) => {
            const label = Names.toDnsLabel(chart);
            const name = hasDependantCharts ? `${String(i).padStart(4, '0')}-${label}` : label;
            return { name: name + this.outputFileExtension, apiObjects };
          })
        : synthesized.length > 0
          ? [{ name: `app${this.outputFileExtension}`, apiObjects: synthesized.flatMap((x) => x.apiObjects) }]
          : [];
      const written = files.map(({ name, apiObjects }) => {
        const text = stringifyManifests(apiObjects.map(resolveObject));
        fs.writeFileSync(path.join(this.outdir, name), text, { encoding: 'utf8' });
        return { name, text };
      });
      const all = files.flatMap((f) => f.apiObjects);
      if (this.recordMetadata) this.writeMetadata(all);
      const run = this.wholeAppRun(s, all);
      this.marker = run && {
        validatedBy: 'agent-baseline',
        version: 1,
        options: run.options,
        manifests: Object.fromEntries(written.map((w) => [w.name, sha256(w.text)])),
      };
      this.writeMarker();
    });
  }

  /**
   * Runs the rule packs over objects written beside the manifests (the audit policy) and adds the
   * file to the validated marker, so the plugin's pass over that file is not needed either. The
   * objects are checked on their own: they reference nothing in the App and nothing references them.
   * Throws, like synth-time validation, when a finding fails.
   */
  public validateArtifact(file: string, objects: readonly Record<string, unknown>[]): void {
    const failures = synthViolations(
      objects.map((object) => ({ object: object as KubeObject, source: { file } })),
      this.marker ? runOptions(this.marker.options) : {},
    );
    failIfAny(failures.map((f) => `[${file}] ${f.message}`));
    if (!this.marker) return;
    const rel = path.relative(this.outdir, file).split(path.sep).join('/');
    this.marker = {
      ...this.marker,
      manifests: { ...this.marker.manifests, [rel]: sha256(fs.readFileSync(file, 'utf8')) },
    };
    this.writeMarker();
  }

  /** The one recorded run that saw every written object; under `npm run synth`, one run here if none did. */
  private wholeAppRun(s: SynthSession, all: readonly ApiObject[]): ValidationRun | undefined {
    if (!this.recordMetadata) return undefined;
    const covering = s.runs.find((r) => all.every((o) => r.objects.has(o)));
    if (covering || process.env[VALIDATE_WHOLE_APP_ENV] !== 'true') return covering;
    const errors = synthViolations(
      all.map((o) => ({ object: resolveObject(o) as KubeObject, source: { constructPath: o.node.path } })),
    ).map((v) => `[${all[v.index].node.path}] ${v.message}`);
    failIfAny(errors);
    return { objects: new Set(all), options: markerOptions({}) };
  }

  private writeMarker(): void {
    const file = path.join(this.outdir, VALIDATED_MARKER_FILE);
    if (this.marker) fs.writeFileSync(file, `${JSON.stringify(this.marker, null, 2)}\n`);
    else fs.rmSync(file, { force: true });
  }

  /** The file `cdk8s synth` reads to map validation findings back to construct paths. */
  private writeMetadata(apiObjects: readonly ApiObject[]): void {
    const resources: Record<string, { path: string }> = {};
    for (const o of apiObjects) resources[o.name] = { path: o.node.path };
    const file = path.join(this.outdir, 'construct-metadata.json');
    fs.writeFileSync(file, JSON.stringify({ version: '1.0.0', resources }));
  }
}

function runOptions(m: MarkerOptions): SynthValidationOptions {
  return {
    failOn: m.failOn,
    ...(m.packs === 'default' ? {} : { packs: m.packs }),
    ...(m.pssVersion === null ? {} : { pssVersion: m.pssVersion }),
    requireSandbox: m.requireSandbox,
    ...(m.sandboxRuntimeClasses === null ? {} : { sandboxRuntimeClasses: m.sandboxRuntimeClasses }),
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * What `chart.toJson()` returns for every chart of any App (a plain cdk8s App too), computed in
 * one linear pass instead of one whole-app pass per chart. For in-memory consumers such as Pulumi.
 */
export function synthesizeCharts(app: App): SynthesizedChart[] {
  return withSession(() =>
    prepare(app).charts.map((chart) => ({ chart, objects: chartObjects(chart).map(resolveObject) })),
  );
}

function prepare(app: App): { charts: Chart[]; hasDependantCharts: boolean } {
  const all = app.node.findAll();
  validateAll(all);
  const hasDependantCharts = resolveDependencies(all);
  // What `app.charts` returns, without cdk8s's DependencyGraph over every construct (a tenth of synthesis at scale).
  return { charts: topology(app).filter((c): c is Chart => Chart.isChart(c)), hasDependantCharts };
}

/** Runs every construct's validations once; the message matches cdk8s's. */
function validateAll(all: readonly IConstruct[]): void {
  failIfAny(all.flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`)));
}

/** cdk8s's synth-time validation failure: the same plain Error and message as App.synth. */
function failIfAny(errors: readonly string[]): void {
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
 * The same order as cdk8s's `DependencyGraph(root.node).topology()`: a post-order walk from the
 * constructs nothing depends on, in tree order. cdk8s checks every edge for cycles with a walk of
 * its own and revisits shared dependencies; here one memoized walk does both, and a second sweep
 * over the nodes no root reaches finds cycles nothing outside them depends on.
 */
function topology(root: IConstruct): IConstruct[] {
  const nodes = root.node.findAll();
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
    if (onPath.has(n)) {
      const path = [...onPath];
      const cycle = [...path.slice(path.indexOf(n)), n];
      throw new Error(`Dependency cycle detected: ${cycle.map((c) => c.node.path).join(' => ')}`);
    }
    onPath.add(n);
    for (const c of outbound.get(n) ?? []) visit(c);
    onPath.delete(n);
    out.push(n);
    found.add(n);
  };
  nodes.filter((n) => !hasInbound.has(n)).forEach(visit);
  // In a DAG every node is reached from a root; whatever is left sits on or behind a cycle.
  if (out.length < nodes.length) nodes.forEach(visit);
  return out;
}
