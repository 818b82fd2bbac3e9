import { Report } from '../types';
import { FailOn, failingCount, fingerprints, statusOf } from './common';

/** One JSON object: every input object (with or without problems), the inputs skipped or unreadable, and a summary. */
export function toJson(report: Report, failOn: FailOn = 'error', file?: (f: string) => string): string {
  const prints = fingerprints(report, file);
  const results = report.results.map((r) => ({
    file: r.source?.file ?? null,
    line: r.source?.line ?? null,
    apiVersion: r.apiVersion,
    kind: r.kind,
    namespace: r.namespace ?? null,
    name: r.name,
    findings: r.problems.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      status: statusOf(f),
      message: f.message,
      path: f.path,
      suppressed: f.suppressed,
      ...(f.rules.length > 1 ? { related: f.rules.slice(1) } : {}),
      ...(f.peers.length ? { peers: f.peers } : {}),
      ...(f.container ? { container: f.container } : {}),
      ...(f.line ? { line: f.line } : {}),
      fix: f.fix,
      fingerprint: prints.get(f),
      ...(f.suppression
        ? {
            suppression: {
              reason: f.suppression.reason,
              expires: f.suppression.expires ?? null,
              source: f.suppression.source ?? 'annotation',
            },
          }
        : {}),
      ...(f.baseline !== undefined ? { baseline: f.baseline } : {}),
    })),
  }));
  const summary = {
    ...report.summary,
    failing: failingCount(report, failOn),
    failOn,
    packs: report.packs,
    pssVersion: report.pssVersion,
  };
  const inputs = report.inputs ?? { errors: [], skipped: [] };
  return JSON.stringify({ results, inputs, summary }, null, 2);
}
