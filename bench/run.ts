/**
 * The benchmark suite: `npm run bench` prints a table, `npm run -s bench -- --json` one JSON object
 * with a `figures` map and the issue's `targets` (progress goes to stderr). `--smoke` runs a small,
 * fast version (N = 50, one run) that only shows the suite still works; `--runs R` overrides the
 * number of runs per figure (at least 5 otherwise); `--sizes 100,1000` and `--pulumi 1000` pick the
 * agent counts; `--only "cold synth,pulumi"` runs some sections.
 *
 * Every measurement runs in a child process, so heaps and peak RSS never carry over; every ratio
 * compares against a floor measured in the same run, interleaved with it (floor, subject, floor,
 * subject, ...) so that load on a shared machine hits both alike; figures are medians. Children
 * run compiled ahead (scripts/bundle.js), as the product's entry points do. Docs: docs/performance.md.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { SCALE_FEATURES } from './fixture';
import {
  BenchContext,
  Figures,
  Plan,
  ROOT,
  Section,
  Target,
  check,
  child,
  num,
  progress,
  target,
  timed,
} from './harness';
import type { PulumiMeasurement } from './pulumi-child';
import { scanRepoBench } from './scan-repo';
import type { SerializerMeasurement } from './serializer-child';
import { MachineInfo, machineInfo, median, parseArgs, round } from './stats';
import type { Measurement } from './synth-child';

/** 5,000 agents under Pulumi mocks take minutes: cap a run rather than wait forever. */
const PULUMI_TIMEOUT_MS = Number(process.env.BENCH_PULUMI_TIMEOUT_MS ?? 30 * 60 * 1000);
/**
 * V8 heap limit of every Pulumi child (MiB). @pulumi/pulumi starts every resource's registration
 * before the first one completes, so the program's peak heap grows with the resource count: 5,000
 * agents (53,000 resources) exceed Node's default limit of about 4 GiB and abort. The same limit
 * goes to every Pulumi child, floors and all sizes, so ratios compare like with like.
 */
const PULUMI_HEAP_MIB = Number(process.env.BENCH_PULUMI_HEAP_MIB ?? 12 * 1024);

export interface BenchResult {
  readonly benchmark: 'agent-baseline';
  readonly date: string;
  readonly smoke: boolean;
  readonly runs: number;
  readonly machine: MachineInfo;
  readonly features: readonly string[];
  readonly figures: Figures;
  readonly targets: readonly Target[];
  readonly notes: readonly string[];
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs each labelled command once per round, interleaved, and returns the samples per label. */
function interleaved(
  ctx: BenchContext,
  what: string,
  commands: Record<string, { cmd: string; args: readonly string[]; env?: NodeJS.ProcessEnv }>,
): Record<string, number[]> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let r = 0; r < ctx.plan.runs; r++) {
    progress(`${what} round ${r + 1}/${ctx.plan.runs}`);
    for (const [label, c] of Object.entries(commands)) {
      const { ms, result } = timed(c.cmd, c.args, c.env);
      if (check(ctx, label, result)) samples[label].push(ms);
    }
  }
  return samples;
}

/**
 * 1. `npm run synth` and `node scripts/synth.js` as whole processes, against the floors: loading
 * cdk8s-plus-28 alone, npm alone (`npm run env`), and the cdk8s CLI alone; plus `cdk8s synth`.
 */
