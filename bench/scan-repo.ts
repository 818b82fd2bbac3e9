/**
 * The repository scan benchmark (issue 17): `agent-baseline scan` over a generated 50 MB GitOps
 * repository (bench/scan-repo-fixture.ts), against the floor of reading and `JSON.parse`-ing the
 * same objects, measured in the same run. Every measurement is its own child process (fresh heap,
 * own peak RSS); figures are medians of several runs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { INSECURE_EVERY, writeScanRepo } from './scan-repo-fixture';
import { median, round } from './stats';

const ROOT = path.resolve(__dirname, '..');

type Figures = Record<string, number | string | null>;

interface Floor {
  readonly objects: number;
  readonly ms: number;
  /** CPU time (user + system) of the measured part. */
  readonly cpuMs: number;
  readonly peakRssMiB: number;
}
interface Scan extends Floor {
  readonly loadMs: number;
  readonly loadCpuMs: number;
  readonly rulesMs: number;
  readonly renderMs: number;
  readonly objectsWithFindings: number;
  readonly objectsWithErrors: number;
  readonly inputErrors: number;
}

/**
 * Every mode (prepare, floor, scan) runs the same child compiled ahead by scripts/bundle.js, as the
 * installed CLI runs build/ and as the other bench children run: no TypeScript loader in the
 * measured process, and the floor and the scan pay the same start-up.
 */
function run<T>(args: readonly string[]): T | string {
  const bundle = [path.join(ROOT, 'scripts/bundle.js'), 'bench/scan-repo-child.ts', 'bench-scan-repo-child', '--'];
  const r = spawnSync(process.execPath, [...bundle, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 20 * 60 * 1000,
  });
  if (r.status !== 0)
    return `scan-repo child ${args.join(' ')} failed: ${(r.stderr || String(r.signal)).slice(0, 300)}`;
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as T;
}

/** Runs the benchmark, adds `scanRepo.*` figures, and returns notes for anything that failed. */
export function scanRepoBench(
  smoke: boolean,
  figures: Figures,
  progress: (m: string) => void,
  runs?: number,
): string[] {
  const notes: string[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-baseline-scan-repo-'));
  try {
    const dir = path.join(tmp, 'repo');
    const json = path.join(tmp, 'json');
    const size = smoke ? 2 * 1024 * 1024 : 50 * 1024 * 1024;
    progress(`scan-repo: generating a ${round(size / 2 ** 20, 0)} MiB repository`);
    const repo = writeScanRepo(dir, size);
    const prep = run<object>(['--mode', 'prepare', '--dir', dir, '--json', json]);
    if (typeof prep === 'string') return [prep];
    const n = runs ?? (smoke ? 1 : 3);
    const floors: Floor[] = [];
    const scans: Scan[] = [];
    for (let i = 0; i < n; i++) {
      progress(`scan-repo: run ${i + 1}/${n} (JSON.parse floor, then scan)`);
      const f = run<Floor>(['--mode', 'floor', '--json', json]);
      const s = run<Scan>(['--mode', 'scan', '--dir', dir]);
      if (typeof f === 'string' || typeof s === 'string') {
        notes.push(typeof f === 'string' ? f : (s as string));
        continue;
      }
      floors.push(f);
      scans.push(s);
    }
    if (!scans.length) return notes;
    const m = (xs: readonly number[]) => median(xs);
    const scanMs = m(scans.map((s) => s.ms));
    const floorMs = m(floors.map((f) => f.ms));
    const s0 = scans[0];
    Object.assign(figures, {
      'scanRepo.runs': scans.length,
      'scanRepo.mb': round(repo.bytes / 1e6, 1),
      'scanRepo.files': repo.files,
      'scanRepo.objects': s0.objects,
      'scanRepo.insecureObjectsShare': round(repo.insecureShare, 4),
      'scanRepo.insecureWorkloadsShare': round(1 / INSECURE_EVERY, 2),
      'scanRepo.objectsWithErrorsShare': round(s0.objectsWithErrors / s0.objects, 4),
      'scanRepo.objectsWithFindingsShare': round(s0.objectsWithFindings / s0.objects, 4),
      'scanRepo.floorMs': round(floorMs, 0),
      'scanRepo.scanMs': round(scanMs, 0),
      'scanRepo.loadMs': round(m(scans.map((s) => s.loadMs)), 0),
      'scanRepo.rulesMs': round(m(scans.map((s) => s.rulesMs)), 0),
      'scanRepo.renderMs': round(m(scans.map((s) => s.renderMs)), 0),
      'scanRepo.objectsPerSec': round((s0.objects / scanMs) * 1000, 0),
      'scanRepo.mbPerSec': round(repo.bytes / 1e6 / (scanMs / 1000), 2),
      'scanRepo.floorObjectsPerSec': round((s0.objects / floorMs) * 1000, 0),
      'scanRepo.floorMbPerSec': round(repo.bytes / 1e6 / (floorMs / 1000), 2),
      'scanRepo.ratioToFloor': round(scanMs / floorMs),
      // CPU time: steadier than wall time when other work shares the machine.
      'scanRepo.floorCpuMs': round(m(floors.map((f) => f.cpuMs)), 0),
      'scanRepo.scanCpuMs': round(m(scans.map((s) => s.cpuMs)), 0),
      'scanRepo.loadCpuMs': round(m(scans.map((s) => s.loadCpuMs)), 0),
      'scanRepo.cpuRatioToFloor': round(m(scans.map((s) => s.cpuMs)) / m(floors.map((f) => f.cpuMs))),
      'scanRepo.loadCpuRatioToFloor': round(m(scans.map((s) => s.loadCpuMs)) / m(floors.map((f) => f.cpuMs))),
      'scanRepo.loadRatioToFloor': round(m(scans.map((s) => s.loadMs)) / floorMs),
      'scanRepo.peakRssMiB': round(m(scans.map((s) => s.peakRssMiB)), 0),
      'scanRepo.floorPeakRssMiB': round(m(floors.map((f) => f.peakRssMiB)), 0),
    });
    if (s0.inputErrors) notes.push(`scan-repo: ${s0.inputErrors} inputs could not be read`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return notes;
}
