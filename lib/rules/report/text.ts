import { Report } from '../types';
import { FailOn, SEVERITY_ORDER, failingCount, objectLabel } from './common';

/** Human-readable output, one line per finding, grouped by object. */
export function toText(report: Report, failOn: FailOn = 'error'): string {
  const lines: string[] = [];
  for (const r of report.results) {
    if (r.findings.length === 0) continue;
    const where = r.source?.file ? `${r.source.file}${r.source.line ? `:${r.source.line}` : ''} ` : '';
    lines.push(`${where}${objectLabel(r)}`);
    const sorted = [...r.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    for (const f of sorted) {
      const tag = f.suppressed ? `suppressed ${f.severity}` : f.severity;
      lines.push(`  ${tag.padEnd(19)} ${f.rule}  ${f.path}${f.line ? ` (line ${f.line})` : ''}: ${f.message}`);
      lines.push(f.suppressed ? `      reason: ${f.suppression?.reason ?? ''}` : `      fix: ${f.fix}`);
    }
  }
  const s = report.summary;
  lines.push(
    `${s.objects} objects, ${s.bySeverity.error} errors, ${s.bySeverity.warning} warnings, ${s.suppressed} suppressed; ${failingCount(report, failOn)} failing (fail-on ${failOn}); packs ${report.packs.join(', ')}; PSS ${report.pssVersion}`,
  );
  return lines.join('\n') + '\n';
}
