/** Shared by the semantics tests: the hardened base set, mutated per case, scanned by the engine and the CLI. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadInputs } from '../../lib/cli/load';
import { EXIT, ScanOptions, runScan } from '../../lib/cli/scan';
import { Finding, KubeObject, RunOptions, runRules } from '../../lib/rules';

const GOOD = path.join(__dirname, '..', 'fixtures', 'bad-manifests', 'good.yaml');

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A fresh deep copy of the hardened base set (no findings at all). */
export function goodSet(): Obj[] {
  return loadInputs([GOOD]).map((s) => JSON.parse(JSON.stringify(s.object)) as Obj);
}

export function find(objects: Obj[], kind: string, name?: string): Obj {
  const o = objects.find((x) => x.kind === kind && (name === undefined || x.metadata?.name === name));
  if (!o) throw new Error(`no ${kind} ${name ?? ''} in the set`);
  return o;
}

export function agentDeployment(objects: Obj[]): Obj {
  return find(objects, 'Deployment', 'agent');
}

/** Unsuppressed findings as `RULE path: message`. */
export function findings(objects: Obj[], options: RunOptions = {}): Finding[] {
  const report = runRules(objects as KubeObject[], { now: new Date('2026-01-01'), ...options });
  return report.results.flatMap((r) => r.findings.filter((f) => !f.suppressed));
}

export function findingsOf(objects: Obj[], rule: string, options: RunOptions = {}): string[] {
  return findings(objects, options)
    .filter((f) => f.rule === rule)
    .map((f) => `${f.severity} ${f.path}: ${f.message}`);
}

/** `agent-baseline scan` on the objects written as one YAML file. */
export function cliScan(objects: Obj[], options: ScanOptions = {}): { code: number; out: string; err: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-sem-'));
  const file = path.join(dir, 'set.yaml');
  fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  let out = '';
  let err = '';
  const code = runScan([file], options, { out: (t) => (out += t), err: (t) => (err += t) });
  fs.rmSync(dir, { recursive: true, force: true });
  return { code, out, err };
}

export { EXIT };