const coldSynth: Section = {
  name: 'cold synth',
  run(ctx) {
    const out = (label: string) => path.join(ctx.tmp, `cold-${label}`);
    // The bundle and its code cache are built once before timing, as after `npm ci` (prepare) and a first run.
    const warm = timed(process.execPath, ['scripts/synth.js', '--output', out('warm')]);
    if (!check(ctx, 'synth warm-up', warm.result)) return;
    const cli = path.join(ROOT, 'node_modules/cdk8s-cli/bin/cdk8s');
    const s = interleaved(ctx, 'cold synth', {
      floor: { cmd: process.execPath, args: ['-e', "require('cdk8s-plus-28')"] },
      entry: { cmd: process.execPath, args: ['scripts/synth.js', '--output', out('entry')] },
      npmSynth: { cmd: npm, args: ['run', '--silent', 'synth', '--', '--output', out('npm')] },
      npm: { cmd: npm, args: ['run', '--silent', 'env'] },
      cliLoad: { cmd: process.execPath, args: [cli, '--version'] },
      cdk8sSynth: { cmd: process.execPath, args: [cli, 'synth', '--output', out('cli')] },
    });
    const f = ctx.figures;
    const floor = median(s.floor);
    f['coldSynth.runs'] = s.npmSynth.length;
    f['coldSynth.medianMs'] = round(median(s.npmSynth), 0);
    f['coldSynth.floorMedianMs'] = round(floor, 0);
    f['coldSynth.ratioToFloor'] = round(median(s.npmSynth) / floor);
    f['coldSynth.entryMedianMs'] = round(median(s.entry), 0);
    f['coldSynth.entryRatioToFloor'] = round(median(s.entry) / floor);
    f['coldSynth.npmAloneMedianMs'] = round(median(s.npm), 0);
    f['coldSynth.npmAloneRatioToFloor'] = round(median(s.npm) / floor);
    f['coldSynth.cliLoadMedianMs'] = round(median(s.cliLoad), 0);
    f['coldSynth.cdk8sSynthMedianMs'] = round(median(s.cdk8sSynth), 0);
    f['coldSynth.cdk8sSynthRatioToFloor'] = round(median(s.cdk8sSynth) / floor);
    const manifests = (dir: string) =>
      fs.existsSync(dir) ? fs.readdirSync(dir).filter((x) => x.endsWith('.k8s.yaml')).length : 0;
    f['coldSynth.manifests'] = manifests(out('npm'));
    if (f['coldSynth.manifests'] === 0) ctx.note('npm run synth wrote no manifests');
    const same = ['entry', 'cli'].every((l) =>
      fs.readdirSync(out('npm')).every((x) => {
        const a = path.join(out('npm'), x);
        return (
          fs.statSync(a).isDirectory() || fs.readFileSync(a, 'utf8') === fs.readFileSync(path.join(out(l), x), 'utf8')
        );
      }),
    );
    f['coldSynth.outputsIdentical'] = same;
    if (!same) ctx.note('npm run synth, the entry point and cdk8s synth wrote different files');
  },
  targets: (f) => [
    target('cold-synth-ms', 'npm run synth under 1.0 s', num(f, 'coldSynth.medianMs'), 1000),
    target(
      'cold-synth-floor',
      'npm run synth at most 2.5x the module-load floor',
      num(f, 'coldSynth.ratioToFloor'),
      2.5,
    ),
    target('entry-floor', 'node on the entry point at most 1.5x the floor', num(f, 'coldSynth.entryRatioToFloor'), 1.5),
  ],
};

/** 2. N agents across N/10 namespaces, against the same objects as plain ApiObjects, interleaved. */
const synthScale: Section = {
  name: 'synth at scale',
  run(ctx) {
    for (const n of ctx.plan.sizes) {
      const yamlFile = path.join(ctx.tmp, `agents-${n}.yaml`);
      const jsonFile = path.join(ctx.tmp, `agents-${n}.json`);
      const ours: Measurement[] = [];
      const plain: Measurement[] = [];
      const stock: Measurement[] = [];
      for (let r = 0; r < ctx.plan.runs; r++) {
        progress(`synth N=${n} run ${r + 1}/${ctx.plan.runs}`);
        const capture = r === 0 ? ['--yaml', yamlFile, '--json', jsonFile] : [];
        const o = child<Measurement>(ctx, `synth N=${n}`, 'synth-child.ts', [
          '--mode',
          'ours',
          '--n',
          String(n),
          ...capture,
        ]);
        if (!o) break;
        ours.push(o);
        const p = child<Measurement>(ctx, `baseline N=${n}`, 'synth-child.ts', [
          '--mode',
          'plain',
          '--input',
          jsonFile,
        ]);
        if (p) plain.push(p);
        // The 1.2x target's floor; dear at 5,000 agents, where no target needs it: measured up to 1,000.
        if (n > STOCK_FLOOR_MAX_AGENTS) continue;
        const st = child<Measurement>(ctx, `stock cdk8s N=${n}`, 'synth-child.ts', [
          '--mode',
          'stock',
          '--input',
          jsonFile,
        ]);
        if (st) stock.push(st);
      }
      if (ours.length === 0) continue;
      if (plain.length > 0 && plain[0].bytes !== ours[0].bytes)
        ctx.note(`N=${n}: baseline YAML differs in size from ours`);
      recordScale(ctx.figures, n, ours, plain);
      if (stock.length > 0 && stock[0].bytes !== ours[0].bytes)
        ctx.note(`N=${n}: the stock cdk8s App's YAML differs in size from ours`);
      recordStockFloor(ctx.figures, n, ours, stock);
      ctx.files.set(`synth.n${n}.json`, jsonFile);
      if (n === Math.max(...ctx.plan.sizes)) ctx.files.set('largestYaml', yamlFile);
    }
    const f = ctx.figures;
    if (num(f, 'synth.n5000.wallMs') !== null && num(f, 'synth.n1000.wallMs') !== null)
      f['synth.growth5000over1000'] = round((f['synth.n5000.wallMs'] as number) / (f['synth.n1000.wallMs'] as number));
  },
  targets: (f) => [
    target('n1000-ms', '1,000 agents under 10 s', num(f, 'synth.n1000.wallMs'), 10000),
    target('n1000-rss', '1,000 agents under 1 GiB RSS', num(f, 'synth.n1000.peakRssMiB'), 1024),
    target(
      'n1000-baseline',
      '1,000 agents at most 1.2x the same plain ApiObjects in a cdk8s App',
      num(f, 'synth.n1000.ratioToStockCdk8s'),
      1.2,
    ),
    target('linear', '5,000 agents at most 5.5x the time of 1,000', num(f, 'synth.growth5000over1000'), 5.5),
  ],
};

