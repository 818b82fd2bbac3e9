/**
 * Scan throughput in a fresh process: the rule engine on a synthesized YAML file, against parsing
 * the same YAML alone. Prints one JSON line with the medians.
 *   --yaml FILE [--runs R]
 */
import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { runRules, KubeObject } from '../lib/rules';
import { median, parseArgs, peakRssMiB } from './stats';

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

const args = parseArgs(process.argv.slice(2));
const text = fs.readFileSync(args.get('yaml') as string, 'utf8');
const runs = Number(args.get('runs') ?? 3);
const parse: number[] = [];
const toJs: number[] = [];
const rules: number[] = [];
const scan: number[] = [];
let objects = 0;
let failing = 0;
// Warm the JIT on the first documents, so neither side pays for compilation in the timed runs.
const warmup = text.split('\n---\n').slice(0, 200).join('\n---\n');
runRules(parseAllDocuments(warmup).map((d) => d.toJS() as KubeObject));

for (let r = 0; r < runs; r++) {
  const parsed = time(() => parseAllDocuments(text)).ms;
  // The scan as the CLI runs it: parse, convert, then every default pack.
  const docs = time(() => parseAllDocuments(text));
  const js = time(() => (Array.isArray(docs.value) ? docs.value : [docs.value]).map((d) => d.toJS() as KubeObject));
  const report = time(() => runRules(js.value));
  objects = js.value.length;
  failing = report.value.summary.failing;
  parse.push(parsed);
  toJs.push(js.ms);
  rules.push(report.ms);
  scan.push(docs.ms + js.ms + report.ms);
}
process.stdout.write(
  `${JSON.stringify({
    objects,
    failing,
    parseMs: median(parse),
    toJsMs: median(toJs),
    rulesMs: median(rules),
    scanMs: median(scan),
    peakRssMiB: peakRssMiB(),
  })}\n`,
);
