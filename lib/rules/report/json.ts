import { Report } from '../types';
import { FailOn, failingCount } from './common';

/** One JSON object: every input object (with or without findings) and a summary. */
export function toJson(report: Report, failOn: FailOn = 'error'): string {
  const results = report.results.map((r) => ({
    file: r.source?.file ?? null,
    line: r.source?.line ?? null,
    apiVersion: r.apiVersion,
    kind: r.kind,
    namespace: r.namespace ?? null,
    name: r.name,
    findings: r.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      path: f.path,
      suppressed: f.suppressed,
      ...(f.container ? { container: f.container } : {}),
      ...(f.line ? { line: f.line } : {}),
      fix: f.fix,
      ...(f.suppression
        ? { suppression: { reason: f.suppression.reason, expires: f.suppression.expires ?? null } }
        : {}),
    })),
  }));
  const summary = {
    ...report.summary,
    failing: failingCount(report, failOn),
    failOn,
    packs: report.packs,
    pssVersion: report.pssVersion,
  };
  return JSON.stringify({ results, summary }, null, 2);
}