function recordScale(figures: Figures, n: number, ours: Measurement[], plain: Measurement[]): void {
  const key = `synth.n${n}`;
  const wall = median(ours.map((m) => m.totalMs));
  figures[`${key}.runs`] = ours.length;
  figures[`${key}.namespaces`] = Math.ceil(n / 10);
  figures[`${key}.objects`] = ours[0].objects;
  figures[`${key}.wallMs`] = round(wall, 0);
  figures[`${key}.cpuMs`] = round(median(ours.map((m) => m.cpuMs)), 0);
  figures[`${key}.buildMs`] = round(median(ours.map((m) => m.buildMs)), 0);
  figures[`${key}.synthMs`] = round(median(ours.map((m) => m.synthMs)), 0);
  figures[`${key}.objectsPerSec`] = round((ours[0].objects / wall) * 1000, 0);
  figures[`${key}.peakRssMiB`] = Math.max(...ours.map((m) => m.peakRssMiB));
  if (plain.length === 0) return;
  const base = median(plain.map((m) => m.totalMs));
  figures[`${key}.baselineWallMs`] = round(base, 0);
  figures[`${key}.baselineCpuMs`] = round(median(plain.map((m) => m.cpuMs)), 0);
  figures[`${key}.baselinePeakRssMiB`] = Math.max(...plain.map((m) => m.peakRssMiB));
  figures[`${key}.ratioToBaseline`] = round(wall / base);
  figures[`${key}.cpuRatioToBaseline`] = round(median(ours.map((m) => m.cpuMs)) / median(plain.map((m) => m.cpuMs)));
}

/** Largest agent count whose objects are also synthesized by a stock cdk8s App (the 1.2x target is at 1,000). */
const STOCK_FLOOR_MAX_AGENTS = 1000;

/**
 * The same plain ApiObjects in a stock cdk8s `App` (cdk8s's resolver, chart order and serializer): what a
 * user writing these objects by hand pays, and the floor of the 1.2x target. That is the floor issue 18
 * measured its 1.42x against (plain objects written by cdk8s's `Yaml.stringify`), and the only one its
 * remedies (resolve once, a faster serializer on our side) could bring within 1.2x. The AgentApp floor
 * (`ratioToBaseline`) gives the plain objects our own emitter too, so it isolates what the product adds
 * (constructs, typed conversions, synth-time rules): informational.
 */
function recordStockFloor(figures: Figures, n: number, ours: Measurement[], stock: Measurement[]): void {
  if (stock.length === 0) return;
  const key = `synth.n${n}`;
  figures[`${key}.stockCdk8sWallMs`] = round(median(stock.map((m) => m.totalMs)), 0);
  figures[`${key}.stockCdk8sCpuMs`] = round(median(stock.map((m) => m.cpuMs)), 0);
  figures[`${key}.ratioToStockCdk8s`] = round(median(ours.map((m) => m.totalMs)) / median(stock.map((m) => m.totalMs)));
  figures[`${key}.cpuRatioToStockCdk8s`] = round(median(ours.map((m) => m.cpuMs)) / median(stock.map((m) => m.cpuMs)));
}

