import { ObjectResult, Report } from '../types';
import { FailOn, failingCount, statusOf } from './common';
import { Fingerprinter } from './fingerprint';

/** Results serialized by one JSON.stringify call: their model objects are garbage before the next chunk. */
const CHUNK_RESULTS = 1024;
/** `JSON.stringify([results], null, 2)` opens and closes with these, its results at indentation level 2. */
const CHUNK_OPEN = '[\n  [\n    ';
const CHUNK_CLOSE = '\n  ]\n]';
/** The report with no results, `JSON.stringify(report, null, 2)`, opens with this. */
const EMPTY_RESULTS = '{\n  "results": []';
/** Findings of a result without problems (JSON.stringify writes `[]`; nothing mutates it). */
const NO_FINDINGS: readonly Record<string, unknown>[] = Object.freeze([]);

/**
 * One JSON object: every input object (with or without problems), the inputs skipped or unreadable, and a summary.
 *
 * The text is `JSON.stringify({ results, inputs, summary }, null, 2)`, written in chunks of
 * results: each chunk is stringified inside two arrays, which indents its results exactly as the
 * report's `results` array does, and the brackets are cut off. Stringifying the whole report at
 * once kept every model object and every part of the 37 MB text of a large repository alive until
 * the end, and young-generation GC copied them all (about a third of the rendering).
 */
export function toJson(report: Report, failOn: FailOn = 'error', file?: (f: string) => string): string {
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
  const rest = JSON.stringify({ results: NO_FINDINGS, inputs, summary }, null, 2);
  const results = report.results;
  if (results.length === 0) return rest;
  let text = '{\n  "results": [\n    ';
  for (let start = 0; start < results.length; start += CHUNK_RESULTS) {
    const end = Math.min(start + CHUNK_RESULTS, results.length);
    const chunk: Record<string, unknown>[] = [];
    for (let i = start; i < end; i++) chunk.push(resultObject(results[i], prints));
    const json = JSON.stringify([chunk], null, 2);
    if (start > 0) text += ',\n    ';
    text += json.slice(CHUNK_OPEN.length, json.length - CHUNK_CLOSE.length);
  }
  return `${text}\n  ]${rest.slice(EMPTY_RESULTS.length)}`;
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
