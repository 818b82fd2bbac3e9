import { hash as digestOf } from 'crypto';
import { problemFieldKey } from '../problems';
import { ObjectResult, Problem, Report, Severity } from '../types';

/** Which unsuppressed findings fail a run. */
export type FailOn = 'error' | 'warning' | 'never';
/** Every {@link FailOn} value, for validating `--fail-on`. */
export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'never'];

/** Whether a finding or problem fails the run: not suppressed, exempt or baselined, and severe enough. */
export function isFailing(f: { suppressed: boolean; severity: Severity; baseline?: string }, failOn: FailOn): boolean {
  if (f.suppressed || failOn === 'never' || f.baseline !== undefined) return false;
  return f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning');
}

/** Failing problems (findings merged per field). */
export function failingCount(report: Report, failOn: FailOn): number {
  return report.results.reduce((n, r) => n + r.problems.filter((f) => isFailing(f, failOn)).length, 0);
}

/** How reports name an object: `Kind/namespace/name`, `(unnamed)` when it has no name. */
export function objectLabel(r: ObjectResult): string {
  return `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name || '(unnamed)'}`;
}

/** Sort rank of each severity, most severe first. */
export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** How a problem's status reads in every format. */
export function statusOf(f: Problem): string {
  if (f.suppressed) return f.suppression?.source === 'exemption' ? 'exempt' : 'suppressed';
  if (f.baseline !== undefined) return 'baselined';
  return f.severity;
}

/**
 * The stable identity of a problem: (rule, file, object, field). Files are compared as given
 * (relative to where the scan ran); the field ignores how a rule spelled the path.
 */
export function problemIdentity(r: ObjectResult, f: Problem, file: (f: string) => string = (x) => x): string {
  return [f.rule, file(r.source?.file ?? ''), objectLabel(r), problemFieldKey(f)].join('|');
}

/** Fingerprints unique within one report: a repeated identity gets an occurrence suffix. */
export function fingerprints(report: Report, file?: (f: string) => string): Map<Problem, string> {
  const seen = new Map<string, number>();
  const out = new Map<Problem, string>();
  for (const r of report.results) {
    if (r.problems.length === 0) continue;
    // problemIdentity's middle part (file and object) is the same for every problem of an object.
    const middle = `|${file ? file(r.source?.file ?? '') : (r.source?.file ?? '')}|${objectLabel(r)}|`;
    for (const f of r.problems) {
      const id = f.rule + middle + problemFieldKey(f);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      // One-shot crypto.hash (Node >= 20.12): the same SHA-256 hex as createHash, without a Hash
      // object per finding.
      const hash = digestOf('sha256', id, 'hex').slice(0, 32);
      out.set(f, n === 1 ? hash : `${hash}:${n}`);
    }
  }
  return out;
}

/** Problems in the order people read them: by file, then object, most severe first. */
export function byFile(report: Report): { file: string; objects: ObjectResult[] }[] {
  const files = new Map<string, ObjectResult[]>();
  for (const r of report.results) {
    const key = r.source?.file ?? '(no file)';
    const list = files.get(key);
    if (list) list.push(r);
    else files.set(key, [r]);
  }
  const worst = (r: ObjectResult) =>
    Math.min(
      3,
      ...r.problems.filter((p) => !p.suppressed && p.baseline === undefined).map((p) => SEVERITY_ORDER[p.severity]),
    );
  return [...files.entries()].map(([file, objects]) => ({
    file,
    objects: [...objects].sort((a, b) => worst(a) - worst(b) || a.index - b.index),
  }));
}
