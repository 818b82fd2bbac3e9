import * as fs from 'fs';
import * as path from 'path';
import { loadInputs } from '../../lib/cli/load';
import { Finding, runRules } from '../../lib/rules';

const DIR = path.join(__dirname, '..', 'fixtures', 'bad-manifests');

/** Each fixture states its expectations in header comments: `# expect: RULE path` and `# absent: RULE`. */
interface Case {
  readonly name: string;
  readonly expect: readonly { rule: string; path: string }[];
  readonly absent: readonly string[];
}

function cases(): Case[] {
  return fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml') && f !== 'good.yaml')
    .sort()
    .map((file) => {
      const header = fs
        .readFileSync(path.join(DIR, file), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('# '));
      const expect = header.flatMap((l) => {
        const m = /^# expect: (\S+) (.+)$/.exec(l);
        return m ? [{ rule: m[1], path: m[2] }] : [];
      });
      const absent = header.flatMap((l) => {
        const m = /^# absent: (\S+)$/.exec(l);
        return m ? [m[1]] : [];
      });
      return { name: file.replace(/\.yaml$/, ''), expect, absent };
    });
}

function scan(name: string): Finding[] {
  const report = runRules(loadInputs([path.join(DIR, `${name}.yaml`)]), { now: new Date('2026-01-01') });
  return report.results.flatMap((r) => r.findings);
}

const all = cases();

describe('bad manifests', () => {
  it('has at least 40 cases covering every pack', () => {
    expect(all.filter((c) => c.expect.length > 0).length).toBeGreaterThanOrEqual(40);
    const prefixes = new Set(all.flatMap((c) => c.expect.map((e) => e.rule.split('-')[0])));
    expect([...prefixes].sort()).toEqual(['AGT', 'API', 'HRD', 'PSS', 'RBAC', 'SUP']);
  });

  it('the hardened base set has no findings', () => {
    expect(scan('good').map((f) => `${f.rule} ${f.path}: ${f.message}`)).toEqual([]);
  });

  it.each(all.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const findings = scan(c.name);
    const got = findings.map((f) => `${f.rule} ${f.path}`);
    for (const e of c.expect) expect(got).toContain(`${e.rule} ${e.path}`);
    for (const rule of c.absent) expect(findings.filter((f) => f.rule === rule)).toEqual([]);
    // Every finding belongs to the mutation: nothing unexpected beyond the listed rules.
    const expectedRules = new Set(c.expect.map((e) => e.rule));
    expect(findings.filter((f) => !expectedRules.has(f.rule)).map((f) => `${f.rule} ${f.path}`)).toEqual([]);
  });
});
