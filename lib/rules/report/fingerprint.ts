/**
 * Fingerprints: the stable identity of each problem, hashed, unique within one report. Kept apart
 * from the rest of common.ts so the JSON report can take them one by one (Fingerprinter) while
 * only fingerprints() and objectLabel are public (re-exported by common.ts).
 */
import { hash as digestOf } from 'crypto';
import { problemFieldKey } from '../problems';
import { ObjectResult, Problem, Report } from '../types';

/** How reports name an object: `Kind/namespace/name`, `(unnamed)` when it has no name. */
export function objectLabel(r: ObjectResult): string {
  return `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name || '(unnamed)'}`;
}

/**
 * `map` remembering its last argument and answer. Reports name files through a mapping (the CLI's
 * is path.relative, which cost more than the rest of a fingerprint) once per result or problem,
 * and consecutive results usually share a file. The mapping must depend on its argument only.
 * @internal
 */
export function lastOf(map: (f: string) => string): (f: string) => string {
  let last: string | undefined;
  let answer = '';
  return (f) => {
    if (f !== last) {
      answer = map(f);
      last = f;
    }
    return answer;
  };
}

/**
 * Fingerprints in report order (results, then their problems), as {@link fingerprints} assigns
 * them; the JSON report takes them one by one instead of through a map.
 * @internal
 */
export class Fingerprinter {
  private readonly seen = new Map<string, number>();
  private middle = '';
  private readonly file: (f: string) => string;

  constructor(file?: (f: string) => string) {
    this.file = file ? lastOf(file) : (f) => f;
  }

  /** Starts the problems of one result: problemIdentity's middle part (file and object) is theirs. */
  public object(r: ObjectResult): void {
    this.middle = `|${this.file(r.source?.file ?? '')}|${objectLabel(r)}|`;
  }

  /** The fingerprint of the next problem of the current result. */
  public next(f: Problem): string {
    const id = f.rule + this.middle + problemFieldKey(f);
    const n = (this.seen.get(id) ?? 0) + 1;
    this.seen.set(id, n);
    // One-shot crypto.hash (Node >= 20.12): the same SHA-256 hex as createHash, without a Hash
    // object per finding.
    const hash = digestOf('sha256', id, 'hex').slice(0, 32);
    return n === 1 ? hash : `${hash}:${n}`;
  }
}

/** Fingerprints unique within one report: a repeated identity gets an occurrence suffix. */
export function fingerprints(report: Report, file?: (f: string) => string): Map<Problem, string> {
  const prints = new Fingerprinter(file);
  const out = new Map<Problem, string>();
  for (const r of report.results) {
    if (r.problems.length === 0) continue;
    prints.object(r);
    for (const f of r.problems) out.set(f, prints.next(f));
  }
  return out;
}
