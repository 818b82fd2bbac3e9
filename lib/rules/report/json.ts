import { ObjectResult, Report } from '../types';
import { FailOn, failingCount, statusOf } from './common';
import { joined, jsonParts } from './chunked';
import { Fingerprinter } from './fingerprint';

/** Findings of a result without problems (JSON.stringify writes `[]`; nothing mutates it). */
const NO_FINDINGS: readonly Record<string, unknown>[] = Object.freeze([]);

/**
 * One JSON object: every input object (with or without problems), the inputs skipped or unreadable, and a summary.
 * The text is `JSON.stringify({ results, inputs, summary }, null, 2)`, its results written in
 * chunks (as {@link toJsonParts}).
 */
export function toJson(report: Report, failOn: FailOn = 'error', file?: (f: string) => string): string {
  return joined(toJsonParts(report, failOn, file));
}

/**
 * {@link toJson} as consecutive parts whose concatenation is its text: a large report (37 MB on a
 * 50 MB repository) is written part by part, never held whole, joined, or encoded at once. `file`
 * names files in fingerprints; it is asked once per run of consecutive results from one file, so
 * it must depend on its argument only.
 */
export function toJsonParts(report: Report, failOn: FailOn = 'error', file?: (f: string) => string): string[] {
  // Fingerprints are assigned in report order, the order this walks (as fingerprints() would).
  const prints = new Fingerprinter(file);
  const summary = {
    ...report.summary,
    failing: failingCount(report, failOn),
    failOn,
    packs: report.packs,
    pssVersion: report.pssVersion,
  };
  const inputs = report.inputs ?? { errors: [], skipped: [] };
  const results = report.results;
  return jsonParts({ results: NO_FINDINGS, inputs, summary }, 'results', 2, results.length, (i) =>
    resultObject(results[i], prints),
  );
}

function resultObject(r: ObjectResult, prints: Fingerprinter): Record<string, unknown> {
  return {
    file: r.source?.file ?? null,
    line: r.source?.line ?? null,
    apiVersion: r.apiVersion,
    kind: r.kind,
    namespace: r.namespace ?? null,
    name: r.name,
    findings: r.problems.length === 0 ? NO_FINDINGS : problemsOf(r, prints),
  };
}

function problemsOf(r: ObjectResult, prints: Fingerprinter): Record<string, unknown>[] {
  prints.object(r);
  return r.problems.map((f) => {
    // Optional fields are assigned in place, in this order (the output's key order); spreading
    // conditional literals cost more than the rest of the rendering.
    const out: Record<string, unknown> = {
      rule: f.rule,
      severity: f.severity,
      status: statusOf(f),
      message: f.message,
      path: f.path,
      suppressed: f.suppressed,
    };
    if (f.rules.length > 1) out.related = f.rules.slice(1);
    if (f.peers.length) out.peers = f.peers;
    if (f.container) out.container = f.container;
    if (f.line) out.line = f.line;
    out.fix = f.fix;
    out.fingerprint = prints.next(f);
    if (f.suppression)
      out.suppression = {
        reason: f.suppression.reason,
        expires: f.suppression.expires ?? null,
        source: f.suppression.source ?? 'annotation',
      };
    if (f.baseline !== undefined) out.baseline = f.baseline;
    return out;
  });
}
