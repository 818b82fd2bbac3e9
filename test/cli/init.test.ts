/** `agent-baseline init`: the scaffold's files, and refusals of any directory it could overwrite. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { buildProgram } from '../../lib/cli';
import { CliOptionError } from '../../lib/core';
import { initApp, npmNameFor } from '../../lib/cli/init';

const ROOT = path.join(__dirname, '../..');
const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-init-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  process.exitCode = 0;
  await buildProgram({ out: (t) => (out += t), err: (t) => (err += t) }).parseAsync([
    'node',
    'agent-baseline',
    ...args,
  ]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

describe('a new or empty directory', () => {
  test.each([
    ['a directory that does not exist yet', (d: string) => path.join(d, 'new', 'my-agents')],
    [
      'an existing empty directory',
      (d: string) => fs.mkdirSync(path.join(d, 'my-agents')) ?? path.join(d, 'my-agents'),
    ],
  ])('%s gets the whole scaffold', async (_, dirOf) => {
    const dir = dirOf(tmp);
    const { out, code } = await cli('init', dir);
    expect(code).toBe(0);
    expect(out).toMatch(/npm install && npm run synth/);
    expect(fs.readdirSync(dir).sort()).toEqual(
      [
        '.gitignore',
        'README.md',
        'cdk8s.yaml',
        'jest.config.js',
        'main.ts',
        'package.json',
        'test',
        'tsconfig.json',
      ].sort(),
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-agents');
    expect(pkg.dependencies).toEqual({
      'agent-baseline': `^${own.version}`,
      cdk8s: own.peerDependencies.cdk8s,
      'cdk8s-plus-28': own.peerDependencies['cdk8s-plus-28'],
      constructs: own.peerDependencies.constructs,
    });
    // A cdk8s-only app: no Pulumi SDK among its dependencies.
    expect(JSON.stringify(pkg)).not.toMatch(/@pulumi/);
    for (const [dep, range] of Object.entries(pkg.devDependencies))
      expect([dep, range]).toEqual([dep, own.devDependencies[dep]]);
    const cdk8s = parse(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8'));
    expect(cdk8s.validations).toEqual([
      { package: './node_modules/agent-baseline/plugin', version: own.version, class: 'AgentBaselineValidation' },
    ]);
    const main = fs.readFileSync(path.join(dir, 'main.ts'), 'utf8');
    expect(main.match(/new AgentNamespace\(/g)).toHaveLength(1);
    expect(main.match(/new HardenedAgent\(/g)).toHaveLength(1);
    expect(main).toMatch(/Next steps/);
    expect(main).toMatch(/writeVaultArtifacts\(app, app.outdir\)/);
    expect(main).toMatch(/writeAuditPolicy\(app, app.outdir\)/);
    expect(fs.readFileSync(path.join(dir, 'test', 'main.test.ts'), 'utf8')).toMatch(/toMatchSnapshot/);
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme.match(/^npm /gm)).toEqual(['npm ', 'npm ']);
  });

  test('--name and --package-spec are written as given', async () => {
    const dir = path.join(tmp, 'x');
    await cli('init', dir, '--name', 'team-a-agents', '--package-spec', 'file:../agent-baseline-0.1.0.tgz');
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect([pkg.name, pkg.dependencies['agent-baseline']]).toEqual([
      'team-a-agents',
      'file:../agent-baseline-0.1.0.tgz',
    ]);
  });
});

describe('refusals', () => {
  test.each([
    [
      'a directory with a file',
      (d: string) => fs.writeFileSync(path.join(d, 'main.ts'), '// mine'),
      /is not empty \(it has main\.ts\)/,
    ],
    [
      'a directory with only a hidden entry',
      (d: string) => fs.mkdirSync(path.join(d, '.git')),
      /is not empty \(it has \.git\)/,
    ],
    [
      'a directory with many entries',
      (d: string) => ['a', 'b', 'c', 'd', 'e', 'f', 'g'].forEach((f) => fs.writeFileSync(path.join(d, f), '')),
      /it has a, b, c, d, e, … \(7 entries\)/,
    ],
  ])('%s is refused, nothing is written, exit 2', async (_, prepare, message) => {
    const dir = path.join(tmp, 'app');
    fs.mkdirSync(dir);
    prepare(dir);
    const before = fs.readdirSync(dir).sort();
    const { err, code } = await cli('init', dir);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toMatch(/init only writes into a new or empty directory, so it never overwrites your files/);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  test('a path that is a file is refused', () => {
    const file = path.join(tmp, 'file');
    fs.writeFileSync(file, 'x');
    expect(() => initApp(file)).toThrow(
      new CliOptionError(`${file} exists and is not a directory; give init a new or empty directory`),
    );
  });
});

test.each([
  ['my-agents', 'my-agents'],
  ['My Agents', 'my-agents'],
  ['.hidden', 'hidden'],
  ['_x', 'x'],
  ['team@a/b', 'team-a-b'],
  ['...', 'agents'],
])('directory %j gets npm name %j', (dir, name) => {
  expect(npmNameFor(dir)).toBe(name);
});
