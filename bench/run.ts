/**
 * The benchmark suite: `npm run bench` prints a table, `npm run bench -- --json` one JSON object
 * with a `figures` map (progress goes to stderr). `--smoke` runs a small, fast version (N = 50)
 * that only shows the suite still works. `--runs R` overrides the number of runs per figure.
 *
 * Every measurement runs in a child process, so heaps and peak RSS never carry over, and every
 * ratio compares against a baseline measured in the same run.
 */
import { SpawnSyncReturns, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { SCALE_FEATURES } from './fixture';
import { scanRepoBench } from './scan-repo';
import { MachineInfo, machineInfo, median, parseArgs, round } from './stats';
import type { Measurement } from './synth-child';

const ROOT = path.resolve(__dirname, '..');
const TSX = require.resolve('tsx/cjs', { paths: [ROOT] });
const CHILD_TIMEOUT_MS = 15 * 60 * 1000;
/** lib/pulumi synthesizes chart by chart, which is cubic at 1,000 agents: cap it rather than wait. */
const PULUMI_TIMEOUT_MS = Number(process.env.BENCH_PULUMI_TIMEOUT_MS ?? 150_000);

type Figures = Record<string, number | string | null>;

interface Target {
  readonly id: string;
  readonly description: string;
  readonly value: number | null;
  readonly limit: number;
  readonly holds: boolean;
}

export interface BenchResult {
  readonly benchmark: 'agent-baseline';
  readonly date: string;
  readonly smoke: boolean;
  readonly machine: MachineInfo;
  readonly features: readonly string[];
  readonly figures: Figures;
  readonly targets: readonly Target[];
  readonly notes: readonly string[];
}

interface Plan {
  readonly smoke: boolean;
  readonly sizes: readonly number[];
  readonly runs: (n: number) => number;
  readonly coldRuns: number;
  readonly pulumiAgents: readonly number[];
}

const notes: string[] = [];

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function timed(command: string, args: readonly string[], env?: NodeJS.ProcessEnv, timeout = CHILD_TIMEOUT_MS) {
  const t0 = performance.now();
  const result = spawnSync(command, args, {
    cwd: ROOT,
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout,
  });
  return { ms: performance.now() - t0, result };
}

function check(what: string, result: SpawnSyncReturns<string>): boolean {
  if (result.status === 0) return true;
  const why =
    result.error?.message ?? `exit ${result.status}: ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
  notes.push(`${what} failed (${why})`);
  progress(`${what} FAILED: ${why}`);
  return false;
}

/** Runs a bench child (TypeScript through tsx) and parses the JSON line it prints. */
function child<T>(what: string, file: string, args: readonly string[], timeout?: number): T | undefined {
  const { result } = timed(process.execPath, ['-r', TSX, path.join(__dirname, file), ...args], undefined, timeout);
  if (!check(what, result)) return undefined;
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as T;
}

function appCommand(): string {
  const config = parseYaml(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')) as { app: string };
  return config.app;
}

/** 1. `npm run synth` as a whole process, against the module-load floor, plus where the time goes. */
function coldSynth(plan: Plan, tmp: string, figures: Figures): void {
  const out = path.join(tmp, 'cold');
  const samples: Record<string, number[]> = { synth: [], floor: [], cli: [], app: [] };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  for (let r = 0; r < plan.coldRuns; r++) {
    progress(`cold synth run ${r + 1}/${plan.coldRuns}`);
    const floor = timed(process.execPath, ['-e', "require('cdk8s-plus-28')"]);
    if (check('module-load floor', floor.result)) samples.floor.push(floor.ms);
    const synth = timed(npm, ['run', 'synth', '--silent', '--', '--output', out]);
    if (check('npm run synth', synth.result)) samples.synth.push(synth.ms);
    const cli = timed(process.execPath, [path.join(ROOT, 'node_modules/cdk8s-cli/bin/cdk8s'), '--version']);
    if (check('cdk8s --version', cli.result)) samples.cli.push(cli.ms);
    const app = timed('sh', ['-c', appCommand()], { CDK8S_OUTDIR: path.join(tmp, 'app') });
    if (check('cdk8s.yaml app command', app.result)) samples.app.push(app.ms);
  }
  const written = fs.existsSync(out) ? fs.readdirSync(out).filter((f) => f.endsWith('.k8s.yaml')).length : 0;
  if (written === 0) notes.push('npm run synth wrote no manifests');
  figures['coldSynth.runs'] = plan.coldRuns;
  figures['coldSynth.medianMs'] = round(median(samples.synth), 0);
  figures['coldSynth.floorMedianMs'] = round(median(samples.floor), 0);
  figures['coldSynth.ratioToFloor'] = round(median(samples.synth) / median(samples.floor));
  figures['coldSynth.cliLoadMedianMs'] = round(median(samples.cli), 0);
  figures['coldSynth.appMedianMs'] = round(median(samples.app), 0);
  figures['coldSynth.manifests'] = written;
}

/** 2. N agents across N/10 namespaces, against the same objects as plain ApiObjects. */
function synthScale(plan: Plan, tmp: string, figures: Figures): string | undefined {
  let largestYaml: string | undefined;
  for (const n of plan.sizes) {
    const yamlFile = path.join(tmp, `agents-${n}.yaml`);
    const jsonFile = path.join(tmp, `agents-${n}.json`);
    const ours: Measurement[] = [];
    const plain: Measurement[] = [];
    for (let r = 0; r < plan.runs(n); r++) {
      progress(`synth N=${n} run ${r + 1}/${plan.runs(n)}`);
      const capture = r === 0 ? ['--yaml', yamlFile, '--json', jsonFile] : [];
      const o = child<Measurement>(`synth N=${n}`, 'synth-child.ts', ['--mode', 'ours', '--n', String(n), ...capture]);
      if (!o) break;
      ours.push(o);
      const p = child<Measurement>(`baseline N=${n}`, 'synth-child.ts', ['--mode', 'plain', '--input', jsonFile]);
      if (p) plain.push(p);
    }
    if (ours.length === 0) continue;
    if (plain.length > 0 && plain[0].bytes !== ours[0].bytes)
      notes.push(`N=${n}: baseline YAML differs in size from ours`);
    recordScale(figures, n, ours, plain);
    if (n === Math.max(...plan.sizes)) largestYaml = yamlFile;
  }
  return largestYaml;
}

function recordScale(figures: Figures, n: number, ours: Measurement[], plain: Measurement[]): void {
  const key = `synth.n${n}`;
  const wall = median(ours.map((m) => m.totalMs));
  figures[`${key}.runs`] = ours.length;
  figures[`${key}.namespaces`] = Math.ceil(n / 10);
  figures[`${key}.objects`] = ours[0].objects;
  figures[`${key}.wallMs`] = round(wall, 0);
  figures[`${key}.buildMs`] = round(median(ours.map((m) => m.buildMs)), 0);
  figures[`${key}.synthMs`] = round(median(ours.map((m) => m.synthMs)), 0);
  figures[`${key}.objectsPerSec`] = round((ours[0].objects / wall) * 1000, 0);
  figures[`${key}.peakRssMiB`] = Math.max(...ours.map((m) => m.peakRssMiB));
  if (plain.length === 0) return;
  const base = median(plain.map((m) => m.totalMs));
  figures[`${key}.baselineWallMs`] = round(base, 0);
  figures[`${key}.baselinePeakRssMiB`] = Math.max(...plain.map((m) => m.peakRssMiB));
  figures[`${key}.ratioToBaseline`] = round(wall / base);
}

interface ScanMeasurement {
  readonly objects: number;
  readonly failing: number;
  readonly parseMs: number;
  readonly toJsMs: number;
  readonly rulesMs: number;
  readonly scanMs: number;
  readonly peakRssMiB: number;
}

/** 3. The rule engine on the largest output, against parsing the same YAML alone. */
function scan(plan: Plan, yamlFile: string, figures: Figures): void {
  progress(`scan of ${path.basename(yamlFile)}`);
  const runs = plan.smoke ? 1 : 3;
  const s = child<ScanMeasurement>('scan', 'scan-child.ts', ['--yaml', yamlFile, '--runs', String(runs)]);
  if (!s) return;
  figures['scan.agents'] = Math.max(...plan.sizes);
  figures['scan.runs'] = runs;
  figures['scan.objects'] = s.objects;
  figures['scan.failingFindings'] = s.failing;
  figures['scan.parseMs'] = round(s.parseMs, 0);
  figures['scan.toJsMs'] = round(s.toJsMs, 0);
  figures['scan.rulesMs'] = round(s.rulesMs, 0);
  figures['scan.scanMs'] = round(s.scanMs, 0);
  figures['scan.objectsPerSec'] = round((s.objects / s.scanMs) * 1000, 0);
  figures['scan.parseObjectsPerSec'] = round((s.objects / s.parseMs) * 1000, 0);
  figures['scan.ratioToParse'] = round(s.scanMs / s.parseMs);
  figures['scan.rulesRatioToParse'] = round(s.rulesMs / s.parseMs);
  figures['scan.peakRssMiB'] = s.peakRssMiB;
}

interface PulumiMeasurement {
  readonly agents: number;
  readonly resources: number;
  readonly constructMs: number;
  readonly registerMs: number;
  readonly peakRssMiB: number;
}

/** 4. Registration of the agents' resources under Pulumi mocks, at each size in the plan. */
function pulumi(plan: Plan, figures: Figures): void {
  for (const n of plan.pulumiAgents) {
    progress(`pulumi registration of ${n} agents under mocks`);
    const p = child<PulumiMeasurement>(`pulumi N=${n}`, 'pulumi-child.ts', ['--n', String(n)], PULUMI_TIMEOUT_MS);
    const key = `pulumi.n${n}`;
    if (!p) {
      figures[`${key}.registerMs`] = null;
      continue;
    }
    figures[`${key}.resources`] = p.resources;
    figures[`${key}.constructMs`] = round(p.constructMs, 0);
    figures[`${key}.registerMs`] = round(p.registerMs, 0);
    figures[`${key}.resourcesPerSec`] = round((p.resources / p.registerMs) * 1000, 0);
    figures[`${key}.peakRssMiB`] = p.peakRssMiB;
  }
}

function num(figures: Figures, key: string): number | null {
  const v = figures[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function target(id: string, description: string, value: number | null, limit: number): Target {
  return { id, description, value, limit, holds: value !== null && value <= limit };
}

/** The targets, evaluated on this run's figures. */
function targets(figures: Figures): Target[] {
  const growth = num(figures, 'synth.n5000.wallMs') !== null && num(figures, 'synth.n1000.wallMs') !== null;
  if (growth)
    figures['synth.growth5000over1000'] = round(
      (figures['synth.n5000.wallMs'] as number) / (figures['synth.n1000.wallMs'] as number),
    );
  return [
    target('cold-synth-ms', 'cold synth under 2 s', num(figures, 'coldSynth.medianMs'), 2000),
    target('cold-synth-floor', 'cold synth under 4x the module-load floor', num(figures, 'coldSynth.ratioToFloor'), 4),
    target('n1000-ms', '1,000 agents under 10 s', num(figures, 'synth.n1000.wallMs'), 10000),
    target('n1000-rss', '1,000 agents under 1 GiB RSS', num(figures, 'synth.n1000.peakRssMiB'), 1024),
    target(
      'n1000-baseline',
      '1,000 agents at most 2.0x plain ApiObjects',
      num(figures, 'synth.n1000.ratioToBaseline'),
      2,
    ),
    target('linear', '5,000 agents at most 5.5x the time of 1,000', num(figures, 'synth.growth5000over1000'), 5.5),
    target('scan', 'scan at most 2.0x parsing the same YAML', num(figures, 'scan.ratioToParse'), 2),
    target('scan-repo', '50 MB repo scan within 6x JSON.parse', num(figures, 'scanRepo.ratioToFloor'), 6),
    target('scan-repo-rss', '50 MB repo scan under 512 MiB RSS', num(figures, 'scanRepo.peakRssMiB'), 512),
  ];
}

function table(result: BenchResult): string {
  const rows = Object.entries(result.figures).map(([k, v]) => `  ${k.padEnd(36)} ${v === null ? 'n/a' : String(v)}`);
  const goals = result.targets.map(
    (t) =>
      `  ${t.holds ? 'PASS' : t.value === null ? 'n/a ' : 'FAIL'}  ${t.description.padEnd(46)} ${t.value ?? 'n/a'} (limit ${t.limit})`,
  );
  const m = result.machine;
  return [
    `agent-baseline benchmarks ${result.smoke ? '(smoke) ' : ''}- ${result.date}`,
    `machine: ${m.cores} cores, ${m.cpu}, node ${m.node}, ${m.memoryGiB} GiB, load ${m.loadAverage1m}`,
    `features: ${result.features.length > 0 ? result.features.join(', ') : 'plain agents'}`,
    '',
    'figures (times in ms, medians):',
    ...rows,
    '',
    'targets:',
    ...goals,
    ...(result.notes.length > 0 ? ['', 'notes:', ...result.notes.map((n) => `  - ${n}`)] : []),
    '',
  ].join('\n');
}

function planFrom(args: Map<string, string>): Plan {
  const smoke = args.has('smoke');
  const override = args.has('runs') ? Number(args.get('runs')) : undefined;
  if (smoke) return { smoke, sizes: [50], runs: () => override ?? 1, coldRuns: override ?? 1, pulumiAgents: [50] };
  return {
    smoke,
    sizes: [100, 1000, 5000],
    runs: (n) => override ?? (n <= 100 ? 5 : 3),
    coldRuns: Math.max(5, override ?? 5),
    pulumiAgents: [100, 1000],
  };
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const plan = planFrom(args);
  const machine = machineInfo();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-baseline-bench-'));
  const figures: Figures = {};
  try {
    coldSynth(plan, tmp, figures);
    const largest = synthScale(plan, tmp, figures);
    if (largest) scan(plan, largest, figures);
    pulumi(plan, figures);
    if (!args.has('skip-scan-repo')) notes.push(...scanRepoBench(plan.smoke, figures, progress));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const result: BenchResult = {
    benchmark: 'agent-baseline',
    date: new Date().toISOString(),
    smoke: plan.smoke,
    machine,
    features: SCALE_FEATURES,
    figures,
    targets: targets(figures),
    notes,
  };
  process.stdout.write(args.has('json') ? `${JSON.stringify(result, null, 2)}\n` : table(result));
  return notes.length > 0 ? 1 : 0;
}

process.exitCode = main();
