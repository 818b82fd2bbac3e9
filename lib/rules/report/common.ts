import { problemFieldKey } from '../problems';
import { fingerprints, objectLabel } from './fingerprint';
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
  // Loops, not a filtered copy of every result's problems: this runs over every object.
  let n = 0;
  for (const r of report.results) for (const f of r.problems) if (isFailing(f, failOn)) n++;
  return n;
}

export { fingerprints, objectLabel };

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
