import { Report } from '../types';
import { FailOn, SEVERITY_ORDER, byFile, failingCount, isFailing, objectLabel, statusOf } from './common';

/** The one-screen summary both human formats open with. */
export function summaryLines(report: Report, failOn: FailOn): string[] {
  const s = report.summary;
  const rules = new Map<string, number>();
  for (const r of report.results)
    for (const p of r.problems) if (isFailing(p, failOn)) rules.set(p.rule, (rules.get(p.rule) ?? 0) + 1);
  const top = [...rules.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);
  const inputs = report.inputs;
  return [
    `agent-baseline: ${s.objects} objects, ${s.findings} problems (${s.bySeverity.error} errors, ${s.bySeverity.warning} warnings, ${s.bySeverity.info} info), ${s.suppressed} suppressed or exempt, ${s.baselined} baselined; ${failingCount(report, failOn)} failing (fail-on ${failOn})`,
    `packs ${report.packs.join(', ')}; PSS ${report.pssVersion}${inputs ? `; ${inputs.errors.length} unreadable inputs, ${inputs.skipped.length} skipped` : ''}`,
    ...(top.length ? [`most frequent failing: ${top.map(([r, n]) => `${r} (${n})`).join(', ')}`] : []),
  ];
}

/** Human-readable output: summary on top, then problems by file and object, most severe first. */
export function toText(report: Report, failOn: FailOn = 'error'): string {
  const lines: string[] = [...summaryLines(report, failOn), ''];
  // Each rule's usual fix is printed once, at the end; a finding-specific fix stays on its line.
  const fixes = new Map(report.rules.map((r) => [r.id, r]));
  const used = new Set<string>();
  for (const r of report.results)
    for (const p of r.problems) if (!p.suppressed && p.baseline === undefined) used.add(p.rule);
  for (const { file, objects } of byFile(report)) {
    const withProblems = objects.filter((r) => r.problems.length);
    if (!withProblems.length) continue;
    lines.push(file);
    for (const r of withProblems) {
      lines.push(`  ${objectLabel(r)}${r.source?.line ? ` (line ${r.source.line})` : ''}`);
      const sorted = [...r.problems].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
      for (const f of sorted) {
        const status = statusOf(f);
        const tag = status === f.severity ? status : `${status} ${f.severity}`;
        const related = f.rules.length > 1 ? ` [also ${f.rules.slice(1).join(', ')}]` : '';
        lines.push(
          `    ${tag.padEnd(19)} ${f.rule}  ${f.path}${f.line ? ` (line ${f.line})` : ''}: ${f.message}${related}`,
        );
        if (f.suppressed) lines.push(`        reason: ${f.suppression?.reason ?? ''}`);
        else if (f.baseline !== undefined) lines.push(`        accepted by baseline ${f.baseline}`);
        else if (f.fix !== fixes.get(f.rule)?.fix) lines.push(`        fix: ${f.fix}`);
      }
    }
  }
  const howTo = [...used].filter((id) => fixes.has(id)).sort();
  if (howTo.length) {
    lines.push('', 'How to fix:');
    for (const id of howTo) lines.push(`  ${id}: ${fixes.get(id)?.fix ?? ''}`);
  }
  const inputs = report.inputs;
  if (inputs?.errors.length) {
    lines.push('', 'Inputs that could not be read:');
    for (const e of inputs.errors) lines.push(`  ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`);
  }
  if (inputs?.skipped.length) {
    lines.push('', 'Skipped:');
    for (const e of inputs.skipped) lines.push(`  ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`);
  }
  return lines.join('\n') + '\n';
}
