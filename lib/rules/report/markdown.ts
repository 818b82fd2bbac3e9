/**
 * The compliance report: controls grouped by framework, with pass, fail or suppressed per object.
 * Data-driven: rules carry their framework references, so new packs add controls by citing them.
 */
import { FRAMEWORKS } from '../references';
import { ObjectResult, Report, RuleInfo } from '../types';
import { objectLabel } from './common';

type Status = 'pass' | 'fail' | 'suppressed';
const ICON: Record<Status, string> = { pass: '✅ pass', fail: '❌ fail', suppressed: '⚪ suppressed' };
const FRAMEWORK_ORDER: readonly string[] = [
  FRAMEWORKS.pss,
  FRAMEWORKS.nsa,
  FRAMEWORKS.cis,
  FRAMEWORKS.owasp,
  FRAMEWORKS.soc2,
  FRAMEWORKS.gdpr,
];

interface Control {
  readonly framework: string;
  readonly control: string;
  readonly title?: string;
  readonly rules: RuleInfo[];
}

function collectControls(rules: readonly RuleInfo[]): Map<string, Map<string, Control>> {
  const frameworks = new Map<string, Map<string, Control>>();
  for (const rule of rules) {
    for (const ref of rule.references) {
      const controls = frameworks.get(ref.framework) ?? new Map<string, Control>();
      frameworks.set(ref.framework, controls);
      const c = controls.get(ref.control) ?? {
        framework: ref.framework,
        control: ref.control,
        title: ref.title,
        rules: [],
      };
      c.rules.push(rule);
      controls.set(ref.control, c);
    }
  }
  return frameworks;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function statusOf(r: ObjectResult, rules: readonly RuleInfo[]): { status: Status; notes: string[] } | undefined {
  const ids = new Set(rules.map((x) => x.id));
  if (!r.checked.some((id) => ids.has(id))) return undefined;
  const findings = r.findings.filter((f) => ids.has(f.rule) && f.severity !== 'info');
  const open = findings.filter((f) => !f.suppressed);
  if (open.length) return { status: 'fail', notes: open.map((f) => `${f.rule}: ${f.message}`) };
  const suppressed = findings.filter((f) => f.suppressed);
  if (suppressed.length)
    return { status: 'suppressed', notes: suppressed.map((f) => `${f.rule}: ${f.suppression?.reason ?? ''}`) };
  return { status: 'pass', notes: [] };
}

function compareControls(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export function toMarkdown(report: Report): string {
  const frameworks = collectControls(report.rules);
  const order = [
    ...FRAMEWORK_ORDER.filter((f) => frameworks.has(f)),
    ...[...frameworks.keys()].filter((f) => !FRAMEWORK_ORDER.includes(f)).sort(),
  ];
  const out: string[] = ['# agent-baseline compliance report', ''];
  const s = report.summary;
  out.push(
    `Packs: ${report.packs.join(', ')}. Pod Security version: ${report.pssVersion}. Objects: ${s.objects}. Errors: ${s.bySeverity.error}, warnings: ${s.bySeverity.warning}, suppressed: ${s.suppressed}.`,
    '',
  );
  out.push(
    'Status per object: a control fails when any of its rules has an open error or warning on the object; suppressed findings show their recorded reason.',
    '',
  );
  for (const fw of order) {
    out.push(`## ${fw}`, '');
    const controls = [...(frameworks.get(fw)?.values() ?? [])].sort((a, b) => compareControls(a.control, b.control));
    for (const c of controls) {
      const rows = report.results.flatMap((r) => {
        const st = statusOf(r, c.rules);
        return st ? [{ r, ...st }] : [];
      });
      const counts = { pass: 0, fail: 0, suppressed: 0 };
      rows.forEach((row) => counts[row.status]++);
      out.push(`### ${c.control}${c.title ? ` — ${c.title}` : ''}`, '');
      out.push(
        `Rules: ${c.rules.map((r) => `\`${r.id}\``).join(', ')}. Pass ${counts.pass}, fail ${counts.fail}, suppressed ${counts.suppressed}.`,
        '',
      );
      if (rows.length === 0) {
        out.push('_No object in scope._', '');
        continue;
      }
      out.push('| Object | Status | Details |', '|---|---|---|');
      for (const row of rows)
        out.push(`| ${cell(objectLabel(row.r))} | ${ICON[row.status]} | ${cell(row.notes.join('; '))} |`);
      out.push('');
    }
  }
  return out.join('\n');
}
