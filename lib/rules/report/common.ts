import { Finding, ObjectResult, Report, Severity } from '../types';

/** Which unsuppressed findings fail a run. */
export type FailOn = 'error' | 'warning' | 'never';
export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'never'];

export function isFailing(f: Finding, failOn: FailOn): boolean {
  if (f.suppressed || failOn === 'never') return false;
  return f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning');
}

export function failingCount(report: Report, failOn: FailOn): number {
  return report.results.reduce((n, r) => n + r.findings.filter((f) => isFailing(f, failOn)).length, 0);
}

export function objectLabel(r: ObjectResult): string {
  return `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name || '(unnamed)'}`;
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