/** 3. Serializer floors on the objects of the 1,000-agent run (or the largest below it). */
const serializers: Section = {
  name: 'serializers',
  run(ctx) {
    const n = Math.max(...ctx.plan.sizes.filter((s) => s <= 1000));
    const input = ctx.files.get(`synth.n${n}.json`);
    if (!input) return;
    progress(`serializers on N=${n}`);
    const s = child<SerializerMeasurement>(ctx, 'serializers', 'serializer-child.ts', [
      '--input',
      input,
      '--runs',
      String(ctx.plan.runs),
    ]);
    if (!s) return;
    const f = ctx.figures;
    f['serializers.agents'] = n;
    f['serializers.objects'] = s.objects;
    f['serializers.identical'] = s.identical;
    f['serializers.cdk8sYamlMs'] = round(s.cdk8sYamlMs, 0);
    f['serializers.emitterMs'] = round(s.emitterMs, 0);
    f['serializers.jsYamlDumpMs'] = s.jsYamlMs === null ? null : round(s.jsYamlMs, 0);
    f['serializers.jsonStringifyMs'] = round(s.jsonMs, 0);
    f['serializers.emitterRatioToJson'] = round(s.emitterMs / s.jsonMs);
    f['serializers.cdk8sYamlRatioToEmitter'] = round(s.cdk8sYamlMs / s.emitterMs);
    if (!s.identical) ctx.note('the emitter and cdk8s Yaml.stringify differ on the bench objects');
  },
};

interface ScanMeasurement {
  readonly objects: number;
  readonly failing: number;
  readonly parseMs: number;
  readonly rulesMs: number;
  readonly scanMs: number;
  readonly peakRssMiB: number;
}

/** 4. The rule engine on the largest output, against reading and decoding the same YAML alone (both as the CLI does). */
const scan: Section = {
  name: 'scan',
  run(ctx) {
    const yamlFile = ctx.files.get('largestYaml');
    if (!yamlFile) return;
    progress(`scan of ${path.basename(yamlFile)}`);
    const runs = ctx.plan.smoke ? 1 : 3;
    const s = child<ScanMeasurement>(ctx, 'scan', 'scan-child.ts', ['--yaml', yamlFile, '--runs', String(runs)]);
    if (!s) return;
    const f = ctx.figures;
    f['scan.agents'] = Math.max(...ctx.plan.sizes);
    f['scan.runs'] = runs;
    f['scan.objects'] = s.objects;
    f['scan.failingFindings'] = s.failing;
    f['scan.parseMs'] = round(s.parseMs, 0);
    f['scan.rulesMs'] = round(s.rulesMs, 0);
    f['scan.scanMs'] = round(s.scanMs, 0);
    f['scan.objectsPerSec'] = round((s.objects / s.scanMs) * 1000, 0);
    f['scan.parseObjectsPerSec'] = round((s.objects / s.parseMs) * 1000, 0);
    f['scan.ratioToParse'] = round(s.scanMs / s.parseMs);
    f['scan.rulesRatioToParse'] = round(s.rulesMs / s.parseMs);
    f['scan.peakRssMiB'] = s.peakRssMiB;
  },
  targets: (f) => [target('scan', 'scan at most 2.0x parsing the same YAML', num(f, 'scan.ratioToParse'), 2)],
};

/** Pulumi.yaml's runtime nodeargs: the CLI applies them, mocks bypass the CLI, so the bench does. */
function pulumiNodeArgs(): string[] {
  const project = parseYaml(fs.readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8')) as {
    runtime?: { options?: { nodeargs?: string } };
  };
  return (project.runtime?.options?.nodeargs ?? '').split(/\s+/).filter(Boolean);
}

/**
 * Sizes above this skip the informational `objects` floor: the one target beyond it (5,000 agents
 * against 1,000) compares our own times. The ConfigMap floor still runs at every size, so the run
 * also reports how @pulumi/pulumi itself grows over the same counts (`pulumi.plainGrowth…`).
 */
export const PULUMI_FLOOR_MAX_AGENTS = 1000;

