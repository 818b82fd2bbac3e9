/**
 * The compliance report: controls grouped by framework. Data-driven: rules carry their framework
 * references, so new packs add controls by citing them. Written to be read: a summary on top, one
 * table row per control, details only for controls that fail or are suppressed, and controls with
 * nothing in scope collapsed into one line.
 */
import { FRAMEWORKS } from '../references';
import { ObjectResult, Report, RuleInfo } from '../types';
import { FailOn, objectLabel } from './common';
import { summaryLines } from './text';

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

/** `--framework` values: the short keys of {@link FRAMEWORKS}. */
export const FRAMEWORK_KEYS = Object.keys(FRAMEWORKS) as (keyof typeof FRAMEWORKS)[];

export interface MarkdownOptions {
  /** Only this framework (a key of FRAMEWORKS, e.g. `cis`, or its full name). @default all */
  readonly framework?: string;
  /** @default 'never' (a report documents the state) */
  readonly failOn?: FailOn;
}

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
  const problems = r.problems.filter((f) => f.rules.some((id) => ids.has(id)) && f.severity !== 'info');
  const open = problems.filter((f) => !f.suppressed && f.baseline === undefined);
  if (open.length) return { status: 'fail', notes: [...new Set(open.map((f) => f.rule))] };
  const accepted = problems.filter((f) => f.suppressed || f.baseline !== undefined);
  if (accepted.length)
    return {
      status: 'suppressed',
      notes: accepted.map((f) =>
        f.suppressed ? `${f.rule}: ${f.suppression?.reason ?? ''}` : `${f.rule}: baselined in ${f.baseline}`,
      ),
    };
  return { status: 'pass', notes: [] };
}

function compareControls(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Resolves `--framework` to a framework name, or undefined when unknown. */
export function resolveFramework(text: string): string | undefined {
  const key = text.toLowerCase();
  const byKey = (FRAMEWORKS as Record<string, string>)[key];
  return byKey ?? Object.values(FRAMEWORKS).find((f) => f.toLowerCase() === key);
}

export function toMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const frameworks = collectControls(report.rules);
  const only = options.framework !== undefined ? resolveFramework(options.framework) : undefined;
  const order = [
    ...FRAMEWORK_ORDER.filter((f) => frameworks.has(f)),
    ...[...frameworks.keys()].filter((f) => !FRAMEWORK_ORDER.includes(f)).sort(),
  ].filter((f) => only === undefined || f === only);
  const out: string[] = ['# agent-baseline compliance report', ''];
  out.push(...summaryLines(report, options.failOn ?? 'never').map((l) => `${l}  `), '');
  out.push(
    'A control fails when any of its rules has an open error or warning on an object; suppressed, exempt and baselined problems show their reason. Objects are named with their file.',
    '',
  );
  const inputs = report.inputs;
  if (inputs && (inputs.errors.length || inputs.skipped.length)) {
    out.push('## Inputs not scanned', '');
    for (const e of inputs.errors) out.push(`- ❗ \`${e.file}${e.line ? `:${e.line}` : ''}\`: ${e.message}`);
    for (const e of inputs.skipped) out.push(`- \`${e.file}${e.line ? `:${e.line}` : ''}\`: skipped, ${e.message}`);
    out.push('');
  }
  if (report.results.length) {
    out.push(
      '## Objects',
      '',
      '| Object | File | Errors | Warnings | Suppressed, exempt or baselined |',
      '|---|---|---|---|---|',
    );
    for (const r of report.results) {
      const open = r.problems.filter((p) => !p.suppressed && p.baseline === undefined);
      out.push(
        `| ${cell(objectLabel(r))} | ${r.source?.file ? `\`${cell(r.source.file)}${r.source.line ? `:${r.source.line}` : ''}\`` : ''} | ${open.filter((p) => p.severity === 'error').length} | ${open.filter((p) => p.severity === 'warning').length} | ${r.problems.length - open.length} |`,
      );
    }
    out.push('');
  }
  const where = (r: ObjectResult) =>
    `${cell(objectLabel(r))}${r.source?.file ? ` (\`${cell(r.source.file)}${r.source.line ? `:${r.source.line}` : ''}\`)` : ''}`;
  for (const fw of order) {
    out.push(`## ${fw}`, '');
    const controls = [...(frameworks.get(fw)?.values() ?? [])].sort((a, b) => compareControls(a.control, b.control));
    const empty: string[] = [];
    const table: string[] = [
      '| Control | Rules | Pass | Fail | Suppressed | Objects failing or suppressed (file) |',
      '|---|---|---|---|---|---|',
    ];
    for (const c of controls) {
      const rows = report.results.flatMap((r) => {
        const st = statusOf(r, c.rules);
        return st ? [{ r, ...st }] : [];
      });
      if (rows.length === 0) {
        empty.push(c.control);
        continue;
      }
      const counts = { pass: 0, fail: 0, suppressed: 0 };
      rows.forEach((row) => counts[row.status]++);
      const icon = counts.fail ? '❌' : counts.suppressed ? '⚪' : '✅';
      const notable = rows
        .filter((row) => row.status !== 'pass')
        .map((row) => `${ICON[row.status].split(' ')[0]} ${where(row.r)}: ${row.notes.join('; ')}`);
      table.push(
        `| ${icon} ${cell(`${c.control}${c.title ? ` — ${c.title}` : ''}`)} | ${c.rules.map((r) => `\`${r.id}\``).join(' ')} | ${counts.pass} | ${counts.fail} | ${counts.suppressed} | ${cell(notable.join('<br>'))} |`,
      );
    }
    if (table.length > 2) out.push(...table, '');
    if (empty.length) out.push(`No object in scope: ${empty.join(', ')}.`, '');
  }
  return out.join('\n');
}
