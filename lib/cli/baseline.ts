/**
 * `--baseline FILE`: problems recorded in a saved JSON report are accepted. They are still shown
 * (status "baselined", with the file that accepted them) in every format, but do not fail the run;
 * new problems do. Matching is by fingerprint: (rule, file, object, field).
 */
import * as fs from 'fs';
import { Report, fingerprints, summarize } from '../rules';
import { InputError } from './load';

/** Fingerprints accepted by a saved `scan --format json` report. */
export function readBaseline(file: string): Set<string> {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`--baseline ${file}: ${code ? `cannot read (${code})` : 'not JSON'}`);
  }
  const results = (data as { results?: unknown }).results;
  if (!Array.isArray(results))
    throw new InputError(`--baseline ${file}: not an agent-baseline JSON report (write one with scan --format json)`);
  const accepted = new Set<string>();
  for (const r of results) {
    for (const f of Array.isArray(r?.findings) ? r.findings : []) {
      // Problems the baseline already accepted stay accepted; fixed ones simply disappear.
      if (typeof f?.fingerprint === 'string') accepted.add(f.fingerprint.replace(/:\d+$/, ''));
    }
  }
  return accepted;
}

/** Marks the report's problems found in the baseline; summary counts them as baselined. */
export function applyBaseline(
  report: Report,
  accepted: ReadonlySet<string>,
  file: string,
  uri: (f: string) => string,
): Report {
  const prints = fingerprints(report, uri);
  const results = report.results.map((r) => ({
    ...r,
    problems: r.problems.map((p) => {
      const print = (prints.get(p) ?? '').replace(/:\d+$/, '');
      return !p.suppressed && accepted.has(print) ? { ...p, baseline: file } : p;
    }),
  }));
  return { ...report, results, summary: summarize(results) };
}
