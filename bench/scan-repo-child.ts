/**
 * One measurement of the repository scan in a fresh process (so peak RSS is its own):
 *   --mode prepare --dir D --json J   write J/<n>.json, the same objects as JSON (for the floor)
 *   --mode floor --json J             read and JSON.parse every file of J
 *   --mode scan --dir D               what `agent-baseline scan D --format json` does: read, decode
 *                                     (YAML 1.1), judge every object with the default packs, place
 *                                     findings on lines, render the JSON report
 * Prints one JSON line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readManifests } from '../lib/cli/load';
import { runRules, toJson } from '../lib/rules';
import { parseArgs, peakRssMiB } from './stats';

/** CPU time of this process (user + system), in ms: steadier than wall time on a shared machine. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const args = parseArgs(process.argv.slice(2));
const mode = args.get('mode');

function filesOf(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesOf(f));
    else out.push(f);
  }
  return out;
}

if (mode === 'prepare') {
  const dir = args.get('dir') as string;
  const json = args.get('json') as string;
  fs.mkdirSync(json, { recursive: true });
  filesOf(dir).forEach((file, i) => {
    const objects = readManifests([file]).objects.map((o) => o.object);
    fs.writeFileSync(path.join(json, `${i}.json`), JSON.stringify(objects));
  });
  process.stdout.write('{}\n');
} else if (mode === 'floor') {
  const c0 = cpuMs();
  const t0 = performance.now();
  let objects = 0;
  for (const f of filesOf(args.get('json') as string))
    objects += (JSON.parse(fs.readFileSync(f, 'utf8')) as unknown[]).length;
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ objects, ms, cpuMs: cpuMs() - c0, peakRssMiB: peakRssMiB() })}\n`);
} else {
  const times: number[] = [];
  const cpu: number[] = [];
  // As the CLI does it: the decoded objects are out of scope once the report exists.
  const judge = () => {
    cpu.push(cpuMs());
    times.push(performance.now());
    const loaded = readManifests([args.get('dir') as string]);
    times.push(performance.now());
    cpu.push(cpuMs());
    return { report: runRules(loaded.objects), inputErrors: loaded.errors.length };
  };
  const { report, inputErrors } = judge();
  const [t0, t1] = times;
  const t2 = performance.now();
  const out = toJson(report);
  const t3 = performance.now();
  const c3 = cpuMs();
  const withFindings = report.results.filter((r) => r.problems.length > 0).length;
  const failing = report.results.filter((r) => r.problems.some((p) => p.severity === 'error' && !p.suppressed)).length;
  process.stdout.write(
    `${JSON.stringify({
      objects: report.results.length,
      ms: t3 - t0,
      loadMs: t1 - t0,
      cpuMs: c3 - cpu[0],
      loadCpuMs: cpu[1] - cpu[0],
      rulesMs: t2 - t1,
      renderMs: t3 - t2,
      reportBytes: out.length,
      objectsWithFindings: withFindings,
      objectsWithErrors: failing,
      inputErrors,
      peakRssMiB: peakRssMiB(),
    })}\n`,
  );
}
