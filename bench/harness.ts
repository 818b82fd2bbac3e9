/**
 * What every benchmark section shares: child processes, figures, targets. A section is one file
 * or function with `run` (measure, write figures) and `targets` (the limits on them), and
 * one line in SECTIONS in bench/run.ts.
 */
import { SpawnSyncReturns, spawnSync } from 'child_process';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..');
export const CHILD_TIMEOUT_MS = 15 * 60 * 1000;

export type Figures = Record<string, number | string | boolean | null>;

export interface Target {
  readonly id: string;
  readonly description: string;
  readonly value: number | null;
  readonly limit: number;
  readonly holds: boolean;
}

export interface Plan {
  readonly smoke: boolean;
  /** Agent counts of the synth-scale runs. */
  readonly sizes: readonly number[];
  /** Runs per figure (medians); at least 5 outside smoke runs. */
  readonly runs: number;
  readonly pulumiAgents: readonly number[];
}

export interface BenchContext {
  readonly plan: Plan;
  /** Scratch folder, removed after the run. */
  readonly tmp: string;
  readonly figures: Figures;
  /** Files one section leaves for another (the largest synthesized YAML for the scan). */
  readonly files: Map<string, string>;
  note(message: string): void;
}

export interface Section {
  readonly name: string;
  run(ctx: BenchContext): void;
  targets?(figures: Figures): Target[];
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function timed(command: string, args: readonly string[], env?: NodeJS.ProcessEnv, timeout = CHILD_TIMEOUT_MS) {
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

export function check(ctx: BenchContext, what: string, result: SpawnSyncReturns<string>): boolean {
  if (result.status === 0) return true;
  const why =
    result.error?.message ?? `exit ${result.status}: ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
  ctx.note(`${what} failed (${why})`);
  progress(`${what} FAILED: ${why}`);
  return false;
}

/**
 * Runs a bench child compiled ahead (scripts/bundle.js, as the product runs) and parses the JSON
 * line it prints. `external` leaves node_modules to require (the Pulumi child must share
 * @pulumi/pulumi's instance); `nodeArgs` go to node itself.
 */
export function child<T>(
  ctx: BenchContext,
  what: string,
  file: string,
  args: readonly string[],
  options: { external?: boolean; nodeArgs?: readonly string[]; timeout?: number } = {},
): T | undefined {
  const name = `bench-${path.basename(file, '.ts')}`;
  const bundleArgs = [
    ...(options.nodeArgs ?? []),
    path.join(ROOT, 'scripts/bundle.js'),
    ...(options.external ? ['--external'] : []),
    path.join('bench', file),
    name,
    '--',
    ...args,
  ];
  const { result } = timed(process.execPath, bundleArgs, undefined, options.timeout);
  if (!check(ctx, what, result)) return undefined;
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as T;
}

export function num(figures: Figures, key: string): number | null {
  const v = figures[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function target(id: string, description: string, value: number | null, limit: number): Target {
  return { id, description, value, limit, holds: value !== null && value <= limit };
}