/**
 * 5. Registration under Pulumi mocks, interleaved with two floors under the same mocks and node
 * arguments: as many plain ConfigMaps (the floor, which the target is evaluated against) and,
 * for information, the same objects and Vault resources registered as plain resources of their
 * own types without our component (`objects`): what the objects themselves cost the SDK.
 */
const pulumi: Section = {
  name: 'pulumi',
  run(ctx) {
    const nodeArgs = [...pulumiNodeArgs(), `--max-old-space-size=${PULUMI_HEAP_MIB}`];
    ctx.figures['pulumi.nodeargs'] = nodeArgs.join(' ');
    for (const n of ctx.plan.pulumiAgents) {
      const ours: PulumiMeasurement[] = [];
      const plain: PulumiMeasurement[] = [];
      const objects: PulumiMeasurement[] = [];
      const objectsFloor = n <= PULUMI_FLOOR_MAX_AGENTS;
      const opts = { external: true, nodeArgs, timeout: PULUMI_TIMEOUT_MS };
      for (let r = 0; r < ctx.plan.runs; r++) {
        progress(`pulumi N=${n} run ${r + 1}/${ctx.plan.runs}`);
        const o = child<PulumiMeasurement>(ctx, `pulumi N=${n}`, 'pulumi-child.ts', ['--n', String(n)], opts);
        if (!o) break;
        ours.push(o);
        const p = child<PulumiMeasurement>(
          ctx,
          `pulumi plain N=${n}`,
          'pulumi-child.ts',
          ['--mode', 'plain', '--count', String(o.resources - 1)],
          opts,
        );
        if (p) plain.push(p);
        if (!objectsFloor) continue;
        const b = child<PulumiMeasurement>(
          ctx,
          `pulumi objects N=${n}`,
          'pulumi-child.ts',
          ['--mode', 'objects', '--n', String(n)],
          opts,
        );
        if (b) objects.push(b);
      }
      const key = `pulumi.n${n}`;
      if (ours.length === 0) {
        ctx.figures[`${key}.registerMs`] = null;
        continue;
      }
      const reg = median(ours.map((m) => m.registerMs));
      const cpu = median(ours.map((m) => m.cpuMs));
      ctx.figures[`${key}.runs`] = ours.length;
      ctx.figures[`${key}.resources`] = ours[0].resources;
      ctx.figures[`${key}.constructMs`] = round(median(ours.map((m) => m.constructMs)), 0);
      ctx.figures[`${key}.registerMs`] = round(reg, 0);
      ctx.figures[`${key}.cpuMs`] = round(cpu, 0);
      ctx.figures[`${key}.resourcesPerSec`] = round((ours[0].resources / reg) * 1000, 0);
      ctx.figures[`${key}.peakRssMiB`] = Math.max(...ours.map((m) => m.peakRssMiB));
      if (!objectsFloor) ctx.figures[`${key}.objectsFloor`] = `skipped above ${PULUMI_FLOOR_MAX_AGENTS} agents`;
      if (plain.length > 0) {
        const base = median(plain.map((m) => m.registerMs));
        const baseCpu = median(plain.map((m) => m.cpuMs));
        ctx.figures[`${key}.plainRegisterMs`] = round(base, 0);
        ctx.figures[`${key}.plainCpuMs`] = round(baseCpu, 0);
        ctx.figures[`${key}.ratioToPlain`] = round(reg / base);
        ctx.figures[`${key}.cpuRatioToPlain`] = round(cpu / baseCpu);
      }
      if (objects.length > 0) {
        const base = median(objects.map((m) => m.registerMs));
        const baseCpu = median(objects.map((m) => m.cpuMs));
        ctx.figures[`${key}.objectsResources`] = objects[0].resources;
        ctx.figures[`${key}.objectsRegisterMs`] = round(base, 0);
        ctx.figures[`${key}.objectsCpuMs`] = round(baseCpu, 0);
        ctx.figures[`${key}.ratioToObjects`] = round(reg / base);
        ctx.figures[`${key}.cpuRatioToObjects`] = round(cpu / baseCpu);
      }
    }
    const f = ctx.figures;
    if (num(f, 'pulumi.n5000.registerMs') !== null && num(f, 'pulumi.n1000.registerMs') !== null)
      f['pulumi.growth5000over1000'] = round(
        (f['pulumi.n5000.registerMs'] as number) / (f['pulumi.n1000.registerMs'] as number),
      );
    // Informational: the SDK's own growth over the same resource counts (as many plain ConfigMaps).
    if (num(f, 'pulumi.n5000.plainRegisterMs') !== null && num(f, 'pulumi.n1000.plainRegisterMs') !== null)
      f['pulumi.plainGrowth5000over1000'] = round(
        (f['pulumi.n5000.plainRegisterMs'] as number) / (f['pulumi.n1000.plainRegisterMs'] as number),
      );
  },
  targets: (f) => [
    target(
      'pulumi-n1000-plain',
      'Pulumi 1,000 agents at most 1.3x plain resources',
      num(f, 'pulumi.n1000.ratioToPlain'),
      1.3,
    ),
    target(
      'pulumi-linear',
      'Pulumi 5,000 agents at most 5.5x the time of 1,000',
      num(f, 'pulumi.growth5000over1000'),
      5.5,
    ),
  ],
};

