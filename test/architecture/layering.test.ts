/**
 * The import graph: no cycles (between files or between folders, type-only imports included) and
 * no import that breaks the layering (lib/core < lib/common < lib/rules < construct modules <
 * entry points). The rules live in .dependency-cruiser.cjs; dependency-cruiser reads the graph.
 * A second suite runs the same configuration on a small tree with known faults, so a
 * configuration that silently stopped seeing something (type-only imports, folder cycles) fails.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const TARGETS = ['lib', 'stacks', 'main.ts', 'bin', 'bench', 'policy'];
// The config is CommonJS, as dependency-cruiser reads it.
const config = require(CONFIG) as { forbidden: { name: string; comment?: string }[] };

/** The rules of .dependency-cruiser.cjs, each checked (and reported) on its own. */
const RULES = [
  'no-circular',
  'no-folder-cycle',
  'core-imports-only-core',
  'common-imports-only-core',
  'rules-imports-no-construct-module',
  'rules-imports-no-cdk8s',
  'cli-is-an-entry-point',
] as const;

interface CycleStep {
  readonly name: string;
  readonly dependencyTypes: readonly string[];
}

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
  readonly cycle?: readonly CycleStep[];
}

function cruise(cwd: string, targets: readonly string[]): Violation[] {
  const run = spawnSync(process.execPath, [CLI, ...targets, '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  // depcruise exits non-zero when it finds violations; the JSON report is on stdout either way.
  if (!run.stdout.trim()) throw new Error(`dependency-cruiser produced no report: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
  return report.summary.violations;
}

/**
 * One line per violation. A cycle starts at its alphabetically first module, so the same cycle
 * found from each of its members reads the same; `b (type-only)` means the import that leads to
 * b is `import type`.
 */
function describeViolation(v: Violation): string {
  if (!v.cycle) return `${v.from} → ${v.to}`;
  // The cycle's steps are the imports from `from` back to `from`; rotate them to the first name.
  const steps = [...v.cycle];
  const start = steps.reduce((best, s, i) => (s.name < steps[best].name ? i : best), 0);
  const rotated = [...steps.slice(start + 1), ...steps.slice(0, start + 1)];
  const label = (s: CycleStep) => (s.dependencyTypes.includes('type-only') ? `${s.name} (type-only)` : s.name);
  return [steps[start].name, ...rotated.map(label)].join(' → ');
}

function violationsOf(violations: readonly Violation[], rule: string): string[] {
  return [...new Set(violations.filter((v) => v.rule.name === rule).map(describeViolation))].sort();
}

describe('import graph of lib/, stacks/, main.ts, bin/, bench/ and policy/', () => {
  let violations: Violation[];

  beforeAll(() => {
    violations = cruise(ROOT, TARGETS);
  });

  it.each(RULES)('%s: no violations', (rule) => {
    const found = violationsOf(violations, rule);
    if (found.length > 0) {
      // One offending import or cycle per line, under what the rule forbids and why.
      const comment = config.forbidden.find((r) => r.name === rule)?.comment ?? '';
      const error = new Error(`${rule}: ${found.length} violation(s). ${comment}\n  ${found.join('\n  ')}`);
      // The list is the whole story; a code frame of this file would only distract from it.
      error.stack = error.message;
      throw error;
    }
  });

  it('reports nothing under a rule this test does not know', () => {
    const known = new Set<string>(RULES);
    expect(
      violations.filter((v) => !known.has(v.rule.name)).map((v) => `${v.rule.name}: ${describeViolation(v)}`),
    ).toEqual([]);
  });
});

describe('the layering check itself', () => {
  let dir: string;
  let found: Violation[];

  const FILES: Record<string, string> = {
    // A file cycle through type-only imports alone.
    'lib/workload/agent.ts':
      "import type { Secrets } from '../vault/secrets';\nexport interface Agent { s?: Secrets }\n",
    'lib/vault/secrets.ts': "import type { Agent } from '../workload/agent';\nexport interface Secrets { a?: Agent }\n",
    // A folder cycle with no file cycle: network/a → namespace/b, namespace/c → network/d.
    'lib/network/a.ts': "import { b } from '../namespace/b';\nexport const a = b;\n",
    'lib/namespace/b.ts': 'export const b = 1;\n',
    'lib/namespace/c.ts': "import { d } from '../network/d';\nexport const c = d;\n",
    'lib/network/d.ts': 'export const d = 2;\n',
    // Layering breaks, each through a type-only import.
    'lib/core/errors.ts': "import type { Agent } from '../workload/agent';\nexport type E = Agent;\n",
    'lib/common/risks.ts': "import type { R } from '../rules/rule';\nexport type S = R;\n",
    'lib/rules/rule.ts': "import type { Agent } from '../workload/agent';\nexport type R = Agent;\n",
    'lib/rules/engine.ts': "import type { Construct } from 'constructs';\nexport type C = Construct;\n",
    'lib/platform/app.ts': "import type { Cli } from '../cli/index';\nexport type P = Cli;\n",
    'lib/cli/index.ts': 'export type Cli = string;\n',
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layering-'));
    for (const [file, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    // npm packages resolve from the project's node_modules.
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    found = cruise(dir, ['lib']);
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sees a file cycle made of type-only imports', () => {
    expect(violationsOf(found, 'no-circular')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/lib\/workload\/agent\.ts.*lib\/vault\/secrets\.ts \(type-only\)/),
      ]),
    );
  });

  it('sees a folder cycle that no file cycle shows', () => {
    expect(violationsOf(found, 'no-folder-cycle')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^lib\/(network|namespace) → lib\/(namespace|network) → lib\/\1$/),
      ]),
    );
  });

  it.each([
    ['core-imports-only-core', 'lib/core/errors.ts → lib/workload/agent.ts'],
    ['common-imports-only-core', 'lib/common/risks.ts → lib/rules/rule.ts'],
    ['rules-imports-no-construct-module', 'lib/rules/rule.ts → lib/workload/agent.ts'],
    ['cli-is-an-entry-point', 'lib/platform/app.ts → lib/cli/index.ts'],
  ])('%s catches %s (a type-only import)', (rule, edge) => {
    expect(violationsOf(found, rule)).toContain(edge);
  });

  it('rules-imports-no-cdk8s catches lib/rules importing constructs', () => {
    expect(violationsOf(found, 'rules-imports-no-cdk8s')).toEqual([
      expect.stringMatching(/^lib\/rules\/engine\.ts → .*node_modules\/constructs\//),
    ]);
  });
});
