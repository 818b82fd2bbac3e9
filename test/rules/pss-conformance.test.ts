import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { KubeObject, runRules } from '../../lib/rules';

const ROOT = path.join(__dirname, '..', 'fixtures', 'pod-security-admission');

interface Fixture {
  readonly file: string;
  readonly level: 'baseline' | 'restricted';
  readonly version: string;
  readonly expect: 'pass' | 'fail';
}

function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const level of ['baseline', 'restricted'] as const) {
    for (const version of fs.readdirSync(path.join(ROOT, level))) {
      for (const expect of ['pass', 'fail'] as const) {
        const dir = path.join(ROOT, level, version, expect);
        if (!fs.existsSync(dir)) continue;
        for (const name of fs.readdirSync(dir)) {
          if (name.endsWith('.yaml')) out.push({ file: path.join(dir, name), level, version, expect });
        }
      }
    }
  }
  return out;
}

function verdict(pod: KubeObject, level: string, version: string): 'pass' | 'fail' {
  const report = runRules([pod], { packs: [`pss-${level}`], pssVersion: version });
  return report.summary.failing > 0 ? 'fail' : 'pass';
}

describe('Pod Security Standards conformance (kubernetes/pod-security-admission test/testdata)', () => {
  const all = fixtures();
  const disagreements: string[] = [];
  for (const f of all) {
    const got = verdict(parse(fs.readFileSync(f.file, 'utf8')) as KubeObject, f.level, f.version);
    if (got !== f.expect) disagreements.push(`${path.relative(ROOT, f.file)}: expected ${f.expect}, got ${got}`);
  }
  const agree = all.length - disagreements.length;

  it(`${agree} of ${all.length} fixtures agree`, () => {
    console.log(`PSS conformance: ${agree} of ${all.length} fixtures agree`);
    expect(all.length).toBe(4537);
    expect(disagreements).toEqual([]);
  });
});
