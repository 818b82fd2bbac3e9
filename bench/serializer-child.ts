/**
 * Serializer floors on the same objects, in a fresh process: cdk8s's Yaml.stringify (the output
 * format), the emitter AgentApp writes with (byte-identical to it), js-yaml's dump (a different
 * format, for scale) and JSON.stringify (the floor of any serializer). Each is timed `--runs` times
 * after one warm-up; medians are printed as one JSON line.
 *   --input FILE (the per-chart objects synth-child captured) [--runs R]
 */
import * as fs from 'fs';
import { Yaml } from 'cdk8s';
import { stringifyManifests } from '../lib/platform/emit';
import { median, parseArgs } from './stats';

export interface SerializerMeasurement {
  readonly objects: number;
  readonly identical: boolean;
  readonly cdk8sYamlMs: number;
  readonly emitterMs: number;
  readonly jsYamlMs: number | null;
  readonly jsonMs: number;
}

function time(fn: () => unknown, runs: number): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

function jsYamlDump(): ((docs: readonly unknown[]) => string) | undefined {
  try {
    const dump = (require('js-yaml') as { dump(doc: unknown, opts: object): string }).dump;
    return (docs) => docs.map((d) => dump(d, { lineWidth: -1, noRefs: true })).join('---\n');
  } catch {
    return undefined;
  }
}

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.get('runs') ?? 5);
const charts = JSON.parse(fs.readFileSync(args.get('input') as string, 'utf8')) as { objects: unknown[] }[];
const docs = charts.flatMap((c) => c.objects);
const dump = jsYamlDump();
const result: SerializerMeasurement = {
  objects: docs.length,
  identical: stringifyManifests(docs) === Yaml.stringify(...docs),
  cdk8sYamlMs: time(() => Yaml.stringify(...docs), runs),
  emitterMs: time(() => stringifyManifests(docs), runs),
  jsYamlMs: dump ? time(() => dump(docs), runs) : null,
  jsonMs: time(() => docs.map((d) => JSON.stringify(d)).join('\n'), runs),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
