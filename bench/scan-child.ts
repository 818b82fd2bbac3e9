/**
 * Scan throughput in a fresh process: the rule engine on a synthesized YAML file, against reading
 * and decoding the same file alone, both as the CLI does (`readManifests`: js-yaml with the go-yaml
 * v2 resolution). Prints one JSON line with the medians.
 *   --yaml FILE [--runs R]
 */
import { readManifests } from '../lib/cli/load';
import { runRules } from '../lib/rules';
import { median, parseArgs, peakRssMiB } from './stats';

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

const args = parseArgs(process.argv.slice(2));
const file = args.get('yaml') as string;
const runs = Number(args.get('runs') ?? 3);
const parse: number[] = [];
const rules: number[] = [];
const scan: number[] = [];
let objects = 0;
let failing = 0;
// One untimed scan warms the JIT, so neither side pays for compilation in the timed runs.
runRules(readManifests([file]).objects);

for (let r = 0; r < runs; r++) {
  // The scan as the CLI runs it: read and decode, then every default pack on the objects.
  const loaded = time(() => readManifests([file]));
  const report = time(() => runRules(loaded.value.objects));
  objects = loaded.value.objects.length;
  failing = report.value.summary.failing;
  parse.push(loaded.ms);
  rules.push(report.ms);
  scan.push(loaded.ms + report.ms);
}
process.stdout.write(
  `${JSON.stringify({
    objects,
    failing,
    parseMs: median(parse),
    rulesMs: median(rules),
    scanMs: median(scan),
    peakRssMiB: peakRssMiB(),
  })}\n`,
);