/** 6. `agent-baseline scan` over a generated 50 MB repository (bench/scan-repo.ts); `--skip-scan-repo` skips it. */
const scanRepo: Section = {
  name: 'scan repo',
  run(ctx) {
    for (const n of scanRepoBench(
      ctx.plan.smoke,
      ctx.figures as Record<string, number | string | null>,
      progress,
      ctx.plan.runs,
    ))
      ctx.note(n);
  },
  targets: (f) => [
    target('scan-repo', '50 MB repo scan within 6x JSON.parse', num(f, 'scanRepo.ratioToFloor'), 6),
    target('scan-repo-rss', '50 MB repo scan under 512 MiB RSS', num(f, 'scanRepo.peakRssMiB'), 512),
  ],
};

/** The suite, in order; a new section is one entry here. */
const SECTIONS: readonly Section[] = [coldSynth, synthScale, serializers, scan, pulumi, scanRepo];

function table(result: BenchResult): string {
  const rows = Object.entries(result.figures).map(([k, v]) => `  ${k.padEnd(40)} ${v === null ? 'n/a' : String(v)}`);
  const goals = result.targets.map(
    (t) =>
      `  ${t.holds ? 'PASS' : t.value === null ? 'n/a ' : 'FAIL'}  ${t.description.padEnd(52)} ${t.value ?? 'n/a'} (limit ${t.limit})`,
  );
  const m = result.machine;
  return [
    `agent-baseline benchmarks ${result.smoke ? '(smoke) ' : ''}- ${result.date}`,
    `machine: ${m.cores} cores, ${m.cpu}, node ${m.node}, ${m.memoryGiB} GiB, load ${m.loadAverage1m}`,
    `features: ${result.features.length > 0 ? result.features.join(', ') : 'plain agents'}; medians of ${result.runs} runs`,
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
  const list = (key: string, fallback: number[]) =>
    args.has(key) ? (args.get(key) as string).split(',').map(Number) : fallback;
  if (smoke) return { smoke, sizes: list('sizes', [50]), runs: override ?? 1, pulumiAgents: list('pulumi', [50]) };
  return {
    smoke,
    sizes: list('sizes', [100, 1000, 5000]),
    runs: Math.max(5, override ?? 5),
    pulumiAgents: list('pulumi', [100, 1000, 5000]),
  };
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const plan = planFrom(args);
  const only = args.get('only')?.split(',');
  const machine = machineInfo();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-baseline-bench-'));
  const notes: string[] = [];
  const ctx: BenchContext = { plan, tmp, figures: {}, files: new Map(), note: (m) => notes.push(m) };
  const sections = SECTIONS.filter(
    (s) => (!only || only.includes(s.name)) && !(s === scanRepo && args.has('skip-scan-repo')),
  );
  try {
    for (const section of sections) section.run(ctx);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const result: BenchResult = {
    benchmark: 'agent-baseline',
    date: new Date().toISOString(),
    smoke: plan.smoke,
    runs: plan.runs,
    machine,
    features: SCALE_FEATURES,
    figures: ctx.figures,
    targets: sections.flatMap((s) => s.targets?.(ctx.figures) ?? []),
    notes,
  };
  process.stdout.write(args.has('json') ? `${JSON.stringify(result, null, 2)}\n` : table(result));
  return notes.length > 0 ? 1 : 0;
}

process.exitCode = main();
