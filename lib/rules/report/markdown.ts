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

/** Options of {@link toMarkdown}. */
export interface MarkdownOptions {
  /** Only this framework (a key of FRAMEWORKS, e.g. `cis`, or its full name). @default all */
  readonly framework?: string;
  /** Threshold for the failing count in the summary. @default 'never' (a report documents the state) */
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

/** A result in scope of a control without problems: it passes. */
const PASS: { status: Status; notes: string[] } = { status: 'pass', notes: [] };

/** The status of a result in scope of a control (one of whose rules ran on it), given the control's rule IDs. */
function statusOf(r: ObjectResult, ids: ReadonlySet<string>): { status: Status; notes: string[] } {
  if (r.problems.length === 0) return PASS;
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
  return PASS;
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

/** The compliance report as Markdown: summary, objects, then one table per framework. */
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
  // A control is in scope of an object when one of its rules ran on it (its `checked` list).
  // Results of a kind share one frozen list: scope is decided per distinct list and control, and
  // looked up per object by the list's number (a Map lookup per object and control was most of the
  // report on a large repository).
  const results = report.results;
  const lists: (readonly string[])[] = [];
  const listOf = new Int32Array(results.length);
  const listNumber = new Map<readonly string[], number>();
  for (let i = 0; i < results.length; i++) {
    let k = listNumber.get(results[i].checked);
    if (k === undefined) {
      k = lists.length;
      lists.push(results[i].checked);
      listNumber.set(results[i].checked, k);
    }
    listOf[i] = k;
  }
  for (const fw of order) {
    out.push(`## ${fw}`, '');
    const controls = [...(frameworks.get(fw)?.values() ?? [])].sort((a, b) => compareControls(a.control, b.control));
    const empty: string[] = [];
    const table: string[] = [
      '| Control | Rules | Pass | Fail | Suppressed | Objects failing or suppressed (file) |',
      '|---|---|---|---|---|---|',
    ];
    for (const c of controls) {
      const ids = new Set(c.rules.map((x) => x.id));
      const inScope = lists.map((list) => list.some((id) => ids.has(id)));
      const counts = { pass: 0, fail: 0, suppressed: 0 };
      const notable: string[] = [];
      for (let i = 0; i < results.length; i++) {
        if (!inScope[listOf[i]]) continue;
        const r = results[i];
        const row = statusOf(r, ids);
        counts[row.status]++;
        if (row.status !== 'pass')
          notable.push(`${ICON[row.status].split(' ')[0]} ${where(r)}: ${row.notes.join('; ')}`);
      }
      if (counts.pass + counts.fail + counts.suppressed === 0) {
        empty.push(c.control);
        continue;
      }
      const icon = counts.fail ? '❌' : counts.suppressed ? '⚪' : '✅';
      table.push(
        `| ${icon} ${cell(`${c.control}${c.title ? ` — ${c.title}` : ''}`)} | ${c.rules.map((r) => `\`${r.id}\``).join(' ')} | ${counts.pass} | ${counts.fail} | ${counts.suppressed} | ${cell(notable.join('<br>'))} |`,
      );
    }
    if (table.length > 2) out.push(...table, '');
    if (empty.length) out.push(`No object in scope: ${empty.join(', ')}.`, '');
  }
  return out.join('\n');
}
