/** JUnit XML: one testsuite per object, one testcase per rule evaluated on it. */
import { Report } from '../types';
import { FailOn, isFailing, objectLabel } from './common';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

function esc(text: string): string {
  return (
    text
      .replace(
        /[<>&"']/g,
        (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
      )
      // XML 1.0 forbids most control characters even when escaped.
      .replace(XML_FORBIDDEN, '')
  );
}

/** The report as JUnit XML; a test case fails when a problem it names fails at `failOn`. */
export function toJunit(report: Report, failOn: FailOn = 'error'): string {
  let tests = 0;
  let failures = 0;
  // Rule names repeat on every object: each is escaped once.
  const names = new Map<string, string>();
  const nameOf = (rule: string) => {
    let name = names.get(rule);
    if (name === undefined) names.set(rule, (name = esc(rule)));
    return name;
  };
  const suites = report.results.map((r) => {
    const cls = esc(objectLabel(r));
    let failed = 0;
    const cases = r.checked.map((rule) => {
      tests++;
      const name = nameOf(rule);
      // Most objects have no problems: every case passes, with nothing to say.
      if (r.problems.length === 0) return `    <testcase name="${name}" classname="${cls}"></testcase>`;
      // A merged problem fails the test case of every rule it names.
      const findings = r.problems.filter((f) => f.rules.includes(rule));
      const failing = findings.filter((f) => isFailing(f, failOn));
      if (failing.length) {
        failures++;
        failed++;
        const body = failing.map((f) => `${f.path}: ${f.message}. Fix: ${f.fix}`).join('\n');
        return `    <testcase name="${name}" classname="${cls}"><failure type="${failing[0].severity}" message="${esc(failing[0].message)}">${esc(body)}</failure></testcase>`;
      }
      const suppressed = findings.filter((f) => f.suppressed || f.baseline !== undefined);
      if (suppressed.length) {
        const why = suppressed[0].suppressed
          ? `${suppressed[0].suppression?.source === 'exemption' ? 'exempt' : 'suppressed'}: ${suppressed[0].suppression?.reason ?? ''}`
          : `baselined: accepted by ${suppressed[0].baseline}`;
        return `    <testcase name="${name}" classname="${cls}"><skipped message="${esc(why)}"/></testcase>`;
      }
      const other = findings.map((f) => `${f.severity} ${f.path}: ${f.message}`).join('\n');
      return `    <testcase name="${name}" classname="${cls}">${other ? `<system-out>${esc(other)}</system-out>` : ''}</testcase>`;
    });
    const meta = r.problems.filter((f) => !f.rules.some((id) => r.checked.includes(id)) && isFailing(f, failOn));
    for (const f of meta) {
      tests++;
      failures++;
      failed++;
      cases.push(
        `    <testcase name="${esc(f.rule)}" classname="${cls}"><failure type="${f.severity}" message="${esc(f.message)}">${esc(`${f.path}: ${f.message}`)}</failure></testcase>`,
      );
    }
    const file = r.source?.file ? ` file="${esc(r.source.file)}"` : '';
    // Counted as written: escaped text never holds `<failure`, so this is what searching the
    // cases for it counted.
    return `  <testsuite name="${cls}" tests="${cases.length}" failures="${failed}"${file}>\n${cases.join('\n')}\n  </testsuite>`;
  });
  const inputs = report.inputs ?? { errors: [], skipped: [] };
  if (inputs.errors.length || inputs.skipped.length) {
    const cases = [
      ...inputs.errors.map(
        (e) =>
          `    <testcase name="${esc(`${e.file}${e.line ? `:${e.line}` : ''}`)}" classname="inputs"><error message="${esc(e.message)}"/></testcase>`,
      ),
      ...inputs.skipped.map(
        (e) =>
          `    <testcase name="${esc(`${e.file}${e.line ? `:${e.line}` : ''}`)}" classname="inputs"><skipped message="${esc(e.message)}"/></testcase>`,
      ),
    ];
    tests += cases.length;
    suites.push(
      `  <testsuite name="inputs" tests="${cases.length}" failures="0" errors="${inputs.errors.length}" skipped="${inputs.skipped.length}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="agent-baseline" tests="${tests}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}
